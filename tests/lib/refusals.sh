# Requests to a running CA and the refusal harness of the e2e tests that
# post sign requests (sourced after common.sh; uses $T, and $ROOT, $CA_URL
# and $DB, the SQLite database, as start_ca sets them):
#
#   rows                        the certificate rows in the database
#   spent                       the one-time tokens recorded as used
#   get PATH                    GET; prints the HTTP status, the body in $T/out
#   post FILE [PATH]            POSTs FILE as the JSON body to PATH (default
#                               $SIGN_PATH: /ssh/sign unless the test sets it
#                               after sourcing); prints the status, the body
#                               in $T/out
#   issue FILE SUBJECT PRINCIPAL
#                               a fresh user key $T/FILE and its certificate
#                               $T/FILE-cert.pub from a JWK token for SUBJECT
#                               (uses $SSHCA and $CFG)
#   refused WHAT STATUS [FILE]  posts FILE (default $T/body.json) to the
#                               default path and checks: the HTTP status is
#                               STATUS, the body is an error JSON, and no
#                               certificate row was written

SIGN_PATH=/ssh/sign

rows() { sqlite3 "$DB" 'select count(*) from ssh_certificates'; }
spent() { sqlite3 "$DB" 'select count(*) from used_tokens'; }
get() { curl -s -o "$T/out" -w '%{http_code}' --max-time 10 --cacert "$ROOT" "$CA_URL$1"; }
post() {
  curl -s -o "$T/out" -w '%{http_code}' --max-time 20 --cacert "$ROOT" -X POST \
    -H 'Content-Type: application/json' --data-binary @"$1" "$CA_URL${2:-$SIGN_PATH}"
}

issue() {
  ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$T/$1"
  local token
  token=$("$SSHCA" token user "$2" --principals "$3" --config "$CFG")
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/$1.pub")" --arg ott "$token" '{publicKey: $pk, ott: $ott}' >"$T/body.json"
  [ "$(post "$T/body.json" /1.0/ssh/sign)" = 201 ] || { cat "$T/out" >&2; return 1; }
  echo "ssh-ed25519-cert-v01@openssh.com $(jq -r .crt "$T/out")" >"$T/$1-cert.pub"
}

refused() {
  local before status
  before=$(rows)
  status=$(post "${3:-$T/body.json}")
  check "$1: HTTP $2" [ "$status" = "$2" ]
  check "$1: error JSON" jq -e '.error and .code' "$T/out" >/dev/null
  check "$1: no certificate row written" [ "$(rows)" = "$before" ]
}
