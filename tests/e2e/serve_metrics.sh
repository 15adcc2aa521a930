#!/usr/bin/env bash
# GET /metrics on the listener ca.json's "metricsAddress" names (plain
# HTTP, loopback here): after a sign, a refused sign and a revocation, the
# text passes `promtool check metrics` (Debian's prometheus package) and
# holds the series docs/operations.md lists, with the right values. The
# CA's TLS port does not serve it.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"
init_ca
cd "$T"
METRICS_PORT=$(free_port)
jq --arg a "127.0.0.1:$METRICS_PORT" '.metricsAddress = $a' "$CFG" >"$T/ca.json" && cp "$T/ca.json" "$CFG"
must "sshca serve starts with a metrics listener" restart_ca
check "serve says where the metrics are" grep -q "metrics on http://127.0.0.1:$METRICS_PORT/metrics" "$T/serve.log"

issue alice alice alice
jq '.ott = "not.a.token"' "$T/body.json" >"$T/bad.json"
refused "a sign with a broken token" 401 "$T/bad.json"
SERIAL=$(ssh-keygen -L -f "$T/alice-cert.pub" | awk '/Serial:/{print $2}')
"$SSHCA" revoke --config "$CFG" --serial "$SERIAL" --reason metrics >/dev/null
check "GET /ssh/krl" [ "$(get /ssh/krl)" = 200 ]

metric() { grep -E "^$1 " "$T/metrics" | awk '{print $2}'; }
must "GET /metrics answers" curl -sf --max-time 10 -o "$T/metrics" "http://127.0.0.1:$METRICS_PORT/metrics"
check "promtool check metrics accepts the text" bash -c 'promtool check metrics <"$1"' _ "$T/metrics"
check "one sign counted as 201" [ "$(metric 'sshca_http_requests_total\{route="/ssh/sign",status="201"\}')" = 1 ]
check "one sign counted as 401" [ "$(metric 'sshca_http_requests_total\{route="/ssh/sign",status="401"\}')" = 1 ]
check "the latency histogram counts both signs" \
  [ "$(metric 'sshca_http_request_duration_seconds_count\{route="/ssh/sign"\}')" = 2 ]
check "one certificate signed through admin" \
  [ "$(metric 'sshca_certificates_total\{operation="sign",provisioner="admin"\}')" = 1 ]
check "the refusal is counted by its code" grep -qE '^sshca_refusals_total\{operation="sign",code="[a-z_]+"\} 1$' "$T/metrics"
check "the token and the database are up" \
  [ "$(metric 'sshca_health_up\{part="hsm"\}')$(metric 'sshca_health_up\{part="db"\}')" = 11 ]
NOW=$(date +%s)
for c in root intermediate tls; do
  check "the $c certificate's expiry is in the future" \
    bash -c '[ "$(printf "%.0f" "$1")" -gt "$2" ]' _ "$(metric "sshca_certificate_expiry_timestamp_seconds\\{certificate=\"$c\"\\}")" "$NOW"
done
check "the KRL version is 1" [ "$(metric sshca_krl_version)" = 1 ]
check "the KRL lists one entry" [ "$(metric sshca_krl_entries)" = 1 ]
check "the KRL size is the served file's" [ "$(metric sshca_krl_bytes)" = "$(stat -c %s "$T/out")" ]
# The token, the store and the front door.
check "the user CA key's signatures are timed (a histogram with every signature)" \
  bash -c '[ "$(printf "%.0f" "$1")" -ge 1 ] && [ "$1" = "$2" ]' _ \
  "$(metric 'sshca_hsm_signature_duration_seconds_count\{key="user"\}')" \
  "$(metric 'sshca_hsm_signature_duration_seconds_bucket\{key="user",le="\+Inf"\}')"
check "... their summed latency is positive" \
  bash -c 'awk -v v="$1" "BEGIN { exit !(v > 0) }"' _ "$(metric 'sshca_hsm_signature_duration_seconds_sum\{key="user"\}')"
check "no signature failed" [ "$(metric 'sshca_hsm_signature_failures_total\{key="user"\}')" = 0 ]
check "the database committed the sign (sshca revoke writes from its own process)" [ "$(metric sshca_db_commits_total)" -ge 1 ]
check "the batch size summary counts the commits" \
  [ "$(metric sshca_db_commit_batch_size_count)" = "$(metric sshca_db_commits_total)" ]
check "... with at least one write each" \
  [ "$(metric sshca_db_commit_batch_size_sum)" -ge "$(metric sshca_db_commit_batch_size_count)" ]
check "the largest batch is at least 1" [ "$(metric sshca_db_commit_batch_size_max)" -ge 1 ]
check "commit latency is summed over the commits" \
  bash -c 'awk -v v="$1" "BEGIN { exit !(v > 0) }"' _ "$(metric sshca_db_commit_duration_seconds_sum)"
check "nothing waits in the authority's queue" [ "$(metric sshca_authority_queue_depth)" = 0 ]
check "no request was shed" [ "$(metric sshca_authority_shed_requests_total)" = 0 ]
check "open connections are counted (none of curl's stays open)" \
  bash -c '[ "$1" -ge 0 ] && [ "$1" -le 2 ]' _ "$(metric sshca_http_open_connections)"
ALICE_END=$(ssh-keygen -L -f "$T/alice-cert.pub" | awk '/Valid:/{print $5}')
check "the user CA key's newest certificate ends when alice's does ($ALICE_END)" \
  [ "$(printf "%.0f" "$(metric 'sshca_ssh_newest_certificate_expiry_timestamp_seconds\{key="user"\}')")" = "$(date -d "$ALICE_END" +%s)" ]
check "the host CA key, which issued nothing, has no such series" \
  bash -c '! grep -q "sshca_ssh_newest_certificate_expiry_timestamp_seconds{key=\"host\"}" "$1"' _ "$T/metrics"
exec 3<>"/dev/tcp/127.0.0.1/$CA_PORT"  # a connection held open (no TLS yet)
check "a connection held open is counted" \
  bash -c 'for i in $(seq 1 50); do
      [ "$(curl -sf --max-time 10 "$1" | awk "/^sshca_http_open_connections /{print \$2}")" -ge 1 ] && exit 0; sleep 0.1
    done; exit 1' _ "http://127.0.0.1:$METRICS_PORT/metrics"
exec 3>&-

check "an unknown path counts as route other, not as itself" \
  bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" --cacert "$1" "$2/no/such/path")" = 404 ]' _ "$ROOT" "$CA_URL"
curl -sf --max-time 10 -o "$T/metrics2" "http://127.0.0.1:$METRICS_PORT/metrics"
check "... route=\"other\"" grep -q 'route="other",status="404"' "$T/metrics2"
check "... and no series names the path" bash -c '! grep -q "no/such/path" "$1"' _ "$T/metrics2"
check "the CA's TLS port does not serve /metrics" [ "$(get /metrics)" = 404 ]

finish
