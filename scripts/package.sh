#!/usr/bin/env bash
# Builds the Debian packages sshca, sshca-agent and libpam-sshca with
# dpkg-buildpackage (debian/; docs/packaging.md) from a copy of this working
# tree, and checks them with lintian (errors fail).
#
#   scripts/package.sh [--out DIR] [--prebuilt BUILD_DIR] [--no-lintian]
#
#   --out DIR             where the .deb files go (default build-pkg/; debug
#                         symbol packages in DIR/dbgsym/)
#   --prebuilt BUILD_DIR  package the binaries of an already built Release
#                         tree (e.g. build/) instead of building them again
#                         (the e2e test does; such packages lack Debian's
#                         hardening build flags: use the default for releases)
#   --no-lintian          skip lintian
# JOBS (default: the number of cores) sets the build's parallelism.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build-pkg
PREBUILT=
LINTIAN=1
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --prebuilt) PREBUILT=$(cd "$2" && pwd); shift 2 ;;
    --no-lintian) LINTIAN=; shift ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$PREBUILT" ] && [ ! -x "$PREBUILT/bin/sshca" ]; then
  echo "package.sh: $PREBUILT/bin/sshca is not built" >&2
  exit 1
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

VERSION=$(dpkg-parsechangelog -l debian/changelog -S Version)
WORK=$OUT/work
SRC=$WORK/sshca-$VERSION
rm -rf "$WORK"
mkdir -p "$SRC"
# The working tree as it is (tracked and new files, not what .gitignore
# names), so that uncommitted changes are packaged as they would be built;
# outside a git checkout, everything but build trees and var/.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$SRC"
else
  tar --exclude='./build*' --exclude=./var --exclude=./tests/oidc/node_modules -cf - . | tar -xf - -C "$SRC"
fi

export DEB_BUILD_OPTIONS="parallel=${JOBS:-$(nproc)} nocheck"
if command -v ccache >/dev/null 2>&1; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$WORK}
fi
if [ -n "$PREBUILT" ]; then export SSHCA_PREBUILT=$PREBUILT; else unset SSHCA_PREBUILT; fi

echo "== dpkg-buildpackage (sshca $VERSION${PREBUILT:+, binaries of $PREBUILT})"
(cd "$SRC" && dpkg-buildpackage -b -uc -us) >"$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log" >&2
  echo "package.sh: dpkg-buildpackage failed; the whole log: $WORK/build.log" >&2
  exit 1
}
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
DEBS=()
for p in sshca sshca-agent libpam-sshca; do
  deb=${p}_${VERSION}_${ARCH}.deb
  mv -f "$WORK/$deb" "$OUT/"
  DEBS+=("$OUT/$deb")
done
# Debug symbols (a build with -g only, not --prebuilt): beside, not among them.
rm -rf "$OUT/dbgsym"
if compgen -G "$WORK/*-dbgsym_*" >/dev/null; then
  mkdir -p "$OUT/dbgsym"
  mv -f "$WORK"/*-dbgsym_* "$OUT/dbgsym/"
fi
rm -rf "$SRC"
printf '%s\n' "${DEBS[@]}"

if [ -n "$LINTIAN" ]; then
  echo "== lintian"
  # Warnings are listed, with the reason for each, in docs/packaging.md.
  lintian --fail-on error "${DEBS[@]}"
fi
