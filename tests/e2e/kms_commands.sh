#!/usr/bin/env bash
# sshca kms create / list / pubkey against a SoftHSM2 token.
source "$(dirname "$0")/../lib/common.sh"
new_token sshca

check "sshca kms --help lists the subcommands" bash -c "'$SSHCA' kms --help | grep -q 'pubkey'"
for cmd in "kms create" "kms list" "kms pubkey"; do
  check "sshca $cmd --help works" bash -c "'$SSHCA' $cmd --help | grep -q -- '--kms'"
done

for t in ecdsa-p256 ecdsa-p384 rsa-2048 ed25519; do
  "$SSHCA" kms create --kms "$KMS" --key "pkcs11:object=ca-$t" --type "$t" >"$T/$t.pub"
  check "create $t prints an OpenSSH line with the label as comment" grep -q " ca-$t\$" "$T/$t.pub"
  check "ssh-keygen reads the $t public key" ssh-keygen -l -f "$T/$t.pub"
done

expect_fail "an existing label is refused" "$SSHCA" kms create --kms "$KMS" --key pkcs11:object=ca-ed25519 --type ed25519
err_contains "already"
expect_fail "a wrong key type is refused" "$SSHCA" kms create --kms "$KMS" --key pkcs11:object=x --type dsa-1024
err_contains "unknown key type"

"$SSHCA" kms list --kms "$KMS" >"$T/list"
check "list shows four keys and a header" test "$(wc -l <"$T/list")" -eq 5
for t in ecdsa-p256 ecdsa-p384 rsa-2048 ed25519; do
  fp=$(ssh-keygen -l -f "$T/$t.pub" | awk '{print $2}')
  check "list shows ca-$t as $t with its fingerprint" \
    awk -v l="ca-$t" -v t="$t" -v fp="$fp" '$1 == l && length($2) == 16 && $2 ~ /^[0-9a-f]+$/ && $3 == t && $4 == fp {f = 1} END {exit !f}' "$T/list"
done

"$SSHCA" kms pubkey --kms "$KMS" --key pkcs11:object=ca-ed25519 >"$T/again.pub"
check "pubkey prints the same line as create" cmp -s "$T/again.pub" "$T/ed25519.pub"
expect_fail "pubkey of a missing key fails" "$SSHCA" kms pubkey --kms "$KMS" --key pkcs11:object=nope
err_contains "no private key"
expect_fail "an unknown token fails" "$SSHCA" kms list --kms "pkcs11:token=nope?pin-source=file:$PIN_FILE"
err_contains "tokens present"

finish
