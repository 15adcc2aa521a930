#include "ca/service/api/json_fields.h"

#include <limits>
#include <set>

namespace sshca::api::json_fields {
namespace {

using nlohmann::json;

Error fieldError(std::string_view name, std::string_view problem) {
  return makeError(ErrorCode::InvalidArgument, "field \"" + std::string(name) + "\" " + std::string(problem));
}

// The member, or nullptr when absent or null.
const json* member(const json& obj, std::string_view name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

Result<json> parseObject(std::string_view body) {
  // nlohmann keeps the last of two members with one name; another parser
  // (a proxy, a log tool) may keep the first. RFC 8259 §4 leaves it open,
  // so a body that says two things is refused, at any depth. The callback
  // sees every key in order; one set of names per open object.
  std::vector<std::set<std::string>> open;
  bool duplicate = false;
  json::parser_callback_t noteKeys = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) open.emplace_back();
    if (event == json::parse_event_t::object_end && !open.empty()) open.pop_back();
    if (event == json::parse_event_t::key && !open.empty() && !open.back().insert(parsed.get<std::string>()).second)
      duplicate = true;
    return true;
  };
  // allow_exceptions=false: a parse error yields a "discarded" value rather
  // than an exception whose text would quote the body (and its token).
  json doc = json::parse(body.begin(), body.end(), noteKeys, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return makeError(ErrorCode::InvalidArgument, "request body is not valid JSON");
  if (duplicate) return makeError(ErrorCode::InvalidArgument, "request body has a member name twice in one object");
  if (!doc.is_object()) return makeError(ErrorCode::InvalidArgument, "request body must be a JSON object");
  return doc;
}

Result<std::string> optionalString(const json& obj, std::string_view name) {
  const json* v = member(obj, name);
  if (!v) return std::string();
  if (!v->is_string()) return fieldError(name, "must be a string");
  return v->get_ref<const std::string&>();
}

Result<std::string> requiredString(const json& obj, std::string_view name) {
  SSHCA_ASSIGN_OR_RETURN(std::string s, optionalString(obj, name));
  if (s.empty()) return fieldError(name, "is required");
  return s;
}

Result<std::vector<std::string>> optionalStringList(const json& obj, std::string_view name) {
  std::vector<std::string> out;
  const json* v = member(obj, name);
  if (!v) return out;
  if (!v->is_array()) return fieldError(name, "must be an array of strings");
  for (const json& item : *v) {
    if (!item.is_string()) return fieldError(name, "must be an array of strings");
    out.push_back(item.get_ref<const std::string&>());
  }
  return out;
}

Result<int> optionalInt(const json& obj, std::string_view name, int fallback) {
  const json* v = member(obj, name);
  if (!v) return fallback;
  if (!v->is_number_integer()) return fieldError(name, "must be an integer");
  // 18446744073709551615 is an unsigned that get<int64_t>() would turn into -1.
  if (v->is_number_unsigned() && v->get<uint64_t>() > uint64_t{std::numeric_limits<int>::max()})
    return fieldError(name, "is out of range");
  auto n = v->get<int64_t>();
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
    return fieldError(name, "is out of range");
  }
  return static_cast<int>(n);
}

Result<bool> optionalBool(const json& obj, std::string_view name, bool fallback) {
  const json* v = member(obj, name);
  if (!v) return fallback;
  if (!v->is_boolean()) return fieldError(name, "must be true or false");
  return v->get<bool>();
}

Result<Bytes> requiredBase64(const json& obj, std::string_view name) {
  SSHCA_ASSIGN_OR_RETURN(std::string text, requiredString(obj, name));
  auto bytes = base64Decode(text);
  if (!bytes.ok()) return fieldError(name, "is not valid base64");
  return std::move(bytes).value();
}

}  // namespace sshca::api::json_fields
