#!/usr/bin/env bash
# Revocation and the KRL against `sshca serve` (issue 5): user certificates
# from `sshca token user` + POST /ssh/sign; revoked with `sshca revoke
# --serial` and `--key-id` on the CA machine and by an admin JWK token over
# HTTP; GET /ssh/krl read by the real `ssh-keygen -Q` (every revoked
# certificate and no other), krl_version rising, /ssh/krl.sig verified by
# `ssh-keygen -Y verify -n sshca-krl` against the user CA key; and a real
# sshd with RevokedKeys = that KRL refusing a revoked certificate and
# accepting another. Refusals assert that nothing was revoked.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # get, post, issue
require_root
start_ca
cd "$T"

revoked_rows() { sqlite3 "$DB" 'select count(*) from ssh_certificates where revoked_at is not null'; }
serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/{print $2}'; }


# fetch_krl: $T/krl and $T/krl.sig from the CA.
fetch_krl() {
  [ "$(get /ssh/krl)" = 200 ] && cp "$T/out" "$T/krl" &&
    [ "$(get /1.0/ssh/krl.sig)" = 200 ] && cp "$T/out" "$T/krl.sig"
}
krl_version() { ssh-keygen -Q -l -f "$T/krl" | awk '/^# KRL version/{print $4}'; }
is_revoked() { ! ssh-keygen -Q -f "$T/krl" "$T/$1-cert.pub" >/dev/null 2>&1; }
not_revoked() { ssh-keygen -Q -f "$T/krl" "$T/$1-cert.pub" >/dev/null 2>&1; }

new_user
for u in alice bob carol dave; do issue "$u" "$u" "$TEST_USER"; done
issue carol2 carol "$TEST_USER"  # a second certificate under carol's key ID

check "KRL before any revocation" fetch_krl
check "KRL version 0 at first" [ "$(krl_version)" = 0 ]
for u in alice bob carol carol2 dave; do check "nobody revoked at first: $u" not_revoked "$u"; done

# ---- sshca revoke on the CA machine ----
ALICE=$(serial_of "$T/alice-cert.pub")
"$SSHCA" revoke --config "$CFG" --serial "$ALICE" --reason "laptop stolen" >"$T/revoke.out"
check "sshca revoke --serial prints what it revoked" grep -q "revoked serial $ALICE (user certificate, key ID \"alice (admin)\"" "$T/revoke.out"
expect_fail "sshca revoke refuses an already revoked serial" \
  "$SSHCA" revoke --config "$CFG" --serial "$ALICE" --reason again
err_contains "already revoked"
before=$(revoked_rows)
expect_fail "sshca revoke refuses an unknown serial" "$SSHCA" revoke --config "$CFG" --serial 4242 --reason x
err_contains "no certificate with serial 4242"
expect_fail "sshca revoke refuses a malformed serial" "$SSHCA" revoke --config "$CFG" --serial 12x --reason x
expect_fail "sshca revoke refuses an unknown key ID" "$SSHCA" revoke --config "$CFG" --key-id nobody --reason x
err_contains "no certificate with key ID"
expect_fail "sshca revoke needs --serial or --key-id" "$SSHCA" revoke --config "$CFG" --reason x
check "the refusals revoked nothing" [ "$(revoked_rows)" = "$before" ]

"$SSHCA" revoke --config "$CFG" --key-id "carol (admin)" --reason "left" >"$T/revoke.out"
check "sshca revoke --key-id revokes every certificate of the key ID" [ "$(grep -c '^revoked serial' "$T/revoke.out")" = 2 ]

