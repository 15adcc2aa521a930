#!/usr/bin/env bash
# sshca-agent host renew against a live CA and a real sshd: not due -> exit
# 2 and nothing changes; --force -> new serial, same key, and after the
# reload sshd serves the new certificate; --rekey -> new key, and ssh still
# accepts the host with only the @cert-authority line; the cron.weekly job
# renews and syncs the KRL, and fails loudly (a failed renewal, no agent).
source "$(dirname "$0")/../lib/common.sh"
require_root
AGENT="$BUILD_DIR/bin/sshca-agent"
CRON="$(dirname "$0")/../../sshd-snippets/cron.weekly/sshca-host-renew"
start_ca
# The agent talks to the CA by the URL the CA knows itself as (ca.json "url",
# https://localhost:PORT): SSHPOP audiences are built from it.
AGENT_CA_URL=$(jq -r .url "$CFG")
CONF="$T/agent"
issued() { sqlite3 "$DB" 'SELECT count(*) FROM ssh_certificates'; }
serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/ {print $2}'; }
fp_of() { ssh-keygen -l -f "$1" | awk '{print $2}'; }

"$AGENT" bootstrap --ca-url "$AGENT_CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$CONF" \
  --known-hosts "$T/known_hosts" >/dev/null 2>&1
mkdir -p "$T/hostkeys"
KEY="$T/hostkeys/ssh_host_ecdsa_key"
CERT="$KEY-cert.pub"
ssh-keygen -q -t ecdsa -N '' -C host -f "$KEY"
SSHCA_TOKEN=$("$SSHCA" token host 127.0.0.1 --principals 127.0.0.1 --config "$CFG") \
  "$AGENT" host enroll --config-dir "$CONF" --key "$KEY.pub" --reload-command '' 2>/dev/null

# ---- a real sshd with the enrolled certificate ----
new_user
SSHD_PORT=$(free_port)
write_sshd_config "$T/sshd_config" "HostKey $KEY" "HostCertificate $CERT"
start_sshd "$T/sshd_config"
for i in $(seq 1 100); do [ -s "$T/sshd.pid" ] && break; sleep 0.1; done
RELOAD="kill -HUP \$(cat $T/sshd.pid)"

# What sshd presents: the certificate's base64 as ssh-keyscan -c sees it.
served_cert() { ssh-keyscan -c -t ecdsa -p "$SSHD_PORT" 127.0.0.1 2>/dev/null | awk '/cert-v01/ {print $2; exit}'; }
# Polls (sshd re-executes itself on SIGHUP): no timing assumption.
serves() { local i; for i in $(seq 1 100); do [ "$(served_cert)" = "$(cut -d' ' -f2 "$CERT")" ] && return 0; sleep 0.2; done; return 1; }
check "sshd serves the enrolled certificate" serves

# ---- not due: exit 2, nothing issued, nothing changed ----
cp "$CERT" "$T/cert.0"; BEFORE=$(issued)
set +e; "$AGENT" host renew --config-dir "$CONF" --key "$KEY.pub" --reload-command "$RELOAD" 2>"$T/renew.err"; rc=$?; set -e
check "renew when not due exits 2" test "$rc" = 2
check "not due: certificate untouched" cmp "$T/cert.0" "$CERT"
check "not due: nothing issued" test "$(issued)" = "$BEFORE"

# ---- --force: new serial, same key, sshd serves it after the reload ----
S0=$(serial_of "$CERT"); K0=$(fp_of "$KEY.pub")
set +e; "$AGENT" host renew --force --config-dir "$CONF" --key "$KEY.pub" --reload-command "$RELOAD" 2>"$T/renew.err"; rc=$?; set -e
check "renew --force exits 0" test "$rc" = 0 || cat "$T/renew.err" >&2
check "renew: serial changed" test "$(serial_of "$CERT")" != "$S0"
check "renew: key unchanged" test "$(fp_of "$CERT")" = "$K0"
check "renew: principals kept" bash -c "ssh-keygen -L -f '$CERT' | grep -A2 Principals: | grep -q 127.0.0.1"
check "renew: one certificate issued" test "$(issued)" = $((BEFORE + 1))
check "sshd serves the renewed certificate after the reload" serves

# ---- a failed reload is retried by the next run, even when nothing is due ----
PENDING="$CONF/sshd-reload-pending"
set +e; "$AGENT" host renew --force --config-dir "$CONF" --key "$KEY.pub" --reload-command false 2>"$T/renew.err"; rc=$?; set -e
check "renewed, but the reload failed: exit 1" test "$rc" = 1
check "... and the pending reload is noted" test -f "$PENDING"
BEFORE=$(issued)
set +e; "$AGENT" host renew --config-dir "$CONF" --key "$KEY.pub" --reload-command "$RELOAD" 2>"$T/renew.err"; rc=$?; set -e
check "the next run, nothing due, reloads sshd and exits 0" test "$rc" = 0
check "... says so" grep -q "sshd reloaded" "$T/renew.err"
check "... issued nothing" test "$(issued)" = "$BEFORE"
check "... and clears the note" test ! -e "$PENDING"
check "sshd serves the certificate renewed before the failed reload" serves
set +e; "$AGENT" host renew --config-dir "$CONF" --key "$KEY.pub" --reload-command "$RELOAD" 2>"$T/renew.err"; rc=$?; set -e
check "then nothing due again: exit 2" test "$rc" = 2
: >"$PENDING"
set +e; "$AGENT" host renew --config-dir "$CONF" --key "$KEY.pub" --reload-command '' 2>"$T/renew.err"; rc=$?; set -e
check "with reloads off (--reload-command ''), a pending note is dropped, not kept forever" test ! -e "$PENDING"

