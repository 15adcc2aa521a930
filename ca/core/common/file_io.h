// Reading files, and replacing files that other programs read: the one home
// of file writes for the CA, the CLI and the agent.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"

namespace sshca {

// The whole file; NotFound / IoError with the path and errno text.
Result<std::string> readFile(const std::string& path);

// A file holding a secret (a private key, a PIN), read straight into
// SecretBytes, so that no copy is left behind in freed memory. At most
// `limit` bytes: a longer file is InvalidArgument (it is not what was
// meant). NotFound, PermissionDenied or IoError otherwise. Messages name
// the file as `what` and its path ("cannot read PIN file /x: ...").
Result<SecretBytes> readSecretFile(const std::string& path, size_t limit, std::string_view what);
// The limit for private key files: far above any PEM or OpenSSH key.
constexpr size_t kMaxPrivateKeyFileBytes = 1 << 20;

// Writes all of `data` to `fd` (retrying short writes and EINTR); `path`
// names the file in the error.
Status writeAll(int fd, std::string_view data, const std::string& path);

// Replaces `path` so that readers see the old or the new content, never a
// torn one: a temporary file in the same directory (so rename is atomic),
// fsync, rename over `path`, fsync of the directory. A new file gets
// `mode`; a replaced one keeps its owner and its mode (an admin's choice
// survives), less any group or other bits that `mode` does not grant, so a
// file written as private never stays readable by others. On any failure
// the temporary file is removed and `path` is untouched.
Status writeFileAtomic(const std::string& path, std::string_view content, mode_t mode = 0644);

// Moves an already written file over `path` (rename + directory fsync).
Status renameAtomic(const std::string& from, const std::string& path);

}  // namespace sshca
