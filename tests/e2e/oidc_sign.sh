#!/usr/bin/env bash
# OIDC login to certificate (issue 6, CA side), against a real identity
# provider (tests/oidc/provider.js, npm oidc-provider) on a free port:
# `sshca provisioner add oidc` + SIGHUP, GET /provisioners, ID tokens from
# the device flow and from authorization code + PKCE posted to /ssh/sign,
# principals from the rules (alice gets root through admins, bob does not),
# then every refusal with its status AND no certificate row written.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/oidc.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, get, post, refused
SIGN_PATH=/1.0/ssh/sign
cd "$T"

start_oidc_provider
start_ca

# body TOKEN [JQ-EXTRA]: a sign request for $T/id.pub in $T/body.json.
body() {
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/id.pub")" --arg ott "$1" "{publicKey: \$pk, ott: \$ott} + ${2:-{\}}" >"$T/body.json"
}
# principals_of: the principals of the certificate in $T/out, one line.
principals_of() {
  echo "ssh-ed25519-cert-v01@openssh.com $(jq -r .crt "$T/out")" >"$T/cert.pub"
  ssh-keygen -L -f "$T/cert.pub" >"$T/cert.txt"
  sed -n '/Principals:/,/Critical Options:/p' "$T/cert.txt" | sed '1d;$d' | tr -d ' ' | paste -sd,
}
reloaded() {
  local n=$(grep -c "SIGHUP: reloaded" "$T/serve.log" || true)
  kill -HUP "$CA_PID"
  for _ in $(seq 1 100); do [ "$(grep -c "SIGHUP: reloaded" "$T/serve.log" || true)" -gt "$n" ] && return 0; sleep 0.1; done
  return 1
}
quiet() { "$@" >/dev/null; }
ssh-keygen -q -t ed25519 -N '' -f "$T/id"

# ---- sshca provisioner add | list | remove ----
check "provisioner add oidc corp" quiet "$SSHCA" provisioner add oidc corp --config "$CFG" --issuer "$OIDC_ISSUER" \
  --client-id sshca --domain example.com --principal-claim email-local --group admins=root --max-validity 8h
# Same issuer, another client: only group rules (no email-based principal).
check "provisioner add oidc ops (same issuer, client sshca-es)" quiet "$SSHCA" provisioner add oidc ops --config "$CFG" \
  --issuer "$OIDC_ISSUER" --client-id sshca-es --group admins=root --group ssh-users=ops
check "ca.json holds the rules" \
  [ "$(jq -c '.provisioners[] | select(.name=="corp") | [.type, .issuer, .clientID, .groups.admins, .domains, .policy.user.maxValidity]' "$CFG")" \
    = "[\"oidc\",\"$OIDC_ISSUER\",\"sshca\",[\"root\"],[\"example.com\"],\"8h\"]" ]
"$SSHCA" provisioner list --config "$CFG" >"$T/list.txt"
check "provisioner list shows init's jwk admin, then corp and ops" \
  [ "$(cut -f1,2 "$T/list.txt" | grep -E '^(admin|corp|ops)' | tr '\t\n' ':,')" = "admin:jwk,corp:oidc,ops:oidc," ]
check "provisioner list shows the issuer and client" grep -qxF "$(printf 'corp\toidc\t%s\tsshca' "$OIDC_ISSUER")" "$T/list.txt"
cp "$CFG" "$T/before.json"
expect_fail "add refuses a duplicate name" "$SSHCA" provisioner add oidc corp --config "$CFG" --issuer "$OIDC_ISSUER" --client-id x
err_contains "already"
expect_fail "add refuses plain http off loopback" "$SSHCA" provisioner add oidc x --config "$CFG" --issuer http://idp.example.com --client-id x
err_contains "http"
expect_fail "add refuses the same issuer and client twice" "$SSHCA" provisioner add oidc y --config "$CFG" --issuer "$OIDC_ISSUER" --client-id sshca
err_contains "share issuer"
expect_fail "add refuses an unknown principal claim" "$SSHCA" provisioner add oidc z --config "$CFG" --issuer "$OIDC_ISSUER" --client-id z --principal-claim email
check "refused adds left ca.json unchanged" cmp -s "$CFG" "$T/before.json"
check "provisioner add --help" sh -c "\"$SSHCA\" provisioner add oidc --help | grep -q -- --principal-claim"
check "SIGHUP reloads the provisioners" reloaded

# ---- GET /provisioners: what sshca-agent login needs ----
check "GET /provisioners is 200" [ "$(get /provisioners)" = 200 ]
check "GET /provisioners: corp is OIDC with issuer, clientID and the device flow" \
  [ "$(jq -c '.provisioners[] | select(.name=="corp") | [.type, .issuer, .clientID, .deviceAuthorization]' "$T/out")" \
    = "[\"OIDC\",\"$OIDC_ISSUER\",\"sshca\",true]" ]

# ---- device flow: alice (admins) gets alice and root ----
ALICE=$(oidc_device_login alice)
check "device flow gives alice an ID token with her groups" \
  [ "$(oidc_claims "$ALICE" | jq -c '[.email, .groups, .aud]')" = '["alice@example.com",["admins","ssh-users"],"sshca"]' ]
