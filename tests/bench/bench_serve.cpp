// sshca-loadgen: the load driver for `sshca serve` (scripts/bench.sh serve,
// tests/e2e/serve_crash_safety.sh, postgres_two_instances.sh). One thread and
// one epoll set drive every connection, so that the driver's own CPU stays
// small at any concurrency (a thread per connection cost more CPU than the
// server at 512 connections, on the same cores). Each connection is
// non-blocking TCP (TCP_NODELAY) under OpenSSL with the CA verified,
// handshakes once (all but the first offer the first one's TLS session) and
// then POSTs /ssh/sign with HTTP/1.1 keep-alive, one request at a time, each
// with the next pre-generated one-time token: tokens are minted beforehand so
// that the figures measure the CA, not `sshca token`.
//
// The connections are opened and handshaken before the clock starts; the
// rate, the latencies and the driver's CPU (getrusage) cover the requests.
//
// With --out-certs every 201 is appended as "serial base64crt" and flushed at
// once: the crash test kills the server, and whatever this client saw must
// already be on disk, whatever happens next.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ca/core/common/bytes.h"
#include "ca/core/common/ossl.h"
#include "ca/core/common/unique_fd.h"
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
  int timeoutSeconds = 30;
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

// The whole HTTP/1.1 request, made before the clock starts. Empty when the
// token cannot be put into JSON.
std::string signRequest(const Target& target, const std::string& pubkey, const std::string& token,
                        const std::string& principal) {
  std::string body;
  if (!signBody(pubkey, token, principal, body)) return {};
  std::string host = target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
  return "POST /ssh/sign HTTP/1.1\r\nHost: " + host + ":" + std::to_string(target.port) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
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

// Appends "serial base64" lines, one write + fflush each.
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
    std::fprintf(file_, "%" PRIu64 " %s\n", serial, b64.c_str());
    std::fflush(file_);
  }

 private:
  std::FILE* file_ = nullptr;
};

// A complete HTTP/1.1 response in `in`, or nothing yet. Only what the API
// sends: a status line, headers, a Content-Length body.
struct Response {
  int status = 0;
  bool close = false;
  std::string body;
};

bool headerIs(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  }
  return true;
}

std::string_view headerValue(std::string_view line) {
  auto v = line.substr(line.find(':') + 1);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  return v;
}

// 1: complete (out filled), 0: need more bytes, -1: not HTTP.
int parseResponse(const std::string& in, Response& out) {
  size_t headEnd = in.find("\r\n\r\n");
  if (headEnd == std::string::npos) return in.size() > 64 * 1024 ? -1 : 0;
  std::string_view head(in.data(), headEnd);
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) return -1;
  out.status = std::atoi(std::string(head.substr(9, 3)).c_str());
  size_t length = 0;
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string_view line =
        head.substr(pos + 2, next == std::string_view::npos ? std::string_view::npos : next - pos - 2);
    if (headerIs(line, "content-length")) length = std::strtoull(std::string(headerValue(line)).c_str(), nullptr, 10);
    if (headerIs(line, "connection")) {
      std::string v(headerValue(line));
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      out.close = v == "close";
    }
    pos = next;
  }
  if (in.size() < headEnd + 4 + length) return 0;
  out.body = in.substr(headEnd + 4, length);
  return 1;
}

// This process's CPU (user + system) in microseconds: on a 2-core machine
// the driver competes with the server, so its cost per request is reported.
double ownCpuUs() {
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  auto us = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec); };
  return us(ru.ru_utime) + us(ru.ru_stime);
}

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t idx = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

enum class State { Connecting, Handshaking, Ready, Sending, Receiving, Closed };

struct Connection {
  UniqueFd fd;
  ossl::Ssl ssl;
  State state = State::Closed;
  uint32_t interest = 0;          // the epoll events asked for
  std::optional<size_t> request;  // index of the token in flight
  std::string in;                 // the response so far
  Clock::time_point started;      // of the request in flight
};

// Every connection, one epoll set, one thread.
class Driver {
 public:
  Driver(const Options& o, const Target& t, std::vector<std::string> requests, CertSink& sink)
      : options_(o), target_(t), requests_(std::move(requests)), sink_(sink) {}

  // Resolves the target, sets up TLS; false with a message on stderr.
  bool init();
  // Opens and handshakes every connection (untimed); false when the server
  // cannot be reached.
  bool connectAll();
  // Sends every request; returns when each is answered or failed.
  void run();
  void report() const;
  bool allOk() const { return failed() == 0; }

