// The CA's pipeline (docs/architecture.md):
// decode the key, authenticate the token through its provisioner, let
// policy build the template, sign on the HSM, record the certificate
// together with the spent token in one durable transaction, and only then
// return it. The authority holds the flow only: HTTP is api/'s, decisions
// are policy/'s, authentication is provisioners/'.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/signer.h"
#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/issuing_ca.h"
#include "ca/core/x509/leaf_certificate.h"
#include "ca/core/x509/revocation_reason.h"
#include "ca/core/x509/subject_alt_name.h"
#include "ca/service/api/authority_api.h"
#include "ca/service/authority/krl_cache.h"
#include "ca/service/authority/provisioner_set.h"
#include "ca/service/authority/request_rate_limits.h"
#include "ca/service/authority/root_certificate.h"
#include "ca/service/authority/signature_timings.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/store/certificate_store.h"
#include "ca/service/store/ssh_issuance_store.h"

namespace sshca::authority {

// Everything the pipeline works with, built by create() from ca.json or by
// a test from software keys and fakes.
struct AuthorityParts {
  std::string caUrl;                 // token audiences are bound to it (no trailing slash)
  std::vector<std::string> caNames;  // ca.json dnsNames: token audiences name them too
  SignerPtr userCa;
  SignerPtr hostCa;
  RootCertificate root;
  std::unique_ptr<store::SshIssuanceStore> store;
  ProvisionerSetPtr provisioners;
  // For /health: a cheap check that the CA keys can sign (no signature).
  // Default: both signers' ready() within api::kHealthBudget.
  std::function<Status()> hsmProbe;
  std::function<int64_t()> clock;         // seconds since the epoch; default: the system clock
  RandomSource* rng = nullptr;            // serials and nonces; default: systemRandom(); borrowed
  RateLimit perAddress;                   // requests per client address; default: none
  RateLimit perProvisioner;               // authenticated requests per provisioner; default: none
  bool exemptLoopbackFromLimits = false;  // requests from this machine pass both
  // The X.509 intermediate (its key on the token) and the record of the TLS
  // certificates it issues. Both or neither: without them /x509/sign
  // answers Unsupported.
  std::optional<x509::IssuingCa> intermediate;
  std::unique_ptr<store::CertificateStore> certificates;
};

// Who a TLS certificate is issued to, for its database record.
struct TlsIssuedTo {
  std::string provisioner;
  std::optional<uint64_t> sshSerial;  // the SSH host certificate proven (POST /x509/sign)
  std::string subject;                // for the log line
  // The one-time token the request spends, in the transaction that records
  // the certificate (none: the certificate alone).
  std::optional<store::TokenUse> spends;
};

class Authority final : public api::AuthorityApi {
 public:
  // Opens the token (exporting SOFTHSM2_CONF first when the config names
  // one), the CA signers, the root, the database and the provisioners.
  static Result<std::unique_ptr<Authority>> create(const config::CaConfig& config);
  // InvalidArgument when a part is missing.
  static Result<std::unique_ptr<Authority>> fromParts(AuthorityParts parts);
  // Closes the store first: writes still queued answer into this authority
  // (noteCommit, a serial's retry), so they finish while it is whole.
  ~Authority() override;

  // Rebuilds the provisioners (and their policies) from `config` and swaps
  // them in at once; requests in flight finish with the set they started
  // with. On error nothing changes.
  Status reloadProvisioners(const config::CaConfig& config);

  // Forgets spent one-time tokens that no provisioner would accept any more
  // (Identity::tokenUsableUntil, their exp plus the verifier's leeway), with
  // a margin for instances whose clocks differ: a replay of one is refused
  // by its exp claim anyway, so the table stays small.
  Status pruneSpentTokens();
  void replaceProvisioners(ProvisionerSetPtr set);

  const std::string& rootFingerprint() const { return root_.fingerprint; }
  // The store's commit counts, for the metrics (nullopt: PostgreSQL).
  std::optional<store::CommitCounts> commitCounts() const { return store_->commitCounts(); }
  // The latency of the user (host == false) or host CA key's signatures.
  SignatureTimings::Snapshot signatureTimings(bool host) const {
    return (host ? hostTimings_ : userTimings_)->snapshot();
  }
  // The latest validBefore of any certificate the user or host CA key has
  // issued (revoked ones too); nullopt before the first.
  Result<std::optional<uint64_t>> newestCertificateExpiry(bool host) const;

  api::HealthReport health() override;
  Result<std::vector<api::RootCertificateInfo>> rootCertificates() override;
  Result<api::SshRoots> sshRoots() override;
  // signSsh waits for signSshThen's answer.
  Result<api::SignSshResponse> signSsh(const api::SignSshRequest& request) override;
  // Answers from the store's commit once the certificate and its token
  // are durable (SQLite: on its writer thread, or here when nothing else
  // is being written), so under load no thread waits out the fsync.
  void signSshThen(const api::SignSshRequest& request, CertificateDone done) override;
  Result<api::SshCertificateResponse> renewSsh(const api::RenewSshRequest& request) override;
  Result<api::SshCertificateResponse> rekeySsh(const api::RekeySshRequest& request) override;
  void renewSshThen(const api::RenewSshRequest& request, CertificateDone done) override;
  void rekeySshThen(const api::RekeySshRequest& request, CertificateDone done) override;
  Result<api::RevokeSshResponse> revokeSsh(const api::RevokeSshRequest& request) override;
  Result<Bytes> krl() override;
  Result<std::string> krlSignature() override;
  Result<std::vector<api::ProvisionerInfo>> provisioners() override;
  Result<std::vector<api::SshConfigTemplate>> sshConfig(const api::SshConfigRequest& request) override;
  Result<bool> sshHostExists(const std::string& principal, const std::string& clientAddress) override;
  Result<std::string> provisionerEncryptedKey(const std::string& kid) override;
  Result<api::X509Certificate> signX509(const api::X509SignRequest& request) override;

