#include "ca/service/setup/step_ca_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "ca/core/jose/jwk.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/service/api/listen_address.h"
#include "ca/service/setup/admin_provisioner.h"
#include "ca/service/setup/ca_token_keys.h"
#include "ca/service/setup/init_config.h"

namespace sshca::setup {
namespace {

using nlohmann::json;

constexpr uint64_t kHour = 3600;
constexpr std::string_view kDiscoverySuffix = "/.well-known/openid-configuration";

Error bad(const std::string& field, const std::string& why) {
  return makeError(ErrorCode::InvalidArgument, "step ca.json: " + field + ": " + why);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

bool present(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (it->is_string() || it->is_array() || it->is_object()) return !it->empty();
  if (it->is_boolean()) return it->get<bool>();
  return true;
}

Result<std::string> stringAt(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return bad(where + key, "must be a string");
  return it->get<std::string>();
}

Result<std::vector<std::string>> stringsAt(const json& obj, const char* key, const std::string& where) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};  // step's multiString
  if (!it->is_array()) return bad(where + key, "must be a list of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) return bad(where + key, "must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// step's claims, as far as an SSH CA is concerned. Unset stays unset so
// that a provisioner's own value, then authority.claims, then step-ca's
// built-in default applies, in that order (as step-ca's Claimer does).
struct StepClaims {
  std::optional<uint64_t> defaultUser, maxUser, defaultHost, maxHost;
  std::optional<bool> enableSsh, disableRenewal, allowRenewalAfterExpiry;
};

StepClaims merged(const StepClaims& own, const StepClaims& global) {
  StepClaims m = own;
  if (!m.defaultUser) m.defaultUser = global.defaultUser;
  if (!m.maxUser) m.maxUser = global.maxUser;
  if (!m.defaultHost) m.defaultHost = global.defaultHost;
  if (!m.maxHost) m.maxHost = global.maxHost;
  if (!m.enableSsh) m.enableSsh = global.enableSsh;
  if (!m.disableRenewal) m.disableRenewal = global.disableRenewal;
  if (!m.allowRenewalAfterExpiry) m.allowRenewalAfterExpiry = global.allowRenewalAfterExpiry;
  return m;
}

// Collects the result and the two lists while step's file is walked.
class Reader {
 public:
  explicit Reader(std::string stepPath) : stepPath_(std::move(stepPath)) {}

  StepCaConfig out;

  void mapped(const std::string& line) { out.mapped.push_back(line); }
  void unmapped(const std::string& line) { out.unmapped.push_back(line); }

  // step-ca's step.Abs: relative paths are below $STEPPATH.
  std::string absolute(const std::string& path) const {
    if (path.empty() || path.front() == '/') return path;
    return (std::filesystem::path(stepPath_) / path).lexically_normal().string();
  }

  Status readTop(const json& j);

 private:
  Status readCertificates(const json& j);
  Status readAddress(const json& j);
  Status readKms(const json& j);
  Status readSsh(const json& j);
  Result<StepKey> stepKey(const std::string& field, const std::string& value, const std::string& label);
  void readOther(const json& j);
  Status readAuthority(const json& a);
  Result<std::optional<uint64_t>> claimDuration(const json& c, const char* key, const std::string& where);
  Result<std::optional<bool>> claimBool(const json& c, const char* key, const std::string& where);
  Result<StepClaims> readClaims(const json& p, const std::string& where);
  Status readProvisioner(const json& p, size_t index);
  Status applyClaims(const StepClaims& c, config::ProvisionerConfig& pc, const std::string& where);
  Status readJwk(const json& p, const std::string& where, config::ProvisionerConfig& pc);
  Result<bool> readOidc(const json& p, const std::string& where, config::ProvisionerConfig& pc);
  void listUnknownKeys(const json& obj, const std::set<std::string>& known, const std::string& where);

  std::string stepPath_;
  std::string kmsType_;
  StepClaims global_;
  std::set<std::string> names_;
};

void Reader::listUnknownKeys(const json& obj, const std::set<std::string>& known, const std::string& where) {
  for (const auto& [key, value] : obj.items())
    if (!known.count(key) && !value.is_null())
      unmapped(where + key + ": not a step-ca 0.19 setting sshca knows; not imported");
}

Status Reader::readCertificates(const json& j) {
  SSHCA_ASSIGN_OR_RETURN(auto roots, stringsAt(j, "root", ""));
  if (roots.empty() || roots.front().empty()) return bad("root", "is required (the root certificate file)");
  out.rootCert = absolute(roots.front());
  mapped("root " + out.rootCert + " -> x509.rootCert (copied to certs/root_ca.crt; same fingerprint)");
  for (size_t i = 1; i < roots.size(); ++i)
    unmapped("root[" + std::to_string(i) + "] " + roots[i] +
             ": sshca has one root; not imported (clients that trust it keep it themselves)");
  SSHCA_ASSIGN_OR_RETURN(auto federated, stringsAt(j, "federatedRoots", ""));
  if (!federated.empty())
    unmapped("federatedRoots " + joined(federated) + ": not imported (/roots and /federation serve sshca's root only)");
  SSHCA_ASSIGN_OR_RETURN(std::string crt, stringAt(j, "crt", ""));
  if (crt.empty()) return bad("crt", "is required (the intermediate certificate file)");
  out.intermediateCert = absolute(crt);
  mapped("crt " + out.intermediateCert + " -> x509.intermediateCert (copied to certs/intermediate_ca.crt)");
  SSHCA_ASSIGN_OR_RETURN(std::string key, stringAt(j, "key", ""));
  if (key.empty()) return bad("key", "is required (the intermediate's key)");
  SSHCA_ASSIGN_OR_RETURN(out.intermediateKey, stepKey("key", key, kIntermediateCaLabel));
  return okStatus();
}

// Go's ":443" listens on every address; sshca needs the host spelled out.
Status Reader::readAddress(const json& j) {
  SSHCA_ASSIGN_OR_RETURN(std::string address, stringAt(j, "address", ""));
  if (address.empty()) return bad("address", "is required");
  out.address = address.front() == ':' ? "0.0.0.0" + address : address;
  if (auto a = api::parseListenAddress(out.address); !a.ok()) return bad("address", a.error().message);
  mapped("address " + address + " -> address " + out.address);
  auto names = j.find("dnsNames");
  if (names == j.end() || names->is_null()) {
    out.dnsNames = {"localhost", "127.0.0.1", "::1"};  // step-ca's default
  } else {
    SSHCA_ASSIGN_OR_RETURN(out.dnsNames, stringsAt(j, "dnsNames", ""));
  }
  if (out.dnsNames.empty()) return bad("dnsNames", "must name the CA at least once");
  SSHCA_ASSIGN_OR_RETURN(out.url, defaultCaUrl(out.dnsNames, out.address));
  mapped("dnsNames " + joined(out.dnsNames) + " -> dnsNames (the TLS certificate's names, token audiences); url " +
         out.url);
  SSHCA_ASSIGN_OR_RETURN(std::string insecure, stringAt(j, "insecureAddress", ""));
  if (!insecure.empty())
    unmapped("insecureAddress " + insecure +
             ": not imported (sshca serves HTTPS only; ACME/SCEP over HTTP are not here)");
  return okStatus();
}

// `uri` without its query attribute `name` (RFC 7512 §2.3: "?a=1&b=2").
std::string withoutQueryAttribute(const std::string& uri, std::string_view name) {
  size_t q = uri.find('?');
  if (q == std::string::npos) return uri;
  std::string kept;
  size_t start = q + 1;
  while (start <= uri.size()) {
    size_t end = std::min(uri.find('&', start), uri.size());
    std::string_view attr = std::string_view(uri).substr(start, end - start);
    if (!attr.empty() && !attr.starts_with(std::string(name) + "="))
      kept += (kept.empty() ? "" : "&") + std::string(attr);
    start = end + 1;
  }
  return uri.substr(0, q) + (kept.empty() ? "" : "?" + kept);
}

Status Reader::readKms(const json& j) {
  auto it = j.find("kms");
  if (it == j.end() || it->is_null()) return okStatus();
  if (!it->is_object()) return bad("kms", "must be an object");
  SSHCA_ASSIGN_OR_RETURN(std::string type, stringAt(*it, "type", "kms."));
  kmsType_ = lower(type);
  if (kmsType_ == "pkcs11") {
    SSHCA_ASSIGN_OR_RETURN(out.kms, stringAt(*it, "uri", "kms."));
    if (out.kms.empty()) return bad("kms.uri", "is required for a pkcs11 kms");
    auto uri = parseKmsUri(out.kms);
    if (!uri.ok()) return bad("kms.uri", uri.error().message);
    SSHCA_ASSIGN_OR_RETURN(std::string pin, stringAt(*it, "pin", "kms."));
    // A PIN in the URI (pin-value) moves out of it like kms.pin: ca.json
    // and this report never show it.
    if (pin.empty() && uri->pinValue) pin = *uri->pinValue;
    out.kms = withoutQueryAttribute(out.kms, "pin-value");
    out.kmsPin = SecretBytes(std::string_view(pin));
    std::fill(pin.begin(), pin.end(), '\0');
    mapped("kms pkcs11 " + out.kms + " -> kms (the same token; its keys stay where they are)" +
           (out.kmsPin.empty() ? "" : "; its PIN -> secrets/pin (0600), named by pin-source"));
  } else if (kmsType_.empty() || kmsType_ == "softkms") {
    mapped("kms " + (type.empty() ? std::string("(files)") : type) + " -> a new SoftHSM2 token (or --kms)");
  }
  listUnknownKeys(*it, {"type", "uri", "pin"}, "kms.");
  return okStatus();
}

Result<StepKey> Reader::stepKey(const std::string& field, const std::string& value, const std::string& label) {
  const std::string target = KeyRef{label, {}}.toUri();
  if (value.starts_with("pkcs11:")) {
    if (out.kms.empty()) return bad(field, "is a PKCS#11 key but kms is not of type pkcs11 with a uri");
    if (auto k = parseKeyUri(value); !k.ok()) return bad(field, k.error().message);
    mapped(field + " " + value + " -> kept as it is, on kms's token");
    return StepKey{field, "", value};
  }
  if (!kmsType_.empty() && kmsType_ != "softkms" && kmsType_ != "pkcs11")
    return bad(field, "is a key in step's " + kmsType_ +
                          " KMS: sshca uses PKCS#11 tokens and imports key files only; move the key first");
  std::string path = value.starts_with("softkms:") ? value.substr(8) : value;
  if (path.starts_with("path=")) path = path.substr(5);
  path = absolute(path);
  mapped(field + " " + path + " -> imported onto the token as " + target + " (not copied to disk)");
  return StepKey{field, path, ""};
}

Status Reader::readSsh(const json& j) {
  auto it = j.find("ssh");
  if (it == j.end() || it->is_null() || !it->is_object())
    return bad("ssh",
               "is missing: this step-ca is not an SSH CA (step ca init --ssh makes one); "
               "use sshca init for a new CA instead");
  SSHCA_ASSIGN_OR_RETURN(std::string user, stringAt(*it, "userKey", "ssh."));
  SSHCA_ASSIGN_OR_RETURN(std::string host, stringAt(*it, "hostKey", "ssh."));
  if (user.empty() || host.empty()) return bad("ssh", "userKey and hostKey are both required");
  SSHCA_ASSIGN_OR_RETURN(out.userKey, stepKey("ssh.userKey", user, kSshUserCaLabel));
  SSHCA_ASSIGN_OR_RETURN(out.hostKey, stepKey("ssh.hostKey", host, kSshHostCaLabel));
  if (present(*it, "keys"))
    unmapped("ssh.keys: not imported (/ssh/roots and /ssh/federation serve sshca's own two CA keys)");
  if (present(*it, "addUserPrincipal") || present(*it, "addUserCommand"))
    unmapped("ssh.addUserPrincipal/addUserCommand: not imported (sshca has no provisioning-user certificates)");
  if (present(*it, "bastion")) unmapped("ssh.bastion: not imported (GET /ssh/bastion answers no bastion)");
  listUnknownKeys(*it, {"userKey", "hostKey", "keys", "addUserPrincipal", "addUserCommand", "bastion"}, "ssh.");
  return okStatus();
}

void Reader::readOther(const json& j) {
  if (present(j, "logger")) unmapped("logger: not imported (sshca logs one JSON line per request to stderr)");
  if (present(j, "monitoring")) unmapped("monitoring: not imported (sshca has metricsAddress: docs/operations.md)");
  if (present(j, "db")) {
    const json& db = j["db"];
    std::string what = db.is_object() ? db.value("type", std::string()) + " at " + db.value("dataSource", std::string())
                                      : std::string("?");
    unmapped("db (" + what +
             "): not imported: sshca starts its own database, without the certificates step-ca issued; "
             "they stay valid until they expire, but sshca renews by SSHPOP only certificates on its own "
             "record (hosts enroll once more) and its KRL lists only revocations made in sshca");
  }
  if (present(j, "tls"))
    unmapped("tls (cipher suites, versions): not imported (sshca serves TLS 1.2 and 1.3 with its own choice)");
  if (present(j, "templates"))
    unmapped("templates: not imported (GET /ssh/config answers with step's default SSH templates)");
  if (present(j, "commonName")) unmapped("commonName: not imported (the TLS certificate's CN is the first dnsName)");
  if (present(j, "password")) mapped("password -> decrypts step's key files during the import; written nowhere");
}

Result<std::optional<uint64_t>> Reader::claimDuration(const json& c, const char* key, const std::string& where) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return std::optional<uint64_t>();
  if (it->is_number_unsigned()) return std::optional<uint64_t>(it->get<uint64_t>() / 1'000'000'000);  // ns
  if (!it->is_string()) return bad(where + key, "must be a duration like \"16h\"");
  auto d = parseGoDuration(it->get<std::string>());
  if (!d.ok()) return bad(where + key, d.error().message);
  return std::optional<uint64_t>(*d);
}

Result<std::optional<bool>> Reader::claimBool(const json& c, const char* key, const std::string& where) {
  auto it = c.find(key);
  if (it == c.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return bad(where + key, "must be true or false");
  return std::optional<bool>(it->get<bool>());
}

Result<StepClaims> Reader::readClaims(const json& holder, const std::string& where) {
  StepClaims c;
  auto it = holder.find("claims");
  if (it == holder.end() || it->is_null()) return c;
  if (!it->is_object()) return bad(where + "claims", "must be an object");
  const std::string w = where + "claims.";
  SSHCA_ASSIGN_OR_RETURN(c.defaultUser, claimDuration(*it, "defaultUserSSHCertDuration", w));
  SSHCA_ASSIGN_OR_RETURN(c.maxUser, claimDuration(*it, "maxUserSSHCertDuration", w));
  SSHCA_ASSIGN_OR_RETURN(c.defaultHost, claimDuration(*it, "defaultHostSSHCertDuration", w));
  SSHCA_ASSIGN_OR_RETURN(c.maxHost, claimDuration(*it, "maxHostSSHCertDuration", w));
  SSHCA_ASSIGN_OR_RETURN(c.enableSsh, claimBool(*it, "enableSSHCA", w));
  SSHCA_ASSIGN_OR_RETURN(c.disableRenewal, claimBool(*it, "disableRenewal", w));
  SSHCA_ASSIGN_OR_RETURN(c.allowRenewalAfterExpiry, claimBool(*it, "allowRenewalAfterExpiry", w));
  for (const char* k : {"minTLSCertDuration", "maxTLSCertDuration", "defaultTLSCertDuration"})
    if (present(*it, k)) unmapped(w + k + ": not imported (sshca's provisioners issue SSH certificates only)");
  for (const char* k : {"minUserSSHCertDuration", "minHostSSHCertDuration"})
    if (present(*it, k)) unmapped(w + k + ": not imported (sshca has no minimum certificate length)");
  listUnknownKeys(
      *it,
      {"minTLSCertDuration", "maxTLSCertDuration", "defaultTLSCertDuration", "minUserSSHCertDuration",
       "maxUserSSHCertDuration", "defaultUserSSHCertDuration", "minHostSSHCertDuration", "maxHostSSHCertDuration",
       "defaultHostSSHCertDuration", "enableSSHCA", "disableRenewal", "allowRenewalAfterExpiry"},
      w);
  return c;
}

// step-ca's built-in defaults are sshca's policy defaults: user 16h
// (max 24h), host 30 days (max 30 days).
Status Reader::applyClaims(const StepClaims& c, config::ProvisionerConfig& pc, const std::string& where) {
  policy::SshPolicy& p = pc.policy;
  p.user.defaultValiditySeconds = c.defaultUser.value_or(16 * kHour);
  p.user.maxValiditySeconds = c.maxUser.value_or(24 * kHour);
  p.host.defaultValiditySeconds = c.defaultHost.value_or(30 * 24 * kHour);
  p.host.maxValiditySeconds = c.maxHost.value_or(30 * 24 * kHour);
  for (const auto* tp : {&p.user, &p.host})
    if (tp->defaultValiditySeconds == 0 || tp->defaultValiditySeconds > tp->maxValiditySeconds)
      return bad(where + "claims", "the default SSH certificate duration must be positive and at most the maximum");
  using config::formatDuration;
  mapped(where + "claims -> policy: user " + formatDuration(p.user.defaultValiditySeconds) + " (max " +
         formatDuration(p.user.maxValiditySeconds) + "), host " + formatDuration(p.host.defaultValiditySeconds) +
         " (max " + formatDuration(p.host.maxValiditySeconds) + ")");
  if (pc.type == "sshpop" && c.allowRenewalAfterExpiry.value_or(false)) {
    pc.allowRenewalAfterExpiry = true;
    pc.renewalGraceSeconds = config::kGraceOfValidity;
    mapped(where +
           "claims.allowRenewalAfterExpiry -> allowRenewalAfterExpiry (sshca caps the grace at the "
           "certificate's own validity length; step-ca had no cap)");
  }
  if (c.disableRenewal.value_or(false))
    unmapped(where + "claims.disableRenewal: not imported" +
             (pc.type == "sshpop" ? std::string(" (sshca's SSHPOP provisioner always renews: remove it from "
                                                "ca.json to stop host renewals)")
                                  : std::string(" (it concerns X.509 renewal, which this provisioner does not do)")));
  return okStatus();
}

Status Reader::readJwk(const json& p, const std::string& where, config::ProvisionerConfig& pc) {
  auto key = p.find("key");
  if (key == p.end() || !key->is_object()) return bad(where + "key", "is required (the public JWK)");
  if (auto k = jose::parseJwk(*key); !k.ok()) return bad(where + "key", k.error().message);
  if (!key->contains("kid")) return bad(where + "key", "has no kid (step's tokens name their key by it)");
  pc.publicKeyJwk = key->dump();
  SSHCA_ASSIGN_OR_RETURN(pc.encryptedKey, stringAt(p, "encryptedKey", where));
  mapped(where + "key (kid " + key->value("kid", std::string()) + ") -> publicKey: tokens step mints with it verify");
  if (!pc.encryptedKey.empty())
    mapped(where + "encryptedKey -> encryptedKey, kept as it is and served to `step ca token`");
  unmapped(where.substr(0, where.size() - 1) +
           ": no privateKeyFile: `sshca token` cannot sign for this provisioner; `step ca token` "
           "can, with the provisioner's password");
  return okStatus();
}

// false: not imported (said why in `unmapped`).
Result<bool> Reader::readOidc(const json& p, const std::string& where, config::ProvisionerConfig& pc) {
  config::OidcConfig& o = pc.oidc;
  SSHCA_ASSIGN_OR_RETURN(o.clientId, stringAt(p, "clientID", where));
  if (o.clientId.empty()) return bad(where + "clientID", "is required");
  SSHCA_ASSIGN_OR_RETURN(std::string endpoint, stringAt(p, "configurationEndpoint", where));
  if (!endpoint.ends_with(kDiscoverySuffix) || endpoint.size() == kDiscoverySuffix.size()) {
    unmapped(where + "configurationEndpoint " + endpoint + " does not end in " + std::string(kDiscoverySuffix) +
             ", so its issuer is unknown: not imported (sshca provisioner add oidc --issuer ...)");
    return false;
  }
  o.issuer = endpoint.substr(0, endpoint.size() - kDiscoverySuffix.size());
  if (auto s = config::checkIssuerUrl(o.issuer); !s.ok()) {
    unmapped(where + "configurationEndpoint: " + s.error().message + ": not imported");
    return false;
  }
  mapped(where + "clientID -> clientID; configurationEndpoint -> issuer " + o.issuer +
         " (discovery below it; ID tokens must carry it as iss)");
  // step-ca's principals: the sanitized local part, the local part, the address.
  o.rules.claims = {policy::PrincipalClaim::EmailLocalSanitized, policy::PrincipalClaim::EmailLocal};
  mapped(where + "principals -> principalClaims email-local-sanitized, email-local");
  unmapped(where +
           "principals: the whole email address is no longer a principal, and sshca's sanitized local part "
           "keeps dots (step-ca dropped them: alice.b was aliceb)");
  unmapped(where + "email_verified: step-ca did not check it; sshca requires it (requireEmailVerified: true)");
  SSHCA_ASSIGN_OR_RETURN(o.rules.allowedDomains, stringsAt(p, "domains", where));
  if (!o.rules.allowedDomains.empty()) mapped(where + "domains -> domains " + joined(o.rules.allowedDomains));
  SSHCA_ASSIGN_OR_RETURN(o.rules.requiredGroups, stringsAt(p, "groups", where));
  if (o.rules.requiredGroups.size() == 1) mapped(where + "groups -> requiredGroups " + o.rules.requiredGroups[0]);
  if (o.rules.requiredGroups.size() > 1)
    mapped(where + "groups -> requiredGroups " + joined(o.rules.requiredGroups) +
           " (stricter: step-ca let in members of any one of them, sshca requires each)");
  SSHCA_ASSIGN_OR_RETURN(auto admins, stringsAt(p, "admins", where));
  if (!admins.empty())
    unmapped(where + "admins " + joined(admins) +
             ": not imported: sshca gives no identity whatever principals or host certificates it asks for, and "
             "exempts none from domains; map their group to principals (groups: {GROUP: [PRINCIPAL...]})");
  if (present(p, "clientSecret"))
    unmapped(where + "clientSecret: not kept (sshca-agent login signs in with PKCE, without a secret)");
  if (present(p, "tenantID"))
    unmapped(where + "tenantID: not imported (check that the issuer above is the tenant's own)");
  if (present(p, "listenAddress"))
    unmapped(where + "listenAddress: not imported (sshca-agent login picks its own redirect port)");
  return true;
}

Status Reader::readProvisioner(const json& p, size_t index) {
  std::string where = "authority.provisioners[" + std::to_string(index) + "]";
  if (!p.is_object()) return bad(where, "must be an object");
  SSHCA_ASSIGN_OR_RETURN(std::string type, stringAt(p, "type", where + "."));
  SSHCA_ASSIGN_OR_RETURN(std::string name, stringAt(p, "name", where + "."));
  const std::string label = where + " (" + type + " " + name + ")";
  where = label + ".";
  const std::string t = lower(type);
  if (t != "jwk" && t != "oidc" && t != "sshpop") {
    unmapped(label + ": not imported: sshca has no " + type + " provisioner");
    return okStatus();
  }
  if (name.empty()) return bad(where + "name", "is required");
  SSHCA_ASSIGN_OR_RETURN(StepClaims own, readClaims(p, where));
  StepClaims c = merged(own, global_);
  if (!c.enableSsh.value_or(false)) {
    unmapped(label + ": not imported: SSH is not enabled for it (claims.enableSSHCA), so it issued X.509 only");
    return okStatus();
  }
  if (!names_.insert(name).second) {
    unmapped(label + ": not imported: sshca's provisioner names are unique and '" + name + "' is taken");
    return okStatus();
  }
  config::ProvisionerConfig pc;
  pc.type = t;
  pc.name = name;
  pc.tokenMaxLifetimeSeconds = kTokenMaxLifetimeSeconds;
  std::set<std::string> known{"type", "name", "claims", "options"};
  if (t == "jwk") {
    SSHCA_RETURN_IF_ERROR(readJwk(p, where, pc));
    known.insert({"key", "encryptedKey"});
  } else if (t == "oidc") {
    SSHCA_ASSIGN_OR_RETURN(bool imported, readOidc(p, where, pc));
    if (!imported) return okStatus();
    known.insert({"clientID", "clientSecret", "configurationEndpoint", "tenantID", "admins", "domains", "groups",
                  "listenAddress"});
  } else {
    mapped(label + " -> sshpop (hosts renew, rekey and revoke with their certificate)");
  }
  SSHCA_RETURN_IF_ERROR(applyClaims(c, pc, where));
  if (present(p, "options"))
    unmapped(where +
             "options (certificate templates): not imported (sshca's policy decides the certificate's "
             "contents: docs/configuration.md)");
  listUnknownKeys(p, known, where);
  out.provisioners.push_back(std::move(pc));
  return okStatus();
}

Status Reader::readAuthority(const json& a) {
  if (!a.is_object()) return bad("authority", "must be an object");
  SSHCA_ASSIGN_OR_RETURN(global_, readClaims(a, "authority."));
  if (present(a, "claims")) mapped("authority.claims -> the defaults of each provisioner's policy below");
  auto list = a.find("provisioners");
  if (list != a.end() && !list->is_null()) {
    if (!list->is_array()) return bad("authority.provisioners", "must be a list");
    for (size_t i = 0; i < list->size(); ++i) SSHCA_RETURN_IF_ERROR(readProvisioner((*list)[i], i));
  }
  if (present(a, "backdate"))
    unmapped("authority.backdate: not imported (sshca starts certificates 5 minutes in the past)");
  if (present(a, "template")) unmapped("authority.template: not imported (X.509 subjects are sshca's own)");
  if (present(a, "disableIssuedAtCheck")) unmapped("authority.disableIssuedAtCheck: not imported");
  if (present(a, "enableAdmin"))
    unmapped(
        "authority.enableAdmin: not imported: provisioners kept in step-ca's database are not carried over "
        "(only ca.json's); sshca edits ca.json with sshca provisioner add/update/remove");
  for (const char* k : {"authorityId", "deploymentType"})
    if (present(a, k)) unmapped(std::string("authority.") + k + ": not imported (no linked or hosted CA here)");
  listUnknownKeys(a,
                  {"provisioners", "claims", "backdate", "template", "disableIssuedAtCheck", "enableAdmin",
                   "authorityId", "deploymentType"},
                  "authority.");
  return okStatus();
}

Status Reader::readTop(const json& j) {
  SSHCA_RETURN_IF_ERROR(readAddress(j));
  SSHCA_RETURN_IF_ERROR(readKms(j));
  SSHCA_RETURN_IF_ERROR(readCertificates(j));
  SSHCA_RETURN_IF_ERROR(readSsh(j));
  SSHCA_ASSIGN_OR_RETURN(std::string password, stringAt(j, "password", ""));
  out.password = SecretBytes(std::string_view(password));
  std::fill(password.begin(), password.end(), '\0');
  readOther(j);
  if (j.contains("authority")) SSHCA_RETURN_IF_ERROR(readAuthority(j["authority"]));
  if (out.provisioners.empty()) unmapped("authority.provisioners: none imported (sshca provisioner add oidc adds one)");
  listUnknownKeys(j,
                  {"root", "federatedRoots", "crt", "key", "address", "insecureAddress", "dnsNames", "kms", "ssh",
                   "logger", "db", "monitoring", "authority", "tls", "password", "templates", "commonName"},
                  "");
  return okStatus();
}

}  // namespace

Result<uint64_t> parseGoDuration(std::string_view text) {
  if (text.empty()) return makeError(ErrorCode::InvalidArgument, "empty duration");
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t n = 0;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < 1'000'000'000)
      n = n * 10 + static_cast<uint64_t>(text[i++] - '0');
    std::string_view unit = text.substr(i, text.find_first_of("0123456789", i) - i);
    static const std::pair<std::string_view, uint64_t> kUnits[] = {{"h", 3600}, {"m", 60}, {"s", 1}};
    auto u = std::find_if(std::begin(kUnits), std::end(kUnits), [&](const auto& p) { return p.first == unit; });
    if (i == start || u == std::end(kUnits))
      return makeError(ErrorCode::InvalidArgument,
                       "duration '" + std::string(text) + "' is not in whole seconds like 16h, 720h, 1h30m or 90s");
    total += n * u->second;
    i += unit.size();
  }
  return total;
}

Result<StepCaConfig> readStepCaConfig(std::string_view text, const std::string& stepPath) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("(file)", "is not a JSON object");
  Reader r(stepPath);
  try {
    SSHCA_RETURN_IF_ERROR(r.readTop(j));
  } catch (const json::exception& e) {  // a type nlohmann refused to convert
    return bad("(file)", e.what());
  }
  return std::move(r.out);
}

}  // namespace sshca::setup
