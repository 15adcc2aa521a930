#!/usr/bin/env bash
# sshca-agent krl sync against a live CA: the KRL is installed, ssh-keygen -Q
# and a real sshd (RevokedKeys) refuse the revoked certificate and accept the
# others; a tampered KRL, a tampered signature, a KRL signed by another key
# and an older KRL are never installed and the old file stays byte for byte.
#
# The tampered answers come from a small python3 HTTPS server that presents
# the CA's own TLS certificate (so the agent's pinned TLS accepts it, as it
# would a man in the middle holding the TLS key): the agent's real code path
# (HTTPS, SSHSIG verification, KRL parsing, version check) does the refusing.
# A fake only because no real CA would serve tampered bytes.
source "$(dirname "$0")/../lib/common.sh"
require_root
AGENT="$BUILD_DIR/bin/sshca-agent"
start_ca
# The agent talks to the CA by the URL the CA knows itself as (ca.json "url",
# https://localhost:PORT): SSHPOP audiences are built from it.
AGENT_CA_URL=$(jq -r .url "$CFG")
CONF="$T/agent"
KRL="$T/revoked.krl"
"$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$CONF" >/dev/null 2>&1

# Two user certificates from the live CA.
user_cert() { # NAME -> $T/NAME (key) and $T/NAME-cert.pub
  ssh-keygen -q -t ed25519 -N '' -f "$T/$1"
  local tok; tok=$("$SSHCA" token user "$1" --principals "$TEST_USER" --config "$CFG")
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/$1.pub")" --arg ott "$tok" '{publicKey: $pk, ott: $ott}' |
    curl -sf --cacert "$ROOT" --data-binary @- "$CA_URL/1.0/ssh/sign" |
    jq -r .crt | sed 's/^/ssh-ed25519-cert-v01@openssh.com /' >"$T/$1-cert.pub"
}
new_user
user_cert alice
user_cert bob
serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/ {print $2}'; }
revoked() { local out; out=$(ssh-keygen -Q -f "$KRL" "$1" 2>&1 || true); grep -q REVOKED <<<"$out"; }  # -Q exits 1 when revoked

# ---- first sync: nothing revoked yet ----
"$AGENT" krl sync --config-dir "$CONF" --out "$KRL" 2>"$T/sync.err" || { cat "$T/sync.err" >&2; fail "first krl sync"; }
check "KRL installed" test -s "$KRL"
check "ssh-keygen -Q: alice not revoked" bash -c "ssh-keygen -Q -f '$KRL' '$T/alice-cert.pub' | grep -q ': ok'"
check "new KRL file mode 0644" test "$(stat -c %a "$KRL")" = 644
curl -sf --cacert "$ROOT" "$CA_URL/ssh/krl" -o "$T/old.krl"
curl -sf --cacert "$ROOT" "$CA_URL/ssh/krl.sig" -o "$T/old.krl.sig"
check "a second sync with nothing new succeeds" "$AGENT" krl sync --config-dir "$CONF" --out "$KRL"

# ---- revoke alice; the sync installs the new KRL, keeping the file's mode ----
chmod 640 "$KRL"
"$SSHCA" revoke --config "$CFG" --serial "$(serial_of "$T/alice-cert.pub")" --reason e2e >"$T/revoke.log" 2>&1 || { cat "$T/revoke.log" >&2; fail "sshca revoke"; }
"$AGENT" krl sync --config-dir "$CONF" --out "$KRL" 2>"$T/sync.err" || { cat "$T/sync.err" >&2; fail "krl sync after revoke"; }
check "ssh-keygen -Q reports alice revoked after sync" revoked "$T/alice-cert.pub"
check "ssh-keygen -Q: bob not revoked" bash -c "! ssh-keygen -Q -f '$KRL' '$T/bob-cert.pub' 2>&1 | grep -q REVOKED"
check "sync keeps the file's mode" test "$(stat -c %a "$KRL")" = 640
cp "$KRL" "$T/good.krl"

# ---- a real sshd with RevokedKeys ----
SSHD_PORT=$(free_port)
mkdir -p "$T/hostkeys"
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkeys/ssh_host_ed25519_key"
write_sshd_config "$T/sshd_config" "HostKey $T/hostkeys/ssh_host_ed25519_key" \
  "TrustedUserCAKeys $CONF/user_ca.pub" "RevokedKeys $KRL"
