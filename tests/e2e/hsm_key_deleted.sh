#!/usr/bin/env bash
# The CA key deleted from a running `sshca serve`'s SoftHSM2 token (the
# token itself stays): serve signs with a session copy of the key
# (ca/core/kms/pkcs11/session_key_copy.h), which outlives the token object,
# so a signature checks the token object at most once a second. Within a
# second of the deletion: 503 `unavailable`, nothing recorded, and /health
# says the key is not on the token.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, get
cd "$T"

init_ca
must "serve starts" restart_ca
ssh-keygen -q -t ed25519 -N '' -C u -f "$T/id"
token() { "$SSHCA" token user alice --principals alice --ttl 10m --config "$CFG"; }
# sign: POST /ssh/sign with a fresh token; prints the status (body in $T/out).
sign() {
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/id.pub")" --arg ott "$(token)" '{publicKey: $pk, ott: $ott}' >"$T/body.json"
  curl -s -o "$T/out" -w '%{http_code}' --max-time 20 --cacert "$ROOT" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$T/body.json" "$CA_URL/ssh/sign"
}
check "a certificate while the key is there" test "$(sign)" = 201

export SOFTHSM2_CONF="$T/ca/softhsm2.conf"
USER_KEY=$(jq -r .ssh.userKey "$CFG" | sed 's/^pkcs11:object=//; s/;.*//')
must "the user CA key is deleted from the token" pkcs11-tool --module "$SOFTHSM_MODULE" --token-label sshca \
  --login --pin "$(cat "$T/ca/secrets/pin")" --delete-object --type privkey --label "$USER_KEY"
sleep 1.2  # past the check's one second: the next signature asks the token object
before=$(rows)
check "after the deletion: 503" test "$(sign)" = 503
check "code unavailable" test "$(jq -r .code "$T/out")" = unavailable
check "and again (the token is away now)" test "$(sign)" = 503
check "nothing recorded" test "$(rows)" = "$before"
# /health: the first reconnect attempt (after 50 ms) finds no key.
health_says_missing() {
  local _
  for _ in $(seq 1 50); do
    [ "$(get /health)" = 503 ] && jq -e '.hsm_reason | test("not on the token")' "$T/out" >/dev/null && return 0
    sleep 0.1
  done
  return 1
}
check "/health: 503, the key is not on the token" health_says_missing
check "the reason names no key URI" bash -c "! jq -r .hsm_reason '$T/out' | grep -q 'pkcs11:'"
check "serve still runs" kill -0 "$CA_PID"
finish
