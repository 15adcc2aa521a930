#include "agent/krl/krl_sync.h"

#include <algorithm>

#include "ca/core/common/file_io.h"
#include "ca/core/ssh/krl.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/core/ssh/sshsig.h"

namespace sshca::agent {
namespace {

Result<Bytes> signatureBlob(const std::string& text) {
  if (text.rfind("-----BEGIN SSH SIGNATURE-----", 0) == 0) return ssh::dearmorSshsig(text);
  return Bytes(text.begin(), text.end());
}

Status verifySignature(const KrlDownload& d, const std::vector<PublicKey>& trusted) {
  SSHCA_ASSIGN_OR_RETURN(Bytes blob, signatureBlob(d.signature));
  auto signer = ssh::sshsigVerify(blob, ssh::kKrlSignatureNamespace, asBytes(d.krl));
  if (!signer.ok()) return std::move(signer).error().context("the KRL signature does not verify");
  if (std::none_of(trusted.begin(), trusted.end(), [&](const PublicKey& k) { return k == *signer; }))
    return makeError(ErrorCode::Unauthenticated, "the KRL is signed by " + ssh::fingerprintSha256(*signer) +
                                                     ", not by the user CA key pinned at bootstrap");
  return okStatus();
}

// The installed KRL's version; 0 when there is none or it does not parse
// (a damaged file is better replaced than kept).
Result<uint64_t> installedVersion(const std::string& out, bool& sameBytes, const std::string& fresh) {
  auto old = readFile(out);
  if (!old.ok()) {
    if (old.error().code == ErrorCode::NotFound) return uint64_t{0};
    return std::move(old).error();
  }
  sameBytes = *old == fresh;
  auto parsed = ssh::parseKrl(asBytes(*old));
  return parsed.ok() ? parsed->version : uint64_t{0};
}

}  // namespace

Result<KrlSyncResult> installVerifiedKrl(const KrlDownload& download, const std::vector<PublicKey>& trustedKeys,
                                         const std::string& out) {
  SSHCA_RETURN_IF_ERROR(verifySignature(download, trustedKeys));
  auto krl = ssh::parseKrl(asBytes(download.krl));
  if (!krl.ok()) return std::move(krl).error().context("the downloaded KRL does not parse");
  bool sameBytes = false;
  SSHCA_ASSIGN_OR_RETURN(uint64_t current, installedVersion(out, sameBytes, download.krl));
  if (sameBytes) return KrlSyncResult::Unchanged;
  if (krl->version < current)
    return makeError(ErrorCode::PermissionDenied, "the CA's KRL (version " + std::to_string(krl->version) +
                                                      ") is older than the installed one (version " +
                                                      std::to_string(current) + "): a replay? not installed");
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(out, download.krl, 0644));
  return KrlSyncResult::Installed;
}

}  // namespace sshca::agent
