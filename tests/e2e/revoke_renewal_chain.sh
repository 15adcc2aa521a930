#!/usr/bin/env bash
# Revocation that holds across renewals (issue 23), against `sshca serve`
# and the real sshca-agent: enroll gives A, renew gives B.
#  - `sshca revoke --serial B` revokes A too and prints both serials; the
#    KRL lists both; renewing from A and from B is refused, nothing issued,
#    no token spent.
#  - the other way round: revoking A revokes B; renewing from B is refused.
#  - a replaced certificate (A after A -> B), not revoked, cannot renew
#    again: the chain does not fork.
#  - renewal after expiry only within the sshpop provisioner's
#    renewalGracePeriod: past it refused (nothing issued), within it ok;
#    a grace with allowRenewalAfterExpiry false is a configuration error.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, spent, get
require_root
AGENT="$BUILD_DIR/bin/sshca-agent"
start_ca
cd "$T"
AGENT_CA_URL=$(jq -r .url "$CFG")
CONF="$T/agent"
revoked() { sqlite3 "$DB" "SELECT count(*) FROM ssh_certificates WHERE revoked_at IS NOT NULL AND serial = $1"; }
serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/ {print $2}'; }
# sqlite holds serials as signed 64-bit integers.
signed() { python3 -c 'import sys; s=int(sys.argv[1]); print(s-2**64 if s>=2**63 else s)' "$1"; }
listed_in_krl() { [ "$(get /ssh/krl)" = 200 ] && ! ssh-keygen -Q -f "$T/out" "$1" >/dev/null 2>&1; }

"$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$CONF" \
  --known-hosts "$T/known_hosts" >/dev/null 2>&1

# enroll NAME: a host key $T/NAME/key and its certificate from the CA.
enroll() {
  mkdir -p "$T/$1"
  ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$T/$1/key"
  SSHCA_TOKEN=$("$SSHCA" token host "$1.example" --principals "$1.example" --config "$CFG") \
    "$AGENT" host enroll --config-dir "$CONF" --key "$T/$1/key.pub" --reload-command '' 2>"$T/enroll.err" ||
    { cat "$T/enroll.err" >&2; return 1; }
}
renew() { # NAME: renew --force with the certificate in place; the agent's exit status
  "$AGENT" host renew --force --config-dir "$CONF" --key "$T/$1/key.pub" --reload-command '' 2>"$T/renew.err"
}
# refused_renewal WHAT NAME CERT-FILE MESSAGE: renewing from CERT-FILE fails, issues and spends nothing.
refused_renewal() {
  cp "$3" "$T/$2/key-cert.pub"
  local before_issued before_spent
  before_issued=$(rows); before_spent=$(spent)
  expect_fail "$1" renew "$2"
  if grep -qF -- "$4" "$T/renew.err"; then pass "$1: says '$4'"; else fail "$1: no '$4' in: $(cat "$T/renew.err")"; fi
  check "$1: nothing issued" test "$(rows)" = "$before_issued"
  check "$1: no token spent" test "$(spent)" = "$before_spent"
}

# ---- revoke B: A goes with it ----
must "enroll host one (certificate A)" enroll one
cp "$T/one/key-cert.pub" "$T/one/A"
must "renew A into B" renew one
cp "$T/one/key-cert.pub" "$T/one/B"
A=$(serial_of "$T/one/A"); B=$(serial_of "$T/one/B")
check "A and B differ" test "$A" != "$B"
check "the replacement A -> B is recorded" \
  test "$(sqlite3 "$DB" "SELECT count(*) FROM ssh_certificate_replacements WHERE old_serial = $(signed "$A") AND new_serial = $(signed "$B")")" = 1
"$SSHCA" revoke --config "$CFG" --serial "$B" --reason "host compromised" >"$T/revoke.out"
check "sshca revoke prints B" grep -q "^revoked serial $B " "$T/revoke.out"
check "sshca revoke prints A, of the same renewal chain" grep -q "^revoked serial $A .*of the same renewal chain" "$T/revoke.out"
check "A is revoked in the database" test "$(revoked "$(signed "$A")")" = 1
check "the KRL lists B" listed_in_krl "$T/one/B"
check "the KRL lists A" listed_in_krl "$T/one/A"
refused_renewal "renewing from A after B was revoked is refused" one "$T/one/A" "has been revoked"
refused_renewal "renewing from B after B was revoked is refused" one "$T/one/B" "has been revoked"

