#include "ca/service/api/response_json.h"

#include <nlohmann/json.hpp>

namespace sshca::api {
namespace {

using nlohmann::json;

// replace: strings the authority hands us must not make dump() throw on
// invalid UTF-8.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json base64List(const std::vector<Bytes>& keys) {
  json list = json::array();
  for (const Bytes& k : keys) list.push_back(base64Encode(k));
  return list;
}

Result<json> provisionerEntry(const ProvisionerInfo& p) {
  json entry = {{"type", p.type}, {"name", p.name}};
  if (p.detailsJson.empty()) return entry;
  json details = json::parse(p.detailsJson, nullptr, /*allow_exceptions=*/false);
  if (details.is_discarded() || !details.is_object()) {
    return makeError(ErrorCode::Internal, "provisioner '" + p.name + "' details are not a JSON object");
  }
  for (auto& [key, value] : details.items()) {
    if (key != "type" && key != "name") entry[key] = value;
  }
  return entry;
}

}  // namespace

std::string renderHealth(const HealthReport& health) {
  auto word = [](bool ok) { return ok ? "ok" : "unavailable"; };
  json body = {{"status", word(health.hsmOk && health.dbOk)}, {"hsm", word(health.hsmOk)}, {"db", word(health.dbOk)}};
  // Reasons only when there is something to say (a busy token may be ok).
  if (!health.hsmReason.empty()) body["hsm_reason"] = health.hsmReason;
  if (!health.dbReason.empty()) body["db_reason"] = health.dbReason;
  return dump(body);
}

std::string renderSshRoots(const SshRoots& roots) {
  return dump({{"userKey", base64List(roots.userKeys)}, {"hostKey", base64List(roots.hostKeys)}});
}

std::string renderCertificate(const Bytes& certificate) { return dump({{"crt", base64Encode(certificate)}}); }

std::string renderRevoked() { return dump({{"status", "ok"}}); }

Result<std::string> renderProvisioners(const std::vector<ProvisionerInfo>& list) {
  json entries = json::array();
  for (const ProvisionerInfo& p : list) {
    SSHCA_ASSIGN_OR_RETURN(json entry, provisionerEntry(p));
    entries.push_back(std::move(entry));
  }
  return dump({{"provisioners", entries}, {"nextCursor", ""}});
}

std::string renderVersion(const std::string& version) { return dump({{"version", version}}); }

std::string renderRoot(const RootCertificateInfo& root) { return dump({{"ca", root.pem}}); }

std::string renderRoots(const std::vector<RootCertificateInfo>& roots) {
  json crts = json::array();
  for (const RootCertificateInfo& r : roots) crts.push_back(r.pem);
  return dump({{"crts", crts}});
}

std::string renderSshConfig(ssh::CertType type, const std::vector<SshConfigTemplate>& templates) {
  json list = json::array();
  for (const SshConfigTemplate& t : templates) {
    list.push_back({{"name", t.name},
                    {"type", t.type},
                    {"path", t.path},
                    {"comment", t.comment},
                    {"content", base64Encode(asBytes(t.content))}});
  }
  return dump({{type == ssh::CertType::Host ? "hostTemplates" : "userTemplates", list}});
}

std::string renderHostExists(bool exists) { return dump({{"exists", exists}}); }

std::string renderEncryptedKey(const std::string& key) { return dump({{"key", key}}); }

}  // namespace sshca::api
