// Chain verification with OpenSSL's X509_verify_cert, as a TLS client does.
#pragma once

#include <vector>

#include "ca/core/common/ossl.h"

namespace sshca::test {

// X509_V_OK or OpenSSL's verification error for leaf under root, through
// `intermediate`; with a CRL, the leaf's revocation is checked too.
inline int verifyChain(X509* root, X509* intermediate, X509* leaf, X509_CRL* crl = nullptr) {
  ossl::X509Store store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), root);
  if (crl) {
    X509_STORE_add_crl(store.get(), crl);
    X509_STORE_set_flags(store.get(), X509_V_FLAG_CRL_CHECK);
  }
  ossl::X509Stack untrusted(sk_X509_new_null());
  if (intermediate) {
    X509_up_ref(intermediate);
    sk_X509_push(untrusted.get(), intermediate);
  }
  ossl::X509StoreCtx ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get());
  if (X509_verify_cert(ctx.get()) == 1) return X509_V_OK;
  return X509_STORE_CTX_get_error(ctx.get());
}

}  // namespace sshca::test
