// The KRL GET /ssh/krl serves and its SSHSIG signature (GET /ssh/krl.sig).
// Built once per KRL version: every request reads the store's version (a
// cheap read) and rebuilds only when it moved, so that a revocation made
// by another CA instance on a shared database shows up on the next GET.
// The KRL and its signature are built and swapped together, so a client
// that fetches both between two revocations gets a matching pair.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/signer.h"
#include "ca/service/authority/krl_builder.h"
#include "ca/service/store/ssh_certificate_store.h"

namespace sshca::authority {

struct KrlSnapshot {
  uint64_t version = 0;
  int64_t builtAt = 0;
  Bytes krl;              // PROTOCOL.krl binary
  std::string signature;  // armoured SSHSIG over `krl`, namespace "sshca-krl"
};

class KrlCache {
 public:
  // A snapshot older than this is rebuilt even at the same version, so
  // that certificates that expired since drop out of the list.
  static constexpr int64_t kMaxAgeSeconds = 3600;

  // `store` and `signer` are borrowed / shared and must outlive the cache.
  KrlCache(store::SshCertificateStore& store, std::vector<KrlCaKey> cas, SignerPtr signer);

  // The snapshot for the store's current version.
  Result<std::shared_ptr<const KrlSnapshot>> current(int64_t now);

 private:
  Result<std::shared_ptr<const KrlSnapshot>> build(uint64_t version, int64_t now);

  store::SshCertificateStore& store_;
  std::vector<KrlCaKey> cas_;
  SignerPtr signer_;
  std::mutex mu_;  // one build at a time; readers of a fresh snapshot wait only for the version read
  std::shared_ptr<const KrlSnapshot> snapshot_;
};

}  // namespace sshca::authority
