#!/usr/bin/env bash
# `sshca revoke` needs no PIN: it reads the two SSH CA keys' public halves
# in a public session (public key objects need no login). With the CA's PIN
# file gone and SSHCA_PIN unset it still revokes by --serial and --key-id,
# makes no C_Login (counted with OpenSC's pkcs11-spy), and the running
# server's next KRL lists what it revoked. Signing still needs the PIN.
# A `file:` CA key (ssh-keygen's layout) is read from PATH.pub: the private
# file need not exist, and a .pub of another key finds nothing to revoke.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"
start_ca
cd "$T"

serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/{print $2}'; }
revoked_rows() { sqlite3 "$DB" 'select count(*) from ssh_certificates where revoked_at is not null'; }

for u in alice bob carol dave; do issue "$u" "$u" "$u"; done

# ---- no PIN anywhere ----
PIN_FILE="$T/ca/secrets/pin"
check "ca.json's kms URI reads the PIN from $PIN_FILE" bash -c 'jq -r .kms "$1" | grep -qF "pin-source=file:$2"' _ "$CFG" "$PIN_FILE"
mv "$PIN_FILE" "$T/pin.away"
unset SSHCA_PIN
export SOFTHSM2_CONF
SOFTHSM2_CONF=$(jq -r .softhsm2Conf "$CFG")
expect_fail "without the PIN file the token cannot be logged in to (kms list)" "$SSHCA" kms list --kms "$(jq -r .kms "$CFG")"
err_contains "$PIN_FILE"

# ---- revoke by serial, through pkcs11-spy ----
jq --arg spy "$SPY_MODULE" '.kms |= sub("module-path=[^;?]*"; "module-path=" + $spy)' "$CFG" >"$T/ca/config/ca-spy.json"
check "the spy config loads pkcs11-spy" grep -qF "module-path=$SPY_MODULE" "$T/ca/config/ca-spy.json"
export PKCS11SPY=$SOFTHSM_MODULE PKCS11SPY_OUTPUT=$T/spy.log
ALICE=$(serial_of "$T/alice-cert.pub")
check "sshca revoke --serial works without the PIN" \
  bash -c '"$1" revoke --config "$2" --serial "$3" --reason "laptop stolen" >"$4/revoke.out" 2>"$4/revoke.err"' \
  _ "$SSHCA" "$T/ca/config/ca-spy.json" "$ALICE" "$T"
check "it printed what it revoked" grep -q "revoked serial $ALICE (user certificate, key ID \"alice (admin)\"" "$T/revoke.out"
check "the spy saw the token used (C_FindObjectsInit)" grep -q '^[0-9]*: C_FindObjectsInit$' "$T/spy.log"
check "no C_Login was made" test "$(grep -c '^[0-9]*: C_Login$' "$T/spy.log")" -eq 0
check "nothing about a PIN on stderr" bash -c '! grep -qi pin "$1/revoke.err"' _ "$T"
unset PKCS11SPY PKCS11SPY_OUTPUT

# ---- revoke by key ID, one CA only ----
"$SSHCA" revoke --config "$CFG" --key-id "bob (admin)" --ca user --reason left >"$T/revoke.out"
check "sshca revoke --key-id --ca user works without the PIN" grep -q '^revoked serial' "$T/revoke.out"
check "two certificates are revoked in the database" [ "$(revoked_rows)" = 2 ]
expect_fail "an already revoked serial is still refused" "$SSHCA" revoke --config "$CFG" --serial "$ALICE" --reason again
err_contains "already revoked"

# ---- the running server's KRL ----
check "GET /ssh/krl" bash -c '[ "$(curl -s -o "$1/krl" -w "%{http_code}" --max-time 10 --cacert "$2" "$3/ssh/krl")" = 200 ]' \
  _ "$T" "$ROOT" "$CA_URL"
is_revoked() { ! ssh-keygen -Q -f "$T/krl" "$T/$1-cert.pub" >/dev/null 2>&1; }
check "ssh-keygen -Q: alice revoked" is_revoked alice
check "ssh-keygen -Q: bob revoked" is_revoked bob
check "ssh-keygen -Q: carol not revoked" bash -c 'ssh-keygen -Q -f "$1/krl" "$1/carol-cert.pub" >/dev/null' _ "$T"

# ---- a file: CA key: only its .pub is read ----
USER_CA_B64=$(curl -sf --cacert "$ROOT" "$CA_URL/ssh/roots" | jq -r '.userKey[0]')
echo "ecdsa-sha2-nistp256 $USER_CA_B64 user-ca" >"$T/file-ca.pub"
jq --arg key "file:$T/file-ca" '.ssh.userKey = $key' "$CFG" >"$T/ca/config/ca-file.json"
check "the file: key has a .pub and no private file" bash -c 'test -s "$1.pub" && test ! -e "$1"' _ "$T/file-ca"
CAROL=$(serial_of "$T/carol-cert.pub")
check "sshca revoke --ca user with userKey file:PATH revokes carol from PATH.pub" \
  bash -c '"$1" revoke --config "$2" --ca user --serial "$3" --reason rotated >"$4/revoke.out"' \
  _ "$SSHCA" "$T/ca/config/ca-file.json" "$CAROL" "$T"
check "it printed carol's revocation" grep -q "revoked serial $CAROL " "$T/revoke.out"
ssh-keygen -q -t ecdsa -b 256 -N '' -C stale -f "$T/stale-ca"
jq --arg key "file:$T/stale-ca" '.ssh.userKey = $key' "$CFG" >"$T/ca/config/ca-stale.json"
DAVE=$(serial_of "$T/dave-cert.pub")
before=$(revoked_rows)
expect_fail "a .pub of another key finds no certificate to revoke" \
  "$SSHCA" revoke --config "$T/ca/config/ca-stale.json" --ca user --serial "$DAVE" --reason stale
err_contains "no certificate with serial $DAVE was issued by this CA"
check "nothing more was revoked" [ "$(revoked_rows)" = "$before" ]

check "sshca revoke --help says no PIN is needed" bash -c '"$1" revoke --help | grep -q "no PIN is needed"' _ "$SSHCA"

finish
