#!/usr/bin/env bash
# sshca serve end to end (issue 4): init, serve, /health, the served TLS
# chain, /roots and /ssh/roots, a user and a host certificate from
# `sshca token` tokens read back by ssh-keygen -L, then every refusal with
# its status AND no certificate row written, then SIGHUP (good and bad
# ca.json) without dropping service, and a graceful SIGTERM.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, get, post, refused
cd "$T"

pubwire() { cut -d' ' -f2 "$1"; }
# body PUBFILE TOKEN [JQ-EXTRA]: a sign request body in $T/body.json.
body() {
  jq -nc --arg pk "$(pubwire "$1")" --arg ott "$2" "{publicKey: \$pk, ott: \$ott} + ${3:-{\}}" >"$T/body.json"
}
user_token() { "$SSHCA" token user "$1" --principals "$2" --config "$CFG"; }
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# resign TOKEN PY [KEY]: the token's claims as dict `c` (and `now`), changed
# by the Python statement PY, re-signed ES256 with KEY (default: the
# provisioner's own key) under the token's own header. Crafts tokens that
# `sshca token` rightly refuses to mint (expired, not yet valid, ...).
resign() {
  python3 - "$1" "$2" "${3:-$PROV_KEY}" <<'PY'
import base64, json, subprocess, sys, time
tok, stmt, key = sys.argv[1:4]
def d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
def e(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
h, p, _ = tok.split('.')
c = json.loads(d(p)); now = int(time.time())
exec(stmt)
si = h + '.' + e(json.dumps(c).encode())
der = subprocess.run(['openssl', 'dgst', '-sha256', '-sign', key], input=si.encode(),
                     capture_output=True, check=True).stdout
# DER SEQUENCE { INTEGER r, INTEGER s } -> r || s, 32 bytes each (RFC 7518 section 3.4)
def ints(b):
    i, out = (2 if b[1] < 0x80 else 3), []
    while i < len(b):
        n = b[i + 1]; out.append(int.from_bytes(b[i + 2:i + 2 + n], 'big')); i += 2 + n
    return out
r, s = ints(der)
print(si + '.' + e(r.to_bytes(32, 'big') + s.to_bytes(32, 'big')))
PY
}

# ---- start ----
start_ca  # init's token lives in its own softhsm2.conf, named in ca.json
check "GET /health is 200 ok/ok/ok" [ "$(get /health)$(jq -c . "$T/out")" = '200{"db":"ok","hsm":"ok","status":"ok"}' ]
check "serve prints its address and the root fingerprint" \
  grep -q "sshca: serving https://127.0.0.1:$CA_PORT (root SHA256:$(openssl x509 -in "$ROOT" -outform DER | sha256sum | cut -d' ' -f1))" "$T/serve.log"

# ---- the served TLS chain and the roots ----
openssl s_client -connect "127.0.0.1:$CA_PORT" -showcerts </dev/null 2>/dev/null |
  awk '/BEGIN CERT/{n++; in_=1} in_{print > ("'"$T"'/served" n ".pem")} /END CERT/{in_=0}' || true
check "the server presents leaf and intermediate" test -s "$T/served1.pem" -a -s "$T/served2.pem"
check "openssl verify of the served chain against the root" \
  openssl verify -CAfile "$ROOT" -untrusted "$T/served2.pem" "$T/served1.pem"
check "GET /roots is 201 {crts} (step-ca's shape)" [ "$(get /roots)$(jq -r '.crts|length' "$T/out")" = 2011 ]
check "GET /roots.pem is 200" [ "$(get /roots.pem)" = 200 ]
check "GET /roots.pem serves the root" \
  [ "$(openssl x509 -in "$T/out" -noout -fingerprint -sha256)" = "$(openssl x509 -in "$ROOT" -noout -fingerprint -sha256)" ]
check "GET /ssh/roots is 200" [ "$(get /ssh/roots)" = 200 ]
USER_CA=$(jq -r '.userKey[0]' "$T/out")
HOST_CA=$(jq -r '.hostKey[0]' "$T/out")
check "/ssh/roots has one user and one host key, different" \
  test "$(jq '.userKey|length' "$T/out")$(jq '.hostKey|length' "$T/out")" = 11 -a "$USER_CA" != "$HOST_CA"
echo "ecdsa-sha2-nistp256 $USER_CA" >"$T/user_ca.pub"
echo "ecdsa-sha2-nistp256 $HOST_CA" >"$T/host_ca.pub"
check "GET /provisioners lists admin" [ "$(get /provisioners)$(jq -r '.provisioners[0].name' "$T/out")" = 200admin ]

# ---- a user certificate ----
ssh-keygen -q -t ed25519 -N '' -C alice -f "$T/id_alice"
ALICE_TOKEN=$(user_token alice alice)
body "$T/id_alice.pub" "$ALICE_TOKEN"
cp "$T/body.json" "$T/alice_body.json"
check "POST /ssh/sign with a user token is 201" [ "$(post "$T/body.json")" = 201 ]
echo "ssh-ed25519-cert-v01@openssh.com $(jq -r .crt "$T/out")" >"$T/id_alice-cert.pub"
ssh-keygen -L -f "$T/id_alice-cert.pub" >"$T/alice.txt"
check "user cert: type" grep -q "Type: ssh-ed25519-cert-v01@openssh.com user certificate" "$T/alice.txt"
check "user cert: key id" grep -q 'Key ID: "alice (admin)"' "$T/alice.txt"
check "user cert: principal alice only" \
  [ "$(sed -n '/Principals:/,/Critical Options:/p' "$T/alice.txt" | sed '1d;$d' | tr -d ' ')" = alice ]
check "user cert: signed by the user CA" grep -qF "$(ssh-keygen -lf "$T/user_ca.pub" | cut -d' ' -f2)" "$T/alice.txt"
check "one certificate row" [ "$(rows)" = 1 ]

# ---- a host certificate (certType from the token, then explicit) ----
ssh-keygen -q -t ecdsa -b 256 -N '' -C web1 -f "$T/host_web1"
body "$T/host_web1.pub" "$("$SSHCA" token host web1 --config "$CFG")"
check "POST /ssh/sign with a host token is 201" [ "$(post "$T/body.json" /1.0/ssh/sign)" = 201 ]
echo "ecdsa-sha2-nistp256-cert-v01@openssh.com $(jq -r .crt "$T/out")" >"$T/host_web1-cert.pub"
ssh-keygen -L -f "$T/host_web1-cert.pub" >"$T/web1.txt"
check "host cert: type" grep -q "host certificate" "$T/web1.txt"
check "host cert: key id" grep -q 'Key ID: "web1 (admin)"' "$T/web1.txt"
check "host cert: principal web1" grep -qx ' *web1' "$T/web1.txt"
check "host cert: signed by the host CA" grep -qF "$(ssh-keygen -lf "$T/host_ca.pub" | cut -d' ' -f2)" "$T/web1.txt"
body "$T/host_web1.pub" "$("$SSHCA" token host web1 --config "$CFG")" '{certType: "host", keyID: "web1"}'
check "explicit certType host with keyID is 201" [ "$(post "$T/body.json")" = 201 ]
check "three certificate rows" [ "$(rows)" = 3 ]

# ---- refusals: the status, and no certificate row (refused: lib/refusals.sh) ----
refused "replayed token" 409 "$T/alice_body.json"

FRESH=$(user_token alice alice)
# Control: the re-signing helper itself makes tokens the CA accepts, so the
# refusals below are for what each one changes.
body "$T/id_alice.pub" "$(resign "$FRESH" "c['jti']+='x0'")"
check "a re-signed token with only a new jti is accepted" [ "$(post "$T/body.json")" = 201 ]
body "$T/id_alice.pub" "$(resign "$FRESH" "c['iat']=c['nbf']=now-600; c['exp']=now-300; c['jti']+='x1'")"
refused "expired token" 401
check "expired token: the message says expired" grep -qi "expired" "$T/out"
body "$T/id_alice.pub" "$(resign "$FRESH" "c['iat']=now; c['nbf']=now+600; c['exp']=now+900; c['jti']+='x2'")"
refused "token not yet valid" 401
jq --arg u "https://other.example:8443" '.url = $u' "$CFG" >"$T/other.json"
body "$T/id_alice.pub" "$("$SSHCA" token user alice --principals alice --config "$T/other.json")"
refused "token for another CA URL (audience)" 401
check "wrong audience: the message names the audience" grep -qi "aud" "$T/out"
body "$T/id_alice.pub" "$(resign "$FRESH" "c['aud']='$CA_URL/1.0/ssh/renew'; c['jti']+='x3'")"
refused "token for another endpoint (audience)" 401
body "$T/id_alice.pub" "$(resign "$FRESH" "c['iss']='intruder'; c['jti']+='x4'")"
refused "unknown issuer" 401
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/other.key" 2>/dev/null
body "$T/id_alice.pub" "$(resign "$FRESH" "c['jti']+='x5'" "$T/other.key")"
refused "token signed by another key" 401
NONE="$(printf '{"alg":"none","typ":"JWT"}' | b64url).$(cut -d. -f2 <<<"$FRESH")."
body "$T/id_alice.pub" "$NONE"
refused "alg none" 401
# HS256 keyed with the provisioner's public key (the classic key confusion).
HS_INPUT="$(printf '{"alg":"HS256","typ":"JWT"}' | b64url).$(cut -d. -f2 <<<"$FRESH")"
HS_KEY=$(openssl pkey -in "$PROV_KEY" -pubout)
HS_SIG=$(printf '%s' "$HS_INPUT" | openssl dgst -sha256 -mac HMAC -macopt "key:$HS_KEY" -binary | b64url)
body "$T/id_alice.pub" "$HS_INPUT.$HS_SIG"
refused "HS256 signed with the public key" 401
body "$T/id_alice.pub" "garbage"
refused "garbage token" 401
body "$T/id_alice.pub" "$(user_token alice alice)" '{principals: ["root"]}'
refused "principal not in the token" 403
body "$T/id_alice.pub" "$(user_token alice alice)" '{certType: "host"}'
refused "host certificate from a user token" 403
body "$T/id_alice.pub" "$(user_token alice alice)" '{validBefore: "48h"}'
refused "validity over the maximum" 403
body "$T/id_alice.pub" "$(user_token alice alice)" '{keyID: "bob"}'
refused "key ID other than the token's subject" 403
body "$T/id_alice.pub" "$(user_token alice alice)" '{validAfter: "next tuesday"}'
refused "garbage validity" 400
printf '{"publicKey": "%s", "ott": ' "$(pubwire "$T/id_alice.pub")" >"$T/bad.json"
refused "malformed JSON" 400 "$T/bad.json"
python3 -c 'print("{\"ott\": \"" + "a" * 70000 + "\"}")' >"$T/big.json"
before=$(rows)
check "oversized body: HTTP 413" [ "$(post "$T/big.json")" = 413 ]
check "oversized body: no certificate row written" [ "$(rows)" = "$before" ]
# Bodies whose size the server cannot hold to the limit before reading them
# (cpp-httplib checks Content-Length only) are refused unread: chunked,
# without a length, or compressed (60 MiB of JSON in 60 KiB of gzip).
framing() {  # framing NAME STATUS CURL_ARGS...: no row written either
  local name=$1 want=$2 got
  shift 2
  got=$(curl -s -o "$T/out" -w '%{http_code}' --max-time 20 --cacert "$ROOT" -X POST \
    -H 'Content-Type: application/json' "$@" "$CA_URL/1.0/ssh/sign")
  check "$name: HTTP $want" [ "$got" = "$want" ]
  check "$name: error JSON" jq -e '.error and .code' "$T/out" >/dev/null
  check "$name: no certificate row written" [ "$(rows)" = "$before" ]
}
head -c 20000000 /dev/zero | tr '\0' 'a' >"$T/huge"
framing "chunked body (20 MB)" 411 -H 'Transfer-Encoding: chunked' --data-binary @"$T/huge"
python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(b"{\"ott\": \"" + b"a" * (60 << 20) + b"\"}"))' >"$T/bomb.gz"
framing "gzip body (60 MiB inflated)" 415 -H 'Content-Encoding: gzip' --data-binary @"$T/bomb.gz"
framing "POST without Content-Length" 411 -H 'Content-Length:' --data-binary '{}'
check "the server still answers" curl -sf --max-time 10 --cacert "$ROOT" "$CA_URL/health" -o /dev/null
ssh-keygen -q -t rsa -b 1024 -N '' -f "$T/rsa1024"
body "$T/rsa1024.pub" "$(user_token alice alice)"
refused "RSA-1024 key" 400
check "RSA-1024: the message says why" grep -q "1024 bits is too small" "$T/out"
# DSA: ssh-keygen may no longer make them; the wire form is enough (the
# type name alone is refused): string "ssh-dss", mpint p, q, g, y.
python3 -c '
import base64, struct
def s(b): return struct.pack(">I", len(b)) + b
print("ssh-dss " + base64.b64encode(s(b"ssh-dss") + s(b"\x7f" * 128) + s(b"\x7f" * 20) + s(b"\x02") + s(b"\x03")).decode())
' >"$T/dsa.pub"
body "$T/dsa.pub" "$(user_token alice alice)"
refused "DSA key" 400

