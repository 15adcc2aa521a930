// Where the module says what it did and why: syslog (facility authpriv,
// through pam_syslog so that lines carry the service name) and, when
// log_file=PATH is set, the same lines appended to that file (test
// machines often run no syslog daemon). Lines never contain a secret: no
// challenge, no signature, no key material beyond public fingerprints.
//
// The log file is opened once, non-blocking and never through a symlink,
// and used only if it is a regular file with one link, owned by the
// module's effective user (root under sudo, su and sshd) and not writable
// by group or others: a FIFO planted at the path would hang every login,
// a file the user owns would receive root's audit lines. Otherwise the
// module logs to syslog only and says there why.
#pragma once

#include <syslog.h>

#include <optional>
#include <string>
#include <string_view>

#include <security/pam_modules.h>

#include "ca/core/common/result.h"
#include "ca/core/common/unique_fd.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::pam {

// Printable ASCII kept; anything else (newlines that would forge a log
// line, terminal escapes) becomes \xNN. Certificates, user names and
// PAM_RHOST are attacker-influenced text.
std::string sanitizeForLog(std::string_view s);

// "user=U key_id="ID" serial=N principals=A,B ca=SHA256:... from=ADDR"
std::string describeCertificateUse(std::string_view user, const ssh::Certificate& cert, std::string_view from);

// Opens `path` for appending as described above; PermissionDenied (or
// the open's error) with the reason otherwise. Never blocks.
Result<UniqueFd> openLogFile(const std::string& path);

class AuditLog {
 public:
  AuditLog(pam_handle_t* pamh, std::optional<std::string> logFile, bool debug);

  void info(std::string_view msg) const { write(LOG_INFO, msg); }
  void notice(std::string_view msg) const { write(LOG_NOTICE, msg); }
  void warning(std::string_view msg) const { write(LOG_WARNING, msg); }
  void error(std::string_view msg) const { write(LOG_ERR, msg); }
  void debug(std::string_view msg) const {
    if (debug_) write(LOG_DEBUG, msg);
  }

 private:
  void write(int priority, std::string_view msg) const;
  void appendToFile(int priority, const std::string& line) const;

  pam_handle_t* pamh_;
  UniqueFd logFd_;  // invalid: syslog only
  bool debug_;
};

}  // namespace sshca::pam
