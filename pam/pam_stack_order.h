// Whether SSH_AUTH_INFO_0 in the session can be the user's rather than
// sshd's. OpenSSH 9.2 puts it into PAM's environment (pam_putenv) just
// before pam_open_session; from then on any session module may replace it,
// and pam_env does with the user's own ~/.pam_environment (Debian's
// /etc/pam.d/sshd runs `pam_env.so user_readenv=1`). The value carries no
// mark of who set it, so the module reads its own service's PAM stack
// (/etc/pam.d/<service>, following @include, include and substack) and
// runs only when no pam_env line comes before its own session line: then
// the value it reads is the one sshd put there. See docs/pam.md.
#pragma once

#include <string>

#include "ca/core/common/result.h"

namespace sshca::pam {

inline constexpr const char* kPamConfigDir = "/etc/pam.d";

// PermissionDenied when a session line of pam_env.so precedes the first
// session line of pam_sshca.so in `configDir`/`service`, or when that
// line cannot be found (another file name, /etc/pam.conf, an unreadable
// file, or one not owned by root or writable by group or others): the order cannot be vouched for. The message names the file and
// line.
Status checkSessionEnvironmentIsSshds(const std::string& configDir, const std::string& service);

}  // namespace sshca::pam
