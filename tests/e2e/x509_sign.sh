#!/usr/bin/env bash
# TLS server certificates by SSHPOP (POST /x509/sign), against `sshca serve`
# and the real sshca-agent, checked with OpenSSL's tools:
#  - a host enrolled by token gets a certificate for its principals
#    (`sshca-agent host tls`): `openssl verify` with the root, an
#    `openssl s_server` / `s_client` handshake with the served chain, the
#    key made on the host (0600), the row recorded with the host serial;
#  - refusals, each with its status and message and nothing recorded: a
#    name that is not a principal, a user certificate, a revoked host
#    certificate, a request asking for CA:TRUE, a token made for
#    /ssh/renew, a spent token, a denied host (`sshca deny`: its token
#    left unspent);
#  - renewal: not due (status 2, no reload), due under a short validity
#    policy (reloaded, the key's mode kept), and by `host renew`;
#  - `sshca pki revoke` of the TLS certificate puts it on the CRL;
#  - `sshca revoke` of a host certificate revokes the TLS certificates it
#    proved (reason cessationOfOperation), and only those.
source "$(dirname "$0")/../lib/common.sh"
AGENT="$BUILD_DIR/bin/sshca-agent"
MINT="$(cd "$(dirname "$0")/../lib" && pwd)/sshpop_token.py"
start_ca
cd "$T"
AGENT_CA_URL=$(jq -r .url "$CFG")
CONF="$T/agent"
tls_rows() { sqlite3 "$DB" 'SELECT count(*) FROM x509_certificates'; }
reloads() { [ -f "$T/reloads" ] && wc -l <"$T/reloads" || echo 0; }
set_config() { jq "$1" "$CFG" >"$T/ca.json.new" && cat "$T/ca.json.new" >"$CFG"; }
restart() { kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true; restart_ca; }
serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/ {print $2}'; }
signed() { python3 -c 'import sys; s=int(sys.argv[1]); print(s-2**64 if s>=2**63 else s)' "$1"; }

"$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$CONF" \
  --known-hosts "$T/known_hosts" >/dev/null 2>&1
# enroll NAME PRINCIPALS: a host key $T/NAME/key with its certificate.
enroll() {
  mkdir -p "$T/$1"
  ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$T/$1/key"
  SSHCA_TOKEN=$("$SSHCA" token host "$1" --principals "$2" --config "$CFG") \
    "$AGENT" host enroll --config-dir "$CONF" --key "$T/$1/key.pub" --reload-command '' 2>"$T/enroll.err" ||
    { cat "$T/enroll.err" >&2; return 1; }
}
mkdir -p "$T/tls"
tls() { # host tls for web1 with extra arguments
  "$AGENT" host tls --config-dir "$CONF" --key "$T/web1/key.pub" --name web1.example --name 127.0.0.1 \
    --out-key "$T/tls/web1.key" --out-cert "$T/tls/web1.pem" --reload-command "echo reloaded >>'$T/reloads'" "$@"
}

# ---- issue: the agent gets a certificate for its principals ----
must "enroll web1 (principals web1.example, 127.0.0.1, Web1.Upper.Example)" \
  enroll web1 web1.example,127.0.0.1,Web1.Upper.Example
BEFORE=$(tls_rows)
must "host tls writes key and certificate" tls
check "one certificate recorded" test "$(tls_rows)" = $((BEFORE + 1))
check "the key is 0600" test "$(stat -c %a "$T/tls/web1.key")" = 600
check "the reload command ran once" test "$(reloads)" = 1
openssl x509 -in "$T/tls/web1.pem" -noout -text >"$T/web1.txt"
check "SAN DNS:web1.example" grep -q "DNS:web1.example" "$T/web1.txt"
check "SAN IP:127.0.0.1" grep -q "IP Address:127.0.0.1" "$T/web1.txt"
check "serverAuth" grep -q "TLS Web Server Authentication" "$T/web1.txt"
check "CA:FALSE" grep -q "CA:FALSE" "$T/web1.txt"
check "the certificate certifies the key made here" test \
  "$(openssl x509 -in "$T/tls/web1.pem" -noout -pubkey | sha256sum)" = "$(openssl pkey -in "$T/tls/web1.key" -pubout | sha256sum)"
SERIAL=$(openssl x509 -in "$T/tls/web1.pem" -noout -serial | cut -d= -f2)
HOST_SERIAL=$(serial_of "$T/web1/key-cert.pub")
check "the row names the host certificate and the provisioner" test \
  "$(sqlite3 "$DB" "SELECT ssh_serial || ' ' || provisioner FROM x509_certificates WHERE upper(serial) = upper('$SERIAL') OR replace(upper(serial), ':', '') = upper('$SERIAL')")" = "$(signed "$HOST_SERIAL") sshpop"
