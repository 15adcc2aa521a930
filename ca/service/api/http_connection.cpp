#include "ca/service/api/http_connection.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "ca/core/common/result.h"
#include "ca/service/api/request_log.h"
#include "ca/service/api/tls_stream.h"

namespace sshca::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr size_t kReadChunk = 4096;
constexpr seconds kShutdownWait{2};

// JSON for the refusals made before any handler runs (docs/errors.md).
ApiResponse transportError(int status, std::string_view detail = {}) {
  auto err = [&](ErrorCode code, std::string message) { return errorResponse(status, makeError(code, message)); };
  switch (status) {
    case 404:
      return err(ErrorCode::NotFound, "no route for this method and path");
    case 411:
      return err(ErrorCode::InvalidArgument, "a request body needs a Content-Length (no chunked transfer coding)");
    case 413:
      return err(ErrorCode::InvalidArgument, "request body exceeds " + std::string(detail) + " bytes");
    case 415:
      return err(ErrorCode::InvalidArgument, "a request body must not be compressed (Content-Encoding)");
    case 431:
      return err(ErrorCode::InvalidArgument, "request header fields too large or too many");
    case 503: {
      ApiResponse r = err(ErrorCode::Unavailable, "the CA is busy; retry later");
      return r;
    }
    default:
      return err(ErrorCode::InvalidArgument, detail.empty() ? "malformed HTTP request" : std::string(detail));
  }
}

// Refusals that come from the framing of a body we have not read: the
// API's bodies are small JSON with one Content-Length and no content
// coding, as every client sends them. 0 = go on.
int framingRefusal(const http::request<http::string_body>& req, size_t maxBody, std::string& detail) {
  size_t lengths = 0;
  for (const auto& f : req) {
    if (f.name() == http::field::content_length) ++lengths;
  }
  if (lengths > 1) {
    detail = "more than one Content-Length";
    return 400;
  }
  if (req.find(http::field::content_encoding) != req.end()) return 415;
  if (req.find(http::field::transfer_encoding) != req.end()) return 411;
  if (req.method() == http::verb::post && req.find(http::field::content_length) == req.end()) return 411;
  if (auto it = req.find(http::field::content_length); it != req.end()) {
    // The parser has checked the value is a number.
    if (std::stoull(std::string(it->value())) > maxBody) {
      detail = std::to_string(maxBody);
      return 413;
    }
  }
  return 0;
}

