#include "ca/core/kms/pkcs11/pkcs11_token.h"

#include <map>
#include <regex>

#include "ca/core/kms/pkcs11/ck_rv.h"
#include "ca/core/kms/pkcs11/session_key_copy.h"
#include "ca/core/kms/pkcs11/slot_finder.h"

namespace sshca::pkcs11 {
namespace {

std::mutex gTokensMutex;
std::map<std::pair<const Module*, CK_SLOT_ID>, std::weak_ptr<Token>>& tokens() {
  static std::map<std::pair<const Module*, CK_SLOT_ID>, std::weak_ptr<Token>> m;
  return m;
}

// The sessions a token says it allows, less the login session; tokens that
// state no limit (SoftHSM2: CK_EFFECTIVELY_INFINITE) get the default.
size_t sessionsAllowed(const CK_TOKEN_INFO& info) {
  CK_ULONG n = info.ulMaxSessionCount;
  if (n == CK_EFFECTIVELY_INFINITE || n == CK_UNAVAILABLE_INFORMATION || n < 2) return TokenCapacity::kDefaultSessions;
  return std::min<size_t>(n - 1, TokenCapacity::kDefaultSessions);
}

bool isReady(TokenHealth::State s) { return s == TokenHealth::State::Ready; }

// Whether `object` still names an object on the session's token: one
// attribute read, no signature (lease's check of a key behind its session
// copy, and the status probe).
CK_RV askObject(const Session& s, CK_OBJECT_HANDLE object) {
  CK_KEY_TYPE type = 0;
  CK_ATTRIBUTE a{CKA_KEY_TYPE, &type, sizeof type};
  return s.fn()->C_GetAttributeValue(s.handle(), object, &a, 1);
}

// The token's reasons are shown by /health, which names no PKCS#11 call:
// "C_Login failed: CKR_DEVICE_ERROR" becomes "CKR_DEVICE_ERROR".
std::string withoutCallNames(std::string s) {
  static const std::regex call("C_[A-Za-z]+ failed: ");
  return std::regex_replace(s, call, "");
}

}  // namespace

PooledSession::~PooledSession() {
  if (token_) token_->giveBack(std::move(s_), generation_, discarded_);
}

Result<TokenPtr> Token::open(ModulePtr module, CK_SLOT_ID slot, std::string label) {
  std::lock_guard lock(gTokensMutex);
  auto& entry = tokens()[{module.get(), slot}];
  if (auto existing = entry.lock()) return existing;
  SSHCA_ASSIGN_OR_RETURN(CK_TOKEN_INFO info, tokenInfo(*module, slot));
  SSHCA_ASSIGN_OR_RETURN(Session s, Session::open(module, slot, false));
  auto token = std::make_shared<Token>(Key{}, module, slot, std::move(label), SSHCA_TOKEN_FIELD(info, serialNumber),
                                       std::make_shared<Session>(std::move(s)));
  token->maxSessions_ = sessionsAllowed(info);
  entry = token;
  return token;
}

Token::Token(Key, ModulePtr module, CK_SLOT_ID slot, std::string label, std::string serial,
             std::shared_ptr<Session> loginSession)
    : module_(std::move(module)), registrySlot_(slot), label_(std::move(label)), serial_(std::move(serial)) {
  conn_.slot = slot;
  conn_.loginSession = std::move(loginSession);
  monitor_ = std::make_unique<TokenMonitor>(
      TokenMonitor::Hooks{[this] { return reconnectOnce(); }, [this] { return probe(); }});
}

// The monitor goes first (its hooks use the rest); then pooled sessions,
// the login, and the login session last.
Token::~Token() {
  monitor_->stop();
  idle_.clear();
  conn_.login.reset();
  conn_.loginSession.reset();
  std::lock_guard lock(gTokensMutex);
  auto it = tokens().find({module_.get(), registrySlot_});
  if (it != tokens().end() && it->second.expired()) tokens().erase(it);
}

CK_SLOT_ID Token::slot() const {
  std::lock_guard lock(mu_);
  return conn_.slot;
}

void Token::setCapacity(const TokenCapacity& capacity) {
  std::lock_guard lock(mu_);
  capacity_ = capacity;
  if (capacity.maxSessions > 0) maxSessions_ = capacity.maxSessions;
}

Status Token::loginUser(const SecretBytes& pin, bool allowFinalTry) {
  std::lock_guard lock(mu_);
  if (!isReady(state_)) return unavailableLocked();
  if (!conn_.login) {
    LoginOptions opts{CKU_USER, allowFinalTry};
    SSHCA_ASSIGN_OR_RETURN(bool ours, login(*conn_.loginSession, conn_.slot, pin, opts));
    if (ours) conn_.login = std::make_shared<LoginGuard>(conn_.loginSession);
    loginOptions_ = opts;
  }
  if (!pin_) pin_.emplace(pin.span());
  return okStatus();
}

Error Token::unavailableLocked() const { return makeError(ErrorCode::Unavailable, reason_); }

Result<PooledSession> Token::session() {
  std::unique_lock lock(mu_);
  return sessionLocked(lock);
}

// Waits for a free place under the capacity, then reuses an idle session or
// opens one (without the lock: opening may take a while on a real token).
Result<PooledSession> Token::sessionLocked(std::unique_lock<std::mutex>& lock) {
  auto deadline = std::chrono::steady_clock::now() + capacity_.wait;
  while (isReady(state_) && borrowed_ >= maxSessions_) {
    if (sessionFreed_.wait_until(lock, deadline) == std::cv_status::timeout && borrowed_ >= maxSessions_ &&
        isReady(state_)) {
      return makeError(ErrorCode::Unavailable, "token '" + label_ + "' is busy: " + std::to_string(maxSessions_) +
                                                   " signatures in progress and none finished within " +
                                                   std::to_string(capacity_.wait.count()) + " ms");
    }
  }
  if (!isReady(state_)) return unavailableLocked();
  ++borrowed_;
  uint64_t generation = generation_;
  if (!idle_.empty()) {
    Session s = std::move(idle_.back());
    idle_.pop_back();
    return PooledSession(shared_from_this(), std::move(s), generation);
  }
  CK_SLOT_ID slot = conn_.slot;
  lock.unlock();
  auto s = Session::open(module_, slot, false);
  if (s.ok()) return PooledSession(shared_from_this(), std::move(s).value(), generation);
  {
    std::lock_guard relock(mu_);
    --borrowed_;
    sessionFreed_.notify_one();
  }
  // Session::open's errors are ckError's: Unavailable means the token went.
  if (s.error().code == ErrorCode::Unavailable) markAway(generation, "no session could be opened");
  return std::move(s).error();
}

Result<Session> Token::writeSession() {
  CK_SLOT_ID slot;
  {
    std::lock_guard lock(mu_);
    if (!isReady(state_)) return unavailableLocked();
    slot = conn_.slot;
  }
  return Session::open(module_, slot, true);
}

void Token::giveBack(Session s, uint64_t generation, bool discarded) {
  std::optional<Session> closing;  // declared first, so closed after the lock is released
  std::lock_guard lock(mu_);
  --borrowed_;
  sessionFreed_.notify_one();
  if (!discarded && generation == generation_ && isReady(state_))
    idle_.push_back(std::move(s));
  else
    closing.emplace(std::move(s));
}

size_t Token::bindKey(const KeyRef& ref, CK_OBJECT_HANDLE handle, const PublicKey& publicKey) {
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].ref.label == ref.label && keys_[i].ref.id == ref.id && keys_[i].publicKey == publicKey) return i;
  }
  keys_.push_back({ref, publicKey});
  keyCheckDue_.emplace_back();  // the first signature checks
  conn_.keys.push_back(handle);
  // Two quick token calls under the lock, once per key: signers are made at
  // start-up, not per request.
  conn_.signingKeys.push_back(conn_.loginSession ? keyForSigning(*conn_.loginSession, handle) : handle);
  return keys_.size() - 1;
}

