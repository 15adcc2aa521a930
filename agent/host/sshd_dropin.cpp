#include "agent/host/sshd_dropin.h"

#include <filesystem>

namespace sshca::agent {
namespace {

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace

std::string renderSshdDropin(const DropinInputs& in) {
  std::string out =
      "# /etc/ssh/sshd_config.d/sshca.conf, from `sshca-agent config sshd`\n"
      "# Trust user certificates signed by the CA's user key (sshca-agent bootstrap --host).\n"
      "TrustedUserCAKeys " +
      in.userCaFile +
      "\n"
      "# Present this host's certificates (sshca-agent host enroll / renew).\n";
  bool any = false;
  for (const auto& k : in.keys) {
    if (!exists(k.certificate)) continue;
    out += "HostCertificate " + k.certificate + "\n";
    any = true;
  }
  if (!any) out += "# (no host certificate yet: run `sshca-agent host enroll --token ...`)\n";
  out += "# Refuse revoked certificates (sshca-agent krl sync).\n";
  if (exists(in.krlFile)) {
    out += "RevokedKeys " + in.krlFile + "\n";
  } else {
    out += "# RevokedKeys " + in.krlFile +
           "   <- after the first `sshca-agent krl sync`: sshd refuses\n"
           "#   every public-key login while this file is missing or unreadable.\n";
  }
  return out;
}

}  // namespace sshca::agent
