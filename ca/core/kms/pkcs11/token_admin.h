// Token administration: status, initialization and PIN changes
// (`sshca hsm ...`). Each call loads the module, does its one job and
// unloads it. The SO PIN is sent at most once per call, only after the
// caller saw the SO-PIN flags (SoLoginCheck) and, for sc-hsm tokens, only in
// the form the token expects (so_pin.h).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "ca/core/common/result.h"
#include "ca/core/common/secret.h"
#include "ca/core/kms/kms_uri.h"

namespace sshca {

struct TokenStatus {
  unsigned long slot = 0;
  std::string label, manufacturer, model, serial;
  std::string userPin;  // "ok" or e.g. "PIN count low, final try"
  std::string soPin;
  std::string flags;  // "token initialized, user PIN initialized, login required, ..."
};

Result<TokenStatus> tokenStatus(const KmsUri& uri);

// Called before the SO PIN goes to the token, with the SO-PIN flags in words
// and whether the token says this is its final SO try. Returning false
// aborts (PermissionDenied); returning true on a final try spends it.
using SoLoginCheck = std::function<bool(const std::string& soPinFlags, bool finalTry)>;

// C_InitToken on slot `slotId`, or else on the first slot whose token is
// not initialized. An initialized token is only re-initialized (erasing
// every key on it) with `reinitialize`. `label`: the new token label.
Status initToken(const std::string& modulePath, std::optional<unsigned long> slotId, const SecretBytes& soPin,
                 const std::string& label, bool reinitialize, const SoLoginCheck& check);

// C_SetPIN: the user PIN (so=false, from a public read-write session) or the
// SO PIN (after an SO login with oldPin).
Status changePin(const KmsUri& uri, bool so, const SecretBytes& oldPin, const SecretBytes& newPin,
                 const SoLoginCheck& check);

// C_InitPIN after an SO login: sets a new user PIN, which also unblocks a
// locked one.
Status initUserPin(const KmsUri& uri, const SecretBytes& soPin, const SecretBytes& newPin, const SoLoginCheck& check);

}  // namespace sshca
