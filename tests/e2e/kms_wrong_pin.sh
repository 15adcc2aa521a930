#!/usr/bin/env bash
# A wrong PIN costs exactly one C_Login (counted with OpenSC's pkcs11-spy),
# fails with the token's PIN flags, and the PIN shows up nowhere.
source "$(dirname "$0")/../lib/common.sh"
new_token sshca
"$SSHCA" kms create --kms "$KMS" --key pkcs11:object=ca --type ecdsa-p256 >/dev/null

WRONG=wrong-9731
printf '%s\n' "$WRONG" >"$T/wrong"
chmod 600 "$T/wrong"
export PKCS11SPY=$SOFTHSM_MODULE PKCS11SPY_OUTPUT=$T/spy.log
SPYKMS="pkcs11:module-path=$SPY_MODULE;token=sshca?pin-source=file:$T/wrong"

set +e
"$SSHCA" kms list --kms "$SPYKMS" >"$T/out" 2>"$T/err"
rc=$?
set -e
check "kms list with a wrong PIN exits non-zero" test "$rc" -ne 0
check "exactly one C_Login was made" test "$(grep -c '^[0-9]*: C_Login$' "$T/spy.log")" -eq 1
check "the message mentions the PIN" grep -q "PIN" "$T/err"
check "the message gives the token flags" grep -q "PIN flags now:" "$T/err"
check "the PIN is not in stdout or stderr" bash -c "! grep -qF '$WRONG' '$T/out' '$T/err'"

# The right PIN through the spy: one C_Login, and keys list.
printf '1234\n' >"$T/right" && chmod 600 "$T/right"
: >"$T/spy.log"
"$SSHCA" kms list --kms "pkcs11:module-path=$SPY_MODULE;token=sshca?pin-source=file:$T/right" >"$T/out2"
check "the right PIN lists the key" grep -q "^ca " "$T/out2"
check "one C_Login for the right PIN too" test "$(grep -c '^[0-9]*: C_Login$' "$T/spy.log")" -eq 1

finish
