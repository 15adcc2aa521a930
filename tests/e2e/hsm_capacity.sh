#!/usr/bin/env bash
# The HSM's capacity is protected (issue 17), counted at the token through
# the fault-injecting PKCS#11 module: one token replayed 10,000 times costs
# one C_Sign; 1,000 forged tokens cost none; a slow token (50 ms a
# signature) at concurrency 64 signs at most hsm.maxConcurrentSignatures at
# once, answers 503 with Retry-After past hsm.signWaitMs, and /health keeps
# answering.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, get, post
source "$(dirname "$0")/../lib/fault.sh"
require_fault_module
LOADGEN="$BUILD_DIR/bin/sshca-loadgen"
[ -x "$LOADGEN" ] || { echo "skipped: sshca-loadgen not built"; exit 77; }
cd "$T"

init_ca
serve_on_fault_module '.server.threads = 64 | .hsm = {maxConcurrentSignatures: 2, signWaitMs: 300}'
ssh-keygen -q -t ed25519 -N '' -C u -f "$T/id"
# load TOKENS-FILE CONCURRENCY: the loadgen's summary in $T/loadgen.out.
load() {
  "$LOADGEN" --url "$CA_URL" --cacert "$ROOT" --tokens "$1" --pubkey "$T/id.pub" --principal alice \
    --concurrency "$2" >"$T/loadgen.out" 2>&1 || true
}
result() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$T/loadgen.out"; }

# ---- one token used, then replayed 10,000 times ----
TOKEN=$("$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG")
echo "$TOKEN" >"$T/once"
load "$T/once" 1
check "the token got its certificate" test "$(result ok)" = 1
for _ in $(seq 1 10000); do echo "$TOKEN"; done >"$T/replayed"
signs=$(fault_count C_Sign)
before=$(rows)
load "$T/replayed" 8
check "10,000 replays got no certificate" test "$(result ok)" = 0
check "all of them 409" grep -q 'status 409  *10000' "$T/loadgen.out"
check "no C_Sign for the replays" test "$(fault_count C_Sign)" -eq "$signs"
check "no row for them" test "$(rows)" -eq "$before"

# ---- 1,000 forged tokens ----
"$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG" --count 1000 >"$T/genuine"
# Each keeps its header and claims and gets another token's signature.
paste -d' ' "$T/genuine" <(tail -n +2 "$T/genuine"; head -n 1 "$T/genuine") |
  awk '{split($1, a, "."); split($2, b, "."); print a[1] "." a[2] "." b[3]}' >"$T/forged"
signs=$(fault_count C_Sign)
before=$(rows)
load "$T/forged" 8
check "no forged token got a certificate" test "$(result ok)" = 0
check "all 1,000 were refused 401" grep -q 'status 401  *1000' "$T/loadgen.out"
check "no C_Sign for them" test "$(fault_count C_Sign)" -eq "$signs"
check "no row for them" test "$(rows)" -eq "$before"

# ---- a slow token at concurrency 64 ----
fault_set "sign-delay-ms = 50"
"$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG" --count 640 >"$T/slow"
load "$T/slow" 64 &
LG=$!
cleanup_add "kill $LG"
sleep 1
health_status=$(curl -s -o "$T/health" -w '%{http_code}' --max-time 5 --cacert "$ROOT" "$CA_URL/health")
wait "$LG" || true
check "/health answered during the load" test "$health_status" = 200
check "some requests got certificates" test "$(result ok)" -gt 0
check "those past the wait got 503" grep -q 'status 503' "$T/loadgen.out"
check "at most 2 signatures at once on the token" test "$(fault_count max-concurrent-C_Sign)" -le 2
# 300 ms of waiting and a 50 ms signature; generous for a loaded machine.
check "no request waited much longer than the wait deadline" \
  python3 -c "import sys; sys.exit(0 if float('$(result max)') < 5000 else 1)"
check "the log line says the token is busy" grep -q '"reason":"[^"]*is busy' "$T/serve.log"
echo "  ($(grep RESULT "$T/loadgen.out"))"

# ---- the 503 itself: 4 requests at once, 2 signing for 3 s each ----
fault_set "sign-delay-ms = 3000"
"$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG" --count 4 >"$T/busy"
pids=()
for i in 1 2 3 4; do
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/id.pub")" --arg ott "$(sed -n "${i}p" "$T/busy")" \
    '{publicKey: $pk, ott: $ott}' >"$T/busy.$i.json"
  curl -s -D "$T/busy.$i.headers" -o "$T/busy.$i.out" -w '%{http_code}' --max-time 30 --cacert "$ROOT" \
    -X POST -H 'Content-Type: application/json' --data-binary @"$T/busy.$i.json" "$CA_URL/ssh/sign" \
    >"$T/busy.$i.status" &
  pids+=($!)
done
wait "${pids[@]}" || true
busy=$(grep -l '^503$' "$T"/busy.*.status | head -n 1)
check "a request past the wait got 503" test -n "$busy"
check "the 503 carries Retry-After" grep -qi '^retry-after: [0-9]' "${busy%.status}.headers"
check "its body says unavailable" test "$(jq -r .code "${busy%.status}.out")" = unavailable
fault_clear
check "its token was not spent: it signs now" test "$(post "${busy%.status}.json")" = 201

# ---- rate limits: loopback is exempt by default ----
kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true
jq '.limits = {perAddress: {perSecond: 0.01, burst: 5}, perProvisioner: {perSecond: 0.01, burst: 5}}' "$CFG" >"$CFG.new"
mv "$CFG.new" "$CFG"
must "serve restarts with small limits (loopback exempt, the default)" restart_ca
"$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG" --count 8 >"$T/exempt"
load "$T/exempt" 1
check "from 127.0.0.1 past both bursts: all 8 signed" test "$(result ok)" -eq 8

# ---- rate limits: 429 with Retry-After, before anything is checked ----
kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true
jq '.limits = {perAddress: {perSecond: 0.01, burst: 5}, perProvisioner: {perSecond: 0}, exemptLoopback: false}' \
  "$CFG" >"$CFG.new"
mv "$CFG.new" "$CFG"
must "serve restarts with a small per-address limit, loopback not exempt" restart_ca
"$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG" --count 20 >"$T/limited"
signs=$(fault_count C_Sign)
load "$T/limited" 1
check "the burst got certificates" test "$(result ok)" -eq 5
check "the rest got 429" grep -q 'status 429' "$T/loadgen.out"
check "a 429 costs no C_Sign" test "$(fault_count C_Sign)" -eq $((signs + $(result ok)))
jq -nc --arg pk "$(cut -d' ' -f2 "$T/id.pub")" '{publicKey: $pk, ott: "not-even-a-token"}' >"$T/body.json"
status=$(curl -s -D "$T/headers" -o "$T/out" -w '%{http_code}' --max-time 10 --cacert "$ROOT" -X POST \
  -H 'Content-Type: application/json' --data-binary @"$T/body.json" "$CA_URL/ssh/sign")
check "still limited: 429" test "$status" = 429
check "with Retry-After" grep -qi '^retry-after: [0-9]' "$T/headers"
check "code rate_limited" test "$(jq -r .code "$T/out")" = rate_limited
finish