body "$ALICE"
cp "$T/body.json" "$T/alice_body.json"
check "alice's device-flow token: HTTP 201" [ "$(post "$T/body.json")" = 201 ]
check "alice: principals alice,root" [ "$(principals_of)" = alice,root ]
check "alice: key ID says who and which provisioner" grep -q 'Key ID: "alice@example.com (corp)"' "$T/cert.txt"
check "alice: validity within the provisioner's 8h (from now; the 5-minute backdate before it)" \
  python3 -c 'import re,sys,datetime as d; t=open(sys.argv[1]).read(); a,b=re.search(r"Valid: from (\S+) to (\S+)",t).groups(); sys.exit(not (d.datetime.fromisoformat(b)-d.datetime.fromisoformat(a)).total_seconds() <= 8*3600+300)' "$T/cert.txt"
check "one certificate row" [ "$(rows)" = 1 ]

# ---- auth code + PKCE: bob (ssh-users) gets bob only ----
BOB=$(oidc_code_login bob)
body "$BOB"
check "bob's auth-code token: HTTP 201" [ "$(post "$T/body.json")" = 201 ]
check "bob: principal bob only (no root)" [ "$(principals_of)" = bob ]

# ---- same issuer, other client: the aud picks provisioner ops ----
body "$(oidc_code_login alice sshca-es)"
check "alice via client sshca-es (ES256): HTTP 201" [ "$(post "$T/body.json")" = 201 ]
check "alice via ops: principals root,ops" [ "$(principals_of)" = root,ops ]
check "alice via ops: key ID names ops" grep -q 'Key ID: "alice@example.com (ops)"' "$T/cert.txt"
body "$(oidc_code_login bob)" '{principals: ["bob"]}'
check "a request may narrow the principals: HTTP 201" [ "$(post "$T/body.json")" = 201 ]
check "three rows so far, plus one" [ "$(rows)" = 4 ]

# ---- refusals: the status, and no certificate row (refused: lib/refusals.sh) ----
now=$(date +%s)
# claims KEY=JSON...: alice's genuine claims with changes, for oidc_mint.
claims() {
  local c
  c=$(jq -nc --arg iss "$OIDC_ISSUER" --argjson now "$now" \
    '{iss: $iss, sub: "alice", aud: "sshca", iat: $now, exp: ($now + 600), email: "alice@example.com",
      email_verified: true, groups: ["admins"], jti: ("t" + ($now|tostring))}')
  while [ $# -gt 0 ]; do c=$(jq -c --argjson v "${1#*=}" ".${1%%=*} = \$v" <<<"$c"); shift; done
  echo "$c"
}
body "$(oidc_mint provider "$(claims jti='"control"')")"
check "control: a token minted with the provider's key is accepted" [ "$(post "$T/body.json")" = 201 ]

refused "replayed ID token" 409 "$T/alice_body.json"
body "$(oidc_mint provider "$(claims iss='"http://127.0.0.1:1/other"' jti='"r1"')")"
refused "another issuer" 401
body "$(oidc_device_login alice other-app)"
refused "another audience (client other-app)" 401
body "$(oidc_mint provider "$(claims aud='["sshca","other-app"]' azp='"other-app"' jti='"r2"')")"
refused "azp names another client" 401
body "$(oidc_mint provider "$(claims iat=$((now - 7200)) exp=$((now - 3600)) jti='"r3"')")"
refused "expired" 401
check "expired: the message says so" grep -qi "expire" "$T/out"
body "$(oidc_mint provider "$(claims nbf=$((now + 3600)) jti='"r4"')")"
refused "not yet valid (nbf)" 401
body "$(oidc_mint provider "$(claims iat=$((now + 3600)) exp=$((now + 7200)) jti='"r5"')")"
refused "issued in the future (iat)" 401
body "$(oidc_mint foreign "$(claims jti='"r6"')")"
refused "signed by a key not in the JWKS" 401
body "$(oidc_mint none "$(claims jti='"r7"')")"
refused "alg none" 401
body "$(oidc_mint hs256 "$(claims jti='"r8"')")"
refused "HS256 with the public key as secret" 401
check "HS256: the message names the algorithm" grep -q 'HS256' "$T/out"
body "$(oidc_device_login dave)"
refused "unverified email (dave)" 403
check "unverified: the message says so" grep -q "not verified" "$T/out"
body "$(oidc_device_login carol)"
refused "domain not allowed (carol@other.org)" 403
body "$(oidc_code_login erin sshca-es)"
refused "no matching rule (erin via ops: in no group)" 403
check "no rule: the message says so" grep -q "no principal rule" "$T/out"
body "$(oidc_code_login bob)" '{principals: ["root"]}'
refused "principals outside the rules (bob asks for root)" 403
body "$(oidc_code_login bob)" '{validBefore: "12h"}'
refused "validity over the provisioner's 8h" 403

# ---- rename + SIGHUP: ID tokens spent under the old name stay spent ----
body "$(oidc_code_login alice sshca-es)"
cp "$T/body.json" "$T/ops_body.json"
check "alice signs in through ops" [ "$(post "$T/ops_body.json")" = 201 ]
jq '(.provisioners[] | select(.name == "ops")).name = "ops2"' "$CFG" >"$T/renamed.json"
cp "$T/renamed.json" "$CFG"
check "SIGHUP after renaming ops to ops2" reloaded
refused "the same ID token through the renamed provisioner (a replay)" 409 "$T/ops_body.json"

# ---- remove + SIGHUP: the issuer is no longer trusted ----
check "provisioner remove ops2" quiet "$SSHCA" provisioner remove ops2 --config "$CFG"
check "SIGHUP after remove" reloaded
body "$(oidc_code_login alice sshca-es)"
refused "token for a removed provisioner" 401
expect_fail "remove of an unknown name fails" "$SSHCA" provisioner remove nosuch --config "$CFG"
err_contains "no provisioner named"

finish
