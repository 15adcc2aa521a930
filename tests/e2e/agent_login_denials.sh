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
source "$(dirname "$0")/../lib/agent_login.sh"

export OIDC_DEVICE_CODE_TTL=60 OIDC_DEVICE_INTERVAL=1 OIDC_CLIENT_SECRET_POST=1
agent_login_setup

# ---- device flow: the person denies ----
BEFORE=$(issued)
login_bg --device --provisioner corp
oidc_open_device "$T/login.err" || cat "$T/login.err" >&2 || true
check "the provider shows the code confirmation page" grep -q 'name="abort"' "$OIDC_PAGE"
oidc_deny_device || true
check "... which takes the abort" grep -q "the interaction was aborted" "$OIDC_PAGE"
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