# The chain file: the certificate, then the intermediate.
awk '/BEGIN CERT/ {n++} n >= 2' "$T/tls/web1.pem" >"$T/tls/chain.pem"
check "the chain holds the intermediate" test "$(grep -c 'BEGIN CERT' "$T/tls/chain.pem")" = 1
check "openssl verify with the root" openssl verify -CAfile "$ROOT" -untrusted "$T/tls/chain.pem" "$T/tls/web1.pem"
# Not after the host certificate.
HOST_END=$(date -d "$(ssh-keygen -L -f "$T/web1/key-cert.pub" | awk '/Valid:/ {print $5}')" +%s)
TLS_END=$(date -d "$(openssl x509 -in "$T/tls/web1.pem" -noout -enddate | cut -d= -f2)" +%s)
check "it ends no later than the host certificate" test "$TLS_END" -le "$HOST_END"

# ---- a TLS handshake with the served chain ----
PORT=$(free_port)
openssl s_server -accept "127.0.0.1:$PORT" -cert "$T/tls/web1.pem" -key "$T/tls/web1.key" \
  -cert_chain "$T/tls/chain.pem" -quiet </dev/null >"$T/s_server.log" 2>&1 &
cleanup_add "kill $! 2>/dev/null"
wait_port "$PORT" || true
check "s_client verifies web1.example against the root alone" bash -c \
  "openssl s_client -connect 127.0.0.1:$PORT -CAfile '$ROOT' -verify_return_error -verify_hostname web1.example \
    -servername web1.example </dev/null 2>&1 | grep -q 'Verify return code: 0 (ok)'"

# ---- refusals: status, message, nothing recorded ----
# send CSR OTT: POSTs the request and prints its status; the answer is in
# $T/answer.json.
send() {
  jq -nc --rawfile csr "$1" --arg ott "$2" '{csr: $csr, ott: $ott}' >"$T/body.json"
  curl -s -o "$T/answer.json" -w '%{http_code}' --max-time 20 --cacert "$ROOT" \
    -H 'Content-Type: application/json' --data-binary @"$T/body.json" "$CA_URL/1.0/x509/sign"
}
# post WHAT CSR TOKEN STATUS MESSAGE
post() {
  local before code
  before=$(tls_rows)
  code=$(send "$2" "$3")
  check "$1: status $4" test "$code" = "$4"
  if grep -qF -- "$5" "$T/answer.json"; then pass "$1: says '$5'"; else fail "$1: no '$5' in $(cat "$T/answer.json")"; fi
  check "$1: nothing recorded" test "$(tls_rows)" = "$before"
}
# accepted NAME CSR OTT: the request gets 201 and adds one row.
accepted() {
  local before code
  before=$(tls_rows)
  code=$(send "$2" "$3")
  check "$1 (201)" test "$code" = 201
  check "and it was recorded" test "$(tls_rows)" = $((before + 1))
}
openssl ecparam -name prime256v1 -genkey -noout -out "$T/csr.key" 2>/dev/null
csr() { # FILE SUBJECT-CN SAN [EXTRA-ARGS...]
  local f=$1 cn=$2 san=$3; shift 3
  openssl req -new -key "$T/csr.key" -subj "/CN=$cn" -addext "subjectAltName=$san" "$@" -out "$f" 2>/dev/null
}
x509_token() { python3 "$MINT" "$1" "$2" "$AGENT_CA_URL" /1.0/x509/sign sshpop; }
csr "$T/other.csr" other.example DNS:other.example
post "a name that is not a principal" "$T/other.csr" "$(x509_token "$T/web1/key" "$T/web1/key-cert.pub")" \
  403 "DNS:other.example is not a principal of the host certificate"
csr "$T/mixed.csr" web1.example "DNS:web1.example,DNS:other.example"
post "one name too many" "$T/mixed.csr" "$(x509_token "$T/web1/key" "$T/web1/key-cert.pub")" 403 "other.example"
csr "$T/dnsip.csr" 127.0.0.1 DNS:127.0.0.1
post "an IP principal asked as a DNS name" "$T/dnsip.csr" "$(x509_token "$T/web1/key" "$T/web1/key-cert.pub")" \
  403 "is an IP address"
