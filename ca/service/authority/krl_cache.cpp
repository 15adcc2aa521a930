#include "ca/service/authority/krl_cache.h"

#include "ca/core/ssh/sshsig.h"

namespace sshca::authority {

KrlCache::KrlCache(store::SshCertificateStore& store, std::vector<KrlCaKey> cas, SignerPtr signer)
    : store_(store), cas_(std::move(cas)), signer_(std::move(signer)) {}

Result<std::shared_ptr<const KrlSnapshot>> KrlCache::current(int64_t now) {
  auto version = store_.krlVersion();
  if (!version.ok()) return std::move(version).error().context("reading the KRL version");
  std::lock_guard lock(mu_);
  if (snapshot_ && snapshot_->version == *version && now - snapshot_->builtAt < kMaxAgeSeconds) return snapshot_;
  SSHCA_ASSIGN_OR_RETURN(snapshot_, build(*version, now));
  return snapshot_;
}

Result<std::shared_ptr<const KrlSnapshot>> KrlCache::build(uint64_t version, int64_t now) {
  SSHCA_ASSIGN_OR_RETURN(ssh::Krl krl, buildKrl(store_, cas_, version, now));
  auto snapshot = std::make_shared<KrlSnapshot>();
  snapshot->version = version;
  snapshot->builtAt = now;
  snapshot->krl = ssh::encodeKrl(krl);
  auto sig = ssh::sshsigSign(*signer_, ssh::kKrlSignatureNamespace, snapshot->krl);
  if (!sig.ok()) return std::move(sig).error().context("signing the KRL");
  snapshot->signature = ssh::armorSshsig(*sig);
  return std::shared_ptr<const KrlSnapshot>(std::move(snapshot));
}

}  // namespace sshca::authority
