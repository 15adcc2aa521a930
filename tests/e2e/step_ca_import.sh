#!/usr/bin/env bash
# sshca import-step-ca (issue 19): a step-ca configuration made by step-ca's
# own code (tests/interop/stepcainit: `step ca init --ssh` without the step
# CLI; encrypted key files, a JWK provisioner with its encryptedKey, SSHPOP)
# becomes an sshca CA. Then `sshca serve` runs it and smallstep's own client
# library (tests/interop/stepclient) bootstraps by step-ca's root
# fingerprint and signs, renews, rekeys and revokes with tokens minted by the
# step provisioner's key the way the step CLI mints them. Checked besides:
# the SSH CA keys and the root are step's, the keys are on the token and no
# copy of them is in the new directory, the encryptedKey is served as step
# wrote it, what has no equivalent is listed, and the refusals (wrong
# password, a non-empty --dir) leave nothing behind. Then a step-ca whose
# keys are on a PKCS#11 token (kms type pkcs11): the import keeps them there
# by URI and the same client runs against it. The Go builds are cached
# under the build dir (shared with step_client_interop).
source "$(dirname "$0")/../lib/common.sh"
INTEROP=$(cd "$(dirname "$0")/../interop" && pwd)

if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/smallstep/certificates/pki ]; then
  echo "skipped: needs golang-go and golang-github-smallstep-certificates-dev (scripts/setup.sh)"
  exit 77
fi

# ---- build (GOPATH mode: Debian's Go packages only, no network) ----
GOWORK_DIR="$BUILD_DIR/interop"
mkdir -p "$GOWORK_DIR/gopath" "$GOWORK_DIR/cache"
go_build() {
  env -C "$INTEROP/$1" GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="$GOWORK_DIR/gopath:/usr/share/gocode" \
    GOCACHE="$GOWORK_DIR/cache" CGO_CFLAGS=-w go build -o "$GOWORK_DIR/$1" .
}
must "build tests/interop/stepcainit against Debian's smallstep packages" go_build stepcainit
must "build tests/interop/stepclient against Debian's smallstep packages" go_build stepclient

# ---- a step-ca, as `step ca init --ssh` makes it ----
unset SOFTHSM2_CONF
STEP="$T/step"
mkdir -p "$STEP"
printf 'correct horse\n' >"$T/step-password"
CA_PORT=$(free_port)
PROV=admin@example.com
step_init() {
  env STEPPATH="$STEP" "$GOWORK_DIR/stepcainit" -password-file "$T/step-password" -name "Step Test" \
    -dns 127.0.0.1,localhost -address "127.0.0.1:$CA_PORT" -provisioner "$PROV" -key-out "$T/prov.pem" \
    >"$T/stepcainit.log" 2>&1 || { cat "$T/stepcainit.log" >&2; return 1; }
}
must "stepcainit makes a step-ca configuration with step-ca's own code" step_init
STEP_CFG="$STEP/config/ca.json"
check "step's SSH CA key files are encrypted" grep -q ENCRYPTED "$STEP/secrets/ssh_user_ca_key"
# An ACME provisioner beside step's own: sshca has none, so it must be listed.
jq '.authority.provisioners += [{"type": "ACME", "name": "acme"}]' "$STEP_CFG" >"$T/ca.json.new" &&
  mv "$T/ca.json.new" "$STEP_CFG"
STEP_FP=$(openssl x509 -in "$STEP/certs/root_ca.crt" -outform DER | sha256sum | cut -d' ' -f1)

# ---- refusals first: nothing made ----
CA="$T/ca"
printf 'wrong\n' >"$T/wrong-password"
expect_fail "a wrong password is refused" \
  "$SSHCA" import-step-ca --step-config "$STEP_CFG" --dir "$CA" --password-file "$T/wrong-password"
err_contains "ssh_user_ca_key"
check "... and no directory was made" [ ! -e "$CA" ]
mkdir -p "$T/busy" && echo keep >"$T/busy/file"
expect_fail "a non-empty --dir is refused" \
  "$SSHCA" import-step-ca --step-config "$STEP_CFG" --dir "$T/busy" --password-file "$T/step-password"
err_contains "not empty"
check "... and it is as it was" [ "$(ls -A "$T/busy")" = file ]
expect_fail "without a password (and no terminal) it says how to give one" \
  env -u SSHCA_KEY_PASSWORD "$SSHCA" import-step-ca --step-config "$STEP_CFG" --dir "$CA" </dev/null
err_contains "--password-file"

# ---- the import ----
START=$SECONDS
must "sshca import-step-ca" \
  "$SSHCA" import-step-ca --step-config "$STEP_CFG" --dir "$CA" --password-file "$T/step-password" \
  >"$T/import.out" 2>"$T/import.err"
