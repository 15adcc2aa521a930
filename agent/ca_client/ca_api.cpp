#include "agent/ca_client/ca_api.h"

#include <strings.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "ca/core/common/utc_time.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {
namespace {

using nlohmann::json;

Result<json> parseJson(const std::string& body, const std::string& what) {
  try {
    return json::parse(body);
  } catch (const json::exception&) {
    return makeError(ErrorCode::InvalidFormat, what + ": the CA's answer is not JSON");
  }
}

Result<std::vector<PublicKey>> keysField(const json& j, const char* field) {
  std::vector<PublicKey> keys;
  if (!j.contains(field) || j[field].is_null()) return keys;
  if (!j[field].is_array())
    return makeError(ErrorCode::InvalidFormat, std::string("/ssh/roots: ") + field + " is not an array");
  for (const auto& item : j[field]) {
    if (!item.is_string())
      return makeError(ErrorCode::InvalidFormat, std::string("/ssh/roots: ") + field + " holds a non-string");
    SSHCA_ASSIGN_OR_RETURN(Bytes wire, base64Decode(item.get<std::string>()));
    auto key = ssh::parsePublicKeyWire(wire);
    if (!key.ok()) return std::move(key).error().context(std::string("/ssh/roots ") + field);
    keys.push_back(*key);
  }
  return keys;
}

Result<ssh::Certificate> certificateFrom(const std::string& body, const std::string& what) {
  SSHCA_ASSIGN_OR_RETURN(json j, parseJson(body, what));
  if (!j.is_object() || !j.contains("crt") || !j["crt"].is_string())
    return makeError(ErrorCode::InvalidFormat, what + ": the CA's answer has no \"crt\"");
  auto wire = base64Decode(j["crt"].get<std::string>());
  if (!wire.ok()) return std::move(wire).error().context(what + ": \"crt\"");
  auto cert = ssh::parseCertificate(*wire);
  if (!cert.ok()) return std::move(cert).error().context(what + ": the returned certificate");
  return cert;
}

std::string keyBase64(const PublicKey& key) { return base64Encode(ssh::encodePublicKeyWire(key)); }

}  // namespace

Result<SshRoots> fetchSshRoots(const CaClient& ca) {
  SSHCA_ASSIGN_OR_RETURN(std::string body, ca.get("/ssh/roots"));
  SSHCA_ASSIGN_OR_RETURN(json j, parseJson(body, "/ssh/roots"));
  if (!j.is_object()) return makeError(ErrorCode::InvalidFormat, "/ssh/roots: not a JSON object");
  SshRoots roots;
  SSHCA_ASSIGN_OR_RETURN(roots.userKeys, keysField(j, "userKey"));
  SSHCA_ASSIGN_OR_RETURN(roots.hostKeys, keysField(j, "hostKey"));
  return roots;
}

Result<std::string> fetchRootsPem(const CaClient& ca) {
  SSHCA_ASSIGN_OR_RETURN(std::string body, ca.get("/roots"));
  SSHCA_ASSIGN_OR_RETURN(json j, parseJson(body, "/roots"));
  if (!j.is_object() || !j.contains("crts") || !j["crts"].is_array())
    return makeError(ErrorCode::InvalidFormat, "/roots: not a {\"crts\": [...]} object");
  std::string pem;
  for (const auto& c : j["crts"]) {
    if (!c.is_string()) return makeError(ErrorCode::InvalidFormat, "/roots: crts holds a non-string");
    pem += c.get<std::string>();
  }
  return pem;
}

Result<std::string> fetchSshpopProvisionerName(const CaClient& ca) {
  SSHCA_ASSIGN_OR_RETURN(std::string body, ca.get("/provisioners"));
  SSHCA_ASSIGN_OR_RETURN(json j, parseJson(body, "/provisioners"));
  if (j.is_object() && j.contains("provisioners") && j["provisioners"].is_array()) {
    for (const auto& p : j["provisioners"]) {
      if (!p.is_object() || !p.contains("type") || !p["type"].is_string() || !p.contains("name") ||
          !p["name"].is_string())
        continue;
      if (strcasecmp(p["type"].get<std::string>().c_str(), "sshpop") == 0) return p["name"].get<std::string>();
    }
  }
  return makeError(ErrorCode::NotFound, "the CA has no SSHPOP provisioner: host renewal is not enabled there");
}

Result<ssh::Certificate> signHostKey(const CaClient& ca, const PublicKey& key, const std::string& ott) {
  json body = {{"publicKey", keyBase64(key)}, {"ott", ott}, {"certType", "host"}};
  SSHCA_ASSIGN_OR_RETURN(std::string answer, ca.postJson("/1.0/ssh/sign", body.dump()));
  return certificateFrom(answer, "/ssh/sign");
}

Result<ssh::Certificate> renewHostCertificate(const CaClient& ca, const std::string& sshpop) {
  json body = {{"ott", sshpop}};
  SSHCA_ASSIGN_OR_RETURN(std::string answer, ca.postJson("/1.0/ssh/renew", body.dump()));
  return certificateFrom(answer, "/ssh/renew");
}

Result<ssh::Certificate> rekeyHostCertificate(const CaClient& ca, const std::string& sshpop, const PublicKey& newKey) {
  json body = {{"ott", sshpop}, {"publicKey", keyBase64(newKey)}};
  SSHCA_ASSIGN_OR_RETURN(std::string answer, ca.postJson("/1.0/ssh/rekey", body.dump()));
  return certificateFrom(answer, "/ssh/rekey");
}

}  // namespace sshca::agent
