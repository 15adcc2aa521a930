// The PAM entry points: read what PAM knows, run auth_flow / session_flow,
// map the outcome to a PAM code. Nothing else is exported from the module
// (-fvisibility=hidden plus a version script); no exception crosses into
// the C caller.
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <security/pam_appl.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "pam/audit_log.h"
#include "pam/auth_flow.h"
#include "pam/module_args.h"
#include "pam/pam_stack_order.h"
#include "pam/session_flow.h"

#define SSHCA_PAM_EXPORT extern "C" __attribute__((visibility("default")))

namespace sshca::pam {
namespace {

std::vector<std::string> argVector(int argc, const char** argv) {
  std::vector<std::string> out;
  for (int i = 0; i < argc; ++i) out.emplace_back(argv[i]);
  return out;
}

std::optional<std::string> stringItem(pam_handle_t* pamh, int item) {
  const void* value = nullptr;
  if (pam_get_item(pamh, item, &value) != PAM_SUCCESS || value == nullptr) return std::nullopt;
  return std::string(static_cast<const char*>(value));
}

std::optional<std::string> pamEnv(pam_handle_t* pamh, const char* name) {
  const char* v = pam_getenv(pamh, name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

// sudo and su keep the invoking user's environment in their own process
// (PAM's environment is usually empty there); plain getenv, because
// secure_getenv hides it in a setuid sudo. The value is only a path we
// check thoroughly before use (agent_socket.h).
std::optional<std::string> agentSocketPath(pam_handle_t* pamh) {
  if (auto v = pamEnv(pamh, "SSH_AUTH_SOCK")) return v;
  if (const char* v = std::getenv("SSH_AUTH_SOCK")) return std::string(v);
  return std::nullopt;
}

Result<std::string> pamUser(pam_handle_t* pamh) {
  const char* user = nullptr;
  if (pam_get_user(pamh, &user, nullptr) != PAM_SUCCESS || user == nullptr || *user == '\0')
    return makeError(ErrorCode::InvalidArgument, "PAM gives no user name");
  return std::string(user);
}

int authenticate(pam_handle_t* pamh, const ModuleArgs& args, const AuditLog& log) {
  const int refuse = args.onFailure == FailureMode::Ignore ? PAM_IGNORE : PAM_AUTH_ERR;
  auto user = pamUser(pamh);
  if (!user.ok()) {
    log.error(user.error().message);
    return refuse;
  }
  const AuthRequest req{*user, agentSocketPath(pamh), stringItem(pamh, PAM_RHOST)};
  auto cert = authenticateByAgent(args, req, log);
  if (!cert.ok()) {
    log.notice("auth refused for user=" + *user + ": " + cert.error().message);
    return refuse;
  }
  log.notice("auth granted: " + describeCertificateUse(*user, *cert, req.remoteHost.value_or("")));
  return PAM_SUCCESS;
}

void exportCertificate(pam_handle_t* pamh, const ssh::Certificate& cert, const AuditLog& log) {
  const std::string keyId = "SSHCA_KEY_ID=" + sanitizeForLog(cert.keyId);
  const std::string serial = "SSHCA_SERIAL=" + std::to_string(cert.serial);
  if (pam_putenv(pamh, keyId.c_str()) != PAM_SUCCESS || pam_putenv(pamh, serial.c_str()) != PAM_SUCCESS)
    log.warning("could not set SSHCA_KEY_ID/SSHCA_SERIAL in the session environment");
}

int openSession(pam_handle_t* pamh, const ModuleArgs& args, const AuditLog& log) {
  auto user = pamUser(pamh);
  if (!user.ok()) {
    log.error(user.error().message);
    return PAM_SESSION_ERR;
  }
  const auto from = stringItem(pamh, PAM_RHOST).value_or("");
  // Before SSH_AUTH_INFO_0 is read at all: a value the user could have set
  // must not even reach the log.
  if (auto order = checkSessionEnvironmentIsSshds(kPamConfigDir, stringItem(pamh, PAM_SERVICE).value_or(""));
      !order.ok()) {
    log.error("session refused for user=" + *user + " from=" + (from.empty() ? "-" : from) + ": " +
              order.error().message);
    return PAM_SESSION_ERR;
  }
  auto certs = checkSessionCertificates(args, {*user, pamEnv(pamh, "SSH_AUTH_INFO_0")}, log);
  if (!certs.ok()) {
    log.warning("session refused for user=" + *user + " from=" + (from.empty() ? "-" : from) + ": " +
                certs.error().message);
    return PAM_SESSION_ERR;
  }
  if (certs->empty()) {
    log.info("session: user=" + *user + " from=" + (from.empty() ? "-" : from) + " used no certificate of ours");
    return PAM_SUCCESS;
  }
  for (const auto& cert : *certs) log.notice("session: " + describeCertificateUse(*user, cert, from));
  exportCertificate(pamh, certs->front(), log);
  return PAM_SUCCESS;
}

// Parses the arguments, then runs `body`; a bad line or an exception
// gives `onError` (nothing may unwind into libpam's C code).
template <class Body>
int run(pam_handle_t* pamh, int argc, const char** argv, int onError, Body body) {
  try {
    auto args = parseModuleArgs(argVector(argc, argv));
    if (!args.ok()) {
      AuditLog(pamh, std::nullopt, false).error("configuration: " + args.error().message);
      return onError;
    }
    const AuditLog log(pamh, args->logFile, args->debug);
    return body(*args, log);
  } catch (const std::exception& e) {
    AuditLog(pamh, std::nullopt, false).error(std::string("internal error: ") + e.what());
  } catch (...) { AuditLog(pamh, std::nullopt, false).error("internal error"); }
  return onError;
}

}  // namespace
}  // namespace sshca::pam

SSHCA_PAM_EXPORT int pam_sm_authenticate(pam_handle_t* pamh, int /*flags*/, int argc, const char** argv) {
  using namespace sshca::pam;
  return run(pamh, argc, argv, PAM_SERVICE_ERR,
             [&](const ModuleArgs& args, const AuditLog& log) { return authenticate(pamh, args, log); });
}

// No credentials to establish: the certificate is the user's own.
SSHCA_PAM_EXPORT int pam_sm_setcred(pam_handle_t*, int, int, const char**) { return PAM_SUCCESS; }

SSHCA_PAM_EXPORT int pam_sm_open_session(pam_handle_t* pamh, int /*flags*/, int argc, const char** argv) {
  using namespace sshca::pam;
  return run(pamh, argc, argv, PAM_SESSION_ERR,
             [&](const ModuleArgs& args, const AuditLog& log) { return openSession(pamh, args, log); });
}

SSHCA_PAM_EXPORT int pam_sm_close_session(pam_handle_t*, int, int, const char**) { return PAM_SUCCESS; }
