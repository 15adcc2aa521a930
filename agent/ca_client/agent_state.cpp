#include "agent/ca_client/agent_state.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ca/core/common/file_io.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {
namespace {

std::string stateFileIn(const std::string& dir) { return dir + "/agent.json"; }

Status makeDirectories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return makeError(ErrorCode::IoError, "cannot create " + dir + ": " + ec.message());
  return okStatus();
}

}  // namespace

std::string defaultConfigDir() {
  if (::geteuid() == 0) return "/etc/sshca-agent";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.config/sshca";
}

std::string rootFileIn(const std::string& dir) { return dir + "/root_ca.crt"; }
std::string userCaFileIn(const std::string& dir) { return dir + "/user_ca.pub"; }
std::string hostCaFileIn(const std::string& dir) { return dir + "/host_ca.pub"; }

std::string formatKeyLines(const std::vector<PublicKey>& keys, const std::string& comment) {
  std::string out;
  for (const auto& k : keys) out += ssh::formatPublicKeyLine(k, comment) + "\n";
  return out;
}

Result<std::vector<PublicKey>> parseKeyLines(const std::string& text, const std::string& what) {
  std::vector<PublicKey> keys;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto parsed = ssh::parsePublicKeyLine(line);
    if (!parsed.ok()) return std::move(parsed).error().context(what);
    keys.push_back(parsed->key);
  }
  return keys;
}

Status saveAgentState(const std::string& dir, const AgentState& state) {
  SSHCA_RETURN_IF_ERROR(makeDirectories(dir));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(rootFileIn(dir), state.rootPem, 0644));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(userCaFileIn(dir), formatKeyLines(state.userCaKeys, "sshca-user-ca"), 0644));
  SSHCA_RETURN_IF_ERROR(writeFileAtomic(hostCaFileIn(dir), formatKeyLines(state.hostCaKeys, "sshca-host-ca"), 0644));
  nlohmann::json j = {{"caUrl", state.caUrl}, {"rootFingerprint", state.rootFingerprint}};
  return writeFileAtomic(stateFileIn(dir), j.dump(2) + "\n", 0644);
}

Result<AgentState> loadAgentState(const std::string& dir) {
  auto text = readFile(stateFileIn(dir));
  if (!text.ok()) {
    if (text.error().code == ErrorCode::NotFound)
      return makeError(
          ErrorCode::NotFound,
          "no CA configured in " + dir + ": run `sshca-agent bootstrap --ca-url URL --fingerprint SHA256` first");
    return std::move(text).error();
  }
  AgentState s;
  try {
    auto j = nlohmann::json::parse(*text);
    s.caUrl = j.at("caUrl").get<std::string>();
    s.rootFingerprint = j.at("rootFingerprint").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    return makeError(ErrorCode::InvalidFormat,
                     stateFileIn(dir) + " is damaged (" + e.what() + "): run bootstrap again");
  }
  SSHCA_ASSIGN_OR_RETURN(s.rootPem, readFile(rootFileIn(dir)));
  SSHCA_ASSIGN_OR_RETURN(std::string users, readFile(userCaFileIn(dir)));
  SSHCA_ASSIGN_OR_RETURN(s.userCaKeys, parseKeyLines(users, userCaFileIn(dir)));
  SSHCA_ASSIGN_OR_RETURN(std::string hosts, readFile(hostCaFileIn(dir)));
  SSHCA_ASSIGN_OR_RETURN(s.hostCaKeys, parseKeyLines(hosts, hostCaFileIn(dir)));
  return s;
}

}  // namespace sshca::agent
