#!/usr/bin/env bash
# Starts sshca on its embedded defaults: installs and builds (setup.sh),
# creates a complete CA in var/ca with `sshca init` unless one is there
# already (SoftHSM2 token, random PINs in var/ca/secrets, keys, X.509 root,
# intermediate and TLS certificate, provisioner, database, config), then
# runs `sshca serve` in the foreground. Until `sshca serve` exists, it
# demonstrates the offline CA instead: a user key signed inside the token
# and printed by OpenSSH's own ssh-keygen -L.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

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

# CLI11 answers --help for an unknown subcommand with the top-level help and
# status 0: look for serve's own --config option instead.
if "$SSHCA" serve --help 2>/dev/null | grep -q -- '--config'; then
  echo "== sshca serve --config $CONFIG"
  exec "$SSHCA" serve --config "$CONFIG"
fi

# Fallback until `sshca serve` exists: sign a fresh user key with the CA's
# user key on the token.
KMS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kms"])' "$CONFIG")
echo "== keys on the token"
"$SSHCA" kms list --kms "$KMS"
DEMO=$CA/demo
mkdir -p "$DEMO"
rm -f "$DEMO/id_demo" "$DEMO/id_demo.pub" "$DEMO/id_demo-cert.pub"
ssh-keygen -q -t ed25519 -N '' -C "demo@$(hostname)" -f "$DEMO/id_demo"
echo "== signing $DEMO/id_demo.pub with the token's key (sshca serve is not built yet)"
"$SSHCA" ssh sign --kms "$KMS" --key pkcs11:object=ssh-user-ca --user --id "demo@$(hostname)" \
  --principals "$(id -un)" "$DEMO/id_demo.pub"
echo "== ssh-keygen -L -f $DEMO/id_demo-cert.pub"
ssh-keygen -L -f "$DEMO/id_demo-cert.pub"