Result<KeyLease> Token::lease(size_t key) {
  SSHCA_ASSIGN_OR_RETURN(PooledSession s, session());
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE onToken = CK_INVALID_HANDLE;  // the token object, when due a check
  {
    std::lock_guard lock(mu_);
    // The token may have gone and come back while the session was opened.
    if (s.generation() != generation_ || !isReady(state_)) {
      s.discard();
      return isReady(state_) ? makeError(ErrorCode::Unavailable, "token '" + label_ + "' was found again just now")
                             : unavailableLocked();
    }
    if (key >= conn_.signingKeys.size()) return makeError(ErrorCode::Internal, "no bound key " + std::to_string(key));
    handle = conn_.signingKeys[key];
    auto now = std::chrono::steady_clock::now();
    if (handle != conn_.keys[key] && now >= keyCheckDue_[key]) {
      onToken = conn_.keys[key];
      keyCheckDue_[key] = now + kKeyCheckEvery;
    }
  }
  // A session copy still signs after its key was deleted from the token (or
  // the token's files were moved away); a signature with the token object
  // would have failed. One read of the object's file on SoftHSM2 per
  // kKeyCheckEvery, not one per signature.
  if (onToken != CK_INVALID_HANDLE) {
    CK_RV rv = askObject(*s, onToken);
    if (rv != CKR_OK) return failed(s, "C_GetAttributeValue", rv);
  }
  return KeyLease{std::move(s), handle};
}

