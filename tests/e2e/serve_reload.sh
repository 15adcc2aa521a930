#!/usr/bin/env bash
# `sshca reload --config CFG` and the pid file of `sshca serve`: serve
# writes CFG's .pid and holds it locked; reload signals exactly that
# process (the provisioners are re-read), refuses a stale file (a serve
# killed -9), a file held by a process that is not `sshca serve` (which is
# left alone), and a second serve on the same config is refused while the
# first runs. A serve that stops removes its pid file.
source "$(dirname "$0")/../lib/common.sh"
start_ca
PIDFILE=${CFG%.json}.pid
reloads() { grep -c "SIGHUP: reloaded" "$T/serve.log" || true; }
# wait_reloads N: until the serve log shows N reloads (~10 s).
wait_reloads() {
  local _
  for _ in $(seq 1 100); do [ "$(reloads)" -ge "$1" ] && return 0; sleep 0.1; done
  return 1
}

check "serve writes its pid beside ca.json" test "$(cat "$PIDFILE")" = "$CA_PID"
check "reload --config succeeds" bash -c "'$SSHCA' reload --config '$CFG' >'$T/reload.out'"
check "reload names the pid" grep -q "pid $CA_PID" "$T/reload.out"
check "serve re-read its provisioners" wait_reloads 1
check "still serving" curl -sf --cacert "$ROOT" "$CA_URL/health" -o /dev/null

# A second serve on the same config: refused, the first one untouched.
expect_fail "a second serve on the same config is refused" "$SSHCA" serve --config "$CFG"
err_contains "another sshca serve (pid $CA_PID)"
check "the pid file still names the first" test "$(cat "$PIDFILE")" = "$CA_PID"

# A serve that stops removes its pid file; reload then says nobody runs.
kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true
check "a stopped serve removes its pid file" test ! -e "$PIDFILE"
expect_fail "reload with no serve running" "$SSHCA" reload --config "$CFG"
err_contains "no pid file"

# killed -9: the file stays, but nobody holds its lock.
restart_ca
kill -9 "$CA_PID"; wait "$CA_PID" 2>/dev/null || true
check "a killed serve leaves its pid file" test -e "$PIDFILE"
expect_fail "reload refuses a stale pid file" "$SSHCA" reload --config "$CFG"
err_contains "no sshca serve holds"

# The file held by a process that is not sshca serve: not signalled.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); f.write("1\n"); f.flush()
open(sys.argv[2], "w").close(); time.sleep(60)' "$PIDFILE" "$T/locked" &
HOLDER=$!
cleanup_add "kill $HOLDER"
for _ in $(seq 1 100); do [ -e "$T/locked" ] && break; sleep 0.1; done
expect_fail "reload refuses a holder that is not sshca serve" "$SSHCA" reload --config "$CFG"
err_contains "is not \`sshca serve\`"
check "that process got no SIGHUP" kill -0 "$HOLDER"
kill "$HOLDER"; wait "$HOLDER" 2>/dev/null || true

# --pid-file: both sides take another path.
"$SSHCA" serve --config "$CFG" --pid-file "$T/other.pid" 2>>"$T/serve.log" &
CA_PID=$!
cleanup_add "kill $CA_PID"
must "serve with --pid-file" wait_answering "$CA_PID" "$T/serve.log" 150 --cacert "$ROOT" "$CA_URL/health"
check "--pid-file is written" test "$(cat "$T/other.pid")" = "$CA_PID"
n=$(reloads)
check "reload --pid-file" bash -c "'$SSHCA' reload --config '$CFG' --pid-file '$T/other.pid' >/dev/null"
check "serve re-read its provisioners" wait_reloads $((n + 1))
finish
