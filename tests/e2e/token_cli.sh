#!/usr/bin/env bash
# sshca token user / host: the printed JWT carries docs/protocol/tokens.md's claims, and
# the command refuses what the provisioner would refuse.
source "$(dirname "$0")/../lib/common.sh"

b64url() { basenc --base64url -w0 | tr -d '='; }

# A P-256 provisioner key and its public JWK (x, y from the uncompressed point).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/prov.pem" 2>/dev/null
chmod 600 "$T/prov.pem"
point="$T/point"
openssl pkey -in "$T/prov.pem" -pubout -outform DER | tail -c 64 >"$point"
x=$(head -c 32 "$point" | b64url)
y=$(tail -c 32 "$point" | b64url)
jwk="{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"$x\",\"y\":\"$y\"}"

write_config() {  # write_config FILE PROVISIONERS_JSON
  cat >"$1" <<EOF
{"name":"test","url":"https://ca.test:8443","address":"127.0.0.1:8443","kms":"pkcs11:token=x",
 "ssh":{"userKey":"pkcs11:object=u","hostKey":"pkcs11:object=h"},
 "x509":{"rootCert":"/r","intermediateCert":"/i","intermediateKey":"pkcs11:object=i"},
 "tls":{"certChain":"/c","key":"/k"},"db":{"type":"sqlite","path":"$T/db"},
 "provisioners":$2}
EOF
}
write_config "$T/ca.json" "[{\"type\":\"jwk\",\"name\":\"admin\",\"publicKey\":$jwk,\"privateKeyFile\":\"$T/prov.pem\",\"tokenMaxLifetime\":\"1h\"}]"

jq_ok() { jq -e "$@" >/dev/null; }

claims() {  # the decoded payload of a compact JWS on stdin
  python3 -c 'import sys,base64; p=sys.stdin.read().strip().split(".")[1]; print(base64.urlsafe_b64decode(p+"="*(-len(p)%4)).decode())'
}

check "sshca token --help shows examples" bash -c "'$SSHCA' token --help | grep -q 'sshca token user alice'"
check "sshca token user --help names --principals" bash -c "'$SSHCA' token user --help | grep -q -- '--principals'"

"$SSHCA" token user alice --principals alice,admin --config "$T/ca.json" >"$T/user.jwt"
check "user token is one line of three parts" test "$(tr -cd . <"$T/user.jwt" | wc -c)" -eq 2 -a "$(wc -l <"$T/user.jwt")" -eq 1
claims <"$T/user.jwt" >"$T/user.json"
check "user token claims" jq_ok '.iss == "admin" and .aud == "https://ca.test:8443/1.0/ssh/sign" and .sub == "alice"
  and (.jti | test("^[0-9a-f]{64}$")) and .exp - .nbf == 300 and .step.ssh.certType == "user"
  and .step.ssh.keyID == "alice" and .step.ssh.principals == ["alice","admin"]' "$T/user.json"

"$SSHCA" token host web1.example.com --config "$T/ca.json" --provisioner admin >"$T/host.jwt"
claims <"$T/host.jwt" >"$T/host.json"
check "host token defaults: principal = hostname, 10 minutes" jq_ok '.step.ssh.certType == "host"
  and .step.ssh.principals == ["web1.example.com"] and .exp - .nbf == 600' "$T/host.json"

expect_fail "user token needs --principals" "$SSHCA" token user alice --config "$T/ca.json"
expect_fail "a ttl above tokenMaxLifetime is refused" "$SSHCA" token user alice --principals alice --ttl 2h --config "$T/ca.json"
err_contains "tokenMaxLifetime"
expect_fail "an unknown provisioner is refused" "$SSHCA" token host h --config "$T/ca.json" --provisioner nope
err_contains "no provisioner named"

# Another key in privateKeyFile: the server would refuse its tokens, so the CLI does first.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/other.pem" 2>/dev/null
write_config "$T/wrong.json" "[{\"type\":\"jwk\",\"name\":\"admin\",\"publicKey\":$jwk,\"privateKeyFile\":\"$T/other.pem\"}]"
expect_fail "a key file that does not match publicKey is refused" "$SSHCA" token host h --config "$T/wrong.json"
err_contains "does not hold the key"

write_config "$T/two.json" "[{\"type\":\"jwk\",\"name\":\"a\",\"publicKey\":$jwk,\"privateKeyFile\":\"$T/prov.pem\"},
  {\"type\":\"jwk\",\"name\":\"b\",\"publicKey\":$jwk,\"privateKeyFile\":\"$T/prov.pem\"}]"
expect_fail "two jwk provisioners need --provisioner" "$SSHCA" token host h --config "$T/two.json"
err_contains "--provisioner"
check "--provisioner picks one of two" bash -c "'$SSHCA' token host h --config '$T/two.json' --provisioner b >/dev/null"

finish
