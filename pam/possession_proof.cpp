#include "pam/possession_proof.h"

#include "ca/core/ssh/sshsig.h"

namespace sshca::pam {

Status provePossession(const AgentSignFn& sign, const ssh::Certificate& cert, RandomSource& rng) {
  constexpr std::string_view kHash = "sha512";
  SSHCA_ASSIGN_OR_RETURN(Bytes challenge, rng.bytes(kChallengeBytes));
  SSHCA_ASSIGN_OR_RETURN(Bytes toSign, ssh::sshsigSignedData(ssh::kPamSignatureNamespace, kHash, challenge));
  auto signature = sign(cert.wire, toSign);
  if (!signature.ok()) return std::move(signature).error().context("asking the agent to sign the challenge");
  const Bytes sshsig =
      ssh::encodeSshsig({cert.key, std::string(ssh::kPamSignatureNamespace), std::string(kHash), *signature, {}});
  auto signer = ssh::sshsigVerify(sshsig, ssh::kPamSignatureNamespace, challenge);
  if (!signer.ok())
    return makeError(ErrorCode::Unauthenticated,
                     "the agent's signature of the challenge does not verify: " + signer.error().message);
  if (!(*signer == cert.key))
    return makeError(ErrorCode::Unauthenticated, "the agent signed the challenge with a different key");
  return okStatus();
}

}  // namespace sshca::pam
