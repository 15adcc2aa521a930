// Reading and atomically replacing files.
#pragma once

#include <sys/types.h>

#include <string>

#include "ca/core/common/result.h"

namespace sshca {

// The whole file; NotFound / IoError with the path and errno text.
Result<std::string> readFile(const std::string& path);

// Writes to a temporary file in the same directory, fsyncs it, renames it
// over `path` and fsyncs the directory: readers see the old or the new
// content, never a torn one.
// Writes all of `data` to `fd` (retrying short writes and EINTR); `path`
// names the file in the error.
Status writeAll(int fd, std::string_view data, const std::string& path);

Status writeFileAtomic(const std::string& path, std::string_view content, mode_t mode = 0644);

}  // namespace sshca
