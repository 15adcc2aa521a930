#include "agent/host/host_enroll.h"

#include "agent/ca_client/ca_api.h"
#include "agent/host/host_certificate_file.h"
#include "agent/host/sshpop_prover.h"

namespace sshca::agent {
namespace {

Result<ssh::Certificate> enrollWithToken(CaConnection& ca, const HostKeyFiles& files, const std::string& token) {
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, readPublicKeyFile(files.publicKey));
  auto cert = signHostKey(ca.client, key, token);
  if (!cert.ok()) return std::move(cert).error().context("enrolling " + files.publicKey);
  SSHCA_RETURN_IF_ERROR(installHostCertificate(files, *cert, key, ca.state.hostCaKeys));
  return cert;
}

Result<ssh::Certificate> enrollByRekey(CaConnection& ca, SshpopProver& prover, const HostKeyFiles& first,
                                       const ssh::Certificate& proof, const HostKeyFiles& files) {
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, readPublicKeyFile(files.publicKey));
  SSHCA_ASSIGN_OR_RETURN(std::string sshpop, prover.token("rekey", proof, first.privateKey));
  auto cert = rekeyHostCertificate(ca.client, sshpop, key);
  if (!cert.ok()) return std::move(cert).error().context("enrolling " + files.publicKey + " (SSHPOP rekey)");
  SSHCA_RETURN_IF_ERROR(installHostCertificate(files, *cert, key, ca.state.hostCaKeys));
  return cert;
}

}  // namespace

Result<int> enrollHostKeys(CaConnection& ca, const std::vector<HostKeyFiles>& keys, const std::string& token,
                           std::ostream& log) {
  if (keys.empty()) return makeError(ErrorCode::InvalidArgument, "no host keys to enroll");
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate first, enrollWithToken(ca, keys[0], token));
  log << "sshca-agent: wrote " << keys[0].certificate << " (" << describeCertificate(first) << ")\n";
  SshpopProver prover(ca.client, ca.state.caUrl);
  for (size_t i = 1; i < keys.size(); ++i) {
    SSHCA_ASSIGN_OR_RETURN(ssh::Certificate cert, enrollByRekey(ca, prover, keys[0], first, keys[i]));
    log << "sshca-agent: wrote " << keys[i].certificate << " (" << describeCertificate(cert) << ")\n";
  }
  return static_cast<int>(keys.size());
}

}  // namespace sshca::agent
