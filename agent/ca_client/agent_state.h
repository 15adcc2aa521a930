// What bootstrap pins and every later command trusts: the CA's URL, its
// X.509 root (for TLS) and its SSH CA keys (the user CA key verifies the
// KRL signature). One directory: /etc/sshca-agent for root,
// ~/.config/sshca otherwise, or --config-dir.
#pragma once

#include <string>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/core/keys/public_key.h"

namespace sshca::agent {

struct AgentState {
  std::string caUrl;            // no trailing slash
  std::string rootFingerprint;  // SHA-256 of the root's DER, lower-case hex
  std::string rootPem;
  std::vector<PublicKey> userCaKeys;  // from GET /ssh/roots at bootstrap
  std::vector<PublicKey> hostCaKeys;
};

// /etc/sshca-agent when running as root, else $HOME/.config/sshca.
std::string defaultConfigDir();

// Files inside the directory (stable names: other tools may read them).
std::string rootFileIn(const std::string& dir);    // root_ca.crt
std::string userCaFileIn(const std::string& dir);  // user_ca.pub
std::string hostCaFileIn(const std::string& dir);  // host_ca.pub

// Creates the directory (0755) and writes every file atomically; agent.json last,
// so that a half-written state never looks complete.
Status saveAgentState(const std::string& dir, const AgentState& state);
// NotFound, saying to run bootstrap, when the directory holds no state.
Result<AgentState> loadAgentState(const std::string& dir);

// One "type base64 comment" line per key.
std::string formatKeyLines(const std::vector<PublicKey>& keys, const std::string& comment);
Result<std::vector<PublicKey>> parseKeyLines(const std::string& text, const std::string& what);

}  // namespace sshca::agent
