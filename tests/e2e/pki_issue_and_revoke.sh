#!/usr/bin/env bash
# sshca pki: root + intermediate on a SoftHSM2 token, a TLS server
# certificate from an `openssl req` CSR, a real TLS handshake, the refusals,
# and a CRL that makes `openssl verify -crl_check` reject a revoked cert.
source "$(dirname "$0")/../lib/common.sh"

# has TEXT PATTERN; after TEXT ANCHOR PATTERN (PATTERN within 4 lines after ANCHOR)
has() { grep -q -- "$2" <<<"$1"; }
after() { grep -A4 -- "$2" <<<"$1" | grep -q -- "$3"; }

new_token pki
CA="$T/ca"
"$SSHCA" pki init --kms "$KMS" --name "Acme" --out "$CA" >/dev/null 2>"$T/init.err"
check "pki init writes root, intermediate, chain" test -s "$CA/root_ca.crt" -a -s "$CA/intermediate_ca.crt" -a -s "$CA/chain.pem"
check "intermediate verifies under the root" openssl verify -CAfile "$CA/root_ca.crt" "$CA/intermediate_ca.crt"
check "chain.pem is intermediate then root" bash -c "diff <(cat '$CA/intermediate_ca.crt' '$CA/root_ca.crt') '$CA/chain.pem'"
expect_fail "pki init refuses to overwrite an existing CA" "$SSHCA" pki init --kms "$KMS" --name "Acme" --out "$CA"
err_contains "refusing to overwrite"

ROOT_TEXT=$(openssl x509 -in "$CA/root_ca.crt" -noout -text)
INTER_TEXT=$(openssl x509 -in "$CA/intermediate_ca.crt" -noout -text)
check "root subject is O=Acme, CN=Acme Root CA" grep -q "Subject: O = Acme, CN = Acme Root CA" <<<"$ROOT_TEXT"
check "root basicConstraints critical CA:TRUE" after "$ROOT_TEXT" "Basic Constraints: critical" "CA:TRUE"
check "root keyUsage critical keyCertSign/cRLSign/digitalSignature" \
  after "$ROOT_TEXT" "Key Usage: critical" "Digital Signature, Certificate Sign, CRL Sign"
check "root has a subject key identifier" grep -q "Subject Key Identifier" <<<"$ROOT_TEXT"
check "root signed ecdsa-with-SHA384" grep -q "Signature Algorithm: ecdsa-with-SHA384" <<<"$ROOT_TEXT"
check "intermediate CA:TRUE, pathlen:0" grep -q "CA:TRUE, pathlen:0" <<<"$INTER_TEXT"
ROOT_SKI=$(grep -A1 "Subject Key Identifier" <<<"$ROOT_TEXT" | tail -1 | tr -d ' ')
check "intermediate AKI is the root's SKI" bash -c "grep -A1 'Authority Key Identifier' <<<\"\$1\" | tail -1 | tr -d ' ' | grep -qF '$ROOT_SKI'" _ "$INTER_TEXT"
SERIAL_LEN=$(openssl x509 -in "$CA/root_ca.crt" -noout -serial | cut -d= -f2 | tr -d '\n' | wc -c)
check "serial is 16 octets" test "$SERIAL_LEN" -eq 32

OBJS=$(pkcs11-tool --module "$SOFTHSM_MODULE" --token-label pki --login --pin 1234 --list-objects 2>/dev/null)
check "token holds root-ca and intermediate-ca" bash -c "grep -q 'label:.*root-ca' <<<\"\$1\" && grep -q 'label:.*intermediate-ca' <<<\"\$1\"" _ "$OBJS"
check "CA private keys are sensitive and never extractable" bash -c \
  "[ \$(grep -c 'Access:.*sensitive, always sensitive, never extractable' <<<\"\$1\") -eq 2 ]" _ "$OBJS"

# A server certificate for a CSR made by openssl req.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/server.key" \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -out "$T/server.csr" 2>/dev/null
"$SSHCA" pki sign-csr --kms "$KMS" --ca-cert "$CA/intermediate_ca.crt" --profile server --days 30 \
  --out "$T/server.crt" "$T/server.csr" 2>"$T/sign.err"
check "sign-csr wrote the server certificate" test -s "$T/server.crt"
check "server certificate verifies through the intermediate" \
  openssl verify -CAfile "$CA/root_ca.crt" -untrusted "$CA/intermediate_ca.crt" "$T/server.crt"
SRV_TEXT=$(openssl x509 -in "$T/server.crt" -noout -text)
check "server cert: EKU serverAuth" grep -q "TLS Web Server Authentication" <<<"$SRV_TEXT"
check "server cert: CA:FALSE" after "$SRV_TEXT" "Basic Constraints: critical" "CA:FALSE"
check "server cert: keyUsage digitalSignature" after "$SRV_TEXT" "Key Usage: critical" "Digital Signature"
check "server cert: SANs copied" grep -q "DNS:localhost, IP Address:127.0.0.1" <<<"$SRV_TEXT"
check "server cert: AKI and SKI" bash -c "grep -q 'Authority Key Identifier' <<<\"\$1\" && grep -q 'Subject Key Identifier' <<<\"\$1\"" _ "$SRV_TEXT"
check "issued certificate recorded in sshca.db" \
  bash -c "[ \"\$(sqlite3 '$CA/sshca.db' \"SELECT profile FROM x509_certificates WHERE subject='CN=localhost'\")\" = server ]"

# A real TLS handshake: s_server with cert + chain, s_client verifying to the root.
PORT=$(free_port)
openssl s_server -accept "127.0.0.1:$PORT" -cert "$T/server.crt" -key "$T/server.key" \
  -cert_chain "$CA/intermediate_ca.crt" -www -quiet >"$T/s_server.log" 2>&1 &
