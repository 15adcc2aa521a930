#!/usr/bin/env bash
# The token goes away under a running `sshca serve` and comes back (issue
# 17), through the fault-injecting PKCS#11 module: 503 `unavailable` with
# Retry-After while it is away, nothing spent or recorded, certificates
# again soon after it returns without a restart, one C_Login and one new
# session copy of each key per return (none for a SIGHUP reload);
# removed in the middle of a signature; removed and returned under load
# (every 201 recorded, no serial twice); another key under the CA key's
# label on return (refused, for good); the PIN changed while away (one
# C_Login, refused for good, with the reason).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, get, post
source "$(dirname "$0")/../lib/fault.sh"
require_fault_module
cd "$T"

init_ca
serve_on_fault_module
LOG="$T/serve.log"

ssh-keygen -q -t ed25519 -N '' -C u -f "$T/id"
token() { "$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG"; }
# sign_with TOKEN: POST /ssh/sign; prints the status (body in $T/out,
# headers in $T/headers).
sign_with() {
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/id.pub")" --arg ott "$1" '{publicKey: $pk, ott: $ott}' >"$T/body.json"
  curl -s -D "$T/headers" -o "$T/out" -w '%{http_code}' --max-time 20 --cacert "$ROOT" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$T/body.json" "$CA_URL/ssh/sign"
}
# until_signed TRIES: signs with fresh tokens, 200 ms apart, until a 201;
# prints how many tries it took (fails after TRIES).
until_signed() {
  local i
  for i in $(seq 1 "$1"); do
    if [ "$(sign_with "$(token)")" = 201 ]; then echo "  (signed at try $i)"; return 0; fi
    sleep 0.2
  done
  return 1
}
retry_after() { tr -d '\r' <"$T/headers" | awk -F': ' 'tolower($1) == "retry-after" {print $2}'; }
no_internals() { ! grep -qE 'pkcs11:|C_[A-Z][A-Za-z]+|CKR_' "$T/out"; }

check "a certificate while the token is there" test "$(sign_with "$(token)")" = 201
# On SoftHSM2 serve signs with session copies of its keys, one per key per
# connection to the token (ca/core/kms/pkcs11/session_key_copy.h).
copies=$(fault_count C_CopyObject)
check "serve signs with session copies of its keys" test "$copies" -ge 1
reloaded() {
  local _
  for _ in $(seq 1 100); do grep -q "SIGHUP: reloaded" "$LOG" && return 0; sleep 0.1; done
  return 1
}
check "a reload (SIGHUP)" bash -c "'$SSHCA' reload --config '$CFG' >/dev/null"
check "serve reloaded" reloaded
check "a reload makes no new copies" test "$(fault_count C_CopyObject)" -eq "$copies"

# ---- the token goes away, nothing is spent, it comes back ----
fault_set "token = absent"
TOKEN=$(token)
before=$(rows)
signs=$(fault_count C_Sign)
status=$(sign_with "$TOKEN")
check "while away: 503" test "$status" = 503
check "while away: code unavailable" test "$(jq -r .code "$T/out")" = unavailable
check "while away: Retry-After" test -n "$(retry_after)"
check "the body names no key URI, PKCS#11 call or code" no_internals
check "nothing recorded" test "$(rows)" = "$before"
check "the log line carries the code and the PKCS#11 reason" \
  bash -c "grep '\"status\":503' '$LOG' | grep '\"error\":\"unavailable\"' | grep -q 'CKR_'"
for i in 1 2 3; do sign_with "$(token)" >/dev/null; done
check "no C_Sign reached the token while it was away" test "$(fault_count C_Sign)" -le $((signs + 1))
check "/health says 503 while away" test "$(get /health)" = 503
check "/health says why" bash -c "jq -e '.hsm == \"unavailable\" and (.hsm_reason | test(\"went away\"))' '$T/out' >/dev/null"
logins=$(fault_count C_Login)
fault_clear
must "a certificate again after the token came back, without a restart" until_signed 50
check "the token that got 503 was not spent: it signs now" test "$(sign_with "$TOKEN")" = 201
check "/health is 200 again" test "$(get /health)" = 200
check "one C_Login for the return" test "$(fault_count C_Login)" -eq $((logins + 1))
check "the return made one new copy of each key" test "$(fault_count C_CopyObject)" -eq $((copies * 2))
check "serve was not restarted" kill -0 "$CA_PID"

# ---- removed in the middle of a signature ----
fault_set "sign-delay-ms = 1500"
before=$(rows)
sign_with "$(token)" >"$T/mid.status" &
SIGNER=$!
for _ in $(seq 1 100); do [ "$(fault_count max-concurrent-C_Sign)" -ge 1 ] && break; sleep 0.05; done
sleep 0.3
fault_set "token = absent" "sign-delay-ms = 1500"
wait "$SIGNER" || true
check "a signature cut off by the removal: 503" test "$(cat "$T/mid.status")" = 503
check "nothing recorded for it" test "$(rows)" = "$before"
fault_clear
must "certificates again after that return" until_signed 50