csr "$T/wild.csr" '*.web1.example' 'DNS:*.web1.example'
post "a wildcard" "$T/wild.csr" "$(x509_token "$T/web1/key" "$T/web1/key-cert.pub")" 403 "wildcard"
csr "$T/ca.csr" web1.example DNS:web1.example -addext "basicConstraints=critical,CA:TRUE"
post "a request asking for CA:TRUE" "$T/ca.csr" "$(x509_token "$T/web1/key" "$T/web1/key-cert.pub")" 403 "CA:TRUE"
csr "$T/web1.csr" web1.example DNS:web1.example
post "a token made for /ssh/renew" "$T/web1.csr" \
  "$(python3 "$MINT" "$T/web1/key" "$T/web1/key-cert.pub" "$AGENT_CA_URL" /1.0/ssh/renew sshpop)" 401 "aud"
# A user certificate: its key signs a proof just as well, but it names a person.
ssh-keygen -q -t ed25519 -N '' -f "$T/alice"
UTOKEN=$("$SSHCA" token user alice --principals alice --config "$CFG")
jq -nc --arg pk "$(cut -d' ' -f2 "$T/alice.pub")" --arg ott "$UTOKEN" '{publicKey: $pk, ott: $ott}' |
  curl -sf --cacert "$ROOT" -H 'Content-Type: application/json' --data-binary @- "$CA_URL/1.0/ssh/sign" |
  jq -r .crt | sed 's/^/ssh-ed25519-cert-v01@openssh.com /' >"$T/alice-cert.pub"
csr "$T/alice.csr" alice DNS:alice
post "a user certificate" "$T/alice.csr" "$(x509_token "$T/alice" "$T/alice-cert.pub")" 403 "user certificate"
# Case folding: the principal Web1.Upper.Example covers web1.upper.example.
csr "$T/upper.csr" web1.upper.example DNS:WEB1.upper.example
GOOD=$(x509_token "$T/web1/key" "$T/web1/key-cert.pub")
accepted "a principal in other case covers the name" "$T/upper.csr" "$GOOD"
check "the answer has crt, ca and certChain" bash -c "jq -e '.crt and .ca and (.certChain | length == 2)' '$T/answer.json' >/dev/null"
post "the same token again" "$T/upper.csr" "$GOOD" 409 "used before"
# A denied host (`sshca deny`, by its subject, its key ID or its key) gets
# no TLS certificate, and its token is not spent: it works once the denial
# is lifted.
WEB1_SUBJECT=$(sqlite3 "$DB" "SELECT subject FROM ssh_certificates WHERE serial = $(signed "$HOST_SERIAL")")
WEB1_KEY_ID=$(ssh-keygen -L -f "$T/web1/key-cert.pub" | sed -n 's/^ *Key ID: "\(.*\)"$/\1/p')
WEB1_KEY=$(ssh-keygen -l -f "$T/web1/key.pub" | awk '{print $2}')
DENIED=$(x509_token "$T/web1/key" "$T/web1/key-cert.pub")
check "the host's subject, key ID and key are known" test -n "$WEB1_SUBJECT" -a -n "$WEB1_KEY_ID" -a -n "$WEB1_KEY"
for denial in "--subject=$WEB1_SUBJECT" "--key-id=$WEB1_KEY_ID" "--key-fingerprint=$WEB1_KEY"; do
  "$SSHCA" deny add --config "$CFG" "$denial" --reason "denied by ${denial%%=*}" >/dev/null
  post "a host denied by ${denial%%=*}" "$T/web1.csr" "$DENIED" 403 "denied by ${denial%%=*}"
  "$SSHCA" deny remove --config "$CFG" "$denial" >/dev/null
done
accepted "the denied host's token was not spent: accepted once lifted" "$T/web1.csr" "$DENIED"
# A revoked host certificate proves nothing.
must "enroll web2" enroll web2 web2.example
"$SSHCA" revoke --config "$CFG" --serial "$(serial_of "$T/web2/key-cert.pub")" --reason test >/dev/null
BEFORE=$(tls_rows)
expect_fail "host tls with a revoked host certificate" "$AGENT" host tls --config-dir "$CONF" \
  --key "$T/web2/key.pub" --name web2.example --out-key "$T/tls/web2.key" --out-cert "$T/tls/web2.pem"
err_contains "has been revoked"
check "revoked host certificate: nothing recorded" test "$(tls_rows)" = "$BEFORE"
check "revoked host certificate: no files written" test ! -e "$T/tls/web2.key" -a ! -e "$T/tls/web2.pem"

