// Typed, non-throwing access to the fields of a parsed JSON request object.
// A JSON null counts as absent: Go clients marshal nil slices and empty
// optional values as null.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"

namespace sshca::api::json_fields {

// The body as a JSON object, or InvalidArgument (never quoting the body).
// A member name twice in one object, at any depth, is refused.
Result<nlohmann::json> parseObject(std::string_view body);

Result<std::string> optionalString(const nlohmann::json& obj, std::string_view name);
Result<std::string> requiredString(const nlohmann::json& obj, std::string_view name);
Result<std::vector<std::string>> optionalStringList(const nlohmann::json& obj, std::string_view name);
Result<int> optionalInt(const nlohmann::json& obj, std::string_view name, int fallback);
Result<bool> optionalBool(const nlohmann::json& obj, std::string_view name, bool fallback);
// A required field holding standard base64 (Go's []byte encoding).
Result<Bytes> requiredBase64(const nlohmann::json& obj, std::string_view name);

}  // namespace sshca::api::json_fields
