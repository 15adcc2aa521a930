// The program's version, as `--version` prints it and GET /version serves it.
#pragma once

namespace sshca {

inline constexpr const char* kSshcaVersion = "0.1.0";

}  // namespace sshca
