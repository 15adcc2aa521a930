#!/usr/bin/env bash
# scripts/lint.sh holds the house rules: the tree passes, and each kind of
# violation planted in a scratch copy of the tree makes it fail and name
# the file (an include against the layers, the core's ladder, a raw free
# outside a handle header, the wall clock in library code, a comment that
# names a file we do not have).
source "$(dirname "$0")/../lib/common.sh" "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
LINT="$SRC/scripts/lint.py"

check "the tree passes lint" python3 "$LINT" "$SRC"

# A scratch copy of the files lint reads (no build trees, no node_modules).
scratch() {
  rm -rf "$T/tree"
  mkdir -p "$T/tree"
  (cd "$SRC" && git ls-files -z 2>/dev/null || find . -type f -not -path './build*' -print0) |
    (cd "$SRC" && xargs -0 cp --parents -t "$T/tree" 2>/dev/null) || true
}
# plant WHAT FILE LINE EXPECTED: appends LINE to FILE in a fresh copy and
# asserts that lint fails with a finding that names FILE and EXPECTED.
plant() {
  local what=$1 file=$2 line=$3 expected=$4
  scratch
  printf '%s\n' "$line" >>"$T/tree/$file"
  if OUT=$(python3 "$LINT" "$T/tree" 2>&1); then
    fail "$what: lint passed"
  elif grep -qF "$file" <<<"$OUT" && grep -qF "$expected" <<<"$OUT"; then
    pass "$what"
  else
    fail "$what: lint failed for another reason: $OUT"
  fi
}

plant "core including the service is refused" ca/core/ssh/krl.cpp \
  '#include "ca/service/store/ssh_issuance_store.h"' "layer"
plant "core including the CLI is refused" ca/core/common/bytes.cpp '#include "ca/cli/pin_prompt.h"' "layer"
plant "the agent including the service is refused" agent/host/host_renew.cpp \
  '#include "ca/service/authority/authority.h"' "layer"
plant "the agent including the CLI is refused" agent/krl/krl_sync.cpp '#include "ca/cli/commands.h"' "layer"
plant "pam including the service is refused" pam/auth_flow.cpp '#include "ca/service/policy/ssh_policy.h"' "layer"
plant "a core room including one above it is refused" ca/core/ssh/ssh_cert.cpp \
  '#include "ca/core/kms/kms_uri.h"' "core ladder"
plant "a raw OPENSSL_free outside ossl.h is refused" ca/core/x509/crl.cpp \
  'void f(unsigned char* p) { OPENSSL_free(p); }' "raw OPENSSL_free"
plant "a raw sqlite3_finalize outside sqlite_handles.h is refused" ca/service/store/sqlite/sqlite_ssh_rows.cpp \
  'void f(sqlite3_stmt* s) { sqlite3_finalize(s); }' "raw sqlite3_finalize"
plant "a raw C_CloseSession outside pkcs11_handles is refused" ca/core/kms/pkcs11/pkcs11_signer.cpp \
  'void f(CK_FUNCTION_LIST* m) { m->C_CloseSession(0); }' "raw C_CloseSession"
plant "the wall clock in core is refused" ca/core/ssh/krl.cpp \
  'long f() { return std::time(nullptr); }' "wall clock"
plant "the wall clock in the service is refused" ca/service/policy/ssh_policy.cpp \
  'auto f() { return std::chrono::system_clock::now(); }' "wall clock"
plant "a comment naming a file we do not have is refused" ca/core/ssh/krl.h \
  '// As NOTES-NOT-HERE.md says.' "NOTES-NOT-HERE.md"
plant "a shell comment naming a file we do not have is refused" scripts/bench.sh \
  '# see docs/nothing-here.md' "docs/nothing-here.md"

finish
