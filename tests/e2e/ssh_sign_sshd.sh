#!/usr/bin/env bash
# sshca ssh sign with CA keys on SoftHSM2, checked by the real OpenSSH:
# ssh-keygen -L reads every field; a real sshd accepts a user certificate
# and refuses a wrong principal and an expired one; a real ssh accepts the
# host certificate with only an @cert-authority line.
source "$(dirname "$0")/../lib/common.sh"
require_root
new_token sshca

# One CA key of each type, all on the same token (Ed25519 included).
for t in ecdsa-p256 ecdsa-p384 rsa-3072 ed25519; do
  "$SSHCA" kms create --kms "$KMS" --key "pkcs11:object=ca-$t" --type "$t" >"$T/ca-$t.pub"
done

ssh-keygen -q -t ed25519 -N '' -C alice@laptop -f "$T/alice"

# ---- ssh-keygen -L reads what each CA key type signed ----
declare -A SIGALG=([ecdsa-p256]=ecdsa-sha2-nistp256 [ecdsa-p384]=ecdsa-sha2-nistp384
                   [rsa-3072]=rsa-sha2-512 [ed25519]=ssh-ed25519)
for t in ecdsa-p256 ecdsa-p384 rsa-3072 ed25519; do
  out="$T/alice-$t-cert.pub"
  "$SSHCA" ssh sign --kms "$KMS" --key "pkcs11:object=ca-$t" --user --id "alice@$t" \
    --principals alice,admin --serial 4242 --validity 20300101:20300102 \
    --critical-option force-command=/bin/true --critical-option source-address=127.0.0.1/32,::1 \
    --out "$out" "$T/alice.pub" 2>/dev/null
  L=$(ssh-keygen -L -f "$out")
  check "$t: type" grep -q "Type: ssh-ed25519-cert-v01@openssh.com user certificate" <<<"$L"
  check "$t: key id" grep -qF "Key ID: \"alice@$t\"" <<<"$L"
  check "$t: serial" grep -q "Serial: 4242" <<<"$L"
  check "$t: validity" grep -q "Valid: from 2030-01-01T00:00:00 to 2030-01-02T00:00:00" <<<"$L"
  check "$t: principals" bash -c 'grep -A2 "Principals:" <<<"$1" | grep -q "alice" && grep -A2 "Principals:" <<<"$1" | grep -q "admin"' _ "$L"
  check "$t: force-command" grep -q "force-command /bin/true" <<<"$L"
  check "$t: source-address" grep -q "source-address 127.0.0.1/32,::1" <<<"$L"
  check "$t: extensions" grep -q "permit-pty" <<<"$L"
  check "$t: signing algorithm ${SIGALG[$t]}" grep -q "(using ${SIGALG[$t]})" <<<"$L"
  fp=$(ssh-keygen -l -E sha256 -f "$T/ca-$t.pub" | awk '{print $2}')
  check "$t: signing CA fingerprint" grep -qF "$fp" <<<"$L"
done

# Host certificate: no extensions, 30 days by default.
ssh-keygen -q -t ecdsa -N '' -f "$T/ssh_host_ecdsa_key"
"$SSHCA" ssh sign --kms "$KMS" --key pkcs11:object=ca-ecdsa-p256 --host --id host1 \
  --principals 127.0.0.1,localhost "$T/ssh_host_ecdsa_key.pub" 2>/dev/null
L=$(ssh-keygen -L -f "$T/ssh_host_ecdsa_key-cert.pub")
check "host: type" grep -q "ecdsa-sha2-nistp256-cert-v01@openssh.com host certificate" <<<"$L"
check "host: no extensions" bash -c 'grep -A1 "Extensions:" <<<"$1" | grep -q "(none)"' _ "$L"

# ---- a real sshd and a real ssh ----
new_user
SSHD_PORT=$(free_port)
cp "$T/ca-ed25519.pub" "$T/user_ca.pub"
write_sshd_config "$T/sshd_config" "HostKey $T/ssh_host_ecdsa_key" "HostCertificate $T/ssh_host_ecdsa_key-cert.pub" \
  "TrustedUserCAKeys $T/user_ca.pub" "LogLevel VERBOSE"
start_sshd "$T/sshd_config"
echo "@cert-authority * $(cat "$T/ca-ecdsa-p256.pub")" >"$T/known_hosts"

ssh_login() { # KEY CERT -> runs `id -un` as the test user
  ssh -F /dev/null -i "$1" -o CertificateFile="$2" -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 \
    -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" id -un
}

sign_user() { # OUT PRINCIPALS [VALIDITY]
  "$SSHCA" ssh sign --kms "$KMS" --key pkcs11:object=ca-ed25519 --user --id "e2e" \
    --principals "$2" ${3:+--validity "$3"} --out "$1" "$T/alice.pub" 2>/dev/null
}

sign_user "$T/good-cert.pub" "$TEST_USER"
got=$(ssh_login "$T/alice" "$T/good-cert.pub" 2>"$T/ssh.err" || true)
check "sshd accepts an sshca user certificate, host certificate trusted via @cert-authority" \
  test "$got" = "$TEST_USER"
[ "$got" = "$TEST_USER" ] || cat "$T/ssh.err" "$T/sshd.log" >&2

sign_user "$T/wrong-cert.pub" "somebody-else"
expect_fail "sshd refuses a certificate without the user's principal" ssh_login "$T/alice" "$T/wrong-cert.pub"
check "sshd log names the principal mismatch" grep -q "not in the list of valid principals\|Certificate invalid: name is not a listed principal" "$T/sshd.log"

sign_user "$T/expired-cert.pub" "$TEST_USER" 20200101:20200102
expect_fail "sshd refuses an expired certificate" ssh_login "$T/alice" "$T/expired-cert.pub"
check "sshd log says expired" grep -q "expired" "$T/sshd.log"

# A host certificate from an untrusted CA: ssh with StrictHostKeyChecking refuses.
echo "@cert-authority * $(cat "$T/ca-ecdsa-p384.pub")" >"$T/known_hosts"
expect_fail "ssh refuses a host certificate from another CA" ssh_login "$T/alice" "$T/good-cert.pub"

finish
