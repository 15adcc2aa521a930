#include "agent/ca_client/known_hosts_line.h"

#include <set>
#include <sstream>

#include "ca/core/common/file_io.h"
#include "ca/core/ssh/ssh_pubkey.h"

namespace sshca::agent {

std::string certAuthorityLines(const std::vector<PublicKey>& hostCaKeys, const std::string& pattern) {
  std::string out;
  for (const auto& k : hostCaKeys)
    out += "@cert-authority " + pattern + " " + ssh::formatPublicKeyLine(k, "sshca-host-ca") + "\n";
  return out;
}

Result<int> appendLinesOnce(const std::string& path, const std::string& lines) {
  std::string content;
  if (auto old = readFile(path); old.ok()) {
    content = std::move(old).value();
  } else if (old.error().code != ErrorCode::NotFound) {
    return std::move(old).error();
  }
  std::set<std::string> present;
  std::istringstream in(content);
  for (std::string l; std::getline(in, l);) present.insert(l);
  int added = 0;
  std::istringstream add(lines);
  for (std::string l; std::getline(add, l);) {
    if (l.empty() || present.count(l)) continue;
    if (!content.empty() && content.back() != '\n') content += '\n';
    content += l + "\n";
    present.insert(l);
    ++added;
  }
  if (added > 0) SSHCA_RETURN_IF_ERROR(writeFileAtomic(path, content, 0644));
  return added;
}

}  // namespace sshca::agent
