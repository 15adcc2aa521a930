#!/usr/bin/env bash
# Installs every Debian 12 package sshca needs (idempotent, non-interactive)
# and builds a Release tree into build/ (binaries in build/bin, libraries and
# the PAM module in build/lib).
#   scripts/setup.sh [TARGET...]   builds only these targets (e.g. sshca);
#                                  default: all of them (tests, benchmarks too)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake pkg-config git python3 curl jq
  python3-cryptography  # tests/lib/sshpop_token.py mints attack tokens (tests/e2e/x509_sign.sh)
  libssl-dev openssl
  libp11-kit-dev p11-kit libp11-dev libengine-pkcs11-openssl
  opensc opensc-pkcs11 softhsm2
  libssh-dev libcjose-dev libjansson-dev libcurl4-openssl-dev liboauth2-dev
  libcpp-httplib-dev libboost1.74-dev nlohmann-json3-dev libcli11-dev catch2
  libpam0g-dev pamtester libcap2-bin
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libarchive-dev  # sshca backup / restore: the archive is a tar
  openssh-server openssh-client
  debhelper dpkg-dev fakeroot lintian
  clang-14 libclang-rt-14-dev
  prometheus  # promtool: tests/e2e/serve_metrics.sh checks GET /metrics
  certbot lego python3-cryptography  # ACME clients: tests/e2e/acme_certbot.sh, acme_lego.sh
  dnsmasq-base  # the DNS server for dns-01: tests/e2e/acme_dns01.sh
  # smallstep's Go client library 0.19 and Go, for the step-client interop test
  golang-go golang-github-smallstep-certificates-dev
)
# Node for the test identity provider (tests/oidc): Debian's only when
# there is no node already (a newer one may be installed).
command -v node >/dev/null 2>&1 || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The test identity provider's packages, pinned by tests/oidc/package-lock.json;
# again only when the lock file changed since the last install, and only for
# a full build (the tests need them; `setup.sh sshca` does not).
if [ $# -eq 0 ] && { [ ! -f tests/oidc/node_modules/.package-lock.json ] ||
   [ tests/oidc/package-lock.json -nt tests/oidc/node_modules/.package-lock.json ]; }; then
  (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "setup: installed tests/oidc/node_modules (oidc-provider)"
fi

JOBS=${JOBS:-$(nproc)}
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ $# -gt 0 ]; then
  cmake --build build -j"$JOBS" --target "$@"
  echo "setup: built $*"
else
  cmake --build build -j"$JOBS"
  echo "setup: built build/"
fi
