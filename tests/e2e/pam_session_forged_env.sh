#!/usr/bin/env bash
# The session check trusts only what sshd set (issue 23). A real sshd with
# Debian's stock /etc/pam.d/sshd (the openssh-server package's file, which
# runs `pam_env.so user_readenv=1`), and a user whose ~/.pam_environment
# forges SSH_AUTH_INFO_0 with a certificate of ours that names them:
#  - the sshca line where docs/pam.md puts it (right below
#    "@include common-session", above every pam_env line): the module reads
#    sshd's value, so a plain-key login is refused by require_cert and a
#    certificate login is recorded under its own key ID; the forged value
#    did reach the session's environment after the module ran (pam_env
#    really read the file), and the audit log never names the forged key ID;
#  - the sshca line appended at the end (after pam_env): the module refuses
#    every session and says why, never naming the forged key ID;
#  - a certificate of ours that sshd accepts through AuthorizedPrincipalsFile
#    but that does not name the user is refused by the module.
source "$(dirname "$0")/../lib/common.sh"
require_root
MODULE="$BUILD_DIR/lib/pam_sshca.so"
[ -f "$MODULE" ] || { echo "FAIL - $MODULE not built" >&2; exit 1; }
[ -f /etc/pam.d/sshd ] || { echo "skipped: no /etc/pam.d/sshd (openssh-server)"; exit 77; }
pam_host_env "$MODULE"
umask 022
chmod 755 "$T"
new_user
HOME_DIR="$T/home"
mkdir -m 755 "$HOME_DIR"; chown "$TEST_USER" "$HOME_DIR"
usermod -d "$HOME_DIR" "$TEST_USER"

ssh-keygen -q -t ed25519 -N '' -C sshca-user-ca -f "$T/ca"
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_host_ed25519_key"
ssh-keygen -q -t ed25519 -N '' -C user -f "$T/user"
ssh-keygen -q -s "$T/ca" -I "good@e2e" -n "$TEST_USER" -V -5m:+1h -z 4242 "$T/user.pub"
mv "$T/user-cert.pub" "$T/good-cert.pub"
ssh-keygen -q -s "$T/ca" -I "other-person@e2e" -n other-person -V -5m:+1h -z 77 "$T/user.pub"
mv "$T/user-cert.pub" "$T/other-cert.pub"
# Somebody else's certificate that names this user: what the user quotes.
ssh-keygen -q -t ed25519 -N '' -C victim -f "$T/victim"
ssh-keygen -q -s "$T/ca" -I "forged@e2e" -n "$TEST_USER" -V -5m:+1h -z 999 "$T/victim.pub"
ssh-keygen -q -k -f "$T/krl" -s "$T/ca.pub" /dev/null
ssh-keygen -q -t ed25519 -N '' -C plain -f "$T/plain"
mkdir -p "$T/authorized_keys" "$T/principals"
cp "$T/plain.pub" "$T/authorized_keys/$TEST_USER"
printf '%s\nother-person\n' "$TEST_USER" >"$T/principals/$TEST_USER"
FORGED="publickey $(cut -d' ' -f1,2 "$T/victim-cert.pub")"
printf 'SSH_AUTH_INFO_0 OVERRIDE="%s"\n' "$FORGED" >"$HOME_DIR/.pam_environment"
chown "$TEST_USER" "$HOME_DIR/.pam_environment"

