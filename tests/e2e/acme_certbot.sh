#!/usr/bin/env bash
# ACME with certbot (Debian's): `certbot certonly --standalone` (http-01)
# against `sshca serve` on loopback with the validator's http port set to
# certbot's; the certificate verifies to the root; renew (forced);
# revoke (the CRL lists it); a wrong http-01 answer refused with nothing
# issued; a nonce used twice refused. Needs root (/etc/hosts).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/acme.sh"
command -v certbot >/dev/null || { echo "skipped: certbot is not installed"; exit 77; }
cd "$T"
cleanup_add "[ \$_FAILS -eq 0 ] || tail -60 $T/certbot.log >&2"

acme_hosts certbot1.sshca.test certbot-wrong.sshca.test
HP=$(free_port)
TP=$(free_port)
must "CA with an acme provisioner starts" acme_ca "$HP" "$TP"
# certbot trusts the CA through requests' bundle.
export REQUESTS_CA_BUNDLE=$ROOT
cb() {
  timeout 180 certbot --non-interactive --config-dir "$T/cb/etc" --work-dir "$T/cb/work" --logs-dir "$T/cb/logs" \
    --server "$ACME_DIR" "$@" >>"$T/certbot.log" 2>&1
}
LIVE="$T/cb/etc/live/certbot1.sshca.test"
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }

check "certbot register" cb register --agree-tos --email admin@example.com --no-eff-email
check "certbot certonly --standalone issues a certificate" \
  cb certonly --standalone --http-01-port "$HP" --http-01-address 127.0.0.1 -d certbot1.sshca.test
check "the certificate verifies to the root with the served chain" \
  openssl verify -CAfile "$ROOT" -untrusted "$LIVE/chain.pem" "$LIVE/cert.pem"
check "the chain is the intermediate" cmp <(openssl x509 -in "$LIVE/chain.pem") <(openssl x509 -in "$INTERMEDIATE")
check "it names certbot1.sshca.test" bash -c \
  "openssl x509 -in '$LIVE/cert.pem' -noout -ext subjectAltName | grep -q 'DNS:certbot1.sshca.test'"
FIRST=$(serial_of "$LIVE/cert.pem")
check "certbot renew --force-renewal" cb renew --force-renewal --no-random-sleep-on-renew
SECOND=$(serial_of "$LIVE/cert.pem")
check "the renewed certificate is new and verifies" bash -c \
  "[ '$FIRST' != '$SECOND' ] && openssl verify -CAfile '$ROOT' -untrusted '$LIVE/chain.pem' '$LIVE/cert.pem' >/dev/null"
check "both are recorded" bash -c "[ \$(sqlite3 '$DB' 'select count(*) from acme_certificates') -ge 2 ]"
x509_provisioner() { sqlite3 "$DB" "select provisioner from x509_certificates where upper(serial) = upper('$1')"; }
check "the X.509 record (the CRL's source) names the ACME provisioner" test "$(x509_provisioner "$SECOND")" = acme

check "revoking it as another account, by a foreign key, or by a same-serial certificate is refused" \
  python3 "$ACME_CLIENT" foreign-revoke "$ACME_DIR" "$ROOT" "$LIVE/cert.pem"
check "nothing was revoked by those (ACME row valid, X.509 record unrevoked)" bash -c \
  "[ \$(sqlite3 '$DB' \"select status from acme_certificates where lookup_key='$SECOND'\") = valid ] &&
   [ -z \"\$(sqlite3 '$DB' \"select revoked_at from x509_certificates where upper(serial) = upper('$SECOND')\")\" ]"
check "certbot revoke (by the account, reason keyCompromise)" \
  cb revoke --cert-path "$LIVE/cert.pem" --reason keycompromise --no-delete-after-revoke
check "the certificate is revoked in the ACME table with reason 1" bash -c \
  "sqlite3 '$DB' \"select document from acme_certificates where lookup_key='$SECOND'\" | jq -e '.reason == 1' >/dev/null"
acme_crl "$T/crl.pem"
check "the CRL lists it as keyCompromise" bash -c \
  "openssl crl -in '$T/crl.pem' -noout -text | tr -d ' :' | grep -A5 -i 'SerialNumber$SECOND' | grep -qi KeyCompromise"
check "the CRL leaves the first certificate off" bash -c \
  "! openssl crl -in '$T/crl.pem' -noout -text | tr -d ' :' | grep -qi 'SerialNumber$FIRST'"
# By the certificate's own key (RFC 8555 §7.6): the first certificate,
# signed with its private key instead of the account's.
OLD=$(ls "$T/cb/etc/archive/certbot1.sshca.test"/cert1.pem)
OLDKEY=$(ls "$T/cb/etc/archive/certbot1.sshca.test"/privkey1.pem)
check "certbot revoke --key-path (by the certificate's key)" \
  cb revoke --cert-path "$OLD" --key-path "$OLDKEY" --no-delete-after-revoke
check "both are revoked now" bash -c \
  "[ \$(sqlite3 '$DB' \"select count(*) from acme_certificates where status='revoked'\") = 2 ]"

BEFORE=$(acme_rows acme_certificates)
BEFORE_X509=$(acme_rows x509_certificates)
check "a wrong http-01 answer is refused (authorization invalid, finalize orderNotReady)" \
  python3 "$ACME_CLIENT" wrong-answer "$ACME_DIR" "$ROOT" certbot-wrong.sshca.test http-01 "$HP"
# (Debian 12's certbot 2.1 under Python 3.11 reports any ACME error as
# "AttributeError: can't set attribute": the refusal is read in the CA's log.)
expect_fail "a name outside the provisioner's names is refused" \
  cb certonly --standalone --http-01-port "$HP" --http-01-address 127.0.0.1 -d other.example.org
check "as rejectedIdentifier, before any order is made" bash -c \
  "grep '\"path\":\"/acme/acme/new-order\"' '$T/serve.log' | grep '\"status\":400' | grep -q 'does not issue for other.example.org'"
check "nothing was issued for them" test "$(acme_rows acme_certificates)" = "$BEFORE"
check "nothing recorded in x509_certificates" test "$(acme_rows x509_certificates)" = "$BEFORE_X509"
check "a nonce used twice is refused with badNonce" python3 "$ACME_CLIENT" nonce-replay "$ACME_DIR" "$ROOT"

finish
