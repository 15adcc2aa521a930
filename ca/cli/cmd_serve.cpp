// sshca serve: the online CA. Loads ca.json, opens the token, database and
// provisioners (service/authority), serves HTTPS (service/api) and waits
// for signals: SIGINT/SIGTERM stop gracefully, SIGHUP reloads the
// provisioners from ca.json without dropping a connection.
#include <signal.h>
#include <string.h>
#include <time.h>

#include <cerrno>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "ca/cli/commands.h"
#include "ca/cli/serve_pid_file.h"
#include "ca/service/acme/acme_server.h"
#include "ca/service/api/https_server.h"
#include "ca/service/api/metrics_listener.h"
#include "ca/service/authority/acme_server_from_config.h"
#include "ca/service/authority/authority.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/metrics/ca_metrics.h"
#include "ca/service/metrics/metrics_registry.h"
#include "cli_support/cli_error.h"

namespace sshca::cli {
namespace {

struct ServeOptions {
  std::string config;
  std::string pidFile;
};

// The signals the main thread takes with sigwait. Blocked before the first
// thread starts (the token's, the database writer's, the HTTP workers'),
// which inherit the mask, so none of them is ever interrupted by one and
// the main thread alone decides what a signal means. Blocked here rather
// than in main(): the other commands keep Ctrl-C's default behaviour.
sigset_t blockServeSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  if (int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0)
    fail(makeError(ErrorCode::Internal, std::string("pthread_sigmask: ") + strerror(rc)));
  return set;
}

// "host:0" names the port the kernel chose, so the line is usable.
std::string shownAddress(const std::string& address, int port) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return address;
  return address.substr(0, colon + 1) + std::to_string(port);
}

api::HttpsServerOptions serverOptions(const config::CaConfig& config) {
  api::HttpsServerOptions o;
  o.listenAddress = config.address;
  o.tls.certChainFile = config.tls.certChain;
  o.tls.privateKeyFile = config.tls.key;
  const config::ServerConfig& s = config.server;
  o.threads = config::authorityThreads(config);
  o.ioThreads = static_cast<size_t>(s.ioThreads);
  o.maxBodyBytes = s.maxBodyBytes;
  o.limits.tlsHandshakeMs = s.tlsHandshakeMs;
  o.limits.requestHeadMs = s.requestHeadMs;
  o.limits.requestBodyMs = s.requestBodyMs;
  o.limits.writeMs = s.writeMs;
  o.limits.idleSeconds = s.idleSeconds;
  o.limits.maxHeaderBytes = s.maxHeaderBytes;
  o.limits.maxHeaderCount = s.maxHeaderCount;
  o.limits.maxConnections = s.maxConnections;
  o.limits.maxConnectionsPerSource = s.maxConnectionsPerSource;
  o.limits.queueLength = s.queueLength;
  o.limits.queueWaitMs = s.queueWaitMs;
  o.limits.drainSeconds = s.drainSeconds;
  return o;
}

// A bad file (a typo while editing) must not take the CA down: the old
// provisioners stay and the reason goes to the log.
void reload(const std::string& path, authority::Authority& authority) {
  auto config = config::loadCaConfig(path);
  Status st = config.ok() ? authority.reloadProvisioners(*config) : Status(config.error());
  if (!st.ok()) {
    std::cerr << "sshca: SIGHUP: keeping the current provisioners: " << st.error().message << std::endl;
    return;
  }
  std::cerr << "sshca: SIGHUP: reloaded " << config->provisioners.size() << " provisioner(s) from " << path
            << std::endl;
}

// The pid file `sshca reload` finds this process by. Another serve holding
// it ends this one. The default place not being writable (a read-only
// config directory) is only a warning: reload then needs --pid-file, and
// systemd's reload needs no file at all.
std::optional<ServePidFile> writePidFile(const ServeOptions& o) {
  std::string path = o.pidFile.empty() ? defaultPidFilePath(o.config) : o.pidFile;
  auto file = ServePidFile::create(path);
  if (file.ok()) return std::move(*file);
  if (file.error().code == ErrorCode::AlreadyExists || !o.pidFile.empty()) fail(std::move(file).error());
  std::cerr << "sshca: no pid file, so `sshca reload` will not find this process: " << file.error().message
            << std::endl;
  return std::nullopt;
}

constexpr long kPruneEverySeconds = 300;

