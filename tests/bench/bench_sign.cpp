// sshca-bench sign: how fast certificates are signed in-process with a key
// on a PKCS#11 token, beside what the token itself can do.
//   raw C_Sign/s        C_SignInit + C_Sign on the bare token, a session per thread
//   Signer::sign/s      our PKCS#11 signer: hash, C_Sign, verify with OpenSSL
//   certificates/s      ssh::signCertificate: template and CA key checks, nonce,
//                       encoding, Signer::sign (with verify)
//   verify/s            one OpenSSL verification of a P-256 signature: `serve`
//                       pays two a certificate (the one-time token's ES256
//                       JWS, and the check of the signature the HSM returned)
//   crypto ceiling/s    1 / (1/certificates/s + 1/verify/s): what `serve`
//                       could issue at most on these threads if the crypto it
//                       cannot skip (a certificate and the token's check)
//                       were all it did: no TLS, HTTP, JSON or database
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "ca/core/common/random.h"
#include "ca/core/keys/signature.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/kms/pkcs11/pkcs11_objects.h"
#include "ca/core/kms/pkcs11/pkcs11_token.h"
#include "ca/core/kms/pkcs11/signing_input.h"
#include "ca/core/kms/pkcs11/slot_finder.h"
#include "ca/core/ssh/ssh_cert.h"

using namespace sshca;

namespace {

template <class T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "sshca-bench: %s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

// Runs `work(perThread)` on `threads` threads; returns operations/s.
template <class F>
double rate(int threads, int total, F work) {
  int per = total / threads;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i) ts.emplace_back([&] { work(per); });
  for (auto& t : ts) t.join();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return per * threads / secs;
}

struct RawToken {
  pkcs11::TokenPtr token;
  KeyRef ref;
};

RawToken openRaw(const KmsUri& uri, const KeyRef& ref) {
  auto module = must(pkcs11::Module::load(uri.modulePath), "loading module");
  auto slot = must(pkcs11::findToken(*module, uri), "finding token");
  auto token = must(pkcs11::Token::open(module, slot.slot, uri.tokenLabel), "opening token");
  auto pin = must(resolvePin(uri), "PIN");
  if (auto s = token->loginUser(pin, false); !s.ok()) must(Result<int>(s.error()), "login");
  return {token, ref};
}

void mustVerify(const Signer& signer, const Bytes& msg, const Bytes& sig) {
  if (Status s = verifyRawSignature(signer.publicKey(), msg, HashAlg::Sha256, sig); !s.ok()) {
    std::fprintf(stderr, "sshca-bench: verify: %s\n", s.error().message.c_str());
    std::exit(1);
  }
}

void rawSignLoop(const RawToken& raw, int n) {
  auto session = must(raw.token->session(), "session");
  auto keys = must(pkcs11::findByRef(*session, raw.ref, CKO_PRIVATE_KEY), "finding key");
  if (keys.empty()) must(Result<int>(makeError(ErrorCode::NotFound, "no such key")), "finding key");
  Bytes digest(32, 0x5a);
  CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
  uint8_t sig[132];
  for (int i = 0; i < n; ++i) {
    CK_ULONG len = sizeof sig;
    if (session->fn()->C_SignInit(session->handle(), &mech, keys[0]) != CKR_OK ||
        session->fn()->C_Sign(session->handle(), digest.data(), digest.size(), sig, &len) != CKR_OK) {
      std::fprintf(stderr, "sshca-bench: raw C_Sign failed\n");
      std::exit(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: sshca-bench KMS_URI KEY_URI COUNT [THREADS...]\n");
    return 2;
  }
  KmsUri uri = must(parseKmsUri(argv[1]), "kms URI");
  KeyRef ref = must(parseKeyUri(argv[2]), "key URI");
  int count = std::atoi(argv[3]);
  std::vector<int> threads;
  for (int i = 4; i < argc; ++i) threads.push_back(std::atoi(argv[i]));
  if (threads.empty()) threads = {1, 2};

  auto km = must(openPkcs11KeyManager(uri), "opening token");
  SignerPtr signer = must(km->createSigner(ref), "signer");
  RawToken raw = openRaw(uri, ref);
  ssh::CertTemplate tmpl{.key = signer->publicKey()};
  tmpl.keyId = "bench@example.com";
  tmpl.principals = {"bench"};
  tmpl.validAfter = 1700000000;
  tmpl.validBefore = 1700057600;
  tmpl.extensions = ssh::defaultUserExtensions();
  Bytes msg(200, 0x42);

  Bytes sig = must(signer->sign(msg, HashAlg::Sha256), "sign");

  std::printf("%-8s %14s %16s %16s %10s %10s %10s %17s\n", "threads", "raw C_Sign/s", "Signer::sign/s",
              "certificates/s", "cert/raw", "cert/sign", "verify/s", "crypto ceiling/s");
  for (int t : threads) {
    double rawRate = rate(t, count, [&](int n) { rawSignLoop(raw, n); });
    double signRate = rate(t, count, [&](int n) {
      for (int i = 0; i < n; ++i) must(signer->sign(msg, HashAlg::Sha256), "sign");
    });
    double certRate = rate(t, count, [&](int n) {
      for (int i = 0; i < n; ++i) must(ssh::signCertificate(tmpl, *signer, systemRandom()), "certificate");
    });
    double verifyRate = rate(t, count, [&](int n) {
      for (int i = 0; i < n; ++i) mustVerify(*signer, msg, sig);
    });
    double ceiling = 1 / (1 / certRate + 1 / verifyRate);
    std::printf("%-8d %14.0f %16.0f %16.0f %9.0f%% %9.0f%% %10.0f %17.0f\n", t, rawRate, signRate, certRate,
                100 * certRate / rawRate, 100 * certRate / signRate, verifyRate, ceiling);
  }
  return 0;
}