 private:
  static int onNewSession(SSL* ssl, SSL_SESSION* session);
  void open(Connection& c);
  void close(Connection& c);
  void watch(Connection& c, uint32_t events);
  void step(Connection& c);
  void handshake(Connection& c);
  void startRequest(Connection& c);
  void send(Connection& c);
  void receive(Connection& c);
  void readIdle(Connection& c);
  void fail(Connection& c, const std::string& why);
  void finish(Connection& c, Response r);
  void expireOld();
  bool loopOnce(int timeoutMs);
  size_t failed() const {
    size_t n = 0;
    for (const auto& [what, count] : failures_) n += count;
    return n;
  }
  std::string sslError(int ret, Connection& c) const;

  const Options& options_;
  const Target& target_;
  std::vector<std::string> requests_;
  CertSink& sink_;
  sockaddr_storage addr_{};
  socklen_t addrLen_ = 0;
  ossl::SslCtx ctx_;
  ossl::SslSession session_;  // the latest ticket: every new connection offers it
  UniqueFd epoll_;
  std::vector<std::unique_ptr<Connection>> connections_;
  size_t open_ = 0;                  // connections not Closed
  std::vector<Connection*> reopen_;  // closed by a failure, to be opened again
  std::string setupError_;           // why connecting failed before the clock
  size_t next_ = 0;                  // the next request to send
  bool running_ = false;

  // Results.
  std::vector<double> latencyMs_;
  std::map<std::string, size_t> failures_;
  // 201 bodies, parsed after the clock stops: parsing the JSON and the
  // certificate (OpenSSL's point checks of the CA key) would cost the driver
  // more CPU than the request itself.
  std::vector<std::string> unchecked_;
  size_t ok_ = 0;
  size_t connectionsOpened_ = 0;
  size_t resumed_ = 0;
  double connectSeconds_ = 0;
  double seconds_ = 0;
  double cpuUs_ = 0;
};

int Driver::onNewSession(SSL* ssl, SSL_SESSION* session) {
  auto* self = static_cast<Driver*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  self->session_.reset(session);
  return 1;  // we keep the reference
}

bool Driver::init() {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(target_.host.c_str(), std::to_string(target_.port).c_str(), &hints, &found) != 0 || !found) {
    std::fprintf(stderr, "sshca-loadgen: cannot resolve %s\n", target_.host.c_str());
    return false;
  }
  std::memcpy(&addr_, found->ai_addr, found->ai_addrlen);
  addrLen_ = found->ai_addrlen;
  freeaddrinfo(found);

  ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (!ctx_ || SSL_CTX_load_verify_locations(ctx_.get(), options_.caCert.c_str(), nullptr) != 1) {
    std::fprintf(stderr, "sshca-loadgen: cannot load %s\n", options_.caCert.c_str());
    return false;
  }
  SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
  // Keep no session cache of our own: the callback keeps the newest one.
  SSL_CTX_set_session_cache_mode(ctx_.get(), SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_sess_set_new_cb(ctx_.get(), onNewSession);
  SSL_CTX_set_app_data(ctx_.get(), this);
  epoll_ = UniqueFd(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_.valid()) {
    std::perror("sshca-loadgen: epoll_create1");
    return false;
  }
  connections_.resize(static_cast<size_t>(options_.concurrency));
  for (auto& c : connections_) c = std::make_unique<Connection>();
  return true;
}

void Driver::watch(Connection& c, uint32_t events) {
  if (c.interest == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = &c;
  int op = c.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(epoll_.get(), op, c.fd.get(), &ev) == 0) c.interest = events;
}

