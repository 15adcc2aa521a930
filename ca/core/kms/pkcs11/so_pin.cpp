#include "ca/core/kms/pkcs11/so_pin.h"

#include <cctype>

#include "ca/core/kms/pkcs11/slot_finder.h"

namespace sshca::pkcs11 {

bool isScHsmToken(const CK_TOKEN_INFO& info) {
  std::string all = SSHCA_TOKEN_FIELD(info, manufacturerID) + " " + SSHCA_TOKEN_FIELD(info, model) + " " +
                    SSHCA_TOKEN_FIELD(info, label);
  for (auto& c : all) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return all.find("cardcontact") != std::string::npos || all.find("smartcard-hsm") != std::string::npos ||
         all.find("pico") != std::string::npos || all.find("nitrokey hsm") != std::string::npos;
}

static bool allHex(const SecretBytes& s) {
  for (uint8_t c : s.span())
    if (!std::isxdigit(c)) return false;
  return true;
}

Result<SecretBytes> soPinForToken(const SecretBytes& soPin, const CK_TOKEN_INFO& info) {
  if (!isScHsmToken(info)) return SecretBytes(soPin.span());
  if (soPin.size() == 16 && allHex(soPin)) return SecretBytes(soPin.span());
  if (soPin.size() == 8) {
    static const char kHex[] = "0123456789ABCDEF";
    SecretBytes hex;
    hex.resize(16);
    for (size_t i = 0; i < 8; ++i) {
      hex.data()[2 * i] = static_cast<uint8_t>(kHex[soPin.data()[i] >> 4]);
      hex.data()[2 * i + 1] = static_cast<uint8_t>(kHex[soPin.data()[i] & 0xf]);
    }
    return hex;
  }
  return makeError(ErrorCode::InvalidArgument,
                   "this token (SmartCard-HSM / Pico HSM) expects the SO-PIN as 16 hex digits, e.g. "
                   "3537363231383830, or its 8-character form, e.g. 57621880; nothing was sent to the token");
}

}  // namespace sshca::pkcs11
