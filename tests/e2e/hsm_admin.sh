#!/usr/bin/env bash
# sshca hsm status / change-pin / init-pin (SO unblock) / init-token on SoftHSM2.
# No PIN may appear in output or in a `ps` listing.
source "$(dirname "$0")/../lib/common.sh"
new_token sshca

for cmd in "hsm" "hsm status" "hsm init-token" "hsm change-pin" "hsm init-pin"; do
  # shellcheck disable=SC2086
  check "sshca $cmd --help works" bash -c "'$SSHCA' $cmd --help | grep -q -i 'usage'"
done

"$SSHCA" hsm status --kms "$KMS" >"$T/status"
check "status shows the label" grep -q "^label: *sshca$" "$T/status"
check "status shows the maker" grep -q "^manufacturer: *SoftHSM" "$T/status"
check "status shows the user PIN state" grep -q "^user PIN: *ok$" "$T/status"

# Change the user PIN; the new PIN from a file.
printf 'newpin-4711\n' >"$T/new" && chmod 600 "$T/new"
"$SSHCA" hsm change-pin --kms "$KMS" --new-pin-source "file:$T/new" >"$T/out1" 2>&1 </dev/null
check "change-pin succeeds" grep -q "user PIN changed" "$T/out1"
NEWKMS="pkcs11:module-path=$SOFTHSM_MODULE;token=sshca?pin-source=file:$T/new"
check "the new PIN logs in" "$SSHCA" kms list --kms "$NEWKMS"
expect_fail "the old PIN no longer does" "$SSHCA" kms list --kms "$KMS"

# SO unblock: set a user PIN with the SO PIN from the environment.
SSHCA_SO_PIN=12345678 SSHCA_NEW_PIN=unblocked-5150 "$SSHCA" hsm init-pin --kms "$KMS" >"$T/out2" 2>&1 </dev/null
check "init-pin succeeds" grep -q "user PIN set" "$T/out2"
check "init-pin showed the SO PIN state first" grep -q "SO PIN state: ok" "$T/out2"
check "the unblocked PIN logs in" env SSHCA_PIN=unblocked-5150 "$SSHCA" kms list --kms "pkcs11:token=sshca"
SSHCA_SO_PIN=wrong-so SSHCA_NEW_PIN=x "$SSHCA" hsm init-pin --kms "$KMS" >"$T/out3" 2>&1 </dev/null && rc=0 || rc=$?
check "a wrong SO PIN fails" test "$rc" -ne 0
check "the wrong SO PIN message names the SO PIN" grep -q "SO PIN" "$T/out3"

# Change the SO PIN, then use it.
printf '87654321\n' >"$T/so-new" && chmod 600 "$T/so-new"
SSHCA_SO_PIN=12345678 "$SSHCA" hsm change-pin --so --kms "$KMS" --new-pin-source "file:$T/so-new" >"$T/out4" 2>&1 </dev/null
check "change-pin --so succeeds" grep -q "SO PIN changed" "$T/out4"
SSHCA_SO_PIN=87654321 SSHCA_NEW_PIN=1234 "$SSHCA" hsm init-pin --kms "$KMS" >/dev/null 2>&1 </dev/null
check "the new SO PIN works" "$SSHCA" kms list --kms "$KMS"

# init-token on the free slot, then init-pin on it.
printf '11223344\n' >"$T/so2" && chmod 600 "$T/so2"
"$SSHCA" hsm init-token --label second --so-pin-source "file:$T/so2" >"$T/out5" 2>&1 </dev/null
check "init-token succeeds" grep -q "initialized token 'second'" "$T/out5"
expect_fail "init-token refuses an initialized slot without --reinit" \
  "$SSHCA" hsm init-token --label sshca --slot "$(awk '/^slot:/{print $2}' "$T/status")" --so-pin-source "file:$T/so2"
err_contains "erases every key"

# No PIN in any output, and none in a process listing while a command runs.
check "no PIN in any output" bash -c "! cat '$T'/out* '$T/status' | grep -qE 'newpin-4711|unblocked-5150|12345678|87654321|11223344|wrong-so'"
ps_pins=0
( SSHCA_PIN=unblocked-5150 "$SSHCA" kms list --kms "$NEWKMS" >/dev/null 2>&1 & ps -eo args >"$T/ps"; wait ) || true
grep -qE 'newpin-4711|unblocked-5150|12345678' "$T/ps" && ps_pins=1
check "no PIN in the ps listing" test "$ps_pins" -eq 0

finish