SPID=$!
cleanup_add "kill $SPID"
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
check "TLS handshake verifies against the root" bash -c \
  "echo | openssl s_client -connect 127.0.0.1:$PORT -servername localhost -verify_return_error -verify_hostname localhost \
     -CAfile '$CA/root_ca.crt' 2>&1 | grep -q 'Verify return code: 0 (ok)'"
kill "$SPID" 2>/dev/null || true

# Refusals: each with a message, no output file and no new record.
count() { sqlite3 "$CA/sshca.db" "SELECT COUNT(*) FROM x509_certificates"; }
BEFORE=$(count)
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" -subj "/CN=evil" \
  -addext "subjectAltName=DNS:evil.example.com" -addext "basicConstraints=critical,CA:TRUE" -out "$T/ca.csr" 2>/dev/null
expect_fail "refuses a CSR asking for CA:TRUE" "$SSHCA" pki sign-csr --kms "$KMS" --ca-cert "$CA/intermediate_ca.crt" \
  --profile server --out "$T/r1.crt" "$T/ca.csr"
err_contains "CA:TRUE"
check "no certificate written for the CA:TRUE CSR" test ! -e "$T/r1.crt"

openssl req -in "$T/server.csr" -outform DER -out "$T/server.der"
python3 - "$T/server.der" "$T/bad.der" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[-5] ^= 1; open(sys.argv[2], 'wb').write(b)
PY
expect_fail "refuses a CSR with a bad signature" "$SSHCA" pki sign-csr --kms "$KMS" --ca-cert "$CA/intermediate_ca.crt" \
  --profile server --out "$T/r2.crt" "$T/bad.der"
err_contains "signature does not verify"
check "no certificate written for the bad-signature CSR" test ! -e "$T/r2.crt"

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/nosan.key" -subj "/CN=nosan" \
  -out "$T/nosan.csr" 2>/dev/null
expect_fail "refuses a server certificate without SANs" "$SSHCA" pki sign-csr --kms "$KMS" \
  --ca-cert "$CA/intermediate_ca.crt" --profile server --out "$T/r3.crt" "$T/nosan.csr"
err_contains "subject alternative name"
check "no certificate written without SANs" test ! -e "$T/r3.crt"

expect_fail "refuses --days past the intermediate" "$SSHCA" pki sign-csr --kms "$KMS" \
  --ca-cert "$CA/intermediate_ca.crt" --profile server --days 2000 --out "$T/r4.crt" "$T/server.csr"
err_contains "notAfter"
check "no certificate written for too many days" test ! -e "$T/r4.crt"
check "no record written by any refusal" test "$(count)" -eq "$BEFORE"

# Client profile with operator SANs.
"$SSHCA" pki sign-csr --kms "$KMS" --ca-cert "$CA/intermediate_ca.crt" --profile client --out "$T/client.crt" \
  "$T/nosan.csr" 2>/dev/null
check "client certificate has clientAuth" bash -c "openssl x509 -in '$T/client.crt' -noout -text | grep -q 'TLS Web Client Authentication'"

# Revocation and CRL.
SERIAL=$(openssl x509 -in "$T/server.crt" -noout -serial | cut -d= -f2)
"$SSHCA" pki crl --kms "$KMS" --ca-cert "$CA/intermediate_ca.crt" --out "$T/crl1.pem" 2>/dev/null
check "certificate passes -crl_check before revocation" openssl verify -crl_check -CAfile "$CA/root_ca.crt" \
  -untrusted "$CA/intermediate_ca.crt" -CRLfile "$T/crl1.pem" "$T/server.crt"
"$SSHCA" pki revoke "$SERIAL" --reason keyCompromise --ca-cert "$CA/intermediate_ca.crt" 2>/dev/null
expect_fail "revoking twice is refused" "$SSHCA" pki revoke "$SERIAL" --reason keyCompromise --db "$CA/sshca.db"
err_contains "already revoked"
expect_fail "revoking an unknown serial is refused" "$SSHCA" pki revoke 0ABCDEF --db "$CA/sshca.db"
err_contains "no certificate"
"$SSHCA" pki crl --kms "$KMS" --ca-cert "$CA/intermediate_ca.crt" --days 7 --out "$T/crl2.pem" 2>/dev/null
check "CRL verifies against the intermediate" openssl crl -in "$T/crl2.pem" -noout -verify -CAfile "$CA/chain.pem"
CRL_TEXT=$(openssl crl -in "$T/crl2.pem" -noout -text)
check "CRL is v2" grep -q "Version 2" <<<"$CRL_TEXT"
check "CRL lists the serial with reason keyCompromise" bash -c \
  "grep -A4 'Serial Number: $SERIAL' <<<\"\$1\" | grep -q 'Key Compromise'" _ "$CRL_TEXT"
check "CRL number increased to 2" bash -c "grep -A1 'X509v3 CRL Number' <<<\"\$1\" | tail -1 | grep -qw 2" _ "$CRL_TEXT"
check "CRL has the authority key identifier" grep -q "Authority Key Identifier" <<<"$CRL_TEXT"
expect_fail "revoked certificate fails openssl verify -crl_check" openssl verify -crl_check -CAfile "$CA/root_ca.crt" \
  -untrusted "$CA/intermediate_ca.crt" -CRLfile "$T/crl2.pem" "$T/server.crt"
check "client certificate still passes -crl_check" openssl verify -crl_check -CAfile "$CA/root_ca.crt" \
  -untrusted "$CA/intermediate_ca.crt" -CRLfile "$T/crl2.pem" "$T/client.crt"

for c in init csr sign-intermediate import sign-csr revoke crl; do
  check "pki $c --help" bash -c "'$SSHCA' pki $c --help | grep -q Usage"
done

finish