# ---- renewal ----
BEFORE=$(tls_rows)
cp "$T/tls/web1.pem" "$T/web1.first"
rc=0; tls 2>"$T/tls.err" || rc=$?
check "not due: status 2" test "$rc" = 2
check "not due: says so" grep -q "not due" "$T/tls.err"
check "not due: nothing issued" test "$(tls_rows)" = "$BEFORE"
check "not due: no reload" test "$(reloads)" = 1
check "not due: the certificate untouched" cmp "$T/web1.first" "$T/tls/web1.pem"
# A one-minute validity (started 5 min back for clock skew): less than a
# third of its life is left as soon as it is issued.
set_config '(.provisioners[] | select(.type == "sshpop") | .policy.tls) |= (.defaultValidity = "1m" | .maxValidity = "1m")'
restart
chmod 640 "$T/tls/web1.key"
must "host tls --force under the short policy" tls --force
check "a short certificate" test $(( $(date -d "$(openssl x509 -in "$T/tls/web1.pem" -noout -enddate | cut -d= -f2)" +%s) - $(date +%s) )) -le 60
check "reloaded again" test "$(reloads)" = 2
check "the key's mode 0640 kept" test "$(stat -c %a "$T/tls/web1.key")" = 640
cp "$T/tls/web1.pem" "$T/web1.short"
must "host tls: due now, renewed" tls
check "renewed: a new certificate" bash -c "! cmp -s '$T/web1.short' '$T/tls/web1.pem'"
check "renewed: reloaded" test "$(reloads)" = 3
cp "$T/tls/web1.pem" "$T/web1.short2"
rc=0; "$AGENT" host renew --config-dir "$CONF" --key "$T/web1/key.pub" --reload-command '' 2>"$T/renew.err" || rc=$?
check "host renew (the weekly job) renews the TLS certificate too: status 0" test "$rc" = 0
check "host renew: a new certificate" bash -c "! cmp -s '$T/web1.short2' '$T/tls/web1.pem'"
check "host renew: the reload command ran" test "$(reloads)" = 4

# ---- revocation: the CRL lists it ----
# crl_refuses NAME SERIAL CERT: a fresh CRL (NAME.pem) lists SERIAL, and
# openssl verify -crl_check refuses CERT with it.
crl_refuses() {
  SOFTHSM2_CONF=$(jq -r .softhsm2Conf "$CFG") "$SSHCA" pki crl --kms "$(jq -r .kms "$CFG")" \
    --ca-cert "$(jq -r .x509.intermediateCert "$CFG")" --db "$DB" --out "$T/$1.pem" 2>/dev/null
  openssl crl -in "$T/$1.pem" -noout -text >"$T/$1.txt"
  check "the CRL lists $2" grep -qi "Serial Number: $2" "$T/$1.txt"
  check "openssl verify -crl_check refuses it" bash -c \
    "! openssl verify -CAfile '$ROOT' -untrusted '$T/tls/chain.pem' -CRLfile '$T/$1.pem' -crl_check '$3' 2>/dev/null"
}
"$SSHCA" pki revoke "$SERIAL" --db "$DB" --reason keyCompromise 2>/dev/null
crl_refuses crl "$SERIAL" "$T/web1.first"

# ---- revoking a host certificate revokes the TLS certificates it proved ----
must "enroll web3" enroll web3 web3.example
must "host tls for web3" "$AGENT" host tls --config-dir "$CONF" --key "$T/web3/key.pub" --name web3.example \
  --out-key "$T/tls/web3.key" --out-cert "$T/tls/web3.pem" --reload-command ''
WEB3_TLS=$(openssl x509 -in "$T/tls/web3.pem" -noout -serial | cut -d= -f2)
WEB3_HOST=$(signed "$(serial_of "$T/web3/key-cert.pub")")
unrevoked() { sqlite3 "$DB" "SELECT count(*) FROM x509_certificates WHERE ssh_serial = $1 AND revoked_at IS NULL"; }
check "web3's TLS certificate is recorded against its host certificate" test "$(unrevoked "$WEB3_HOST")" = 1
WEB1_OPEN=$(unrevoked "$(signed "$(serial_of "$T/web1/key-cert.pub")")")
"$SSHCA" revoke --config "$CFG" --serial "$(serial_of "$T/web3/key-cert.pub")" --reason "host retired" >/dev/null
check "the host certificate's revocation revoked its TLS certificate" test "$(unrevoked "$WEB3_HOST")" = 0
check "reason cessationOfOperation (5)" test \
  "$(sqlite3 "$DB" "SELECT group_concat(DISTINCT reason) FROM x509_certificates WHERE ssh_serial = $WEB3_HOST")" = 5
check "another host's TLS certificates untouched" test \
  "$(unrevoked "$(signed "$(serial_of "$T/web1/key-cert.pub")")")" = "$WEB1_OPEN"
crl_refuses crl2 "$WEB3_TLS" "$T/tls/web3.pem"

finish
