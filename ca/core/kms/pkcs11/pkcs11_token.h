// One token (a slot of a loaded module) as this process uses it: the user
// login, made once, a bounded pool of read-only sessions for signing
// threads, and finding the token again when it goes away.
//
// Login state is per token and application, so one C_Login covers every
// session; the login session is kept open (closing an application's last
// session logs it out). Tokens are shared: Token::open returns the same
// instance for the same module and slot while it lives, so two key managers
// on one token never log each other out.
//
// A token that goes away (unplugged, reset, pcscd restarted: a call answers
// one of the codes of ck_rv.h's needsReconnect) is "away": its sessions are
// dropped, every call answers Unavailable with the reason, and a background
// thread (token_monitor.h) looks for it again with a bounded backoff, by the
// label and serial it had, logs in once with the PIN it was opened with and
// finds every bound key again, checking its public key. A token that
// refuses that PIN, or holds another key under a bound key's name, is
// "refused": Unavailable with that reason until the process restarts.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"
#include "ca/core/kms/pkcs11/token_connection.h"
#include "ca/core/kms/pkcs11/token_login.h"
#include "ca/core/kms/pkcs11/token_monitor.h"

namespace sshca::pkcs11 {

class Token;
using TokenPtr = std::shared_ptr<Token>;

// A session borrowed from the pool; goes back on destruction unless the
// caller saw the token fail on it (discard()) or the token was found again
// since (a session of the old connection is closed).
class PooledSession {
 public:
  PooledSession(TokenPtr token, Session s, uint64_t generation)
      : token_(std::move(token)), s_(std::move(s)), generation_(generation) {}
  PooledSession(PooledSession&& o) noexcept
      : token_(std::move(o.token_)), s_(std::move(o.s_)), generation_(o.generation_), discarded_(o.discarded_) {}
  PooledSession& operator=(PooledSession&&) = delete;
  PooledSession(const PooledSession&) = delete;
  ~PooledSession();

  const Session& operator*() const { return s_; }
  const Session* operator->() const { return &s_; }
  void discard() { discarded_ = true; }
  // Which connection of the token the session belongs to.
  uint64_t generation() const { return generation_; }

 private:
  TokenPtr token_;
  Session s_;
  uint64_t generation_;
  bool discarded_ = false;
};

// A session and a bound key's handle, both of the token's current connection.
struct KeyLease {
  PooledSession session;
  CK_OBJECT_HANDLE key;
};

// How many sessions may be borrowed at once (each one is a signature in
// progress), and how long a caller waits for one before it gets Unavailable.
struct TokenCapacity {
  size_t maxSessions = 0;  // 0: the token's own limit if it states one, else kDefaultSessions
  std::chrono::milliseconds wait{2000};
  static constexpr size_t kDefaultSessions = 16;
};

struct TokenHealth {
  enum class State { Ready, Away, Refused };
  State state = State::Ready;
  std::string reason;  // why away or refused; "busy: ..." when a Ready token did not answer in time
  bool ok() const { return state == State::Ready; }
};

class Token : public std::enable_shared_from_this<Token> {
 public:
  // label: the token's label, for messages.
  static Result<TokenPtr> open(ModulePtr module, CK_SLOT_ID slot, std::string label);

  // Logs the user in unless this Token already did (see token_login.h), and
  // keeps the PIN to log in again when the token comes back.
  Status loginUser(const SecretBytes& pin, bool allowFinalTry);

  void setCapacity(const TokenCapacity& capacity);

  // A read-only session, reused from the pool or newly opened, waiting up to
  // the capacity's wait for one when all are borrowed. Unavailable while the
  // token is away or refused, or when the wait runs out.
  Result<PooledSession> session();
  // A read-write session for creating objects (not pooled).
  Result<Session> writeSession();

  // Registers a private key that must still be there, with this public key,
  // whenever the token is found again. Returns the index lease() takes.
  size_t bindKey(const KeyRef& ref, CK_OBJECT_HANDLE handle, const PublicKey& publicKey);
  // A session and the bound key's handle in the current connection. A key
  // that signs with a session copy (session_key_copy.h) has its token object
  // checked at most once per kKeyCheckEvery: a key deleted from the token
  // stops signing within that time, and the token is away until it is back.
  Result<KeyLease> lease(size_t key);
  static constexpr std::chrono::milliseconds kKeyCheckEvery{1000};

  // The error for `function` failing with `rv` on a session of this token.
  // A code that means the token (or its login, or a handle) was lost marks
  // the token away and starts looking for it again; the session is dropped.
  Error failed(PooledSession& session, std::string_view function, CK_RV rv);

  // Ready, away or refused, and why. Ready is confirmed by a probe on the
  // token (the login session's state, each bound key's handle) that waits at
  // most `budget`; a probe that does not answer in time leaves the last
  // known state, with the reason "busy".
  TokenHealth health(std::chrono::milliseconds budget);

  const ModulePtr& module() const { return module_; }
  CK_SLOT_ID slot() const;
  const std::string& label() const { return label_; }

  struct Key {  // only open() makes Tokens
   private:
    friend class Token;
    Key() = default;
  };
  Token(Key, ModulePtr module, CK_SLOT_ID slot, std::string label, std::string serial,
        std::shared_ptr<Session> loginSession);
  ~Token();

 private:
  friend class PooledSession;
  void giveBack(Session s, uint64_t generation, bool discarded);
  Result<PooledSession> sessionLocked(std::unique_lock<std::mutex>& lock);
  Error unavailableLocked() const;
  void markAway(uint64_t generation, const std::string& reason);
  bool reconnectOnce();
  Status probe();

  ModulePtr module_;
  CK_SLOT_ID registrySlot_;  // the key of the process-wide registry: the slot it was opened on
  std::string label_;
  std::string serial_;

  mutable std::mutex mu_;
  std::condition_variable sessionFreed_;
  Connection conn_;                                       // guarded by mu_
  uint64_t generation_ = 1;                               // guarded by mu_; +1 each time the token goes away
  TokenHealth::State state_ = TokenHealth::State::Ready;  // guarded by mu_
  std::string reason_;                                    // guarded by mu_: why away or refused
  std::optional<SecretBytes> pin_;                        // guarded by mu_; set by loginUser
  LoginOptions loginOptions_;                             // guarded by mu_
  std::vector<BoundKey> keys_;                            // guarded by mu_
  // Guarded by mu_; by index, as keys_: when lease() next asks a bound key's
  // token object whether it is still there (keys that sign with a copy).
  std::vector<std::chrono::steady_clock::time_point> keyCheckDue_;
  std::vector<Session> idle_;                             // guarded by mu_
  size_t borrowed_ = 0;                                   // guarded by mu_
  TokenCapacity capacity_;                                // guarded by mu_
  size_t maxSessions_ = TokenCapacity::kDefaultSessions;  // guarded by mu_
  std::unique_ptr<TokenMonitor> monitor_;                 // made in the constructor; stopped first in the destructor
};

}  // namespace sshca::pkcs11
