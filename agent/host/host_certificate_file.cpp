#include "agent/host/host_certificate_file.h"

#include <ctime>

#include "agent/ca_client/ca_api.h"
#include "agent/host/issued_host_certificate.h"
#include "ca/core/common/file_io.h"
#include "ca/core/common/utc_time.h"

namespace sshca::agent {

Status installHostCertificate(const HostKeyFiles& files, const ssh::Certificate& cert, const PublicKey& key,
                              const std::vector<PublicKey>& hostCaKeys) {
  auto checked = checkIssuedHostCertificate(cert, key, hostCaKeys, static_cast<uint64_t>(std::time(nullptr)));
  if (!checked.ok()) return std::move(checked).error().context("not installing " + files.certificate);
  std::string line = ssh::formatCertificateLine(cert, "sshca serial " + std::to_string(cert.serial)) + "\n";
  return writeFileAtomic(files.certificate, line, 0644);
}

std::string describeCertificate(const ssh::Certificate& cert) {
  std::string principals;
  for (const auto& p : cert.principals) principals += (principals.empty() ? "" : ",") + p;
  return "serial " + std::to_string(cert.serial) + ", principals " + principals + ", valid until " +
         formatUtc(static_cast<int64_t>(cert.validBefore));
}

}  // namespace sshca::agent
