# Shared helpers for the end-to-end tests (sourced; bash).
# Every test works in its own temp dir with its own SoftHSM2 token, and
# stops what it started when it exits, pass or fail.
set -euo pipefail

BUILD_DIR=$(cd "${1:?usage: test.sh BUILD_DIR}" && pwd)
SSHCA="$BUILD_DIR/bin/sshca"
SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
SPY_MODULE=/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so
T=$(mktemp -d /tmp/sshca-e2e.XXXXXX)
chmod 755 "$T"
_CLEANUPS=()
cleanup_add() { _CLEANUPS+=("$*"); }
_run_cleanups() {
  local i
  for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${_CLEANUPS[$i]}" >/dev/null 2>&1 || true; done
  rm -rf "$T"
}
trap _run_cleanups EXIT

_FAILS=0
_PASSES=0
pass() { _PASSES=$((_PASSES + 1)); echo "ok - $*"; }
fail() { _FAILS=$((_FAILS + 1)); echo "FAIL - $*" >&2; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
# must WHAT CMD...: check, but a failure ends the test at once (for the
# steps nothing after them means anything without).
must() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; finish; exit 1; fi; }
finish() {
  echo "$_PASSES passed, $_FAILS failed"
  [ "$_FAILS" -eq 0 ]
}

# Runs a command expected to fail; stores its stderr in $ERR.
expect_fail() {
  local what=$1; shift
  if ERR=$("$@" 2>&1 >/dev/null); then fail "$what (succeeded unexpectedly)"; return 1; fi
  pass "$what"
}
# Asserts $ERR (from expect_fail) contains a string.
err_contains() {
  if grep -qiF -- "$1" <<<"$ERR"; then pass "message says '$1'"; else fail "message lacks '$1': $ERR"; fi
}

# new_token LABEL: a fresh SoftHSM2 token in $T with PIN 1234 / SO-PIN 12345678.
# Sets SOFTHSM2_CONF, KMS (the kms URI with pin-source) and PIN_FILE.
new_token() {
  local label=${1:-sshca}
  mkdir -p "$T/tokens"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" >"$T/softhsm2.conf"
  export SOFTHSM2_CONF="$T/softhsm2.conf"
  softhsm2-util --init-token --free --label "$label" --pin 1234 --so-pin 12345678 >/dev/null
  PIN_FILE="$T/pin"
  printf '1234\n' >"$PIN_FILE"
  chmod 600 "$PIN_FILE"
  KMS="pkcs11:module-path=$SOFTHSM_MODULE;token=$label?pin-source=file:$PIN_FILE"
}

# free_port: a port nobody listens on now (bind to 0, read back).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

