// JSON text <-> nlohmann::json for JOSE, without exceptions escaping.
// nlohmann::json throws on malformed input; these catch at the call site
// (docs/errors.md) and return an Error instead.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"

namespace sshca::jose {

// Parses `text` as one JSON object (RFC 8259, UTF-8). Refuses other JSON
// values and duplicate member names at any depth: RFC 7515 §4 and RFC 7519
// §4 require unique names, and parsers that keep the first vs the last
// duplicate would read one token two ways. InvalidFormat, with `what`
// ("JWS header") in the message.
Result<nlohmann::json> parseJsonObject(std::string_view text, std::string_view what);

// Compact serialisation (no whitespace). InvalidArgument if a string holds
// invalid UTF-8 (nlohmann refuses to write it).
Result<std::string> dumpJson(const nlohmann::json& value, std::string_view what);

}  // namespace sshca::jose
