// What a backup holds, for `sshca backup` and `sshca restore` alike: the
// fixed list of its members, its table of contents (MANIFEST.json: what it
// holds, from which CA and sshca, what it left out) and where restore puts
// each member in a new CA directory (ca_layout.h).
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

// The fixed list of what a backup may hold: its member names (inside
// kBackupArchiveRoot). backupDestinations gives each its place; restore
// refuses any other name.
inline constexpr const char* kBackupManifest = "MANIFEST.json";
inline constexpr const char* kBackupConfig = "config/ca.json";
inline constexpr const char* kBackupRootCert = "certs/root_ca.crt";
inline constexpr const char* kBackupIntermediateCert = "certs/intermediate_ca.crt";
inline constexpr const char* kBackupServerChain = "certs/server_chain.pem";
inline constexpr const char* kBackupSqlite = "db/sshca.db";
inline constexpr const char* kBackupPgDump = "db/sshca.pgdump";
inline constexpr const char* kBackupUserCaKey = "ssh/ssh_user_ca.pub";
inline constexpr const char* kBackupHostCaKey = "ssh/ssh_host_ca.pub";

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
