#!/usr/bin/env bash
# pam_sshca session with a real sshd (UsePAM yes): the login's certificate
# comes from SSH_AUTH_INFO_0. A certificate revoked in krl_file is refused
# by the module although sshd has no RevokedKeys; a good login writes the
# audit line and the session sees SSHCA_KEY_ID and SSHCA_SERIAL; with
# require_cert a login by a plain key is refused.
source "$(dirname "$0")/../lib/common.sh"
require_root
MODULE="$BUILD_DIR/lib/pam_sshca.so"
[ -f "$MODULE" ] || { echo "FAIL - $MODULE not built" >&2; exit 1; }
pam_host_env "$MODULE"
umask 022
new_user

ssh-keygen -q -t ed25519 -N '' -C sshca-user-ca -f "$T/ca"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C user -f "$T/user"
ssh-keygen -q -s "$T/ca" -I "good@e2e" -n "$TEST_USER" -V -5m:+1h -z 4242 "$T/user.pub"
mv "$T/user-cert.pub" "$T/good-cert.pub"
ssh-keygen -q -s "$T/ca" -I "revoked@e2e" -n "$TEST_USER" -V -5m:+1h -z 666 "$T/user.pub"
mv "$T/user-cert.pub" "$T/revoked-cert.pub"
echo "serial: 666" >"$T/krl.spec"
ssh-keygen -q -k -f "$T/krl" -s "$T/ca.pub" "$T/krl.spec"
ssh-keygen -q -t ed25519 -N '' -C plain -f "$T/plain"
mkdir -p "$T/authorized_keys"
cp "$T/plain.pub" "$T/authorized_keys/$TEST_USER"

# sshd's PAM service is its argv[0]'s basename: a symlink names our own.
NAME="sshd-sshca-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
mkdir -p "$T/sbin"
ln -s /usr/sbin/sshd "$T/sbin/$NAME"
LOG="$T/pam.log"
cleanup_add "rm -f /etc/pam.d/$NAME"
cat >"/etc/pam.d/$NAME" <<PAM
# Password and keyboard-interactive are off in this sshd: PAM auth never runs.
auth     required pam_deny.so
account  required pam_permit.so
session  required $MODULE ca_file=$T/ca.pub krl_file=$T/krl require_cert log_file=$LOG
PAM

SSHD_PORT=$(free_port)
write_sshd_config "$T/sshd_config" "HostKey $T/ssh_host_ed25519_key" "TrustedUserCAKeys $T/ca.pub" \
  "AuthorizedKeysFile $T/authorized_keys/%u" "UsePAM yes" "LogLevel VERBOSE"
start_sshd "$T/sshd_config" env "${PAM_HOST_ENV[@]}" "$T/sbin/$NAME"
echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$T/ssh_host_ed25519_key.pub")" >"$T/known_hosts"

login() { # KEY [CERT] -> runs a command printing the session's sshca variables
  ssh -F /dev/null -i "$1" ${2:+-o CertificateFile="$2"} -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=20 \
    -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" 'echo "id=$SSHCA_KEY_ID serial=$SSHCA_SERIAL"'
}

got=$(login "$T/user" "$T/good-cert.pub" 2>"$T/ssh.err" || true)
check "a good certificate logs in and the session sees SSHCA_KEY_ID and SSHCA_SERIAL" \
  test "$got" = "id=good@e2e serial=4242"
[ "$got" = "id=good@e2e serial=4242" ] || cat "$T/ssh.err" "$T/sshd.log" "$LOG" >&2
CA_FP=$(ssh-keygen -lf "$T/ca.pub" | awk '{print $2}')
check "the audit line names user, key ID, serial, principals, CA and source" \
  grep -qF "session: user=$TEST_USER key_id=\"good@e2e\" serial=4242 principals=$TEST_USER ca=$CA_FP from=127.0.0.1" "$LOG"

got=$(login "$T/user" "$T/revoked-cert.pub" 2>"$T/ssh.err" || true)
check "a revoked certificate (no RevokedKeys in sshd) gets no session" test -z "$got"
check "sshd itself accepted the revoked certificate" grep -q "Accepted publickey for $TEST_USER .*ID revoked@e2e (serial 666)" "$T/sshd.log"
check "then PAM refused the session" grep -q "pam_open_session" "$T/sshd.log"
check "the module logged why" grep -qF "is revoked in krl_file" "$LOG"

got=$(login "$T/plain" 2>"$T/ssh.err" || true)
check "require_cert: a login by a plain key gets no session" test -z "$got"
check "the module logged require_cert" grep -qF "used no certificate signed by a key in ca_file (require_cert)" "$LOG"

finish
