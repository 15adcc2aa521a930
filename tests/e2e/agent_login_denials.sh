#!/usr/bin/env bash
# sshca-agent login against the real test identity provider (tests/oidc,
# npm oidc-provider), a real `sshca serve` and a real ssh-agent, for the
# paths agent_login_refusals.sh cannot reach with its provider:
#   - device flow: the person aborts on the provider's code confirmation
#     page; the next poll is answered access_denied (RFC 8628 §3.5) and login
#     ends at once, saying so;
#   - a confidential client at a provider that advertises only
#     client_secret_post (OIDC_CLIENT_SECRET_POST in provider.js, which also
#     refuses a Basic header): a wrong secret is refused (invalid_client),
#     --client-secret-file signs in with the secret in the form body.
# Every refusal ends non-zero, leaves the ssh-agent empty and has the CA
# issue nothing. A 1 s polling interval keeps the script at about 10 s; the
# 60 s code lifetime only bounds a login that ignored access_denied.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/oidc.sh"
AGENT="$BUILD_DIR/bin/sshca-agent"
for tool in node ssh-agent ssh-add sqlite3 jq curl python3; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is missing"; exit 77; }
done
[ -d "$OIDC_DIR/node_modules/oidc-provider" ] || { echo "skipped: tests/oidc/node_modules is missing (scripts/setup.sh)"; exit 77; }
cd "$T"

export OIDC_DEVICE_CODE_TTL=60 OIDC_DEVICE_INTERVAL=1 OIDC_CLIENT_SECRET_POST=1
start_oidc_provider || { echo "cannot start the OIDC provider" >&2; exit 1; }
start_ca
add_provisioner() { # NAME CLIENT_ID
  "$SSHCA" provisioner add oidc "$1" --config "$CFG" --issuer "$OIDC_ISSUER" --client-id "$2" \
    --domain example.com --principal-claim email-local >>"$T/prov.log" 2>&1 || { cat "$T/prov.log" >&2; exit 1; }
}
add_provisioner corp sshca
add_provisioner conf sshca-confidential
kill -HUP "$CA_PID"
for _ in $(seq 1 100); do
  [ "$(curl -s --cacert "$ROOT" "$CA_URL/provisioners" | grep -o '"OIDC"' | wc -l)" = 2 ] && break
  sleep 0.1
done
"$AGENT" bootstrap --ca-url "$CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$T/agent" \
  >"$T/bootstrap.log" 2>&1 || { cat "$T/bootstrap.log" >&2; exit 1; }

start_ssh_agent
agent_certs() { ssh-add -L 2>/dev/null | grep -c -- '-cert-v01@openssh.com' || true; }
issued() { sqlite3 "$DB" 'select count(*) from ssh_certificates'; }

login_bg() { # ARGS...: login in the background (LOGIN_PID); output in $T/login.{out,err}
  "$AGENT" login --config-dir "$T/agent" "$@" >"$T/login.out" 2>"$T/login.err" &
  LOGIN_PID=$!
}
login_rc() { LOGIN_RC=0; wait "$LOGIN_PID" || LOGIN_RC=$?; }
nothing_happened() { # WHAT BEFORE: the agent is empty and the CA issued nothing
  check "$1: nothing in the ssh-agent" test "$(agent_certs)" = 0
  check "$1: nothing issued by the CA" test "$(issued)" = "$2"
}
# wait_uri ERRFILE: the complete verification URI login prints (VERIFY_URI).
wait_uri() {
  VERIFY_URI=""
  for _ in $(seq 1 100); do
    VERIFY_URI=$(grep -A1 'carries the code' "$1" | tail -n1 | grep '^http' || true)
    [ -n "$VERIFY_URI" ] && return 0
    sleep 0.1
  done
  return 1
}

# ---- device flow: the person denies ----
BEFORE=$(issued)
login_bg --device --provisioner corp
wait_uri "$T/login.err" || cat "$T/login.err" >&2 || true
_oidc_session
_OIDC_STOP=
# The code page posts itself to the confirmation page; there, Abort.
_oidc_browse "$VERIFY_URI" || true
check "the provider shows the code confirmation page" grep -q 'name="abort"' "$_OIDC_PAGE"
_oidc_submit "abort=yes" || true
check "... which takes the abort" grep -q "the interaction was aborted" "$_OIDC_PAGE"
login_rc
check "access_denied: login --device fails" test "$LOGIN_RC" -ne 0
check "... saying the provider refused it (access_denied)" grep -q "refused the sign-in: access_denied" "$T/login.err"
check "... not that the code expired" bash -c '! grep -q "expired" "$1"' _ "$T/login.err"
nothing_happened "device access_denied" "$BEFORE"

# ---- a confidential client over client_secret_post ----
check "discovery offers client_secret_post and no client_secret_basic" \
  jq -e '.token_endpoint_auth_methods_supported | index("client_secret_post") and (index("client_secret_basic") | not)' \
  <(curl -s "$OIDC_ISSUER/.well-known/openid-configuration") >/dev/null
printf '%s\n' "$OIDC_CONFIDENTIAL_SECRET" >"$T/client-secret"
printf 'not-the-secret\n' >"$T/wrong-secret"
chmod 600 "$T/client-secret" "$T/wrong-secret"
login_bg --device --provisioner conf --client-secret-file "$T/wrong-secret"
login_rc
check "client_secret_post, a wrong secret: refused" test "$LOGIN_RC" -ne 0
check "... by the provider (invalid_client)" grep -q "invalid_client" "$T/login.err"
check "... which got the secret in the form body (no Basic header)" bash -c '! grep -q "client-auth refused" "$1"' _ "$T/oidc.log"
nothing_happened "client_secret_post wrong secret" "$BEFORE"
login_bg --device --provisioner conf --client-secret-file "$T/client-secret"
oidc_approve_device "$T/login.err" alice || cat "$T/login.err" >&2 || true
login_rc
check "client_secret_post, --client-secret-file: login succeeds" test "$LOGIN_RC" = 0
[ "$LOGIN_RC" = 0 ] || cat "$T/login.err" >&2
check "... with the confidential client's provisioner" grep -q "(conf)" "$T/login.out"
check "... and the certificate is in the ssh-agent" test "$(agent_certs)" = 1
check "... and one certificate was issued" test "$(issued)" = $((BEFORE + 1))
check "... and no request carried a Basic header" bash -c '! grep -q "client-auth refused" "$1"' _ "$T/oidc.log"
# Last (it logs a refusal): the hook that makes a sign-in prove
# client_secret_post refuses even the right secret in a Basic header.
status=$(curl -s -o /dev/null -w '%{http_code}' -u "sshca-confidential:$OIDC_CONFIDENTIAL_SECRET" \
  -d scope=openid "$OIDC_ISSUER/device/auth")
check "the provider refuses the right secret sent by client_secret_basic" test "$status" = 401
finish
