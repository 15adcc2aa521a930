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
check "an unknown path counts as route other, not as itself" \
  bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" --cacert "$1" "$2/no/such/path")" = 404 ]' _ "$ROOT" "$CA_URL"
curl -sf --max-time 10 -o "$T/metrics2" "http://127.0.0.1:$METRICS_PORT/metrics"
check "... route=\"other\"" grep -q 'route="other",status="404"' "$T/metrics2"
check "... and no series names the path" bash -c '! grep -q "no/such/path" "$1"' _ "$T/metrics2"
check "the CA's TLS port does not serve /metrics" [ "$(get /metrics)" = 404 ]

finish
