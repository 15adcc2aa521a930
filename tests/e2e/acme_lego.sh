#!/usr/bin/env bash
# ACME with lego (Debian's): http-01 and tls-alpn-01 against `sshca serve`
# on loopback, the validator's ports set to lego's; the certificate
# verifies to the root; renew; revoke (the CRL lists it); a wrong
# tls-alpn-01 answer and a wrong http-01 answer are refused with nothing
# issued; a nonce used twice is refused (badNonce). Needs root (/etc/hosts).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/acme.sh"
command -v lego >/dev/null || { echo "skipped: lego is not installed"; exit 77; }
cd "$T"
cleanup_add "[ \$_FAILS -eq 0 ] || tail -40 $T/lego.log >&2"

acme_hosts lego-http.sshca.test lego-tls.sshca.test lego-wrong.sshca.test
HP=$(free_port)
TP=$(free_port)
must "CA with an acme provisioner starts" acme_ca "$HP" "$TP"
export LEGO_CA_CERTIFICATES=$ROOT
lego_run() { # NAME SOLVER-ARGS... -- COMMAND...
  local name=$1
  shift
  timeout 120 lego --server "$ACME_DIR" --email admin@example.com --accept-tos --path "$T/lego" \
    --domains "$name" "$@" >>"$T/lego.log" 2>&1
}
crt() { echo "$T/lego/certificates/$1.crt"; }
verify_chain() { openssl verify -CAfile "$ROOT" -untrusted "$INTERMEDIATE" "$1" >/dev/null 2>&1; }
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }

check "directory lists the ACME resources" bash -c \
  "curl -sf --cacert '$ROOT' '$ACME_DIR' | jq -e '.newNonce and .newAccount and .newOrder and .revokeCert and .keyChange' >/dev/null"
check "new-nonce (HEAD) gives a Replay-Nonce and Cache-Control: no-store" bash -c \
  "curl -sfI --cacert '$ROOT' '$CA_URL/acme/acme/new-nonce' | tr -d '\r' | grep -qi '^replay-nonce: ..*' &&
   curl -sfI --cacert '$ROOT' '$CA_URL/acme/acme/new-nonce' | tr -d '\r' | grep -qi '^cache-control: no-store'"

# http-01.
check "lego run --http issues a certificate" lego_run lego-http.sshca.test --http --http.port "127.0.0.1:$HP" run
check "the http-01 certificate verifies to the root" verify_chain "$(crt lego-http.sshca.test)"
check "it names lego-http.sshca.test" bash -c \
  "openssl x509 -in '$(crt lego-http.sshca.test)' -noout -ext subjectAltName | grep -q 'DNS:lego-http.sshca.test'"
check "it is recorded (acme_certificates and x509_certificates)" bash -c \
  "[ \$(sqlite3 '$DB' \"select count(*) from x509_certificates where serial='$(serial_of "$(crt lego-http.sshca.test)")'\") = 1 ]"
FIRST=$(serial_of "$(crt lego-http.sshca.test)")
check "lego renew gets a new certificate" lego_run lego-http.sshca.test --http --http.port "127.0.0.1:$HP" renew --days 3650 --no-random-sleep
SECOND=$(serial_of "$(crt lego-http.sshca.test)")
check "the renewed certificate has a new serial and verifies" bash -c \
  "[ '$FIRST' != '$SECOND' ] && openssl verify -CAfile '$ROOT' -untrusted '$INTERMEDIATE' '$(crt lego-http.sshca.test)' >/dev/null"

# tls-alpn-01.
check "lego run --tls issues a certificate" lego_run lego-tls.sshca.test --tls --tls.port "127.0.0.1:$TP" run
check "the tls-alpn-01 certificate verifies to the root" verify_chain "$(crt lego-tls.sshca.test)"
check "lego renew --tls" lego_run lego-tls.sshca.test --tls --tls.port "127.0.0.1:$TP" renew --days 3650 --no-random-sleep

# Revocation (by the account), then the CRL.
REVOKED=$(serial_of "$(crt lego-tls.sshca.test)")
check "lego revoke" lego_run lego-tls.sshca.test revoke --keep
check "the certificate is revoked in the ACME table" bash -c \
  "[ \"\$(sqlite3 '$DB' \"select status from acme_certificates where lookup_key='$REVOKED'\")\" = revoked ]"
acme_crl "$T/crl.pem"
check "the CRL lists the revoked serial" bash -c \
  "openssl crl -in '$T/crl.pem' -noout -text | tr -d ' :' | grep -qi 'SerialNumber$REVOKED'"
expect_fail "revoking it again is refused" lego_run lego-tls.sshca.test revoke
check "as alreadyRevoked" grep -q 'alreadyRevoked' "$T/lego.log"

# Wrong answers, each refused with nothing issued: a wrong key
# authorization over http-01, and for tls-alpn-01 a TLS server that
# negotiates acme-tls/1 but shows a certificate without the acmeIdentifier.
BEFORE=$(acme_rows acme_certificates)
BEFORE_X509=$(acme_rows x509_certificates)
check "a wrong http-01 answer is refused (authorization invalid, finalize orderNotReady)" \
  python3 "$ACME_CLIENT" wrong-answer "$ACME_DIR" "$ROOT" lego-wrong.sshca.test http-01 "$HP"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/fake.key" -out "$T/fake.crt" \
  -subj /CN=lego-wrong.sshca.test -addext subjectAltName=DNS:lego-wrong.sshca.test -days 1 2>/dev/null
openssl s_server -accept "127.0.0.1:$TP" -cert "$T/fake.crt" -key "$T/fake.key" -alpn acme-tls/1 -quiet \
  </dev/null >/dev/null 2>&1 &
FAKE=$!
cleanup_add "kill $FAKE"
wait_port "$TP"
check "a wrong tls-alpn-01 certificate is refused" \
  python3 "$ACME_CLIENT" wrong-answer "$ACME_DIR" "$ROOT" lego-wrong.sshca.test tls-alpn-01 "$TP"
kill "$FAKE" 2>/dev/null || true
check "nothing was issued for them (acme_certificates)" test "$(acme_rows acme_certificates)" = "$BEFORE"
check "nothing was issued for them (x509_certificates)" test "$(acme_rows x509_certificates)" = "$BEFORE_X509"

# The same nonce twice.
check "a nonce used twice (and one never issued) is refused with badNonce" \
  python3 "$ACME_CLIENT" nonce-replay "$ACME_DIR" "$ROOT"

finish
