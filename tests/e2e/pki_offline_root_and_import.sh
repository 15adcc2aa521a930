#!/usr/bin/env bash
# sshca pki with the root on its own token: init --root-kms, the offline
# flow (csr on the online token, sign-intermediate on the root token), and
# importing existing keys (PEM and PKCS#12) onto a token. Each flow ends in
# a chain that `openssl verify` accepts.
source "$(dirname "$0")/../lib/common.sh"

new_token online
ONLINE=$KMS
new_token offline
ROOTKMS=$KMS

server_csr() {  # server_csr NAME: $T/NAME.csr for DNS:NAME.example.com
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$1.key" -subj "/CN=$1.example.com" \
    -addext "subjectAltName=DNS:$1.example.com" -out "$T/$1.csr" 2>/dev/null
}

# 1. init with the root key on a second token.
"$SSHCA" pki init --kms "$ONLINE" --root-kms "$ROOTKMS" --name "Split" --key-type ecdsa-p256 --digest sha512 \
  --out "$T/split" >/dev/null 2>&1
check "init --root-kms: chain verifies" openssl verify -CAfile "$T/split/root_ca.crt" "$T/split/intermediate_ca.crt"
list() { pkcs11-tool --module "$SOFTHSM_MODULE" --token-label "$1" --login --pin 1234 --list-objects 2>/dev/null; }
check "root key is on the offline token only" bash -c \
  "grep -q 'label:.*root-ca' <<<\"\$1\" && ! grep -q 'label:.*root-ca' <<<\"\$2\"" _ "$(list offline)" "$(list online)"
check "--digest sha512 is used" bash -c "openssl x509 -in '$T/split/root_ca.crt' -noout -text | grep -q ecdsa-with-SHA512"

# 2. Offline flow: a CSR for a key on the online token, signed with the root token.
pkcs11-tool --module "$SOFTHSM_MODULE" --token-label online --login --pin 1234 --keypairgen --key-type EC:secp384r1 \
  --label issuing-2 --id 0202 --sensitive >/dev/null 2>&1
"$SSHCA" pki csr --kms "$ONLINE" --key "pkcs11:object=issuing-2" --subject "O=Split, CN=Split Issuing CA 2" \
  --out "$T/issuing2.csr" 2>/dev/null
check "pki csr: the request verifies" openssl req -in "$T/issuing2.csr" -noout -verify
check "pki csr: subject as given" bash -c "openssl req -in '$T/issuing2.csr' -noout -subject | grep -q 'CN = Split Issuing CA 2'"
mkdir -p "$T/issuing2"
"$SSHCA" pki sign-intermediate --root-kms "$ROOTKMS" --root-cert "$T/split/root_ca.crt" --days 365 \
  --out "$T/issuing2/intermediate_ca.crt" "$T/issuing2.csr" 2>/dev/null
check "sign-intermediate: verifies under the root" openssl verify -CAfile "$T/split/root_ca.crt" "$T/issuing2/intermediate_ca.crt"
check "sign-intermediate: CA:TRUE, pathlen:0" bash -c \
  "openssl x509 -in '$T/issuing2/intermediate_ca.crt' -noout -text | grep -q 'CA:TRUE, pathlen:0'"
expect_fail "sign-intermediate refuses more days than the root has" "$SSHCA" pki sign-intermediate --root-kms "$ROOTKMS" \
  --root-cert "$T/split/root_ca.crt" --days 4000 --out "$T/too-long.crt" "$T/issuing2.csr"
err_contains "notAfter"
server_csr web
"$SSHCA" pki sign-csr --kms "$ONLINE" --ca-cert "$T/issuing2/intermediate_ca.crt" --ca-key "pkcs11:object=issuing-2" \
  --profile server --out "$T/web.crt" "$T/web.csr" 2>/dev/null
check "offline flow: server certificate verifies to the root" openssl verify -CAfile "$T/split/root_ca.crt" \
  -untrusted "$T/issuing2/intermediate_ca.crt" "$T/web.crt"
check "offline flow: recorded beside the intermediate" test -s "$T/issuing2/sshca.db"

