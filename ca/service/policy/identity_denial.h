// Offboarding (`sshca deny`): which names of a caller a denial can match,
// and the refusal when one does. The authority looks the names up in the
// database (store/deny_list_store.h) before it signs; what counts as the
// caller's names, and what the refusal says, is decided here.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"
#include "ca/service/policy/identity.h"
#include "ca/service/store/denied_identity.h"

namespace sshca::policy {

// The names a certificate for `who` with `keyId` over `key` goes by: the
// provisioner's subject and an OIDC "sub" (kind subject), an OIDC email in
// lower case (kind email), the certificate's key ID, and the fingerprint of
// the key it certifies. A renewal or rekey names the same ones through the
// certificate it replaces (its recorded subject and key ID); POST
// /x509/sign through the host certificate it proves (a denied host gets no
// TLS certificate).
std::vector<store::DenyKey> denyKeysFor(const Identity& who, const std::string& keyId, const PublicKey& key);

// PermissionDenied naming the first denial and its reason, or ok when
// `found` is empty.
Status refuseIfDenied(const std::vector<store::DeniedIdentity>& found);

// The value a denial of `kind` is stored under: emails in lower case (an
// identity provider may change their case), others as given. InvalidArgument
// for an unknown kind or an empty value.
Result<store::DenyKey> normalizedDenyKey(const std::string& kind, const std::string& value);

}  // namespace sshca::policy
