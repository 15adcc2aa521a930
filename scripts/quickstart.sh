#!/usr/bin/env bash
# Starts sshca on its embedded defaults: installs and builds the sshca
# command only (setup.sh sshca; scripts/test.sh builds the rest),
# creates a complete CA in var/ca with `sshca init` unless one is there
# already (SoftHSM2 token, random PINs in var/ca/secrets, keys, X.509 root,
# intermediate and TLS certificate, provisioner, database, config), then
# runs `sshca serve` in the foreground (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh sshca

CA=${SSHCA_CA_DIR:-$PWD/var/ca}
SSHCA=$PWD/build/bin/sshca
CONFIG=$CA/config/ca.json

if [ ! -f "$CONFIG" ]; then
  echo "== creating the CA in $CA"
  # The embedded token must be the one in $CA, not one from the caller's environment.
  env -u SOFTHSM2_CONF "$SSHCA" init --dir "$CA"
fi
# The embedded token's SoftHSM2 configuration (ca.json's softhsm2Conf).
export SOFTHSM2_CONF=$CA/softhsm2.conf

echo "== sshca serve --config $CONFIG"
echo "   token:  $SSHCA token user \$USER --principals \$USER --config $CONFIG"
echo "   health: curl --cacert $CA/certs/root_ca.crt https://localhost:8443/health"
exec "$SSHCA" serve --config "$CONFIG"