void Driver::open(Connection& c) {
  c.in.clear();
  c.interest = 0;
  c.fd = UniqueFd(::socket(addr_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!c.fd.valid()) return fail(c, std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(c.fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ++connectionsOpened_;
  ++open_;
  c.state = State::Connecting;
  c.ssl.reset(SSL_new(ctx_.get()));
  SSL_set_fd(c.ssl.get(), c.fd.get());
  SSL_set_connect_state(c.ssl.get());
  // The server's certificate must name the host we asked for.
  X509_VERIFY_PARAM* param = SSL_get0_param(c.ssl.get());
  if (X509_VERIFY_PARAM_set1_ip_asc(param, target_.host.c_str()) != 1) {
    SSL_set_tlsext_host_name(c.ssl.get(), target_.host.c_str());
    X509_VERIFY_PARAM_set1_host(param, target_.host.c_str(), 0);
  }
  // A copy per connection: when a resumed connection gets its new ticket,
  // OpenSSL's client cache marks the session it resumed from as used up
  // (TLS 1.3 tickets are single-use), and a shared session would then be
  // offered by none of the connections that had not yet sent their hello.
  if (session_) {
    ossl::SslSession own(SSL_SESSION_dup(session_.get()));
    if (own) SSL_set_session(c.ssl.get(), own.get());
  }
  if (::connect(c.fd.get(), reinterpret_cast<const sockaddr*>(&addr_), addrLen_) != 0 && errno != EINPROGRESS) {
    return fail(c, std::string("connect: ") + std::strerror(errno));
  }
  watch(c, EPOLLOUT);
}

void Driver::close(Connection& c) {
  if (c.state == State::Closed) return;
  c.state = State::Closed;
  c.ssl.reset();
  c.fd.reset();  // leaves the epoll set with it
  c.interest = 0;
  --open_;
}

std::string Driver::sslError(int ret, Connection& c) const {
  int err = SSL_get_error(c.ssl.get(), ret);
  if (err == SSL_ERROR_ZERO_RETURN || (err == SSL_ERROR_SYSCALL && ret == 0)) return "connection closed";
  if (err == SSL_ERROR_SYSCALL) return std::string("connection: ") + std::strerror(errno);
  std::string detail = ossl::drainErrors();
  return "TLS: " + (detail.empty() ? std::to_string(err) : detail);
}

// A request that could not get an answer counts as failed; a connection
// that dies with none in flight takes the next token with it, so that a dead
// server ends the run instead of being reconnected forever.
void Driver::fail(Connection& c, const std::string& why) {
  ERR_clear_error();
  close(c);
  if (!running_) {
    setupError_ = why;
    return;
  }
  if (!c.request && next_ < requests_.size()) {
    c.request = next_++;
    c.started = Clock::now();
  }
  if (c.request) {
    latencyMs_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - c.started).count());
    ++failures_["no response: " + why];
    c.request.reset();
  }
  // Reopened from the loop, not from here: a refused connect fails at once,
  // and reopening in place would recurse once per token.
  if (next_ < requests_.size()) reopen_.push_back(&c);
}

void Driver::step(Connection& c) {
  switch (c.state) {
    case State::Connecting: {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) return fail(c, std::string("connect: ") + std::strerror(err));
      c.state = State::Handshaking;
      return handshake(c);
    }
    case State::Handshaking:
      return handshake(c);
    case State::Ready:
      return readIdle(c);
    case State::Sending:
      return send(c);
    case State::Receiving:
      return receive(c);
    case State::Closed:
      return;
  }
}

void Driver::handshake(Connection& c) {
  int r = SSL_do_handshake(c.ssl.get());
  if (r == 1) {
    if (SSL_session_reused(c.ssl.get())) ++resumed_;
    c.state = State::Ready;
    if (running_) return startRequest(c);
    return watch(c, EPOLLIN);  // reads the session tickets TLS 1.3 sends after the handshake
  }
  int err = SSL_get_error(c.ssl.get(), r);
  if (err == SSL_ERROR_WANT_READ) return watch(c, EPOLLIN);
  if (err == SSL_ERROR_WANT_WRITE) return watch(c, EPOLLOUT);
  fail(c, sslError(r, c));
}

// A connection between requests: anything but a ticket means the server
// closed it.
void Driver::readIdle(Connection& c) {
  char scratch[512];
  int r = SSL_read(c.ssl.get(), scratch, sizeof scratch);
  if (r > 0) return fail(c, "bytes from the server between requests");
  int err = SSL_get_error(c.ssl.get(), r);
  if (err == SSL_ERROR_WANT_READ) return;
  fail(c, sslError(r, c));
}

void Driver::startRequest(Connection& c) {
  if (next_ >= requests_.size()) return close(c);
  c.request = next_++;
  if (requests_[*c.request].empty()) {
    ++failures_["token is not valid UTF-8"];
    c.request.reset();
    return startRequest(c);
  }
  c.started = Clock::now();
  c.in.clear();
  c.state = State::Sending;
  send(c);
}

