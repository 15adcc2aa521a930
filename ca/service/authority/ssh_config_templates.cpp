#include "ca/service/authority/ssh_config_templates.h"

namespace sshca::authority {
namespace {

using Data = std::map<std::string, std::string>;

std::string value(const Data& data, const std::string& key) {
  auto it = data.find(key);
  return it == data.end() ? std::string() : it->second;
}

bool windows(const Data& data) { return value(data, "GOOS") == "windows"; }

// step's `replace "\\" "/" | trimPrefix "C:"` for Windows paths.
std::string slashPath(std::string path) {
  for (char& c : path)
    if (c == '\\') c = '/';
  if (path.starts_with("C:")) path.erase(0, 2);
  return path;
}

std::string contextFlag(const Data& data) {
  std::string context = value(data, "Context");
  return context.empty() ? std::string() : " --context " + context;
}

// config.tpl: the snippet for ~/.ssh/config.
std::string configTpl(const Data& data) {
  std::string base = value(data, "StepBasePath");
  if (base.empty()) base = value(data, "StepPath");
  if (windows(data)) base = slashPath(base);
  return "Host *\n\tInclude \"" + base + "/ssh/includes\"";
}

// step_includes.tpl: the line prepended to ${STEPPATH}/ssh/includes.
std::string includesTpl(const Data& data) {
  std::string path = value(data, "StepPath");
  if (windows(data)) path = slashPath(path);
  return "Include \"" + path + "/ssh/config\"";
}

// step_config.tpl: hosts with a certificate go through step's proxy.
std::string stepConfigTpl(const Data& data) {
  std::string out = "Match exec \"step ssh check-host" + contextFlag(data) + " %h\"";
  if (std::string user = value(data, "User"); !user.empty()) out += "\n\tUser " + user;
  std::string stepPath = value(data, "StepPath");
  if (windows(data)) {
    out += "\n\tUserKnownHostsFile \"" + stepPath + "\\ssh\\known_hosts\"";
    out += "\n\tProxyCommand C:\\Windows\\System32\\cmd.exe /c step ssh proxycommand" + contextFlag(data) + " %r %h %p";
  } else {
    out += "\n\tUserKnownHostsFile \"" + stepPath + "/ssh/known_hosts\"";
    out += "\n\tProxyCommand step ssh proxycommand" + contextFlag(data) + " %r %h %p";
  }
  return out + "\n";
}

std::string knownHostsTpl(const SshConfigKeys& keys) { return "@cert-authority * " + keys.hostKey + "\n"; }

std::string sshdConfigTpl(const Data& data) {
  return "Match all\n\tTrustedUserCAKeys /etc/ssh/ca.pub\n\tHostCertificate /etc/ssh/" + value(data, "Certificate") +
         "\n\tHostKey /etc/ssh/" + value(data, "Key");
}

std::string caTpl(const SshConfigKeys& keys) { return keys.userKey + "\n"; }

api::SshConfigTemplate output(std::string name, std::string type, std::string path, std::string content) {
  return {std::move(name), std::move(type), std::move(path), "#", std::move(content)};
}

std::vector<api::SshConfigTemplate> userTemplates(const Data& data, const SshConfigKeys& keys) {
  // Clients older than step 0.18 send no template version and expect the
  // includes as a plain file relative to their step path.
  bool versioned = !value(data, "StepSSHTemplateVersion").empty();
  return {
      output("config.tpl", "snippet", "~/.ssh/config", configTpl(data)),
      versioned ? output("step_includes.tpl", "prepend-line", "${STEPPATH}/ssh/includes", includesTpl(data))
                : output("step_includes.tpl", "file", "ssh/includes", includesTpl(data)),
      output("step_config.tpl", "file", "ssh/config", stepConfigTpl(data)),
      output("known_hosts.tpl", "file", "ssh/known_hosts", knownHostsTpl(keys)),
  };
}

Result<std::vector<api::SshConfigTemplate>> hostTemplates(const Data& data, const SshConfigKeys& keys) {
  for (const char* required : {"Certificate", "Key"}) {
    if (!data.contains(required))
      return makeError(ErrorCode::InvalidArgument, std::string("required variable '") + required +
                                                       "' is missing, please use `--set <key=value>` flag");
  }
  return std::vector<api::SshConfigTemplate>{
      output("sshd_config.tpl", "snippet", "/etc/ssh/sshd_config", sshdConfigTpl(data)),
      output("ca.tpl", "snippet", "/etc/ssh/ca.pub", caTpl(keys)),
  };
}

}  // namespace

Result<std::vector<api::SshConfigTemplate>> renderSshConfig(ssh::CertType type, const Data& data,
                                                            const SshConfigKeys& keys) {
  if (type == ssh::CertType::User) return userTemplates(data, keys);
  return hostTemplates(data, keys);
}

}  // namespace sshca::authority
