// sshca-agent host enroll | renew | tls: this host's certificates.
#include <filesystem>
#include <iostream>
#include <memory>

#include "agent/ca_client/ca_connection.h"
#include "agent/cli/agent_cli.h"
#include "agent/cli/commands.h"
#include "agent/host/host_enroll.h"
#include "agent/host/host_keys.h"
#include "agent/host/host_renew.h"
#include "agent/host/host_tls.h"
#include "agent/host/sshd_reload.h"
#include "agent/os/subprocess.h"
#include "ca/core/common/file_io.h"

namespace sshca::agent {
namespace {

struct HostOptions {
  std::string configDir, token, tokenFile, reloadCommand;
  std::vector<std::string> keys;
  CLI::Option* reloadOption = nullptr;
  RenewOptions renew;
};

void addCommonOptions(CLI::App* cmd, HostOptions& o) {
  addConfigDirOption(cmd, o.configDir);
  cmd->add_option("--key", o.keys,
                  "a host public key (ssh_host_<type>_key.pub), repeatable; the certificate goes next to it as "
                  "<key>-cert.pub (default: every /etc/ssh/ssh_host_*_key.pub)");
  o.reloadOption = cmd->add_option("--reload-command", o.reloadCommand,
                                   "run when a certificate changed (default `systemctl reload ssh` under systemd, "
                                   "else SIGHUP to the pid in /run/sshd.pid; '' disables)");
}

// Reloads sshd unless --reload-command ''. A failed reload leaves the
// pending marker behind for the next run; a good one removes it.
Status reloadAfterChange(const HostOptions& o) {
  std::string command = o.reloadOption->count() ? o.reloadCommand : defaultReloadCommand();
  const std::string pending = reloadPendingPath(configDirOrDefault(o.configDir));
  std::error_code ec;
  if (o.reloadOption->count() && command.empty()) {  // the admin reloads sshd: nothing is pending for us
    std::filesystem::remove(pending, ec);
    return okStatus();
  }
  Status reloaded = reloadSshd(command);
  if (!reloaded.ok()) {
    Status marked = writeFileAtomic(pending, "a host certificate changed; sshd was not reloaded\n", 0644);
    if (marked.ok()) return reloaded;
    // Without the marker the next run sees nothing to do: say so now.
    const std::string lost = "; the next run will not retry the reload (" + marked.error().message + ")";
    return makeError(reloaded.error().code, reloaded.error().message + lost + ": reload sshd by hand");
  }
  std::filesystem::remove(pending, ec);
  std::cerr << "sshca-agent: sshd reloaded\n";
  return okStatus();
}

bool reloadPending(const HostOptions& o) {
  std::error_code ec;
  return std::filesystem::exists(reloadPendingPath(configDirOrDefault(o.configDir)), ec);
}

// --token-file, else --token or $SSHCA_TOKEN (CLI11 fills --token from it).
std::string enrollmentToken(const HostOptions& o) {
  if (!o.tokenFile.empty()) return readSecretLine(o.tokenFile);
  if (o.token.empty())
    fail(makeError(ErrorCode::InvalidArgument,
                   "give the one-time token: --token-file FILE (or - for stdin), "
                   "$SSHCA_TOKEN or --token"));
  return o.token;
}

void runEnroll(const HostOptions& o) {
  const std::string token = enrollmentToken(o);
  if (token.empty()) fail(makeError(ErrorCode::InvalidArgument, "the one-time token is empty"));
  auto keys = orFail(selectHostKeys(o.keys));
  CaConnection ca = orFail(CaConnection::open(configDirOrDefault(o.configDir)));
  orFail(enrollHostKeys(ca, keys, token, std::cerr));
  // The certificates are in place: that is what enroll promised. sshd may
  // not run or not be configured for them yet on a first enrollment.
  if (auto s = reloadAfterChange(o); !s.ok())
    std::cerr << "sshca-agent: warning: sshd not reloaded: " << s.error().message << "\n";
}

// The TLS certificates `host tls` was asked for, renewed when due; each
// changed one's reload command run. Returns how many changed and failed.
std::pair<int, int> renewTlsCertificates(CaConnection& ca, const std::string& configDir) {
  auto requests = rememberedTlsRequests(configDir);
  if (!requests.ok()) {
    std::cerr << "sshca-agent: " << requests.error().message << "\n";
    return {0, 1};
  }
  int changed = 0, failed = 0;
  for (const TlsRequest& r : *requests) {
    auto outcome = ensureTlsCertificate(ca, r, false, std::time(nullptr));
    Status done = outcome.ok() ? okStatus() : Status(std::move(outcome).error());
    if (done.ok() && *outcome == TlsOutcome::Issued) {
      ++changed;
      std::cerr << "sshca-agent: renewed " << r.outCert << "\n";
      if (!r.reloadCommand.empty()) done = runShellCommand(r.reloadCommand);
    }
    if (!done.ok()) {
      ++failed;
      std::cerr << "sshca-agent: " << r.outCert << ": " << done.error().message << "\n";
    }
  }
  return {changed, failed};
}

void runRenew(HostOptions o) {
  o.renew.keysGiven = !o.keys.empty();
  auto keys = orFail(selectHostKeys(o.keys));
  CaConnection ca = orFail(CaConnection::open(configDirOrDefault(o.configDir)));
  ca.client.setRetry(scheduledRetry(std::cerr));
  RenewOutcome r = renewHostCertificates(ca, keys, o.renew, std::cerr);
  // cron must hear of a failed reload: sshd serves the old certificates.
  const bool pending = reloadPending(o);
  if (r.renewed > 0 || pending) orFail(reloadAfterChange(o));
  // The TLS certificates ride on the same weekly run (their own reloads).
  auto [tlsChanged, tlsFailed] = renewTlsCertificates(ca, configDirOrDefault(o.configDir));
  r.renewed += tlsChanged;
  if (r.failed > 0 || tlsFailed > 0) throw ExitWith{kExitFailed};
  if (r.renewed == 0 && r.notDue == 0)
    fail(makeError(ErrorCode::NotFound,
                   "no host certificate (ssh_host_*_key-cert.pub) to renew: run `sshca-agent host enroll` first"));
  // Nothing renewed now, but sshd serves an earlier renewal since this run:
  // a change, 0.
  if (r.renewed == 0 && !pending) throw ExitWith{kExitNotDue};
}

void addEnroll(CLI::App* host) {
  auto o = std::make_shared<HostOptions>();
  auto* cmd = host->add_subcommand("enroll", "Get this host's first certificates with a one-time token");
  auto* file = cmd->add_option("--token-file", o->tokenFile,
                               "read the one-time host token (`sshca token host NAME --principals ...`) from FILE, "
                               "or - for stdin");
  cmd->add_option("--token", o->token,
                  "the token itself; other users of this host see it in ps while enroll runs, so prefer "
                  "--token-file or $SSHCA_TOKEN")
      ->envname("SSHCA_TOKEN")
      ->excludes(file);
  addCommonOptions(cmd, *o);
  cmd->footer(
      "The principals come from the token. A token is good for one certificate: the first key is\n"
      "certified with it, every other key by SSHPOP rekey proven with that first certificate.\n"
      "Example:\n"
      "  sshca-agent host enroll --token-file /root/web1.token --key /etc/ssh/ssh_host_ecdsa_key.pub\n"
      "  ssh root@web1 sshca-agent host enroll --token-file - <web1.token");
  cmd->callback([o] { runEnroll(*o); });
}

void addRenew(CLI::App* host) {
  auto o = std::make_shared<HostOptions>();
  auto* cmd = host->add_subcommand(
      "renew", "Renew host certificates by SSHPOP when less than a third of their validity remains");
  addCommonOptions(cmd, *o);
  cmd->add_flag("--force", o->renew.force, "renew even when not due");
  cmd->add_flag("--rekey", o->renew.rekey, "make a new host key of the same type and certify it (/ssh/rekey)");
  cmd->footer(cli::exitStatusHelp(true) +
              " 0: something was renewed; 1: a renewal failed.\n"
              "Keys without a certificate are skipped unless named with --key.\n"
              "A 503 or 429 from the CA is tried again after its Retry-After (4 tries in all).\n"
              "Examples:\n"
              "  sshca-agent host renew                     # weekly, from cron or the systemd timer\n"
              "  sshca-agent host renew --force --rekey --key /etc/ssh/ssh_host_ed25519_key.pub");
  cmd->callback([o] { runRenew(*o); });
}

struct TlsOptions {
  std::string configDir;
  TlsRequest request;
  bool force = false;
};

// --key, else the first default host key that has a certificate.
std::string provingHostKey(const std::string& given) {
  if (!given.empty()) return given;
  for (const HostKeyFiles& f : orFail(selectHostKeys({}))) {
    std::error_code ec;
    if (std::filesystem::exists(f.certificate, ec)) return f.publicKey;
  }
  fail(makeError(ErrorCode::NotFound,
                 "no host certificate (ssh_host_*_key-cert.pub) proves this host's names: run `sshca-agent host "
                 "enroll` first, or name one with --key"));
}

void runTls(TlsOptions o) {
  o.request.hostKey = provingHostKey(o.request.hostKey);
  const std::string configDir = configDirOrDefault(o.configDir);
  CaConnection ca = orFail(CaConnection::open(configDir));
  TlsOutcome outcome = orFail(ensureTlsCertificate(ca, o.request, o.force, std::time(nullptr)));
  // Remembered after a success only: `host renew` renews what worked once.
  orFail(rememberTlsRequest(configDir, o.request));
  if (outcome == TlsOutcome::NotDue) {
    std::cerr << "sshca-agent: " << o.request.outCert << " is not due for renewal\n";
    throw ExitWith{kExitNotDue};
  }
  std::cerr << "sshca-agent: wrote " << o.request.outCert << " and " << o.request.outKey << "\n";
  if (!o.request.reloadCommand.empty()) orFail(runShellCommand(o.request.reloadCommand));
}

void addTls(CLI::App* host) {
  auto o = std::make_shared<TlsOptions>();
  auto* cmd = host->add_subcommand(
      "tls", "Get a TLS server certificate for this host's names, proven by its SSH host certificate");
  addConfigDirOption(cmd, o->configDir);
  cmd->add_option("--name", o->request.names,
                  "a DNS name or IP address for the certificate, repeatable; each must be a principal of the "
                  "host certificate")
      ->required();
  cmd->add_option("--out-key", o->request.outKey, "the private key (PEM), made here; a new file is 0600")->required();
  cmd->add_option("--out-cert", o->request.outCert, "the certificate followed by its chain (PEM)")->required();
  cmd->add_option("--key", o->request.hostKey,
                  "the SSH host public key whose certificate proves the names (default: the first "
                  "/etc/ssh/ssh_host_*_key.pub with a certificate)");
  cmd->add_option("--reload-command", o->request.reloadCommand,
                  "run with /bin/sh after the certificate changed (e.g. 'systemctl reload nginx')");
  cmd->add_flag("--force", o->force, "get a new certificate even when not due");
  cmd->footer(cli::exitStatusHelp(true) +
              " 0: a certificate was written; 2: it was not due (less than a third of its validity left,\n"
              "or other names asked, makes it due).\n"
              "The request is remembered in the config directory: `sshca-agent host renew` (the weekly job)\n"
              "renews it too. Examples: tls-snippets/ (nginx, Apache).\n"
              "  sshca-agent host tls --name web1.example.com --out-key /etc/ssl/private/web1.key \\\n"
              "    --out-cert /etc/ssl/certs/web1.pem --reload-command 'systemctl reload nginx'");
  cmd->callback([o] { runTls(*o); });
}

}  // namespace

void registerHostCommands(CLI::App& app) {
  auto* host = app.add_subcommand("host", "This host's certificates: enroll, renew (SSH), tls");
  host->require_subcommand(1);
  addEnroll(host);
  addRenew(host);
  addTls(host);
}

}  // namespace sshca::agent
