#!/usr/bin/env bash
# sshca-agent login (issue #6) against the real test identity provider
# (tests/oidc, npm oidc-provider) and a real `sshca serve`: device flow and
# browser flow (PKCE) end with the key and certificate in a real ssh-agent,
# a real ssh logs in to a real sshd as the mapped principal, and the
# group-mapped principal (root via admins) works only for the group's member.
# status / logout / config ssh / --write, and refusals that leave the agent
# untouched.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/oidc.sh"
require_root
AGENT="$BUILD_DIR/bin/sshca-agent"
cd "$T"

start_oidc_provider || { echo "cannot start the OIDC provider" >&2; exit 1; }
start_ca
"$SSHCA" provisioner add oidc corp --config "$CFG" --issuer "$OIDC_ISSUER" --client-id sshca \
  --domain example.com --principal-claim email-local --group admins=root >"$T/prov.log" 2>&1 ||
  { cat "$T/prov.log" >&2; exit 1; }
kill -HUP "$CA_PID"
for _ in $(seq 1 100); do
  curl -s --cacert "$ROOT" "$CA_URL/provisioners" | grep -q '"OIDC"' && break
  sleep 0.1
done
"$AGENT" bootstrap --ca-url "$CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$T/agent" \
  --known-hosts "$T/known_hosts.bootstrap" >"$T/bootstrap.log" 2>&1 || { cat "$T/bootstrap.log" >&2; exit 1; }

start_ssh_agent
agent_certs() { ssh-add -L 2>/dev/null | grep -c -- '-cert-v01@openssh.com' || true; }

# ---- a host to log in to: host certificate from the CA, principals files ----
new_user
ssh-keygen -q -t ecdsa -N '' -f "$T/ssh_host_ecdsa_key"
"$AGENT" host enroll --config-dir "$T/agent" --key "$T/ssh_host_ecdsa_key.pub" --reload-command '' \
  --token "$("$SSHCA" token host localhost --principals 127.0.0.1 --config "$CFG")" >"$T/enroll.log" 2>&1 ||
  { cat "$T/enroll.log" >&2; exit 1; }
mkdir -p "$T/principals"
printf 'alice\nbob\n' >"$T/principals/$TEST_USER"
printf 'root\n' >"$T/principals/root"
SSHD_PORT=$(free_port)
"$AGENT" bootstrap --ca-url "$CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$T/agent" --host \
  --user-ca-file "$T/user_ca.pub" >/dev/null 2>&1
write_sshd_config "$T/sshd_config" "HostKey $T/ssh_host_ecdsa_key" "HostCertificate $T/ssh_host_ecdsa_key-cert.pub" \
  "TrustedUserCAKeys $T/user_ca.pub" "AuthorizedPrincipalsFile $T/principals/%u" \
  "PermitRootLogin prohibit-password" "StrictModes no" "LogLevel VERBOSE"
start_sshd "$T/sshd_config"
check "config ssh --write adds the @cert-authority line" \
  "$AGENT" config ssh --config-dir "$T/agent" --write --known-hosts "$T/known_hosts"
"$AGENT" config ssh --config-dir "$T/agent" --write --known-hosts "$T/known_hosts" >/dev/null
check "config ssh --write adds it only once" test "$(grep -c '@cert-authority' "$T/known_hosts")" = 1
mkdir -p "$T/fresh-home"
check "config ssh --write for a user without ~/.ssh creates it" \
  env HOME="$T/fresh-home" "$AGENT" config ssh --config-dir "$T/agent" --write
check "~/.ssh is 0700 and holds the line" \
  bash -c '[ "$(stat -c %a "$1/.ssh")" = 700 ] && grep -q "@cert-authority" "$1/.ssh/known_hosts"' _ "$T/fresh-home"
ssh_as() { # USER: runs `id -un` there with the agent's certificates only
  ssh -F /dev/null -o IdentityAgent="$T/agent.sock" -o IdentitiesOnly=no -o UserKnownHostsFile="$T/known_hosts" \
    -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 \
    -p "$SSHD_PORT" "$1@127.0.0.1" id -un 2>>"$T/ssh.err"
}

