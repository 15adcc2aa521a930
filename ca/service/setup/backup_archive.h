// The file `sshca backup` writes and `sshca restore` reads: a POSIX tar
// (pax) archive, so that an admin can look into it with `tar tf` / `tar xf`.
// Every member sits under one directory (kBackupArchiveRoot) and is a
// regular file; reading accepts nothing else (no links, devices, absolute
// or ".." names).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::setup {

inline constexpr const char* kBackupArchiveRoot = "sshca-backup";

// One member: its name inside kBackupArchiveRoot ("config/ca.json") and
// either a file to copy (streamed, so a large database is never held in
// memory) or the content itself.
struct ArchiveMember {
  std::string name;
  std::string sourcePath;  // a file, or
  std::string content;     // this text when sourcePath is empty
};

// Writes the archive to `out` (mode 0600 from its creation; an existing
// `out` is refused) through a temporary file in the same directory,
// renamed into place once complete and fsynced, so a failed backup never
// leaves a truncated archive under the name asked for.
Status writeBackupArchive(const std::string& out, const std::vector<ArchiveMember>& members, int64_t mtime);

// Where a member goes: the path to create for a member name (as in
// ArchiveMember::name), or nullopt for a name that must not be in a backup
// (the whole extraction then fails).
using MemberDestination = std::function<std::optional<std::string>(const std::string& name)>;

// Extracts every member of the archive at `from` to its destination (files
// created 0600 with O_EXCL: nothing existing is overwritten). Returns the
// member names, in archive order. InvalidArgument for a member that is not
// a regular file, a name outside kBackupArchiveRoot, one `destination`
// refuses, or a name seen twice.
Result<std::vector<std::string>> extractBackupArchive(const std::string& from, const MemberDestination& destination);

}  // namespace sshca::setup
