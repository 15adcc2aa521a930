#!/usr/bin/env bash
# Every refusal of `sshca ssh sign`: the message says what and why, the exit
# status is non-zero, and no certificate file is written. A refused request
# never reaches the token (no C_Login, counted with OpenSC's pkcs11-spy).
source "$(dirname "$0")/../lib/common.sh"
cd "$T"
ssh-keygen -q -t ed25519 -N '' -f ca
ssh-keygen -q -t ed25519 -N '' -f user
ssh-keygen -q -t rsa -b 1024 -N '' -f rsa1024
ssh-keygen -q -t dsa -N '' -f dsa 2>/dev/null || true

refused() { # WHAT EXPECTED-MESSAGE ARGS...
  local what=$1 msg=$2; shift 2
  rm -f ./*-cert.pub
  expect_fail "$what" "$SSHCA" ssh sign --key file:ca "$@" && err_contains "$msg"
  if ls ./*-cert.pub >/dev/null 2>&1; then fail "$what: a certificate was written"; else pass "$what: nothing written"; fi
}

refused "empty principal list" "principal is empty" --user --id a --principals '' user.pub
refused "empty principal inside the list" "principal is empty" --user --id a --principals a,,b user.pub
refused "user principal with a wildcard" "pattern character '*'" --user --id a --principals 'al*' user.pub
refused "user principal with '?'" "pattern character '?'" --user --id a --principals 'al?' user.pub
refused "user principal with '!'" "pattern character '!'" --user --id a --principals '!root' user.pub
refused "principal with whitespace" "whitespace" --user --id a --principals 'a b' user.pub
refused "principal with a control character" "control" --user --id a --principals $'ab\x01' user.pub
refused "over-long principal" "principal" --user --id a --principals "$(printf 'a%.0s' $(seq 300))" user.pub
refused "empty key ID" "key ID is empty" --user --id '' --principals a user.pub
refused "non-printable key ID" "non-printable" --user --id $'a\x01' --principals a user.pub
refused "unknown critical option" "'permit-all' is unknown" --user --id a --principals a --critical-option permit-all user.pub
refused "bad source-address CIDR" "10.0.0.0/33" --user --id a --principals a --critical-option source-address=10.0.0.0/33 user.pub
refused "source-address that is not an address" "source-address" --user --id a --principals a --critical-option source-address=example.com user.pub
refused "verify-required with a value" "verify-required" --user --id a --principals a --critical-option verify-required=yes user.pub
refused "garbage validity" "validity 'garbage'" --user --id a --principals a --validity garbage user.pub
refused "validity ending before it starts" "is not after start" --user --id a --principals a --validity +1h:-1h user.pub
refused "serial 0" "serial 0" --user --id a --principals a --serial 0 user.pub
refused "neither --user nor --host" "choose --user or --host" --id a --principals a user.pub
refused "RSA subject key of 1024 bits" "1024 bits is too small" --user --id a --principals a rsa1024.pub
if [ -f dsa.pub ]; then
  refused "DSA subject key" "DSA keys are not supported" --user --id a --principals a dsa.pub
fi
refused "a private key instead of a public key" "is a private key" --user --id a --principals a user
refused "missing public key file" "No such file" --user --id a --principals a missing.pub

# Refused before the token is touched: no C_Login at all.
new_token sshca
"$SSHCA" kms create --kms "$KMS" --key pkcs11:object=ssh-user-ca --type ecdsa-p256 >/dev/null
SPY_KMS="pkcs11:module-path=$SPY_MODULE;token=sshca?pin-source=file:$PIN_FILE"
export PKCS11SPY=$SOFTHSM_MODULE PKCS11SPY_OUTPUT="$T/spy.log"
expect_fail "refusal with a token key" "$SSHCA" ssh sign --kms "$SPY_KMS" --key pkcs11:object=ssh-user-ca \
  --user --id a --principals 'root*' user.pub
logins() { cat "$T/spy.log" 2>/dev/null | grep -c 'C_Login' || true; }
check "a refused request makes no C_Login" test "$(logins)" -eq 0
"$SSHCA" ssh sign --kms "$SPY_KMS" --key pkcs11:object=ssh-user-ca --user --id a --principals alice user.pub 2>/dev/null
check "a good request through pkcs11-spy signs with one C_Login" test "$(logins)" -eq 1
check "the good request wrote the certificate" test -s user-cert.pub
unset PKCS11SPY PKCS11SPY_OUTPUT

finish