# ---- refusals before any sign-in ----
rc=0; out=$(SSH_AUTH_SOCK= "$AGENT" login --device --config-dir "$T/agent" 2>&1) || rc=$?
check "login without an agent and without --write fails" test "$rc" -ne 0
check "... saying why" grep -q "ssh-agent" <<<"$out"
check "... before the sign-in starts (no code shown)" bash -c '! grep -q "enter the code" <<<"$1"' _ "$out"

# ---- device flow: alice (admins) ----
"$AGENT" login --device --config-dir "$T/agent" >"$T/login.out" 2>"$T/login.err" &
LOGIN_PID=$!
oidc_approve_device "$T/login.err" alice || cat "$T/login.err" >&2 || true
rc=0; wait "$LOGIN_PID" || rc=$?
check "login --device as alice succeeds" test "$rc" = 0
[ "$rc" = 0 ] || cat "$T/login.err" >&2
check "login printed the user code and the verification URI" grep -q "enter the code" "$T/login.err"
check "login reports the principals" grep -q "principals alice,root\|principals root,alice" "$T/login.out"
check "ssh-add -L shows alice's certificate" test "$(agent_certs)" = 1
ssh-add -L | grep -- '-cert-v01' | head -n1 >"$T/alice-cert.pub"
L=$(ssh-keygen -L -f "$T/alice-cert.pub")
check "alice's certificate has principal alice" grep -qx ' *alice' <<<"$L"
check "alice's certificate has principal root (admins)" grep -qx ' *root' <<<"$L"
check "status lists alice's certificate" bash -c '"$1" status --config-dir "$2" | grep -q "alice"' _ "$AGENT" "$T/agent"
check "ssh logs in as the mapped principal (alice -> test user)" test "$(ssh_as "$TEST_USER" || true)" = "$TEST_USER"
check "ssh logs in as root via the admins group" test "$(ssh_as root || true)" = root
# ---- status reads the installed KRL ----
"$AGENT" status --config-dir "$T/agent" --krl "$T/no.krl" >"$T/status.out" 2>"$T/status.err"
check "status without a KRL says revocation was not checked" grep -q "revocation not checked" "$T/status.err"
check "... and does not mark the certificate" bash -c '! grep -q "REVOKED" "$1"' _ "$T/status.out"
"$SSHCA" revoke --config "$CFG" --serial "$(ssh-keygen -L -f "$T/alice-cert.pub" | awk '/Serial:/{print $2}')" \
  --reason "status test" >/dev/null
curl -sf --max-time 10 --cacert "$ROOT" "$CA_URL/ssh/krl" >"$T/installed.krl"
check "status marks alice's revoked certificate from the KRL" \
  bash -c '"$1" status --config-dir "$2" --krl "$3" | grep -q "alice.*\[REVOKED (in the KRL)\]"' _ "$AGENT" "$T/agent" "$T/installed.krl"
check "logout removes it" bash -c '"$1" logout --config-dir "$2" | grep -q "removed 1"' _ "$AGENT" "$T/agent"
check "ssh-add -L shows no certificate after logout" test "$(agent_certs)" = 0

# ---- browser flow (PKCE, loopback redirect): bob (not in admins) ----
"$AGENT" login --browser --no-open --config-dir "$T/agent" >"$T/login.out" 2>"$T/login.err" &
LOGIN_PID=$!
oidc_open_browser_login "$T/login.err" || true
check "the browser flow redirects to 127.0.0.1" grep -q '^http://127.0.0.1:[0-9]*/callback$' <<<"$OIDC_REDIRECT"
check "the browser flow uses PKCE S256" grep -q 'code_challenge_method=S256' <<<"$OIDC_AUTH_URL"
{ oidc_sign_in bob && oidc_deliver >/dev/null; } || true
rc=0; wait "$LOGIN_PID" || rc=$?
check "login --browser as bob succeeds" test "$rc" = 0
[ "$rc" = 0 ] || cat "$T/login.err" >&2
check "ssh logs in as the mapped principal (bob -> test user)" test "$(ssh_as "$TEST_USER" || true)" = "$TEST_USER"
expect_fail "bob (not in admins) cannot log in as root" ssh_as root
"$AGENT" logout --config-dir "$T/agent" >/dev/null

