#include "ca/service/config/ca_config.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "ca/core/common/file_io.h"

namespace sshca::config {
namespace {

using nlohmann::json;

Error bad(const std::string& field, const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, "ca.json: " + field + ": " + why);
}

// Reads an optional string member; wrong type is an error.
Status readString(const json& obj, const char* key, std::string& out, const std::string& where, bool required) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return required ? Status(bad(where + key, "is required")) : okStatus();
  if (!it->is_string()) return bad(where + key, "must be a string");
  out = it->get<std::string>();
  if (required && out.empty()) return bad(where + key, "must not be empty");
  return okStatus();
}

Status readStringList(const json& obj, const char* key, std::vector<std::string>& out, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return okStatus();
  if (!it->is_array()) return bad(where + key, "must be a list of strings");
  out.clear();
  for (const auto& v : *it) {
    if (!v.is_string()) return bad(where + key, "must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return okStatus();
}

Status readStringMap(const json& obj, const char* key, std::map<std::string, std::string>& out,
                     const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return okStatus();
  if (!it->is_object()) return bad(where + key, "must be an object of strings");
  out.clear();
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return bad(where + key + "." + k, "must be a string");
    out[k] = v.get<std::string>();
  }
  return okStatus();
}

Status readBool(const json& obj, const char* key, bool& out, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return okStatus();
  if (!it->is_boolean()) return bad(where + key, "must be true or false");
  out = it->get<bool>();
  return okStatus();
}

Status readDuration(const json& obj, const char* key, uint64_t& out, const std::string& where) {
  std::string text;
  SSHCA_RETURN_IF_ERROR(readString(obj, key, text, where, false));
  if (text.empty()) return okStatus();
  auto d = parseDuration(text);
  if (!d.ok()) return bad(where + key, d.error().message);
  out = *d;
  return okStatus();
}

// An expired certificate renews only within a grace period, never longer
// than its own validity length (the policy caps it): a host's key and
// expired certificate found on an old disk must not renew years later.
// renewalGracePeriod sets it; allowRenewalAfterExpiry: true alone, as
// written before the grace existed, means the cap; false with a grace is
// a contradiction, refused rather than guessed.
Status readRenewalGrace(const json& p, ProvisionerConfig& pc, const std::string& where) {
  SSHCA_RETURN_IF_ERROR(readBool(p, "allowRenewalAfterExpiry", pc.allowRenewalAfterExpiry, where));
  auto allow = p.find("allowRenewalAfterExpiry");
  bool allowWritten = allow != p.end() && !allow->is_null();
  SSHCA_RETURN_IF_ERROR(readDuration(p, "renewalGracePeriod", pc.renewalGraceSeconds, where));
  auto grace = p.find("renewalGracePeriod");
  pc.renewalGraceWritten = grace != p.end() && !grace->is_null();
  if (pc.renewalGraceWritten && pc.renewalGraceSeconds > 0 && allowWritten && !pc.allowRenewalAfterExpiry)
    return bad(where + "renewalGracePeriod",
               "is set while allowRenewalAfterExpiry is false: remove one (a grace period alone allows renewal "
               "after expiry)");
  if (!pc.renewalGraceWritten && pc.allowRenewalAfterExpiry) pc.renewalGraceSeconds = kGraceOfValidity;
  if (pc.renewalGraceSeconds > 0) pc.allowRenewalAfterExpiry = true;
  return okStatus();
}

Status readTypePolicy(const json& obj, const char* key, policy::SshTypePolicy& tp, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return okStatus();
  if (!it->is_object()) return bad(where + key, "must be an object");
  std::string w = where + key + ".";
  SSHCA_RETURN_IF_ERROR(readDuration(*it, "defaultValidity", tp.defaultValiditySeconds, w));
  SSHCA_RETURN_IF_ERROR(readDuration(*it, "maxValidity", tp.maxValiditySeconds, w));
  SSHCA_RETURN_IF_ERROR(readStringList(*it, "principals", tp.allowedPrincipalPatterns, w));
  SSHCA_RETURN_IF_ERROR(readStringMap(*it, "extensions", tp.extensions, w));
  SSHCA_RETURN_IF_ERROR(readStringMap(*it, "criticalOptions", tp.criticalOptions, w));
  if (tp.defaultValiditySeconds == 0 || tp.maxValiditySeconds == 0) return bad(w + "validity", "must be positive");
  if (tp.defaultValiditySeconds > tp.maxValiditySeconds) return bad(w + "defaultValidity", "exceeds maxValidity");
  return okStatus();
}

// "policy": {"tls": {"defaultValidity", "maxValidity",
// "maxPastHostCertificate", "allowWildcards"}} (sshpop: POST /x509/sign).
Status readTlsPolicy(const json& obj, policy::TlsPolicy& tp, const std::string& where) {
  auto it = obj.find("tls");
  if (it == obj.end() || it->is_null()) return okStatus();
  if (!it->is_object()) return bad(where + "tls", "must be an object");
  std::string w = where + "tls.";
  SSHCA_RETURN_IF_ERROR(readDuration(*it, "defaultValidity", tp.defaultValiditySeconds, w));
  SSHCA_RETURN_IF_ERROR(readDuration(*it, "maxValidity", tp.maxValiditySeconds, w));
  SSHCA_RETURN_IF_ERROR(readDuration(*it, "maxPastHostCertificate", tp.maxPastHostCertificateSeconds, w));
  SSHCA_RETURN_IF_ERROR(readBool(*it, "allowWildcards", tp.allowWildcards, w));
  if (tp.defaultValiditySeconds == 0 || tp.maxValiditySeconds == 0) return bad(w + "validity", "must be positive");
  if (tp.defaultValiditySeconds > tp.maxValiditySeconds) return bad(w + "defaultValidity", "exceeds maxValidity");
  return okStatus();
}

json tlsPolicyJson(const policy::TlsPolicy& tp) {
  return {{"defaultValidity", formatDuration(tp.defaultValiditySeconds)},
          {"maxValidity", formatDuration(tp.maxValiditySeconds)},
          {"maxPastHostCertificate", formatDuration(tp.maxPastHostCertificateSeconds)},
          {"allowWildcards", tp.allowWildcards}};
}

Result<ProvisionerConfig> readProvisioner(const json& p, size_t index) {
  std::string where = "provisioners[" + std::to_string(index) + "].";
  if (!p.is_object()) return bad(where, "must be an object");
  ProvisionerConfig pc;
  SSHCA_RETURN_IF_ERROR(readString(p, "type", pc.type, where, true));
  SSHCA_RETURN_IF_ERROR(readString(p, "name", pc.name, where, true));
  if (pc.type != "jwk" && pc.type != "sshpop" && pc.type != "oidc" && pc.type != "acme")
    return bad(where + "type", "unknown provisioner type '" + pc.type + "' (known: jwk, sshpop, oidc, acme)");
  if (pc.type == "acme") { SSHCA_ASSIGN_OR_RETURN(pc.acme, readAcmeConfig(p, where)); }
  if (pc.type == "oidc") { SSHCA_ASSIGN_OR_RETURN(pc.oidc, readOidcConfig(p, where)); }
  if (pc.type == "jwk") {
    auto key = p.find("publicKey");
    if (key == p.end() || !key->is_object()) return bad(where + "publicKey", "is required (a JWK object)");
    pc.publicKeyJwk = key->dump();
    SSHCA_RETURN_IF_ERROR(readString(p, "privateKeyFile", pc.privateKeyFile, where, false));
    SSHCA_RETURN_IF_ERROR(readString(p, "encryptedKey", pc.encryptedKey, where, false));
  }
  SSHCA_RETURN_IF_ERROR(readRenewalGrace(p, pc, where));
  SSHCA_RETURN_IF_ERROR(readDuration(p, "tokenMaxLifetime", pc.tokenMaxLifetimeSeconds, where));
  auto pol = p.find("policy");
  if (pol != p.end() && !pol->is_null()) {
    if (!pol->is_object()) return bad(where + "policy", "must be an object");
    SSHCA_RETURN_IF_ERROR(readTypePolicy(*pol, "user", pc.policy.user, where + "policy."));
    SSHCA_RETURN_IF_ERROR(readTypePolicy(*pol, "host", pc.policy.host, where + "policy."));
    SSHCA_RETURN_IF_ERROR(readTlsPolicy(*pol, pc.tlsPolicy, where + "policy."));
  }
  return pc;
}

// One number of "server": absent keeps the default; present must be an
// integer within [lo, hi].
template <typename T>
Status readBounded(const json& s, const char* key, T& out, long long lo, long long hi) {
  auto it = s.find(key);
  if (it == s.end()) return okStatus();
  std::string field = std::string("server.") + key;
  if (!it->is_number_integer()) return bad(field, "must be an integer");
  long long v = it->get<long long>();
  if (v < lo || v > hi) return bad(field, "must be " + std::to_string(lo) + ".." + std::to_string(hi));
  out = static_cast<T>(v);
  return okStatus();
}

// Every "server" key with its range, in one list: the reader and the writer
// both walk it, so rewriting ca.json (provisioner add/update/remove) keeps
// every limit an admin set. `visit(key, field, lo, hi)` returns a Status.
template <typename Config, typename Visit>
Status visitServerFields(Config& c, Visit visit) {
  constexpr long long kHour = 3600'000;
  SSHCA_RETURN_IF_ERROR(visit("threads", c.threads, 0, 256));
  SSHCA_RETURN_IF_ERROR(visit("ioThreads", c.ioThreads, 0, 256));
  SSHCA_RETURN_IF_ERROR(visit("maxBodyBytes", c.maxBodyBytes, 1, 16 << 20));
  SSHCA_RETURN_IF_ERROR(visit("tlsHandshakeMs", c.tlsHandshakeMs, 1, kHour));
  SSHCA_RETURN_IF_ERROR(visit("requestHeadMs", c.requestHeadMs, 1, kHour));
  SSHCA_RETURN_IF_ERROR(visit("requestBodyMs", c.requestBodyMs, 1, kHour));
  SSHCA_RETURN_IF_ERROR(visit("writeMs", c.writeMs, 1, kHour));
  SSHCA_RETURN_IF_ERROR(visit("idleSeconds", c.idleSeconds, 1, 86'400));
  SSHCA_RETURN_IF_ERROR(visit("maxHeaderBytes", c.maxHeaderBytes, 1024, 1 << 20));
  SSHCA_RETURN_IF_ERROR(visit("maxHeaderCount", c.maxHeaderCount, 8, 10'000));
  SSHCA_RETURN_IF_ERROR(visit("maxConnections", c.maxConnections, 1, 1'000'000));
  SSHCA_RETURN_IF_ERROR(visit("maxConnectionsPerSource", c.maxConnectionsPerSource, 1, 1'000'000));
  SSHCA_RETURN_IF_ERROR(visit("queueLength", c.queueLength, 1, 1'000'000));
  SSHCA_RETURN_IF_ERROR(visit("queueWaitMs", c.queueWaitMs, 1, kHour));
  SSHCA_RETURN_IF_ERROR(visit("drainSeconds", c.drainSeconds, 0, 3'600));
  return okStatus();
}

Status readServer(const json& s, ServerConfig& c) {
  return visitServerFields(
      c, [&s](const char* key, auto& field, long long lo, long long hi) { return readBounded(s, key, field, lo, hi); });
}

// threads and maxBodyBytes always (as before), every other key when it is
// not its default.
json serverJson(const ServerConfig& c) {
  auto collect = [](json& out) {
    return [&out](const char* key, const auto& field, long long, long long) {
      out[key] = field;
      return okStatus();
    };
  };
  json all = json::object(), defaults = json::object();
  const ServerConfig d;
  (void)visitServerFields(c, collect(all));
  (void)visitServerFields(d, collect(defaults));
  json out = {{"threads", c.threads}, {"maxBodyBytes", c.maxBodyBytes}};
  for (const auto& [key, value] : all.items())
    if (value != defaults[key]) out[key] = value;
  return out;
}

Status readSections(const json& j, CaConfig& c) {
  SSHCA_RETURN_IF_ERROR(readString(j, "name", c.name, "", true));
  SSHCA_RETURN_IF_ERROR(readString(j, "url", c.url, "", true));
  SSHCA_RETURN_IF_ERROR(readString(j, "address", c.address, "", true));
  SSHCA_RETURN_IF_ERROR(readString(j, "metricsAddress", c.metricsAddress, "", false));
  SSHCA_RETURN_IF_ERROR(readStringList(j, "dnsNames", c.dnsNames, ""));
  SSHCA_RETURN_IF_ERROR(readString(j, "kms", c.kms, "", true));
  SSHCA_RETURN_IF_ERROR(readString(j, "softhsm2Conf", c.softhsm2Conf, "", false));
  const json empty = json::object();
  const json& ssh = j.contains("ssh") ? j["ssh"] : empty;
  SSHCA_RETURN_IF_ERROR(readString(ssh, "userKey", c.ssh.userKey, "ssh.", true));
  SSHCA_RETURN_IF_ERROR(readString(ssh, "hostKey", c.ssh.hostKey, "ssh.", true));
  const json& x = j.contains("x509") ? j["x509"] : empty;
  SSHCA_RETURN_IF_ERROR(readString(x, "rootCert", c.x509.rootCert, "x509.", true));
  SSHCA_RETURN_IF_ERROR(readString(x, "intermediateCert", c.x509.intermediateCert, "x509.", true));
  SSHCA_RETURN_IF_ERROR(readString(x, "intermediateKey", c.x509.intermediateKey, "x509.", true));
  const json& tls = j.contains("tls") ? j["tls"] : empty;
  SSHCA_RETURN_IF_ERROR(readString(tls, "certChain", c.tls.certChain, "tls.", true));
  SSHCA_RETURN_IF_ERROR(readString(tls, "key", c.tls.key, "tls.", true));
  const json& db = j.contains("db") ? j["db"] : empty;
  SSHCA_RETURN_IF_ERROR(readString(db, "type", c.db.type, "db.", false));
  SSHCA_RETURN_IF_ERROR(readString(db, "path", c.db.path, "db.", false));
  SSHCA_RETURN_IF_ERROR(readString(db, "dsn", c.db.dsn, "db.", false));
  if (c.db.type == "sqlite" && c.db.path.empty()) return bad("db.path", "is required for sqlite");
  if (c.db.type != "sqlite" && c.db.type != "postgresql") return bad("db.type", "must be sqlite or postgresql");
  if (c.db.type == "postgresql" && c.db.dsn.empty()) return bad("db.dsn", "is required for postgresql");
  if (j.contains("server") && j["server"].is_object()) SSHCA_RETURN_IF_ERROR(readServer(j["server"], c.server));
  if (j.contains("limits")) {
    const json& l = j["limits"];
    if (!l.is_object()) return bad("limits", "must be an object");
    for (auto [name, target] :
         {std::pair{"perAddress", &c.limits.perAddress}, std::pair{"perProvisioner", &c.limits.perProvisioner}}) {
      if (!l.contains(name)) continue;
      const json& r = l[name];
      const std::string field = std::string("limits.") + name;
      if (!r.is_object()) return bad(field, "must be an object {perSecond, burst}");
      if (r.contains("perSecond")) {
        if (!r["perSecond"].is_number() || r["perSecond"].get<double>() < 0)
          return bad(field + ".perSecond", "must be a number >= 0 (0: no limit)");
        target->perSecond = r["perSecond"].get<double>();
      }
      if (r.contains("burst")) {
        if (!r["burst"].is_number() || r["burst"].get<double>() < 1)
          return bad(field + ".burst", "must be a number >= 1");
        target->burst = r["burst"].get<double>();
      }
    }
    if (l.contains("exemptLoopback")) {
      if (!l["exemptLoopback"].is_boolean()) return bad("limits.exemptLoopback", "must be true or false");
      c.limits.exemptLoopback = l["exemptLoopback"].get<bool>();
    }
  }
  if (j.contains("hsm")) {
    const json& h = j["hsm"];
    if (!h.is_object()) return bad("hsm", "must be an object");
    if (h.contains("maxConcurrentSignatures")) {
      if (!h["maxConcurrentSignatures"].is_number_unsigned() || h["maxConcurrentSignatures"].get<uint64_t>() > 1024)
        return bad("hsm.maxConcurrentSignatures", "must be 0..1024 (0: the token's own limit)");
      c.hsm.maxConcurrentSignatures = h["maxConcurrentSignatures"].get<size_t>();
    }
    if (h.contains("signWaitMs")) {
      if (!h["signWaitMs"].is_number_unsigned() || h["signWaitMs"].get<uint64_t>() < 1 ||
          h["signWaitMs"].get<uint64_t>() > 60000)
        return bad("hsm.signWaitMs", "must be 1..60000");
      c.hsm.signWaitMs = h["signWaitMs"].get<int64_t>();
    }
  }
  return okStatus();
}

Status readProvisioners(const json& j, CaConfig& c) {
  auto it = j.find("provisioners");
  if (it == j.end() || it->is_null()) return okStatus();
  if (!it->is_array()) return bad("provisioners", "must be a list");
  std::set<std::string> names;
  for (size_t i = 0; i < it->size(); ++i) {
    SSHCA_ASSIGN_OR_RETURN(ProvisionerConfig pc, readProvisioner((*it)[i], i));
    if (!names.insert(pc.name).second) return bad("provisioners", "name '" + pc.name + "' is used twice");
    c.provisioners.push_back(std::move(pc));
  }
  return okStatus();
}

json typePolicyJson(const policy::SshTypePolicy& tp) {
  return {{"defaultValidity", formatDuration(tp.defaultValiditySeconds)},
          {"maxValidity", formatDuration(tp.maxValiditySeconds)},
          {"principals", tp.allowedPrincipalPatterns},
          {"extensions", tp.extensions},
          {"criticalOptions", tp.criticalOptions}};
}

json provisionerJson(const ProvisionerConfig& p) {
  json out = {{"type", p.type},
              {"name", p.name},
              {"tokenMaxLifetime", formatDuration(p.tokenMaxLifetimeSeconds)},
              {"policy", {{"user", typePolicyJson(p.policy.user)}, {"host", typePolicyJson(p.policy.host)}}}};
  if (!p.publicKeyJwk.empty()) out["publicKey"] = json::parse(p.publicKeyJwk, nullptr, false);
  if (!p.privateKeyFile.empty()) out["privateKeyFile"] = p.privateKeyFile;
  if (!p.encryptedKey.empty()) out["encryptedKey"] = p.encryptedKey;
  if (p.type == "sshpop") out["allowRenewalAfterExpiry"] = p.allowRenewalAfterExpiry;
  if (p.type == "sshpop") out["policy"]["tls"] = tlsPolicyJson(p.tlsPolicy);
  if (p.type == "sshpop" && p.renewalGraceWritten) out["renewalGracePeriod"] = formatDuration(p.renewalGraceSeconds);
  if (p.type == "oidc") writeOidcConfig(p.oidc, out);
  if (p.type == "acme") writeAcmeConfig(p.acme, out);
  return out;
}

}  // namespace

const ProvisionerConfig* CaConfig::findProvisioner(std::string_view n) const {
  for (const auto& p : provisioners)
    if (p.name == n) return &p;
  return nullptr;
}

size_t authorityThreads(const CaConfig& config) {
  if (config.server.threads > 0) return static_cast<size_t>(config.server.threads);
  if (config.db.type == "postgresql") return 32;
  return std::max<size_t>(2, 2 * static_cast<size_t>(std::thread::hardware_concurrency()));
}

Result<CaConfig> parseCaConfig(std::string_view text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("(file)", "is not a JSON object");
  CaConfig c;
  try {
    SSHCA_RETURN_IF_ERROR(readSections(j, c));
    SSHCA_RETURN_IF_ERROR(readProvisioners(j, c));
  } catch (const json::exception& e) {  // a type nlohmann refused to convert
    return bad("(file)", e.what());
  }
  return c;
}

Result<CaConfig> loadCaConfig(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return makeError(ErrorCode::InvalidArgument, path + " is a directory: --config takes the config file, e.g. " +
                                                     (std::filesystem::path(path) / "config" / "ca.json").string());
  SSHCA_ASSIGN_OR_RETURN(std::string text, readFile(path));
  auto c = parseCaConfig(text);
  if (!c.ok()) return std::move(c).error().context(path);
  return c;
}

std::string serializeCaConfig(const CaConfig& c) {
  json j = {{"name", c.name},
            {"url", c.url},
            {"address", c.address},
            {"dnsNames", c.dnsNames},
            {"kms", c.kms},
            {"ssh", {{"userKey", c.ssh.userKey}, {"hostKey", c.ssh.hostKey}}},
            {"x509",
             {{"rootCert", c.x509.rootCert},
              {"intermediateCert", c.x509.intermediateCert},
              {"intermediateKey", c.x509.intermediateKey}}},
            {"tls", {{"certChain", c.tls.certChain}, {"key", c.tls.key}}},
            {"db", {{"type", c.db.type}, {"path", c.db.path}}},
            {"server", serverJson(c.server)}};
  if (!c.softhsm2Conf.empty()) j["softhsm2Conf"] = c.softhsm2Conf;
  const LimitsConfig defaultLimits;
  auto limitJson = [](const RateLimitConfig& r) { return json{{"perSecond", r.perSecond}, {"burst", r.burst}}; };
  if (c.limits.perAddress.perSecond != defaultLimits.perAddress.perSecond ||
      c.limits.perAddress.burst != defaultLimits.perAddress.burst ||
      c.limits.perProvisioner.perSecond != defaultLimits.perProvisioner.perSecond ||
      c.limits.perProvisioner.burst != defaultLimits.perProvisioner.burst ||
      c.limits.exemptLoopback != defaultLimits.exemptLoopback)
    j["limits"] = {{"perAddress", limitJson(c.limits.perAddress)},
                   {"perProvisioner", limitJson(c.limits.perProvisioner)},
                   {"exemptLoopback", c.limits.exemptLoopback}};
  const HsmConfig defaultHsm;
  if (c.hsm.maxConcurrentSignatures != defaultHsm.maxConcurrentSignatures || c.hsm.signWaitMs != defaultHsm.signWaitMs)
    j["hsm"] = {{"maxConcurrentSignatures", c.hsm.maxConcurrentSignatures}, {"signWaitMs", c.hsm.signWaitMs}};
  if (!c.metricsAddress.empty()) j["metricsAddress"] = c.metricsAddress;
  if (!c.db.dsn.empty()) j["db"]["dsn"] = c.db.dsn;
  j["provisioners"] = json::array();
  for (const auto& p : c.provisioners) j["provisioners"].push_back(provisionerJson(p));
  return j.dump(2) + "\n";
}

Status saveCaConfig(const std::string& path, const CaConfig& config) {
  std::string text = serializeCaConfig(config);
  // Round-trip through the parser: never write a file serve would refuse.
  SSHCA_RETURN_IF_ERROR(parseCaConfig(text));
  return writeFileAtomic(path, text, 0600);
}

Result<uint64_t> parseDuration(std::string_view text) {
  if (text.empty()) return makeError(ErrorCode::InvalidArgument, "empty duration");
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t n = 0;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > 1000000000)
        return makeError(ErrorCode::InvalidArgument, "duration '" + std::string(text) + "' is too large");
      n = n * 10 + static_cast<uint64_t>(text[i++] - '0');
    }
    if (i == start || i == text.size())
      return makeError(ErrorCode::InvalidArgument,
                       "duration '" + std::string(text) + "' is not like 90s, 5m, 16h, 30d or 1h30m");
    static const std::map<char, uint64_t> kUnits{{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    auto u = kUnits.find(text[i++]);
    if (u == kUnits.end())
      return makeError(ErrorCode::InvalidArgument, "duration '" + std::string(text) + "' has an unknown unit");
    total += n * u->second;
  }
  return total;
}

std::string formatDuration(uint64_t s) {
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace sshca::config
