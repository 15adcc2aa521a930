#include "ca/core/kms/pkcs11/pkcs11_token.h"

#include <map>

namespace sshca::pkcs11 {
namespace {

std::mutex gTokensMutex;
std::map<std::pair<const Module*, CK_SLOT_ID>, std::weak_ptr<Token>>& tokens() {
  static std::map<std::pair<const Module*, CK_SLOT_ID>, std::weak_ptr<Token>> m;
  return m;
}

}  // namespace

PooledSession::~PooledSession() {
  if (token_ && !discarded_) token_->giveBack(std::move(s_));
}

Result<TokenPtr> Token::open(ModulePtr module, CK_SLOT_ID slot, std::string label) {
  std::lock_guard lock(gTokensMutex);
  auto& entry = tokens()[{module.get(), slot}];
  if (auto existing = entry.lock()) return existing;
  SSHCA_ASSIGN_OR_RETURN(Session s, Session::open(module, slot, false));
  auto token = std::make_shared<Token>(Key{}, module, slot, std::move(label),
                                       std::make_shared<Session>(std::move(s)));
  entry = token;
  return token;
}

Token::Token(Key, ModulePtr module, CK_SLOT_ID slot, std::string label, std::shared_ptr<Session> loginSession)
    : module_(std::move(module)), slot_(slot), label_(std::move(label)), loginSession_(std::move(loginSession)) {}

// Pooled sessions close before the login is dropped, the login session last.
Token::~Token() {
  idle_.clear();
  login_.reset();
  std::lock_guard lock(gTokensMutex);
  auto it = tokens().find({module_.get(), slot_});
  if (it != tokens().end() && it->second.expired()) tokens().erase(it);
}

Status Token::loginUser(const SecretBytes& pin, bool allowFinalTry) {
  std::lock_guard lock(mu_);
  if (login_) return okStatus();
  SSHCA_ASSIGN_OR_RETURN(bool ours, login(*loginSession_, slot_, pin, LoginOptions{CKU_USER, allowFinalTry}));
  if (ours) login_.emplace(loginSession_);
  return okStatus();
}

Result<PooledSession> Token::session() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      Session s = std::move(idle_.back());
      idle_.pop_back();
      return PooledSession(shared_from_this(), std::move(s));
    }
  }
  SSHCA_ASSIGN_OR_RETURN(Session s, Session::open(module_, slot_, false));
  return PooledSession(shared_from_this(), std::move(s));
}

Result<Session> Token::writeSession() { return Session::open(module_, slot_, true); }

void Token::giveBack(Session s) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(s));
}

}  // namespace sshca::pkcs11