# sshd's PAM service is its argv[0]'s basename: a symlink names our own.
NAME="sshd-test-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
mkdir -p "$T/sbin"
ln -s /usr/sbin/sshd "$T/sbin/$NAME"
LOG="$T/pam.log"
cleanup_add "rm -f /etc/pam.d/$NAME"
LINE="session    required     $MODULE ca_file=$T/ca.pub krl_file=$T/krl require_cert log_file=$LOG"
# as_docs_say: the stock file, our line right below "@include common-session";
# at the very end pam_exec records the PAM environment's SSH_AUTH_INFO_0 as
# the stack leaves it (sshd keeps SSH_AUTH_INFO* out of the session itself).
printf '#!/bin/sh\nprintf "%%s" "$SSH_AUTH_INFO_0" >%s\n' "$T/info-at-end" >"$T/dump-info"
chmod 755 "$T/dump-info"
as_docs_say() {
  { sed "/^@include common-session\$/a $LINE" /etc/pam.d/sshd; echo "session optional pam_exec.so $T/dump-info"; } \
    >"/etc/pam.d/$NAME"
}
# at_the_end: the stock file with our line appended (after pam_env).
at_the_end() { { cat /etc/pam.d/sshd; echo "$LINE"; } >"/etc/pam.d/$NAME"; }
check "the stock file runs pam_env with user_readenv=1 (the attack's premise)" \
  grep -qE '^session +required +pam_env.so .*user_readenv=1' /etc/pam.d/sshd

SSHD_PORT=$(free_port)
write_sshd_config "$T/sshd_config" "HostKey $T/ssh_host_ed25519_key" "TrustedUserCAKeys $T/ca.pub" \
  "AuthorizedKeysFile $T/authorized_keys/%u" "AuthorizedPrincipalsFile $T/principals/%u" "UsePAM yes" "LogLevel VERBOSE" \
  "StrictModes no"  # the home is below /tmp (sticky, world-writable): the files are root's anyway
start_sshd "$T/sshd_config" env "${PAM_HOST_ENV[@]}" "$T/sbin/$NAME"
echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$T/ssh_host_ed25519_key.pub")" >"$T/known_hosts"

login() { # KEY [CERT] -> the session's sshca variables
  ssh -F /dev/null -i "$1" ${2:+-o CertificateFile="$2"} -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=20 \
    -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" 'echo "id=$SSHCA_KEY_ID serial=$SSHCA_SERIAL"'
}
# pam_motd prints through the conversation even when the session is then
# refused: a session is the command's own output.
no_session() { ! grep -q '^id=' <<<"$got"; }
never_forged() { ! grep -q "forged@e2e\|serial=999" "$LOG"; }

# ---- the line where the docs put it ----
as_docs_say
: >"$LOG"
got=$(login "$T/user" "$T/good-cert.pub" 2>"$T/ssh.err" || true)
check "docs' place: a good certificate gets its session with its own key ID" \
  grep -qx "id=good@e2e serial=4242" <<<"$got"
grep -q '^id=good' <<<"$got" || { echo "$got"; cat "$T/ssh.err" "$LOG"; } >&2
check "docs' place: pam_env (after the module) did replace SSH_AUTH_INFO_0 with the forged value" \
  grep -qF "$FORGED" "$T/info-at-end"
check "docs' place: the audit line names the real certificate" grep -qF 'key_id="good@e2e" serial=4242' "$LOG"
got=$(login "$T/plain" 2>"$T/ssh.err" || true)
check "docs' place: a plain-key login with a forged SSH_AUTH_INFO_0 gets no session (require_cert)" no_session
check "docs' place: the module logged require_cert" grep -qF "(require_cert)" "$LOG"
check "docs' place: the audit log never names the forged key ID" never_forged

got=$(login "$T/user" "$T/other-cert.pub" 2>"$T/ssh.err" || true)
check "sshd accepted a certificate naming other-person (AuthorizedPrincipalsFile)" \
  grep -q "Accepted publickey for $TEST_USER .*ID other-person@e2e" "$T/sshd.log"
check "the module refuses it: it does not name the user" no_session
check "the module logged why" grep -qF "names no principal accepted for $TEST_USER" "$LOG"

# ---- the line after pam_env ----
at_the_end
: >"$LOG"
got=$(login "$T/plain" 2>"$T/ssh.err" || true)
check "after pam_env: a plain-key login with a forged SSH_AUTH_INFO_0 gets no session" no_session
got=$(login "$T/user" "$T/good-cert.pub" 2>"$T/ssh.err" || true)
check "after pam_env: the module refuses every session, even a good certificate's" no_session
check "after pam_env: the module says pam_env runs before it" grep -qF "runs before pam_sshca.so in the session stack" "$LOG"
check "after pam_env: the audit log never names the forged key ID" never_forged

finish
