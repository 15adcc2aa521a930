// Secrets in memory: cleansed when destroyed, compared in constant time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/crypto.h>

namespace sshca {

// Bytes that must not outlive their use (PINs, private key material).
// Move-only so that no silent copy is left behind uncleansed.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string_view s) : b_(s.begin(), s.end()) {}
  explicit SecretBytes(std::span<const uint8_t> s) : b_(s.begin(), s.end()) {}
  SecretBytes(SecretBytes&&) noexcept = default;
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      wipe();
      b_ = std::move(o.b_);
    }
    return *this;
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes() { wipe(); }

  const uint8_t* data() const { return b_.data(); }
  uint8_t* data() { return b_.data(); }
  size_t size() const { return b_.size(); }
  bool empty() const { return b_.empty(); }
  std::span<const uint8_t> span() const { return b_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(b_.data()), b_.size()}; }
  void resize(size_t n) { b_.resize(n); }

 private:
  void wipe() {
    if (!b_.empty()) OPENSSL_cleanse(b_.data(), b_.size());
    b_.clear();
  }
  std::vector<uint8_t> b_;
};

inline bool constantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sshca
