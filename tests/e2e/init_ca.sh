#!/usr/bin/env bash
# sshca init: a complete CA in one directory on an embedded SoftHSM2 token,
# checked with OpenSSL, sqlite3 and sshca's own kms list; a second init into
# the same directory is refused and changes nothing; no PIN is ever printed.
source "$(dirname "$0")/../lib/common.sh"

# The embedded token must come from DIR/softhsm2.conf, never the caller's.
unset SOFTHSM2_CONF
CA="$T/ca"
# cfg_load FILE: every scalar of a ca.json into C["a.b.0.c"] (one python3 start per file).
declare -A C
cfg_load() {
  C=()
  local k v
  while IFS=$'\t' read -r k v; do C[$k]=$v; done < <(python3 -c '
import json, sys
def walk(path, v):
    if isinstance(v, dict):
        for k, x in v.items(): walk(path + [k], x)
    elif isinstance(v, list):
        for i, x in enumerate(v): walk(path + [str(i)], x)
    else:
        print(".".join(path) + "\t" + (v if isinstance(v, str) else json.dumps(v)))
walk([], json.load(open(sys.argv[1])))' "$1")
}
# tree_sums DIR: content and mode of every file, to prove nothing changed.
tree_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 stat -c '%n %a %s %Y' && find . -type f -print0 | sort -z | xargs -0 sha256sum); }

check "sshca init --help shows examples" bash -c "'$SSHCA' init --help | grep -q 'sshca init --dir'"

"$SSHCA" init --dir "$CA" >"$T/init.out" 2>"$T/init.err" || { cat "$T/init.err" >&2; fail "sshca init"; finish; exit 1; }
pass "sshca init --dir $CA"
CFG="$CA/config/ca.json"
check "ca.json parses as JSON" python3 -m json.tool "$CFG" >/dev/null

# Files and modes.
mode() { stat -c %a "$1"; }
quiet() { "$@" >/dev/null; }
for f in config/ca.json secrets/pin secrets/so-pin secrets/tls.key secrets/provisioner-admin.key; do
  check "$f is 0600" test "$(mode "$CA/$f")" = 600
done
for d in secrets tokens config db; do check "$d/ is 0700" test "$(mode "$CA/$d")" = 700; done
for f in certs/root_ca.crt certs/intermediate_ca.crt certs/chain.pem certs/server_chain.pem db/sshca.db softhsm2.conf; do
  check "$f exists" test -s "$CA/$f"
done
check "PINs are 16 hex characters" bash -c "grep -qxE '[0-9a-f]{16}' '$CA/secrets/pin' && grep -qxE '[0-9a-f]{16}' '$CA/secrets/so-pin'"
check "softhsm2.conf points at DIR/tokens" grep -qx "directories.tokendir = $CA/tokens" "$CA/softhsm2.conf"

# ca.json contents.
cfg_load "$CFG"
KMS=${C[kms]}
check "kms URI names the embedded token and the PIN file" \
  test "$KMS" = "pkcs11:module-path=$SOFTHSM_MODULE;token=sshca?pin-source=file:$CA/secrets/pin"
check "softhsm2Conf is DIR/softhsm2.conf" test "${C[softhsm2Conf]}" = "$CA/softhsm2.conf"
check "name defaults to sshca" test "${C[name]}" = "sshca"
check "url defaults to https://localhost:8443" test "${C[url]}" = "https://localhost:8443"
check "address defaults to 127.0.0.1:8443" test "${C[address]}" = "127.0.0.1:8443"
check "dnsNames default to localhost, 127.0.0.1" test "${C[dnsNames.0]} ${C[dnsNames.1]}" = "localhost 127.0.0.1"
check "ssh keys by URI" test "${C[ssh.userKey]} ${C[ssh.hostKey]}" = "pkcs11:object=ssh-user-ca pkcs11:object=ssh-host-ca"
check "x509 paths and the intermediate key URI" test \
  "${C[x509.rootCert]} ${C[x509.intermediateCert]} ${C[x509.intermediateKey]}" = \
  "$CA/certs/root_ca.crt $CA/certs/intermediate_ca.crt pkcs11:object=intermediate-ca"
