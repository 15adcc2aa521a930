#include "ca/service/setup/secret_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "ca/core/common/file_io.h"

namespace sshca::setup {

Status makeDirectory(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
    return makeError(ErrorCode::IoError, "cannot create " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return makeError(ErrorCode::IoError, path + " is not a directory");
  // mkdir applies the umask; the mode must hold regardless of it.
  if (::chmod(path.c_str(), mode) != 0)
    return makeError(ErrorCode::IoError, "cannot chmod " + path + ": " + std::strerror(errno));
  return okStatus();
}

Result<SecretBytes> randomHexSecret(RandomSource& rng, size_t bytes) {
  SecretBytes raw;
  raw.resize(bytes);
  SSHCA_RETURN_IF_ERROR(rng.fill({raw.data(), raw.size()}));
  static constexpr char kDigits[] = "0123456789abcdef";
  SecretBytes hex;
  hex.resize(bytes * 2);
  for (size_t i = 0; i < bytes; ++i) {
    hex.data()[2 * i] = static_cast<uint8_t>(kDigits[raw.data()[i] >> 4]);
    hex.data()[2 * i + 1] = static_cast<uint8_t>(kDigits[raw.data()[i] & 15]);
  }
  return hex;
}

Status writeSecretFile(const std::string& path, const SecretBytes& content) {
  return writeFileAtomic(path, content.view(), 0600);
}

}  // namespace sshca::setup
