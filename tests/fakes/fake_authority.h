// A hand-made fake of the API's consumer-side interface (api::AuthorityApi).
//
// A fake is fine here: the API tests check the HTTP mapping only (parsing,
// statuses, JSON bodies, TLS, log lines), so the authority's answers are
// scripted. The real authority, with its provisioners, policy, HSM and
// database, is tested end to end over HTTPS (tests/e2e).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ca/service/api/authority_api.h"

namespace sshca::test {

class FakeAuthority : public api::AuthorityApi {
 public:
  // Scripted answers; set before requests are sent.
  api::HealthReport healthReport{true, true, {}, {}};
  std::string rootsPemText = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  api::SshRoots sshRootKeys{{Bytes{1, 2, 3}}, {Bytes{4, 5, 6}, Bytes{7}}};
  api::SshCertificateResponse certificate{Bytes{0xde, 0xad, 0xbe, 0xef}, 1234567890123ULL, "alice@example", "admin-jwk",
                                          "alice"};
  Bytes krlBytes{'S', 'S', 'H', 'K', 'R', 'L', '\n', 0};
  std::vector<api::ProvisionerInfo> provisionerList{{"JWK", "admin-jwk", R"({"key":{"kty":"EC"}})"}};
  // When set, every fallible call fails with it.
  std::optional<Error> failure;

  // What the handlers passed in.
  std::optional<api::SignSshRequest> lastSign() const {
    std::lock_guard lock(mu_);
    return lastSign_;
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

  api::HealthReport health() override { return healthReport; }
  Result<std::vector<api::RootCertificateInfo>> rootCertificates() override {
    return answer(std::vector<api::RootCertificateInfo>{{rootsPemText, std::string(64, 'a')}});
  }
  Result<api::SshRoots> sshRoots() override { return answer(sshRootKeys); }
  Result<api::SignSshResponse> signSsh(const api::SignSshRequest& request) override {
    {
      std::lock_guard lock(mu_);
      lastSign_ = request;
    }
    return answer(certificate);
  }
  Result<api::SshCertificateResponse> renewSsh(const api::RenewSshRequest&) override { return answer(certificate); }
  Result<api::SshCertificateResponse> rekeySsh(const api::RekeySshRequest&) override { return answer(certificate); }
  Result<api::RevokeSshResponse> revokeSsh(const api::RevokeSshRequest&) override {
    return answer(api::RevokeSshResponse{certificate.provisioner, certificate.subject});
  }
  Result<Bytes> krl() override { return answer(krlBytes); }
  Result<std::vector<api::ProvisionerInfo>> provisioners() override { return answer(provisionerList); }

 private:
  template <class T>
  Result<T> answer(T value) {
    std::lock_guard lock(mu_);
    ++calls_;
    if (failure) return *failure;
    return value;
  }

  mutable std::mutex mu_;
  std::optional<api::SignSshRequest> lastSign_;
  int calls_ = 0;
};

}  // namespace sshca::test