# ---- admin revoke over HTTP with a JWK token ----
BOB=$(serial_of "$T/bob-cert.pub")
TOKEN=$("$SSHCA" token revoke "$BOB" --config "$CFG")
jq -nc --arg s "$BOB" --arg ott "$TOKEN" '{serial: $s, ott: $ott, reasonCode: 1, reason: "key compromise", passive: true}' >"$T/revoke.json"
check "POST /1.0/ssh/revoke with an admin token is 200" [ "$(post "$T/revoke.json" /1.0/ssh/revoke)" = 200 ]
check "a replayed revoke token is 409" [ "$(post "$T/revoke.json" /1.0/ssh/revoke)" = 409 ]
DAVE=$(serial_of "$T/dave-cert.pub")
before=$(revoked_rows)
jq -nc --arg s "$DAVE" --arg ott "$("$SSHCA" token revoke "$BOB" --config "$CFG")" '{serial: $s, ott: $ott, passive: true}' >"$T/wrong.json"
check "a revoke token for another serial is 403" [ "$(post "$T/wrong.json" /ssh/revoke)" = 403 ]
jq -nc --arg s "$DAVE" --arg ott "$("$SSHCA" token user dave --principals x --config "$CFG")" '{serial: $s, ott: $ott, passive: true}' >"$T/wrong.json"
check "a sign token cannot revoke (401)" [ "$(post "$T/wrong.json" /ssh/revoke)" = 401 ]
check "the refused revocations revoked nothing" [ "$(revoked_rows)" = "$before" ]

# ---- the KRL ----
check "KRL after the revocations" fetch_krl
check "KRL version rose to 4 (alice, carol x2, bob)" [ "$(krl_version)" = 4 ]
check "ssh-keygen -Q: alice revoked" is_revoked alice
check "ssh-keygen -Q: bob revoked" is_revoked bob
check "ssh-keygen -Q: carol's first certificate revoked" is_revoked carol
check "ssh-keygen -Q: carol's second certificate revoked" is_revoked carol2
check "ssh-keygen -Q: dave not revoked" not_revoked dave

# The user CA key line `sshca init` printed (what TrustedUserCAKeys holds).
grep -A1 '^SSH user CA' "$T/init.log" | tail -1 | sed 's/^ *//' >"$T/user_ca.pub"
echo "sshca-krl@ca $(cat "$T/user_ca.pub")" >"$T/allowed_signers"
check "krl.sig verifies with ssh-keygen -Y verify -n sshca-krl against the user CA key" \
  bash -c 'ssh-keygen -Y verify -f "$1/allowed_signers" -I sshca-krl@ca -n sshca-krl -s "$1/krl.sig" <"$1/krl" >/dev/null' _ "$T"
expect_fail "krl.sig does not verify for another namespace" \
  bash -c 'ssh-keygen -Y verify -f "$1/allowed_signers" -I sshca-krl@ca -n file -s "$1/krl.sig" <"$1/krl"' _ "$T"
printf 'x' >>"$T/krl"
expect_fail "krl.sig does not verify a tampered KRL" \
  bash -c 'ssh-keygen -Y verify -f "$1/allowed_signers" -I sshca-krl@ca -n sshca-krl -s "$1/krl.sig" <"$1/krl"' _ "$T"
fetch_krl

# ---- a real sshd with RevokedKeys ----
ssh-keygen -q -t ecdsa -N '' -f "$T/ssh_host_ecdsa_key"
SSHD_PORT=$(free_port)
write_sshd_config "$T/sshd_config" "HostKey $T/ssh_host_ecdsa_key" "TrustedUserCAKeys $T/user_ca.pub" \
  "RevokedKeys $T/krl" "LogLevel VERBOSE"
start_sshd "$T/sshd_config"
ssh_login() { # NAME -> `id -un` as the test user with key NAME and NAME-cert.pub
  ssh -F /dev/null -i "$T/$1" -o CertificateFile="$T/$1-cert.pub" -o IdentitiesOnly=yes -o IdentityAgent=none \
    -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o BatchMode=yes -o ConnectTimeout=10 \
    -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" id -un 2>>"$T/ssh.err"
}
check "sshd with RevokedKeys accepts dave's certificate" [ "$(ssh_login dave || true)" = "$TEST_USER" ]
expect_fail "sshd with RevokedKeys refuses alice's revoked certificate" ssh_login alice
check "sshd log says the certificate is revoked" grep -qi "revoked" "$T/sshd.log"

finish
