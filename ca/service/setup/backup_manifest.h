// A backup's table of contents (MANIFEST.json: what it holds, from which
// CA and sshca, what it left out) and where `sshca restore` puts each
// member in a new CA directory (ca_layout.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"
#include "ca/service/setup/backup_archive.h"
#include "ca/service/setup/backup_config.h"
#include "ca/service/setup/ca_layout.h"

namespace sshca::setup {

inline constexpr const char* kBackupFormat = "sshca-backup";
inline constexpr int kBackupFormatVersion = 1;

struct BackupManifestInputs {
  std::string caName;
  std::string configPath;   // the backed-up ca.json, absolute
  nlohmann::json database;  // {"type": "sqlite", "schemaVersion": N} or {"type": "postgresql", "server": ...}
  std::vector<std::string> files;
  std::vector<std::string> droppedFromConfig;
  std::vector<ToProvide> notIncluded;  // only those with an original path are listed
  int64_t created = 0;                 // seconds since the epoch
};
nlohmann::json backupManifest(const BackupManifestInputs& in);

// The manifest of a backup being restored. InvalidFormat if it is not an
// sshca backup's; Unsupported if a newer sshca wrote it.
Result<nlohmann::json> checkBackupManifest(const std::string& text);

// Where the manifest and a PostgreSQL dump land in the new CA directory.
std::string restoredManifestPath(const CaLayout& layout);
std::string restoredPgDumpPath(const CaLayout& layout);

// The place in `layout` of each member a backup may hold; any other name
// is refused (extractBackupArchive).
MemberDestination backupDestinations(const CaLayout& layout);

}  // namespace sshca::setup
