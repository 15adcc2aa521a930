#!/usr/bin/env bash
# pam_sshca's agent socket and log file against what a user can plant
# (issue 23), with the real pamtester and ssh-agent:
#  - the agent socket sits in a 0700 directory of the user that root
#    cannot read (NFS root_squash, FUSE without allow_root; simulated by
#    running pamtester as root without CAP_DAC_OVERRIDE and
#    CAP_DAC_READ_SEARCH): authentication works, because the socket is
#    looked at and connected to as the user;
#  - log_file is a FIFO (with and without a reader) or a file the user
#    owns, or has a second link: the module neither hangs (run under
#    timeout) nor writes to it, and still decides; a root-owned 0600 file
#    gets the lines.
source "$(dirname "$0")/../lib/common.sh"
require_root
command -v pamtester >/dev/null || { echo "skipped: pamtester is not installed"; exit 77; }
command -v capsh >/dev/null || { echo "skipped: capsh is not installed"; exit 77; }
MODULE="$BUILD_DIR/lib/pam_sshca.so"
[ -f "$MODULE" ] || { echo "FAIL - $MODULE not built" >&2; exit 1; }
pam_host_env "$MODULE"
umask 022
new_user; ALICE=$TEST_USER

ssh-keygen -q -t ed25519 -N '' -C sshca-user-ca -f "$T/ca"
ssh-keygen -q -t ed25519 -N '' -C good -f "$T/good"
ssh-keygen -q -s "$T/ca" -I good@e2e -n "$ALICE" -V -5m:+1h -z 10 "$T/good.pub"

stop_pid() { local n; kill "$1"; for n in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; }
DIR="$T/agent-$ALICE"
mkdir -m 700 "$DIR"; chown "$ALICE" "$DIR"
out=$(runuser -u "$ALICE" -- ssh-agent -s -a "$DIR/sock")
pid=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$out")
[ -n "$pid" ] || { echo "FAIL - ssh-agent did not start: $out" >&2; exit 1; }
cleanup_add "stop_pid $pid"
SOCK="$DIR/sock"
SSH_AUTH_SOCK=$SOCK ssh-add -q "$T/good" 2>/dev/null

SVC="sshca-test-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
cleanup_add "rm -f /etc/pam.d/$SVC"
use_log() { # PATH: the service logs to PATH
  printf 'auth required %s ca_file=%s log_file=%s\naccount required pam_permit.so\n' "$MODULE" "$T/ca.pub" "$1" \
    >"/etc/pam.d/$SVC"
}
auth() { timeout 60 env "${PAM_HOST_ENV[@]}" SSH_AUTH_SOCK="$SOCK" pamtester "$SVC" "$ALICE" authenticate; }
NO_DAC=(capsh --drop=cap_dac_override,cap_dac_read_search --)
no_dac_auth() {
  timeout 60 "${NO_DAC[@]}" -c 'exec env "$@"' _ "${PAM_HOST_ENV[@]}" SSH_AUTH_SOCK="$SOCK" pamtester "$SVC" "$ALICE" authenticate
}

# ---- the socket under a directory root cannot read ----
LOG="$T/pam.log"
use_log "$LOG"
check "as plain root: the certificate in the user's agent authenticates" auth
expect_fail "without the DAC capabilities, root cannot look into the user's 0700 directory (the premise)" \
  "${NO_DAC[@]}" -c "ls $DIR"
: >"$LOG"
check "without the DAC capabilities the module still authenticates (it looks as the user)" no_dac_auth
check "... and logged the grant" grep -qF 'auth granted: user='"$ALICE"' key_id="good@e2e"' "$LOG"
chmod 755 "$DIR"; chown root "$SOCK" 2>/dev/null || true
expect_fail "a socket the user does not own is still refused" auth
check "... and the log says whose it is" grep -qF "is owned by uid 0, not by $ALICE" "$LOG"
chown "$ALICE" "$SOCK"; chmod 700 "$DIR"

# ---- log_file: what a user could plant there ----
mkdir -m 755 "$T/logs"
mkfifo -m 622 "$T/logs/fifo"; chown "$ALICE" "$T/logs/fifo"
use_log "$T/logs/fifo"
check "a FIFO without a reader at log_file: no hang, the module decides" auth
timeout 120 cat "$T/logs/fifo" >"$T/fifo.out" &
reader=$!
cleanup_add "kill $reader 2>/dev/null"
# The reader is waiting in open(2) once the FIFO has one (no sleep needed:
# without it the module's open gets ENXIO and skips the file, which is
# also a pass; with it fstat refuses the FIFO).
check "a FIFO with a reader at log_file: no hang, the module decides" auth
exec 9<>"$T/logs/fifo"  # read-write never blocks: ends a reader still in open(2), then EOF
exec 9>&-
wait "$reader" 2>/dev/null || true
check "... and nothing was written to the FIFO" test ! -s "$T/fifo.out"

: >"$T/logs/user-owned"; chown "$ALICE" "$T/logs/user-owned"; chmod 600 "$T/logs/user-owned"
use_log "$T/logs/user-owned"
check "a user-owned file at log_file: the module decides" auth
check "... and writes nothing to it" test ! -s "$T/logs/user-owned"

: >"$T/logs/linked"; chmod 600 "$T/logs/linked"; ln "$T/logs/linked" "$T/logs/second-link"
use_log "$T/logs/linked"
check "a log_file with a second hard link: the module decides" auth
check "... and writes nothing to it" test ! -s "$T/logs/linked"

: >"$T/logs/wide"; chmod 622 "$T/logs/wide"
use_log "$T/logs/wide"
check "a group/world-writable log_file: the module decides" auth
check "... and writes nothing to it" test ! -s "$T/logs/wide"

use_log "$T/logs/root.log"
check "a log_file the module creates (root, 0600)" auth
check "... gets the lines" grep -qF "auth granted: user=$ALICE" "$T/logs/root.log"
check "... and is 0600 root" test "$(stat -c '%a %U' "$T/logs/root.log")" = "600 root"
finish
