# ACME e2e helpers (sourced after common.sh): a CA with an "acme"
# provisioner whose validator ports are the test's, and names under
# sshca.test that resolve to 127.0.0.1 through /etc/hosts lines this file
# adds and removes again.
#
#   acme_hosts NAME...       127.0.0.1 NAME in /etc/hosts until the test exits
#   acme_ca HTTP_PORT TLS_PORT [EXTRA_JQ]
#                            init, add provisioner "acme" (names *.sshca.test),
#                            start serve; sets ACME_DIR (the directory URL)
#   acme_rows TABLE          rows of an ACME table (or x509_certificates)
#   acme_crl OUT             a CRL of the intermediate (sshca pki crl) to OUT
#   ACME_CLIENT              the bare client (acme_client.py) for what no
#                            real client does: python3 "$ACME_CLIENT" CMD ...

ACME_CLIENT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/acme_client.py"

acme_hosts() {
  if [ "$(id -u)" -ne 0 ] || [ ! -w /etc/hosts ]; then
    echo "skipped: needs root to add test names to /etc/hosts"
    exit 77
  fi
  local n
  cp /etc/hosts "$T/hosts.orig"
  for n in "$@"; do printf '127.0.0.1 %s # sshca-e2e %s\n' "$n" "$$" >>/etc/hosts; done
  # Remove only our own lines: another test may have added its own meanwhile.
  cleanup_add "sed -i '/# sshca-e2e $$\$/d' /etc/hosts"
  for n in "$@"; do getent hosts "$n" | grep -q '^127.0.0.1' || { echo "cannot resolve $n" >&2; return 1; }; done
}

acme_ca() {
  init_ca || return 1
  jq --argjson hp "$1" --argjson tp "$2" \
    '.provisioners += [{type: "acme", name: "acme", acme: {names: ["*.sshca.test"], validity: "720h",
       httpPort: $hp, tlsPort: $tp, validationTimeoutMs: 5000}}]'"${3:-}" "$CFG" >"$CFG.new" &&
    mv "$CFG.new" "$CFG" && chmod 600 "$CFG" || return 1
  restart_ca || return 1
  ACME_DIR="$CA_URL/acme/acme/directory"
  INTERMEDIATE=$(jq -r '.x509.intermediateCert' "$CFG")
}

acme_rows() { sqlite3 "$DB" "select count(*) from $1"; }

acme_crl() {
  local kms key
  kms=$(jq -r '.kms' "$CFG")
  key=$(jq -r '.x509.intermediateKey' "$CFG")
  SOFTHSM2_CONF=$(jq -r '.softhsm2Conf' "$CFG") "$SSHCA" pki crl --kms "$kms" --ca-cert "$INTERMEDIATE" \
    --ca-key "$key" --db "$DB" --out "$1" 2>/dev/null
}
