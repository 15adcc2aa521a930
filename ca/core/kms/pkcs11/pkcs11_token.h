// One token (a slot of a loaded module) as this process uses it: the user
// login, made once, and a pool of read-only sessions for signing threads.
//
// Login state is per token and application, so one C_Login covers every
// session; the login session is kept open (closing an application's last
// session logs it out). Tokens are shared: Token::open returns the same
// instance for the same module and slot while it lives, so two key managers
// on one token never log each other out.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/kms/pkcs11/pkcs11_handles.h"
#include "ca/core/kms/pkcs11/token_login.h"

namespace sshca::pkcs11 {

class Token;
using TokenPtr = std::shared_ptr<Token>;

// A session borrowed from the pool; goes back on destruction unless the
// caller saw the token fail on it (discard()).
class PooledSession {
 public:
  PooledSession(TokenPtr token, Session s) : token_(std::move(token)), s_(std::move(s)) {}
  PooledSession(PooledSession&&) noexcept = default;
  PooledSession& operator=(PooledSession&&) = delete;
  PooledSession(const PooledSession&) = delete;
  ~PooledSession();

  const Session& operator*() const { return s_; }
  const Session* operator->() const { return &s_; }
  void discard() { discarded_ = true; }

 private:
  TokenPtr token_;
  Session s_;
  bool discarded_ = false;
};

class Token : public std::enable_shared_from_this<Token> {
 public:
  // label: the token's label, for messages.
  static Result<TokenPtr> open(ModulePtr module, CK_SLOT_ID slot, std::string label);

  // Logs the user in unless this Token already did (see token_login.h).
  Status loginUser(const SecretBytes& pin, bool allowFinalTry);

  // A read-only session, reused from the pool or newly opened: at most one
  // per concurrently signing thread is ever opened.
  Result<PooledSession> session();
  // A read-write session for creating objects (not pooled).
  Result<Session> writeSession();

  const ModulePtr& module() const { return module_; }
  CK_SLOT_ID slot() const { return slot_; }
  const std::string& label() const { return label_; }

  struct Key {  // only open() makes Tokens
   private:
    friend class Token;
    Key() = default;
  };
  Token(Key, ModulePtr module, CK_SLOT_ID slot, std::string label, std::shared_ptr<Session> loginSession);
  ~Token();

 private:
  friend class PooledSession;
  void giveBack(Session s);

  ModulePtr module_;
  CK_SLOT_ID slot_;
  std::string label_;
  std::shared_ptr<Session> loginSession_;
  std::mutex mu_;
  std::optional<LoginGuard> login_;     // guarded by mu_
  std::vector<Session> idle_;           // guarded by mu_
};

}  // namespace sshca::pkcs11
