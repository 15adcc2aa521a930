#include "pam/module_args.h"

#include <charconv>
#include <string_view>

namespace sshca::pam {
namespace {

Error badArg(std::string_view arg, std::string_view why) {
  return makeError(ErrorCode::InvalidArgument, "module argument '" + std::string(arg) + "': " + std::string(why));
}

Status requireAbsolute(std::string_view arg, const std::string& path) {
  if (path.empty() || path.front() != '/') return badArg(arg, "needs an absolute path");
  return okStatus();
}

Status parseOne(ModuleArgs& a, const std::string& arg) {
  if (arg == "debug") {
    a.debug = true;
    return okStatus();
  }
  if (arg == "require_cert") {
    a.requireCert = true;
    return okStatus();
  }
  const size_t eq = arg.find('=');
  if (eq == std::string::npos) return badArg(arg, "unknown option");
  const std::string key = arg.substr(0, eq);
  const std::string value = arg.substr(eq + 1);
  if (value.empty()) return badArg(arg, "empty value");
  if (key == "ca_file") {
    a.caFile = value;
    return requireAbsolute(arg, value);
  }
  if (key == "krl_file") {
    a.krlFile = value;
    return requireAbsolute(arg, value);
  }
  if (key == "log_file") {
    a.logFile = value;
    return requireAbsolute(arg, value);
  }
  if (key == "authorized_principals_file") {
    a.authorizedPrincipalsFile = value;
    return requireAbsolute(arg, value);
  }
  if (key == "principal") {
    a.principal = value;
    return okStatus();
  }
  if (key == "group") {
    a.group = value;
    return okStatus();
  }
  if (key == "on_failure") {
    if (value == "auth_err")
      a.onFailure = FailureMode::AuthErr;
    else if (value == "ignore")
      a.onFailure = FailureMode::Ignore;
    else
      return badArg(arg, "expected auth_err or ignore");
    return okStatus();
  }
  if (key == "agent_timeout") {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || v == 0 || v > 600)
      return badArg(arg, "expected seconds between 1 and 600");
    a.agentTimeoutSeconds = v;
    return okStatus();
  }
  return badArg(arg, "unknown option");
}

}  // namespace

Result<ModuleArgs> parseModuleArgs(const std::vector<std::string>& argv) {
  ModuleArgs a;
  for (const auto& arg : argv) SSHCA_RETURN_IF_ERROR(parseOne(a, arg));
  if (a.caFile.empty()) return makeError(ErrorCode::InvalidArgument, "module argument ca_file=PATH is required");
  return a;
}

Result<std::string> expandUserTokens(const std::string& pattern, const std::string& user) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') {
      out += pattern[i];
      continue;
    }
    if (i + 1 == pattern.size()) return makeError(ErrorCode::InvalidArgument, "'" + pattern + "' ends with a lone %");
    const char t = pattern[++i];
    if (t == 'u')
      out += user;
    else if (t == '%')
      out += '%';
    else
      return makeError(ErrorCode::InvalidArgument, "'" + pattern + "': unknown token %" + std::string(1, t));
  }
  return out;
}

}  // namespace sshca::pam
