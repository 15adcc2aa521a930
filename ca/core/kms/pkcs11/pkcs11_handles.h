// RAII for every PKCS#11 handle, all in one place (like common/ossl.h for
// OpenSSL): the loaded module (dlopen + C_Initialize / C_Finalize + dlclose),
// sessions (C_CloseSession), a login (C_Logout), an object search
// (C_FindObjectsFinal) and p11-kit's parsed URIs. No C_Finalize,
// C_CloseSession, C_Logout or C_FindObjectsFinal call appears elsewhere.
#pragma once

#include <memory>
#include <span>
#include <string>

#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca::pkcs11 {

// p11-kit's URI object.
struct UriDeleter {
  void operator()(P11KitUri* u) const {
    if (u) p11_kit_uri_free(u);
  }
};
using UriPtr = std::unique_ptr<P11KitUri, UriDeleter>;

// A loaded and initialized PKCS#11 module. PKCS#11 state is per process:
// C_Initialize may run once per module, so every user of one module path
// shares one Module (Module::load hands out the same instance while any
// shared_ptr to it lives); C_Finalize runs when the last one goes.
class Module {
 public:
  static Result<std::shared_ptr<Module>> load(const std::string& path);
  // Only load() can make a Key: no Module exists outside the registry.
  class Key {
    friend class Module;
    Key() = default;
  };
  Module(Key, std::string path, void* dl, CK_FUNCTION_LIST* fn) : path_(std::move(path)), dl_(dl), fn_(fn) {}
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Borrowed; valid while this Module lives.
  CK_FUNCTION_LIST* fn() const { return fn_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* dl_;              // dlopen handle, dlclose'd after C_Finalize
  CK_FUNCTION_LIST* fn_;  // owned by the module's code
};
using ModulePtr = std::shared_ptr<Module>;

// An open session; closed on destruction. Keeps the module loaded.
class Session {
 public:
  static Result<Session> open(ModulePtr module, CK_SLOT_ID slot, bool readWrite);
  Session(Session&& o) noexcept : module_(std::move(o.module_)), h_(o.h_) { o.h_ = CK_INVALID_HANDLE; }
  Session& operator=(Session&& o) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { close(); }

  CK_SESSION_HANDLE handle() const { return h_; }
  CK_FUNCTION_LIST* fn() const { return module_->fn(); }
  const ModulePtr& module() const { return module_; }

 private:
  Session(ModulePtr module, CK_SESSION_HANDLE h) : module_(std::move(module)), h_(h) {}
  void close();
  ModulePtr module_;
  CK_SESSION_HANDLE h_;
};

// A logged-in user type on a token; C_Logout on destruction. Login state is
// per token and application, so the session it was made on only needs to
// stay open as long as the guard (the guard keeps it alive itself).
class LoginGuard {
 public:
  LoginGuard(std::shared_ptr<Session> session) : session_(std::move(session)) {}  // NOLINT
  LoginGuard(const LoginGuard&) = delete;
  LoginGuard& operator=(const LoginGuard&) = delete;
  ~LoginGuard();

 private:
  std::shared_ptr<Session> session_;
};

// An object search in progress; C_FindObjectsFinal on destruction.
class FindObjectsGuard {
 public:
  static Result<FindObjectsGuard> init(const Session& session, std::span<CK_ATTRIBUTE> tmpl);
  FindObjectsGuard(FindObjectsGuard&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  FindObjectsGuard& operator=(FindObjectsGuard&&) = delete;
  FindObjectsGuard(const FindObjectsGuard&) = delete;
  ~FindObjectsGuard();

 private:
  explicit FindObjectsGuard(const Session* s) : s_(s) {}
  const Session* s_;  // borrowed; outlives the guard
};

// A PIN as PKCS#11 wants it (CK_UTF8CHAR*, not NUL-terminated). Borrowed.
inline CK_UTF8CHAR_PTR pinPtr(const SecretBytes& pin) { return const_cast<CK_UTF8CHAR_PTR>(pin.data()); }

}  // namespace sshca::pkcs11
