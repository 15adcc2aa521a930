#include "ca/service/setup/backup_manifest.h"

#include <map>

#include "ca/core/common/utc_time.h"
#include "ca/core/common/version.h"

namespace sshca::setup {

nlohmann::json backupManifest(const BackupManifestInputs& in) {
  nlohmann::json notIncluded = nlohmann::json::array();
  for (const auto& t : in.notIncluded)
    if (!t.original.empty()) notIncluded.push_back({{"what", t.what}, {"path", t.original}});
  return {{"format", kBackupFormat},
          {"version", kBackupFormatVersion},
          {"sshca", kSshcaVersion},
          {"created", formatUtc(in.created)},
          {"name", in.caName},
          {"config", in.configPath},
          {"database", in.database},
          {"files", in.files},
          {"droppedFromConfig", in.droppedFromConfig},
          {"notIncluded", notIncluded}};
}

Result<nlohmann::json> checkBackupManifest(const std::string& text) {
  nlohmann::json m = nlohmann::json::parse(text, nullptr, false);
  if (m.is_discarded() || !m.is_object() || m.value("format", "") != kBackupFormat)
    return makeError(ErrorCode::InvalidFormat, "the archive is not an sshca backup (its MANIFEST.json)");
  if (m.value("version", 0) > kBackupFormatVersion)
    return makeError(ErrorCode::Unsupported,
                     "the backup was written by a newer sshca (" + m.value("sshca", std::string("?")) + ")");
  return m;
}

std::string restoredManifestPath(const CaLayout& l) { return l.configDir + "/backup-manifest.json"; }

std::string restoredPgDumpPath(const CaLayout& l) { return l.dbDir + "/sshca.pgdump"; }

MemberDestination backupDestinations(const CaLayout& l) {
  std::map<std::string, std::string> where{
      {kBackupManifest, restoredManifestPath(l)},
      {kBackupConfig, l.configFile},
      {kBackupRootCert, l.rootCert},
      {kBackupIntermediateCert, l.intermediateCert},
      {kBackupServerChain, l.serverChain},
      {kBackupSqlite, l.dbFile},
      {kBackupPgDump, restoredPgDumpPath(l)},
      {kBackupUserCaKey, l.certsDir + "/ssh_user_ca.pub"},
      {kBackupHostCaKey, l.certsDir + "/ssh_host_ca.pub"},
  };
  return [where](const std::string& name) -> std::optional<std::string> {
    auto it = where.find(name);
    if (it == where.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace sshca::setup
