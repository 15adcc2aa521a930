// Caller bytes inside a message: what a refusal quotes (a principal, a key
// ID, a subject, an e-mail address) goes back to the caller in a JSON body,
// into the request log and onto an operator's terminal. quoteCaller() makes it
// safe for all three: every byte outside printable ASCII, and the quote and
// backslash themselves, is shown as \xNN, and the text is cut to a bound.
// The one helper for this; messages that quote caller input use it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sshca {

// Enough to recognise any principal, key ID or e-mail address.
inline constexpr size_t kMaxQuotedBytes = 64;

// 'text' in single quotes, escaped:  'al\x1b[2Jice'
// Longer text: its first maxBytes bytes, then "...'".
std::string quoteCaller(std::string_view text, size_t maxBytes = kMaxQuotedBytes);

}  // namespace sshca