echo "    (import: $((SECONDS - START)) s)"
sed 's/^/    | /' "$T/import.out"
CFG="$CA/config/ca.json"
ROOT="$CA/certs/root_ca.crt"
DB="$CA/db/sshca.db"
for line in "ssh.userKey $STEP/secrets/ssh_user_ca_key -> imported onto the token as pkcs11:object=ssh-user-ca" \
  "(JWK $PROV).encryptedKey -> encryptedKey" "(SSHPOP sshpop) -> sshpop" "address 127.0.0.1:$CA_PORT"; do
  check "the import says: $line" grep -qF -- "$line" "$T/import.out"
done
for item in "db (badgerv2" "logger:" "tls (cipher suites" "templates:" "(ACME acme): not imported"; do
  check "listed as not imported: $item" \
    bash -c 'sed -n "/^not imported/,/^$/p" "$1" | grep -qF -- "$2"' _ "$T/import.out" "$item"
done
check "the password is printed nowhere" bash -c '! grep -q "correct horse" "$1" "$2"' _ "$T/import.out" "$T/import.err"
check "the root fingerprint is step-ca's" grep -q "root fingerprint: $STEP_FP" "$T/import.out"
check "the root certificate is step-ca's" cmp -s <(openssl x509 -in "$ROOT") <(openssl x509 -in "$STEP/certs/root_ca.crt")
check "the SSH user CA key is step-ca's" grep -qF "$(cut -d' ' -f1,2 "$STEP/certs/ssh_user_ca_key.pub")" "$T/import.out"
check "the SSH host CA key is step-ca's" grep -qF "$(cut -d' ' -f1,2 "$STEP/certs/ssh_host_ca_key.pub")" "$T/import.out"
check "ca.json names the keys on the token" \
  [ "$(jq -r '[.ssh.userKey, .ssh.hostKey, .x509.intermediateKey] | join(" ")' "$CFG")" = \
  "pkcs11:object=ssh-user-ca pkcs11:object=ssh-host-ca pkcs11:object=intermediate-ca" ]
KMS=$(jq -r .kms "$CFG")
SOFTHSM2_CONF="$CA/softhsm2.conf" "$SSHCA" kms list --kms "$KMS" >"$T/list" 2>"$T/list.err"
for k in ssh-user-ca ssh-host-ca intermediate-ca; do
  check "the token holds $k" awk -v l="$k" '$1 == l {f = 1} END {exit !f}' "$T/list"
done
# The only private key in DIR is the service's own TLS key (made here, not step's).
check "no private key file in DIR but the new TLS key" \
  [ "$(grep -rl 'PRIVATE KEY' "$CA" --exclude-dir=tokens | sort | tr '\n' ' ')" = "$CA/secrets/tls.key " ]
for f in ssh_user_ca_key ssh_host_ca_key intermediate_ca_key; do
  check "no copy of step's $f in DIR" bash -c '! grep -rqF -f <(sed -n 5p "$1") "$2"' _ "$STEP/secrets/$f" "$CA"
done
check "the JWK provisioner keeps step's key and encryptedKey" \
  [ "$(jq -c --arg p "$PROV" '.provisioners[] | select(.name == $p) | [.publicKey.kid, .encryptedKey]' "$CFG")" = \
  "$(jq -c --arg p "$PROV" '.authority.provisioners[] | select(.name == $p) | [.key.kid, .encryptedKey]' "$STEP_CFG")" ]

# ---- the imported CA serves step's clients ----
CA_URL="https://127.0.0.1:$CA_PORT"
must "sshca serve runs the imported CA" start_serve "$CFG" "$CA_URL" "$T/serve.log"
KID=$(jq -r --arg p "$PROV" '.authority.provisioners[] | select(.name == $p) | .key.kid' "$STEP_CFG")
check "/provisioners/{kid}/encrypted-key serves step's encryptedKey as step wrote it" \
  [ "$(curl -sf --cacert "$ROOT" "$CA_URL/provisioners/$KID/encrypted-key" | jq -r .key)" = \
  "$(jq -r --arg p "$PROV" '.authority.provisioners[] | select(.name == $p) | .encryptedKey' "$STEP_CFG")" ]
mkdir -p "$T/client"
if "$GOWORK_DIR/stepclient" -ca-url "$CA_URL" -fingerprint "$STEP_FP" -root "$STEP/certs/root_ca.crt" \
  -provisioner "$PROV" -provisioner-key "$T/prov.pem" -sshpop sshpop -dir "$T/client" -tag imported \
  >"$T/client.out" 2>&1; then
  pass "step's client library with step's provisioner key against the imported CA"
else
  fail "step's client library with step's provisioner key against the imported CA"
fi
sed 's/^/    /' "$T/client.out"

