#include "ca/service/setup/server_certificate.h"

#include <arpa/inet.h>

#include "ca/core/x509/leaf_certificate.h"

namespace sshca::setup {
namespace {

bool isIpAddress(const std::string& name) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, name.c_str(), buf) == 1 || ::inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

Result<std::vector<x509::SubjectAltName>> subjectAltNamesFor(const std::vector<std::string>& names) {
  if (names.empty()) return makeError(ErrorCode::InvalidArgument, "--dns needs at least one name");
  std::vector<x509::SubjectAltName> out;
  for (const std::string& n : names) {
    auto san = x509::parseSubjectAltName((isIpAddress(n) ? "IP:" : "DNS:") + n);
    if (!san.ok()) return std::move(san).error().context("--dns");
    out.push_back(std::move(san).value());
  }
  return out;
}

Result<ossl::X509Ptr> issueServerCertificate(const x509::IssuingCa& intermediate, const std::vector<std::string>& names,
                                             const PublicKey& key, int days, std::time_t now, RandomSource& rng) {
  SSHCA_ASSIGN_OR_RETURN(auto sans, subjectAltNamesFor(names));
  x509::LeafRequest request{x509::LeafProfile::Server, names.front(), std::move(sans), key, days, {}};
  return x509::issueLeafCertificate(request, intermediate, now, rng);
}

}  // namespace sshca::setup
