#include "ca/service/authority/krl_builder.h"

namespace sshca::authority {

Result<ssh::Krl> buildKrl(store::SshCertificateStore& store, const std::vector<KrlCaKey>& cas, uint64_t version,
                          int64_t now) {
  ssh::Krl krl;
  krl.version = version;
  krl.generatedDate = now > 0 ? static_cast<uint64_t>(now) : 0;
  krl.comment = "sshca";
  for (const auto& ca : cas) {
    auto revoked = store.revokedNotExpired(ca.fingerprint, now);
    if (!revoked.ok())
      return std::move(revoked).error().context("reading the revoked certificates of " + ca.fingerprint);
    if (revoked->empty()) continue;
    ssh::KrlCertificates section{.caKey = ca.key, .serials = {}, .keyIds = {}};
    for (const auto& row : *revoked) section.serials.push_back(row.serial);
    krl.certificates.push_back(std::move(section));
  }
  return krl;
}

}  // namespace sshca::authority
