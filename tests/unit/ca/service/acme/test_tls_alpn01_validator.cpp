// The tls-alpn-01 check (RFC 8737) against a real TLS server on loopback
// (OpenSSL, one handshake per case): the right certificate passes; one
// naming another name as well, one whose acmeIdentifier is not critical,
// appears twice, is missing or holds another digest, and a server that
// does not negotiate acme-tls/1, are each refused.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "ca/core/common/ossl.h"
#include "ca/core/common/unique_fd.h"
#include "ca/service/acme/acme_validator.h"

using namespace sshca;

namespace {

const std::string kName = "localhost";
const std::string kKeyAuthorization = "token.thumbprint";

struct CertCase {
  std::string sans = "DNS:localhost";
  int identifiers = 1;  // acmeIdentifier extensions
  bool critical = true;
  std::string digestOf = kKeyAuthorization;
  bool alpn = true;  // the server negotiates acme-tls/1
};

void addIdentifier(X509* cert, const CertCase& c) {
  Bytes value = acme::acmeIdentifierValue(c.digestOf);
  ossl::Asn1OctetString data(ASN1_OCTET_STRING_new());
  REQUIRE(ASN1_OCTET_STRING_set(data.get(), value.data(), static_cast<int>(value.size())) == 1);
  ossl::Asn1Object oid(OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1));
  ossl::X509Ext ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), c.critical ? 1 : 0, data.get()));
  REQUIRE(X509_add_ext(cert, ext.get(), -1) == 1);
}

// A self-signed certificate as a tls-alpn-01 responder presents it.
ossl::X509Ptr challengeCertificate(EVP_PKEY* key, const CertCase& c) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  ossl::X509Ext san(X509V3_EXT_nconf_nid(nullptr, &ctx, NID_subject_alt_name, c.sans.c_str()));
  REQUIRE(san);
  REQUIRE(X509_add_ext(cert.get(), san.get(), -1) == 1);
  for (int i = 0; i < c.identifiers; ++i) addIdentifier(cert.get(), c);
  REQUIRE(X509_sign(cert.get(), key, EVP_sha256()) > 0);
  return cert;
}

int selectAcmeTls(SSL*, const unsigned char** out, unsigned char* outLen, const unsigned char* in, unsigned int inLen,
                  void*) {
  static const unsigned char kAcmeTls[] = {10, 'a', 'c', 'm', 'e', '-', 't', 'l', 's', '/', '1'};
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outLen, kAcmeTls, sizeof kAcmeTls, in, inLen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

// Serves one handshake with the case's certificate, then checks it.
acme::ValidationOutcome checkAgainst(const CertCase& c) {
  ossl::EvpPkey key(EVP_EC_gen("P-256"));
  REQUIRE(key);
  ossl::X509Ptr cert = challengeCertificate(key.get(), c);
  ossl::SslCtx ctx(SSL_CTX_new(TLS_server_method()));
  REQUIRE(SSL_CTX_use_certificate(ctx.get(), cert.get()) == 1);
  REQUIRE(SSL_CTX_use_PrivateKey(ctx.get(), key.get()) == 1);
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  if (c.alpn) SSL_CTX_set_alpn_select_cb(ctx.get(), selectAcmeTls, nullptr);

  UniqueFd listener(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listener.get(), 4) == 0);
  timeval bound{30, 0};  // the server thread never outwaits a check that did not connect
  setsockopt(listener.get(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);

  std::thread server([&] {
    UniqueFd conn(accept(listener.get(), nullptr, nullptr));
    if (!conn.valid()) return;
    setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    ossl::Ssl ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), conn.get());
    // Nothing is written after the handshake (no tickets, no close_notify):
    // the checker may have hung up, and a write would raise SIGPIPE.
    (void)SSL_accept(ssl.get());
    ERR_clear_error();
  });
  acme::ValidationSettings settings;
  settings.tlsPort = ntohs(addr.sin_port);
  settings.timeoutMs = 30'000;  // generous: the server is local
  acme::ValidationOutcome out = acme::validateTlsAlpn01({"tls-alpn-01", kName, "token", kKeyAuthorization}, settings);
  server.join();
  return out;
}

}  // namespace

TEST_CASE("ACME tls-alpn-01: only a certificate for exactly the name with one critical acmeIdentifier passes") {
  CHECK(checkAgainst({}).ok);

  CertCase otherName;
  otherName.sans = "DNS:localhost,DNS:other.example";
  CertCase notCritical;
  notCritical.critical = false;
  CertCase twice;
  twice.identifiers = 2;
  CertCase missing;
  missing.identifiers = 0;
  CertCase otherDigest;
  otherDigest.digestOf = "token.another-thumbprint";
  for (const CertCase& c : {otherName, notCritical, twice, missing, otherDigest}) {
    auto out = checkAgainst(c);
    CHECK_FALSE(out.ok);
    CHECK(out.problem == "incorrectResponse");
  }

  CertCase noAlpn;
  noAlpn.alpn = false;
  auto out = checkAgainst(noAlpn);
  CHECK_FALSE(out.ok);
  CHECK(out.problem == "tls");
}
