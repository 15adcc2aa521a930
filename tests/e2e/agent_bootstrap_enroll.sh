#!/usr/bin/env bash
# sshca-agent bootstrap and host enroll against a live CA, checked by the
# real OpenSSH: a wrong fingerprint stores nothing; enroll writes
# certificates ssh-keygen reads with the token's principals (one token for
# two keys); a real sshd presenting the enrolled certificate is accepted by
# ssh with only the @cert-authority line; a replayed token issues nothing.
source "$(dirname "$0")/../lib/common.sh"
require_root
AGENT="$BUILD_DIR/bin/sshca-agent"
start_ca
# The agent talks to the CA by the URL the CA knows itself as (ca.json "url",
# https://localhost:PORT); any name of the CA's TLS certificate would do
# (token audiences name each: step_client_interop.sh).
AGENT_CA_URL=$(jq -r .url "$CFG")
FP=$(root_fingerprint)
CONF="$T/agent"
issued() { sqlite3 "$DB" 'SELECT count(*) FROM ssh_certificates'; }

# ---- --help everywhere ----
for c in "" bootstrap "host enroll" "host renew" "krl sync" "config sshd"; do
  check "--help: sshca-agent $c" bash -c "'$AGENT' $c --help | grep -q Usage"
done
# Every command lists its exit statuses; only host renew has status 2.
for c in "" bootstrap login status logout krl "krl sync" "config ssh" "config sshd" "host enroll"; do
  check "--help: sshca-agent $c lists 0, 1 and 64 but not 2" \
    bash -c "'$AGENT' $c --help | grep -q '64 bad arguments' && ! '$AGENT' $c --help | grep -q 'nothing was due'"
done
check "--help: sshca-agent host renew lists status 2" bash -c "'$AGENT' host renew --help | grep -q '2 nothing was due'"
check "--help: sshca-agent says it does user login" bash -c "'$AGENT' --help | grep -q 'user login'"
check "--help: sshca-agent login points at docs/login.md" bash -c "'$AGENT' login --help | grep -q 'docs/login.md'"

# ---- a CA that does not answer: the message says what to check ----
expect_fail "bootstrap against a port nobody listens on fails" \
  "$AGENT" bootstrap --ca-url "https://127.0.0.1:$(free_port)" --fingerprint "$FP" --config-dir "$T/nowhere"
err_contains "is sshca serve running"

# ---- bootstrap: a wrong fingerprint is refused and stores nothing ----
WRONG=$(printf '%s' "$FP" | tr '0-9a-f' '1-9a-f0')
expect_fail "bootstrap with a wrong fingerprint" "$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$WRONG" \
  --config-dir "$CONF" --host --user-ca-file "$T/user_ca.pub" --known-hosts "$T/known_hosts"
err_contains "does not match --fingerprint"
check "wrong fingerprint: no config dir" test ! -e "$CONF"
check "wrong fingerprint: no user CA file" test ! -e "$T/user_ca.pub"
check "wrong fingerprint: no known_hosts" test ! -e "$T/known_hosts"
expect_fail "bootstrap with a malformed fingerprint" "$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint abc --config-dir "$CONF"
err_contains "64"
expect_fail "bootstrap over plain http" "$AGENT" bootstrap --ca-url "http://127.0.0.1:$CA_PORT" --fingerprint "$FP" --config-dir "$CONF"
err_contains "https://"

# ---- bootstrap: the right fingerprint (colons, upper case) pins the root ----
FP_COLONS=$(printf '%s' "$FP" | tr a-f A-F | sed 's/../&:/g; s/:$//')
"$AGENT" bootstrap --ca-url "$AGENT_CA_URL/" --fingerprint "$FP_COLONS" --config-dir "$CONF" --host \
  --user-ca-file "$T/user_ca.pub" --known-hosts "$T/known_hosts" >"$T/ca_line" 2>"$T/bootstrap.err"
