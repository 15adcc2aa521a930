# The test identity provider (tests/oidc/provider.js, npm oidc-provider) and
# logins against it driven with curl and a cookie jar, the way a browser
# would: GET the page, submit its form, follow the redirects. Sourced after
# common.sh (needs $T, cleanup_add, free_port, wait_port). docs/oidc.md.
#
#   start_oidc_provider      -> OIDC_ISSUER, OIDC_PORT, OIDC_PID, OIDC_KEYS
#   oidc_device_login USER [CLIENT]    prints an ID token (device flow, RFC 8628)
#   oidc_approve_device ERRFILE USER   approves `sshca-agent login --device` whose
#                                      stderr goes to ERRFILE, signed in as USER
#   oidc_open_device ERRFILE           opens its confirmation page ($OIDC_PAGE)
#   oidc_deny_device                   ... and presses Abort there
#   oidc_open_browser_login ERRFILE    opens the login page of `sshca-agent login
#                                      --browser --no-open` (its stderr in ERRFILE)
#   oidc_sign_in USER                  ... signs USER in there, up to the redirect
#   oidc_deny_sign_in                  ... or refuses there (error=access_denied)
#   oidc_deliver [URL]                 the browser follows the redirect to the
#                                      agent's listener; prints its page
#   oidc_code_login USER [CLIENT] [NONCE]  prints an ID token (auth code + PKCE S256)
#   oidc_mint MODE CLAIMS_JSON         prints a crafted token (tests/oidc/mint.js)
#   oidc_claims TOKEN                  prints a token's claims (unverified)
#
# Accounts (tests/oidc/provider.js): alice, bob, carol, dave, erin; the
# password of each is "<user>-password". Clients: sshca (RS256), sshca-es
# (ES256), other-app (RS256), all public, native; sshca-confidential
# (client_secret_basic, secret $OIDC_CONFIDENTIAL_SECRET). The knobs
# (OIDC_DEVICE_CODE_TTL, OIDC_DEVICE_INTERVAL, OIDC_DEVICE_SLOW_DOWN,
# OIDC_CLIENT_SECRET_POST, see tests/oidc/provider.js) apply when exported
# before start_oidc_provider.

OIDC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../oidc" && pwd)"
OIDC_SCOPE="openid email profile groups"
OIDC_CONFIDENTIAL_SECRET=sshca-test-only-client-secret

# start_oidc_provider: runs the provider on a free port until the test ends.
start_oidc_provider() {
  [ -d "$OIDC_DIR/node_modules/oidc-provider" ] ||
    { echo "tests/oidc/node_modules is missing: run scripts/setup.sh (npm ci in tests/oidc)" >&2; return 1; }
  OIDC_PORT=$(free_port)
  OIDC_ISSUER="http://127.0.0.1:$OIDC_PORT"
  OIDC_KEYS="$T/oidc-keys.json"
  node "$OIDC_DIR/provider.js" "$OIDC_PORT" "$OIDC_KEYS" >"$T/oidc.log" 2>&1 &
  OIDC_PID=$!
  cleanup_add "kill $OIDC_PID"
  wait_answering "$OIDC_PID" "$T/oidc.log" 200 "$OIDC_ISSUER/.well-known/openid-configuration"
}

# _oidc_form: reads an HTML page on stdin and prints, on two lines, the
# absolute action URL of its first form and its hidden inputs url-encoded.
_oidc_form() {
  python3 -c '
import html.parser, sys, urllib.parse
class P(html.parser.HTMLParser):
    def __init__(s): super().__init__(); s.action = None; s.fields = []; s.done = False
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "form" and s.action is None: s.action = a.get("action", "")
        elif tag == "input" and s.action is not None and not s.done and a.get("type") == "hidden":
            s.fields.append((a.get("name"), a.get("value") or ""))
    def handle_endtag(s, tag):
        if tag == "form": s.done = True
p = P(); p.feed(sys.stdin.read())
if p.action is None: sys.exit("no form on the page")
print(urllib.parse.urljoin(sys.argv[1], p.action)); print(urllib.parse.urlencode(p.fields))
' "$1"
}

