#!/usr/bin/env bash
# Runs the whole suite: set-up and Release build, every test through ctest,
# then the same suite again in a second build with AddressSanitizer +
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
JOBS=${JOBS:-$(nproc)}

echo "== tests (Release)"
ctest --test-dir build -j"$JOBS" --output-on-failure

echo "== tests (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSSHCA_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$JOBS"
# Leak detection on; tests/lsan.supp names the third-party leaks we accept.
# fast_unwind_on_malloc=0: full stacks through OpenSSL (no frame pointers), so
# that suppressions can see which module allocated.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The fuzz targets are built with ASan + UBSan by their own runner and ran
# in the Release pass already: not twice.
ctest --test-dir build-asan -j"$JOBS" --output-on-failure -E 'fuzz_parsers'
echo "== all tests passed (Release, and ASan + UBSan)"