# ---- a refused identity leaves the agent untouched ----
dave=$(oidc_device_login dave || true)  # email_verified false
rc=0; out=$("$AGENT" login --id-token-file - --config-dir "$T/agent" <<<"$dave" 2>&1) || rc=$?
check "an unverified email is refused" test "$rc" -ne 0
check "... with the CA's reason" grep -qi "email" <<<"$out"
check "... and nothing is added to the agent" test "$(agent_certs)" = 0

# ---- --write without an agent ----
erin=$(oidc_device_login bob)
SSH_AUTH_SOCK= "$AGENT" login --id-token-file - --write "$T/id_bob" --config-dir "$T/agent" <<<"$erin" \
  >/dev/null 2>"$T/write.err" || cat "$T/write.err" >&2
check "login --write writes key and certificate" test -s "$T/id_bob" -a -s "$T/id_bob-cert.pub"
check "the private key file is 0600" test "$(stat -c %a "$T/id_bob")" = 600
check "ssh-keygen reads the written key" bash -c 'ssh-keygen -y -f "$1" >/dev/null' _ "$T/id_bob"
got=$(ssh -F /dev/null -i "$T/id_bob" -o CertificateFile="$T/id_bob-cert.pub" -o IdentitiesOnly=yes \
  -o IdentityAgent=none -o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null \
  -o StrictHostKeyChecking=yes -o BatchMode=yes -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" id -un 2>>"$T/ssh.err" || true)
check "ssh logs in with the written files" test "$got" = "$TEST_USER"
check "a replayed ID token is refused" bash -c '! "$1" login --id-token-file - --write "$2" --config-dir "$3" <<<"$4" 2>/dev/null' \
  _ "$AGENT" "$T/id_again" "$T/agent" "$erin"

# ---- --write never replaces a key sshca-agent did not write ----
ssh-keygen -q -t ed25519 -N '' -C me@laptop -f "$T/id_own"
cp "$T/id_own" "$T/id_own.before"
fresh=$(oidc_device_login bob)
rc=0
SSH_AUTH_SOCK= "$AGENT" login --id-token-file - --write "$T/id_own" --config-dir "$T/agent" <<<"$fresh" \
  >/dev/null 2>"$T/own.err" || rc=$?
check "login --write over someone's own key fails" test "$rc" -ne 0
check "... saying it will not replace it" grep -q "not replacing it" "$T/own.err"
check "... and the key is untouched" cmp "$T/id_own" "$T/id_own.before"
cp "$T/id_bob-cert.pub" "$T/id_bob-cert.before"
check "login --write replaces what an earlier login wrote" bash -c \
  'SSH_AUTH_SOCK= "$1" login --id-token-file - --write "$2" --config-dir "$3" <<<"$4" >/dev/null 2>&1' \
  _ "$AGENT" "$T/id_bob" "$T/agent" "$fresh"
check "... with a new certificate" bash -c '! cmp -s "$1-cert.pub" "$1-cert.before"' _ "$T/id_bob"
# ---- an identity provider that does not answer: said so, and not blamed on the CA ----
"$SSHCA" provisioner add oidc down --config "$CFG" --issuer "http://127.0.0.1:$(free_port)/realms/down" \
  --client-id sshca --principal-claim email-local >>"$T/prov.log" 2>&1 || { cat "$T/prov.log" >&2; exit 1; }
kill -HUP "$CA_PID"
for _ in $(seq 1 100); do
  curl -s --cacert "$ROOT" "$CA_URL/provisioners" | grep -q '"down"' && break
  sleep 0.1
done
expect_fail "login through a provider that is down fails" \
  "$AGENT" login --device --provisioner down --config-dir "$T/agent"
err_contains "the identity provider does not answer"
finish