start_sshd "$T/sshd_config"
login() { # NAME
  ssh -F /dev/null -i "$T/$1" -o CertificateFile="$T/$1-cert.pub" -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o BatchMode=yes -o ConnectTimeout=10 \
    -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" id -un 2>/dev/null
}
check "sshd accepts bob" test "$(login bob)" = "$TEST_USER"
check "sshd refuses revoked alice" test "$(login alice || true)" = ""

# ---- tampered answers from a server holding the CA's TLS certificate ----
EVIL="$T/evil"; mkdir -p "$EVIL/ssh"
EVIL_PORT=$(free_port)
python3 - "$EVIL_PORT" "$(jq -r .tls.certChain "$CFG")" "$(jq -r .tls.key "$CFG")" "$EVIL" <<'PY' &
import http.server, ssl, sys, os
port, chain, key, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/").replace("1.0/", "", 1))
        if not os.path.isfile(path):
            self.send_response(404); self.end_headers(); return
        data = open(path, "rb").read()
        self.send_response(200); self.send_header("Content-Length", str(len(data))); self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a): pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(chain, key)
srv = http.server.HTTPServer(("127.0.0.1", port), H)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
cleanup_add "kill $!"
wait_port "$EVIL_PORT" || fail "tampering server did not start"
cp -r "$CONF" "$T/agent-evil"
jq --arg u "https://127.0.0.1:$EVIL_PORT" '.caUrl = $u' "$CONF/agent.json" >"$T/agent-evil/agent.json"
curl -sf --cacert "$ROOT" "$CA_URL/ssh/krl" -o "$T/cur.krl"
curl -sf --cacert "$ROOT" "$CA_URL/ssh/krl.sig" -o "$T/cur.krl.sig"

serve() { cp "$1" "$EVIL/ssh/krl"; cp "$2" "$EVIL/ssh/krl.sig"; }
refused() { # WHAT EXPECTED-MESSAGE
  expect_fail "$1 is refused" "$AGENT" krl sync --config-dir "$T/agent-evil" --out "$KRL"
  err_contains "$2"
  check "$1: installed KRL unchanged" cmp "$T/good.krl" "$KRL"
  check "$1: no temporary file left" test -z "$(ls -A "$T" | grep '^\.revoked')"
}
# The honest answer through the same server is accepted (the setup works).
serve "$T/cur.krl" "$T/cur.krl.sig"
check "untampered KRL through the test server is accepted" "$AGENT" krl sync --config-dir "$T/agent-evil" --out "$KRL"

cp "$T/cur.krl" "$T/flipped.krl"
printf '\x01' | dd of="$T/flipped.krl" bs=1 seek=$(( $(stat -c %s "$T/flipped.krl") - 1 )) conv=notrunc 2>/dev/null
serve "$T/flipped.krl" "$T/cur.krl.sig"
refused "a KRL with one byte changed" "signature"

python3 - "$T/cur.krl.sig" "$T/bad.sig" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
body = list(lines[-3]); body[2] = "A" if body[2] != "A" else "B"; lines[-3] = "".join(body)  # inside the signature field
open(sys.argv[2], "w").write("\n".join(lines))
PY
serve "$T/cur.krl" "$T/bad.sig"
refused "a tampered signature" "signature"

ssh-keygen -q -t ed25519 -N '' -f "$T/mallory"
cp "$T/cur.krl" "$T/mallory.krl"
ssh-keygen -q -Y sign -n sshca-krl -f "$T/mallory" "$T/mallory.krl"
serve "$T/mallory.krl" "$T/mallory.krl.sig"
refused "a KRL signed by another key" "not by the user CA key"

serve "$T/old.krl" "$T/old.krl.sig"
refused "an older KRL with its genuine signature" "older"

printf 'not a signature' >"$T/junk.sig"
serve "$T/cur.krl" "$T/junk.sig"
refused "a junk signature" "signature"

check "ssh-keygen -Q still reports alice revoked" revoked "$T/alice-cert.pub"
finish
