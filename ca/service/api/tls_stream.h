// The server side of one TLS connection, as the asynchronous stream that
// Beast's HTTP reads and writes want: OpenSSL works directly on the
// socket's file descriptor, and when it needs the socket to become readable
// or writable the operation waits for that on the socket (async_wait)
// without holding a buffer of its own.
//
// Why not asio::ssl::stream: its engine keeps two 17 KiB buffers and a BIO
// pair (two more 17 KiB buffers) for the whole life of every connection,
// about 70 KiB that an idle kept-alive connection never uses; with
// SSL_MODE_RELEASE_BUFFERS (tls_context.cpp) OpenSSL itself gives its
// record buffers back between records, so an idle connection here costs
// little beyond OpenSSL's SSL object. The SSL object is made only when the
// client has sent its first bytes (create()), so that a bare TCP connect
// costs none of it.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "ca/core/common/ossl.h"

namespace sshca::api {

class TlsStream {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;

  explicit TlsStream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  executor_type get_executor() { return socket_.get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return socket_; }
  // Bytes OpenSSL has read from the socket and not yet handed out.
  bool hasPending() const { return ssl_ && SSL_has_pending(ssl_.get()) == 1; }

  // The SSL object, server side, on this socket; false when OpenSSL cannot
  // make one (out of memory).
  bool create(SSL_CTX& ctx) {
    ssl_.reset(SSL_new(&ctx));
    if (!ssl_ || SSL_set_fd(ssl_.get(), socket_.native_handle()) != 1) return false;
    // A write that waited for the socket is retried with the same bytes at
    // another address (the operation that holds them may have moved).
    SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_accept_state(ssl_.get());
    return true;
  }

  // Handler: void(boost::beast::error_code, std::size_t) (the size means nothing).
  template <class Handler>
  auto async_handshake(Handler&& handler) {
    return boost::asio::async_compose<Handler, void(boost::beast::error_code, std::size_t)>(HandshakeOp(*this), handler,
                                                                                            socket_);
  }

  // AsyncReadStream and AsyncWriteStream, as Beast's http::async_read and
  // http::async_write use them.
  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return boost::asio::async_compose<Handler, void(boost::beast::error_code, std::size_t)>(
        ReadOp<MutableBuffers>(*this, buffers), handler, socket_);
  }

  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    return boost::asio::async_compose<Handler, void(boost::beast::error_code, std::size_t)>(
        WriteOp(*this, flatten(buffers)), handler, socket_);
  }

 private:
  // One TLS record per response rather than one per buffer (headers, body):
  // the buffers are copied into one, up to a record's size.
  static constexpr std::size_t kRecordBytes = 16 * 1024;

  template <class ConstBuffers>
  static std::string flatten(const ConstBuffers& buffers) {
    auto prefix = boost::beast::buffers_prefix(kRecordBytes, buffers);
    std::string out(boost::asio::buffer_size(prefix), '\0');
    boost::asio::buffer_copy(boost::asio::buffer(out), prefix);
    return out;
  }

  // What a failed SSL call means for the operation: wait for the socket
  // (then `wait` is set), or an error to complete with.
  struct Outcome {
    std::optional<boost::asio::ip::tcp::socket::wait_type> wait;
    boost::beast::error_code ec;
  };

  Outcome outcome(int ret) {
    int err = SSL_get_error(ssl_.get(), ret);
    Outcome o;
    if (err == SSL_ERROR_WANT_READ) {
      o.wait = boost::asio::ip::tcp::socket::wait_read;
    } else if (err == SSL_ERROR_WANT_WRITE) {
      o.wait = boost::asio::ip::tcp::socket::wait_write;
    } else if (err == SSL_ERROR_ZERO_RETURN) {
      o.ec = boost::asio::error::eof;
    } else if (err == SSL_ERROR_SYSCALL) {
      o.ec = errno != 0 ? boost::beast::error_code(errno, boost::system::system_category())
                        : boost::beast::error_code(boost::asio::error::eof);
    } else {
      unsigned long e = ERR_peek_last_error();
      // A peer that closes TCP without close_notify: the end of the stream.
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        o.ec = boost::asio::error::eof;
      else
        o.ec = boost::beast::error_code(static_cast<int>(e), boost::asio::error::get_ssl_category());
    }
    // The error queue is the thread's: left over, it would turn another
    // connection's WANT_READ into an error.
    ERR_clear_error();
    return o;
  }

  // What every operation keeps between its steps: whether it has waited
  // (or been posted) yet, and the result it completes with.
  struct OpState {
    explicit OpState(TlsStream& stream) : s(stream) {}
    TlsStream& s;
    bool started = false;
    bool done = false;
    std::size_t result = 0;
    boost::beast::error_code error;
  };

  // Every operation: try the SSL call; when it must wait, wait on the socket
  // and try again. A result on the first try is delivered through the
  // executor, never from inside the initiating call.
  template <class Self, class Try>
  void drive(Self& self, OpState& op, boost::beast::error_code ec, Try attempt) {
    if (op.done) return self.complete(op.error, op.result);
    if (ec) return self.complete(ec, 0);
    if (!ssl_) return self.complete(boost::asio::error::bad_descriptor, 0);
    errno = 0;
    ERR_clear_error();
    int ret = attempt();
    if (ret > 0) {
      op.result = static_cast<std::size_t>(ret);
    } else {
      Outcome o = outcome(ret);
      if (o.wait) {
        op.started = true;
        return socket_.async_wait(*o.wait, std::move(self));
      }
      op.error = o.ec;
    }
    if (op.started) return self.complete(op.error, op.result);
    finishOnExecutor(self, op);
  }

  // Done (the result already in `op`, or nothing to read or write): the
  // completion goes through the executor.
  template <class Self>
  void finishOnExecutor(Self& self, OpState& op) {
    op.done = true;
    op.started = true;
    boost::asio::post(socket_.get_executor(), std::move(self));
  }

  struct HandshakeOp : OpState {
    using OpState::OpState;
    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}) {
      s.drive(self, *this, ec, [this] { return SSL_do_handshake(s.ssl_.get()); });
    }
  };

  template <class MutableBuffers>
  struct ReadOp : OpState {
    ReadOp(TlsStream& stream, const MutableBuffers& b) : OpState(stream), buffers(b) {}
    MutableBuffers buffers;
    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}) {
      auto first = boost::asio::buffer_sequence_begin(buffers);
      boost::asio::mutable_buffer b =
          first == boost::asio::buffer_sequence_end(buffers) ? boost::asio::mutable_buffer() : *first;
      if (b.size() == 0 && !this->started) return this->s.finishOnExecutor(self, *this);
      int n = static_cast<int>(std::min<std::size_t>(b.size(), 1 << 30));
      this->s.drive(self, *this, ec, [this, b, n] { return SSL_read(this->s.ssl_.get(), b.data(), n); });
    }
  };

  struct WriteOp : OpState {
    WriteOp(TlsStream& stream, std::string b) : OpState(stream), bytes(std::move(b)) {}
    std::string bytes;
    template <class Self>
    void operator()(Self& self, boost::beast::error_code ec = {}) {
      if (bytes.empty() && !started) return s.finishOnExecutor(self, *this);
      s.drive(self, *this, ec,
              [this] { return SSL_write(s.ssl_.get(), bytes.data(), static_cast<int>(bytes.size())); });
    }
  };

  boost::asio::ip::tcp::socket socket_;
  ossl::Ssl ssl_;
};

}  // namespace sshca::api