  // Issues a TLS server certificate for a verified request, for names the
  // caller has already authorised (policy for /x509/sign, the order's
  // authorizations for ACME): the certificate carries exactly
  // `authorisedNames`, and a request asking for a name outside them, or
  // for CA:TRUE, is refused (PermissionDenied) before the token is asked.
  // Signed by the intermediate on the token, the signature checked, the
  // certificate recorded, then returned with its chain.
  Result<api::X509Certificate> issueTlsCertificate(const x509::RequestContents& csr,
                                                   const std::vector<x509::SubjectAltName>& authorisedNames,
                                                   std::pair<std::time_t, std::time_t> validity,
                                                   const TlsIssuedTo& issuedTo);
  // Marks a TLS certificate of issueTlsCertificate revoked for the CRL.
  // NotFound for an unknown serial, AlreadyExists if it is revoked already.
  Status revokeTlsCertificate(const std::string& serialHex, x509::RevocationReason reason, std::time_t at);

 private:
  struct CaKey {
    SignerPtr signer;
    std::string fingerprint;  // serials are unique per CA key
  };
  struct Caller {
    provisioners::ProvisionerPtr provisioner;
    policy::Identity identity;
  };

  // What an SSHPOP (or admin) token established, with the store's row of
  // the certificate it names.
  using ProofCheck = Result<provisioners::CertificateProof> (provisioners::Provisioner::*)(
      const jose::JwsParts&, const provisioners::TokenContext&) const;
  struct Proven {
    provisioners::ProvisionerPtr provisioner;
    provisioners::CertificateProof proof;
  };

  explicit Authority(AuthorityParts parts);
  provisioners::TokenContext tokenContext(const char* endpoint, int64_t now) const;
  Result<Proven> proveCertificate(const std::string& ott, const char* endpoint, ProofCheck check, int64_t now) const;
  Status checkOnRecord(const ssh::Certificate& cert, policy::Identity& who) const;
  Status checkNotReplaced(const ssh::Certificate& cert) const;
  void issueReplacementThen(const Proven& proven, ssh::CertTemplate tmpl, int64_t now, CertificateDone done);
  Result<std::pair<const CaKey*, store::SshCertificateRecord>> findRevocable(uint64_t serial,
                                                                             std::optional<ssh::CertType> type) const;
  Result<std::shared_ptr<const KrlSnapshot>> krlSnapshot();
  ProvisionerSetPtr currentProvisioners() const;
  Result<Caller> authenticate(const std::string& ott, int64_t now) const;
  // PermissionDenied when a name of the caller is denied (`sshca deny`);
  // a database that cannot answer refuses too.
  Status checkNotDenied(const policy::Identity& who, const std::string& keyId, const PublicKey& key) const;
  // What signSsh signs, for whom, once the caller is authenticated and
  // policy has spoken.
  struct SshPlan {
    ssh::CertTemplate tmpl;
    policy::Identity who;
  };
  Result<SshPlan> planSignSsh(const api::SignSshRequest& request, int64_t now);
  // One issuance in flight: what to sign, for whom, and who hears of it.
  using IssuedDone = std::function<void(Result<ssh::Certificate>)>;
  struct Issue {
    ssh::CertTemplate tmpl;
    policy::Identity who;
    int64_t now = 0;
    std::optional<store::ReplacedCertificate> replaces;
    IssuedDone done;
  };
  // Turns the issued certificate into the API's answer for `who`; keeps
  // only the two names it needs, not the whole identity.
  static IssuedDone answerFor(const policy::Identity& who, CertificateDone done);
  // Checks the deny list and the token, signs and records, and answers
  // through issue.done, exactly once. `replaces`: the certificate a renewal
  // or rekey replaces, which must still be unrevoked when the new one is
  // recorded.
  void signAndRecordThen(Issue issue);
  void signAttempt(std::shared_ptr<Issue> issue, int attempt);
  Status refuseSpentToken(const policy::Identity& who, int64_t now) const;
  Result<ossl::X509Ptr> signTlsLeaf(const x509::LeafRequest& request, int64_t now);
  void noteCommit(const Status& outcome);
  void recordThen(const ssh::Certificate& cert, const CaKey& ca, const Issue& issue,
                  store::SshIssuanceStore::RecordDone done);

  std::string caUrl_;
  std::vector<std::string> caNames_;
  // Before the keys: their signers are wrapped to time into these.
  std::shared_ptr<SignatureTimings> userTimings_ = std::make_shared<SignatureTimings>();
  std::shared_ptr<SignatureTimings> hostTimings_ = std::make_shared<SignatureTimings>();
  CaKey userCa_;
  CaKey hostCa_;
  RootCertificate root_;
  std::unique_ptr<store::SshIssuanceStore> store_;
  std::function<Status()> hsmProbe_;
  std::function<int64_t()> clock_;
  RandomSource& rng_;
  mutable std::mutex provisionersMu_;  // guards the pointer only, never held during a request
  ProvisionerSetPtr provisioners_;
  std::unique_ptr<KrlCache> krlCache_;
  mutable RequestRateLimits rateLimits_;
  std::optional<x509::IssuingCa> intermediate_;            // with certificates_, or neither
  std::unique_ptr<store::CertificateStore> certificates_;  // TLS certificates issued online
  // The outcome of the last commit that failed for the database's sake
  // (not a replay or a taken serial), for /health.
  std::mutex commitMu_;
  std::optional<std::string> lastCommitFailure_;  // guarded by commitMu_
  int64_t lastCommitFailureAt_ = 0;               // guarded by commitMu_
};

}  // namespace sshca::authority
