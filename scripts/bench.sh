#!/usr/bin/env bash
# Benchmarks. `scripts/bench.sh sign [COUNT]`: user certificates signed
# in-process with a P-256 key on a fresh SoftHSM2 token, at 1 and 2 threads,
# beside the raw C_Sign/s of the same token. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-sign}
case "$what" in
  sign) ;;
  *) echo "usage: scripts/bench.sh sign [COUNT]" >&2; exit 2 ;;
esac
COUNT=${2:-20000}
BUILD=${SSHCA_BUILD_DIR:-build}
[ -x "$BUILD/bin/sshca-bench" ] || bash scripts/setup.sh >/dev/null

T=$(mktemp -d /tmp/sshca-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$T" >"$T/softhsm2.conf"
export SOFTHSM2_CONF="$T/softhsm2.conf"
softhsm2-util --init-token --free --label bench --pin 1234 --so-pin 12345678 >/dev/null
(umask 077; printf '1234' >"$T/pin")
KMS="pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=bench?pin-source=file:$T/pin"
"$BUILD/bin/sshca" kms create --kms "$KMS" --key pkcs11:object=bench-ca --type ecdsa-p256 >/dev/null
echo "sshca bench sign: $COUNT signatures per figure, P-256 key on SoftHSM2 $(dpkg-query -W -f='${Version}' softhsm2 2>/dev/null), $(nproc) cores"
"$BUILD/bin/sshca-bench" "$KMS" pkcs11:object=bench-ca "$COUNT" 1 2
