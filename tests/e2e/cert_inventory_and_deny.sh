#!/usr/bin/env bash
# The inventory and offboarding, against a running CA on SQLite:
# `sshca cert list` with its filters and --json, `sshca cert show`, and
# `sshca deny`: a denied subject or key is refused at /ssh/sign with 403,
# nothing is recorded and its token is not spent (the same token works once
# the denial is lifted); `deny add --revoke` revokes the identity's
# certificates and the running server's KRL lists them at once.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"
start_ca
cd "$T"

serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/{print $2}'; }
spent_tokens() { sqlite3 "$DB" 'select count(*) from used_tokens'; }
sign_body() {  # KEYFILE SUBJECT PRINCIPAL -> $T/body.json
  local token
  token=$("$SSHCA" token user "$2" --principals "$3" --config "$CFG")
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/$1.pub")" --arg ott "$token" '{publicKey: $pk, ott: $ott}' >"$T/body.json"
}

for u in alice bob carol; do issue "$u" "$u" "$u"; done
ALICE=$(serial_of "$T/alice-cert.pub")

# ---- cert list / show ----
"$SSHCA" cert list --config "$CFG" --json >"$T/list.json"
check "cert list --json lists the three certificates" [ "$(jq length "$T/list.json")" = 3 ]
check "serials are strings, the key ID and state are there" \
  jq -e --arg s "$ALICE" '.[0].serial == $s and .[0].keyId == "alice (admin)" and .[0].state == "valid"' "$T/list.json"
check "cert list --principal bob finds bob only" \
  bash -c '[ "$("$1" cert list --config "$2" --principal bob --json | jq -r ".[].principals[]")" = bob ]' _ "$SSHCA" "$CFG"
check "cert list --expiring-within 1m finds nothing" \
  bash -c '[ "$("$1" cert list --config "$2" --expiring-within 1m --json | jq length)" = 0 ]' _ "$SSHCA" "$CFG"
check "cert list --expiring-within 30d finds all three" \
  bash -c '[ "$("$1" cert list --config "$2" --expiring-within 30d --json | jq length)" = 3 ]' _ "$SSHCA" "$CFG"
check "cert list (table) has a header and a line per certificate" \
  bash -c '[ "$("$1" cert list --config "$2" | wc -l)" = 4 ]' _ "$SSHCA" "$CFG"
check "cert show prints the certificate's key ID" \
  bash -c '"$1" cert show "$3" --config "$2" | grep -q "key ID: *\"alice (admin)\""' _ "$SSHCA" "$CFG" "$ALICE"
expect_fail "cert show of a serial never issued fails" "$SSHCA" cert show 12345 --config "$CFG"
err_contains "no certificate with serial 12345"
rc=0; "$SSHCA" cert list --config "$CFG" --type nonsense >/dev/null 2>&1 || rc=$?
check "cert list --type nonsense is a usage error (64)" [ "$rc" = 64 ]

# ---- deny a subject, with --revoke ----
"$SSHCA" deny add --config "$CFG" --subject alice --reason "left the company" --revoke >"$T/deny.out"
check "deny add --revoke revoked alice's certificate" grep -q "revoked serial $ALICE " "$T/deny.out"
check "cert list --revoked shows it" \
  bash -c '[ "$("$1" cert list --config "$2" --revoked --json | jq -r ".[].serial")" = "$3" ]' _ "$SSHCA" "$CFG" "$ALICE"
check "GET /ssh/krl" [ "$(curl -s -o "$T/krl" -w '%{http_code}' --max-time 10 --cacert "$ROOT" "$CA_URL/ssh/krl")" = 200 ]
check "the running server's KRL lists alice's certificate" \
  bash -c '! ssh-keygen -Q -f "$1/krl" "$1/alice-cert.pub" >/dev/null 2>&1' _ "$T"
check "and not bob's" ssh-keygen -Q -f "$T/krl" "$T/bob-cert.pub"

ssh-keygen -q -t ed25519 -N '' -f "$T/alice2"
sign_body alice2 alice alice
tokens_before=$(spent_tokens)
refused "a denied subject signing with a fresh token" 403
check "the refusal says why" grep -q "left the company" "$T/out"
check "the token was not spent" [ "$(spent_tokens)" = "$tokens_before" ]
"$SSHCA" deny list --config "$CFG" --json >"$T/denied.json"
check "deny list shows the denial" jq -e '.[0].kind == "subject" and .[0].value == "alice"' "$T/denied.json"
"$SSHCA" deny remove --config "$CFG" --subject alice >/dev/null
check "after deny remove the same token is accepted" [ "$(post "$T/body.json")" = 201 ]
expect_fail "removing it again fails" "$SSHCA" deny remove --config "$CFG" --subject alice
err_contains "not denied"

# ---- deny a key: refused whoever asks ----
BOB_KEY=$(ssh-keygen -l -f "$T/bob.pub" | awk '{print $2}')
"$SSHCA" deny add --config "$CFG" --key-fingerprint "$BOB_KEY" --reason "laptop stolen" >/dev/null
sign_body bob carol carol
refused "bob's key, under another subject" 403
check "bob's certificate is not revoked without --revoke" \
  bash -c '[ "$("$1" cert list --config "$2" --revoked --json | jq length)" = 1 ]' _ "$SSHCA" "$CFG"
"$SSHCA" deny add --config "$CFG" --email "Dave@Example.com" --reason x >/dev/null
check "emails are kept in lower case" \
  bash -c '"$1" deny list --config "$2" | grep -q "dave@example.com"' _ "$SSHCA" "$CFG"
rc=0; "$SSHCA" deny add --config "$CFG" --reason x >/dev/null 2>&1 || rc=$?
check "deny add without a name is a usage error (64)" [ "$rc" = 64 ]

# ---- docs/storage.md's backup of the running CA ----
check "sqlite3 .backup copies the database while the CA runs" sqlite3 "$DB" ".backup '$T/copy.db'"
jq --arg p "$T/copy.db" '.db.path = $p' "$CFG" >"$T/copy.json"
check "the copy holds every certificate" \
  bash -c '[ "$("$1" cert list --config "$2" --all --json | jq length)" = "$("$1" cert list --config "$3" --all --json | jq length)" ]' \
  _ "$SSHCA" "$T/copy.json" "$CFG"
check "and the denials" bash -c '"$1" deny list --config "$2" | grep -q "laptop stolen"' _ "$SSHCA" "$T/copy.json"

# ---- error hints ----
rc=0; "$SSHCA" cert list --config "$T/ca" >/dev/null 2>"$T/dir.err" || rc=$?
check "--config given the CA directory is a usage error (64)" [ "$rc" = 64 ]
check "... that names the file to give" grep -q "is a directory: --config takes the config file, e.g. $T/ca/config/ca.json" "$T/dir.err"
NOPIN_KMS=$(jq -r .kms "$CFG" | sed "s|pin-source=file:[^;&]*|pin-source=file:$T/no-pin-here|")
expect_fail "a missing PIN file" env SOFTHSM2_CONF="$(jq -r .softhsm2Conf "$CFG")" "$SSHCA" kms list --kms "$NOPIN_KMS"
err_contains "cannot read PIN file $T/no-pin-here: No such file or directory"

finish