# ---- revoke A: B goes with it ----
must "enroll host two (certificate A)" enroll two
cp "$T/two/key-cert.pub" "$T/two/A"
must "renew A into B" renew two
cp "$T/two/key-cert.pub" "$T/two/B"
A=$(serial_of "$T/two/A"); B=$(serial_of "$T/two/B")
"$SSHCA" revoke --config "$CFG" --serial "$A" --reason "old disk found" >"$T/revoke.out"
check "sshca revoke of A prints B too" grep -q "^revoked serial $B .*of the same renewal chain" "$T/revoke.out"
check "the KRL lists B" listed_in_krl "$T/two/B"
refused_renewal "renewing from B after A was revoked is refused" two "$T/two/B" "has been revoked"
expect_fail "revoking B again: already revoked" "$SSHCA" revoke --config "$CFG" --serial "$B" --reason again

# ---- a replaced certificate does not renew again (no fork) ----
must "enroll host three (certificate A)" enroll three
cp "$T/three/key-cert.pub" "$T/three/A"
must "renew A into B" renew three
cp "$T/three/key-cert.pub" "$T/three/B"
refused_renewal "renewing from A once B replaced it is refused" three "$T/three/A" "was already replaced by serial $(serial_of "$T/three/B")"
cp "$T/three/B" "$T/three/key-cert.pub"
check "B, the newest, still renews" renew three

# ---- renewal after expiry: only within renewalGracePeriod ----
# Host certificates that end 30 s after issue (the JWK provisioner's policy; the length
# counts from now, and the CA starts them 300 s in the past for clock skew), then the CA
# restarted.
set_config() { jq "$1" "$CFG" >"$T/ca.json.new" && cat "$T/ca.json.new" >"$CFG"; }
restart() { kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true; restart_ca; }
set_config '(.provisioners[] | select(.type == "jwk") | .policy.host) |= (.defaultValidity = "30s" | .maxValidity = "30s")'
restart
must "enroll host four with a certificate ending in 30 s" enroll four
END=$(ssh-keygen -L -f "$T/four/key-cert.pub" | awk '/Valid:/ {print $5}')
cp "$T/four/key-cert.pub" "$T/four/expired"
# Wait (bounded) until it is 3 s past its end.
end_epoch=$(date -d "$END" +%s)
for i in $(seq 1 900); do [ "$(date +%s)" -ge $((end_epoch + 3)) ] && break; sleep 0.1; done
set_config '(.provisioners[] | select(.type == "sshpop")) |= (.allowRenewalAfterExpiry = true | .renewalGracePeriod = "2s")'
restart
refused_renewal "an expired certificate past the 2 s grace is refused" four "$T/four/expired" "past the renewal grace period"
set_config '(.provisioners[] | select(.type == "sshpop")) |= (.allowRenewalAfterExpiry = false | del(.renewalGracePeriod))'
restart
refused_renewal "an expired certificate without a grace is refused" four "$T/four/expired" "expired at"
set_config '(.provisioners[] | select(.type == "sshpop")) |= (del(.allowRenewalAfterExpiry) | .renewalGracePeriod = "1h")'
restart
before=$(rows)
cp "$T/four/expired" "$T/four/key-cert.pub"
check "an expired certificate within the grace renews" renew four
check "... one certificate issued" test "$(rows)" = $((before + 1))
new_end=$(date -d "$(ssh-keygen -L -f "$T/four/key-cert.pub" | awk '/Valid:/ {print $5}')" +%s)
check "... and valid now" test "$new_end" -gt "$(date +%s)"

set_config '(.provisioners[] | select(.type == "sshpop")) |= (.allowRenewalAfterExpiry = false | .renewalGracePeriod = "1h")'
kill "$CA_PID"; wait "$CA_PID" 2>/dev/null || true
expect_fail "a grace with allowRenewalAfterExpiry false is refused at start" \
  timeout 60 "$SSHCA" serve --config "$CFG"
err_contains "renewalGracePeriod"
finish
