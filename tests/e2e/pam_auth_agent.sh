#!/usr/bin/env bash
# pam_sshca auth (what `sudo` runs) with the real pamtester and a real
# ssh-agent started as the user: a valid certificate from our CA
# authenticates; no certificate, another CA's, an expired one, a revoked
# one (KRL from ssh-keygen -k), a wrong principal, a key without its
# certificate, an agent socket owned by another user and a caller that is
# neither root nor the user are each refused, and the log says why.
source "$(dirname "$0")/../lib/common.sh"
require_root
command -v pamtester >/dev/null || { echo "skipped: pamtester is not installed"; exit 77; }
MODULE="$BUILD_DIR/lib/pam_sshca.so"
[ -f "$MODULE" ] || { echo "FAIL - $MODULE not built" >&2; exit 1; }
pam_host_env "$MODULE"

new_user; ALICE=$TEST_USER
new_user; BOB=$TEST_USER

# ---- CA keys and the user's keys/certificates, all from ssh-keygen ----
umask 022
ssh-keygen -q -t ed25519 -N '' -C sshca-user-ca -f "$T/ca"
ssh-keygen -q -t ecdsa -N '' -C other-ca -f "$T/other_ca"
key() { ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$T/$1"; }
cert() { # NAME CA PRINCIPALS VALIDITY SERIAL
  ssh-keygen -q -s "$T/$2" -I "$1@e2e" -n "$3" -V "$4" -z "$5" "$T/$1.pub"
}
key good;     cert good ca "$ALICE" -5m:+1h 10
ssh-keygen -q -t ecdsa -b 384 -N '' -C ecdsa -f "$T/ecdsa"; cert ecdsa ca "$ALICE,ops" -5m:+1h 11
key otherca;  cert otherca other_ca "$ALICE" -5m:+1h 12
key expired;  cert expired ca "$ALICE" 20200101:20200102 13
key revoked;  cert revoked ca "$ALICE" -5m:+1h 666
key wrongp;   cert wrongp ca somebody-else -5m:+1h 14
key forced;   ssh-keygen -q -s "$T/ca" -I forced@e2e -n "$ALICE" -V -5m:+1h -z 15 -O force-command=/bin/true "$T/forced.pub"
key admins;   cert admins ca admins -5m:+1h 16
key plain     # no certificate at all
echo "serial: 666" >"$T/krl.spec"
ssh-keygen -q -k -f "$T/krl" -s "$T/ca.pub" "$T/krl.spec"

# ---- one agent per user, started as that user, socket in their own dir ----
# Cleanups run in reverse: an agent is gone before its user is deleted
# (userdel refuses a user with a running process).
stop_pid() { local n; kill "$1"; for n in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; }
start_agent() { # USER -> AGENT_SOCK (not in $(...): cleanup_add must run in this shell)
  local dir="$T/agent-$1"
  mkdir -m 700 "$dir"; chown "$1" "$dir"
  local out pid
  out=$(runuser -u "$1" -- ssh-agent -s -a "$dir/sock")
  pid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$out")
  [ -n "$pid" ] || { echo "FAIL - ssh-agent did not start: $out" >&2; exit 1; }
  cleanup_add "stop_pid $pid"
  AGENT_SOCK="$dir/sock"
}
start_agent "$ALICE"; ALICE_SOCK=$AGENT_SOCK
start_agent "$BOB"; BOB_SOCK=$AGENT_SOCK
# load SOCK KEY...: the agent holds exactly these keys (+ -cert.pub beside).
load() { local sock=$1; shift; SSH_AUTH_SOCK=$sock ssh-add -D -q >/dev/null 2>&1 || true
  local k; for k in "$@"; do SSH_AUTH_SOCK=$sock ssh-add -q "$T/$k" 2>/dev/null; done; }

# ---- PAM service files, removed at exit ----
SVC="sshca-test-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
cleanup_add "rm -f /etc/pam.d/$SVC /etc/pam.d/$SVC-ignore /etc/pam.d/$SVC-principals /etc/pam.d/$SVC-caller /etc/pam.d/$SVC-group"
LOG="$T/pam.log"
ARGS="ca_file=$T/ca.pub krl_file=$T/krl log_file=$LOG"
printf 'auth required %s %s\naccount required pam_permit.so\n' "$MODULE" "$ARGS" >"/etc/pam.d/$SVC"

auth() { # SOCK USER [SERVICE]: pamtester authenticate, the log truncated first
  : >"$LOG"
  env "${PAM_HOST_ENV[@]}" SSH_AUTH_SOCK="$1" pamtester "${3:-$SVC}" "$2" authenticate
}
log_says() { if grep -qF -- "$1" "$LOG"; then pass "log says '$1'"; else fail "log lacks '$1': $(cat "$LOG")"; fi; }

load "$ALICE_SOCK" good
check "a valid sshca certificate in the user's agent authenticates" auth "$ALICE_SOCK" "$ALICE"
log_says "auth granted: user=$ALICE key_id=\"good@e2e\" serial=10 principals=$ALICE ca=$(ssh-keygen -lf "$T/ca.pub" | awk '{print $2}')"

load "$ALICE_SOCK" ecdsa
check "an ECDSA P-384 key's certificate authenticates (SSHSIG over sha512)" auth "$ALICE_SOCK" "$ALICE"

load "$ALICE_SOCK"
expect_fail "an empty agent is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "the agent holds no certificate"

load "$ALICE_SOCK" plain
expect_fail "a key without its certificate is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "the agent holds no certificate"

load "$ALICE_SOCK" otherca
expect_fail "a certificate from another CA is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "which is not in ca_file"

load "$ALICE_SOCK" expired
expect_fail "an expired certificate is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "certificate has expired"

load "$ALICE_SOCK" revoked
expect_fail "a certificate revoked in krl_file is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "(serial 666) is revoked in krl_file"

load "$ALICE_SOCK" wrongp
expect_fail "a certificate without the user's principal is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "no principal of the certificate is accepted"

load "$ALICE_SOCK" forced
expect_fail "a certificate restricted by force-command is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "restricted by force-command"

load "$ALICE_SOCK" revoked good
check "a revoked and a valid certificate: the valid one authenticates" auth "$ALICE_SOCK" "$ALICE"

# Bob's agent holds Alice's valid certificate: still not Alice's agent.
load "$BOB_SOCK" good
expect_fail "an agent socket owned by another user is refused" auth "$BOB_SOCK" "$ALICE"
# Looked at as Alice: Bob's 0700 directory keeps her out before the owner
# check (pam_agent_log_hardening.sh covers the owner check itself).
log_says "agent socket '$BOB_SOCK' (looked up as $ALICE): Permission denied"

ln -s "$ALICE_SOCK" "$T/agent-link"
load "$ALICE_SOCK" good
expect_fail "a symlink to the agent socket is refused (lstat)" auth "$T/agent-link" "$ALICE"
log_says "is not a socket"

expect_fail "no SSH_AUTH_SOCK is refused" env -u SSH_AUTH_SOCK "${PAM_HOST_ENV[@]}" pamtester "$SVC" "$ALICE" authenticate

# Bob runs the PAM conversation for Alice, pointing at Alice's agent
# (what `su alice` by Bob would do): the caller is neither root nor Alice.
mkdir -m 700 "$T/bob-log"; chown "$BOB" "$T/bob-log"
printf 'auth required %s ca_file=%s log_file=%s\n' "$MODULE" "$T/ca.pub" "$T/bob-log/pam.log" >"/etc/pam.d/$SVC-caller"
expect_fail "a caller that is neither root nor the user cannot use the user's agent" \
  runuser -u "$BOB" -- env "${PAM_HOST_ENV[@]}" SSH_AUTH_SOCK="$ALICE_SOCK" pamtester "$SVC-caller" "$ALICE" authenticate
check "log says the caller is neither root nor the user" grep -q "is neither root nor $ALICE" "$T/bob-log/pam.log"

# on_failure=ignore: the module steps aside (PAM_IGNORE) and the next line decides.
printf 'auth [success=done ignore=ignore default=die] %s %s on_failure=ignore\nauth required pam_permit.so\n' \
  "$MODULE" "$ARGS" >"/etc/pam.d/$SVC-ignore"
load "$ALICE_SOCK"
check "on_failure=ignore returns PAM_IGNORE (the next module decides)" auth "$ALICE_SOCK" "$ALICE" "$SVC-ignore"
expect_fail "without on_failure=ignore the same refusal is final" auth "$ALICE_SOCK" "$ALICE"

# authorized_principals_file with %u.
mkdir -p "$T/principals"
printf '# who may sudo as %s\nadmins\n' "$ALICE" >"$T/principals/$ALICE"
printf 'auth required %s %s authorized_principals_file=%s/principals/%%u\n' "$MODULE" "$ARGS" "$T" >"/etc/pam.d/$SVC-principals"
load "$ALICE_SOCK" admins
check "a principal listed in authorized_principals_file authenticates" auth "$ALICE_SOCK" "$ALICE" "$SVC-principals"
load "$ALICE_SOCK" good
expect_fail "the user name is not enough when a principals file is set" auth "$ALICE_SOCK" "$ALICE" "$SVC-principals"
chmod 666 "$T/principals/$ALICE"
load "$ALICE_SOCK" admins
expect_fail "a group/world-writable principals file is refused" auth "$ALICE_SOCK" "$ALICE" "$SVC-principals"
log_says "is writable by group or others"
chmod 644 "$T/principals/$ALICE"
chown "$ALICE" "$T/principals/$ALICE"
load "$ALICE_SOCK" admins
expect_fail "a principals file the user owns is refused (the user could write any principal in)" \
  auth "$ALICE_SOCK" "$ALICE" "$SVC-principals"
log_says "is owned by uid $(id -u "$ALICE"), not root"

# group=NAME: only members may use a certificate (useradd made a group named after the user).
printf 'auth required %s %s group=%s\n' "$MODULE" "$ARGS" "$ALICE" >"/etc/pam.d/$SVC-group"
load "$ALICE_SOCK" good
check "group=: a member authenticates" auth "$ALICE_SOCK" "$ALICE" "$SVC-group"
printf 'auth required %s %s group=%s\n' "$MODULE" "$ARGS" "$BOB" >"/etc/pam.d/$SVC-group"
expect_fail "group=: a non-member is refused" auth "$ALICE_SOCK" "$ALICE" "$SVC-group"
log_says "is not a member of group $BOB"

# A ca_file the user could write would let them mint certificates.
chown "$ALICE" "$T/ca.pub"
load "$ALICE_SOCK" good
expect_fail "a ca_file not owned by root is refused" auth "$ALICE_SOCK" "$ALICE"
log_says "not root"
chown root "$T/ca.pub"

check "no challenge or signature in the log" bash -c '! grep -qi "BEGIN SSH SIGNATURE\|challenge=" "$1"' _ "$LOG"
finish
