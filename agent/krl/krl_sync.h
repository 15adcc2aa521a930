// krl sync: install the CA's current KRL for sshd's RevokedKeys, only when
// it is signed (SSHSIG, namespace sshca-krl) by the user CA key pinned at
// bootstrap, parses as a KRL and is not older than the installed one.
// Whatever fails, the installed file stays as it was.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca::agent {

inline constexpr const char* kDefaultKrlFile = "/etc/ssh/sshca_revoked.krl";

enum class KrlSyncResult { Installed, Unchanged };

struct KrlDownload {
  std::string krl;        // binary KRL
  std::string signature;  // SSHSIG, armored ("-----BEGIN SSH SIGNATURE-----") or binary
};

// Checks the download against the trusted keys and the installed file at
// `out`, then replaces `out` atomically (owner and mode kept, new 0644).
Result<KrlSyncResult> installVerifiedKrl(const KrlDownload& download, const std::vector<PublicKey>& trustedKeys,
                                         const std::string& out);

}  // namespace sshca::agent