void Driver::send(Connection& c) {
  const std::string& req = requests_[*c.request];
  // Without partial writes SSL_write sends all or asks to be called again
  // with the same buffer.
  int r = SSL_write(c.ssl.get(), req.data(), static_cast<int>(req.size()));
  if (r > 0) {
    c.state = State::Receiving;
    return watch(c, EPOLLIN);
  }
  int err = SSL_get_error(c.ssl.get(), r);
  if (err == SSL_ERROR_WANT_WRITE) return watch(c, EPOLLOUT);
  if (err == SSL_ERROR_WANT_READ) return watch(c, EPOLLIN);
  fail(c, sslError(r, c));
}

void Driver::receive(Connection& c) {
  char chunk[16 * 1024];
  for (;;) {
    int r = SSL_read(c.ssl.get(), chunk, sizeof chunk);
    if (r > 0) {
      c.in.append(chunk, static_cast<size_t>(r));
      Response resp;
      int parsed = parseResponse(c.in, resp);
      if (parsed < 0) return fail(c, "not an HTTP response");
      if (parsed > 0) return finish(c, std::move(resp));
      continue;
    }
    int err = SSL_get_error(c.ssl.get(), r);
    if (err == SSL_ERROR_WANT_READ) return watch(c, EPOLLIN);
    if (err == SSL_ERROR_WANT_WRITE) return watch(c, EPOLLOUT);
    return fail(c, sslError(r, c));
  }
}

void Driver::finish(Connection& c, Response r) {
  latencyMs_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - c.started).count());
  c.request.reset();
  c.in.clear();
  if (r.status != 201) {
    ++failures_["status " + std::to_string(r.status)];
  } else if (!sink_.active()) {
    unchecked_.push_back(std::move(r.body));
  } else if (auto crt = crtOf(r.body); !crt) {
    ++failures_[kUnreadable];
  } else if (auto serial = serialOf(*crt); !serial) {
    ++failures_[kUnreadable];
  } else {
    sink_.write(*serial, *crt);
    ++ok_;
  }
  c.state = State::Ready;
  if (r.close) {
    close(c);
    if (next_ < requests_.size()) reopen_.push_back(&c);
    return;
  }
  startRequest(c);
}

// Requests past --timeout fail, and so does a handshake that hangs.
void Driver::expireOld() {
  auto limit = Clock::now() - std::chrono::seconds(options_.timeoutSeconds);
  for (auto& c : connections_) {
    if (c->request && c->started < limit) fail(*c, "no answer within the timeout");
  }
}

bool Driver::loopOnce(int timeoutMs) {
  epoll_event events[256];
  int n = epoll_wait(epoll_.get(), events, 256, timeoutMs);
  if (n < 0) return errno == EINTR;
  for (int i = 0; i < n; ++i) step(*static_cast<Connection*>(events[i].data.ptr));
  return true;
}

bool Driver::connectAll() {
  auto start = Clock::now();
  auto deadline = start + std::chrono::seconds(options_.timeoutSeconds);
  auto established = [&](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i) {
      if (connections_[i]->state != State::Ready) return false;
    }
    return true;
  };
  auto waitFor = [&](auto done) {
    while (!done()) {
      if (Clock::now() > deadline || !setupError_.empty() || !loopOnce(100)) return false;
    }
    return true;
  };
  // The first connection alone: a full handshake, then its session ticket
  // (TLS 1.3 sends it after the handshake; up to a second for it).
  open(*connections_[0]);
  if (!waitFor([&] { return established(0, 1); })) {
    std::fprintf(stderr, "sshca-loadgen: cannot connect to %s:%d: %s\n", target_.host.c_str(), target_.port,
                 setupError_.empty() ? "timeout" : setupError_.c_str());
    return false;
  }
  auto ticketBy = Clock::now() + std::chrono::seconds(1);
  while (!session_ && Clock::now() < ticketBy && connections_[0]->state == State::Ready) loopOnce(50);
  for (size_t i = 1; i < connections_.size(); ++i) open(*connections_[i]);
  if (!waitFor([&] { return established(0, connections_.size()); })) {
    std::fprintf(stderr, "sshca-loadgen: not every one of %zu connections was established: %s\n", connections_.size(),
                 setupError_.empty() ? "timeout" : setupError_.c_str());
    return false;
  }
  connectSeconds_ = std::chrono::duration<double>(Clock::now() - start).count();
  return true;
}