require_root() {
  if [ "$(id -u)" -ne 0 ]; then echo "skipped: needs root (sshd, useradd)"; exit 77; fi
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (max ~10 s).
wait_port() {
  local i
  for i in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# new_user: a throw-away login account (password field '*', so that
# UsePAM no does not treat it as locked). Sets TEST_USER.
new_user() {
  TEST_USER="sshca$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  useradd -M -d "$T" -s /bin/sh "$TEST_USER"
  usermod -p '*' "$TEST_USER"
  cleanup_add "userdel $TEST_USER"
}

# write_sshd_config FILE [LINE...]: an sshd_config for a private sshd on
# 127.0.0.1:$SSHD_PORT. Each LINE is one "Keyword value" line (HostKey,
# HostCertificate, TrustedUserCAKeys, RevokedKeys, AuthorizedPrincipalsFile,
# Include, LogLevel, ...), written in the order given after Port and
# ListenAddress (so no Match line: what follows it would be conditional).
# Then these defaults, each unless a LINE sets its keyword: certificates
# only, no passwords, no PAM, the pid file in $T.
write_sshd_config() {
  local file=$1 line default given
  shift
  local defaults=("AuthorizedKeysFile none" "PasswordAuthentication no" "KbdInteractiveAuthentication no"
    "UsePAM no" "PidFile $T/sshd.pid")
  {
    printf 'Port %s\nListenAddress 127.0.0.1\n' "$SSHD_PORT"
    for line in "$@"; do printf '%s\n' "$line"; done
    for default in "${defaults[@]}"; do
      given=
      for line in "$@"; do
        if [ "${line%% *}" = "${default%% *}" ]; then given=1; fi
      done
      if [ -z "$given" ]; then printf '%s\n' "$default"; fi
    done
  } >"$file"
}

# start_sshd CONFIG [SSHD...]: runs a private sshd on $SSHD_PORT, logging to
# $T/sshd.log, until something listens there; stopped at exit. SSHD is the
# command to run (default /usr/sbin/sshd), e.g. `env VAR=... PATH-TO-SSHD`.
start_sshd() {
  local config=$1
  shift
  [ $# -gt 0 ] || set -- /usr/sbin/sshd
  mkdir -p /run/sshd
  "$@" -D -f "$config" -E "$T/sshd.log" &
  local pid=$!
  cleanup_add "kill $pid"
  wait_port "$SSHD_PORT" || { cat "$T/sshd.log" >&2; return 1; }
}

# start_ssh_agent: a private ssh-agent on $T/agent.sock, stopped at exit;
# exports SSH_AUTH_SOCK to it and unsets DISPLAY and WAYLAND_DISPLAY (no
# askpass). Sets AGENT_PID.
start_ssh_agent() {
  ssh-agent -a "$T/agent.sock" >"$T/ssh-agent.env"
  AGENT_PID=$(sed -n 's/.*SSH_AGENT_PID=\([0-9]*\).*/\1/p' "$T/ssh-agent.env")
  cleanup_add "kill $AGENT_PID"
  export SSH_AUTH_SOCK="$T/agent.sock"
  unset DISPLAY WAYLAND_DISPLAY
}

# start_ca [INIT-ARGS...]: init_ca, then restart_ca: `sshca init` into $T/ca
# on a free port, then `sshca serve` in the background until /health
# answers (stopped at exit).
start_ca() {
  init_ca "$@" || return 1
  restart_ca
}

# init_ca [INIT-ARGS...]: `sshca init` into $T/ca on a free port. Sets
# CA_PORT, CA_URL, CFG (ca.json), ROOT (root PEM), DB (sqlite file),
# PROV_KEY (the JWK provisioner's private key file). Log: $T/init.log.
# Unsets SOFTHSM2_CONF: init's token has its own, named in ca.json.
init_ca() {
  unset SOFTHSM2_CONF
  CA_PORT=$(free_port) || return 1
  "$SSHCA" init --dir "$T/ca" --address "127.0.0.1:$CA_PORT" "$@" >"$T/init.log" 2>&1 ||
    { cat "$T/init.log" >&2; return 1; }
  CFG="$T/ca/config/ca.json"
  ROOT="$T/ca/certs/root_ca.crt"
  DB="$T/ca/db/sshca.db"
  CA_URL="https://127.0.0.1:$CA_PORT"
  PROV_KEY=$(jq -r '.provisioners[0].privateKeyFile' "$CFG") || return 1
}

# restart_ca: (re)starts `sshca serve` on $CFG (log $T/serve.log) and waits
# for /health. Sets CA_PID.
restart_ca() {
  local rc=0
  start_serve "$CFG" "$CA_URL" "$T/serve.log" || rc=$?
  CA_PID=$SERVE_PID
  return "$rc"
}

# start_serve CONFIG URL LOG: `sshca serve --config CONFIG` in the
# background (stderr appended to LOG; stopped at exit) until URL/health
# answers 2xx over TLS checked against $ROOT (~15 s; LOG is shown if it
# does not, or if the server dies first). Sets SERVE_PID.
start_serve() {
  "$SSHCA" serve --config "$1" 2>>"$3" &
  SERVE_PID=$!
  cleanup_add "kill $SERVE_PID"
  wait_answering "$SERVE_PID" "$3" 150 --cacert "$ROOT" "$2/health"
}

# wait_answering PID LOG TRIES CURL_ARGS...: polls with `curl CURL_ARGS`
# (100 ms apart, TRIES times) until it answers 2xx; fails, showing LOG, if
# it never does or if PID (the server being waited for) dies first.
wait_answering() {
  local pid=$1 log=$2 tries=$3 i
  shift 3
  for i in $(seq 1 "$tries"); do
    curl -sf --max-time 2 "$@" >/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$log" >&2
  return 1
}

# wait_lines FILE N PID TRIES: waits until FILE has N lines or more, PID has
# ended, or TRIES polls 10 ms apart have passed. A trigger by progress, not
# by a fixed delay (e.g. to kill a server while requests are in flight).
wait_lines() {
  local _
  for _ in $(seq 1 "$4"); do
    if [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; then return 0; fi
    kill -0 "$3" 2>/dev/null || return 0
    sleep 0.01
  done
  return 0
}

# root_fingerprint: SHA-256 of the root certificate's DER, hex, as
# `sshca init` prints it and `sshca-agent bootstrap --fingerprint` takes it.
root_fingerprint() { openssl x509 -in "$ROOT" -outform DER | sha256sum | cut -d' ' -f1; }

# pam_host_env MODULE: sets PAM_HOST_ENV, the environment a host process
# (pamtester, sshd) needs to dlopen MODULE. An ASan-built module (the
# sanitizer run of scripts/test.sh) loads only into a process whose first
# library is the ASan runtime, so it is preloaded there; the host's own
# leaks are not ours to report. Empty for a normal build.
pam_host_env() {
  PAM_HOST_ENV=()
  local asan
  asan=$(ldd "$1" 2>/dev/null | awk '/libasan|libclang_rt\.asan/ { print $3 }') || true
  [ -n "$asan" ] && PAM_HOST_ENV=("LD_PRELOAD=$asan" "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1")
  return 0
}