HOST_CERT="$T/client/ssh_host_ecdsa_key_imported-cert.pub"
ssh-keygen -L -f "$HOST_CERT" >"$T/host-cert.txt" 2>&1 || true
HOST_CA_FP=$(ssh-keygen -lf "$STEP/certs/ssh_host_ca_key.pub" | cut -d' ' -f2)
check "ssh-keygen -L: a host certificate" grep -q "Type: ecdsa-sha2-nistp256-cert-v01@openssh.com host certificate" "$T/host-cert.txt"
check "ssh-keygen -L: signed by step-ca's host CA key" grep -qF "Signing CA: ECDSA $HOST_CA_FP" "$T/host-cert.txt"
check "ssh-keygen -L: the host's name" grep -q "web-imported.example.com" "$T/host-cert.txt"
rows=$(sqlite3 "$DB" 'SELECT count(*) FROM ssh_certificates' 2>/dev/null || echo "?")
check "the certificates issued are exactly the accepted ones (5 rows, got $rows)" [ "$rows" = 5 ]

# ---- a step-ca whose keys are on a PKCS#11 token: they stay there ----
new_token smallstep # exports SOFTHSM2_CONF; PIN 1234 in $PIN_FILE
HSM_KMS=$KMS
"$SSHCA" kms create --kms "$HSM_KMS" --key pkcs11:object=ssh-user-key --type ecdsa-p256 >"$T/hsm-user.pub"
"$SSHCA" kms create --kms "$HSM_KMS" --key pkcs11:object=ssh-host-key --type ecdsa-p256 >"$T/hsm-host.pub"
hsm_pki() { "$SSHCA" pki init --kms "$HSM_KMS" --name "Step HSM" --out "$T/hsm-pki" >"$T/hsm-pki.log" 2>&1; }
must "root and intermediate on the token" hsm_pki
HSM_PORT=$(free_port)
jq --arg uri "pkcs11:module-path=$SOFTHSM_MODULE;token=smallstep" --arg root "$T/hsm-pki/root_ca.crt" \
  --arg crt "$T/hsm-pki/intermediate_ca.crt" --arg addr "127.0.0.1:$HSM_PORT" \
  '.kms = {type: "pkcs11", uri: $uri, pin: "1234"} | .root = $root | .crt = $crt |
   .key = "pkcs11:object=intermediate-ca" | .ssh.userKey = "pkcs11:object=ssh-user-key" |
   .ssh.hostKey = "pkcs11:object=ssh-host-key" | .address = $addr' "$STEP_CFG" >"$T/step-hsm.json"
"$SSHCA" kms list --kms "$HSM_KMS" >"$T/hsm-before"
HCA="$T/ca-hsm"
must "import a step-ca whose keys are on a PKCS#11 token (no password needed)" \
  "$SSHCA" import-step-ca --step-config "$T/step-hsm.json" --dir "$HCA" >"$T/import-hsm.out" 2>&1 </dev/null
HCFG="$HCA/config/ca.json"
check "the keys keep their URIs" \
  [ "$(jq -r '[.ssh.userKey, .ssh.hostKey, .x509.intermediateKey] | join(" ")' "$HCFG")" = \
  "pkcs11:object=ssh-user-key pkcs11:object=ssh-host-key pkcs11:object=intermediate-ca" ]
check "kms is step's token, its PIN named by a file" \
  [ "$(jq -r .kms "$HCFG")" = "pkcs11:module-path=$SOFTHSM_MODULE;token=smallstep?pin-source=file:$HCA/secrets/pin" ]
check "the PIN file holds step's kms.pin, mode 0600" \
  [ "$(stat -c %a "$HCA/secrets/pin"):$(cat "$HCA/secrets/pin")" = "600:1234" ]
check "no token was made in DIR" [ ! -e "$HCA/tokens" ]
"$SSHCA" kms list --kms "$HSM_KMS" >"$T/hsm-after"
check "nothing was added to step's token" cmp -s "$T/hsm-before" "$T/hsm-after"
ROOT="$HCA/certs/root_ca.crt"
HSM_FP=$(openssl x509 -in "$ROOT" -outform DER | sha256sum | cut -d' ' -f1)
must "sshca serve runs it on step's token" start_serve "$HCFG" "https://127.0.0.1:$HSM_PORT" "$T/serve-hsm.log"
mkdir -p "$T/client-hsm"
if "$GOWORK_DIR/stepclient" -ca-url "https://127.0.0.1:$HSM_PORT" -fingerprint "$HSM_FP" -root "$ROOT" \
  -provisioner "$PROV" -provisioner-key "$T/prov.pem" -sshpop sshpop -dir "$T/client-hsm" -tag hsm \
  >"$T/client-hsm.out" 2>&1; then
  pass "step's client library against the CA on step's token"
else
  fail "step's client library against the CA on step's token"
  sed 's/^/    /' "$T/client-hsm.out"
fi
HOST_CA_FP=$(ssh-keygen -lf "$T/hsm-host.pub" | cut -d' ' -f2)
check "ssh-keygen -L: the host certificate is signed by the token's host key" \
  bash -c 'ssh-keygen -L -f "$1" | grep -qF "Signing CA: ECDSA $2"' _ "$T/client-hsm/ssh_host_ecdsa_key_hsm-cert.pub" "$HOST_CA_FP"
finish
