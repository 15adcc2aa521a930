#!/usr/bin/env bash
# Benchmarks. Print figures; assert nothing (docs/benchmarks.md).
#   scripts/bench.sh sign [COUNT]    user certificates signed in-process with a
#       P-256 key on a fresh SoftHSM2 token, at 1 and 2 threads, beside the raw
#       C_Sign/s of the same token.
#   scripts/bench.sh serve [COUNT]   a fresh CA (`sshca init`, SoftHSM2) served
#       over HTTPS on loopback; COUNT POST /ssh/sign requests at concurrency 1
#       and at 8 from sshca-loadgen (keep-alive, TCP_NODELAY, pre-generated
#       one-time tokens); certificates/s, p50/p99 latency and server CPU per
#       certificate.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-sign}
case "$what" in
  sign) COUNT=${2:-20000} ;;
  serve) COUNT=${2:-2000} ;;
  *) echo "usage: scripts/bench.sh sign|serve [COUNT]" >&2; exit 2 ;;
esac
BUILD=${SSHCA_BUILD_DIR:-build}

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

# gen_tokens N FILE: N one-time tokens, one a line. One `sshca token` process
# per token, so two parallel streams (2 cores) of 50-token batches, each batch
# into its own file so that lines never interleave.
gen_tokens() {
  local n=$1 out=$2 dir
  dir=$(mktemp -d "$T/tokens.XXXXXX")
  # shellcheck disable=SC2016  # expanded by the inner bash
  seq 0 50 $((n - 1)) | xargs -P2 -I{} bash -c '
    end=$(({} + 50)); [ "$end" -gt '"$n"' ] && end='"$n"'
    for ((i = {}; i < end; i++)); do
      "$0" token user bench --principals bench --ttl 30m --config "$1" || exit 1
    done >"$2/{}"' "$SSHCA" "$CFG" "$dir"
  cat "$dir"/* >"$out"
  rm -rf "$dir"
  [ "$(wc -l <"$out")" -eq "$n" ]
}

bench_serve() {
  if [ ! -x "$BUILD/bin/sshca-loadgen" ] || [ ! -x "$BUILD/bin/sshca" ]; then bash scripts/setup.sh >/dev/null; fi
  SSHCA=$(cd "$BUILD/bin" && pwd)/sshca
  LOADGEN=$(cd "$BUILD/bin" && pwd)/sshca-loadgen
  # On the real disk, not /dev/shm: certificates are committed with fsync and
  # a tmpfs would make durability free.
  T=$(mktemp -d /tmp/sshca-bench.XXXXXX)
  SERVER_PID=
  trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; rm -rf "$T"' EXIT
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  "$SSHCA" init --dir "$T/ca" --address "127.0.0.1:$port" >"$T/init.log" 2>&1 || { cat "$T/init.log" >&2; exit 1; }
  CFG="$T/ca/config/ca.json"
  ssh-keygen -q -t ed25519 -N '' -C bench -f "$T/id_bench"

  "$SSHCA" serve --config "$CFG" 2>"$T/serve.log" &
  SERVER_PID=$!
  local _
  for _ in $(seq 1 100); do
    curl -fsS --cacert "$T/ca/certs/root_ca.crt" "https://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$T/serve.log" >&2; exit 1; }
    sleep 0.1
  done

  echo "sshca bench serve: $COUNT POST /ssh/sign per run, ed25519 subject key, CA keys on SoftHSM2" \
       "$(dpkg-query -W -f='${Version}' softhsm2 2>/dev/null), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  local start end
  start=$(date +%s.%N)
  if ! gen_tokens "$COUNT" "$T/tokens-1" || ! gen_tokens "$COUNT" "$T/tokens-8"; then
    echo "token generation failed" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  printf 'tokens: %d generated in %.1f s (one sshca token process each, 2 in parallel)\n' \
    $((2 * COUNT)) "$(echo "$end - $start" | bc)"

  local hz rows="" c before after result ok kv cpu fields
  local -A r
  hz=$(getconf CLK_TCK)
  for c in 1 8; do
    before=$(cpu_ticks "$SERVER_PID")
    result=$("$LOADGEN" --url "https://127.0.0.1:$port" --cacert "$T/ca/certs/root_ca.crt" \
      --tokens "$T/tokens-$c" --pubkey "$T/id_bench.pub" --concurrency "$c")
    after=$(cpu_ticks "$SERVER_PID")
    grep -v '^RESULT' <<<"$result" | sed 's/^/  /'
    # RESULT line: key=value fields.
    r=()
    read -ra fields <<<"$(grep '^RESULT' <<<"$result" | cut -d' ' -f2-)"
    for kv in "${fields[@]}"; do r[${kv%%=*}]=${kv#*=}; done
    ok=${r[ok]}
    cpu="-"
    [ "$ok" -gt 0 ] && cpu=$(echo "scale=3; ($after - $before) * 1000 / $hz / $ok" | bc)
    rows+=$(printf '%-12s %14s %9s %9s %9s %13s %13s %12s %6s\n' "$c" "${r[rate]}" "${r[p50]}" "${r[p99]}" \
      "${r[max]}" "$cpu" "${r[client_cpu_ms]}" "${r[connections]}" "${r[failed]}")$'\n'
  done
  echo
  printf '%-12s %14s %9s %9s %9s %13s %13s %12s %6s\n' concurrency certificates/s "p50 ms" "p99 ms" "max ms" \
    "CPU ms/cert" "client ms/c" connections failed
  printf '%s' "$rows"
  echo "(CPU ms/cert: the server's utime+stime from /proc/PID/stat, $hz ticks/s, per certificate issued;"
  echo " client ms/c: the load client's own CPU per certificate, taken from the same 2 cores;"
  echo " connections: TCP+TLS connections the client opened, ideally = concurrency)"
}

case "$what" in
  sign) bench_sign ;;
  serve) bench_serve ;;
esac
