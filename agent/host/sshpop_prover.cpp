#include "agent/host/sshpop_prover.h"

#include <ctime>

#include "agent/ca_client/ca_api.h"
#include "ca/core/common/random.h"
#include "ca/core/jose/sshpop_token.h"
#include "ca/core/kms/soft/soft_signer.h"

namespace sshca::agent {

Result<std::string> SshpopProver::provisionerName() {
  if (!provisioner_) { SSHCA_ASSIGN_OR_RETURN(provisioner_, fetchSshpopProvisionerName(ca_)); }
  return *provisioner_;
}

Result<std::string> SshpopProver::token(const std::string& endpoint, const ssh::Certificate& cert,
                                        const std::string& privateKeyPath) {
  auto signer = loadSoftSigner(privateKeyPath);
  if (!signer.ok()) return std::move(signer).error().context("reading the host private key");
  if (!((*signer)->publicKey() == cert.key))
    return makeError(ErrorCode::InvalidArgument, privateKeyPath +
                                                     " is not the key of the certificate it should prove (serial " +
                                                     std::to_string(cert.serial) + ")");
  SSHCA_ASSIGN_OR_RETURN(std::string provisioner, provisionerName());
  jose::SshpopTokenRequest req;
  req.provisioner = provisioner;
  req.caUrl = caUrl_;
  req.endpoint = endpoint;
  req.certificate = cert.wire;
  req.serial = cert.serial;
  req.now = static_cast<int64_t>(std::time(nullptr));
  return jose::mintSshpopToken(req, **signer, systemRandom());
}

}  // namespace sshca::agent
