// Replacing a file that other programs read (sshd's host certificates, the
// KRL, the user CA keys): readers see the old or the new content, never a
// torn one, and an admin's owner and mode survive the replacement.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "ca/core/common/result.h"

namespace sshca::agent {

// Writes a temporary file in the same directory (so rename is atomic),
// gives it the owner and mode of the file it replaces (`newMode` when there
// is none yet), fsyncs it, renames it over `path` and fsyncs the directory.
// On any failure the temporary file is removed and `path` is untouched.
Status atomicReplace(const std::string& path, std::string_view content, mode_t newMode = 0644);

// Moves an already written file over `path` (rename + directory fsync).
Status atomicRename(const std::string& from, const std::string& path);

}  // namespace sshca::agent
