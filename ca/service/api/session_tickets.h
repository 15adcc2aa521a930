// TLS session tickets with keys we rotate, so that an agent (or a load
// driver) that reconnects resumes its session instead of paying a full
// handshake, while a stolen ticket key opens only the sessions of one or
// two rotation periods. OpenSSL's own ticket key lives as long as the
// process and is never rotated.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include <openssl/ssl.h>

#include "ca/core/common/result.h"

namespace sshca::api {

class SessionTickets {
 public:
  // Installs the ticket callback on `ctx`; the returned object must outlive
  // every connection of `ctx`. A ticket is issued under the current key and
  // accepted under it or the one before; keys change every `rotation`.
  static Result<std::unique_ptr<SessionTickets>> install(SSL_CTX& ctx, std::chrono::seconds rotation);
  ~SessionTickets();
  SessionTickets(const SessionTickets&) = delete;
  SessionTickets& operator=(const SessionTickets&) = delete;

 private:
  using Clock = std::chrono::steady_clock;
  struct Key {
    std::array<unsigned char, 16> name;
    std::array<unsigned char, 32> aes;
    std::array<unsigned char, 32> hmac;
    Clock::time_point created;
  };
  explicit SessionTickets(std::chrono::seconds rotation) : rotation_(rotation) {}
  static int callback(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                      int encrypt);
  int encrypt(unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac);
  int decrypt(const unsigned char* name, const unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac);
  bool rotateIfDue();  // under mu_

  const std::chrono::seconds rotation_;
  std::mutex mu_;
  std::deque<Key> keys_;  // newest first; at most two
};

}  // namespace sshca::api
