#include "pam/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <security/pam_ext.h>

#include "ca/core/common/unique_fd.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::pam {
namespace {

const char* priorityName(int priority) {
  switch (priority) {
    case LOG_ERR:
      return "err";
    case LOG_WARNING:
      return "warning";
    case LOG_NOTICE:
      return "notice";
    case LOG_DEBUG:
      return "debug";
    default:
      return "info";
  }
}

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

std::string sanitizeForLog(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string describeCertificateUse(std::string_view user, const ssh::Certificate& cert, std::string_view from) {
  std::string principals;
  for (const auto& p : cert.principals) principals += (principals.empty() ? "" : ",") + p;
  return "user=" + sanitizeForLog(user) + " key_id=\"" + sanitizeForLog(cert.keyId) +
         "\" serial=" + std::to_string(cert.serial) + " principals=" + sanitizeForLog(principals) +
         " ca=" + ssh::fingerprintSha256(cert.signatureKey) +
         " from=" + (from.empty() ? std::string("-") : sanitizeForLog(from));
}

// O_APPEND keeps concurrent writers' lines whole; O_NOFOLLOW refuses a
// symlink planted where the log should be; O_NONBLOCK keeps a FIFO from
// blocking the open (no reader: ENXIO; a reader: fstat refuses it).
Result<UniqueFd> openLogFile(const std::string& path) {
  UniqueFd fd(
      ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd.valid()) return makeError(ErrorCode::IoError, "cannot open log_file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return makeError(ErrorCode::IoError, "fstat of log_file " + path + ": " + std::strerror(errno));
  auto refuse = [&](const std::string& why) {
    return makeError(ErrorCode::PermissionDenied, "log_file " + path + " " + why);
  };
  if (!S_ISREG(st.st_mode)) return refuse("is not a regular file");
  if (st.st_uid != ::geteuid())
    return refuse("is owned by uid " + std::to_string(st.st_uid) + ", not by uid " + std::to_string(::geteuid()));
  if (st.st_nlink != 1) return refuse("has " + std::to_string(st.st_nlink) + " links");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return refuse("is writable by group or others");
  return fd;
}

AuditLog::AuditLog(pam_handle_t* pamh, std::optional<std::string> logFile, bool debug) : pamh_(pamh), debug_(debug) {
  if (!logFile) return;
  auto fd = openLogFile(*logFile);
  if (fd.ok())
    logFd_ = std::move(*fd);
  else
    write(LOG_WARNING, fd.error().message + ": logging to syslog only");
}

void AuditLog::write(int priority, std::string_view msg) const {
  const std::string line = sanitizeForLog(msg);
  if (pamh_ != nullptr) pam_syslog(pamh_, priority, "%s", line.c_str());
  if (logFd_.valid()) appendToFile(priority, line);
}

void AuditLog::appendToFile(int priority, const std::string& line) const {
  const std::string text =
      utcNow() + " pam_sshca[" + std::to_string(::getpid()) + "] " + priorityName(priority) + ": " + line + "\n";
  (void)!::write(logFd_.get(), text.data(), text.size());
}

}  // namespace sshca::pam
