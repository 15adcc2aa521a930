#!/usr/bin/env bash
# The fault-injecting PKCS#11 module the HSM failure tests rely on: it
# forwards to SoftHSM2, counts calls, and on command removes the token,
# fails chosen calls and slows C_Sign.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/fault.sh"
require_fault_module
new_token sshca
fault_clear
KMSF="pkcs11:module-path=$FAULT_MODULE;token=sshca?pin-source=file:$PIN_FILE"
ssh-keygen -q -t ed25519 -N '' -C user -f "$T/id"

sign() { "$SSHCA" ssh sign --kms "$KMSF" --key pkcs11:object=ca --user --id alice --principals alice --out - "$T/id.pub"; }
# sign_to FILE: sign, the certificate into FILE, quietly.
sign_to() { sign >"$1" 2>/dev/null; }

# Forwarding: a key made through the module is the real token's key.
must "a key is created through the module" bash -c "'$SSHCA' kms create --kms '$KMSF' --key pkcs11:object=ca --type ecdsa-p256 >'$T/via-fault.pub'"
"$SSHCA" kms pubkey --kms "$KMS" --key pkcs11:object=ca >"$T/direct.pub"
check "the real module holds the same key" cmp -s "$T/via-fault.pub" "$T/direct.pub"
check "the module counted one C_GenerateKeyPair" test "$(fault_count C_GenerateKeyPair)" -eq 1
check "and one C_Login" test "$(fault_count C_Login)" -eq 1

signs=$(fault_count C_Sign)
must "a certificate is signed through the module" sign_to "$T/cert.pub"
check "the certificate verifies against the key" bash -c "ssh-keygen -L -f '$T/cert.pub' | grep -q \"\$(ssh-keygen -l -f '$T/direct.pub' | awk '{print \$2}')\""
check "one C_Sign was counted" test "$(fault_count C_Sign)" -eq $((signs + 1))

# Injected failure: the chosen code reaches sshca, the call is still counted.
fault_set "fail = C_Sign CKR_DEVICE_ERROR"
signs=$(fault_count C_Sign)
expect_fail "C_Sign failing with CKR_DEVICE_ERROR fails the signature" sign
err_contains "CKR_DEVICE_ERROR"
check "the failed C_Sign was counted" test "$(fault_count C_Sign)" -eq $((signs + 1))
fault_set "fail = C_Login CKR_PIN_INCORRECT 1"
expect_fail "C_Login failing once with CKR_PIN_INCORRECT refuses the login" sign
err_contains "rejected the user PIN"

# The token leaves its reader, then the reader itself goes.
fault_set "token = absent"
expect_fail "without the token nothing is signed" sign
err_contains "tokens present: none"
check "the reader's slots are still listed, empty" bash -c "pkcs11-tool --module '$FAULT_MODULE' -L 2>&1 | grep -q '(empty)'"
fault_set "token = no-slot"
check "without the reader no slot is listed" bash -c "pkcs11-tool --module '$FAULT_MODULE' -L 2>&1 | grep -q 'No slots'"

# Slow signatures: a lower bound only (a sleep guarantees it).
fault_set "sign-delay-ms = 400"
start=$(date +%s%N)
check "a slow token still signs" sign_to /dev/null
check "C_Sign waited at least the delay" test $((($(date +%s%N) - start) / 1000000)) -ge 400

# On SoftHSM2 sshca signs with a session copy of the key; a module that
# refuses the copy gets signatures with the token object itself.
fault_set "fail = C_CopyObject CKR_FUNCTION_NOT_SUPPORTED"
copies=$(fault_count C_CopyObject)
signs=$(fault_count C_Sign)
check "C_CopyObject refused: still signs" sign_to "$T/nocopy.pub"
check "the copy was asked for" test "$(fault_count C_CopyObject)" -eq $((copies + 1))
check "and the key signed" test "$(fault_count C_Sign)" -eq $((signs + 1))
check "that certificate verifies against the key" bash -c "ssh-keygen -L -f '$T/nocopy.pub' | grep -q \"\$(ssh-keygen -l -f '$T/direct.pub' | awk '{print \$2}')\""

fault_clear
check "with the faults cleared the token signs again" sign_to /dev/null
check "the counts file is readable text" grep -q '^C_Sign  *[0-9][0-9]*$' "$FAULT_COUNTS"
finish