# ---- --rekey: new key of the same type, certified; ssh still trusts the host ----
cp "$KEY" "$T/key.0"
BEFORE=$(issued)
set +e; "$AGENT" host renew --force --rekey --config-dir "$CONF" --key "$KEY.pub" --reload-command "$RELOAD" 2>"$T/rekey.err"; rc=$?; set -e
check "renew --rekey exits 0" test "$rc" = 0 || cat "$T/rekey.err" >&2
check "rekey: key changed" test "$(fp_of "$KEY.pub")" != "$K0"
check "rekey: private key matches the .pub" test "$(ssh-keygen -y -f "$KEY" | cut -d' ' -f2)" = "$(cut -d' ' -f2 "$KEY.pub")"
check "rekey: certificate for the new key" test "$(fp_of "$CERT")" = "$(fp_of "$KEY.pub")"
check "rekey: same key type" grep -q '^ecdsa-sha2-nistp256 ' "$KEY.pub"
check "rekey: private key mode 0600" test "$(stat -c %a "$KEY")" = 600
check "rekey: no temporary files left" test -z "$(ls -A "$T/hostkeys" | grep -v '^ssh_host_ecdsa_key')"
check "rekey: one certificate issued" test "$(issued)" = $((BEFORE + 1))
check "sshd serves the rekeyed certificate after the reload" serves
ssh-keygen -q -t ed25519 -N '' -f "$T/alice"
UTOKEN=$("$SSHCA" token user "$TEST_USER" --principals "$TEST_USER" --config "$CFG")
jq -nc --arg pk "$(cut -d' ' -f2 "$T/alice.pub")" --arg ott "$UTOKEN" '{publicKey: $pk, ott: $ott}' |
  curl -sf --cacert "$ROOT" --data-binary @- "$CA_URL/1.0/ssh/sign" |
  jq -r .crt | sed 's/^/ssh-ed25519-cert-v01@openssh.com /' >"$T/alice-cert.pub"
echo "TrustedUserCAKeys $CONF/user_ca.pub" >>"$T/sshd_config"
kill -HUP "$(cat "$T/sshd.pid")"
login() {
  ssh -F /dev/null -i "$T/alice" -o CertificateFile="$T/alice-cert.pub" -o IdentitiesOnly=yes \
    -o IdentityAgent=none -o UserKnownHostsFile="$T/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=10 -p "$SSHD_PORT" "$TEST_USER@127.0.0.1" id -un
}
logs_in() { local i; for i in $(seq 1 50); do [ "$(login 2>/dev/null)" = "$TEST_USER" ] && return 0; sleep 0.2; done; return 1; }
check "ssh accepts the rekeyed host with only the @cert-authority line" logs_in

# ---- a private key that is not the certificate's: refused, nothing issued ----
cp "$KEY" "$T/key.good"
ssh-keygen -q -t ecdsa -N '' -f "$T/other" && cp "$T/other" "$KEY"
cp "$CERT" "$T/cert.1"; BEFORE=$(issued)
expect_fail "renew with a foreign private key" "$AGENT" host renew --force --config-dir "$CONF" --key "$KEY.pub" --reload-command "$RELOAD"
err_contains "is not the key of the certificate"
check "foreign key: nothing issued" test "$(issued)" = "$BEFORE"
check "foreign key: certificate untouched" cmp "$T/cert.1" "$CERT"
cp "$T/key.good" "$KEY"

# ---- the cron.weekly job against the live CA (paths from the environment):
# nothing due -> success, certificate kept, KRL synced; then with
# SSHCA_RENEW_FLAGS=--force it renews and sshd serves the new certificate ----
export SSHCA_AGENT="$AGENT" SSHCA_CONFIG_DIR="$CONF" SSHCA_HOST_KEYS="$KEY.pub" SSHCA_KRL_FILE="$T/revoked.krl"
export SSHCA_RELOAD_COMMAND="$RELOAD" SSHCA_RENEW_DELAY=0
S1=$(serial_of "$CERT")
check "cron job: succeeds when nothing is due" sh "$CRON"
check "cron job: not due -> certificate kept" test "$(serial_of "$CERT")" = "$S1"
check "cron job: KRL installed" test -s "$T/revoked.krl"
check "cron job: ssh-keygen -Q reads the KRL" bash -c "ssh-keygen -Q -f '$T/revoked.krl' '$CERT' | grep -q ok"
rm -f "$T/revoked.krl"
check "cron job: renews with SSHCA_RENEW_FLAGS=--force" env SSHCA_RENEW_FLAGS=--force sh "$CRON"
check "cron job: serial changed" test "$(serial_of "$CERT")" != "$S1"
check "cron job: KRL synced again" test -s "$T/revoked.krl"
check "sshd serves the certificate the cron job renewed" serves
# Failures are loud (stderr, status 1: cron mails them): a key without a
# certificate named for renewal, and a missing agent.
ssh-keygen -q -t ed25519 -N '' -f "$T/nocert_key"
expect_fail "cron job: a failed renewal exits non-zero" env SSHCA_HOST_KEYS="$T/nocert_key.pub" sh "$CRON"
err_contains "renewal failed"
expect_fail "cron job: a missing agent exits non-zero" env SSHCA_AGENT="$T/no-such-agent" sh "$CRON"
err_contains "not found"
finish
