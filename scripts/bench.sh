#!/usr/bin/env bash
# Benchmarks. Print figures; assert nothing (docs/benchmarks.md).
#   scripts/bench.sh sign [COUNT]    user certificates signed in-process with a
#       P-256 key on a fresh SoftHSM2 token, at 1 and 2 threads, beside the raw
#       C_Sign/s of the same token.
#   scripts/bench.sh serve [COUNT]   a fresh CA (`sshca init`, SoftHSM2) served
#       over HTTPS on loopback; COUNT POST /ssh/sign requests at each
#       concurrency of $CONCURRENCY (default "1 8 64 256 512") from
#       sshca-loadgen (one epoll thread, a kept-alive TLS connection per
#       unit of concurrency, TLS sessions resumed, TCP_NODELAY,
#       pre-generated one-time tokens); certificates/s, p50/p99 latency,
#       server CPU per certificate and RSS, the driver's CPU per request.
#       Then the server's RSS with $IDLE_CONNECTIONS (default
#       10000; 0 skips) idle TLS connections open.
#   scripts/bench.sh serve --db postgresql [COUNT]   the same on a private
#       PostgreSQL server (tests/lib/postgres.sh), first with one `sshca serve`
#       instance, then with two sharing the database (the load split evenly,
#       the same total concurrency; figures summed or, for latency, the worse).
#   scripts/bench.sh login [COUNT]   `sshca-agent login --id-token-file` with
#       the ID token already in hand (from the test provider, tests/oidc):
#       process start, pinned HTTPS to the CA, a fresh Ed25519 key, POST
#       /ssh/sign with OIDC verification, the certificate into a real
#       ssh-agent. COUNT logins one after another; mean, p50, max ms.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-sign}
[ $# -gt 0 ] && shift
DB=sqlite
COUNT=
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=${2:-}; shift 2 || true ;;
    *) COUNT=$1; shift ;;
  esac
done
case "$DB" in sqlite | postgresql) ;; *) echo "bench.sh: --db must be sqlite or postgresql" >&2; exit 2 ;; esac
case "$what" in
  sign) COUNT=${COUNT:-20000} ;;
  serve) COUNT=${COUNT:-2000} ;;
  login) COUNT=${COUNT:-30} ;;
  *) echo "usage: scripts/bench.sh sign [COUNT] | serve [--db sqlite|postgresql] [COUNT] | login [COUNT]" >&2; exit 2 ;;
esac
BUILD=${SSHCA_BUILD_DIR:-build}
CONCURRENCY=${CONCURRENCY:-1 8 64 256 512}

bench_sign() {
  [ -x "$BUILD/bin/sshca-bench" ] || bash scripts/setup.sh >/dev/null
  T=$(mktemp -d /tmp/sshca-bench.XXXXXX)
  trap 'rm -rf "$T"' EXIT
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" >"$T/softhsm2.conf"
  export SOFTHSM2_CONF="$T/softhsm2.conf"
  softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 12345678 >/dev/null
  (umask 077; printf '1234' >"$T/pin")
  KMS="pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=bench?pin-source=file:$T/pin"
  "$BUILD/bin/sshca" kms create --kms "$KMS" --key pkcs11:object=bench-ca --type ecdsa-p256 >/dev/null
  echo "sshca bench sign: $COUNT signatures per figure, P-256 key on SoftHSM2 $(dpkg-query -W -f='${Version}' softhsm2 2>/dev/null), $(nproc) cores"
  "$BUILD/bin/sshca-bench" "$KMS" pkcs11:object=bench-ca "$COUNT" 1 2
}

# utime + stime of PID in clock ticks (/proc/PID/stat fields 14 and 15,
# counted after the ")" that ends the command name).
cpu_ticks() {
  local rest
  rest=$(sed 's/.*) //' "/proc/$1/stat")
  awk '{ print $12 + $13 }' <<<"$rest"
}

# gen_tokens N FILE: N one-time tokens, one a line, from one
# `sshca token --count` process.
gen_tokens() {
  "$SSHCA" token user bench --principals bench --ttl 30m --config "$CFG" --count "$1" >"$2"
  [ "$(wc -l <"$2")" -eq "$1" ]
}