bool expectsContinue(const http::request<http::string_body>& req) {
  auto it = req.find(http::field::expect);
  return it != req.end() && beast::iequals(it->value(), "100-continue");
}

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, ServerContext& context, ConnectionLimits::Slot slot, std::string remote)
      : stream_(std::move(socket)),
        timer_(stream_.get_executor()),
        ctx_(context),
        slot_(std::move(slot)),
        remote_(std::move(remote)),
        buffer_(context.limits.maxHeaderBytes + context.maxBodyBytes + kReadChunk) {}

  ~Connection() { endRequest(); }

  // The handshake deadline runs from the accept; no TLS state is made
  // until the client has sent something, so that a connect that sends
  // nothing costs only this object.
  void start() {
    arm(milliseconds(ctx_.limits.tlsHandshakeMs));
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->handshake();
    });
  }

 private:
  void handshake() {
    if (!stream_.create(*ctx_.tls.native_handle())) return;
    stream_.async_handshake([self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec) self->waitForRequest();
    });
  }

  // The deadline of what the connection waits for now: when it passes, the
  // socket is closed and the pending operation ends with an error. Between
  // the request read and the answer the timer holds the queue deadline
  // instead (shedAtDeadline): 503 if no pool thread has taken the request
  // by then; nothing is closed, and a request that runs has no deadline.
  void arm(Clock::duration limit) {
    timer_.expires_after(limit);
    timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;  // re-armed or cancelled
      if (auto self = weak.lock()) self->expired();
    });
  }

  void expired() {
    // Re-armed after this wait had already completed: not expired.
    if (timer_.expiry() > Clock::now()) return;
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  // Idle until a request's first byte (bytes already read start it at
  // once). While idle the connection holds no buffer: the read buffer, the
  // parser and the last response are given back, and the wait is on the
  // socket, so OpenSSL holds no record buffer either.
  void waitForRequest() {
    if (ctx_.draining) return shutdown();
    if (buffer_.size() > 0 || stream_.hasPending()) return readHead();
    releaseIdleMemory();
    arm(seconds(ctx_.limits.idleSeconds));
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;  // closed, reset or idle too long: nothing to answer
      self->readHead();
    });
  }

  void releaseIdleMemory() {
    buffer_.shrink_to_fit();
    parser_.reset();
    response_ = {};
    body_ = std::string();
  }

  void readHead() {
    beginRequest();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(ctx_.limits.maxHeaderBytes));
    parser_->body_limit(ctx_.maxBodyBytes);
    arm(milliseconds(ctx_.limits.requestHeadMs));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->onHead(ec); });
  }

  void onHead(beast::error_code ec) {
    if (ec) return onReadError(ec);
    const auto& req = parser_->get();
    method_ = std::string(req.method_string());
    std::string_view target(req.target().data(), req.target().size());
    path_ = std::string(target.substr(0, target.find('?')));
    keepAlive_ = req.keep_alive();
    if (static_cast<size_t>(std::distance(req.begin(), req.end())) > ctx_.limits.maxHeaderCount) {
      return refuse(transportError(431));
    }
    std::string detail;
    if (int status = framingRefusal(req, ctx_.maxBodyBytes, detail); status != 0) {
      return refuse(transportError(status, detail));
    }
    if (parser_->is_done()) return dispatch();
    if (expectsContinue(req)) return sendContinue();
    readBody();
  }

  // curl sends "Expect: 100-continue" before a body over 1 KiB and waits a
  // second for this line; the API's sign bodies are often that large.
  void sendContinue() {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(milliseconds(ctx_.limits.writeMs));
    asio::async_write(stream_, asio::buffer(kContinue), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return;
      self->readBody();
    });
  }

  void readBody() {
    arm(milliseconds(ctx_.limits.requestBodyMs));
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->onReadError(ec);
      self->dispatch();
    });
  }

  // Parse errors are answered (the connection is then closed); a timeout,
  // a reset or a hang-up mid-request is not: nobody reads the answer.
  void onReadError(beast::error_code ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) return refuse(transportError(431));
    if (ec == http::error::body_limit) return refuse(transportError(413, std::to_string(ctx_.maxBodyBytes)));
    if (ec == http::error::bad_content_length) return refuse(transportError(400, "conflicting Content-Length"));
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return refuse(transportError(400));
    }
    // Timeout, reset, EOF: close without an answer.
  }

  void dispatch() {
    std::vector<std::string> params;
    const RouteHandler* handler = ctx_.routes.match(method_, path_, params);
    if (handler == nullptr) return respond(transportError(404));
    body_ = parser_->release().body();
    // Whoever takes the request first answers it: a pool thread (the
    // request runs) or the queue deadline (503, never started).
    auto taken = std::make_shared<std::atomic<bool>>(false);
    bool queued =
        ctx_.pool.submit([self = shared_from_this(), handler, params = std::move(params), taken](bool started) {
          if (taken->exchange(true)) return;  // already answered 503 at its deadline
          self->ctx_.replies.add();
          // The reply gives its hold on the connection to the posted answer
          // before it counts itself done: once the last reply is done the
          // server may tear down the I/O context, and the thread that called
          // the reply (the database's) must not be left holding the connection
          // or its executor.
          Reply reply = [self](ApiResponse r) mutable {
            OutstandingReplies& replies = self->ctx_.replies;
            {
              auto executor = self->stream_.get_executor();
              asio::post(executor, [c = std::move(self), r = std::move(r)]() mutable { c->respond(std::move(r)); });
            }
            replies.done();
          };
          if (!started) return reply(self->shed());
          (*handler)(RouteRequest{self->body_, self->remote_, params}, std::move(reply));
        });
    if (!queued) return respond(shed());
    shedAtDeadline(std::move(taken));
  }

  // A request still queued when its wait deadline passes is answered 503
  // then, not when a pool thread finally reaches it (behind a slow HSM that
  // could be many deadlines later). The pool thread that dequeues it later
  // finds it taken and drops it.
  void shedAtDeadline(std::shared_ptr<std::atomic<bool>> taken) {
    timer_.expires_after(milliseconds(ctx_.limits.queueWaitMs));
    timer_.async_wait([weak = weak_from_this(), taken = std::move(taken)](beast::error_code ec) {
      if (ec) return;  // answered (respond re-armed the timer) or closed
      auto self = weak.lock();
      if (!self || self->timer_.expiry() > Clock::now() || taken->exchange(true)) return;
      self->respond(self->shed());
    });
  }

  // The authority's queue is full, or this request waited past its
  // deadline: never started, so no token spent and nothing recorded.
  ApiResponse shed() const {
    ApiResponse r = transportError(503);
    r.retryAfterSeconds = ctx_.limits.retryAfterSeconds;
    return r;
  }

  // An answer after which the connection closes: the request's unread
  // body must not be read as the next request.
  void refuse(ApiResponse r) {
    closeAfter_ = true;
    respond(std::move(r));
  }

  void respond(ApiResponse r) {
    status_ = r.status;
    logFields_ = std::move(r.log);
    bool keep = keepAlive_ && !closeAfter_ && !ctx_.draining;
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(r.status));
    response_.set(http::field::content_type, r.contentType);
    if (r.retryAfterSeconds > 0) response_.set(http::field::retry_after, std::to_string(r.retryAfterSeconds));
    for (const auto& [name, value] : r.headers) response_.insert(name, value);
    response_.body() = std::move(r.body);
    response_.keep_alive(keep);
    response_.prepare_payload();
    arm(milliseconds(ctx_.limits.writeMs));
    http::async_write(stream_, response_, [self = shared_from_this(), keep](beast::error_code ec, size_t) {
      self->log();
      self->endRequest();
      if (ec) return;
      if (!keep) return self->shutdown();
      self->waitForRequest();
    });
  }

  void log() {
    RequestLogEntry e{method_, path_,
                      status_, std::chrono::duration<double, std::milli>(Clock::now() - start_).count(),
                      remote_, std::move(logFields_)};
    ctx_.logSink(formatRequestLog(e));
    if (ctx_.observer) ctx_.observer(e);
  }

  // A lingering close: our side of TCP is shut, then whatever the client
  // still sends (a refused request's unread body) is read and dropped until
  // it closes too, for at most kShutdownWait. Closing with unread bytes
  // would send a reset, and a reset can destroy the answer before the
  // client reads it. No TLS close_notify: every answer has a
  // Content-Length, and OpenSSL refuses application data after one.
  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    arm(kShutdownWait);
    buffer_.clear();
    drain();
  }

  void drain() {
    stream_.socket().async_read_some(buffer_.prepare(kReadChunk),
                                     [self = shared_from_this()](beast::error_code ec, size_t) {
                                       if (!ec) self->drain();
                                     });
  }

  void beginRequest() {
    if (!inFlight_) ++ctx_.inFlight;
    inFlight_ = true;
    start_ = Clock::now();
    method_.clear();
    path_.clear();
    status_ = 0;
    closeAfter_ = false;
    keepAlive_ = false;
    logFields_ = {};
  }

  void endRequest() {
    if (inFlight_) --ctx_.inFlight;
    inFlight_ = false;
  }

  TlsStream stream_;
  asio::steady_timer timer_;
  ServerContext& ctx_;
  ConnectionLimits::Slot slot_;
  const std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  std::string body_;
  // The request in hand, for its answer and log line.
  Clock::time_point start_;
  std::string method_;
  std::string path_;
  int status_ = 0;
  bool keepAlive_ = false;
  bool closeAfter_ = false;
  bool inFlight_ = false;
  RequestLogFields logFields_;
};

}  // namespace

void serveConnection(asio::ip::tcp::socket socket, ServerContext& context, ConnectionLimits::Slot slot,
                     std::string remoteAddress) {
  std::make_shared<Connection>(std::move(socket), context, std::move(slot), std::move(remoteAddress))->start();
}

}  // namespace sshca::api
