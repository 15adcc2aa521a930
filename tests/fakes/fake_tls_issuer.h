// A hand-made TlsIssuer (acme/tls_issuer.h) that counts what it is asked
// to sign and answers with a placeholder chain.
//
// A fake is fine here: the ACME server's unit tests check the protocol, its
// state machine and what it records; the real issuer (the authority over
// the token's intermediate, recording every certificate) is what the e2e
// tests acme_certbot.sh and acme_lego.sh run, with real clients.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "ca/service/acme/tls_issuer.h"

namespace sshca::test {

class FakeTlsIssuer final : public acme::TlsIssuer {
 public:
  // Serials "01", "02", ... in the order of the requests; `failWith`, when
  // set, is the answer instead (nothing issued).
  Result<acme::IssuedTls> issue(const acme::TlsIssueRequest& r) override {
    if (failWith) return *failWith;
    ++issued;
    lastNames = r.names;
    return acme::IssuedTls{"-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n",
                           "0" + std::to_string(issued), r.now + 100};
  }
  Status revoke(const std::string&, int, int64_t) override { return okStatus(); }
  std::atomic<int> issued{0};
  std::optional<Error> failWith;
  std::vector<std::string> lastNames;
};

}  // namespace sshca::test
