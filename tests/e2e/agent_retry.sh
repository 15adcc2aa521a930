#!/usr/bin/env bash
# The agent's scheduled commands retry what the CA answers 503 or 429
# (issue 17): `krl sync` and `host renew` against a live `sshca serve` whose
# token goes away (through the fault-injecting PKCS#11 module: 503 with
# Retry-After 2) and comes back while the agent waits, and whose per-address
# rate limit is spent (429 with Retry-After 1). Asserted from the CA's log:
# the agent tried again and succeeded once the CA recovered; against a CA
# that does not recover it gives up after 4 tries with status 1, a message
# naming the status and the Retry-After, and nothing installed or issued.
# No timing is asserted: the waits are the CA's Retry-After (1-2 s, plus
# the agent's jitter), at most 3 of them per command.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows
source "$(dirname "$0")/../lib/fault.sh"
require_fault_module
AGENT="$BUILD_DIR/bin/sshca-agent"
cd "$T"

init_ca
serve_on_fault_module
LOG="$T/serve.log"
AGENT_CA_URL=$(jq -r .url "$CFG")
CONF="$T/agent"
KRL="$T/revoked.krl"
must "agent bootstrap" "$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$(root_fingerprint)" \
  --config-dir "$CONF"

# statuses PATH: the statuses the CA logged for PATH so far, one a line.
statuses() { grep '^{' "$LOG" | jq -r --arg p "$1" 'select(.path == $p or .path == "/1.0" + $p) | .status'; }
count() { statuses "$1" | grep -c "^$2\$" || true; }
# wait_status PATH STATUS N: until the CA logged N answers STATUS to PATH
# (at most ~30 s; polls, no timing assumption).
wait_status() {
  local i
  for i in $(seq 1 300); do [ "$(count "$1" "$2")" -ge "$3" ] && return 0; sleep 0.1; done
  return 1
}
# user_cert NAME: a user certificate from the CA; prints its serial.
user_cert() {
  ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$T/$1"
  local tok; tok=$("$SSHCA" token user "$1" --principals "$1" --config "$CFG")
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/$1.pub")" --arg ott "$tok" '{publicKey: $pk, ott: $ott}' |
    curl -sf --cacert "$ROOT" --data-binary @- "$CA_URL/1.0/ssh/sign" |
    jq -r .crt | sed 's/^/ssh-ed25519-cert-v01@openssh.com /' >"$T/$1-cert.pub"
  ssh-keygen -L -f "$T/$1-cert.pub" | awk '/Serial:/ {print $2}'
}
revoke() { "$SSHCA" revoke --config "$CFG" --serial "$1" --reason e2e >>"$T/revoke.log" 2>&1; }
revoked() { ! ssh-keygen -Q -f "$KRL" "$1" >/dev/null 2>&1; }  # -Q exits 1 when revoked

ALICE=$(user_cert alice)
BOB=$(user_cert bob)
must "the first krl sync" "$AGENT" krl sync --config-dir "$CONF" --out "$KRL"

# A host certificate to renew.
mkdir -p "$T/hostkeys"
KEY="$T/hostkeys/ssh_host_ecdsa_key"
ssh-keygen -q -t ecdsa -N '' -C host -f "$KEY"
must "host enroll" env SSHCA_TOKEN="$("$SSHCA" token host 127.0.0.1 --principals 127.0.0.1 --config "$CFG")" \
  "$AGENT" host enroll --config-dir "$CONF" --key "$KEY.pub" --reload-command ''
serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/ {print $2}'; }

