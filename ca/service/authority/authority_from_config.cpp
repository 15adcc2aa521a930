// Building the authority from ca.json: the one place that opens the token,
// the database and the provisioner implementations.
#include <stdlib.h>

#include <algorithm>
#include <ctime>

#include "ca/core/common/file_io.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/service/authority/authority.h"
#include "ca/service/store/store_factory.h"

namespace sshca::authority {
namespace {

// SoftHSM2 reads SOFTHSM2_CONF once, in C_Initialize: it must be set
// before the module is first used, and for the whole process.
Status exportSoftHsmConf(const config::CaConfig& config) {
  if (config.softhsm2Conf.empty()) return okStatus();
  if (setenv("SOFTHSM2_CONF", config.softhsm2Conf.c_str(), 1) != 0)
    return makeError(ErrorCode::Internal, "cannot set SOFTHSM2_CONF");
  return okStatus();
}

Result<SignerPtr> openCaSigner(KeyManager& keys, const std::string& keyUri, std::string_view what) {
  auto ref = parseKeyUri(keyUri);
  if (!ref.ok()) return std::move(ref).error().context(what);
  auto signer = keys.createSigner(*ref);
  if (!signer.ok()) return std::move(signer).error().context(what);
  return std::move(signer).value();
}

// SQLite or PostgreSQL, as config.db says. PostgreSQL keeps one connection
// per HTTP worker, plus one for the main thread's token pruning.
Result<std::unique_ptr<store::SshIssuanceStore>> openStore(const config::CaConfig& config) {
  size_t threads = config::authorityThreads(config) + 1;
  return store::openSshIssuanceStore(config.db, threads);
}

std::string withoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The X.509 intermediate, when ca.json names its key and certificate: it
// signs the TLS certificates of POST /x509/sign. Their record
// is in the CA's database, beside the SSH certificates.
// TLS certificates are signed far less often than SSH ones (a host renews
// one a month): a few PostgreSQL connections serve them, and more would
// only count against the server's max_connections. A request that finds
// them all lent out waits for one.
constexpr size_t kX509StoreConnections = 4;

Status openIntermediate(const config::CaConfig& config, KeyManager& keys, AuthorityParts& parts) {
  if (config.x509.intermediateKey.empty() || config.x509.intermediateCert.empty()) return okStatus();
  size_t connections = std::min(config::authorityThreads(config), kX509StoreConnections);
  SSHCA_ASSIGN_OR_RETURN(auto certificates, store::openCertificateStore(config.db, connections));
  SSHCA_ASSIGN_OR_RETURN(SignerPtr signer, openCaSigner(keys, config.x509.intermediateKey, "X.509 intermediate key"));
  auto pem = readFile(config.x509.intermediateCert);
  if (!pem.ok()) return std::move(pem).error().context("the intermediate certificate");
  auto cert = x509::certificateFromPemOrDer(*pem);
  if (!cert.ok()) return std::move(cert).error().context(config.x509.intermediateCert);
  // Checked once at start: an intermediate that expires later refuses
  // each certificate that would outlive it (IssuingCa::checkWithin).
  const std::time_t now = std::time(nullptr);  // lint: clock (the CA's start, before the authority's clock exists)
  auto ca = x509::IssuingCa::create(std::move(cert).value(), std::move(signer), now);
  if (!ca.ok()) return std::move(ca).error().context(config.x509.intermediateCert);
  parts.intermediate.emplace(std::move(ca).value());
  parts.certificates = std::move(certificates);
  return okStatus();
}

Status openKeys(const config::CaConfig& config, AuthorityParts& parts) {
  SSHCA_RETURN_IF_ERROR(exportSoftHsmConf(config));
  SSHCA_ASSIGN_OR_RETURN(KmsUri kms, parseKmsUri(config.kms));
  Pkcs11Options options;
  options.maxSessions = config.hsm.maxConcurrentSignatures;
  options.sessionWait = std::chrono::milliseconds(config.hsm.signWaitMs);
  auto opened = openPkcs11KeyManager(kms, options);
  if (!opened.ok()) return std::move(opened).error().context("opening the token");
  std::unique_ptr<KeyManager> keys = std::move(opened).value();
  // The signers keep the token, its login and its session pool; /health
  // asks them (Signer::ready), which finds the token again if it went away.
  SSHCA_ASSIGN_OR_RETURN(parts.userCa, openCaSigner(*keys, config.ssh.userKey, "SSH user CA key"));
  SSHCA_ASSIGN_OR_RETURN(parts.hostCa, openCaSigner(*keys, config.ssh.hostKey, "SSH host CA key"));
  return openIntermediate(config, *keys, parts);
}

}  // namespace

Result<std::unique_ptr<Authority>> Authority::create(const config::CaConfig& config) {
  AuthorityParts parts;
  parts.caUrl = withoutTrailingSlash(config.url);
  parts.caNames = config.dnsNames;
  SSHCA_RETURN_IF_ERROR(openKeys(config, parts));
  SSHCA_ASSIGN_OR_RETURN(parts.root, loadRootCertificate(config.x509.rootCert));
  SSHCA_ASSIGN_OR_RETURN(parts.store, openStore(config));
  SSHCA_ASSIGN_OR_RETURN(parts.provisioners, buildProvisionerSet(config));
  parts.perAddress = {config.limits.perAddress.perSecond, config.limits.perAddress.burst};
  parts.perProvisioner = {config.limits.perProvisioner.perSecond, config.limits.perProvisioner.burst};
  parts.exemptLoopbackFromLimits = config.limits.exemptLoopback;
  return fromParts(std::move(parts));
}

Status Authority::reloadProvisioners(const config::CaConfig& config) {
  SSHCA_ASSIGN_OR_RETURN(ProvisionerSetPtr set, buildProvisionerSet(config));
  replaceProvisioners(std::move(set));
  return okStatus();
}

}  // namespace sshca::authority
