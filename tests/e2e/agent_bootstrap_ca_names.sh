#!/usr/bin/env bash
# sshca-agent bootstrap checks at once that its --ca-url names a host the
# CA's TLS certificate lists (issue 19): a CA whose certificate names only
# localhost, reached as https://127.0.0.1:PORT, is refused with a message
# naming the certificate's names, and nothing is stored; the same CA as
# https://localhost:PORT bootstraps.
source "$(dirname "$0")/../lib/common.sh"
AGENT="$BUILD_DIR/bin/sshca-agent"
init_ca --dns localhost
CA_URL="https://localhost:$CA_PORT"  # the only name the TLS certificate has
restart_ca
FP=$(root_fingerprint)

expect_fail "bootstrap by a host the CA's certificate does not name" \
  "$AGENT" bootstrap --ca-url "https://127.0.0.1:$CA_PORT" --fingerprint "$FP" --config-dir "$T/agent1"
err_contains "does not list"
err_contains "localhost"
check "nothing stored" test ! -e "$T/agent1/agent.json"

check "bootstrap by the certificate's name" \
  "$AGENT" bootstrap --ca-url "$CA_URL" --fingerprint "$FP" --config-dir "$T/agent2" >/dev/null 2>"$T/ok.err"
check "it stored the CA" test -s "$T/agent2/agent.json"
finish