void Driver::run() {
  double cpuBefore = ownCpuUs();
  auto start = Clock::now();
  running_ = true;
  for (auto& c : connections_) {
    if (c->state == State::Ready)
      startRequest(*c);
    else if (c->state == State::Closed && next_ < requests_.size())
      open(*c);
  }
  auto lastExpiry = Clock::now();
  while (open_ > 0 || !reopen_.empty()) {
    loopOnce(reopen_.empty() ? 1000 : 0);
    std::vector<Connection*> again;
    again.swap(reopen_);
    for (Connection* c : again) {
      if (next_ < requests_.size()) open(*c);
    }
    if (Clock::now() - lastExpiry > std::chrono::seconds(1)) {
      expireOld();
      lastExpiry = Clock::now();
    }
  }
  running_ = false;
  seconds_ = std::chrono::duration<double>(Clock::now() - start).count();
  cpuUs_ = ownCpuUs() - cpuBefore;
  // The deferred check: every 201 still has to carry a certificate that
  // parses to count.
  for (const std::string& body : unchecked_) {
    auto crt = crtOf(body);
    if (crt && serialOf(*crt))
      ++ok_;
    else
      ++failures_[kUnreadable];
  }
}

void Driver::report() const {
  std::vector<double> latency = latencyMs_;
  std::sort(latency.begin(), latency.end());
  size_t bad = failed();
  size_t requests = ok_ + bad;
  double rate = seconds_ > 0 ? static_cast<double>(ok_) / seconds_ : 0;
  double p50 = percentile(latency, 0.50), p99 = percentile(latency, 0.99);
  double max = latency.empty() ? 0 : latency.back();
  double cpuPerRequest = requests > 0 ? cpuUs_ / static_cast<double>(requests) : 0;

  std::printf("concurrency   %d\n", options_.concurrency);
  std::printf("requests      %zu\n", requests);
  std::printf("ok            %zu\n", ok_);
  std::printf("failed        %zu\n", bad);
  for (const auto& [what, n] : failures_) std::printf("  %-40s %zu\n", what.c_str(), n);
  std::printf("connections   %zu (%zu resumed a TLS session), set up in %.3f s before the clock\n", connectionsOpened_,
              resumed_, connectSeconds_);
  std::printf("seconds       %.3f\n", seconds_);
  std::printf("certificates/s %.1f\n", rate);
  std::printf("latency ms    p50 %.2f  p99 %.2f  max %.2f\n", p50, p99, max);
  std::printf("driver CPU    %.1f us/request\n", cpuPerRequest);
  // One line for scripts (bench.sh) to read without parsing the above.
  std::printf(
      "RESULT concurrency=%d requests=%zu ok=%zu failed=%zu connections=%zu resumed=%zu seconds=%.3f rate=%.1f "
      "p50=%.2f p99=%.2f max=%.2f client_cpu_us=%.1f\n",
      options_.concurrency, requests, ok_, bad, connectionsOpened_, resumed_, seconds_, rate, p50, p99, max,
      cpuPerRequest);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "sshca-loadgen: POST /ssh/sign with pre-generated tokens over kept-alive TLS connections, one epoll "
      "thread, and report the rate"};
  app.add_option("--url", o.url, "https://HOST:PORT of sshca serve")->required();
  app.add_option("--cacert", o.caCert, "root certificate (PEM) to verify the server")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--tokens", o.tokensFile, "one one-time token per line")->required()->check(CLI::ExistingFile);
  app.add_option("--pubkey", o.pubkeyFile, "OpenSSH public key (.pub) to certify")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--concurrency", o.concurrency, "connections, one request in flight on each")
      ->check(CLI::Range(1, 65536));
  app.add_option("--principal", o.principal, "principal and key ID to request");
  app.add_option("--timeout", o.timeoutSeconds, "seconds a request (or the connecting) may take")
      ->check(CLI::Range(1, 3600));
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
  // Never more connections than requests: an extra one would only idle.
  o.concurrency = static_cast<int>(std::min(static_cast<size_t>(o.concurrency), tokens.size()));
  // Each connection is a file descriptor.
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  std::vector<std::string> requests;
  requests.reserve(tokens.size());
  for (const auto& t : tokens) requests.push_back(signRequest(target, pubkey, t, o.principal));

  Driver driver(o, target, std::move(requests), sink);
  if (!driver.init() || !driver.connectAll()) return 2;
  driver.run();
  driver.report();
  if (o.requireAllOk && !driver.allOk()) return 1;
  return 0;
}
