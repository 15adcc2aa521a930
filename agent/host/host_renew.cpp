#include "agent/host/host_renew.h"

#include <ctime>
#include <filesystem>

#include "agent/ca_client/ca_api.h"
#include "agent/host/host_certificate_file.h"
#include "agent/host/issued_host_certificate.h"
#include "agent/host/new_host_key.h"
#include "agent/host/sshpop_prover.h"
#include "ca/core/common/file_io.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {
namespace {

enum class Step { Renewed, NotDue, Skipped };

// The .pub's comment, kept for the new key.
std::string publicKeyComment(const HostKeyFiles& files) {
  auto text = readFile(files.publicKey);
  if (!text.ok()) return "";
  auto line = ssh::parsePublicKeyLine(text->substr(0, text->find('\n')));
  return line.ok() ? line->comment : "";
}

Status renewSameKey(CaConnection& ca, SshpopProver& prover, const HostKeyFiles& files, const ssh::Certificate& old) {
  SSHCA_ASSIGN_OR_RETURN(std::string sshpop, prover.token("renew", old, files.privateKey));
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate fresh, renewHostCertificate(ca.client, sshpop));
  return installHostCertificate(files, fresh, old.key, ca.state.hostCaKeys);
}

// The new key is installed only once the CA certified it, and the
// certificate right after: sshd never reads a key without its certificate
// for longer than two renames.
Status rekey(CaConnection& ca, SshpopProver& prover, const HostKeyFiles& files, const ssh::Certificate& old) {
  SSHCA_ASSIGN_OR_RETURN(NewHostKey key, NewHostKey::generateLike(old.key, files, publicKeyComment(files)));
  SSHCA_ASSIGN_OR_RETURN(std::string sshpop, prover.token("rekey", old, files.privateKey));
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate fresh, rekeyHostCertificate(ca.client, sshpop, key.publicKey()));
  auto checked = checkIssuedHostCertificate(fresh, key.publicKey(), ca.state.hostCaKeys,
                                            static_cast<uint64_t>(std::time(nullptr)));
  if (!checked.ok()) return std::move(checked).error().context("not installing the new key");
  SSHCA_RETURN_IF_ERROR(key.install(files));
  Status installed = installHostCertificate(files, fresh, key.publicKey(), ca.state.hostCaKeys);
  if (!installed.ok()) {
    Status restored = key.restore(files);
    if (!restored.ok())
      return makeError(
          installed.error().code,
          installed.error().message + "; the old key could not be put back either: " + restored.error().message);
  }
  return installed;
}

Result<Step> renewOne(CaConnection& ca, SshpopProver& prover, const HostKeyFiles& files, const RenewOptions& o,
                      uint64_t now) {
  std::error_code ec;
  if (!o.keysGiven && !std::filesystem::exists(files.certificate, ec)) return Step::Skipped;
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate old, readCertificateFile(files.certificate));
  if (old.type != ssh::CertType::Host)
    return makeError(ErrorCode::InvalidArgument, files.certificate + " is not a host certificate");
  if (!o.force && !renewalDue(old, now)) return Step::NotDue;
  SSHCA_RETURN_IF_ERROR(o.rekey ? rekey(ca, prover, files, old) : renewSameKey(ca, prover, files, old));
  return Step::Renewed;
}

}  // namespace

bool renewalDue(const ssh::Certificate& cert, uint64_t now) {
  if (cert.validBefore <= cert.validAfter || now >= cert.validBefore) return true;
  return cert.validBefore - now < (cert.validBefore - cert.validAfter) / 3;
}

RenewOutcome renewHostCertificates(CaConnection& ca, const std::vector<HostKeyFiles>& keys, const RenewOptions& options,
                                   std::ostream& log) {
  RenewOutcome out;
  SshpopProver prover(ca.client, ca.state.caUrl);
  uint64_t now = static_cast<uint64_t>(std::time(nullptr));
  for (const auto& files : keys) {
    auto step = renewOne(ca, prover, files, options, now);
    if (!step.ok()) {
      ++out.failed;
      log << "sshca-agent: " << files.certificate << ": " << step.error().message << "\n";
    } else if (*step == Step::Renewed) {
      ++out.renewed;
      auto fresh = readCertificateFile(files.certificate);
      log << "sshca-agent: " << (options.rekey ? "rekeyed " : "renewed ") << files.certificate
          << (fresh.ok() ? " (" + describeCertificate(*fresh) + ")" : "") << "\n";
    } else if (*step == Step::NotDue) {
      ++out.notDue;
      log << "sshca-agent: " << files.certificate << " is not due for renewal\n";
    }
  }
  return out;
}

}  // namespace sshca::agent
