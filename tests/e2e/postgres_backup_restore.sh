#!/usr/bin/env bash
# sshca backup of a CA on PostgreSQL (a private server started here): the
# archive holds pg_dump's custom-format dump and a ca.json whose DSN lost its
# password (which pg_dump got through its environment, not its command
# line); restored with the pg_restore line `sshca restore` prints into a new
# database, the CA serves from it: the issued certificate is listed, new
# signs work. A backup without the dump is refused.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/postgres.sh"
source "$(dirname "$0")/../lib/refusals.sh"

must "PostgreSQL starts" start_postgres
init_ca
cd "$T"
# Trust authentication ignores the password: it is there to be kept out.
SECRET=pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
(umask 077
 jq --arg dsn "$PG_DSN password=$SECRET" '.db = {type: "postgresql", dsn: $dsn}' "$CFG" >"$T/pg.json")
CFG=$T/pg.json
must "sshca serve starts on PostgreSQL" restart_ca
issue alice alice alice
ALICE=$(ssh-keygen -L -f "$T/alice-cert.pub" | awk '/Serial:/{print $2}')

must "sshca backup runs pg_dump" bash -c '"$1" backup --config "$2" --out "$3/pg.tar" >"$3/backup.out"' _ \
  "$SSHCA" "$CFG" "$T"
check "the archive holds the dump" bash -c 'tar tf "$1" | grep -qx sshca-backup/db/sshca.pgdump' _ "$T/pg.tar"
check "not the database password" bash -c '! grep -aqF "$2" "$1"' _ "$T/pg.tar" "$SECRET"
check "the backup says it dropped it" grep -q "database password" "$T/backup.out"
tar xf "$T/pg.tar" -C "$T" sshca-backup/config/ca.json
check "its ca.json still names the database" \
  jq -e --arg p "$PG_PORT" '.db.dsn | test("port=.?" + $p) and test("dbname") and (test("password") | not)' \
  "$T/sshca-backup/config/ca.json" >/dev/null

cp "$T/pg.tar" "$T/no-dump.tar" && tar --delete -f "$T/no-dump.tar" sshca-backup/db/sshca.pgdump
expect_fail "a backup without its dump is refused" "$SSHCA" restore --from "$T/no-dump.tar" --dir "$T/new-no-dump"
err_contains "the backup has no db/sshca.pgdump"
check "... and the new directory is removed again" [ ! -e "$T/new-no-dump" ]

NEW=$T/restored
must "sshca restore" bash -c '"$1" restore --from "$2" --dir "$3" >"$4/restore.out"' _ "$SSHCA" "$T/pg.tar" "$NEW" "$T"
check "restore prints the pg_restore line" grep -q "pg_restore --no-owner --dbname" "$T/restore.out"
pg_sql "CREATE DATABASE sshca_restored"
RESTORED_DSN="host=127.0.0.1 port=$PG_PORT user=sshca dbname=sshca_restored"
must "pg_restore of the dump into a new database" \
  pg_restore --no-owner --exit-on-error --dbname "$RESTORED_DSN" "$NEW/db/sshca.pgdump"
(umask 077
 jq --arg dsn "$RESTORED_DSN" '.db.dsn = $dsn' "$NEW/config/ca.json" >"$T/restored.json" &&
   cp "$T/restored.json" "$NEW/config/ca.json")
cp -a "$T/ca/tokens/." "$NEW/tokens/"
for f in pin tls.key provisioner-admin.key; do cp -p "$T/ca/secrets/$f" "$NEW/secrets/$f"; done
kill "$CA_PID" && wait "$CA_PID" 2>/dev/null || true
CFG=$NEW/config/ca.json
must "sshca serve starts from the restored database" start_serve "$CFG" "$CA_URL" "$T/serve-restored.log"
check "cert list shows alice's certificate" \
  bash -c '"$1" cert list --config "$2" --json | jq -e --arg s "$3" "any(.[]; .serial == \$s)" >/dev/null' _ \
  "$SSHCA" "$CFG" "$ALICE"
DB_ROWS_BEFORE=$(psql -XAtq "$RESTORED_DSN" -c 'select count(*) from ssh_certificates')
check "the restored CA signs" issue bob bob bob
check "and records it in the restored database" \
  [ "$(psql -XAtq "$RESTORED_DSN" -c 'select count(*) from ssh_certificates')" = $((DB_ROWS_BEFORE + 1)) ]

finish
