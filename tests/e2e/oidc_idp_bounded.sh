#!/usr/bin/env bash
# The CA's client for the identity provider is bounded (issue 18): a
# discovery document or JWKS of 50 MB (with a Content-Length, and streamed
# without one) and a discovery document that trickles in for a minute are
# refused: the sign request gets 503 `unavailable`, the log line says why,
# nothing is issued or spent, the CA's memory stays far below the answer's
# size, and /health keeps answering. docs/oidc.md lists the caps. And a
# burst of forged tokens (claims right, signed by no key of the JWKS) is
# refused without making the CA fetch the JWKS more than once a minute.
#
# The identity provider here is a small python3 HTTP server on loopback
# (plain http is allowed there, docs/oidc.md): no real IdP sends 50 MB or
# trickles, and the test IdP (tests/oidc/) cannot be made to. Its tokens
# need no valid signature: the claims are checked first and pass, and the
# answer the CA fetches next is what is refused.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, post
SIGN_PATH=/1.0/ssh/sign
cd "$T"
init_ca

IDP_PORT=$(free_port)
IDP="http://127.0.0.1:$IDP_PORT"
# The RSA key of the well-behaved issuer "good": its JWKS holds the public half.
openssl genrsa -out "$T/idp_rsa.pem" 2048 2>/dev/null
IDP_MODULUS=$(openssl rsa -in "$T/idp_rsa.pem" -noout -modulus | cut -d= -f2)
python3 - "$IDP_PORT" "$IDP_MODULUS" >"$T/idp.log" 2>&1 <<'PY' &
import base64, http.server, json, socketserver, sys, time
port = int(sys.argv[1])
modulus = base64.urlsafe_b64encode(bytes.fromhex(sys.argv[2])).rstrip(b"=").decode()
base = f"http://127.0.0.1:{port}"
MB50 = 50 * 1024 * 1024
CHUNK = b" " * 65536
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # a body without Content-Length ends at the close
    def log_message(self, fmt, *args):
        sys.stderr.write("idp: " + (fmt % args) + "\n"); sys.stderr.flush()
    def discovery(self, name, jwks):
        return json.dumps({"issuer": f"{base}/{name}", "jwks_uri": jwks,
                           "authorization_endpoint": f"{base}/{name}/auth",
                           "token_endpoint": f"{base}/{name}/token"}).encode()
    def send_body(self, body, length=True):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if length: self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def huge(self, with_length):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if with_length: self.send_header("Content-Length", str(MB50))
        self.end_headers()
        try:
            self.wfile.write(b'{"keys": [')
            for _ in range(MB50 // len(CHUNK)): self.wfile.write(CHUNK)
            self.wfile.write(b"]}")
        except (BrokenPipeError, ConnectionResetError):
            sys.stderr.write(f"idp: {self.path}: the client hung up\n"); sys.stderr.flush()
    def do_GET(self):
        p = self.path
        if p == "/bigdisc/.well-known/openid-configuration": return self.huge(True)
        if p == "/bigjwks/.well-known/openid-configuration":
            return self.send_body(self.discovery("bigjwks", f"{base}/bigjwks/jwks"))
        if p == "/bigjwks/jwks": return self.huge(False)
        if p == "/good/.well-known/openid-configuration":
            return self.send_body(self.discovery("good", f"{base}/good/jwks"))
        if p == "/good/jwks":
            key = {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "real", "n": modulus, "e": "AQAB"}
            return self.send_body(json.dumps({"keys": [key]}).encode())
        if p == "/slow/.well-known/openid-configuration":
            body = self.discovery("slow", f"{base}/slow/jwks")
            self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
            try:
                for b in body:  # one byte every 0.5 s: about two minutes in all
                    self.wfile.write(bytes([b])); self.wfile.flush(); time.sleep(0.5)
            except (BrokenPipeError, ConnectionResetError):
                sys.stderr.write(f"idp: {self.path}: the client hung up\n"); sys.stderr.flush()
            return
        self.send_response(404); self.end_headers()
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
S(("127.0.0.1", port), H).serve_forever()
PY
IDP_PID=$!
cleanup_add "kill $IDP_PID"
wait_port "$IDP_PORT" || { cat "$T/idp.log" >&2; fail "the test IdP starts"; finish; }

for name in bigdisc bigjwks slow good; do
  must "provisioner add oidc $name" "$SSHCA" provisioner add oidc "$name" --config "$CFG" --issuer "$IDP/$name" \
    --client-id sshca --principal-claim preferred_username
done
must "serve starts" restart_ca
ssh-keygen -q -t ed25519 -N '' -f "$T/id"

# token ISSUER-NAME [KID]: an RS256 ID token whose claims pass every check;
# its signature (256 bytes of 0x01) verifies with no key.
token() {
  python3 - "$IDP/$1" "${2:-k1}" <<'PY'
import base64, json, sys, time
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
now = int(time.time())
claims = {"iss": sys.argv[1], "aud": "sshca", "sub": "alice", "preferred_username": "alice",
          "email": "alice@example.com", "email_verified": True, "iat": now, "exp": now + 300}
print(".".join([b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": sys.argv[2]}).encode()),
                b64(json.dumps(claims).encode()), b64(b"\x01" * 256)]))
PY
}
body() { jq -nc --arg pk "$(cut -d' ' -f2 "$T/id.pub")" --arg ott "$1" '{publicKey: $pk, ott: $ott}' >"$T/body.json"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$CA_PID/status"; }
health() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$ROOT" "$CA_URL/health"; }
last_reason() { grep '^{' "$T/serve.log" | jq -r 'select(.path == "/1.0/ssh/sign") | .reason // ""' | tail -n 1; }

# refused NAME WHAT REASON-PATTERN: a token for NAME's issuer gets 503
# unavailable, naming REASON-PATTERN in the log, nothing issued; the CA's
# peak memory grew by far less than 50 MB; /health still answers.
refused() {
  local before hwm0 status
  before=$(rows)
  hwm0=$(hwm_kb)
  body "$(token "$1")"
  status=$(post "$T/body.json")
  check "$2: HTTP 503" test "$status" = 503
  check "$2: code unavailable" test "$(jq -r .code "$T/out")" = unavailable
  check "$2: the log line says why" grep -qE "$3" <<<"$(last_reason)"
  check "$2: nothing issued" test "$(rows)" = "$before"
  # A 50 MB answer read whole would raise the peak by 50 MB or more.
  check "$2: the CA's peak memory grew by less than 16 MB ($(( ($(hwm_kb) - hwm0) / 1024 )) MB)" \
    test $(($(hwm_kb) - hwm0)) -lt 16384
  check "$2: /health still answers 200" test "$(health)" = 200
  echo "  (reason: $(last_reason))"
}

refused bigdisc "a 50 MB discovery document (Content-Length)" 'openid-configuration: the answer is larger than 262144 bytes'
refused bigjwks "a 50 MB JWKS streamed without Content-Length" 'bigjwks/jwks: the answer is larger than 262144 bytes'
refused slow "a discovery document that trickles for two minutes" 'no complete answer within 10000 ms'
check "the CA hung up on the streamed JWKS and the trickle" \
  test "$(grep -c 'the client hung up' "$T/idp.log")" -ge 1

# The refused IdPs are tried again on the next token (failures are not kept).
body "$(token bigdisc)"
check "the next token asks the IdP again: 503" test "$(post "$T/body.json")" = 503
check "discovery of bigdisc was fetched twice" \
  test "$(grep -c 'GET /bigdisc/.well-known/openid-configuration' "$T/idp.log")" -ge 2

# Forged tokens for a well-behaved issuer, each with a made-up key ID: 401,
# nothing issued, and the JWKS fetched at most once a minute however many
# arrive (docs/oidc.md): the first token's fetch, then at most one more per
# whole minute the burst took (none on a machine of any usual speed).
before=$(rows)
start=$(date +%s)
for i in 1 2 3 4 5 6; do
  body "$(token good "forged-$i")"
  check "forged token $i (kid forged-$i): HTTP 401" test "$(post "$T/body.json")" = 401
done
elapsed=$(($(date +%s) - start))
check "forged tokens: the log line says no key verifies" grep -q "does not verify" <<<"$(last_reason)"
check "forged tokens: nothing issued" test "$(rows)" = "$before"
fetches=$(grep -c 'GET /good/jwks ' "$T/idp.log" || true)
check "forged tokens: the JWKS was fetched ($fetches times in ${elapsed}s), at most once a minute" \
  test "$fetches" -ge 1 -a "$fetches" -le $((1 + elapsed / 60))
finish
