#!/usr/bin/env bash
# Starts sshca on its embedded defaults. Until the online CA exists this is
# a demonstration of the offline CA: a SoftHSM2 token in var/demo with the
# user CA key on it, a user key signed into a certificate inside the token,
# and the certificate printed by OpenSSH's own ssh-keygen -L.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

DEMO=${SSHCA_DEMO_DIR:-$PWD/var/demo}
SSHCA=$PWD/build/bin/sshca
mkdir -p "$DEMO/tokens" "$DEMO/secrets"
chmod 700 "$DEMO/secrets"
export SOFTHSM2_CONF="$DEMO/softhsm2.conf"
if [ ! -f "$SOFTHSM2_CONF" ]; then
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$DEMO" >"$SOFTHSM2_CONF"
  umask 077
  od -An -N8 -tx8 /dev/urandom | tr -d ' \n' >"$DEMO/secrets/pin"
  od -An -N8 -tx8 /dev/urandom | tr -d ' \n' >"$DEMO/secrets/so-pin"
  umask 022
  # PINs go from files to the token, never through a command line.
  "$SSHCA" hsm init-token --label sshca --so-pin-source "file:$DEMO/secrets/so-pin"
  "$SSHCA" hsm init-pin --kms "pkcs11:token=sshca" --so-pin-source "file:$DEMO/secrets/so-pin" \
    --new-pin-source "file:$DEMO/secrets/pin"
fi
KMS="pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=sshca?pin-source=file:$DEMO/secrets/pin"

if ! "$SSHCA" kms pubkey --kms "$KMS" --key pkcs11:object=ssh-user-ca >/dev/null 2>&1; then
  echo "== creating the user CA key on the token"
  "$SSHCA" kms create --kms "$KMS" --key pkcs11:object=ssh-user-ca --type ecdsa-p256
fi
echo "== keys on the token"
"$SSHCA" kms list --kms "$KMS"

rm -f "$DEMO/id_demo" "$DEMO/id_demo.pub" "$DEMO/id_demo-cert.pub"
ssh-keygen -q -t ed25519 -N '' -C "demo@$(hostname)" -f "$DEMO/id_demo"
echo "== signing $DEMO/id_demo.pub with the token's key"
"$SSHCA" ssh sign --kms "$KMS" --key pkcs11:object=ssh-user-ca --user --id "demo@$(hostname)" \
  --principals "$(id -un)" "$DEMO/id_demo.pub"
echo "== ssh-keygen -L -f $DEMO/id_demo-cert.pub"
ssh-keygen -L -f "$DEMO/id_demo-cert.pub"
