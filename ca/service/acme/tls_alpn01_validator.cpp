// tls-alpn-01 (RFC 8737): a TLS handshake with the name itself, SNI and
// ALPN "acme-tls/1", under one deadline; the certificate presented must be
// for exactly that name and carry the critical acmeIdentifier extension
// with SHA-256 of the key authorization. The certificate is self-signed by
// design, so no chain is verified: the extension is the proof.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <cstring>

#include <openssl/err.h>

#include "ca/core/common/ossl.h"
#include "ca/core/common/unique_fd.h"
#include "ca/service/acme/acme_validator.h"

namespace sshca::acme {
namespace {

using Clock = std::chrono::steady_clock;
constexpr unsigned char kAlpn[] =
    "\x0a"
    "acme-tls/1";
constexpr const char* kAcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

int remainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// A connected, blocking socket whose reads and writes time out at the
// deadline; invalid when no address of the name answered in time.
UniqueFd connectBefore(const std::string& name, int port, Clock::time_point deadline, std::string& why) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(name.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) {
    why = std::string("cannot resolve ") + name + ": " + gai_strerror(rc);
    return UniqueFd();
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> list(found, freeaddrinfo);
  why = "cannot connect to " + name + ":" + std::to_string(port);
  for (addrinfo* a = list.get(); a != nullptr; a = a->ai_next) {
    UniqueFd fd(socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!fd.valid()) continue;
    if (connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) continue;
      pollfd p{fd.get(), POLLOUT, 0};
      if (poll(&p, 1, remainingMs(deadline)) != 1) continue;
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) continue;
    }
    int flags = fcntl(fd.get(), F_GETFL);
    fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
    int ms = remainingMs(deadline);
    timeval tv{ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
  }
  return UniqueFd();
}

// The certificate must name exactly `name` and nothing else (RFC 8737 §3).
bool namesOnly(X509& cert, const std::string& name) {
  ossl::GeneralNames sans(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(&cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!sans || sk_GENERAL_NAME_num(sans.get()) != 1) return false;
  const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans.get(), 0);
  if (gn->type != GEN_DNS) return false;
  const ASN1_IA5STRING* dns = gn->d.dNSName;
  std::string got(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                  static_cast<size_t>(ASN1_STRING_length(dns)));
  return strcasecmp(got.c_str(), name.c_str()) == 0 && got.size() == name.size();
}

ValidationOutcome checkCertificate(X509& cert, const ValidationTarget& target) {
  if (!namesOnly(cert, target.name))
    return {false, "incorrectResponse", "tls-alpn-01: the certificate must name exactly " + target.name};
  ossl::Asn1Object oid(OBJ_txt2obj(kAcmeIdentifierOid, 1));
  if (!oid) return {false, "serverInternal", "tls-alpn-01: OpenSSL does not know the acmeIdentifier OID"};
  int index = X509_get_ext_by_OBJ(&cert, oid.get(), -1);
  if (index < 0) return {false, "incorrectResponse", "tls-alpn-01: the certificate has no acmeIdentifier extension"};
  if (X509_get_ext_by_OBJ(&cert, oid.get(), index) >= 0)
    return {false, "incorrectResponse", "tls-alpn-01: the acmeIdentifier extension appears twice"};
  X509_EXTENSION* ext = X509_get_ext(&cert, index);
  if (X509_EXTENSION_get_critical(ext) != 1)
    return {false, "incorrectResponse", "tls-alpn-01: the acmeIdentifier extension must be critical"};
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
  Bytes got(ASN1_STRING_get0_data(data), ASN1_STRING_get0_data(data) + ASN1_STRING_length(data));
  if (got != acmeIdentifierValue(target.keyAuthorization))
    return {false, "incorrectResponse", "tls-alpn-01: the acmeIdentifier is not the key authorization's digest"};
  return {true, "", ""};
}

}  // namespace

ValidationOutcome validateTlsAlpn01(const ValidationTarget& target, const ValidationSettings& settings) {
  auto deadline = Clock::now() + std::chrono::milliseconds(settings.timeoutMs);
  std::string why;
  UniqueFd fd = connectBefore(target.name, settings.tlsPort, deadline, why);
  if (!fd.valid()) return {false, "connection", "tls-alpn-01: " + why};
  ossl::SslCtx ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return {false, "serverInternal", "tls-alpn-01: cannot create a TLS context"};
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  ossl::Ssl ssl(SSL_new(ctx.get()));
  if (!ssl || SSL_set_tlsext_host_name(ssl.get(), target.name.c_str()) != 1 ||
      SSL_set_alpn_protos(ssl.get(), kAlpn, sizeof kAlpn - 1) != 0 || SSL_set_fd(ssl.get(), fd.get()) != 1) {
    ERR_clear_error();
    return {false, "serverInternal", "tls-alpn-01: cannot set up the TLS connection"};
  }
  if (SSL_connect(ssl.get()) != 1) {
    ERR_clear_error();
    return {false, "tls", "tls-alpn-01: the TLS handshake with " + target.name + " failed"};
  }
  const unsigned char* alpn = nullptr;
  unsigned int alpnLen = 0;
  SSL_get0_alpn_selected(ssl.get(), &alpn, &alpnLen);
  if (alpnLen != sizeof kAlpn - 2 || std::memcmp(alpn, kAlpn + 1, alpnLen) != 0)
    return {false, "tls", "tls-alpn-01: the server did not negotiate acme-tls/1"};
  ossl::X509Ptr cert(SSL_get1_peer_certificate(ssl.get()));
  if (!cert) return {false, "tls", "tls-alpn-01: the server presented no certificate"};
  ValidationOutcome out = checkCertificate(*cert, target);
  SSL_shutdown(ssl.get());
  ERR_clear_error();
  return out;
}

}  // namespace sshca::acme
