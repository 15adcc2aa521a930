#!/usr/bin/env bash
# What idle connections cost `sshca serve` (issue 16): 2,000 TCP connects
# that send nothing, then 2,000 TLS connections kept alive after one request
# each; each kind may add at most IDLE_KIB_EACH KiB of server RSS per
# connection (20 KiB: 10,000 idle connections within 200 MB), and /health
# answers meanwhile (tests/e2e/front_door_attacks.py idle_memory). Memory,
# not time, is asserted: the figure does not depend on the machine's speed.
ATTACK="$(cd "$(dirname "$0")" && pwd)/front_door_attacks.py"
source "$(dirname "$0")/../lib/common.sh"
cd "$T"

N=2000
IDLE_KIB_EACH=20
# Under AddressSanitizer (the sanitizer pass of scripts/test.sh sets
# ASAN_OPTIONS) freed buffers wait in ASan's quarantine and every block has
# redzones, so RSS says little about our own cost: the Release pass holds
# the 20 KiB; this one only catches a per-connection blow-up.
[ -n "${ASAN_OPTIONS:-}" ] && IDLE_KIB_EACH=200
init_ca
# Deadlines long enough that no connection is closed while they are opened.
jq '.server += {tlsHandshakeMs: 120000, idleSeconds: 300, maxConnectionsPerSource: 4096}' "$CFG" >"$T/cfg.json" &&
  mv "$T/cfg.json" "$CFG"
restart_ca
if python3 "$ATTACK" idle_memory "$CA_PORT" "$ROOT" "$N" "$CA_PID" "$IDLE_KIB_EACH"; then
  pass "idle memory"
else
  fail "idle memory"
fi
check "the server is still running" kill -0 "$CA_PID"
finish
