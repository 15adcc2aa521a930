// sshca-agent login | status | logout, and config ssh: the daily use on a
// laptop (issue #6). login signs in with the CA's OIDC provider and puts a
// fresh key with its certificate into the running ssh-agent.
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "agent/ca_client/ca_connection.h"
#include "agent/ca_client/known_hosts_line.h"
#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"
#include "agent/krl/krl_sync.h"
#include "agent/login/agent_certificates.h"
#include "agent/login/browser_flow.h"
#include "agent/login/certificate_status.h"
#include "agent/login/device_flow.h"
#include "agent/login/login_provisioner.h"
#include "agent/login/oauth_client.h"
#include "agent/login/oidc_discovery.h"
#include "agent/login/user_login.h"
#include "ca/core/common/file_io.h"
#include "ca/core/common/utc_time.h"

namespace sshca::agent {
namespace {

struct LoginOptions {
  std::string configDir, provisioner, keyType = "ed25519", write, idTokenFile, clientSecretFile;
  bool device = false, browser = false, noBrowserOpen = false;
};

std::string agentSocket() {
  const char* s = std::getenv("SSH_AUTH_SOCK");
  return s ? s : "";
}

KeySpec keySpecFor(const std::string& name) {
  if (name == "ed25519") return {KeyAlgorithm::Ed25519, 0};
  if (name == "ecdsa-p256") return {KeyAlgorithm::EcdsaP256, 0};
  fail(makeError(ErrorCode::InvalidArgument, "--key-type must be ed25519 or ecdsa-p256, not '" + name + "'"));
}

// Default: the browser when a display is set, the device flow otherwise.
bool useDeviceFlow(const LoginOptions& o) {
  if (o.device || o.browser) return o.device;
  return !std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY");
}

// The text of a file without its trailing line break: ID tokens and secrets.
OAuthClient oauthClient(const LoginOptions& o, const OidcProvisionerInfo& prov, const OidcEndpoints& idp) {
  if (o.clientSecretFile.empty()) return OAuthClient::publicClient(prov.clientId);
  SecretBytes secret(readSecretLine(o.clientSecretFile));
  return orFail(OAuthClient::confidential(prov.clientId, std::move(secret), idp.tokenAuthMethods));
}

std::string obtainIdToken(const LoginOptions& o, const OidcProvisionerInfo& prov) {
  if (!o.idTokenFile.empty()) return readSecretLine(o.idTokenFile);
  OidcEndpoints idp = orFail(discoverOidc(prov.issuer));
  const std::string scope = "openid email profile groups";
  // Prompts go to stderr: stdout stays for what scripts read.
  if (useDeviceFlow(o)) return orFail(runDeviceFlow(idp, {oauthClient(o, prov, idp), scope, {}}, std::cerr));
  return orFail(runBrowserFlow(idp, {oauthClient(o, prov, idp), scope, 300, !o.noBrowserOpen}, std::cerr));
}

void runLogin(const LoginOptions& o) {
  KeySpec spec = keySpecFor(o.keyType);
  const std::string socket = agentSocket();
  // Checked once, before the person signs in: no agent is fatal only when
  // the result has nowhere else to go (--write).
  Status agent = checkAgentReachable(socket);
  if (o.write.empty())
    orFail(agent);
  else
    orFail(checkKeyPathFree(o.write));
  CaConnection ca = orFail(CaConnection::open(configDirOrDefault(o.configDir)));
  OidcProvisionerInfo prov = orFail(pickOidcProvisioner(ca.client, o.provisioner));
  std::string idToken = obtainIdToken(o, prov);
  UserCertificate user = orFail(requestUserCertificate(ca.client, idToken, spec));
  if (agent.ok()) orFail(addToAgent(socket, user, std::time(nullptr)));
  if (!o.write.empty()) orFail(writeUserKeyFiles(o.write, user));
  const auto& c = user.certificate;
  std::string principals;
  for (const auto& p : c.principals) principals += (principals.empty() ? "" : ",") + p;
  std::cout << "signed in: " << c.keyId << ", principals " << principals << ", valid until "
            << formatUtc(static_cast<int64_t>(c.validBefore)) << "\n";
}

void registerLogin(CLI::App& app) {
  auto o = std::make_shared<LoginOptions>();
  auto* cmd = app.add_subcommand("login",
                                 "Sign in with the CA's OIDC provider; put a fresh key and its user "
                                 "certificate into the running ssh-agent");
  addConfigDirOption(cmd, o->configDir);
  cmd->add_option("--provisioner", o->provisioner, "the CA's OIDC provisioner to use (default: its only one)");
  auto* dev = cmd->add_flag("--device", o->device, "device flow (RFC 8628): a code to enter on another device");
  cmd->add_flag("--browser", o->browser, "browser flow (RFC 8252, PKCE) with a redirect to 127.0.0.1")->excludes(dev);
  cmd->add_flag("--no-open", o->noBrowserOpen, "browser flow: print the URL, do not run xdg-open");
  cmd->add_option("--key-type", o->keyType, "ed25519 (default) or ecdsa-p256");
  cmd->add_option("--write", o->write,
                  "also write PATH (private key, 0600), PATH.pub and PATH-cert.pub; "
                  "replaces only what an earlier login wrote there");
  cmd->add_option("--client-secret-file", o->clientSecretFile,
                  "the OAuth client's secret, read from FILE, when the provider registered the CA's client ID "
                  "as confidential; sent by client_secret_basic, or client_secret_post if only that is allowed");
  cmd->add_option("--id-token-file", o->idTokenFile,
                  "use an ID token obtained elsewhere (file, or - for stdin) instead of signing in");
  cmd->footer(
      "Default flow: the browser when DISPLAY or WAYLAND_DISPLAY is set, else the device flow.\n"
      "Needs `sshca-agent bootstrap` first (the CA URL and pinned root) and a running ssh-agent\n"
      "(SSH_AUTH_SOCK) unless --write is given. The key lives only in the agent, for as long as\n"
      "the certificate is valid. See docs/login.md.");
  cmd->callback([o] { runLogin(*o); });
}

// The KRL `krl sync` installed here, if any: status still lists the
// certificates without it, and says on stderr that revocation went unchecked.
std::optional<ssh::Krl> installedKrl(const std::string& path) {
  auto bytes = readFile(path);
  if (!bytes.ok()) {
    std::cerr << "sshca-agent: revocation not checked: " << bytes.error().message
              << " (sshca-agent krl sync installs the KRL)\n";
    return std::nullopt;
  }
  auto krl = ssh::parseKrl(asBytes(*bytes));
  if (!krl.ok()) {
    std::cerr << "sshca-agent: revocation not checked: " << path << ": " << krl.error().message << "\n";
    return std::nullopt;
  }
  return std::move(krl).value();
}

void runStatus(const std::string& configDir, const std::string& krlPath) {
  AgentState state = orFail(loadAgentState(configDirOrDefault(configDir)));
  auto certs = orFail(sshcaCertificatesInAgent(agentSocket(), state.userCaKeys));
  if (certs.empty()) {
    std::cout << "no sshca certificate in the agent (run sshca-agent login)\n";
    return;
  }
  std::optional<ssh::Krl> krl = installedKrl(krlPath);
  const int64_t now = std::time(nullptr);
  for (const auto& c : certs) {
    std::string mark = certificateMark(c.certificate, krl, now);
    std::cout << describeCertificate(c.certificate, now) << (mark.empty() ? "" : "  [" + mark + "]") << "\n";
  }
}

void runLogout(const std::string& configDir) {
  AgentState state = orFail(loadAgentState(configDirOrDefault(configDir)));
  int removed = orFail(removeSshcaCertificates(agentSocket(), state.userCaKeys));
  std::cout << "removed " << removed << " sshca certificate(s) and their keys from the agent\n";
}

void registerStatusAndLogout(CLI::App& app) {
  auto dir = std::make_shared<std::string>();
  auto krl = std::make_shared<std::string>(kDefaultKrlFile);
  auto* status = app.add_subcommand("status",
                                    "Show the sshca certificates in the ssh-agent (principals, expiry, "
                                    "revoked or expiring soon)");
  addConfigDirOption(status, *dir);
  status->add_option("--krl", *krl, "the installed KRL to check them against (default /etc/ssh/sshca_revoked.krl)");
  status->footer(
      "Marks a certificate [REVOKED (in the KRL)], [EXPIRED] or [EXPIRES SOON] (within an hour).\n"
      "The KRL is the one `sshca-agent krl sync` installs; without it revocation is not checked\n"
      "(said on stderr).");
  status->callback([dir, krl] { runStatus(*dir, *krl); });
  auto dir2 = std::make_shared<std::string>();
  auto* logout = app.add_subcommand("logout", "Remove the sshca certificates and their keys from the ssh-agent");
  addConfigDirOption(logout, *dir2);
  logout->callback([dir2] { runLogout(*dir2); });
}

struct ConfigSshOptions {
  std::string configDir, knownHosts, pattern = "*";
  bool write = false;
};

// A user who never ran ssh has no ~/.ssh: made as ssh itself would make it
// (0700), never loosened when it exists.
void ensureSshDirectory(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::create_directory(dir, ec)) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    if (!ec) return;
  }
  if (ec) fail(makeError(ErrorCode::IoError, "cannot create " + dir + ": " + ec.message()));
}