check "bootstrap stores the root" cmp <(openssl x509 -in "$ROOT" -outform DER) <(openssl x509 -in "$CONF/root_ca.crt" -outform DER)
check "bootstrap stores the CA URL" test "$(jq -r .caUrl "$CONF/agent.json")" = "$AGENT_CA_URL"
ROOTS=$(curl -sf --cacert "$ROOT" "$CA_URL/ssh/roots")
check "user CA file holds /ssh/roots userKey" test "$(cut -d' ' -f2 "$T/user_ca.pub")" = "$(jq -r '.userKey[0]' <<<"$ROOTS")"
check "@cert-authority line holds the host CA key" test "$(cut -d' ' -f4 "$T/ca_line")" = "$(jq -r '.hostKey[0]' <<<"$ROOTS")"
check "@cert-authority line pattern *" grep -q '^@cert-authority \* ' "$T/ca_line"
check "known_hosts got the line" cmp "$T/ca_line" "$T/known_hosts"
"$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$FP" --config-dir "$CONF" --known-hosts "$T/known_hosts" \
  --host-pattern '*.example.com' >/dev/null 2>&1
"$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$FP" --config-dir "$CONF" --known-hosts "$T/known_hosts" >/dev/null 2>&1
check "known_hosts: each line once" test "$(grep -c '@cert-authority \* ' "$T/known_hosts")" = 1
check "known_hosts: --host-pattern" grep -q '^@cert-authority \*\.example\.com ' "$T/known_hosts"

# ---- host enroll: two keys, one token ----
mkdir -p "$T/hostkeys"
ssh-keygen -q -t ecdsa -N '' -C host -f "$T/hostkeys/ssh_host_ecdsa_key"
ssh-keygen -q -t ed25519 -N '' -C host -f "$T/hostkeys/ssh_host_ed25519_key"
KEYS=(--key "$T/hostkeys/ssh_host_ecdsa_key.pub" --key "$T/hostkeys/ssh_host_ed25519_key.pub")
TOKEN=$("$SSHCA" token host 127.0.0.1 --principals 127.0.0.1,localhost --config "$CFG")
BEFORE=$(issued)
# The token from a file (not the command line, where ps shows it).
(umask 077; printf '%s\n' "$TOKEN" >"$T/host.token")
"$AGENT" host enroll --config-dir "$CONF" --token-file "$T/host.token" "${KEYS[@]}" --reload-command '' 2>"$T/enroll.err" ||
  { cat "$T/enroll.err" >&2; fail "host enroll"; }
