# A private PostgreSQL server for end-to-end tests (sourced after common.sh).
# Debian's postgresql package; the cluster lives in $T, owned by the
# `postgres` OS user (initdb refuses root), listens on 127.0.0.1 on a free
# port with its unix socket in $T, trusts local logins, and is stopped
# (immediate mode) when the test exits, pass or fail.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# pg_as_owner CMD...: runs a server binary as the cluster's OS user.
pg_as_owner() { runuser -u postgres -- "$@"; }

# start_postgres: initdb + pg_ctl start -w. Sets PG_PORT, PG_DATA and PG_DSN
# (database `sshca`, superuser `sshca`), PG_LOG. Exit 77 (skip) if not installed.
start_postgres() {
  if [ ! -x "$PG_BIN/initdb" ] || ! id postgres >/dev/null 2>&1; then
    echo "skipped: PostgreSQL server not installed (apt-get install postgresql)"
    exit 77
  fi
  PG_PORT=$(free_port)
  PG_DATA="$T/pgdata"
  PG_LOG="$T/pglog/postgres.log"  # written by the server: in a directory it owns
  mkdir -p "$T/pgsock" "$T/pglog" "$PG_DATA"
  chown postgres "$T/pgsock" "$T/pglog" "$PG_DATA"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U sshca -E UTF8 --locale=C \
    --auth-local=trust --auth-host=trust >"$T/initdb.log" 2>&1 || { cat "$T/initdb.log" >&2; return 1; }
  # fsync stays on: tests check durability (kill -9) against the real thing.
  cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$T/pgsock'
max_connections = 100
CONF
  cleanup_add "pg_as_owner '$PG_BIN/pg_ctl' stop -D '$PG_DATA' -m immediate"
  pg_as_owner "$PG_BIN/pg_ctl" start -w -t 60 -D "$PG_DATA" -l "$PG_LOG" >/dev/null ||
    { cat "$PG_LOG" >&2; return 1; }
  PG_DSN="host=127.0.0.1 port=$PG_PORT user=sshca dbname=sshca"
  psql -XAtq "host=127.0.0.1 port=$PG_PORT user=sshca dbname=postgres" -c "CREATE DATABASE sshca" ||
    { cat "$PG_LOG" >&2; return 1; }
}

# pg_sql SQL: runs SQL on $PG_DSN, unaligned tuples only.
pg_sql() { psql -XAtq -v ON_ERROR_STOP=1 "$PG_DSN" -c "$1"; }
