#!/usr/bin/env bash
# The PostgreSQL store's unit tests ([postgres] in tests/unit/ca/service/store/postgres/test_store_postgres.cpp)
# against a private PostgreSQL server started here (issue 8). Without
# SSHCA_TEST_PG_DSN those tests pass with a warning; here they really run.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/postgres.sh"

UNIT="$BUILD_DIR/bin/sshca_unit_tests"
[ -x "$UNIT" ] || { echo "skipped: sshca_unit_tests not built"; exit 77; }
start_postgres

check "the [postgres] unit tests pass on a real server" \
  env SSHCA_TEST_PG_DSN="$PG_DSN" "$UNIT" "[postgres]"
# Every test dropped its schema again.
check "no test schema is left behind" test "$(pg_sql "select count(*) from pg_namespace where nspname like 'sshca_test_%'")" = 0
finish
