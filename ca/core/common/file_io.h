// Reading and atomically replacing files.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/result.h"

namespace sshca {

// The whole file; NotFound / IoError with the path and errno text.
Result<std::string> readFile(const std::string& path);

// Writes to a temporary file in the same directory, fsyncs it, renames it
// over `path` and fsyncs the directory: readers see the old or the new
// content, never a torn one.
Status writeFileAtomic(const std::string& path, std::string_view content, mode_t mode = 0644);

}  // namespace sshca
