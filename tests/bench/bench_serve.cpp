// sshca-loadgen: a load client for `sshca serve` (scripts/bench.sh serve and
// tests/e2e/serve_crash_safety.sh). Each worker thread keeps one kept-alive
// HTTPS connection (CA verification on, TCP_NODELAY: without it a kept-alive
// connection crawls at ~29 requests/s; docs/architecture.md), takes the next
// pre-generated token from a shared index and POSTs /ssh/sign. Tokens are
// generated beforehand so that the figures measure the CA, not `sshca token`.
//
// With --out-certs every 201 is appended as "serial base64crt" and flushed at
// once: the crash test kills the server, and whatever this client saw must
// already be on disk, whatever happens next.
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "ca/core/common/bytes.h"
#include "ca/core/ssh/ssh_cert.h"

using namespace sshca;

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string url;
  std::string caCert;
  std::string tokensFile;
  std::string pubkeyFile;
  std::string outCerts;
  std::string principal = "bench";
  int concurrency = 1;
  bool requireAllOk = false;
};

struct Target {
  std::string host;
  int port = 443;
};

// "https://host:port[/]" -> host, port. Only https: the CA serves nothing else.
bool parseUrl(const std::string& url, Target& out) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) return false;
  std::string rest = url.substr(scheme.size());
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  std::string portText;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:8443
    auto close = rest.find(']');
    if (close == std::string::npos) return false;
    out.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') portText = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    out.host = rest.substr(0, colon);
    portText = rest.substr(colon + 1);
  } else {
    out.host = rest;
  }
  if (out.host.empty()) return false;
  if (!portText.empty()) {
    char* end = nullptr;
    long p = std::strtol(portText.c_str(), &end, 10);
    if (*end != '\0' || p <= 0 || p > 65535) return false;
    out.port = static_cast<int>(p);
  }
  return true;
}

bool readLines(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return true;
}

// The base64 field of an OpenSSH public key line ("type base64 [comment]"):
// exactly the wire form's base64 that the API wants in "publicKey".
bool readPublicKeyBase64(const std::string& path, std::string& out) {
  std::vector<std::string> lines;
  if (!readLines(path, lines) || lines.empty()) return false;
  std::istringstream fields(lines.front());
  std::string type;
  fields >> type >> out;
  return !out.empty() && base64Decode(out).ok();
}

// The request body. nlohmann's dump() throws on invalid UTF-8; a token file
// with such bytes is reported as a failed request, not a crash.
bool signBody(const std::string& pubkey, const std::string& token, const std::string& principal, std::string& out) {
  try {
    nlohmann::json body = {{"publicKey", pubkey},
                           {"ott", token},
                           {"certType", "user"},
                           {"keyID", principal},
                           {"principals", nlohmann::json::array({principal})}};
    out = body.dump();
    return true;
  } catch (const std::exception&) { return false; }
}