# _oidc_browse URL [POSTDATA]: one browser step with the cookie jar
# $_OIDC_JAR: requests URL (POST when data is given) and follows redirects
# until a page, or until a redirect to $_OIDC_STOP (the client's redirect
# URI, where nobody listens). Page in $_OIDC_PAGE; final URL in _OIDC_URL.
_oidc_browse() {
  local url=$1 data=${2-} out code loc n
  for n in $(seq 1 20); do
    if [ -n "$data" ]; then
      out=$(curl -s -b "$_OIDC_JAR" -c "$_OIDC_JAR" -o "$_OIDC_PAGE" -w '%{http_code} %{redirect_url}' \
        --max-time 10 --data "$data" "$url")
    else
      out=$(curl -s -b "$_OIDC_JAR" -c "$_OIDC_JAR" -o "$_OIDC_PAGE" -w '%{http_code} %{redirect_url}' \
        --max-time 10 "$url")
    fi
    code=${out%% *}
    loc=${out#* }
    _OIDC_URL=$url
    case "$code" in
      30[1237])
        if [ -n "${_OIDC_STOP-}" ] && [[ "$loc" == "$_OIDC_STOP"* ]]; then _OIDC_URL=$loc; return 0; fi
        url=$loc; data= ;;
      200)
        # A page that submits itself with JavaScript (the provider's device
        # code page does): a browser would post it at once.
        if grep -q 'document.forms\[0\].submit()' "$_OIDC_PAGE"; then _oidc_submit ""; return; fi
        return 0 ;;
      *) echo "oidc: $url answered $code: $(head -c 500 "$_OIDC_PAGE")" >&2; return 1 ;;
    esac
  done
  echo "oidc: too many redirects" >&2
  return 1
}

# _oidc_submit EXTRA: submits the form on the current page, hidden inputs
# plus EXTRA (url-encoded, may be empty).
_oidc_submit() {
  local form action fields
  form=$(_oidc_form "$_OIDC_URL" <"$_OIDC_PAGE") || return 1
  action=$(sed -n 1p <<<"$form")
  fields=$(sed -n 2p <<<"$form")
  _oidc_browse "$action" "${fields}${1:+&$1}"
}

# _oidc_sign_in USER: on a login page, posts the account's credentials.
_oidc_sign_in() {
  grep -q 'name="username"' "$_OIDC_PAGE" ||
    { echo "oidc: expected the login form at $_OIDC_URL: $(head -c 500 "$_OIDC_PAGE")" >&2; return 1; }
  _oidc_submit "username=$1&password=$1-password" || return 1
  # The provider asks for consent for native clients: allow.
  if grep -q 'name="confirm"' "$_OIDC_PAGE"; then _oidc_submit ""; fi
}

# _oidc_publish: after a step, makes its page and URL public (OIDC_PAGE,
# OIDC_URL) and keeps the step's exit status.
_oidc_publish() {
  local rc=$?
  OIDC_URL=$_OIDC_URL
  OIDC_PAGE=$_OIDC_PAGE
  return "$rc"
}

_oidc_session() {
  _OIDC_JAR=$(mktemp "$T/oidc-jar.XXXXXX")
  _OIDC_PAGE=$(mktemp "$T/oidc-page.XXXXXX")
}

