// kms URIs (RFC 7512 PKCS#11 URIs), parsed with p11-kit's URI parser:
//   pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=sshca?pin-source=file:/etc/sshca/pin
//   pkcs11:token=sshca?pin-value=1234          (accepted, warns on stderr)
// Key URIs: pkcs11:object=ssh-user-ca and/or id=%01%02.
#pragma once

#include <optional>
#include <string>

#include "ca/core/common/bytes.h"
#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/kms/key_manager.h"

namespace sshca {

struct KmsUri {
  std::string modulePath;               // default: SoftHSM2's module
  std::string tokenLabel;               // token=
  std::string tokenSerial;              // serial=
  std::optional<unsigned long> slotId;  // slot-id=
  std::string pinSource;                // pin-source= (file:PATH or a plain path)
  std::optional<std::string> pinValue;  // pin-value= (discouraged)
};

inline constexpr const char* kDefaultPkcs11Module = "/usr/lib/softhsm/libsofthsm2.so";

Result<KmsUri> parseKmsUri(std::string_view uri);
Result<KeyRef> parseKeyUri(std::string_view uri);

// The PIN, from (in order) pin-value (warning on stderr), pin-source, the
// SSHCA_PIN environment variable. NotFound if none is given.
Result<SecretBytes> resolvePin(const KmsUri& uri);

}  // namespace sshca