# ---- krl sync: the token is away at the first try and back for a retry ----
# A revocation makes the CA build (and sign, on the token) a new KRL.
must "revoke alice" revoke "$ALICE"
fault_set "token = absent"
"$AGENT" krl sync --config-dir "$CONF" --out "$KRL" 2>"$T/sync1.err" &
SYNC=$!
cleanup_add "kill $SYNC"
check "the CA answered the agent's KRL request 503" wait_status /ssh/krl 503 1
fault_clear
rc=0; wait "$SYNC" || rc=$?
check "krl sync succeeded once the token was back (status 0)" test "$rc" = 0
check "the agent said it would try again" grep -q 'GET /ssh/krl: the CA answered 503.*try 2 of 4' "$T/sync1.err"
check "the agent asked again and got the KRL" test "$(statuses /ssh/krl | tail -n 1)" = 200
check "the new KRL is installed: alice revoked" revoked "$T/alice-cert.pub"
check "bob is not" bash -c "! ssh-keygen -Q -f '$KRL' '$T/bob-cert.pub' 2>&1 | grep -q REVOKED"

# ---- krl sync: the token stays away; 4 tries, then status 1 ----
must "revoke bob" revoke "$BOB"
cp "$KRL" "$T/krl.before"
before=$(count /ssh/krl 503)
fault_set "token = absent"
rc=0; "$AGENT" krl sync --config-dir "$CONF" --out "$KRL" 2>"$T/sync2.err" || rc=$?
check "krl sync gives up with status 1" test "$rc" = 1
check "after exactly 4 requests" test "$(($(count /ssh/krl 503) - before))" = 4
check "the message names the status, the Retry-After and the tries" \
  grep -q 'GET /ssh/krl: the CA refused: .*(HTTP 503, Retry-After 2; gave up after 4 tries)' "$T/sync2.err"
check "3 retries were announced" test "$(grep -c 'the CA answered 503' "$T/sync2.err")" = 3
check "the installed KRL is untouched" cmp "$T/krl.before" "$KRL"
sed 's/^/  agent: /' "$T/sync2.err"
fault_clear

# ---- host renew: the token is away at the first try and back for a retry ----
old_serial=$(serial_of "$KEY-cert.pub")
issued=$(rows)
fault_set "token = absent"
"$AGENT" host renew --force --config-dir "$CONF" --key "$KEY.pub" --reload-command '' 2>"$T/renew1.err" &
RENEW=$!
cleanup_add "kill $RENEW"
check "the CA answered the renewal 503" wait_status /ssh/renew 503 1
fault_clear
rc=0; wait "$RENEW" || rc=$?
check "host renew succeeded once the token was back (status 0)" test "$rc" = 0
check "the agent said it would try again" grep -q 'POST /1.0/ssh/renew: the CA answered 503.*try 2 of 4' "$T/renew1.err"
check "the renewal was answered 201 at last" test "$(statuses /ssh/renew | tail -n 1)" = 201
check "a new certificate is installed" test "$(serial_of "$KEY-cert.pub")" != "$old_serial"
check "exactly one certificate more" test "$(rows)" = $((issued + 1))

# ---- host renew: rate limited (429); 4 tries, then status 1 ----
kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true
jq '.limits = {perAddress: {perSecond: 0.001, burst: 1}, perProvisioner: {perSecond: 0}, exemptLoopback: false}' "$CFG" >"$CFG.new"
mv "$CFG.new" "$CFG"
must "serve restarts with a small per-address limit" restart_ca
check "the one renewal the limit allows" "$AGENT" host renew --force --config-dir "$CONF" --key "$KEY.pub" \
  --reload-command ''
cp "$KEY-cert.pub" "$T/cert.before"
issued=$(rows)
before=$(count /ssh/renew 429)
rc=0; "$AGENT" host renew --force --config-dir "$CONF" --key "$KEY.pub" --reload-command '' 2>"$T/renew2.err" || rc=$?
check "host renew gives up with status 1" test "$rc" = 1
check "after exactly 4 requests" test "$(($(count /ssh/renew 429) - before))" = 4
check "the message names the status, the Retry-After and the tries" \
  grep -q 'POST /1.0/ssh/renew: the CA refused: .*(HTTP 429, Retry-After 1; gave up after 4 tries)' "$T/renew2.err"
check "the certificate is untouched" cmp "$T/cert.before" "$KEY-cert.pub"
check "nothing issued" test "$(rows)" = "$issued"
sed 's/^/  agent: /' "$T/renew2.err"
finish
