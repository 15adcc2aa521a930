#!/usr/bin/env bash
# sshca serve's front door under attack (issue 16), real sockets on
# loopback (tests/e2e/front_door_attacks.py): idle TCP connects, trickled
# heads and bodies, kept-alive idle clients, 10,000 headers, conflicting
# Content-Length, a handshake flood, the per-source cap, then SIGTERM
# under sign load. Each attack asserts that /health still answers and that
# the attack's connections are closed by their deadline. Short deadlines
# (2-3 s) keep the test around a minute; the bounds checked are generous.
ATTACK="$(cd "$(dirname "$0")" && pwd)/front_door_attacks.py"
source "$(dirname "$0")/../lib/common.sh"
cd "$T"

# server_config JQ: edits ca.json's "server" object.
server_config() { jq "$1" "$CFG" >"$T/cfg.json" && mv "$T/cfg.json" "$CFG"; }
attack() {
  if python3 "$ATTACK" "$1" "$CA_PORT" "$ROOT" "${@:2}"; then pass "attack $1"; else fail "attack $1"; fi
}

init_ca
server_config '.server += {tlsHandshakeMs: 2000, requestHeadMs: 3000, requestBodyMs: 3000, idleSeconds: 3,
                            maxConnectionsPerSource: 1500, drainSeconds: 20}'
restart_ca

attack idle 1000 2
attack trickle_head 200 3
attack trickle_body 200 3
attack keepalive 16 3
attack headers 10000 "$CA_PID"
attack content_length
attack handshake_flood 200 2 5
check "the server is still running after the attacks" kill -0 "$CA_PID"

# ---- the per-source cap ----
kill "$CA_PID"
wait "$CA_PID" 2>/dev/null || true
server_config '.server.maxConnectionsPerSource = 50'
restart_ca
attack per_source 50

# ---- SIGTERM under load: every 201 received is recorded, none cut ----
ssh-keygen -q -t ed25519 -N '' -f "$T/k"
pk=$(cut -d' ' -f2 "$T/k.pub")
for i in $(seq 1 150); do
  jq -nc --arg pk "$pk" --arg ott "$("$SSHCA" token user "u$i" --principals "u$i" --config "$CFG")" \
    '{publicKey: $pk, ott: $ott}'
done >"$T/bodies.jsonl"
python3 "$ATTACK" sigterm "$CA_PORT" "$ROOT" "$T/bodies.jsonl" "$T/results" 8 &
load=$!
# Once some certificates are issued, SIGTERM mid-load.
for _ in $(seq 1 500); do
  [ "$(sqlite3 "$DB" 'select count(*) from ssh_certificates')" -ge 20 ] && break
  sleep 0.02
done
kill -TERM "$CA_PID"
rc=0
wait "$CA_PID" || rc=$?
check "SIGTERM under load: serve exits 0" [ "$rc" = 0 ]
wait "$load" || true
check "SIGTERM: serve logged that it stops" grep -q "SIGTERM: stopping" "$T/serve.log"
if python3 "$ATTACK" check_db "$T/results" "$DB"; then pass "sigterm results"; else fail "sigterm results"; fi

finish
