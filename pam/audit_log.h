// Where the module says what it did and why: syslog (facility authpriv,
// through pam_syslog so that lines carry the service name) and, when
// log_file=PATH is set, the same lines appended to that file (test
// machines often run no syslog daemon). Lines never contain a secret: no
// challenge, no signature, no key material beyond public fingerprints.
#pragma once

#include <security/pam_modules.h>
#include <syslog.h>

#include <optional>
#include <string>
#include <string_view>

#include "ca/core/ssh/ssh_cert.h"

namespace sshca::pam {

// Printable ASCII kept; anything else (newlines that would forge a log
// line, terminal escapes) becomes \xNN. Certificates, user names and
// PAM_RHOST are attacker-influenced text.
std::string sanitizeForLog(std::string_view s);

// "user=U key_id="ID" serial=N principals=A,B ca=SHA256:... from=ADDR"
std::string describeCertificateUse(std::string_view user, const ssh::Certificate& cert, std::string_view from);

class AuditLog {
 public:
  AuditLog(pam_handle_t* pamh, std::optional<std::string> logFile, bool debug)
      : pamh_(pamh), logFile_(std::move(logFile)), debug_(debug) {}

  void info(std::string_view msg) const { write(LOG_INFO, msg); }
  void notice(std::string_view msg) const { write(LOG_NOTICE, msg); }
  void warning(std::string_view msg) const { write(LOG_WARNING, msg); }
  void error(std::string_view msg) const { write(LOG_ERR, msg); }
  void debug(std::string_view msg) const { if (debug_) write(LOG_DEBUG, msg); }

 private:
  void write(int priority, std::string_view msg) const;
  void appendToFile(int priority, const std::string& line) const;

  pam_handle_t* pamh_;
  std::optional<std::string> logFile_;
  bool debug_;
};

}  // namespace sshca::pam
