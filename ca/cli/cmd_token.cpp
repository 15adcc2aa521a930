// sshca token user|host: mint a JWK one-time token (docs/protocol/tokens.md) with the
// provisioner key that `sshca init` keeps under DIR/secrets. The token is
// the only thing on stdout, so `TOKEN=$(sshca token ...)` works.
#include <ctime>
#include <iostream>

#include "ca/cli/commands.h"
#include "ca/core/common/random.h"
#include "ca/core/jose/json_object.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/kms/soft/soft_signer.h"
#include "ca/service/authority/root_certificate.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/policy/ssh_serial.h"
#include "ca/service/provisioners/jwk_revoke_token.h"
#include "ca/service/provisioners/jwk_token.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct TokenOptions {
  std::string name, principals, ttl, config, provisioner;
  unsigned count = 1;
};

// Batches for automation and load tests: one process (one key load) for
// many tokens instead of one each.
constexpr unsigned kMaxTokenCount = 100000;

std::vector<std::string> splitPrincipals(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string p = s.substr(start, comma - start);
    if (p.empty()) fail(usage("--principals holds an empty name"));
    out.push_back(std::move(p));
    start = comma + 1;
  }
  return out;
}

// --provisioner NAME, else the only jwk provisioner in ca.json.
const config::ProvisionerConfig& pickProvisioner(const config::CaConfig& ca, const std::string& wanted) {
  if (!wanted.empty()) {
    const auto* p = ca.findProvisioner(wanted);
    if (!p) fail(makeError(ErrorCode::NotFound, "no provisioner named '" + wanted + "' in the config"));
    if (p->type != "jwk") fail(usage("provisioner '" + wanted + "' is not a jwk provisioner"));
    return *p;
  }
  const config::ProvisionerConfig* found = nullptr;
  for (const auto& p : ca.provisioners) {
    if (p.type != "jwk") continue;
    if (found) fail(usage("the config has several jwk provisioners; choose one with --provisioner"));
    found = &p;
  }
  if (!found) fail(makeError(ErrorCode::NotFound, "the config has no jwk provisioner"));
  return *found;
}

// The key file must hold the private half of the configured public key:
// a token signed by any other key would be refused by the server.
SignerPtr loadProvisionerKey(const config::ProvisionerConfig& p) {
  if (p.privateKeyFile.empty())
    fail(makeError(ErrorCode::NotFound, "provisioner '" + p.name + "' has no privateKeyFile on this machine"));
  auto signer = loadSoftSigner(p.privateKeyFile);
  if (!signer.ok()) fail(std::move(signer).error().context("loading the provisioner key"));
  auto jwk = jose::parseJsonObject(p.publicKeyJwk, "publicKey JWK");
  auto configured = jwk.ok() ? jose::parseJwk(*jwk) : Result<jose::Jwk>(jwk.error());
  if (!configured.ok()) fail(std::move(configured).error().context("provisioner '" + p.name + "'"));
  if (!((*signer)->publicKey() == configured->key))
    fail(makeError(ErrorCode::InvalidArgument, p.privateKeyFile + " does not hold the key of provisioner '" + p.name +
                                                   "' (its publicKey in the config differs)"));
  return *signer;
}

uint64_t checkedTtl(const TokenOptions& o, const config::ProvisionerConfig& p) {
  uint64_t ttl = orFail(config::parseDuration(o.ttl));
  if (ttl == 0) fail(usage("--ttl must be positive"));
  if (ttl > p.tokenMaxLifetimeSeconds)
    fail(usage("--ttl " + o.ttl + " exceeds provisioner '" + p.name + "' tokenMaxLifetime of " +
               config::formatDuration(p.tokenMaxLifetimeSeconds)));
  return ttl;
}

void runToken(const TokenOptions& o, ssh::CertType type) {
  config::CaConfig ca = orFail(config::loadCaConfig(o.config));
  const config::ProvisionerConfig& p = pickProvisioner(ca, o.provisioner);
  provisioners::JwkTokenRequest req;
  req.provisionerName = p.name;
  req.caUrl = ca.url;
  req.subject = o.name;
  req.certType = type;
  req.principals = o.principals.empty() ? std::vector<std::string>{o.name} : splitPrincipals(o.principals);
  req.ttlSeconds = checkedTtl(o, p);
  req.now = static_cast<int64_t>(std::time(nullptr));
  // "sha", as step's tokens carry it: step commands given the token fetch
  // and pin the root by it (GET /root/{sha256}). Informational to the CA.
  if (auto root = authority::loadRootCertificate(ca.x509.rootCert); root.ok())
    req.rootFingerprint = root->certificates.front().sha256Hex;
  SignerPtr key = loadProvisionerKey(p);
  if (o.count == 0 || o.count > kMaxTokenCount)
    fail(usage("--count must be between 1 and " + std::to_string(kMaxTokenCount)));
  std::string out;
  for (unsigned i = 0; i < o.count; ++i) out += orFail(provisioners::mintJwkToken(req, *key, systemRandom())) + "\n";
  std::cout << out;
}