check "tls paths" test "${C[tls.certChain]} ${C[tls.key]}" = "$CA/certs/server_chain.pem $CA/secrets/tls.key"
check "db is sqlite at DIR/db/sshca.db" test "${C[db.type]} ${C[db.path]}" = "sqlite $CA/db/sshca.db"
check "provisioner admin: jwk, P-256, its key file, 1h tokens" test \
  "${C[provisioners.0.name]} ${C[provisioners.0.type]} ${C[provisioners.0.publicKey.crv]} ${C[provisioners.0.privateKeyFile]} ${C[provisioners.0.tokenMaxLifetime]}" = \
  "admin jwk P-256 $CA/secrets/provisioner-admin.key 1h"
check "the public JWK has no private member" test -z "${C[provisioners.0.publicKey.d]+x}"
check "policy defaults: user 16h/24h with permit-pty, host 30d" test \
  "${C[provisioners.0.policy.user.defaultValidity]} ${C[provisioners.0.policy.user.maxValidity]} ${C[provisioners.0.policy.user.extensions.permit-pty]+pty} ${C[provisioners.0.policy.host.maxValidity]}" = \
  "16h 1d pty 30d"
check "the provisioner's key file matches its public JWK" bash -c \
  "openssl pkey -in '$CA/secrets/provisioner-admin.key' -pubout -outform DER | tail -c 64 | cmp -s - <(python3 -c '
