#!/usr/bin/env bash
# sshca-agent login when the sign-in goes wrong, against the real test
# identity provider (tests/oidc, npm oidc-provider), a real `sshca serve` and
# a real ssh-agent. Every refusal must end non-zero with a clear message,
# leave the ssh-agent empty and have the CA issue nothing:
#   - device flow: nobody approves and the device code expires;
#   - device flow: the provider answers slow_down; the agent adds 5 s to its
#     interval (RFC 8628 §3.5) and still signs in;
#   - browser flow: a redirect to login's loopback listener with a wrong
#     state (carrying a real code), and one with error=access_denied;
#   - a confidential client: no secret or a wrong one is refused by the
#     provider; --client-secret-file signs in (client_secret_basic).
# The provider runs with a 30 s device code lifetime (room for a sign-in,
# a slow_down and the 6 s back-off on a loaded machine) and a 1 s polling
# interval, so the whole script takes about 65 s. oidc-provider 8.8.1 never
# sends slow_down by itself (it only exports errors.SlowDown); provider.js
# sends it with that class for the first poll of each code and for any poll
# sooner than the backed-off interval (OIDC_DEVICE_SLOW_DOWN).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/oidc.sh"
source "$(dirname "$0")/../lib/agent_login.sh"

export OIDC_DEVICE_CODE_TTL=30 OIDC_DEVICE_INTERVAL=1 OIDC_DEVICE_SLOW_DOWN=1
agent_login_setup

# poll_log: the provider's device-poll lines written since MARK=$(poll_mark).
poll_mark() { wc -l <"$T/oidc.log"; }
poll_log() { tail -n +"$(($1 + 1))" "$T/oidc.log" | grep '^device-poll' || true; }

# ---- device flow: nobody approves, the code expires ----
BEFORE=$(issued)
START=$SECONDS
login_bg --device --provisioner corp
login_rc
check "an expired device code: login fails" test "$LOGIN_RC" -ne 0
check "... saying the code expired" grep -q "expired before the sign-in finished" "$T/login.err"
check "... after the provider's lifetime (30 s), not at once" test $((SECONDS - START)) -ge 30
check "... and the provider said expired_token" grep -q 'answer=expired_token' "$T/oidc.log"
nothing_happened "expired device code" "$BEFORE"

# ---- device flow: slow_down, then the sign-in ----
MARK=$(poll_mark)
login_bg --device --provisioner corp
oidc_approve_device "$T/login.err" alice || cat "$T/login.err" >&2 || true
login_rc
check "slow_down: login still succeeds" test "$LOGIN_RC" = 0
[ "$LOGIN_RC" = 0 ] || cat "$T/login.err" >&2
polls=$(poll_log "$MARK")
check "the provider sent slow_down once" test "$(grep -c 'answer=slow_down' <<<"$polls")" = 1
check "the agent says it backs off to 1 + 5 s" grep -q "now every 6 s" "$T/login.err"
gap=$(grep 'answer=tokens' <<<"$polls" | sed -n 's/.*gap=\([0-9.]*\).*/\1/p' || true)
check "the next poll came at least 6 s later (RFC 8628 §3.5)" python3 -c 'import sys; sys.exit(not float(sys.argv[1]) >= 5.8)' "${gap:-0}"
check "the certificate is in the ssh-agent" test "$(agent_certs)" = 1
"$AGENT" logout --config-dir "$T/agent" >/dev/null

# ---- browser flow: the loopback listener ----
# browser_login: starts login --browser and opens its login page.
browser_login() {
  login_bg --browser --no-open --provisioner corp
  oidc_open_browser_login "$T/login.err" || true
}

# A real code from a real sign-in, delivered with another state: refused in
# the browser and ignored (another user of the machine must not be able to
# end the login); the code is not redeemed, so the real redirect still works.
BEFORE=$(issued)
browser_login
oidc_sign_in bob || true
check "the provider redirected to the listener with a code" grep -q "^$OIDC_REDIRECT?.*code=" <<<"$OIDC_URL"
forged=$(sed 's/\([?&]state=\)[^&]*/\1forged0000/' <<<"$OIDC_URL")
page=$(oidc_deliver "$forged" || true)
check "a wrong state: the browser is told it was refused" grep -q "refused" <<<"$page"
check "... and the login is still waiting" kill -0 "$LOGIN_PID"
check "... with nothing issued" test "$(issued)" = "$BEFORE"
oidc_deliver >/dev/null || true
login_rc
check "the real redirect then signs in" test "$LOGIN_RC" = 0
check "... with one certificate: the forged redirect spent no code" test "$(issued)" = $((BEFORE + 1))
"$AGENT" logout --config-dir "$T/agent" >/dev/null 2>&1 || true
BEFORE=$(issued)

# The person refuses at the provider: error=access_denied with the right state.
browser_login
oidc_deny_sign_in || true
check "the provider redirected with error=access_denied" grep -q "^$OIDC_REDIRECT?.*error=access_denied" <<<"$OIDC_URL"
oidc_deliver >/dev/null || true
login_rc
check "access_denied: login fails" test "$LOGIN_RC" -ne 0
check "... saying the provider refused" grep -q "refused the sign-in: access_denied" "$T/login.err"
nothing_happened "access_denied" "$BEFORE"

# ---- a confidential client ----
printf '%s\n' "$OIDC_CONFIDENTIAL_SECRET" >"$T/client-secret"
printf 'not-the-secret\n' >"$T/wrong-secret"
chmod 600 "$T/client-secret" "$T/wrong-secret"
login_bg --device --provisioner conf
login_rc
check "a confidential client without its secret: refused" test "$LOGIN_RC" -ne 0
check "... by the provider (invalid_client)" grep -q "invalid_client" "$T/login.err"
login_bg --device --provisioner conf --client-secret-file "$T/wrong-secret"
login_rc
check "a wrong client secret: refused" test "$LOGIN_RC" -ne 0
check "... by the provider (invalid_client)" grep -q "invalid_client" "$T/login.err"
nothing_happened "client secret refusals" "$BEFORE"
login_bg --device --provisioner conf --client-secret-file "$T/client-secret"
oidc_approve_device "$T/login.err" alice || cat "$T/login.err" >&2 || true
login_rc
check "--client-secret-file: login succeeds" test "$LOGIN_RC" = 0
[ "$LOGIN_RC" = 0 ] || cat "$T/login.err" >&2
check "... with the confidential client's provisioner" grep -q "(conf)" "$T/login.out"
check "... and the certificate is in the ssh-agent" test "$(agent_certs)" = 1
finish
