// How long to wait between attempts to find a token again: doubling from a
// short first wait to a bound, so that a token that comes back is in use
// again within about a second, and one that stays away costs the reader
// one attempt a second at most.
#pragma once

#include <chrono>

namespace sshca::pkcs11 {

class ReconnectBackoff {
 public:
  using Duration = std::chrono::milliseconds;
  static constexpr Duration kFirst{50};
  static constexpr Duration kMax{1000};

  // The wait before the next attempt; each call doubles the next, up to kMax.
  Duration next();
  // After a success: the next loss starts from kFirst again.
  void reset() { next_ = kFirst; }

 private:
  Duration next_ = kFirst;
};

}  // namespace sshca::pkcs11
