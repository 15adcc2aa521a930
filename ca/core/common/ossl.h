// RAII for every OpenSSL handle the project uses, all in one place.
// No raw *_free call appears anywhere else.
#pragma once

#include <memory>
#include <string>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ca/core/common/result.h"

namespace sshca::ossl {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p) F(p);
  }
};
template <class T, void (*F)(T*)>
using Ptr = std::unique_ptr<T, Deleter<T, F>>;

inline void freeOsslParams(OSSL_PARAM* p) { OSSL_PARAM_free(p); }
inline void freeX509Exts(STACK_OF(X509_EXTENSION) * s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }
inline void freeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void freeGeneralNames(GENERAL_NAMES* g) { GENERAL_NAMES_free(g); }
inline void freeBio(BIO* b) { BIO_free_all(b); }
inline void freeBn(BIGNUM* b) { BN_clear_free(b); }  // BIGNUMs may hold private values
inline void freeAsn1Objects(STACK_OF(ASN1_OBJECT) * s) { sk_ASN1_OBJECT_pop_free(s, ASN1_OBJECT_free); }
// OPENSSL_free is a macro (it passes file and line): these give it an address.
inline void freeBytes(unsigned char* p) { OPENSSL_free(p); }
inline void freeChars(char* p) { OPENSSL_free(p); }

using EvpPkey = Ptr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtx = Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtx = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using Bignum = Ptr<BIGNUM, freeBn>;
using BnCtx = Ptr<BN_CTX, BN_CTX_free>;
using EcdsaSig = Ptr<ECDSA_SIG, ECDSA_SIG_free>;
using EcGroup = Ptr<EC_GROUP, EC_GROUP_free>;
using EcPoint = Ptr<EC_POINT, EC_POINT_free>;
using Bio = Ptr<BIO, freeBio>;
using ParamBld = Ptr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using Params = Ptr<OSSL_PARAM, freeOsslParams>;
using X509Ptr = Ptr<X509, X509_free>;
using X509Req = Ptr<X509_REQ, X509_REQ_free>;
using X509Crl = Ptr<X509_CRL, X509_CRL_free>;
using X509Revoked = Ptr<X509_REVOKED, X509_REVOKED_free>;
using X509Name = Ptr<X509_NAME, X509_NAME_free>;
using X509Ext = Ptr<X509_EXTENSION, X509_EXTENSION_free>;
using X509ExtStack = Ptr<STACK_OF(X509_EXTENSION), freeX509Exts>;
using X509Stack = Ptr<STACK_OF(X509), freeX509Stack>;
using X509Store = Ptr<X509_STORE, X509_STORE_free>;
using X509StoreCtx = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509Algor = Ptr<X509_ALGOR, X509_ALGOR_free>;
using Asn1Integer = Ptr<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1Time = Ptr<ASN1_TIME, ASN1_TIME_free>;
using Asn1Object = Ptr<ASN1_OBJECT, ASN1_OBJECT_free>;
using Asn1OctetString = Ptr<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;
using GeneralNames = Ptr<GENERAL_NAMES, freeGeneralNames>;
using Pkcs12 = Ptr<PKCS12, PKCS12_free>;
// TLS (libssl): only the programs that link it use these.
using SslCtx = Ptr<SSL_CTX, SSL_CTX_free>;
using Ssl = Ptr<SSL, SSL_free>;
using SslSession = Ptr<SSL_SESSION, SSL_SESSION_free>;
// X.509 extension values (x509/).
using AuthorityKeyId = Ptr<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;
using BasicConstraints = Ptr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>;
using ExtendedKeyUsage = Ptr<STACK_OF(ASN1_OBJECT), freeAsn1Objects>;
using GeneralName = Ptr<GENERAL_NAME, GENERAL_NAME_free>;
using Asn1BitString = Ptr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;
using Asn1Enumerated = Ptr<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;
using Asn1String = Ptr<ASN1_STRING, ASN1_STRING_free>;
// Buffers OpenSSL allocates for us (i2d_* output, BN_bn2hex, ASN1_STRING_to_UTF8).
using OwnedBytes = Ptr<unsigned char, freeBytes>;
using OwnedChars = Ptr<char, freeChars>;

// Empties OpenSSL's error queue into one line ("error:...; error:...").
std::string drainErrors();

// An Error of code CryptoFailure: "<what>: <OpenSSL's queued errors>".
Error error(std::string_view what);

// Clears the error queue when the scope ends, so stale errors never leak
// into a later, unrelated message.
class ErrorQueueGuard {
 public:
  ErrorQueueGuard() = default;
  ~ErrorQueueGuard();
  ErrorQueueGuard(const ErrorQueueGuard&) = delete;
  ErrorQueueGuard& operator=(const ErrorQueueGuard&) = delete;
};

}  // namespace sshca::ossl
