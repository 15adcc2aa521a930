// Requests as other tools make them (openssl req): signed with a software
// key by OpenSSL itself, with optional SAN and basicConstraints requests.
#pragma once

#include <string>

#include "tests/fakes/evp_test_signer.h"

namespace sshca::test {

struct CsrOptions {
  std::string commonName = "www.example.com";
  std::string sans;    // x509v3 syntax, e.g. "DNS:www.example.com,IP:192.0.2.1"
  bool askCa = false;  // basicConstraints CA:TRUE in extensionRequest
  bool corruptSignature = false;
};

inline ossl::X509Req makeCsr(const EvpTestSigner& key, const CsrOptions& o = {}) {
  ossl::X509Req req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (!o.commonName.empty())
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(o.commonName.c_str()),
                               -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key.evp());
  ossl::X509ExtStack exts(sk_X509_EXTENSION_new_null());
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, nullptr, nullptr, req.get(), nullptr, 0);
  if (!o.sans.empty())
    sk_X509_EXTENSION_push(exts.get(), X509V3_EXT_nconf_nid(nullptr, &ctx, NID_subject_alt_name, o.sans.c_str()));
  if (o.askCa)
    sk_X509_EXTENSION_push(exts.get(), X509V3_EXT_nconf_nid(nullptr, &ctx, NID_basic_constraints, "critical,CA:TRUE"));
  if (sk_X509_EXTENSION_num(exts.get()) > 0) X509_REQ_add_extensions(req.get(), exts.get());
  bool ed = EVP_PKEY_get_base_id(key.evp()) == EVP_PKEY_ED25519;
  X509_REQ_sign(req.get(), key.evp(), ed ? nullptr : EVP_sha256());
  if (o.corruptSignature) {
    const ASN1_BIT_STRING* sig = nullptr;
    X509_REQ_get0_signature(req.get(), &sig, nullptr);
    const_cast<unsigned char*>(ASN1_STRING_get0_data(sig))[10] ^= 0x01;
  }
  return req;
}

}  // namespace sshca::test
