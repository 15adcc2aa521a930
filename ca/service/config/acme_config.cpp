#include "ca/service/config/acme_config.h"

#include "ca/service/config/ca_config.h"  // parseDuration, formatDuration

namespace sshca::config {

namespace {

using json = nlohmann::json;

Error bad(const std::string& field, const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, field + ": " + why);
}

Status readPort(const json& a, const char* key, int& out, const std::string& where) {
  auto it = a.find(key);
  if (it == a.end()) return okStatus();
  if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 65535)
    return bad(where + key, "must be a port number 1..65535");
  out = it->get<int>();
  return okStatus();
}

}  // namespace

Result<AcmeConfig> readAcmeConfig(const json& p, const std::string& where) {
  AcmeConfig c;
  auto it = p.find("acme");
  if (it == p.end() || it->is_null()) return c;
  if (!it->is_object()) return bad(where + "acme", "must be an object");
  const json& a = *it;
  std::string w = where + "acme.";
  if (auto n = a.find("names"); n != a.end()) {
    if (!n->is_array()) return bad(w + "names", "must be a list of DNS names or *.domain patterns");
    for (const auto& v : *n) {
      if (!v.is_string() || v.get<std::string>().empty()) return bad(w + "names", "must hold non-empty strings");
      c.names.push_back(v.get<std::string>());
    }
  }
  if (auto v = a.find("validity"); v != a.end()) {
    if (!v->is_string()) return bad(w + "validity", "must be a duration like \"720h\"");
    auto d = parseDuration(v->get<std::string>());
    if (!d.ok() || *d == 0) return bad(w + "validity", "must be a positive duration like \"720h\"");
    c.validitySeconds = *d;
  }
  if (auto v = a.find("requireEab"); v != a.end()) {
    if (!v->is_boolean()) return bad(w + "requireEab", "must be true or false");
    c.requireEab = v->get<bool>();
  }
  if (auto v = a.find("eabKeys"); v != a.end()) {
    if (!v->is_object()) return bad(w + "eabKeys", "must map key IDs to base64url HMAC keys");
    for (const auto& [kid, key] : v->items()) {
      if (!key.is_string() || key.get<std::string>().empty()) return bad(w + "eabKeys." + kid, "must be a string");
      c.eabKeys[kid] = key.get<std::string>();
    }
  }
  if (c.requireEab && c.eabKeys.empty()) return bad(w + "requireEab", "needs at least one key in eabKeys");
  SSHCA_RETURN_IF_ERROR(readPort(a, "httpPort", c.httpPort, w));
  SSHCA_RETURN_IF_ERROR(readPort(a, "tlsPort", c.tlsPort, w));
  if (auto v = a.find("dnsResolver"); v != a.end()) {
    if (!v->is_string()) return bad(w + "dnsResolver", "must be \"IP\" or \"IP:port\"");
    c.dnsResolver = v->get<std::string>();
  }
  if (auto v = a.find("validationTimeoutMs"); v != a.end()) {
    if (!v->is_number_integer() || v->get<long long>() < 100 || v->get<long long>() > 120'000)
      return bad(w + "validationTimeoutMs", "must be 100..120000");
    c.validationTimeoutMs = v->get<int64_t>();
  }
  return c;
}

void writeAcmeConfig(const AcmeConfig& c, json& p) {
  json a = {{"names", c.names},           {"validity", formatDuration(c.validitySeconds)},
            {"requireEab", c.requireEab}, {"httpPort", c.httpPort},
            {"tlsPort", c.tlsPort},       {"validationTimeoutMs", c.validationTimeoutMs}};
  if (!c.eabKeys.empty()) a["eabKeys"] = c.eabKeys;
  if (!c.dnsResolver.empty()) a["dnsResolver"] = c.dnsResolver;
  p["acme"] = std::move(a);
}

bool acmeNameAllowed(const std::vector<std::string>& patterns, const std::string& name) {
  for (const std::string& pattern : patterns) {
    if (pattern == name) return true;
    if (pattern.rfind("*.", 0) == 0) {
      std::string suffix = pattern.substr(1);  // ".example.com"
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        return true;
    }
  }
  return false;
}

}  // namespace sshca::config
