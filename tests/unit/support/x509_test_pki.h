// A throw-away root + intermediate (software keys) for x509 and store tests.
#pragma once

#include <ctime>
#include <stdexcept>

#include "ca/core/common/random.h"
#include "ca/core/x509/ca_certificates.h"
#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/x509_signing.h"
#include "tests/fakes/evp_test_signer.h"

namespace sshca::test {

template <class T>
T must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.error().message);
  return std::move(r).value();
}

struct TestPki {
  std::time_t now;
  std::shared_ptr<EvpTestSigner> rootKey;
  std::shared_ptr<EvpTestSigner> intermediateKey;
  ossl::X509Ptr root;
  ossl::X509Ptr intermediate;

  explicit TestPki(KeyAlgorithm alg = KeyAlgorithm::EcdsaP256, std::time_t t = std::time(nullptr))
      : now(t), rootKey(EvpTestSigner::generate(alg)), intermediateKey(EvpTestSigner::generate(alg)) {
    HashAlg hash = must(x509::signatureHashFor(alg));
    auto rootName = must(x509::parseDistinguishedName("O=Test,CN=Test Root CA"));
    root = must(x509::createRootCertificate(*rootName, *rootKey, hash, 3650, now, systemRandom()));
    auto interName = must(x509::parseDistinguishedName("O=Test,CN=Test Intermediate CA"));
    auto rootCa = must(x509::IssuingCa::create(ossl::X509Ptr(X509_dup(root.get())), rootKey, now));
    intermediate = must(x509::createIntermediateCertificate(*interName, intermediateKey->publicKey(), rootCa, 1825, now,
                                                            systemRandom()));
  }

  x509::IssuingCa intermediateCa() const {
    return must(x509::IssuingCa::create(ossl::X509Ptr(X509_dup(intermediate.get())), intermediateKey, now));
  }
};

}  // namespace sshca::test
