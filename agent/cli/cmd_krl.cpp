// sshca-agent krl sync: the CA's revocation list for sshd's RevokedKeys.
#include <iostream>
#include <memory>

#include "agent/ca_client/ca_connection.h"
#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"
#include "agent/krl/krl_sync.h"

namespace sshca::agent {
namespace {

struct KrlOptions {
  std::string configDir, out = kDefaultKrlFile;
};

void runSync(const KrlOptions& o) {
  CaConnection ca = orFail(CaConnection::open(configDirOrDefault(o.configDir)));
  ca.client.setRetry(scheduledRetry(std::cerr));
  KrlDownload d;
  d.krl = orFail(ca.client.get("/ssh/krl", kKrlLimits));
  d.signature = orFail(ca.client.get("/ssh/krl.sig"));
  auto r = installVerifiedKrl(d, ca.state.userCaKeys, o.out);
  if (!r.ok()) fail(std::move(r).error().context("krl sync: " + o.out + " left as it was"));
  std::cerr << "sshca-agent: " << o.out << (*r == KrlSyncResult::Installed ? " updated" : " already current") << "\n";
}

}  // namespace

void registerKrlCommands(CLI::App& app) {
  auto* krl = app.add_subcommand("krl", "The CA's key revocation list (KRL) for sshd's RevokedKeys");
  krl->require_subcommand(1);
  auto o = std::make_shared<KrlOptions>();
  auto* sync = krl->add_subcommand("sync", "Download the KRL and its signature, verify both, install atomically");
  addConfigDirOption(sync, o->configDir);
  sync->add_option("--out", o->out, "the KRL file sshd reads (default /etc/ssh/sshca_revoked.krl)");
  sync->footer(
      "The KRL must carry an SSHSIG signature (namespace sshca-krl) by the user CA key pinned at\n"
      "bootstrap, parse as a KRL, and not be older than the installed one; otherwise nothing changes.\n"
      "A 503 or 429 from the CA is tried again after its Retry-After (4 tries in all).\n"
      "Example:\n"
      "  sshca-agent krl sync --out /etc/ssh/sshca_revoked.krl     # every 5 minutes from the timer");
  sync->callback([o] { runSync(*o); });
}

}  // namespace sshca::agent
