#include "ca/service/authority/root_certificate.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ca/core/common/file_io.h"
#include "ca/core/x509/x509_pem.h"

namespace sshca::authority {
namespace {

Result<std::string> sha256Hex(const X509& cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(&cert, EVP_sha256(), md, &len) != 1)
    return makeError(ErrorCode::CryptoFailure, "cannot hash the root certificate");
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

}  // namespace

Result<RootCertificate> loadRootCertificate(const std::string& path) {
  SSHCA_ASSIGN_OR_RETURN(std::string text, readFile(path));
  auto certs = x509::certificatesFromPem(text);
  if (!certs.ok()) return std::move(certs).error().context("root certificate " + path);
  if (certs->empty()) return makeError(ErrorCode::InvalidFormat, "root certificate " + path + " holds no certificate");
  RootCertificate root;
  for (const auto& c : *certs) {
    SSHCA_ASSIGN_OR_RETURN(std::string pem, x509::toPem(*c));
    SSHCA_ASSIGN_OR_RETURN(std::string hex, sha256Hex(*c));
    root.pem += pem;
    root.certificates.push_back({std::move(pem), std::move(hex)});
  }
  root.fingerprint = "SHA256:" + root.certificates.front().sha256Hex;
  return root;
}

}  // namespace sshca::authority