# 3. Import an openssl-generated PEM key as an intermediate.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$T/imported.pem" 2>/dev/null
"$SSHCA" pki import --kms "$ONLINE" --key "pkcs11:object=imported-ca" "$T/imported.pem" 2>/dev/null
check "import: the key is on the token" bash -c "grep -q 'label:.*imported-ca' <<<\"\$1\"" _ "$(list online)"
check "import: sensitive on the token" bash -c \
  "grep -A10 'label:.*imported-ca' <<<\"\$1\" | grep -q 'Access:.*sensitive'" _ "$(list online)"
expect_fail "import refuses to overwrite an existing object" "$SSHCA" pki import --kms "$ONLINE" \
  --key "pkcs11:object=imported-ca" "$T/imported.pem"
err_contains "refusing to overwrite"
expect_fail "import refuses a certificate of another key" "$SSHCA" pki import --kms "$ONLINE" \
  --key "pkcs11:object=other-ca" --cert "$T/split/root_ca.crt" "$T/imported.pem"
err_contains "does not belong"
check "nothing imported after the refusal" bash -c "! grep -q 'label:.*other-ca' <<<\"\$1\"" _ "$(list online)"
"$SSHCA" pki csr --kms "$ONLINE" --key "pkcs11:object=imported-ca" --subject "O=Split, CN=Imported CA" \
  --out "$T/imported.csr" 2>/dev/null
mkdir -p "$T/imported"
"$SSHCA" pki sign-intermediate --root-kms "$ROOTKMS" --root-cert "$T/split/root_ca.crt" --days 365 \
  --out "$T/imported/intermediate_ca.crt" "$T/imported.csr" 2>/dev/null
server_csr api
"$SSHCA" pki sign-csr --kms "$ONLINE" --ca-cert "$T/imported/intermediate_ca.crt" --ca-key "pkcs11:object=imported-ca" \
  --profile server --out "$T/api.crt" "$T/api.csr" 2>/dev/null
check "import flow (PEM): chain verifies" openssl verify -CAfile "$T/split/root_ca.crt" \
  -untrusted "$T/imported/intermediate_ca.crt" "$T/api.crt"

# 4. Import a password-protected PKCS#12 (key + its root certificate) and
#    use it as the root of a new CA.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/legacy.key" -days 3650 \
  -subj "/O=Legacy/CN=Legacy Root CA" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$T/legacy.crt" 2>/dev/null
openssl pkcs12 -export -inkey "$T/legacy.key" -in "$T/legacy.crt" -passout pass:s3cret -out "$T/legacy.p12"
expect_fail "PKCS#12 import with a wrong password fails" env SSHCA_KEY_PASSWORD=wrong "$SSHCA" pki import \
  --kms "$ROOTKMS" --key "pkcs11:object=legacy-root" "$T/legacy.p12"
err_contains "password"
SSHCA_KEY_PASSWORD=s3cret "$SSHCA" pki import --kms "$ROOTKMS" --key "pkcs11:object=legacy-root" \
  --cert "$T/legacy.crt" "$T/legacy.p12" 2>/dev/null
check "import: PKCS#12 key on the token" bash -c "grep -q 'label:.*legacy-root' <<<\"\$1\"" _ "$(list offline)"
printf 's3cret\n' >"$T/p12pass"
"$SSHCA" pki import --kms "$ONLINE" --key "pkcs11:object=legacy-copy" --password-file "$T/p12pass" "$T/legacy.p12" 2>/dev/null
check "import: --password-file works" bash -c "grep -q 'label:.*legacy-copy' <<<\"\$1\"" _ "$(list online)"
"$SSHCA" pki init --kms "$ONLINE" --root-kms "$ROOTKMS" --root-key "pkcs11:object=legacy-root" \
  --intermediate-key "pkcs11:object=issuing-2" --name Legacy --out "$T/legacy-ca" >/dev/null 2>&1
server_csr old
"$SSHCA" pki sign-csr --kms "$ONLINE" --ca-cert "$T/legacy-ca/intermediate_ca.crt" --ca-key "pkcs11:object=issuing-2" \
  --profile server --out "$T/old.crt" "$T/old.csr" 2>/dev/null
check "import flow (PKCS#12): chain verifies" openssl verify -CAfile "$T/legacy-ca/root_ca.crt" \
  -untrusted "$T/legacy-ca/intermediate_ca.crt" "$T/old.crt"
check "the new root is signed by the imported key" bash -c \
  "diff <(openssl x509 -in '$T/legacy.crt' -noout -pubkey) <(openssl x509 -in '$T/legacy-ca/root_ca.crt' -noout -pubkey)"

finish