# ---- removed and returned under load ----
# Triggered by progress, not by delays: away once 50 certificates came
# back, back once serve answered 100 503s, done once 50 more came back.
LOADGEN="$BUILD_DIR/bin/sshca-loadgen"
served503() { grep -c '"status":503' "$LOG" || true; }
if [ -x "$LOADGEN" ]; then
  N=4000
  "$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG" --count "$N" >"$T/load_tokens"
  before=$(rows)
  "$LOADGEN" --url "$CA_URL" --cacert "$ROOT" --tokens "$T/load_tokens" --pubkey "$T/id.pub" --principal alice \
    --concurrency 4 --out-certs "$T/received" >"$T/loadgen.out" 2>&1 &
  LG=$!
  cleanup_add "kill $LG"
  wait_lines "$T/received" 50 "$LG" 3000
  away503=$(served503)
  fault_set "token = absent"
  for _ in $(seq 1 300); do [ "$(served503)" -ge $((away503 + 100)) ] && break; sleep 0.01; done
  fault_clear
  got=$(wc -l <"$T/received")
  wait_lines "$T/received" $((got + 50)) "$LG" 3000
  kill "$LG" 2>/dev/null || true
  wait "$LG" 2>/dev/null || true
  sleep 0.5  # requests the kill cut off finish on the server side
  check "under load: certificates after the return" test "$(wc -l <"$T/received")" -ge $((got + 50))
  check "under load: the absence answered 503s" test "$(served503)" -ge $((away503 + 100))
  check "under load: every certificate received is recorded, no serial twice" python3 - "$T/received" "$DB" <<'PY'
import collections, sqlite3, sys
received = [int(l.split()[0]) for l in open(sys.argv[1]) if l.strip()]
rows = [r[0] & 0xFFFFFFFFFFFFFFFF for r in sqlite3.connect(sys.argv[2]).execute("select serial from ssh_certificates")]
db = collections.Counter(rows)
sys.exit(1 if any(n > 1 for n in db.values()) or any(n > 1 for n in collections.Counter(received).values())
         or any(s not in db for s in received) else 0)
PY
else
  echo "skipped the load part: sshca-loadgen not built"
fi
health_ok() {
  local _
  for _ in $(seq 1 50); do [ "$(get /health)" = 200 ] && return 0; sleep 0.1; done
  return 1
}
check "/health is 200 after the load" health_ok

# ---- another key under the CA key's label on return: refused for good ----
export SOFTHSM2_CONF="$T/ca/softhsm2.conf"
PIN=$(cat "$T/ca/secrets/pin")
USER_KEY=$(jq -r .ssh.userKey "$CFG" | sed 's/^pkcs11:object=//; s/;.*//')
fault_set "token = absent"
check "away again" test "$(sign_with "$(token)")" = 503
pkcs11-tool --module "$SOFTHSM_MODULE" --token-label sshca --login --pin "$PIN" --delete-object --type privkey \
  --label "$USER_KEY" >/dev/null 2>&1
pkcs11-tool --module "$SOFTHSM_MODULE" --token-label sshca --login --pin "$PIN" --delete-object --type pubkey \
  --label "$USER_KEY" >/dev/null 2>&1
check "a new key under the user CA key's label" bash -c "pkcs11-tool --module '$SOFTHSM_MODULE' --token-label sshca \
  --login --pin '$PIN' --keypairgen --key-type EC:prime256v1 --label '$USER_KEY' --id 4242 >/dev/null 2>&1"
signs=$(fault_count C_Sign)
before=$(rows)
fault_clear
sleep 2.5  # several reconnect attempts' worth (the backoff is at most 1 s)
check "returned with another key: still 503" test "$(sign_with "$(token)")" = 503
check "nothing signed with the other key" test "$(fault_count C_Sign)" -eq "$signs"
check "nothing recorded" test "$(rows)" = "$before"
get /health >/dev/null
check "/health says the key is not the one sshca started with" \
  bash -c "jq -e '.hsm_reason | test(\"not the key sshca started with\")' '$T/out' >/dev/null"
check "the reason names no key URI" bash -c "! jq -r .hsm_reason '$T/out' | grep -q 'pkcs11:'"

# ---- the PIN changed while away: one C_Login, refused for good ----
# SoftHSM2 keeps the PIN it read when the process started, so a PIN changed
# by another process is not seen by serve's SoftHSM2; the fault module
# refuses the PIN instead, as a token whose PIN was changed would.
# A fresh serve on the token as it is now (its user key is the new one).
kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true
must "serve restarts" restart_ca
check "it signs with the key it found" test "$(sign_with "$(token)")" = 201
fault_set "token = absent"
check "away" test "$(sign_with "$(token)")" = 503
logins=$(fault_count C_Login)
fault_set "token = present" "fail = C_Login CKR_PIN_INCORRECT"
sleep 3  # several attempts' worth
check "returned refusing the PIN: still 503" test "$(sign_with "$(token)")" = 503
check "exactly one C_Login was tried" test "$(fault_count C_Login)" -eq $((logins + 1))
get /health >/dev/null
check "/health says the PIN was refused" bash -c "jq -e '.hsm_reason | test(\"PIN\")' '$T/out' >/dev/null"
fault_clear
sleep 1.5
check "a refused PIN is not tried again when the token would take it" test "$(fault_count C_Login)" -eq $((logins + 1))
check "so the CA stays unavailable until restarted" test "$(sign_with "$(token)")" = 503
finish
