// The X.509 root the CA publishes at GET /roots and that clients pin by its
// SHA-256 fingerprint at bootstrap.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::authority {

struct RootCertificate {
  struct Entry {
    std::string pem;
    std::string sha256Hex;  // lower-case hex of its DER
  };
  std::string pem;                  // as served: every certificate of the file, re-encoded
  std::string fingerprint;          // "SHA256:" + lower-case hex of the first certificate's DER
  std::vector<Entry> certificates;  // each one, in the file's order
};

// Reads the PEM file and checks it holds at least one certificate, so a
// broken path fails at start, not on the first GET /roots.
Result<RootCertificate> loadRootCertificate(const std::string& path);

}  // namespace sshca::authority
