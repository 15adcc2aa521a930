// sshca-agent bootstrap: pin the CA. The root is fetched over TLS without
// trusting the server and accepted only when its SHA-256 equals the
// fingerprint the admin got out of band; everything after that (the SSH CA
// keys) comes over a connection pinned to that root.
#include <iostream>
#include <memory>

#include "agent/ca_client/agent_state.h"
#include "agent/ca_client/ca_api.h"
#include "agent/ca_client/ca_client.h"
#include "agent/ca_client/https_url.h"
#include "agent/ca_client/known_hosts_line.h"
#include "agent/ca_client/root_fingerprint.h"
#include "agent/ca_client/server_names.h"
#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"
#include "agent/os/scoped_temp_file.h"
#include "ca/core/common/file_io.h"

namespace sshca::agent {
namespace {

struct BootstrapOptions {
  std::string caUrl, fingerprint, configDir, userCaFile = "/etc/ssh/sshca_user_ca.pub", knownHosts, pattern = "*";
  bool host = false;
};

std::string withoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The root whose fingerprint matches, and the SSH CA keys fetched over a
// connection pinned to it (which proves the server holds a chain to it).
AgentState fetchPinnedState(const BootstrapOptions& o) {
  AgentState s;
  s.caUrl = withoutTrailingSlash(o.caUrl);
  s.rootFingerprint = orFail(normalizeFingerprint(o.fingerprint));
  // Every later connection checks the host name against the CA's TLS
  // certificate: a URL naming another host would work here and fail at
  // the first renewal, weeks later in cron. Say so now.
  HttpsUrl url = orFail(HttpsUrl::parse(s.caUrl));
  orFail(checkServerNamesHost(url.host, url.port));
  CaClient untrusted = orFail(CaClient::unverified(s.caUrl));
  std::string bundle = orFail(fetchRootsPem(untrusted));
  s.rootPem = orFail(rootMatchingFingerprint(bundle, s.rootFingerprint));
  ScopedTempFile rootFile = orFail(ScopedTempFile::createInTmp("sshca-agent-root.", s.rootPem));
  CaClient pinned = orFail(CaClient::pinned(s.caUrl, rootFile.path()));
  auto roots = fetchSshRoots(pinned);
  if (!roots.ok())
    fail(std::move(roots).error().context("the server does not prove the root it sent (nothing stored)"));
  if (roots->userKeys.empty() || roots->hostKeys.empty())
    fail(makeError(ErrorCode::InvalidFormat, "the CA's /ssh/roots lacks a user or host CA key; nothing stored"));
  s.userCaKeys = roots->userKeys;
  s.hostCaKeys = roots->hostKeys;
  return s;
}

void runBootstrap(const BootstrapOptions& o) {
  AgentState s = fetchPinnedState(o);
  std::string dir = configDirOrDefault(o.configDir);
  orFail(saveAgentState(dir, s));
  std::cerr << "sshca-agent: CA " << s.caUrl << " pinned (root SHA-256 " << s.rootFingerprint << ") in " << dir << "\n";
  if (o.host) {
    orFail(writeFileAtomic(o.userCaFile, formatKeyLines(s.userCaKeys, "sshca-user-ca"), 0644));
    std::cerr << "sshca-agent: user CA keys written to " << o.userCaFile << " (TrustedUserCAKeys)\n";
  }
  std::string lines = certAuthorityLines(s.hostCaKeys, o.pattern);
  std::cout << lines;
  if (!o.knownHosts.empty()) {
    int added = orFail(appendLinesOnce(o.knownHosts, lines));
    std::cerr << "sshca-agent: " << (added ? "added the @cert-authority line to " : "already trusted in ")
              << o.knownHosts << "\n";
  }
}

}  // namespace

void registerBootstrapCommand(CLI::App& app) {
  auto o = std::make_shared<BootstrapOptions>();
  auto* cmd = app.add_subcommand("bootstrap",
                                 "Pin the CA: fetch its root, check the fingerprint, store URL, root and SSH CA keys");
  cmd->add_option("--ca-url", o->caUrl, "the CA's URL, https://host[:port]")->required();
  cmd->add_option("--fingerprint", o->fingerprint,
                  "SHA-256 of the CA root's DER, as `sshca init` prints it (hex; colons and case do not matter)")
      ->required();
  addConfigDirOption(cmd, o->configDir);
  cmd->add_flag("--host", o->host, "this is a server: also write the user CA keys for sshd's TrustedUserCAKeys");
  cmd->add_option("--user-ca-file", o->userCaFile,
                  "where --host writes the user CA keys (default /etc/ssh/sshca_user_ca.pub)");
  cmd->add_option("--known-hosts", o->knownHosts, "append the @cert-authority line to this known_hosts file (once)");
  cmd->add_option("--host-pattern", o->pattern, "host name pattern of the @cert-authority line (default *)");
  cmd->footer(
      "Prints the @cert-authority line for known_hosts on stdout. A root whose fingerprint differs is\n"
      "refused and nothing is stored.\n"
      "Examples:\n"
      "  sshca-agent bootstrap --ca-url https://ca.example.com:8443 --fingerprint 3f0c...e1 --host\n"
      "  sshca-agent bootstrap --ca-url https://ca.example.com:8443 --fingerprint 3f0c...e1 \\\n"
      "      --known-hosts ~/.ssh/known_hosts --host-pattern '*.example.com'");
  cmd->callback([o] { runBootstrap(*o); });
}

}  // namespace sshca::agent
