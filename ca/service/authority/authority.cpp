#include "ca/service/authority/authority.h"

#include <chrono>
#include <ctime>
#include <memory>

#include "ca/core/common/wait_for_answer.h"
#include "ca/core/jose/jws.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/service/authority/issued_record.h"
#include "ca/service/authority/sign_request.h"
#include "ca/service/authority/ssh_config_templates.h"
#include "ca/service/policy/identity_denial.h"
#include "ca/service/policy/ssh_policy.h"

namespace sshca::authority {
namespace {

// The endpoint JWK tokens are bound to (their "aud" is caUrl + this),
// whichever of the two route prefixes the request came in on.
constexpr const char* kSignEndpoint = "/1.0/ssh/sign";
// A serial collision leaves the token unused (store contract), so the
// authority may sign again with a fresh serial. Two random 64-bit serials
// colliding twice in a row means something is broken: stop.
constexpr int kMaxSerialAttempts = 3;

// A spent token is kept this long after its provisioner would stop
// accepting it: CA instances sharing one database may disagree on the time.
constexpr int64_t kSpentTokenMarginSeconds = 300;

// /health never waits on the token longer than this (a probe that takes
// longer reports "busy" and finishes in the background).
constexpr std::chrono::milliseconds kHsmHealthBudget{100};

// A commit that failed for the database's sake makes /health fail for this
// long, or until a commit succeeds; then a read decides again. Without the
// bound a CA taken out of a load balancer by its /health would never get
// the request whose commit clears it.
constexpr int64_t kCommitFailureHealthSeconds = 30;

// The one default clock of the service; tests inject their own.
int64_t systemClock() { return static_cast<int64_t>(std::time(nullptr)); }  // lint: clock

}  // namespace

Result<std::unique_ptr<Authority>> Authority::fromParts(AuthorityParts parts) {
  if (!parts.userCa || !parts.hostCa)
    return makeError(ErrorCode::InvalidArgument, "the authority needs both SSH CA keys");
  if (!parts.store) return makeError(ErrorCode::InvalidArgument, "the authority needs a database");
  if (!parts.provisioners) return makeError(ErrorCode::InvalidArgument, "the authority needs a provisioner set");
  if (parts.caUrl.empty()) return makeError(ErrorCode::InvalidArgument, "the authority needs its URL");
  if (parts.intermediate.has_value() != (parts.certificates != nullptr))
    return makeError(ErrorCode::InvalidArgument, "the authority needs both the X.509 intermediate and its record");
  if (!parts.hsmProbe) {
    parts.hsmProbe = [user = parts.userCa, host = parts.hostCa]() -> Status {
      // One token usually holds both keys: the second check reuses the
      // first's probe, so the two stay within about one budget.
      SSHCA_RETURN_IF_ERROR(user->ready(kHsmHealthBudget));
      return host->ready(kHsmHealthBudget);
    };
  }
  if (!parts.clock) parts.clock = systemClock;
  return std::unique_ptr<Authority>(new Authority(std::move(parts)));
}

Authority::Authority(AuthorityParts parts)
    : caUrl_(std::move(parts.caUrl)),
      caNames_(std::move(parts.caNames)),
      userCa_{timedSigner(parts.userCa, userTimings_), ssh::fingerprintSha256(parts.userCa->publicKey())},
      hostCa_{timedSigner(parts.hostCa, hostTimings_), ssh::fingerprintSha256(parts.hostCa->publicKey())},
      root_(std::move(parts.root)),
      store_(std::move(parts.store)),
      hsmProbe_(std::move(parts.hsmProbe)),
      clock_(std::move(parts.clock)),
      rng_(parts.rng ? *parts.rng : systemRandom()),
      provisioners_(std::move(parts.provisioners)),
      rateLimits_(parts.perAddress, parts.perProvisioner, parts.exemptLoopbackFromLimits),
      intermediate_(std::move(parts.intermediate)),
      certificates_(std::move(parts.certificates)) {
  // The user CA key signs the KRL: hosts already trust it for user
  // certificates (TrustedUserCAKeys), which is what the KRL is about.
  std::vector<KrlCaKey> cas{{userCa_.signer->publicKey(), userCa_.fingerprint},
                            {hostCa_.signer->publicKey(), hostCa_.fingerprint}};
  krlCache_ = std::make_unique<KrlCache>(*store_, std::move(cas), userCa_.signer);
}

Authority::~Authority() {
  krlCache_.reset();  // it borrows the store
  store_.reset();
}

void Authority::replaceProvisioners(ProvisionerSetPtr set) {
  std::lock_guard lock(provisionersMu_);
  provisioners_ = std::move(set);  // the old set dies with its last in-flight request
}

ProvisionerSetPtr Authority::currentProvisioners() const {
  std::lock_guard lock(provisionersMu_);
  return provisioners_;
}

Result<std::optional<uint64_t>> Authority::newestCertificateExpiry(bool host) const {
  return store_->latestValidBefore((host ? hostCa_ : userCa_).fingerprint);
}

api::HealthReport Authority::health() {
  api::HealthReport report;
  Status hsm = hsmProbe_();
  report.hsmOk = hsm.ok();
  if (!hsm.ok()) report.hsmReason = hsm.error().message;
  {
    std::lock_guard lock(commitMu_);
    if (lastCommitFailure_ && clock_() - lastCommitFailureAt_ < kCommitFailureHealthSeconds) {
      report.dbReason = "the last commit failed: " + *lastCommitFailure_;
      return report;
    }
  }
  // Serial 0 is never issued: the query reads the table without finding a row.
  auto read = store_->findBySerial(userCa_.fingerprint, 0);
  report.dbOk = read.ok();
  if (!read.ok()) report.dbReason = read.error().message;
  return report;
}

// Replays and taken serials are the database working as it should.
void Authority::noteCommit(const Status& outcome) {
  std::lock_guard lock(commitMu_);
  if (outcome.ok()) {
    lastCommitFailure_.reset();
  } else if (outcome.error().code == ErrorCode::IoError || outcome.error().code == ErrorCode::Unavailable ||
             outcome.error().code == ErrorCode::Internal) {
    lastCommitFailure_ = outcome.error().message;
    lastCommitFailureAt_ = clock_();
  }
}

Result<std::vector<api::RootCertificateInfo>> Authority::rootCertificates() {
  std::vector<api::RootCertificateInfo> out;
  for (const auto& c : root_.certificates) out.push_back({c.pem, c.sha256Hex});
  return out;
}

Result<std::vector<api::SshConfigTemplate>> Authority::sshConfig(const api::SshConfigRequest& request) {
  SshConfigKeys keys{ssh::formatPublicKeyLine(userCa_.signer->publicKey(), ""),
                     ssh::formatPublicKeyLine(hostCa_.signer->publicKey(), "")};
  return renderSshConfig(request.type, request.data, keys);
}

Result<bool> Authority::sshHostExists(const std::string& principal, const std::string& clientAddress) {
  SSHCA_RETURN_IF_ERROR(rateLimits_.admitAddress(clientAddress));
  return store_->hasHostPrincipal(principal, static_cast<uint64_t>(clock_()));
}

Result<std::string> Authority::provisionerEncryptedKey(const std::string& kid) {
  for (const auto& p : currentProvisioners()->all())
    if (auto key = p->encryptedKey(kid)) return *key;
  return makeError(ErrorCode::NotFound, "no provisioner has an encrypted key with this kid");
}

Result<api::SshRoots> Authority::sshRoots() {
  api::SshRoots roots;
  roots.userKeys.push_back(ssh::encodePublicKeyWire(userCa_.signer->publicKey()));
  roots.hostKeys.push_back(ssh::encodePublicKeyWire(hostCa_.signer->publicKey()));
  return roots;
}

Result<std::vector<api::ProvisionerInfo>> Authority::provisioners() {
  std::vector<api::ProvisionerInfo> out;
  for (const auto& p : currentProvisioners()->all()) out.push_back({p->type(), p->name(), p->publicInfoJson()});
  return out;
}

Result<api::SignSshResponse> Authority::signSsh(const api::SignSshRequest& request) {
  return waitForAnswer<api::SignSshResponse>([&](CertificateDone done) { signSshThen(request, std::move(done)); });
}

void Authority::signSshThen(const api::SignSshRequest& request, CertificateDone done) {
  const int64_t now = clock_();
  auto plan = planSignSsh(request, now);
  if (!plan.ok()) return done(std::move(plan).error());
  IssuedDone answer = answerFor(plan->who, std::move(done));
  signAndRecordThen(Issue{std::move(plan->tmpl), std::move(plan->who), now, std::nullopt, std::move(answer)});
}

Authority::IssuedDone Authority::answerFor(const policy::Identity& who, CertificateDone done) {
  return [done = std::move(done), provisioner = who.provisioner, subject = who.subject](Result<ssh::Certificate> cert) {
    if (!cert.ok()) return done(std::move(cert).error());
    done(api::SshCertificateResponse{std::move(cert->wire), cert->serial, cert->keyId, provisioner, subject});
  };
}

Result<Authority::SshPlan> Authority::planSignSsh(const api::SignSshRequest& request, int64_t now) {
  SSHCA_RETURN_IF_ERROR(rateLimits_.admitAddress(request.clientAddress));
  SSHCA_ASSIGN_OR_RETURN(PublicKey key, parseSubjectKey(request.publicKey));
  SSHCA_ASSIGN_OR_RETURN(Caller caller, authenticate(request.ott, now));
  SSHCA_RETURN_IF_ERROR(rateLimits_.admitProvisioner(request.clientAddress, caller.identity.provisioner));
  SSHCA_ASSIGN_OR_RETURN(auto wanted, toPolicyRequest(request, std::move(key), caller.identity, now));
  SSHCA_ASSIGN_OR_RETURN(auto tmpl, policy::applySshPolicy(caller.identity, wanted, caller.provisioner->policy(),
                                                           static_cast<uint64_t>(now)));
  return SshPlan{std::move(tmpl), std::move(caller.identity)};
}

// The token's "iss" only picks the provisioner; the provisioner then checks
// the signature, issuer, audience, times and what the token allows. The set
// is copied once so that a reload mid-request cannot mix two sets.
Result<Authority::Caller> Authority::authenticate(const std::string& ott, int64_t now) const {
  SSHCA_ASSIGN_OR_RETURN(jose::JwsParts token, jose::parseCompact(ott));
  ProvisionerSetPtr set = currentProvisioners();
  SSHCA_ASSIGN_OR_RETURN(provisioners::ProvisionerPtr p, set->forToken(token));
  provisioners::TokenContext ctx{caUrl_, kSignEndpoint, now};
  ctx.caNames = caNames_;
  SSHCA_ASSIGN_OR_RETURN(policy::Identity who, p->authorizeSshSign(token, ctx));
  if (who.provisioner.empty()) who.provisioner = p->name();
  // OIDC: the identity provider said who; the principals are policy's.
  if (const policy::PrincipalRules* rules = p->principalRules()) {
    SSHCA_ASSIGN_OR_RETURN(who.principals, policy::principalsFor(who, *rules));
  }
  return Caller{std::move(p), std::move(who)};
}

void Authority::signAndRecordThen(Issue issue) {
  if (Status s = checkNotDenied(issue.who, issue.tmpl.keyId, issue.tmpl.key); !s.ok())
    return issue.done(std::move(s).error());
  if (Status s = refuseSpentToken(issue.who, issue.now); !s.ok()) return issue.done(std::move(s).error());
  signAttempt(std::make_shared<Issue>(std::move(issue)), 1);
}

// A taken serial (AlreadyExists, the token left unused) signs again with a
// fresh one. After an asynchronous record that happens on the thread that
// committed (the store's writer thread, mostly): two random 64-bit serials
// colliding is rare enough that holding one commit back for a signature
// costs nothing, and the retry's record is asynchronous too, so the
// writer never waits for itself.
void Authority::signAttempt(std::shared_ptr<Issue> issue, int attempt) {
  const CaKey& ca = issue->tmpl.type == ssh::CertType::User ? userCa_ : hostCa_;
  auto cert = ssh::signCertificate(issue->tmpl, *ca.signer, rng_);
  if (!cert.ok()) return issue->done(std::move(cert).error().context("signing the certificate"));
  auto signedCert = std::make_shared<ssh::Certificate>(std::move(cert).value());
  recordThen(*signedCert, ca, *issue, [this, issue, signedCert, attempt](const Status& recorded) {
    noteCommit(recorded);
    if (recorded.ok()) return issue->done(std::move(*signedCert));
    // Anything else (a replayed token above all): the signed certificate is
    // dropped here, never returned and never recorded.
    if (recorded.error().code != ErrorCode::AlreadyExists || attempt == kMaxSerialAttempts)
      return issue->done(recorded.error());
    signAttempt(issue, attempt + 1);
  });
}

// A replayed token costs one read, not a signature: a captured token sent
// in a loop must not spend the HSM's capacity. Two requests racing with
// one token both pass here; the commit's unique key then refuses one.
Status Authority::refuseSpentToken(const policy::Identity& who, int64_t now) const {
  if (who.tokenId.empty()) return okStatus();
  const store::TokenUse use = makeTokenUse(who, now);
  auto used = store_->tokenUsed(use.tokenId, use.provisioner);
  if (!used.ok()) return std::move(used).error().context("checking the one-time token");
  if (*used)
    return makeError(ErrorCode::Replayed,
                     "this one-time token of provisioner '" + use.provisioner + "' was used before");
  return okStatus();
}

// Sign, renew, rekey and x509/sign all pass here, before the HSM is asked
// and before the token is spent: a denied caller costs a read and leaves no
// trace.
Status Authority::checkNotDenied(const policy::Identity& who, const std::string& keyId, const PublicKey& key) const {
  auto found = store_->findDenied(policy::denyKeysFor(who, keyId, key));
  if (!found.ok()) return std::move(found).error().context("reading the denied identities");
  return policy::refuseIfDenied(*found);
}

// The certificate row and the token's use commit together (fsync) or not
// at all; a credential that is not one-time (an admin's) records the row
// alone, and answers on this thread.
void Authority::recordThen(const ssh::Certificate& cert, const CaKey& ca, const Issue& issue,
                           store::SshIssuanceStore::RecordDone done) {
  store::SshCertificateRecord row = makeIssuedRecord(cert, ca.fingerprint, issue.who, issue.now);
  if (issue.replaces)
    return store_->recordReplacementThen(row, makeTokenUse(issue.who, issue.now), *issue.replaces, std::move(done));
  if (issue.who.tokenId.empty()) return done(store_->insert(row));
  store_->recordIssuedThen(row, makeTokenUse(issue.who, issue.now), std::move(done));
}

Status Authority::pruneSpentTokens() { return store_->pruneExpired(clock_() - kSpentTokenMarginSeconds); }

}  // namespace sshca::authority
