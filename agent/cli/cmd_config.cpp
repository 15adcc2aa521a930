// sshca-agent config sshd: print the sshd drop-in for this host.
#include <filesystem>
#include <iostream>
#include <memory>

#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"
#include "agent/host/host_keys.h"
#include "agent/host/sshd_dropin.h"
#include "agent/krl/krl_sync.h"
#include "cli_support/cli_error.h"

namespace sshca::agent {
namespace {

struct ConfigSshdOptions {
  std::vector<std::string> keys;
  std::string userCaFile = "/etc/ssh/sshca_user_ca.pub", krlFile = kDefaultKrlFile;
};

// sshd with a TrustedUserCAKeys file that is missing refuses every user
// certificate: a drop-in naming one is not printed at all.
void requireUserCaFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return;
  fail(makeError(ErrorCode::NotFound, "the user CA keys file " + path +
                                          " does not exist: run `sshca-agent bootstrap --host` first (it writes "
                                          "it), or name the file with --user-ca-file"));
}

void runConfigSshd(const ConfigSshdOptions& o) {
  requireUserCaFile(o.userCaFile);
  DropinInputs in{o.userCaFile, o.krlFile, {}};
  auto keys = selectHostKeys(o.keys);
  if (keys.ok())
    in.keys = std::move(keys).value();
  else if (!o.keys.empty() || keys.error().code != ErrorCode::NotFound)
    fail(std::move(keys).error());
  std::cout << renderSshdDropin(in);
}

}  // namespace

void registerConfigCommands(CLI::App& app) {
  auto* config = app.add_subcommand("config", "Print configuration snippets for this machine");
  config->require_subcommand(1);
  auto o = std::make_shared<ConfigSshdOptions>();
  auto* sshd = config->add_subcommand(
      "sshd", "Print the sshd_config.d drop-in (TrustedUserCAKeys, HostCertificate, RevokedKeys)");
  sshd->add_option("--key", o->keys, "a host public key, repeatable (default: every /etc/ssh/ssh_host_*_key.pub)");
  sshd->add_option("--user-ca-file", o->userCaFile, "the user CA keys file (default /etc/ssh/sshca_user_ca.pub)");
  sshd->add_option("--krl", o->krlFile, "the KRL file (default /etc/ssh/sshca_revoked.krl)");
  sshd->footer(
      "Example:\n"
      "  sshca-agent config sshd > /etc/ssh/sshd_config.d/sshca.conf && sshd -t && systemctl reload ssh");
  sshd->callback([o] { runConfigSshd(*o); });
}

}  // namespace sshca::agent