# ---- a refused request did not spend its token ----
KEPT=$(user_token alice alice)
body "$T/id_alice.pub" "$KEPT" '{principals: ["root"]}'
post "$T/body.json" >/dev/null
body "$T/id_alice.pub" "$KEPT"
check "a token refused by policy is still good afterwards" [ "$(post "$T/body.json")" = 201 ]

# ---- SIGHUP: reload keeps serving; a broken ca.json keeps the old set ----
kill -HUP "$CA_PID"
for _ in $(seq 1 50); do grep -q "SIGHUP: reloaded" "$T/serve.log" && break; sleep 0.1; done
check "SIGHUP reloads the provisioners" grep -q "SIGHUP: reloaded 2 provisioner" "$T/serve.log"  # admin (jwk) and sshpop
check "serving after SIGHUP" [ "$(get /health)" = 200 ]
body "$T/id_alice.pub" "$(user_token alice alice)"
check "signing after SIGHUP" [ "$(post "$T/body.json")" = 201 ]
cp "$CFG" "$T/ca.json.good"
echo '{ broken' >"$CFG"
kill -HUP "$CA_PID"
for _ in $(seq 1 50); do grep -q "keeping the current provisioners" "$T/serve.log" && break; sleep 0.1; done
check "SIGHUP with a broken ca.json keeps the old set" grep -q "keeping the current provisioners" "$T/serve.log"
cp "$T/ca.json.good" "$CFG"
body "$T/id_alice.pub" "$(user_token alice alice)"
check "signing after a failed reload" [ "$(post "$T/body.json")" = 201 ]
check "the server is still the same process" kill -0 "$CA_PID"

