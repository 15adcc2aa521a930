// Asking a person for a PIN on the terminal (/dev/tty, echo off), and for a
// yes/no confirmation. Never reads a PIN from stdin or argv, so it cannot
// end up in shell history or a `ps` listing.
#pragma once

#include <string_view>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca {

// True when the process has a controlling terminal to ask on.
bool haveTerminal();

// Prints `prompt` on the terminal and reads one line with echo off.
// Unavailable without a terminal; InvalidArgument for an empty answer.
Result<SecretBytes> promptSecret(std::string_view prompt);

// Prints `question` and reads a line: true only for "yes".
Result<bool> confirmOnTerminal(std::string_view question);

}  // namespace sshca
