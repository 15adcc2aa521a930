# Helpers for tests that run sshca through the fault-injecting PKCS#11
# module (tests/fakes/pkcs11_fault/): it forwards to SoftHSM2 and does what
# the control file says. Source after common.sh and new_token (or init_ca).

FAULT_MODULE="$BUILD_DIR/lib/libpkcs11_fault.so"
FAULT_CONTROL="$T/fault.control"
FAULT_COUNTS="$T/fault.counts"

# require_fault_module: skip the test (77) when the module was not built.
require_fault_module() {
  if [ ! -f "$FAULT_MODULE" ]; then echo "skipped: $FAULT_MODULE not built"; exit 77; fi
  export SSHCA_FAULT_MODULE="$SOFTHSM_MODULE" SSHCA_FAULT_CONTROL="$FAULT_CONTROL" SSHCA_FAULT_COUNTS="$FAULT_COUNTS"
}

# fault_set LINE...: replaces the control file with these lines at once
# (written aside, then renamed: the module never reads half a file).
fault_set() {
  printf '%s\n' "$@" >"$FAULT_CONTROL.new"
  mv -f "$FAULT_CONTROL.new" "$FAULT_CONTROL"
}

# fault_clear: no faults (the token present, nothing failing, no delay).
fault_clear() { fault_set "token = present"; }

# fault_count NAME: how often NAME (C_Sign, C_Login, max-concurrent-C_Sign)
# was called so far, by every process that loaded the module.
fault_count() {
  if [ ! -f "$FAULT_COUNTS" ]; then echo 0; return; fi
  awk -v n="$1" '$1 == n {print $2 + 0; f = 1} END {if (!f) print 0}' "$FAULT_COUNTS"
}

# serve_on_fault_module [JQ-FILTER]: ca.json's token reached through the
# fault module (which forwards to the SoftHSM2 module init used), no rate
# limits (the load comes from one address), then JQ-FILTER (the test's own
# settings) applied; no faults; serve (re)started.
serve_on_fault_module() {
  jq --arg m "$FAULT_MODULE" '.kms |= sub("module-path=[^;?]*"; "module-path=" + $m)
    | .limits = {perAddress: {perSecond: 0}, perProvisioner: {perSecond: 0}} | '"${1:-.}" "$CFG" >"$CFG.new"
  mv "$CFG.new" "$CFG"
  fault_clear
  must "serve starts on the fault module" restart_ca
}
