#!/usr/bin/env bash
# A request that cannot start within server.queueWaitMs is answered 503 with
# Retry-After at that deadline, while the request ahead of it still holds
# the authority's only thread (issue 16): not when a thread finally takes
# it. Its token is not spent and nothing is recorded: sent again later, the
# same body gets its certificate. The HSM is made slow with the
# fault-injecting PKCS#11 module (a C_Sign takes 15 s, against a 1 s queue
# deadline): what is asserted is the order of events, not their timing.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, post
source "$(dirname "$0")/../lib/fault.sh"
require_fault_module
cd "$T"

init_ca
serve_on_fault_module '.server += {threads: 1, queueWaitMs: 1000}'

# body NAME: a sign request body with a fresh key and token in $T/NAME.json.
body() {
  ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$T/$1"
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/$1.pub")" \
    --arg ott "$("$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG")" \
    '{publicKey: $pk, ott: $ott}' >"$T/$1.json"
}
body first
body second
before=$(rows)

fault_set "token = present" "sign-delay-ms = 15000"
curl -s -o "$T/first.out" -w '%{http_code}' --max-time 60 --cacert "$ROOT" -X POST \
  -H 'Content-Type: application/json' --data-binary @"$T/first.json" "$CA_URL/ssh/sign" >"$T/first.status" &
FIRST=$!
cleanup_add "kill $FIRST"
# The first request is inside C_Sign: the authority's one thread is taken.
for _ in $(seq 1 300); do
  [ "$(fault_count max-concurrent-C_Sign)" -ge 1 ] && break
  sleep 0.1
done
must "the first request reached the HSM" test "$(fault_count max-concurrent-C_Sign)" -ge 1

status=$(curl -s -D "$T/second.headers" -o "$T/second.out" -w '%{http_code}' --max-time 60 --cacert "$ROOT" \
  -X POST -H 'Content-Type: application/json' --data-binary @"$T/second.json" "$CA_URL/ssh/sign")
check "the queued request is answered while the first is still signing" kill -0 "$FIRST"
check "with 503" test "$status" = 503
check "with Retry-After" grep -qi '^retry-after: [0-9]' "$T/second.headers"
check "code unavailable" test "$(jq -r .code "$T/second.out")" = unavailable

check "the first request gets its certificate" wait "$FIRST"
check "201" test "$(cat "$T/first.status")" = 201
check "one row: the first request's" test "$(rows)" -eq $((before + 1))

fault_clear
check "the shed request's token was not spent: the same body now gets 201" \
  test "$(post "$T/second.json")" = 201
check "and its row" test "$(rows)" -eq $((before + 2))
finish