# oidc_device_login USER [CLIENT]: the device flow end to end. The device
# asks for a code, the "browser" opens verification_uri_complete, confirms
# the code, signs in; the device then redeems the device code. Prints the
# ID token.
oidc_device_login() {
  local user=$1 client=${2:-sshca} dev device_code uri tok
  _oidc_session
  _OIDC_STOP=
  dev=$(curl -sf --max-time 10 -d "client_id=$client" --data-urlencode "scope=$OIDC_SCOPE" \
    "$OIDC_ISSUER/device/auth") || { echo "oidc: device authorization failed" >&2; return 1; }
  device_code=$(jq -r .device_code <<<"$dev")
  uri=$(jq -r .verification_uri_complete <<<"$dev")
  _oidc_browse "$uri" || return 1      # the code page posts itself
  _oidc_submit "" || return 1          # confirm the user code
  _oidc_sign_in "$user" || return 1
  grep -q "Sign-in Success" "$_OIDC_PAGE" || { echo "oidc: device sign-in did not succeed" >&2; return 1; }
  tok=$(curl -s --max-time 10 -d "client_id=$client" -d "device_code=$device_code" \
    --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:device_code" "$OIDC_ISSUER/token")
  jq -re .id_token <<<"$tok" || { echo "oidc: token endpoint: $tok" >&2; return 1; }
}

# oidc_open_device ERRFILE: waits for the complete verification URI that
# `sshca-agent login --device` prints to its stderr (ERRFILE) and opens it
# the way a browser would; the code page posts itself, so this ends on the
# provider's confirmation page (Continue / Abort), in $OIDC_PAGE.
oidc_open_device() {
  local uri="" i
  for i in $(seq 1 100); do
    uri=$(grep -A1 'carries the code' "$1" | tail -n1 | grep '^http' || true)
    [ -n "$uri" ] && break
    sleep 0.1
  done
  [ -n "$uri" ] || { echo "oidc: no verification URI in $1" >&2; return 1; }
  _oidc_session
  _OIDC_STOP=
  _oidc_browse "$uri"
  _oidc_publish
}

# oidc_approve_device ERRFILE USER: opens the device login's page and signs
# USER in there.
oidc_approve_device() { oidc_open_device "$1" && _oidc_submit "" && oidc_sign_in "$2"; }

# oidc_deny_device: on the confirmation page oidc_open_device reached, the
# person presses Abort (the page it leads to is in $OIDC_PAGE).
oidc_deny_device() {
  _oidc_submit "abort=yes"
  _oidc_publish
}

# oidc_open_browser_login ERRFILE: waits for the authorization URL that
# `sshca-agent login --browser --no-open` prints to its stderr (ERRFILE) and
# opens it the way a browser would, up to the provider's login page. Sets
# OIDC_AUTH_URL, OIDC_REDIRECT (its redirect_uri, the agent's listener),
# OIDC_URL and OIDC_PAGE. The redirect back is not followed: oidc_deliver.
oidc_open_browser_login() {
  local i
  OIDC_AUTH_URL=""
  for i in $(seq 1 100); do
    OIDC_AUTH_URL=$(grep '^http.*/auth?' "$1" || true)
    [ -n "$OIDC_AUTH_URL" ] && break
    sleep 0.1
  done
  [ -n "$OIDC_AUTH_URL" ] || { echo "oidc: no authorization URL in $1" >&2; return 1; }
  OIDC_REDIRECT=$(python3 -c 'import sys, urllib.parse as u; print(u.parse_qs(u.urlparse(sys.argv[1]).query)["redirect_uri"][0])' \
    "$OIDC_AUTH_URL")
  _oidc_session
  _OIDC_STOP=$OIDC_REDIRECT
  _oidc_browse "$OIDC_AUTH_URL"
  _oidc_publish
}

# oidc_sign_in USER: on the page oidc_open_browser_login reached, USER signs
# in (and consents); OIDC_URL is then the redirect to the agent with the code.
oidc_sign_in() {
  _oidc_sign_in "$1"
  _oidc_publish
}

# oidc_deny_sign_in: on that page the person refuses instead; OIDC_URL is
# then the redirect to the agent with error=access_denied.
oidc_deny_sign_in() {
  local uid
  uid=$(sed -n 's|.*/interaction/\([^/?]*\).*|\1|p' <<<"$_OIDC_URL")
  [ -n "$uid" ] || { echo "oidc: not on a sign-in page: $_OIDC_URL" >&2; return 1; }
  _oidc_browse "$OIDC_ISSUER/interaction/$uid/abort" "deny=1"
  _oidc_publish
}

# oidc_deliver [URL]: the browser follows the redirect (default: OIDC_URL)
# to the agent's listener; prints the page the listener answers.
oidc_deliver() { curl -s --max-time 10 "${1:-$OIDC_URL}"; }

_oidc_b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# oidc_code_login USER [CLIENT] [NONCE]: authorization code with PKCE S256,
# state and nonce, redirect to a loopback URI on a free port (RFC 8252).
# Checks state on the way back. Prints the ID token.
oidc_code_login() {
  local user=$1 client=${2:-sshca} nonce=${3:-$(openssl rand -hex 16)} verifier challenge state redirect q code tok
  _oidc_session
  verifier=$(openssl rand -hex 32)
  challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | _oidc_b64url)
  state=$(openssl rand -hex 16)
  redirect="http://127.0.0.1:$(free_port)/callback"
  _OIDC_STOP=$redirect
  q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlencode(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
    client_id "$client" response_type code scope "$OIDC_SCOPE" redirect_uri "$redirect" \
    code_challenge "$challenge" code_challenge_method S256 state "$state" nonce "$nonce")
  _oidc_browse "$OIDC_ISSUER/auth?$q" || return 1
  _oidc_sign_in "$user" || return 1
  [[ "$_OIDC_URL" == "$redirect"* ]] || { echo "oidc: no redirect back to the client" >&2; return 1; }
  [ "$(python3 -c 'import sys, urllib.parse; print(urllib.parse.parse_qs(urllib.parse.urlparse(sys.argv[1]).query)["state"][0])' "$_OIDC_URL")" = "$state" ] ||
    { echo "oidc: state mismatch" >&2; return 1; }
  code=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.parse_qs(urllib.parse.urlparse(sys.argv[1]).query)["code"][0])' "$_OIDC_URL")
  tok=$(curl -s --max-time 10 -d grant_type=authorization_code -d "client_id=$client" --data-urlencode "code=$code" \
    --data-urlencode "redirect_uri=$redirect" -d "code_verifier=$verifier" "$OIDC_ISSUER/token")
  jq -re .id_token <<<"$tok" || { echo "oidc: token endpoint: $tok" >&2; return 1; }
}

# oidc_mint MODE CLAIMS_JSON: provider|foreign|none|hs256 (tests/oidc/mint.js).
oidc_mint() { node "$OIDC_DIR/mint.js" "$OIDC_KEYS" "$1" "$2"; }

# oidc_claims TOKEN: the payload as JSON, not verified (for assertions).
oidc_claims() { cut -d. -f2 <<<"$1" | tr '_-' '/+' | python3 -c 'import base64,sys; s=sys.stdin.read().strip(); print(base64.b64decode(s + "=" * (-len(s) % 4)).decode())'; }
