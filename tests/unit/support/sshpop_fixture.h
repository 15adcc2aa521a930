// An authority with software CA keys, a real SQLite store, a real JWK
// provisioner ("admin"), and two real SSHPOP provisioners ("sshpop", and
// "sshpop-late" which renews expired certificates): what renew, rekey,
// revoke and the KRL are tested against. The clock is a variable the
// test moves.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/jose/jws.h"
#include "ca/core/jose/sshpop_token.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/service/authority/authority.h"
#include "ca/service/provisioners/jwk_revoke_token.h"
#include "ca/service/provisioners/jwk_token.h"
#include "ca/service/provisioners/provisioner.h"
#include "ca/service/store/sqlite/sqlite_ssh_store.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/unit/support/temp_dir.h"

namespace sshca::test {

inline constexpr int64_t kSshpopNow = 1800000000;
inline const std::string kSshpopCaUrl = "https://ca.test:8443";

// A signer that runs a hook inside every signature, before signing: a test
// does something (revokes a certificate) while the CA is signing.
class HookedSigner final : public Signer {
 public:
  HookedSigner(SignerPtr inner, std::function<void()> hook) : inner_(std::move(inner)), hook_(std::move(hook)) {}
  const PublicKey& publicKey() const override { return inner_->publicKey(); }
  Result<Bytes> sign(std::span<const uint8_t> data, HashAlg hash) const override {
    hook_();
    return inner_->sign(data, hash);
  }
  std::string description() const override { return "hooked " + inner_->description(); }

 private:
  SignerPtr inner_;
  std::function<void()> hook_;
};

// A host key and the certificate the CA issued for it.
struct HostCert {
  SignerPtr key;
  ssh::Certificate cert;
};

struct SshpopFixture {
  TempDir dir;
  int64_t now = kSshpopNow;
  SignerPtr userCa = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  SignerPtr hostCa = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  SignerPtr adminKey = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  store::SqliteSshStore* store = nullptr;  // owned by the authority
  std::function<void()> whileHostCaSigns;  // run inside every host CA signature when set
  std::unique_ptr<authority::Authority> authority;

  SshpopFixture() {
    authority::AuthorityParts parts;
    parts.caUrl = kSshpopCaUrl;
    parts.userCa = userCa;
    parts.hostCa = std::make_shared<HookedSigner>(hostCa, [this] {
      if (whileHostCaSigns) whileHostCaSigns();
    });
    parts.root = {"PEM", "SHA256:00", {{"PEM", "00"}}};
    auto opened = store::SqliteSshStore::open(dir.file("ca.db"));
    if (!opened.ok()) throw std::runtime_error(opened.error().message);
    store = opened->get();
    parts.store = std::move(opened).value();
    parts.provisioners = authority::ProvisionerSet::fromList({make(adminConfig()), make(sshpopConfig("sshpop", false)),
                                                              make(sshpopConfig("sshpop-late", true))})
                             .value();
    parts.clock = [this] { return now; };
    authority = authority::Authority::fromParts(std::move(parts)).value();
  }

  config::ProvisionerConfig adminConfig() const {
    config::ProvisionerConfig c;
    c.type = "jwk";
    c.name = "admin";
    c.publicKeyJwk = jose::publicJwkOf(adminKey->publicKey()).value().dump();
    return c;
  }

  static config::ProvisionerConfig sshpopConfig(const std::string& name, bool late) {
    config::ProvisionerConfig c;
    c.type = "sshpop";
    c.name = name;
    c.allowRenewalAfterExpiry = late;
    c.renewalGraceSeconds = late ? config::kGraceOfValidity : 0;
    return c;
  }

  static provisioners::ProvisionerPtr make(const config::ProvisionerConfig& c) {
    auto p = provisioners::makeProvisioner(c);
    if (!p.ok()) throw std::runtime_error(p.error().message);
    return *p;
  }

  // A certificate through POST /ssh/sign with an admin JWK token.
  HostCert issue(ssh::CertType type, const std::string& name, std::vector<std::string> principals,
                 KeyAlgorithm alg = KeyAlgorithm::EcdsaP256) {
    provisioners::JwkTokenRequest t;
    t.provisionerName = "admin";
    t.caUrl = kSshpopCaUrl;
    t.subject = name;
    t.certType = type;
    t.principals = std::move(principals);
    t.ttlSeconds = 300;
    t.now = now;
    api::SignSshRequest r;
    SignerPtr key = EvpTestSigner::generate(alg);
    r.publicKey = ssh::encodePublicKeyWire(key->publicKey());
    r.ott = provisioners::mintJwkToken(t, *adminKey, systemRandom()).value();
    auto signed_ = authority->signSsh(r);
    if (!signed_.ok()) throw std::runtime_error(signed_.error().message);
    return HostCert{key, ssh::parseCertificate(signed_->certificate).value()};
  }
  HostCert issueHost(const std::string& name = "web1") {
    return issue(ssh::CertType::Host, name, {name, name + ".example.com"});
  }

  std::string sshpop(const HostCert& hc, const std::string& endpoint, const std::string& provisioner = "sshpop") {
    jose::SshpopTokenRequest r{provisioner, kSshpopCaUrl, endpoint, hc.cert.wire, hc.cert.serial, now};
    return jose::mintSshpopToken(r, *hc.key, systemRandom()).value();
  }

  // A token built by hand: any header certificate, signing key and claims.
  static std::string forged(const Bytes& certWire, const Signer& key, const nlohmann::json& claims) {
    nlohmann::json header = {{"typ", "JWT"}, {"sshpop", base64Encode(certWire)}};
    return jose::signCompact(header, claims, key).value();
  }
  nlohmann::json claimsFor(const ssh::Certificate& cert, const std::string& endpoint,
                           const std::string& provisioner = "sshpop") const {
    return {{"iss", provisioner},
            {"aud", jose::sshpopAudience(kSshpopCaUrl, endpoint, provisioner)},
            {"sub", std::to_string(cert.serial)},
            {"jti", "jti-" + std::to_string(cert.serial) + endpoint},
            {"iat", now},
            {"nbf", now},
            {"exp", now + 300}};
  }

  std::string adminRevokeToken(uint64_t serial) {
    provisioners::JwkRevokeTokenRequest r{"admin", kSshpopCaUrl, serial, 300, now};
    return provisioners::mintJwkRevokeToken(r, *adminKey, systemRandom()).value();
  }

  size_t rows(const std::string& keyId) { return store->findByKeyId(keyId).value().size(); }
};

}  // namespace sshca::test