check "enroll prints the serial of every key's certificate" [ "$(grep -c "^sshca-agent: wrote .* (serial [0-9]*," "$T/enroll.err")" = 2 ]
for t in ecdsa ed25519; do
  cert="$T/hostkeys/ssh_host_${t}_key-cert.pub"
  L=$(ssh-keygen -L -f "$cert" 2>&1 || true)
  check "$t: host certificate written" grep -q "host certificate" <<<"$L"
  check "$t: principals from the token" bash -c 'grep -A3 "Principals:" <<<"$1" | grep -q "127.0.0.1" && grep -A3 "Principals:" <<<"$1" | grep -q localhost' _ "$L"
  check "$t: certifies its own key" test "$(ssh-keygen -l -f "$cert" | awk '{print $2}')" = "$(ssh-keygen -l -f "$T/hostkeys/ssh_host_${t}_key.pub" | awk '{print $2}')"
  check "$t: mode 0644" test "$(stat -c %a "$cert")" = 644
done
check "two certificates issued" test "$(issued)" = $((BEFORE + 2))

# ---- a replayed token issues nothing and leaves the certificates ----
cp "$T/hostkeys/ssh_host_ecdsa_key-cert.pub" "$T/ecdsa-cert.before"
BEFORE=$(issued)
expect_fail "enroll with a spent token" "$AGENT" host enroll --config-dir "$CONF" --token "$TOKEN" "${KEYS[@]}" --reload-command ''
err_contains "refused"
expect_fail "the spent token again, from stdin" \
  bash -c '"$1" host enroll --config-dir "$2" --token-file - --key "$3" --reload-command "" <"$4"' \
  _ "$AGENT" "$CONF" "$T/hostkeys/ssh_host_ecdsa_key.pub" "$T/host.token"
err_contains "refused"
expect_fail "the spent token again, from \$SSHCA_TOKEN" \
  env SSHCA_TOKEN="$TOKEN" "$AGENT" host enroll --config-dir "$CONF" "${KEYS[@]}" --reload-command ''
err_contains "refused"
expect_fail "no token at all" env -u SSHCA_TOKEN "$AGENT" host enroll --config-dir "$CONF" "${KEYS[@]}" --reload-command ''
err_contains "give the one-time token"
check "spent token: nothing issued" test "$(issued)" = "$BEFORE"
check "spent token: certificate untouched" cmp "$T/ecdsa-cert.before" "$T/hostkeys/ssh_host_ecdsa_key-cert.pub"
expect_fail "enroll without bootstrap" "$AGENT" host enroll --config-dir "$T/nowhere" --token "$TOKEN" "${KEYS[@]}" --reload-command ''
err_contains "bootstrap"

# ---- config sshd ----
"$AGENT" config sshd "${KEYS[@]}" --user-ca-file "$T/user_ca.pub" --krl "$T/none.krl" >"$T/dropin.conf"
check "config sshd: TrustedUserCAKeys" grep -qx "TrustedUserCAKeys $T/user_ca.pub" "$T/dropin.conf"
check "config sshd: HostCertificate per cert" test "$(grep -c '^HostCertificate ' "$T/dropin.conf")" = 2
check "config sshd: no RevokedKeys before the first sync" bash -c "! grep -q '^RevokedKeys' '$T/dropin.conf'"
rc=0; "$AGENT" config sshd "${KEYS[@]}" --user-ca-file "$T/missing_user_ca.pub" >"$T/dropin2.conf" 2>"$T/dropin2.err" || rc=$?
check "config sshd with a missing --user-ca-file fails (status 1)" [ "$rc" = 1 ]
check "and prints no drop-in" [ ! -s "$T/dropin2.conf" ]
check "and says to run bootstrap --host" grep -q "bootstrap --host" "$T/dropin2.err"

# ---- a real sshd presenting the certificate; ssh trusts only the CA line ----
new_user
SSHD_PORT=$(free_port)
write_sshd_config "$T/sshd_config" "HostKey $T/hostkeys/ssh_host_ecdsa_key" "Include $T/dropin.conf"
start_sshd "$T/sshd_config"
ssh-keygen -q -t ed25519 -N '' -f "$T/alice"
UTOKEN=$("$SSHCA" token user "$TEST_USER" --principals "$TEST_USER" --config "$CFG")
jq -nc --arg pk "$(cut -d' ' -f2 "$T/alice.pub")" --arg ott "$UTOKEN" '{publicKey: $pk, ott: $ott}' |
  curl -sf --cacert "$ROOT" -H 'Content-Type: application/json' --data-binary @- "$CA_URL/1.0/ssh/sign" |
  jq -r .crt | sed 's/^/ssh-ed25519-cert-v01@openssh.com /' >"$T/alice-cert.pub"
ssh_login() { # KNOWN_HOSTS
  ssh -F /dev/null -i "$T/alice" -o CertificateFile="$T/alice-cert.pub" -o IdentitiesOnly=yes \
    -o IdentityAgent=none -o UserKnownHostsFile="$1" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" id -un
}
check "ssh accepts the enrolled host with only the @cert-authority line" test "$(ssh_login "$T/ca_line" 2>"$T/ssh.err")" = "$TEST_USER"
# The same with another CA's line: host key verification fails (the check above means something).
ssh-keygen -q -t ed25519 -N '' -f "$T/other_ca"
echo "@cert-authority * $(cat "$T/other_ca.pub")" >"$T/other_known_hosts"
expect_fail "ssh refuses the host under another CA's line" ssh_login "$T/other_known_hosts"
err_contains "Host key verification failed"

finish