Error Token::failed(PooledSession& session, std::string_view function, CK_RV rv) {
  session.discard();
  Error e = ckError(function, rv);
  if (needsReconnect(rv)) markAway(session.generation(), ckrName(rv));
  return e;
}

void Token::markAway(uint64_t generation, const std::string& reason) {
  std::vector<Session> closing;
  std::shared_ptr<LoginGuard> login;
  std::shared_ptr<Session> loginSession;
  {
    std::lock_guard lock(mu_);
    if (generation != generation_ || !isReady(state_)) return;  // already known
    state_ = TokenHealth::State::Away;
    reason_ = "token '" + label_ + "' went away (" + reason + "); looking for it again";
    ++generation_;
    closing.swap(idle_);
    login = std::move(conn_.login);
    loginSession = std::move(conn_.loginSession);
    sessionFreed_.notify_all();  // waiters for a session give up now
  }
  // Out of the lock: on a token that is gone these calls fail, harmlessly;
  // on one that only lost a handle they end the old login.
  closing.clear();
  login.reset();
  loginSession.reset();
  monitor_->startReconnecting();
}

// One attempt, on the monitor's thread. True when done: the token is back,
// or refused for good.
bool Token::reconnectOnce() {
  std::optional<SecretBytes> pin;
  LoginOptions options;
  std::vector<BoundKey> keys;
  {
    std::lock_guard lock(mu_);
    if (state_ != TokenHealth::State::Away) return true;
    if (pin_) pin.emplace(pin_->span());
    options = loginOptions_;
    keys = keys_;
  }
  Reconnect r = reconnect(module_, {label_, serial_}, pin ? &*pin : nullptr, options, keys);
  std::lock_guard lock(mu_);
  if (state_ != TokenHealth::State::Away) return true;
  if (r.connection && r.connection->keys.size() == keys_.size()) {
    conn_ = std::move(*r.connection);
    state_ = TokenHealth::State::Ready;
    reason_.clear();
    sessionFreed_.notify_all();
    return true;
  }
  if (r.final) {
    state_ = TokenHealth::State::Refused;
    reason_ = "token '" + label_ + "' is back but sshca will not use it: " + withoutCallNames(r.error.message) +
              " (restart sshca once this is fixed)";
    return true;
  }
  auto away = reason_.find("; looking for it again");
  reason_ = reason_.substr(0, away) + "; looking for it again (last try: " + withoutCallNames(r.error.message) + ")";
  return false;
}

// Is the login still there, and does every bound key's handle still name
// an object on the token? Two or three cheap calls, no signature. The token
// objects are asked, not their session copies, so a key deleted from the
// token is noticed although its copy could still sign.
Status Token::probe() {
  std::shared_ptr<Session> loginSession;
  std::vector<CK_OBJECT_HANDLE> keys;
  uint64_t generation;
  bool loggedIn;
  {
    std::lock_guard lock(mu_);
    if (!isReady(state_)) return unavailableLocked();
    loginSession = conn_.loginSession;
    keys = conn_.keys;
    generation = generation_;
    loggedIn = pin_.has_value();
  }
  CK_FUNCTION_LIST* fn = module_->fn();
  CK_SESSION_INFO info{};
  CK_RV rv = fn->C_GetSessionInfo(loginSession->handle(), &info);
  if (rv == CKR_OK && loggedIn && info.state != CKS_RO_USER_FUNCTIONS && info.state != CKS_RW_USER_FUNCTIONS)
    rv = CKR_USER_NOT_LOGGED_IN;
  for (size_t i = 0; rv == CKR_OK && i < keys.size(); ++i) rv = askObject(*loginSession, keys[i]);
  if (rv == CKR_OK) return okStatus();
  if (needsReconnect(rv)) markAway(generation, ckrName(rv));
  return makeError(ErrorCode::Unavailable, "token '" + label_ + "' failed a status check (" + ckrName(rv) + ")");
}

TokenHealth Token::health(std::chrono::milliseconds budget) {
  {
    std::lock_guard lock(mu_);
    if (!isReady(state_)) return {state_, reason_};
  }
  std::optional<Status> probed = monitor_->probe(budget);
  std::lock_guard lock(mu_);
  if (!isReady(state_)) return {state_, reason_};
  if (!probed)
    return {state_, "busy: the token did not answer a status check within " + std::to_string(budget.count()) + " ms"};
  if (!probed->ok()) return {TokenHealth::State::Away, probed->error().message};
  return {};
}

}  // namespace sshca::pkcs11