# ---- no token in the log ----
check "the log holds no token" bash -c "! grep -qF '$(cut -d. -f3 <<<"$ALICE_TOKEN")' '$T/serve.log'"

# ---- a real sshd accepts the served user certificate; ssh trusts the served host one ----
if [ "$(id -u)" -eq 0 ]; then
  new_user
  ssh-keygen -q -t ed25519 -N '' -f "$T/id_login"
  body "$T/id_login.pub" "$(user_token "$TEST_USER" "$TEST_USER")"
  check "a user certificate for the login" [ "$(post "$T/body.json")" = 201 ]
  echo "ssh-ed25519-cert-v01@openssh.com $(jq -r .crt "$T/out")" >"$T/id_login-cert.pub"
  SSHD_PORT=$(free_port)
  write_sshd_config "$T/sshd_config" "HostKey $T/host_web1" "HostCertificate $T/host_web1-cert.pub" \
    "TrustedUserCAKeys $T/user_ca.pub"
  chmod 600 "$T/host_web1"
  start_sshd "$T/sshd_config"
  echo "@cert-authority web1 $(cat "$T/host_ca.pub")" >"$T/known_hosts"
  got=$(ssh -F /dev/null -i "$T/id_login" -o CertificateFile="$T/id_login-cert.pub" -o IdentitiesOnly=yes \
    -o IdentityAgent=none -o HostKeyAlias=web1 -o UserKnownHostsFile="$T/known_hosts" \
    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 \
    -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" id -un 2>"$T/ssh.err" || true)
  check "ssh login with the served user certificate to a host with the served host certificate" \
    [ "$got" = "$TEST_USER" ]
  [ "$got" = "$TEST_USER" ] || cat "$T/ssh.err" "$T/sshd.log" >&2
fi

# ---- SIGTERM: graceful stop, exit 0 ----
kill -TERM "$CA_PID"
status=0
wait "$CA_PID" || status=$?
check "SIGTERM stops the server with status 0" [ "$status" = 0 ]

finish
