#include "ca/core/kms/pkcs11/pkcs11_handles.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

#include "ca/core/kms/pkcs11/ck_rv.h"

namespace sshca::pkcs11 {
namespace {

// One Module per path in the process (see Module).
std::mutex gModulesMutex;
std::map<std::string, std::weak_ptr<Module>>& modules() {
  static std::map<std::string, std::weak_ptr<Module>> m;
  return m;
}

struct DlCloser {
  void operator()(void* h) const {
    if (h) dlclose(h);
  }
};
using DlHandle = std::unique_ptr<void, DlCloser>;

Result<CK_FUNCTION_LIST*> functionList(void* dl, const std::string& path) {
  auto getList = reinterpret_cast<CK_C_GetFunctionList>(dlsym(dl, "C_GetFunctionList"));
  if (!getList) return makeError(ErrorCode::Unavailable, path + " is not a PKCS#11 module (no C_GetFunctionList)");
  CK_FUNCTION_LIST* fn = nullptr;
  CK_RV rv = getList(&fn);
  if (rv != CKR_OK || !fn) return ckError("C_GetFunctionList", rv).context(path);
  return fn;
}

// Lets the module use OS threads and locks: signers call it from many threads.
Status initialize(CK_FUNCTION_LIST* fn, const std::string& path) {
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = fn->C_Initialize(&args);
  if (rv != CKR_OK) return ckError("C_Initialize", rv).context(path);
  return okStatus();
}

}  // namespace

Result<std::shared_ptr<Module>> Module::load(const std::string& path) {
  std::lock_guard lock(gModulesMutex);
  if (auto existing = modules()[path].lock()) return existing;
  // RTLD_NODELETE: the module's code stays mapped after dlclose, so that
  // threads or atexit handlers a vendor module left behind never jump into
  // unmapped memory, and sanitizers can still name the module's frames.
  DlHandle dl(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
  if (!dl) {
    const char* why = dlerror();
    return makeError(ErrorCode::Unavailable,
                     "cannot load PKCS#11 module " + path + ": " + (why ? why : "dlopen failed"));
  }
  SSHCA_ASSIGN_OR_RETURN(CK_FUNCTION_LIST * fn, functionList(dl.get(), path));
  SSHCA_RETURN_IF_ERROR(initialize(fn, path));
  auto m = std::make_shared<Module>(Key{}, path, dl.release(), fn);
  modules()[path] = m;
  return m;
}

// Under the registry lock, so that a concurrent load() of the same path
// cannot C_Initialize before this C_Finalize is done.
Module::~Module() {
  std::lock_guard lock(gModulesMutex);
  fn_->C_Finalize(nullptr);
  dlclose(dl_);
}

Result<Session> Session::open(ModulePtr module, CK_SLOT_ID slot, bool readWrite) {
  CK_FLAGS flags = CKF_SERIAL_SESSION | (readWrite ? CKF_RW_SESSION : 0);
  CK_SESSION_HANDLE h = CK_INVALID_HANDLE;
  CK_RV rv = module->fn()->C_OpenSession(slot, flags, nullptr, nullptr, &h);
  if (rv != CKR_OK) return ckError("C_OpenSession", rv);
  return Session(std::move(module), h);
}

Session& Session::operator=(Session&& o) noexcept {
  if (this != &o) {
    close();
    module_ = std::move(o.module_);
    h_ = o.h_;
    o.h_ = CK_INVALID_HANDLE;
  }
  return *this;
}

void Session::close() {
  if (h_ != CK_INVALID_HANDLE && module_) module_->fn()->C_CloseSession(h_);
  h_ = CK_INVALID_HANDLE;
}

LoginGuard::~LoginGuard() {
  if (session_) session_->fn()->C_Logout(session_->handle());
}

Result<FindObjectsGuard> FindObjectsGuard::init(const Session& session, std::span<CK_ATTRIBUTE> tmpl) {
  CK_RV rv = session.fn()->C_FindObjectsInit(session.handle(), tmpl.data(), tmpl.size());
  if (rv != CKR_OK) return ckError("C_FindObjectsInit", rv);
  return FindObjectsGuard(&session);
}

FindObjectsGuard::~FindObjectsGuard() {
  if (s_) s_->fn()->C_FindObjectsFinal(s_->handle());
}

}  // namespace sshca::pkcs11