// The "crt" of a 201's body, or nullopt when there is none.
std::optional<std::string> crtOf(const std::string& responseBody) {
  auto json = nlohmann::json::parse(responseBody, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto crt = json.find("crt");
  if (crt == json.end() || !crt->is_string()) return std::nullopt;
  return crt->get<std::string>();
}

// The serial of a certificate (base64 of its wire form), or nullopt when it
// is not one: an answer we cannot read is not counted as issued.
std::optional<uint64_t> serialOf(const std::string& b64) {
  auto wire = base64Decode(b64);
  if (!wire.ok()) return std::nullopt;
  auto cert = ssh::parseCertificate(wire.value());
  if (!cert.ok()) return std::nullopt;
  return cert.value().serial;
}

constexpr const char* kUnreadable = "201 without a readable certificate";

// Appends "serial base64" lines, one write + fflush each, under a lock.
class CertSink {
 public:
  explicit CertSink(const std::string& path) {
    if (!path.empty()) file_ = std::fopen(path.c_str(), "a");
  }
  ~CertSink() {
    if (file_) std::fclose(file_);
  }
  CertSink(const CertSink&) = delete;
  CertSink& operator=(const CertSink&) = delete;
  bool failedToOpen(const std::string& path) const { return !path.empty() && !file_; }
  bool active() const { return file_ != nullptr; }
  void write(uint64_t serial, const std::string& b64) {
    if (!file_) return;
    std::lock_guard lock(mu_);
    std::fprintf(file_, "%" PRIu64 " %s\n", serial, b64.c_str());
    std::fflush(file_);
  }

 private:
  std::FILE* file_ = nullptr;
  std::mutex mu_;
};

// What one worker saw; merged after the join, so no locking while running.
struct WorkerStats {
  std::vector<double> latencyMs;           // every request, failed ones included
  std::map<std::string, size_t> failures;  // "status 409" / "no response: Connection"
  size_t ok = 0;
  size_t connections = 0;
  // Without --out-certs the certificates are parsed after the timed run:
  // parsing (point checks of the CA key) cost the client more CPU than the
  // request itself, on the cores the server needs.
  std::vector<std::string> unchecked;
};

struct Shared {
  const Options& options;
  const Target& target;
  const std::vector<std::string>& tokens;
  const std::string& pubkey;
  CertSink& sink;
  std::atomic<size_t> next{0};
};

void worker(Shared& shared, WorkerStats& stats) {
  httplib::SSLClient client(shared.target.host, shared.target.port);
  client.set_ca_cert_path(shared.options.caCert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_tcp_nodelay(true);
  client.set_keep_alive(true);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  client.set_write_timeout(30);
  // Counts TCP connections: a server that closes kept-alive connections
  // early shows up as connections >> concurrency (each costs a handshake).
  size_t* connections = &stats.connections;
  client.set_socket_options([connections](int) { ++*connections; });

  std::string body;
  for (;;) {
    size_t i = shared.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= shared.tokens.size()) break;
    if (!signBody(shared.pubkey, shared.tokens[i], shared.options.principal, body)) {
      ++stats.failures["token is not valid UTF-8"];
      continue;
    }
    auto start = Clock::now();
    auto res = client.Post("/ssh/sign", body, "application/json");
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    stats.latencyMs.push_back(ms);
    if (!res) {
      ++stats.failures["no response: " + httplib::to_string(res.error())];
      continue;
    }
    if (res->status != 201) {
      ++stats.failures["status " + std::to_string(res->status)];
      continue;
    }
    auto crt = crtOf(res->body);
    if (!crt) {
      ++stats.failures[kUnreadable];
      continue;
    }
    if (!shared.sink.active()) {
      stats.unchecked.push_back(std::move(*crt));
      continue;
    }
    auto serial = serialOf(*crt);
    if (!serial) {
      ++stats.failures[kUnreadable];
      continue;
    }
    shared.sink.write(*serial, *crt);
    ++stats.ok;
  }
}

// The deferred check: every certificate still has to parse to count.
void checkDeferred(WorkerStats& stats) {
  for (const std::string& crt : stats.unchecked) {
    if (serialOf(crt))
      ++stats.ok;
    else
      ++stats.failures[kUnreadable];
  }
  stats.unchecked.clear();
}

// This process's CPU (user + system) in ms: on a 2-core machine the client
// competes with the server, so its cost per certificate is reported too.
double ownCpuMs() {
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(ru.ru_utime) + ms(ru.ru_stime);
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"sshca-loadgen: POST /ssh/sign with pre-generated tokens and report the rate"};
  app.add_option("--url", o.url, "https://HOST:PORT of sshca serve")->required();
  app.add_option("--cacert", o.caCert, "root certificate (PEM) to verify the server")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--tokens", o.tokensFile, "one one-time token per line")->required()->check(CLI::ExistingFile);
  app.add_option("--pubkey", o.pubkeyFile, "OpenSSH public key (.pub) to certify")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--concurrency", o.concurrency, "worker threads, one connection each")->check(CLI::Range(1, 1024));
  app.add_option("--principal", o.principal, "principal and key ID to request");
  app.add_option("--out-certs", o.outCerts, "append \"serial base64crt\" for every 201 (flushed per line)");
  app.add_flag("--require-all-ok", o.requireAllOk, "exit 1 unless every request got a certificate");
  CLI11_PARSE(app, argc, argv);
  // SSL_write to a server that died (the crash test kills it with -9) would
  // raise SIGPIPE and kill this client before it reports; the failed write
  // must be a failed request instead.
  std::signal(SIGPIPE, SIG_IGN);

  Target target;
  if (!parseUrl(o.url, target)) {
    std::fprintf(stderr, "sshca-loadgen: --url must be https://HOST[:PORT]\n");
    return 2;
  }
  std::vector<std::string> tokens;
  if (!readLines(o.tokensFile, tokens) || tokens.empty()) {
    std::fprintf(stderr, "sshca-loadgen: no tokens in %s\n", o.tokensFile.c_str());
    return 2;
  }
  std::string pubkey;
  if (!readPublicKeyBase64(o.pubkeyFile, pubkey)) {
    std::fprintf(stderr, "sshca-loadgen: %s is not an OpenSSH public key line\n", o.pubkeyFile.c_str());
    return 2;
  }
  CertSink sink(o.outCerts);
  if (sink.failedToOpen(o.outCerts)) {
    std::fprintf(stderr, "sshca-loadgen: cannot open %s\n", o.outCerts.c_str());
    return 2;
  }

  Shared shared{o, target, tokens, pubkey, sink};
  std::vector<WorkerStats> stats(static_cast<size_t>(o.concurrency));
  double cpuBefore = ownCpuMs();
  auto start = Clock::now();
  {
    std::vector<std::jthread> threads;
    for (auto& s : stats) threads.emplace_back([&shared, &s] { worker(shared, s); });
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  double clientCpuMs = ownCpuMs() - cpuBefore;
  for (auto& s : stats) checkDeferred(s);

  std::vector<double> latency;
  std::map<std::string, size_t> failures;
  size_t ok = 0, connections = 0;
  for (auto& s : stats) {
    latency.insert(latency.end(), s.latencyMs.begin(), s.latencyMs.end());
    for (auto& [what, n] : s.failures) failures[what] += n;
    ok += s.ok;
    connections += s.connections;
  }
  std::sort(latency.begin(), latency.end());
  size_t failed = 0;
  for (auto& [what, n] : failures) failed += n;
  double rate = secs > 0 ? static_cast<double>(ok) / secs : 0;
  double p50 = percentile(latency, 0.50), p99 = percentile(latency, 0.99);
  double max = latency.empty() ? 0 : latency.back();
  double clientCpuPerCert = ok > 0 ? clientCpuMs / static_cast<double>(ok) : 0;

  std::printf("concurrency   %d\n", o.concurrency);
  std::printf("requests      %zu\n", ok + failed);
  std::printf("ok            %zu\n", ok);
  std::printf("failed        %zu\n", failed);
  for (auto& [what, n] : failures) std::printf("  %-40s %zu\n", what.c_str(), n);
  std::printf("connections   %zu\n", connections);
  std::printf("seconds       %.3f\n", secs);
  std::printf("certificates/s %.1f\n", rate);
  std::printf("latency ms    p50 %.2f  p99 %.2f  max %.2f\n", p50, p99, max);
  std::printf("client CPU    %.3f ms/cert\n", clientCpuPerCert);
  // One line for scripts (bench.sh) to read without parsing the above.
  std::printf(
      "RESULT concurrency=%d requests=%zu ok=%zu failed=%zu connections=%zu seconds=%.3f rate=%.1f p50=%.2f p99=%.2f "
      "max=%.2f client_cpu_ms=%.3f\n",
      o.concurrency, ok + failed, ok, failed, connections, secs, rate, p50, p99, max, clientCpuPerCert);
  std::fflush(stdout);
  if (o.requireAllOk && failed > 0) return 1;
  return 0;
}
