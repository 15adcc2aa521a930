#include "pam/pam_stack_order.h"

#include <optional>
#include <sstream>
#include <vector>

#include "pam/trust_files.h"

namespace sshca::pam {
namespace {

constexpr int kMaxIncludeDepth = 8;  // Linux-PAM's own limit on nesting is of this order

struct Found {
  bool ours = false;                 // our session line was reached
  std::optional<std::string> envAt;  // "FILE:LINE" of a pam_env session line seen before it
};

std::string baseName(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string includePath(const std::string& dir, const std::string& name) {
  return !name.empty() && name.front() == '/' ? name : dir + "/" + name;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line.substr(0, line.find('#')));
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The module path of a rule: after the type and the control, which may be
// a bracketed list spread over several words ("[success=ok default=bad]").
std::optional<size_t> modulePosition(const std::vector<std::string>& w) {
  size_t i = 1;
  if (i < w.size() && w[i].front() == '[')
    while (i < w.size() && w[i].back() != ']') ++i;
  ++i;
  if (i >= w.size()) return std::nullopt;
  return i;
}

Status walk(const std::string& dir, const std::string& file, int depth, Found& found);

// One rule; stops the walk (returns true) once our own line is reached.
Result<bool> visitRule(const std::string& dir, const std::vector<std::string>& w, const std::string& where, int depth,
                       Found& found) {
  if (w[0] == "@include") {
    if (w.size() < 2) return false;
    SSHCA_RETURN_IF_ERROR(walk(dir, includePath(dir, w[1]), depth + 1, found));
    return found.ours;
  }
  std::string type = w[0].front() == '-' ? w[0].substr(1) : w[0];
  if (type != "session") return false;
  auto pos = modulePosition(w);
  if (!pos) return false;
  if (w[1] == "include" || w[1] == "substack") {
    SSHCA_RETURN_IF_ERROR(walk(dir, includePath(dir, w[*pos]), depth + 1, found));
    return found.ours;
  }
  const std::string module = baseName(w[*pos]);
  if (module == "pam_sshca.so") {
    found.ours = true;
    return true;
  }
  if (module == "pam_env.so" && !found.envAt) found.envAt = where;
  return false;
}

Status walk(const std::string& dir, const std::string& file, int depth, Found& found) {
  if (depth > kMaxIncludeDepth)
    return makeError(ErrorCode::PermissionDenied, "PAM configuration includes nest too deep at " + file);
  // Root's, as the stack PAM itself runs: a file someone else could write
  // would let them vouch for an order that is not there.
  auto content = readTrustedFile(file);
  if (!content.ok())
    return makeError(ErrorCode::PermissionDenied, "cannot read the PAM configuration: " + content.error().message);
  std::istringstream in(*content);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    auto w = words(line);
    if (w.empty()) continue;
    SSHCA_ASSIGN_OR_RETURN(bool done, visitRule(dir, w, file + ":" + std::to_string(n), depth, found));
    if (done) return okStatus();
  }
  return okStatus();
}

}  // namespace

Status checkSessionEnvironmentIsSshds(const std::string& configDir, const std::string& service) {
  if (service.empty() || service.find('/') != std::string::npos)
    return makeError(ErrorCode::PermissionDenied, "PAM gives no usable service name");
  const std::string file = configDir + "/" + service;
  Found found;
  SSHCA_RETURN_IF_ERROR(walk(configDir, file, 0, found));
  if (!found.ours)
    return makeError(ErrorCode::PermissionDenied,
                     "no session line of pam_sshca.so in " + file +
                         ": cannot tell whether SSH_AUTH_INFO_0 is sshd's (the module must be named pam_sshca.so)");
  if (found.envAt)
    return makeError(ErrorCode::PermissionDenied,
                     "pam_env.so (" + *found.envAt + ") runs before pam_sshca.so in the session stack of " + file +
                         ": SSH_AUTH_INFO_0 may come from the user's ~/.pam_environment, not from sshd; put the "
                         "pam_sshca line above every pam_env line (docs/pam.md)");
  return okStatus();
}

}  // namespace sshca::pam
