// POST /ssh/revoke and the KRL: an admin token (by serial) or the holder's
// SSHPOP proof revokes a certificate in the database; GET /ssh/krl serves
// what the database says is revoked.
#include "ca/service/authority/authority.h"
#include "ca/service/authority/issued_record.h"
#include "ca/service/policy/ssh_serial.h"

namespace sshca::authority {
namespace {

constexpr const char* kRevokeEndpoint = "/1.0/ssh/revoke";

std::string revocationReason(const api::RevokeSshRequest& request, const policy::Identity& who) {
  std::string reason = request.reason.empty() ? "reason code " + std::to_string(request.reasonCode) : request.reason;
  return reason + " (revoked by " + who.subject + " via " + who.provisioner + ")";
}

}  // namespace

// The CA that issued `serial`: the one `type` names, else whichever of the
// two has it (serials are random 64-bit values; both having it is refused
// rather than guessed).
Result<std::pair<const Authority::CaKey*, store::SshCertificateRecord>> Authority::findRevocable(
    uint64_t serial, std::optional<ssh::CertType> type) const {
  std::vector<const CaKey*> cas;
  if (!type || *type == ssh::CertType::User) cas.push_back(&userCa_);
  if (!type || *type == ssh::CertType::Host) cas.push_back(&hostCa_);
  std::optional<std::pair<const CaKey*, store::SshCertificateRecord>> found;
  for (const CaKey* ca : cas) {
    auto row = store_->findBySerial(ca->fingerprint, serial);
    if (!row.ok()) return std::move(row).error().context("looking up serial " + std::to_string(serial));
    if (!row->has_value()) continue;
    if (found)
      return makeError(ErrorCode::InvalidArgument,
                       "serial " + std::to_string(serial) + " was issued by both the user and the host CA key");
    found.emplace(ca, std::move(**row));
  }
  if (!found)
    return makeError(ErrorCode::NotFound,
                     "no certificate with serial " + std::to_string(serial) + " was issued by this CA");
  return std::move(*found);
}

Result<api::RevokeSshResponse> Authority::revokeSsh(const api::RevokeSshRequest& request) {
  const int64_t now = clock_();
  SSHCA_RETURN_IF_ERROR(rateLimits_.admitAddress(request.clientAddress));
  if (!request.passive)
    return makeError(ErrorCode::Unsupported,
                     "active revocation (passive: false) is not supported: sshca revokes "
                     "passively, through the KRL");
  SSHCA_ASSIGN_OR_RETURN(uint64_t serial, policy::parseSshSerial(request.serial, "serial"));
  SSHCA_ASSIGN_OR_RETURN(jose::JwsParts token, jose::parseCompact(request.ott));
  ProvisionerSetPtr set = currentProvisioners();
  SSHCA_ASSIGN_OR_RETURN(provisioners::ProvisionerPtr p, set->forToken(token));
  SSHCA_ASSIGN_OR_RETURN(provisioners::RevokeAuthorization auth,
                         p->authorizeSshRevoke(token, tokenContext(kRevokeEndpoint, now)));
  if (auth.serial != serial)
    return makeError(ErrorCode::PermissionDenied, "the token allows revoking serial " + std::to_string(auth.serial) +
                                                      ", not " + std::to_string(serial));
  SSHCA_ASSIGN_OR_RETURN(auto found, findRevocable(serial, auth.certType));
  // Spent before the revoked check, so that a replay says so (409 replayed)
  // rather than "already revoked".
  const policy::Identity& who = auth.identity;
  if (found.second.revokedAt) {
    const store::TokenUse use = makeTokenUse(who, now);
    SSHCA_RETURN_IF_ERROR(store_->useToken(use.tokenId, use.provisioner, use.expiresAt, use.now));
    return makeError(ErrorCode::AlreadyExists, "certificate serial " + std::to_string(serial) + " is already revoked");
  }
  // The token's use and the revocation commit together.
  SSHCA_RETURN_IF_ERROR(store_->revokeWithToken(found.first->fingerprint, serial, revocationReason(request, who), now,
                                                makeTokenUse(who, now)));
  return api::RevokeSshResponse{who.provisioner, who.subject};
}

Result<std::shared_ptr<const KrlSnapshot>> Authority::krlSnapshot() { return krlCache_->current(clock_()); }

Result<Bytes> Authority::krl() {
  SSHCA_ASSIGN_OR_RETURN(auto snapshot, krlSnapshot());
  return snapshot->krl;
}

Result<std::string> Authority::krlSignature() {
  SSHCA_ASSIGN_OR_RETURN(auto snapshot, krlSnapshot());
  return snapshot->signature;
}

}  // namespace sshca::authority