# start_server CONFIG PORT: `sshca serve` in the background, its PID appended
# to SERVER_PIDS; waits for /health.
start_server() {
  "$SSHCA" serve --config "$1" 2>>"$T/serve.log" &
  SERVER_PIDS+=($!)
  local _
  for _ in $(seq 1 150); do
    curl -fsS --cacert "$T/ca/certs/root_ca.crt" "https://127.0.0.1:$2/health" >/dev/null 2>&1 && return 0
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || { cat "$T/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  cat "$T/serve.log" >&2
  exit 1
}

# bench_row C: one line of the table, concurrency C in total, split evenly
# over the running instances (PORTS), tokens from $T/tokens-C.
bench_row() {
  local c=$1 n=${#PORTS[@]} i per before=0 after=0 pid start end
  per=$(((c + n - 1) / n))
  split -n "l/$n" -d "$T/tokens-$c" "$T/tokens-$c.part"
  for pid in "${SERVER_PIDS[@]}"; do before=$((before + $(cpu_ticks "$pid"))); done
  start=$(date +%s.%N)
  local loads=()
  for ((i = 0; i < n; i++)); do
    "$LOADGEN" --url "https://127.0.0.1:${PORTS[$i]}" --cacert "$T/ca/certs/root_ca.crt" \
      --tokens "$T/tokens-$c.part0$i" --pubkey "$T/id_bench.pub" --concurrency "$per" >"$T/result-$c-$i" &
    loads+=($!)
  done
  wait "${loads[@]}"  # not a bare wait: the servers are children too
  end=$(date +%s.%N)
  for pid in "${SERVER_PIDS[@]}"; do after=$((after + $(cpu_ticks "$pid"))); done
  local -A r
  local kv fields f
  # RESULT lines: key=value; counts add up, latencies take the worse.
  for ((i = 0; i < n; i++)); do
    grep -v '^RESULT' "$T/result-$c-$i" | sed 's/^/  /'
    read -ra fields <<<"$(grep '^RESULT' "$T/result-$c-$i" | cut -d' ' -f2-)"
    for kv in "${fields[@]}"; do
      f=${kv%%=*}
      case "$f" in
        ok | failed | connections | resumed) r[$f]=$((${r[$f]:-0} + ${kv#*=})) ;;
        p50 | p99 | max | client_cpu_us | rate) r[$f]=$(awk -v a="${kv#*=}" -v b="${r[$f]:-0}" 'BEGIN { print (a + 0 > b + 0) ? a : b }') ;;
      esac
    done
  done
  # One instance: the client's own rate; several: all certificates over the wall time.
  if [ "$n" -gt 1 ]; then r[rate]=$(echo "scale=1; ${r[ok]} / ($end - $start)" | bc); fi
  local cpu="-" rss=0
  [ "${r[ok]}" -gt 0 ] && cpu=$(echo "scale=3; ($after - $before) * 1000 / $HZ / ${r[ok]}" | bc)
  for pid in "${SERVER_PIDS[@]}"; do rss=$((rss + $(rss_kib "$pid"))); done
  printf '%-12s %14s %9s %9s %9s %13s %11s %13s %12s %8s %6s\n' "$((per * n))" "${r[rate]}" "${r[p50]}" "${r[p99]}" \
    "${r[max]}" "$cpu" "$((rss / 1024))" "${r[client_cpu_us]}" "${r[connections]}" "${r[resumed]}" "${r[failed]}" >>"$T/rows"
}

# rss_kib PID: the resident set of PID now, in KiB.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

bench_table() {
  : >"$T/rows"
  local c
  for c in $CONCURRENCY; do bench_row "$c"; done
  echo
  printf '%-12s %14s %9s %9s %9s %13s %11s %13s %12s %8s %6s\n' concurrency certificates/s "p50 ms" "p99 ms" "max ms" \
    "CPU ms/cert" "RSS MiB" "driver us/r" connections resumed failed
  cat "$T/rows"
}

bench_serve() {
  if [ ! -x "$BUILD/bin/sshca-loadgen" ] || [ ! -x "$BUILD/bin/sshca" ]; then bash scripts/setup.sh >/dev/null; fi
  SSHCA=$(cd "$BUILD/bin" && pwd)/sshca
  LOADGEN=$(cd "$BUILD/bin" && pwd)/sshca-loadgen
  # On the real disk, not /dev/shm: certificates are committed with fsync and
  # a tmpfs would make durability free.
  T=$(mktemp -d /tmp/sshca-bench.XXXXXX)
  chmod 755 "$T"
  SERVER_PIDS=()
  _CLEANUPS=()
  cleanup_add() { _CLEANUPS+=("$*"); }
  # Servers first, then whatever was added (PostgreSQL), newest first.
  trap 'for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
        for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${_CLEANUPS[$i]}" >/dev/null 2>&1; done
        rm -rf "$T"' EXIT
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
  HZ=$(getconf CLK_TCK)
  PORTS=("$(free_port)")
  "$SSHCA" init --dir "$T/ca" --address "127.0.0.1:${PORTS[0]}" >"$T/init.log" 2>&1 || { cat "$T/init.log" >&2; exit 1; }
  CFG="$T/ca/config/ca.json"
  # The whole load comes from one address and one provisioner: no rate limits.
  jq '.limits = {perAddress: {perSecond: 0}, perProvisioner: {perSecond: 0}}' "$CFG" >"$CFG.new" && mv "$CFG.new" "$CFG"
  # Every load comes from 127.0.0.1: its cap must hold the idle connections.
  jq '.server.maxConnectionsPerSource = 16384' "$CFG" >"$T/cap.json" && mv "$T/cap.json" "$CFG"
  ssh-keygen -q -t ed25519 -N '' -C bench -f "$T/id_bench"
  local dbinfo="SQLite"
  if [ "$DB" = postgresql ]; then
    # shellcheck source=../tests/lib/postgres.sh
    source tests/lib/postgres.sh
    start_postgres >/dev/null
    jq --arg dsn "$PG_DSN" '.db = {type: "postgresql", dsn: $dsn}' "$CFG" >"$T/a.json"
    CFG="$T/a.json"
    dbinfo="PostgreSQL $(psql -XAtq "$PG_DSN" -c 'show server_version') (private cluster, fsync on)"
  fi
  start_server "$CFG" "${PORTS[0]}"

  echo "sshca bench serve: $COUNT POST /ssh/sign per run, ed25519 subject key, CA keys on SoftHSM2" \
       "$(dpkg-query -W -f='${Version}' softhsm2 2>/dev/null), $dbinfo, $(nproc) cores," \
       "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  local start end
  start=$(date +%s.%N)
  local c
  for c in $CONCURRENCY; do
    gen_tokens "$COUNT" "$T/tokens-$c" || { echo "token generation failed" >&2; exit 1; }
  done
  end=$(date +%s.%N)
  printf 'tokens: %d generated in %.1f s (sshca token --count)\n' \
    $(($(wc -w <<<"$CONCURRENCY") * COUNT)) "$(echo "$end - $start" | bc)"

  [ "$DB" = postgresql ] && echo && echo "one instance:"
  bench_table
  if [ "$DB" = postgresql ]; then
    # The second instance: same CA and database, its own address. Fresh
    # tokens: the first run spent these, in the shared database.
    PORTS+=("$(free_port)")
    jq --arg addr "127.0.0.1:${PORTS[1]}" '.address = $addr' "$CFG" >"$T/b.json"
    start_server "$T/b.json" "${PORTS[1]}"
    for c in $CONCURRENCY; do
      gen_tokens "$COUNT" "$T/tokens-$c" || { echo "token generation failed" >&2; exit 1; }
    done
    echo
    echo "two instances (the load split evenly; concurrency is the total):"
    bench_table
  fi
  if [ "${IDLE_CONNECTIONS:-10000}" -gt 0 ]; then
    echo
    python3 tests/e2e/front_door_attacks.py idle_rss "${PORTS[0]}" "$T/ca/certs/root_ca.crt" \
      "${IDLE_CONNECTIONS:-10000}" "${SERVER_PIDS[0]}"
  fi
  echo "(CPU ms/cert: the servers' utime+stime from /proc/PID/stat, $HZ ticks/s, per certificate issued;"
  echo " RSS MiB: the servers' resident memory after the run;"
  echo " driver us/r: the load driver's own CPU (getrusage) per request, taken from the same cores;"
  echo " connections: TCP+TLS connections the driver opened, ideally = concurrency; resumed: how many"
  echo " of them resumed the first one's TLS session, ideally all but the first;"
  echo " PostgreSQL's own CPU is not counted in CPU ms/cert)"
}

bench_login() {
  [ -x "$BUILD/bin/sshca-agent" ] || bash scripts/setup.sh >/dev/null
  set -- "$BUILD"
  # shellcheck source=../tests/lib/common.sh
  source tests/lib/common.sh
  # shellcheck source=../tests/lib/oidc.sh
  source tests/lib/oidc.sh
  local agent="$BUILD_DIR/bin/sshca-agent" i
  start_oidc_provider
  start_ca
  "$SSHCA" provisioner add oidc corp --config "$CFG" --issuer "$OIDC_ISSUER" --client-id sshca \
    --domain example.com --group admins=root >/dev/null
  kill -HUP "$CA_PID"
  for i in $(seq 1 100); do
    curl -s --cacert "$ROOT" "$CA_URL/provisioners" | grep -q '"OIDC"' && break
    sleep 0.1
  done
  "$agent" bootstrap --ca-url "$CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$T/agent" >/dev/null 2>&1
  eval "$(ssh-agent -a "$T/agent.sock")" >/dev/null
  cleanup_add "kill $SSH_AGENT_PID"
  echo "sshca bench login: $COUNT logins with the ID token in hand, Ed25519 key, CA keys on SoftHSM2," \
       "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for i in $(seq 1 "$COUNT"); do oidc_device_login alice >"$T/idtoken-$i"; done
  : >"$T/times"
  for i in $(seq 1 "$COUNT"); do
    local s e
    s=$(date +%s%N)
    "$agent" login --id-token-file "$T/idtoken-$i" --config-dir "$T/agent" >/dev/null
    e=$(date +%s%N)
    echo $(((e - s) / 1000)) >>"$T/times"
  done
  [ "$(ssh-add -L | grep -c cert-v01)" -eq "$COUNT" ] || { echo "not every certificate reached the agent" >&2; exit 1; }
  sort -n "$T/times" | awk '{ t[NR] = $1; sum += $1 } END {
    printf "login to certificate in the agent: mean %.1f ms, p50 %.1f ms, max %.1f ms (goal: under 50 ms)\n",
      sum / NR / 1000, t[int((NR + 1) / 2)] / 1000, t[NR] / 1000 }'
}

case "$what" in
  sign) bench_sign ;;
  serve) bench_serve ;;
  login) bench_login ;;
esac