void runConfigSsh(const ConfigSshOptions& o) {
  AgentState state = orFail(loadAgentState(configDirOrDefault(o.configDir)));
  std::string lines = certAuthorityLines(state.hostCaKeys, o.pattern);
  if (!o.write) {
    std::cout << lines;
    return;
  }
  std::string file = o.knownHosts;
  if (file.empty()) {
    const char* home = std::getenv("HOME");
    if (!home) fail(makeError(ErrorCode::InvalidArgument, "HOME is not set: give --known-hosts FILE"));
    file = std::string(home) + "/.ssh/known_hosts";
    ensureSshDirectory(std::string(home) + "/.ssh");
  }
  int added = orFail(appendLinesOnce(file, lines));
  std::cout << (added ? "added the @cert-authority line to " : "the @cert-authority line is already in ") << file
            << "\n";
}

void registerConfigSsh(CLI::App& app) {
  CLI::App* config = app.get_subcommand("config");
  auto o = std::make_shared<ConfigSshOptions>();
  auto* cmd = config->add_subcommand("ssh",
                                     "Print (or --write) the @cert-authority known_hosts line that makes ssh "
                                     "trust the fleet's host certificates");
  addConfigDirOption(cmd, o->configDir);
  cmd->add_option("--host-pattern", o->pattern, "the hosts the CA vouches for, e.g. '*.example.com' (default *)");
  cmd->add_flag("--write", o->write, "append the line to the known_hosts file, once");
  cmd->add_option("--known-hosts", o->knownHosts, "the file for --write (default ~/.ssh/known_hosts)");
  cmd->callback([o] { runConfigSsh(*o); });
}

}  // namespace

// After registerConfigCommands: `config ssh` joins its `config` group.
void registerLoginCommands(CLI::App& app) {
  registerLogin(app);
  registerStatusAndLogout(app);
  registerConfigSsh(app);
}

}  // namespace sshca::agent
