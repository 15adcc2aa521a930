#!/usr/bin/env bash
# ACME External Account Binding: a provisioner with requireEab and one
# eabKeys entry. The bare client (tests/lib/acme_client.py) tries an
# account without EAB (externalAccountRequired), one whose MAC uses a
# wrong key (unauthorized), neither recorded, and one with the right EAB
# (created); lego (Debian's) with --eab gets an account and a certificate.
# Needs root (/etc/hosts, as the other ACME tests).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/acme.sh"
command -v lego >/dev/null || { echo "skipped: lego is not installed"; exit 77; }
cd "$T"
cleanup_add "[ \$_FAILS -eq 0 ] || tail -40 $T/lego.log >&2"

acme_hosts eab.sshca.test
HP=$(free_port)
TP=$(free_port)
KID=kid-test
HMAC=$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')
must "CA with an acme provisioner requiring EAB starts" acme_ca "$HP" "$TP" \
  " | .provisioners[-1].acme += {requireEab: true, eabKeys: {\"$KID\": \"$HMAC\"}}"
check "the directory says externalAccountRequired" bash -c \
  "curl -sf --cacert '$ROOT' '$ACME_DIR' | jq -e '.meta.externalAccountRequired == true' >/dev/null"

check "no EAB: refused (externalAccountRequired); wrong MAC: refused (unauthorized); right EAB: created" \
  python3 "$ACME_CLIENT" eab "$ACME_DIR" "$ROOT" "$KID" "$HMAC"
check "only the account with the right EAB was recorded" test "$(acme_rows acme_accounts)" = 1

export LEGO_CA_CERTIFICATES=$ROOT
lego_run() {
  timeout 120 lego --server "$ACME_DIR" --email admin@example.com --accept-tos --path "$T/lego" \
    --domains eab.sshca.test "$@" --http --http.port "127.0.0.1:$HP" run >>"$T/lego.log" 2>&1
}
expect_fail "lego with an EAB key ID it does not know is refused" lego_run --eab --kid other-kid --hmac "$HMAC"
check "by the CA (unauthorized)" grep -q "unauthorized" "$T/lego.log"
check "no account was recorded for it" test "$(acme_rows acme_accounts)" = 1
check "lego with the right EAB gets a certificate" lego_run --eab --kid "$KID" --hmac "$HMAC"
check "the certificate verifies to the root" \
  openssl verify -CAfile "$ROOT" -untrusted "$INTERMEDIATE" "$T/lego/certificates/eab.sshca.test.crt"
check "lego's account was recorded" test "$(acme_rows acme_accounts)" = 2

finish