// Returns on SIGINT or SIGTERM. Between signals, every few minutes, spent
// tokens past their expiry are pruned from the database.
void waitForStop(const sigset_t& set, const std::string& path, authority::Authority& authority,
                 acme::AcmeServer* acme) {
  const timespec pruneInterval{kPruneEverySeconds, 0};
  for (;;) {
    int sig = sigtimedwait(&set, nullptr, &pruneInterval);
    if (sig < 0) {
      if (errno != EAGAIN) continue;  // EINTR
      if (auto st = authority.pruneSpentTokens(); !st.ok())
        std::cerr << "sshca: pruning spent tokens: " << st.error().message << std::endl;
      if (acme != nullptr) {
        if (auto st = acme->pruneNonces(); !st.ok())
          std::cerr << "sshca: pruning ACME nonces: " << st.error().message << std::endl;
      }
      continue;
    }
    if (sig == SIGHUP) {
      reload(path, authority);
      continue;
    }
    std::cerr << "sshca: " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ": stopping" << std::endl;
    return;
  }
}

// GET /metrics on its own listener, when ca.json asks for one.
std::unique_ptr<api::MetricsListener> startMetrics(const config::CaConfig& config, metrics::Registry& registry,
                                                   authority::Authority& authority) {
  if (config.metricsAddress.empty()) return nullptr;
  metrics::addCaGauges(registry, authority, config);
  metrics::addSigningMetrics(
      registry, [&authority](bool host) { return authority.signatureTimings(host); },
      [&authority](bool host) { return authority.newestCertificateExpiry(host); });
  auto listener = orFail(api::MetricsListener::start(config.metricsAddress, [&registry] { return registry.render(); }));
  std::cerr << "sshca: metrics on http://" << shownAddress(config.metricsAddress, listener->port()) << "/metrics"
            << std::endl;
  return listener;
}

void runServe(const ServeOptions& o) {
  sigset_t signals = blockServeSignals();
  config::CaConfig config = orFail(config::loadCaConfig(o.config));
  std::optional<ServePidFile> pidFile = writePidFile(o);
  std::unique_ptr<authority::Authority> authority = orFail(authority::Authority::create(config));
  metrics::Registry registry;  // outlives the listeners below
  api::HttpsServerOptions options = serverOptions(config);
  options.observer = [&registry](const api::RequestLogEntry& e) { metrics::countApiRequest(registry, e); };
  std::unique_ptr<api::MetricsListener> metricsListener = startMetrics(config, registry, *authority);
  // The ACME server outlives the HTTPS server that calls it.
  std::unique_ptr<acme::AcmeServer> acmeServer = orFail(authority::openAcmeServer(config, *authority));
  options.acme = acmeServer.get();
  std::unique_ptr<api::HttpsServer> server = orFail(api::HttpsServer::start(std::move(options), *authority));
  if (metricsListener) {
    metrics::addFrontDoorMetrics(registry, [&server] { return server->load(); });
    metrics::addStoreMetrics(registry, [&authority] { return authority->commitCounts(); });
  }
  std::cerr << "sshca: serving https://" << shownAddress(config.address, server->port()) << " (root "
            << authority->rootFingerprint() << ")" << std::endl;
  waitForStop(signals, o.config, *authority, acmeServer.get());
  server->stop();  // in-flight requests finish; the authority outlives the server
  if (metricsListener) metricsListener->stop();
}

}  // namespace

void registerServeCommands(CLI::App& app) {
  auto o = std::make_shared<ServeOptions>();
  auto* serve = app.add_subcommand("serve", "Run the online CA over HTTPS (POST /ssh/sign, /ssh/roots, /health, ...)");
  serve->add_option("--config", o->config, "the CA's config file (DIR/config/ca.json, written by sshca init)")
      ->required();
  serve->add_option("--pid-file", o->pidFile,
                    "where to write this process's pid for sshca reload (default: the config's path with .pid, "
                    "DIR/config/ca.pid)");
  serve->footer(
      "Runs in the foreground until SIGINT or SIGTERM (in-flight requests finish).\n"
      "SIGHUP (`sshca reload --config CFG`) re-reads the provisioners and their policies from\n"
      "the config file without dropping connections; a file that does not parse keeps the\n"
      "current ones. The pid file is kept locked while serve runs and removed when it stops;\n"
      "a second serve on the same config is refused.\n"
      "With the Debian package: systemctl start sshca / systemctl reload sshca (sshca.service runs\n"
      "/usr/bin/sshca serve --config /var/lib/sshca/config/ca.json as the user sshca).\n"
      "Examples:\n"
      "  sshca serve --config /var/lib/sshca/config/ca.json\n"
      "  sshca serve --config ./ca/config/ca.json 2>>/var/log/sshca.log &\n"
      "  sshca reload --config ./ca/config/ca.json     # after editing ca.json");
  serve->callback([o] { runServe(*o); });
}

}  // namespace sshca::cli
