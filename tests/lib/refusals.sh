# Requests to a running CA and the refusal harness of the e2e tests that
# post sign requests (sourced after common.sh; uses $T, and $ROOT, $CA_URL
# and $DB, the SQLite database, as start_ca sets them):
#
#   rows                        the certificate rows in the database
#   get PATH                    GET; prints the HTTP status, the body in $T/out
#   post FILE [PATH]            POSTs FILE as the JSON body to PATH (default
#                               $SIGN_PATH: /ssh/sign unless the test sets it
#                               after sourcing); prints the status, the body
#                               in $T/out
#   refused WHAT STATUS [FILE]  posts FILE (default $T/body.json) to the
#                               default path and checks: the HTTP status is
#                               STATUS, the body is an error JSON, and no
#                               certificate row was written

SIGN_PATH=/ssh/sign

rows() { sqlite3 "$DB" 'select count(*) from ssh_certificates'; }
get() { curl -s -o "$T/out" -w '%{http_code}' --max-time 10 --cacert "$ROOT" "$CA_URL$1"; }
post() {
  curl -s -o "$T/out" -w '%{http_code}' --max-time 20 --cacert "$ROOT" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$1" "$CA_URL${2:-$SIGN_PATH}"
}

refused() {
  local before status
  before=$(rows)
  status=$(post "${3:-$T/body.json}")
  check "$1: HTTP $2" [ "$status" = "$2" ]
  check "$1: error JSON" jq -e '.error and .code' "$T/out" >/dev/null
  check "$1: no certificate row written" [ "$(rows)" = "$before" ]
}
