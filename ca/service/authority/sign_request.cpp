#include "ca/service/authority/sign_request.h"

#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/service/authority/request_time.h"

namespace sshca::authority {

Result<PublicKey> parseSubjectKey(const Bytes& wire) {
  auto key = ssh::parsePublicKeyWire(wire);
  if (!key.ok()) return std::move(key).error().context("field \"publicKey\"");
  // Checked before the token is even looked at: a key we would never
  // certify should not spend the caller's one-time token.
  SSHCA_RETURN_IF_ERROR(ssh::checkSubjectKey(*key));
  return std::move(key).value();
}

Result<policy::SshSignRequest> toPolicyRequest(const api::SignSshRequest& request, PublicKey key,
                                               const policy::Identity& who, int64_t now) {
  policy::SshSignRequest out{.key = std::move(key)};
  out.certType = request.certType.value_or(who.certType);
  out.keyId = request.keyId;
  out.principals = request.principals;
  SSHCA_ASSIGN_OR_RETURN(out.validAfter, parseRequestTime(request.validAfter, now, "validAfter"));
  SSHCA_ASSIGN_OR_RETURN(out.validBefore, parseRequestTime(request.validBefore, now, "validBefore"));
  // "-1m", "0" or a past time: a certificate expired on arrival is no use
  // to anyone, and issuing it would spend the token for nothing. Refused
  // before the token is spent. Positive durations ("2h0m0s") stay accepted.
  if (out.validBefore && *out.validBefore <= static_cast<uint64_t>(now))
    return makeError(ErrorCode::InvalidArgument,
                     "field \"validBefore\" is not in the future: the certificate would be expired on arrival");
  return out;
}

}  // namespace sshca::authority
