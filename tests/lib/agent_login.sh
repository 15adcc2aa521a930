# The set-up the `sshca-agent login` break tests share. Sourced by a script
# after common.sh and oidc.sh; export the provider's knobs (oidc.sh) first.
#
#   agent_login_setup   skips (77) without node, ssh-agent, sqlite3, jq, curl,
#                       python3 or tests/oidc/node_modules; starts the provider
#                       and a CA with the OIDC provisioners "corp" (client
#                       sshca) and "conf" (sshca-confidential), bootstraps an
#                       agent config in $T/agent and starts an ssh-agent
#   agent_certs         certificates in the ssh-agent
#   issued              certificate rows in the CA's database
#   login_bg ARGS...    `sshca-agent login` in the background (LOGIN_PID),
#                       stdout and stderr in $T/login.out and $T/login.err
#   login_rc            waits for it: LOGIN_RC
#   nothing_happened WHAT BEFORE   checks the agent is empty and the CA
#                       issued nothing since BEFORE=$(issued)

agent_login_setup() {
  AGENT="$BUILD_DIR/bin/sshca-agent"
  for tool in node ssh-agent ssh-add sqlite3 jq curl python3; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is missing"; exit 77; }
  done
  [ -d "$OIDC_DIR/node_modules/oidc-provider" ] ||
    { echo "skipped: tests/oidc/node_modules is missing (scripts/setup.sh)"; exit 77; }
  cd "$T"
  start_oidc_provider || { echo "cannot start the OIDC provider" >&2; exit 1; }
  start_ca
  _agent_login_provisioner corp sshca
  _agent_login_provisioner conf sshca-confidential
  kill -HUP "$CA_PID"
  for _ in $(seq 1 100); do
    [ "$(curl -s --cacert "$ROOT" "$CA_URL/provisioners" | grep -o '"OIDC"' | wc -l)" = 2 ] && break
    sleep 0.1
  done
  "$AGENT" bootstrap --ca-url "$CA_URL" --fingerprint "$(root_fingerprint)" --config-dir "$T/agent" \
    >"$T/bootstrap.log" 2>&1 || { cat "$T/bootstrap.log" >&2; exit 1; }
  start_ssh_agent
}

_agent_login_provisioner() { # NAME CLIENT_ID
  "$SSHCA" provisioner add oidc "$1" --config "$CFG" --issuer "$OIDC_ISSUER" --client-id "$2" \
    --domain example.com --principal-claim email-local >>"$T/prov.log" 2>&1 || { cat "$T/prov.log" >&2; exit 1; }
}

agent_certs() { ssh-add -L 2>/dev/null | grep -c -- '-cert-v01@openssh.com' || true; }
issued() { sqlite3 "$DB" 'select count(*) from ssh_certificates'; }

login_bg() {
  "$AGENT" login --config-dir "$T/agent" "$@" >"$T/login.out" 2>"$T/login.err" &
  LOGIN_PID=$!
}
login_rc() { LOGIN_RC=0; wait "$LOGIN_PID" || LOGIN_RC=$?; }

nothing_happened() {
  check "$1: nothing in the ssh-agent" test "$(agent_certs)" = 0
  check "$1: nothing issued by the CA" test "$(issued)" = "$2"
}