import json,base64,sys; k=json.load(open(sys.argv[1]))[\"provisioners\"][0][\"publicKey\"]
d=lambda s: base64.urlsafe_b64decode(s+\"=\"*(-len(s)%4)); sys.stdout.buffer.write(d(k[\"x\"])+d(k[\"y\"]))' '$CFG')"

# X.509.
check "intermediate verifies under the root" quiet openssl verify -CAfile "$CA/certs/root_ca.crt" "$CA/certs/intermediate_ca.crt"
openssl x509 -in "$CA/certs/server_chain.pem" -out "$T/server.crt"
check "server certificate verifies with the chain" \
  quiet openssl verify -CAfile "$CA/certs/root_ca.crt" -untrusted "$CA/certs/server_chain.pem" "$T/server.crt"
SRV=$(openssl x509 -in "$T/server.crt" -noout -text)
check "server certificate has DNS:localhost and IP:127.0.0.1" grep -q "DNS:localhost, IP Address:127.0.0.1" <<<"$SRV"
check "server certificate is for serverAuth" grep -q "TLS Web Server Authentication" <<<"$SRV"
check "server certificate lasts 90 days" bash -c "openssl x509 -in '$T/server.crt' -noout -checkend $((89 * 86400)) >/dev/null && ! openssl x509 -in '$T/server.crt' -noout -checkend $((91 * 86400)) >/dev/null"
check "server_chain.pem is server then intermediate" bash -c \
  "diff <(cat '$T/server.crt' '$CA/certs/intermediate_ca.crt') '$CA/certs/server_chain.pem'"
check "root subject is O=sshca, CN=sshca Root CA" bash -c \
  "openssl x509 -in '$CA/certs/root_ca.crt' -noout -subject | grep -q 'O = sshca, CN = sshca Root CA'"
check "TLS key belongs to the server certificate" bash -c \
  "[ \"\$(openssl pkey -in '$CA/secrets/tls.key' -pubout)\" = \"\$(openssl x509 -in '$T/server.crt' -noout -pubkey)\" ]"
check "database records the intermediate and the server certificate" bash -c \
  "[ \"\$(sqlite3 '$CA/db/sshca.db' 'SELECT profile FROM x509_certificates ORDER BY profile')\" = \"\$(printf 'intermediate\nserver')\" ]"

# The keys on the token, through the config's own kms URI.
SOFTHSM2_CONF="$CA/softhsm2.conf" "$SSHCA" kms list --kms "$KMS" >"$T/list" 2>"$T/list.err"
for k in ssh-user-ca:ecdsa-p256 ssh-host-ca:ecdsa-p256 root-ca:ecdsa-p384 intermediate-ca:ecdsa-p384; do
  check "token holds ${k%%:*} (${k#*:})" awk -v l="${k%%:*}" -v t="${k#*:}" '$1 == l && $3 == t {f = 1} END {exit !f}' "$T/list"
done
check "printed SSH user CA key is the token's" bash -c \
  "grep -qF \"\$(SOFTHSM2_CONF='$CA/softhsm2.conf' '$SSHCA' kms pubkey --kms '$KMS' --key pkcs11:object=ssh-user-ca | cut -d' ' -f1-2)\" '$T/init.out'"
check "printed SSH host CA key is the token's" bash -c \
  "grep -qF \"\$(SOFTHSM2_CONF='$CA/softhsm2.conf' '$SSHCA' kms pubkey --kms '$KMS' --key pkcs11:object=ssh-host-ca | cut -d' ' -f1-2)\" '$T/init.out'"

# The fingerprint clients pin.
FP=$(openssl x509 -in "$CA/certs/root_ca.crt" -outform DER | sha256sum | cut -d' ' -f1)
check "printed root fingerprint is sha256 of the root's DER" grep -qx "root fingerprint: $FP" "$T/init.out"
check "next commands are printed" bash -c "grep -qF 'sshca serve --config $CFG' '$T/init.out' && grep -qF 'curl --cacert $CA/certs/root_ca.crt https://localhost:8443/health' '$T/init.out'"

# A second init into the same DIR is refused and changes nothing.
tree_sums "$CA" >"$T/before"
expect_fail "a second init into the same DIR is refused" "$SSHCA" init --dir "$CA"
err_contains "already holds a CA"
echo "$ERR" >"$T/again.err"
tree_sums "$CA" >"$T/after"
check "the refused init changed nothing" cmp -s "$T/before" "$T/after"

# Leftovers of an unfinished init are refused too.
mkdir -p "$T/half/tokens"
expect_fail "a DIR with leftovers of an unfinished init is refused" "$SSHCA" init --dir "$T/half"
err_contains "unfinished"
expect_fail "a bad --dns name is refused before anything is made" "$SSHCA" init --dir "$T/bad" --dns 'bad name'
check "nothing was made for the refused options" test ! -e "$T/bad"

# Options: name, names, address, key type.
"$SSHCA" init --dir "$T/ca2" --name "Example CA" --dns ca.example.com,10.1.2.3,::1 --address 0.0.0.0:9443 \
  --ssh-key-type ed25519 --provisioner ops >"$T/init2.out" 2>"$T/init2.err" || cat "$T/init2.err" >&2
cfg_load "$T/ca2/config/ca.json"
check "url from the first name and the address port" test "${C[url]}" = "https://ca.example.com:9443"
check "name, dnsNames and address as given" test "${C[name]}|${C[dnsNames.0]} ${C[dnsNames.1]} ${C[dnsNames.2]}|${C[address]}" = \
  "Example CA|ca.example.com 10.1.2.3 ::1|0.0.0.0:9443"
check "SANs: DNS, IPv4 and IPv6" bash -c "openssl x509 -in '$T/ca2/certs/server_chain.pem' -noout -ext subjectAltName | grep -q 'DNS:ca.example.com, IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1'"
check "root subject from --name" bash -c "openssl x509 -in '$T/ca2/certs/root_ca.crt' -noout -subject | grep -q 'O = Example CA, CN = Example CA Root CA'"
check "ed25519 SSH CA keys" grep -q '^  ssh-ed25519 .* Example CA user CA$' "$T/init2.out"
check "provisioner named by --provisioner" test -s "$T/ca2/secrets/provisioner-ops.key"

# --kms: an existing token is used as it is; its SOFTHSM2_CONF is recorded.
new_token ext
"$SSHCA" init --dir "$T/ca3" --kms "$KMS" >"$T/init3.out" 2>"$T/init3.err" || cat "$T/init3.err" >&2
cfg_load "$T/ca3/config/ca.json"
check "--kms: kms URI kept" test "${C[kms]}" = "$KMS"
check "--kms: softhsm2Conf from the environment" test "${C[softhsm2Conf]}" = "$SOFTHSM2_CONF"
check "--kms: no token or PIN files made" test ! -e "$T/ca3/tokens" -a ! -e "$T/ca3/secrets/pin"
check "--kms: the four keys are on the given token" test "$("$SSHCA" kms list --kms "$KMS" | grep -cE '^(ssh-user-ca|ssh-host-ca|root-ca|intermediate-ca) ')" -eq 4

# No PIN in any output.
for pinfile in "$CA/secrets/pin" "$CA/secrets/so-pin" "$T/ca2/secrets/pin" "$T/ca2/secrets/so-pin"; do
  pin=$(cat "$pinfile")
  check "PIN from ${pinfile#$T/} appears in no output" bash -c \
    "! grep -rqF -- '$pin' '$T'/*.out '$T'/*.err '$T/list' '$CA/config/ca.json' '$T/ca2/config/ca.json'"
done

finish
