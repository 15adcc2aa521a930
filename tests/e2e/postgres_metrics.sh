#!/usr/bin/env bash
# GET /metrics of a CA on PostgreSQL (issue 21): the store's commit series
# are there with the SQLite store's meaning. PostgreSQL commits each write
# transaction on its own, so every batch is one write: commits == writes,
# the largest batch is 1, and the duration is summed over the commits. The
# text passes `promtool check metrics`.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/postgres.sh"
source "$(dirname "$0")/../lib/refusals.sh"
rows() { pg_sql "select count(*) from ssh_certificates"; }  # the harness counts in SQLite

must "PostgreSQL starts" start_postgres
init_ca
cd "$T"
METRICS_PORT=$(free_port)
(umask 077
 jq --arg dsn "$PG_DSN" --arg a "127.0.0.1:$METRICS_PORT" \
   '.db = {type: "postgresql", dsn: $dsn} | .metricsAddress = $a' "$CFG" >"$T/pg.json" && cp "$T/pg.json" "$CFG")
must "sshca serve starts on PostgreSQL with a metrics listener" restart_ca

metric() { grep -E "^$1 " "$T/metrics" | awk '{print $2}'; }
scrape() { curl -sf --max-time 10 -o "$T/metrics" "http://127.0.0.1:$METRICS_PORT/metrics"; }
must "GET /metrics answers before any signature" scrape
BEFORE=$(metric sshca_db_commits_total)
check "the commit counter is there from the start" [ -n "$BEFORE" ]

issue alice alice alice
issue bob bob bob
issue carol carol carol
check "three certificates are in PostgreSQL" [ "$(pg_sql 'select count(*) from ssh_certificates')" = 3 ]

must "GET /metrics answers" scrape
check "promtool check metrics accepts the text" bash -c 'promtool check metrics <"$1"' _ "$T/metrics"
check "the database is up" [ "$(metric 'sshca_health_up\{part="db"\}')" = 1 ]
COMMITS=$(metric sshca_db_commits_total)
check "each signature's transaction was counted ($BEFORE -> $COMMITS)" [ "$((COMMITS - BEFORE))" -ge 3 ]
check "the batch size summary counts the commits" [ "$(metric sshca_db_commit_batch_size_count)" = "$COMMITS" ]
check "... one write each (PostgreSQL does not batch)" [ "$(metric sshca_db_commit_batch_size_sum)" = "$COMMITS" ]
check "the largest batch is 1" [ "$(metric sshca_db_commit_batch_size_max)" = 1 ]
check "the duration summary counts the commits" [ "$(metric sshca_db_commit_duration_seconds_count)" = "$COMMITS" ]
check "... and sums a positive time" \
  bash -c 'awk -v v="$1" "BEGIN { exit !(v > 0) }"' _ "$(metric sshca_db_commit_duration_seconds_sum)"
check "the series are typed as SQLite's" bash -c 'grep -q "^# TYPE sshca_db_commits_total counter" "$1" &&
  grep -q "^# TYPE sshca_db_commit_duration_seconds summary" "$1" &&
  grep -q "^# TYPE sshca_db_commit_batch_size summary" "$1"' _ "$T/metrics"

# A refused signature writes nothing, so it commits nothing.
jq '.ott = "not.a.token"' "$T/body.json" >"$T/bad.json"
refused "a sign with a broken token" 401 "$T/bad.json"
must "GET /metrics answers again" scrape
check "the refusal committed no transaction" [ "$(metric sshca_db_commits_total)" = "$COMMITS" ]
finish