// An admin token for POST /ssh/revoke of one serial (step-ca's format).
void runRevokeToken(const TokenOptions& o) {
  config::CaConfig ca = orFail(config::loadCaConfig(o.config));
  const config::ProvisionerConfig& p = pickProvisioner(ca, o.provisioner);
  provisioners::JwkRevokeTokenRequest req;
  req.provisionerName = p.name;
  req.caUrl = ca.url;
  req.serial = orFail(policy::parseSshSerial(o.name, "SERIAL"));
  req.ttlSeconds = checkedTtl(o, p);
  req.now = static_cast<int64_t>(std::time(nullptr));
  SignerPtr key = loadProvisionerKey(p);
  std::cout << orFail(provisioners::mintJwkRevokeToken(req, *key, systemRandom())) << "\n";
}

void addRevokeTokenCommand(CLI::App* token) {
  auto o = std::make_shared<TokenOptions>();
  o->ttl = "5m";
  auto* cmd = token->add_subcommand("revoke", "Mint a one-time token for POST /ssh/revoke of one certificate");
  cmd->add_option("SERIAL", o->name, "the certificate's serial (decimal): the token's subject")->required();
  cmd->add_option("--ttl", o->ttl,
                  "token lifetime, e.g. 90s, 5m (default 5m; at most the provisioner's tokenMaxLifetime)");
  cmd->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_option("--provisioner", o->provisioner, "jwk provisioner name (default: the only one in the config)");
  cmd->footer(
      "Example:\n  TOKEN=$(sshca token revoke 1234567890 --config DIR/config/ca.json)\n"
      "  curl ... -d '{\"serial\":\"1234567890\",\"ott\":\"'$TOKEN'\",\"passive\":true}' https://CA/1.0/ssh/revoke");
  cmd->callback([o] { runRevokeToken(*o); });
}

CLI::App* addTokenCommand(CLI::App* token, ssh::CertType type) {
  bool host = type == ssh::CertType::Host;
  auto o = std::make_shared<TokenOptions>();
  o->ttl = host ? "10m" : "5m";
  auto* cmd = token->add_subcommand(host ? "host" : "user", host ? "Mint a one-time token for a host certificate"
                                                                 : "Mint a one-time token for a user certificate");
  cmd->add_option(host ? "HOSTNAME" : "NAME", o->name,
                  host ? "host name: the token's subject and certificate key ID"
                       : "user name: the token's subject and certificate key ID")
      ->required();
  auto* principals = cmd->add_option("--principals", o->principals,
                                     host ? "comma-separated host names the certificate may carry (default: HOSTNAME)"
                                          : "comma-separated login names the certificate may carry");
  if (!host) principals->required();
  cmd->add_option(
      "--ttl", o->ttl,
      std::string("token lifetime, e.g. 90s, 5m (default ") + o->ttl + "; at most the provisioner's tokenMaxLifetime)");
  cmd->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json)")->required();
  cmd->add_option("--provisioner", o->provisioner, "jwk provisioner name (default: the only one in the config)");
  cmd->add_option("--count", o->count, "print N tokens, one a line, each good once (default 1)");
  cmd->callback([o, type] { runToken(*o, type); });
  return cmd;
}

}  // namespace

void registerTokenCommands(CLI::App& app) {
  auto* token = app.add_subcommand("token", "One-time tokens for POST /ssh/sign and /ssh/revoke (jwk provisioner)");
  token->require_subcommand(1);
  token->footer(
      "The token is printed on stdout and is good for one certificate, once, before it expires.\n"
      "Examples:\n"
      "  sshca token user alice --principals alice,admin --config /var/lib/sshca/config/ca.json\n"
      "  sshca token host web1.example.com --principals web1.example.com,web1 --ttl 10m \\\n"
      "      --config /var/lib/sshca/config/ca.json\n"
      "  TOKEN=$(sshca token host db1 --config ca.json --provisioner hosts)");
  addTokenCommand(token, ssh::CertType::User)
      ->footer("Example:\n  sshca token user alice --principals alice,admin --ttl 5m --config DIR/config/ca.json");
  addRevokeTokenCommand(token);
  addTokenCommand(token, ssh::CertType::Host)
      ->footer(
          "Example:\n  sshca token host web1.example.com --principals web1.example.com,web1 \\\n"
          "      --config DIR/config/ca.json");
}

}  // namespace sshca::cli
