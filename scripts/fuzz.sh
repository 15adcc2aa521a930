#!/usr/bin/env bash
# scripts/fuzz.sh TARGET SECONDS [BUILD_DIR]: fuzzes one target (a
# tests/fuzz/fuzz_*.cpp name, e.g. fuzz_krl) for SECONDS through the e2e
# runner (tests/e2e/fuzz_parsers.sh: clang, ASan, UBSan, seeds from the
# real tools, the corpus kept in BUILD_DIR/fuzz/corpus). docs/fuzzing.md.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [BUILD_DIR]" >&2
  echo "targets: $(cd "$(dirname "$0")/../tests/fuzz" && ls fuzz_*.cpp | sed 's/\.cpp$//' | tr '\n' ' ')" >&2
  exit 64
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_ONLY=$1 FUZZ_SECONDS=$2 exec bash "$ROOT/tests/e2e/fuzz_parsers.sh" "${3:-$ROOT/build}"
