#include "ca/service/api/session_tickets.h"

#include <algorithm>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ca/core/common/ossl.h"

namespace sshca::api {
namespace {

int ticketsIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool setMacKey(EVP_MAC_CTX* mac, std::array<unsigned char, 32>& key) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, key.data(), key.size()),
                         OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  return EVP_MAC_CTX_set_params(mac, params) == 1;
}

}  // namespace

Result<std::unique_ptr<SessionTickets>> SessionTickets::install(SSL_CTX& ctx, std::chrono::seconds rotation) {
  std::unique_ptr<SessionTickets> t(new SessionTickets(rotation));
  {
    std::lock_guard lock(t->mu_);
    if (!t->rotateIfDue()) return ossl::error("making a TLS session ticket key");
  }
  if (ticketsIndex() < 0 || SSL_CTX_set_ex_data(&ctx, ticketsIndex(), t.get()) != 1 ||
      SSL_CTX_set_tlsext_ticket_key_evp_cb(&ctx, &SessionTickets::callback) != 1) {
    return ossl::error("installing the TLS session ticket callback");
  }
  // A ticket outlives its key by at most one rotation.
  SSL_CTX_set_timeout(&ctx, static_cast<long>(rotation.count()));
  return t;
}

SessionTickets::~SessionTickets() {
  for (Key& k : keys_) OPENSSL_cleanse(&k, sizeof k);
}

int SessionTickets::callback(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac,
                             int encrypt) {
  auto* self = static_cast<SessionTickets*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ticketsIndex()));
  if (self == nullptr) return -1;
  return encrypt ? self->encrypt(name, iv, cipher, mac) : self->decrypt(name, iv, cipher, mac);
}

bool SessionTickets::rotateIfDue() {
  Clock::time_point now = Clock::now();
  if (!keys_.empty() && now - keys_.front().created < rotation_) return true;
  Key k{};
  k.created = now;
  if (RAND_bytes(k.name.data(), static_cast<int>(k.name.size())) != 1 ||
      RAND_bytes(k.aes.data(), static_cast<int>(k.aes.size())) != 1 ||
      RAND_bytes(k.hmac.data(), static_cast<int>(k.hmac.size())) != 1) {
    return false;
  }
  keys_.push_front(k);
  OPENSSL_cleanse(&k, sizeof k);
  while (keys_.size() > 2) {
    OPENSSL_cleanse(&keys_.back(), sizeof(Key));
    keys_.pop_back();
  }
  return true;
}

// Returns 1 (issue), or -1: no ticket, the handshake goes on.
int SessionTickets::encrypt(unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac) {
  std::lock_guard lock(mu_);
  if (!rotateIfDue()) return -1;
  Key& k = keys_.front();
  if (RAND_bytes(iv, 16) != 1) return -1;
  std::memcpy(name, k.name.data(), k.name.size());
  if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, k.aes.data(), iv) != 1) return -1;
  return setMacKey(mac, k.hmac) ? 1 : -1;
}

// Returns 1 (accepted), 2 (accepted, issue a fresh ticket under the
// current key) or 0 (unknown key: a full handshake).
int SessionTickets::decrypt(const unsigned char* name, const unsigned char* iv, EVP_CIPHER_CTX* cipher,
                            EVP_MAC_CTX* mac) {
  std::lock_guard lock(mu_);
  rotateIfDue();
  for (size_t i = 0; i < keys_.size(); ++i) {
    Key& k = keys_[i];
    if (std::memcmp(name, k.name.data(), k.name.size()) != 0) continue;
    if (!setMacKey(mac, k.hmac)) return -1;
    if (EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, k.aes.data(), iv) != 1) return -1;
    return i == 0 ? 1 : 2;
  }
  return 0;
}

}  // namespace sshca::api
