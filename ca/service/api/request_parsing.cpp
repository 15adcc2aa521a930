#include "ca/service/api/request_parsing.h"

#include "ca/service/api/json_fields.h"

namespace sshca::api {
namespace {

using namespace json_fields;

// step-ca accepts an empty certType (the token decides) and otherwise only
// "user" or "host".
Result<std::optional<ssh::CertType>> parseCertType(const nlohmann::json& obj) {
  SSHCA_ASSIGN_OR_RETURN(std::string s, optionalString(obj, "certType"));
  if (s.empty()) return std::optional<ssh::CertType>();
  if (s == "user") return std::optional<ssh::CertType>(ssh::CertType::User);
  if (s == "host") return std::optional<ssh::CertType>(ssh::CertType::Host);
  return makeError(ErrorCode::InvalidArgument, "field \"certType\" must be \"user\" or \"host\"");
}

// step's template variables: an object of strings; null is no variables.
Result<std::map<std::string, std::string>> parseTemplateData(const nlohmann::json& obj) {
  std::map<std::string, std::string> out;
  auto it = obj.find("data");
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_object()) return makeError(ErrorCode::InvalidArgument, "field \"data\" must be an object of strings");
  for (const auto& [name, value] : it->items()) {
    if (!value.is_string()) return makeError(ErrorCode::InvalidArgument, "field \"data\" must be an object of strings");
    out[name] = value.get<std::string>();
  }
  return out;
}

// RFC 5280 §5.3.1 CRLReason: 0-10 without 7 (never assigned).
Status checkReasonCode(int code) {
  if (code < 0 || code > 10 || code == 7)
    return makeError(ErrorCode::InvalidArgument, "field \"reasonCode\" is not an RFC 5280 reason (0-6, 8-10)");
  return okStatus();
}

// The reason is stored and shown to operators (sqlite3, logs): no control
// characters (a NUL hides the rest from SQLite's tools, an ESC drives the
// operator's terminal), and a bound. Refused rather than cleaned, so what
// is stored is what the caller sent.
constexpr size_t kMaxReasonBytes = 512;
Status checkReason(std::string_view reason) {
  if (reason.size() > kMaxReasonBytes)
    return makeError(ErrorCode::InvalidArgument,
                     "field \"reason\" is longer than " + std::to_string(kMaxReasonBytes) + " bytes");
  for (unsigned char c : reason)
    if (c < 0x20 || c == 0x7f)
      return makeError(ErrorCode::InvalidArgument, "field \"reason\" holds a control character");
  return okStatus();
}

}  // namespace

Result<SignSshRequest> parseSignSshRequest(std::string_view body) {
  SSHCA_ASSIGN_OR_RETURN(auto obj, parseObject(body));
  SignSshRequest r;
  SSHCA_ASSIGN_OR_RETURN(r.publicKey, requiredBase64(obj, "publicKey"));
  SSHCA_ASSIGN_OR_RETURN(r.ott, requiredString(obj, "ott"));
  SSHCA_ASSIGN_OR_RETURN(r.certType, parseCertType(obj));
  SSHCA_ASSIGN_OR_RETURN(r.keyId, optionalString(obj, "keyID"));
  SSHCA_ASSIGN_OR_RETURN(r.principals, optionalStringList(obj, "principals"));
  SSHCA_ASSIGN_OR_RETURN(r.validAfter, optionalString(obj, "validAfter"));
  SSHCA_ASSIGN_OR_RETURN(r.validBefore, optionalString(obj, "validBefore"));
  return r;
}

Result<RenewSshRequest> parseRenewSshRequest(std::string_view body) {
  SSHCA_ASSIGN_OR_RETURN(auto obj, parseObject(body));
  RenewSshRequest r;
  SSHCA_ASSIGN_OR_RETURN(r.ott, requiredString(obj, "ott"));
  return r;
}

Result<RekeySshRequest> parseRekeySshRequest(std::string_view body) {
  SSHCA_ASSIGN_OR_RETURN(auto obj, parseObject(body));
  RekeySshRequest r;
  SSHCA_ASSIGN_OR_RETURN(r.ott, requiredString(obj, "ott"));
  SSHCA_ASSIGN_OR_RETURN(r.publicKey, requiredBase64(obj, "publicKey"));
  return r;
}

Result<RevokeSshRequest> parseRevokeSshRequest(std::string_view body) {
  SSHCA_ASSIGN_OR_RETURN(auto obj, parseObject(body));
  RevokeSshRequest r;
  SSHCA_ASSIGN_OR_RETURN(r.serial, requiredString(obj, "serial"));
  SSHCA_ASSIGN_OR_RETURN(r.ott, requiredString(obj, "ott"));
  SSHCA_ASSIGN_OR_RETURN(r.reasonCode, optionalInt(obj, "reasonCode", 0));
  SSHCA_RETURN_IF_ERROR(checkReasonCode(r.reasonCode));
  SSHCA_ASSIGN_OR_RETURN(r.reason, optionalString(obj, "reason"));
  SSHCA_RETURN_IF_ERROR(checkReason(r.reason));
  SSHCA_ASSIGN_OR_RETURN(r.passive, optionalBool(obj, "passive", true));
  return r;
}

Result<SshConfigRequest> parseSshConfigRequest(std::string_view body) {
  SSHCA_ASSIGN_OR_RETURN(auto obj, parseObject(body));
  SshConfigRequest r;
  // Not parseCertType: step-ca names this field "type".
  auto type = optionalString(obj, "type");
  if (!type.ok()) return std::move(type).error();
  if (*type == "host") {
    r.type = ssh::CertType::Host;
  } else if (!type->empty() && *type != "user") {
    return makeError(ErrorCode::InvalidArgument, "field \"type\" must be \"user\" or \"host\"");
  }
  SSHCA_ASSIGN_OR_RETURN(r.data, parseTemplateData(obj));
  return r;
}

// step-ca checks host principals only.
Result<std::string> parseSshCheckHostRequest(std::string_view body) {
  SSHCA_ASSIGN_OR_RETURN(auto obj, parseObject(body));
  auto type = optionalString(obj, "type");
  if (!type.ok()) return std::move(type).error();
  if (*type != "host") return makeError(ErrorCode::InvalidArgument, "field \"type\" must be \"host\"");
  return requiredString(obj, "principal");
}

}  // namespace sshca::api
