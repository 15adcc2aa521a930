// POST /ssh/renew and /ssh/rekey: a host proves it holds a certificate of
// this CA (SSHPOP) and gets its replacement. The proof is the
// provisioner's; that the certificate is on record, not revoked and not
// replaced already is checked here against the database; what the
// replacement holds is policy's; the new certificate, the replacement
// (old -> new, the renewal chain a revocation follows) and the spent
// token commit together.
#include "ca/core/common/wait_for_answer.h"
#include "ca/service/authority/authority.h"
#include "ca/service/authority/sign_request.h"
#include "ca/service/policy/ssh_renewal.h"

namespace sshca::authority {
namespace {

constexpr const char* kRenewEndpoint = "/1.0/ssh/renew";
constexpr const char* kRekeyEndpoint = "/1.0/ssh/rekey";

Error notProven(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }

}  // namespace

provisioners::TokenContext Authority::tokenContext(const char* endpoint, int64_t now) const {
  provisioners::TokenContext ctx{caUrl_, endpoint, now};
  ctx.caNames = caNames_;
  ctx.userCaKey = userCa_.signer->publicKey();
  ctx.hostCaKey = hostCa_.signer->publicKey();
  return ctx;
}

Result<Authority::Proven> Authority::proveCertificate(const std::string& ott, const char* endpoint, ProofCheck check,
                                                      int64_t now) const {
  SSHCA_ASSIGN_OR_RETURN(jose::JwsParts token, jose::parseCompact(ott));
  ProvisionerSetPtr set = currentProvisioners();
  SSHCA_ASSIGN_OR_RETURN(provisioners::ProvisionerPtr p, set->forToken(token));
  SSHCA_ASSIGN_OR_RETURN(provisioners::CertificateProof proof, ((*p).*check)(token, tokenContext(endpoint, now)));
  SSHCA_RETURN_IF_ERROR(checkOnRecord(proof.certificate, proof.identity));
  SSHCA_RETURN_IF_ERROR(checkNotReplaced(proof.certificate));
  return Proven{std::move(p), std::move(proof)};
}

// Only the newest certificate of a chain renews: an older certificate and
// its key (an old disk, a restored backup) cannot fork the chain. Checked
// before signing so that a refusal costs no HSM call; recordReplacement
// checks again in the transaction that records the new certificate.
Status Authority::checkNotReplaced(const ssh::Certificate& cert) const {
  const CaKey& ca = cert.type == ssh::CertType::User ? userCa_ : hostCa_;
  auto next = store_->replacementOf(ca.fingerprint, cert.serial);
  if (!next.ok())
    return std::move(next).error().context("looking up the replacement of serial " + std::to_string(cert.serial));
  if (next->has_value()) return store::certificateAlreadyReplaced(cert.serial, **next);
  return okStatus();
}

// A certificate this CA signed but never recorded (a lost database, a key
// used outside the CA) proves nothing; nor does a revoked one. The
// replacement is recorded under the subject that first asked for it.
Status Authority::checkOnRecord(const ssh::Certificate& cert, policy::Identity& who) const {
  const CaKey& ca = cert.type == ssh::CertType::User ? userCa_ : hostCa_;
  const std::string serial = std::to_string(cert.serial);
  auto row = store_->findBySerial(ca.fingerprint, cert.serial);
  if (!row.ok()) return std::move(row).error().context("looking up certificate serial " + serial);
  if (!row->has_value()) return notProven("certificate serial " + serial + " is not on record at this CA");
  if ((*row)->certificate != cert.wire)
    return notProven("certificate serial " + serial + " differs from the one on record at this CA");
  if ((*row)->revokedAt) return notProven("certificate serial " + serial + " has been revoked");
  if (!(*row)->subject.empty()) who.subject = (*row)->subject;
  return okStatus();
}

void Authority::issueReplacementThen(const Proven& proven, ssh::CertTemplate tmpl, int64_t now, CertificateDone done) {
  const policy::Identity& who = proven.proof.identity;
  const ssh::Certificate& old = proven.proof.certificate;
  const CaKey& oldCa = old.type == ssh::CertType::User ? userCa_ : hostCa_;
  IssuedDone answer = answerFor(who, std::move(done));
  signAndRecordThen(
      Issue{std::move(tmpl), who, now, store::ReplacedCertificate{oldCa.fingerprint, old.serial}, std::move(answer)});
}

Result<api::SshCertificateResponse> Authority::renewSsh(const api::RenewSshRequest& request) {
  return waitForAnswer<api::SshCertificateResponse>(
      [&](CertificateDone done) { renewSshThen(request, std::move(done)); });
}

Result<api::SshCertificateResponse> Authority::rekeySsh(const api::RekeySshRequest& request) {
  return waitForAnswer<api::SshCertificateResponse>(
      [&](CertificateDone done) { rekeySshThen(request, std::move(done)); });
}

void Authority::renewSshThen(const api::RenewSshRequest& request, CertificateDone done) {
  const int64_t now = clock_();
  auto planned = [&]() -> Result<std::pair<Proven, ssh::CertTemplate>> {
    SSHCA_RETURN_IF_ERROR(rateLimits_.admitAddress(request.clientAddress));
    SSHCA_ASSIGN_OR_RETURN(Proven proven, proveCertificate(request.ott, kRenewEndpoint,
                                                           &provisioners::Provisioner::authorizeSshRenew, now));
    SSHCA_RETURN_IF_ERROR(rateLimits_.admitProvisioner(request.clientAddress, proven.provisioner->name()));
    SSHCA_ASSIGN_OR_RETURN(ssh::CertTemplate tmpl,
                           policy::applySshRenewPolicy(proven.proof.certificate, proven.provisioner->policy(),
                                                       static_cast<uint64_t>(now)));
    return std::pair{std::move(proven), std::move(tmpl)};
  }();
  if (!planned.ok()) return done(std::move(planned).error());
  issueReplacementThen(planned->first, std::move(planned->second), now, std::move(done));
}

void Authority::rekeySshThen(const api::RekeySshRequest& request, CertificateDone done) {
  const int64_t now = clock_();
  auto planned = [&]() -> Result<std::pair<Proven, ssh::CertTemplate>> {
    SSHCA_RETURN_IF_ERROR(rateLimits_.admitAddress(request.clientAddress));
    SSHCA_ASSIGN_OR_RETURN(PublicKey key, parseSubjectKey(request.publicKey));
    SSHCA_ASSIGN_OR_RETURN(Proven proven, proveCertificate(request.ott, kRekeyEndpoint,
                                                           &provisioners::Provisioner::authorizeSshRekey, now));
    SSHCA_RETURN_IF_ERROR(rateLimits_.admitProvisioner(request.clientAddress, proven.provisioner->name()));
    SSHCA_ASSIGN_OR_RETURN(ssh::CertTemplate tmpl,
                           policy::applySshRekeyPolicy(proven.proof.certificate, key, proven.provisioner->policy(),
                                                       static_cast<uint64_t>(now)));
    return std::pair{std::move(proven), std::move(tmpl)};
  }();
  if (!planned.ok()) return done(std::move(planned).error());
  issueReplacementThen(planned->first, std::move(planned->second), now, std::move(done));
}

}  // namespace sshca::authority
