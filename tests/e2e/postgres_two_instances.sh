#!/usr/bin/env bash
# Two `sshca serve` instances sharing one PostgreSQL database (issue 8): one
# `sshca init` directory (one SoftHSM2 token, which both processes open) and
# two ca.json copies that differ in the listen address only, both with
# "db": {"type": "postgresql"} on a private server started here. Then:
# a token used on one is refused (409) on the other; concurrent load on both
# never issues a serial twice and every certificate a client received is in
# the database, byte for byte; a revocation through one shows in the other's
# KRL; kill -9 of one under load loses no issued certificate and the other
# keeps serving.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/postgres.sh"
unset SOFTHSM2_CONF  # init's token has its own softhsm2.conf, named in ca.json

LOADGEN="$BUILD_DIR/bin/sshca-loadgen"
[ -x "$LOADGEN" ] || { echo "skipped: sshca-loadgen not built"; exit 77; }

must "PostgreSQL starts" start_postgres
PORT_A=$(free_port)
PORT_B=$(free_port)
"$SSHCA" init --dir "$T/ca" --address "127.0.0.1:$PORT_A" >"$T/init.log" 2>&1 || { cat "$T/init.log" >&2; exit 1; }
ROOT="$T/ca/certs/root_ca.crt"
# Same CA, same URL (token audience: "one name"), own listen address each.
(umask 077
 jq --arg dsn "$PG_DSN" '.db = {type: "postgresql", dsn: $dsn}' "$T/ca/config/ca.json" >"$T/a.json"
 jq --arg addr "127.0.0.1:$PORT_B" '.address = $addr' "$T/a.json" >"$T/b.json")
ssh-keygen -q -t ed25519 -N '' -C pg -f "$T/id_pg"

url() { echo "https://127.0.0.1:$1"; }
health() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$ROOT" "$(url "$1")/health"; }
# start_instance NAME CONFIG PORT: serve in the background (PID_NAME), stopped at exit.
start_instance() {
  local rc=0
  start_serve "$2" "$(url "$3")" "$T/serve-$1.log" || rc=$?
  printf -v "PID_$1" %s "$SERVE_PID"
  return "$rc"
}
must "instance A starts on PostgreSQL" start_instance A "$T/a.json" "$PORT_A"
must "instance B starts on PostgreSQL" start_instance B "$T/b.json" "$PORT_B"
check "the schema was migrated once (five versions)" test "$(pg_sql 'select count(*) from schema_version')" = 5

token() { "$SSHCA" token user pg --principals pg --ttl 10m --config "$T/a.json"; }
tokens() {  # tokens N FILE: N one-time tokens from one process
  "$SSHCA" token user pg --principals pg --ttl 10m --config "$T/a.json" --count "$1" >"$2"
  [ "$(wc -l <"$2")" -eq "$1" ]
}
sign() {
  jq -nc --arg pk "$(cut -d' ' -f2 "$T/id_pg.pub")" --arg ott "$2" '{publicKey: $pk, ott: $ott}' |
    curl -s -o "$T/out" -w '%{http_code}' --max-time 10 --cacert "$ROOT" -H 'Content-Type: application/json' \
      --data-binary @- "$(url "$1")/ssh/sign"
}
rows() { pg_sql 'select count(*) from ssh_certificates'; }

# ---- one token, two instances ----
TOKEN=$(token)
check "a token is accepted by A (201)" test "$(sign "$PORT_A" "$TOKEN")" = 201
jq -r .crt "$T/out" | sed 's/^/ssh-ed25519-cert-v01@openssh.com /' >"$T/id_pg-cert.pub"
check "the same token is refused by B (409)" test "$(sign "$PORT_B" "$TOKEN")" = 409
check "B says replayed" test "$(jq -r .code "$T/out")" = replayed
check "one certificate row for the token" test "$(rows)" = 1

# ---- concurrent load on both ----
# compare RECEIVED...: every certificate the clients received is in the
# database byte for byte, no serial twice in the database or among clients.
compare() {
  pg_sql "select serial, encode(certificate, 'hex') from ssh_certificates" | tr '|' ' ' >"$T/db_rows"
  cat "$@" >"$T/received_all"
  python3 - "$T/received_all" "$T/db_rows" <<'PY'
import base64, collections, sys
received = [l.split() for l in open(sys.argv[1]) if l.strip()]
rows = [l.split() for l in open(sys.argv[2]) if l.strip()]
db = collections.Counter(); cert = {}
for serial, hexcert in rows:
    s = int(serial) & 0xFFFFFFFFFFFFFFFF  # bigint holds the uint64 bits
    db[s] += 1; cert[s] = bytes.fromhex(hexcert)
bad = 0
if any(n > 1 for n in db.values()): print("a serial twice in the database"); bad += 1
seen = collections.Counter(int(s) for s, _ in received)
if any(n > 1 for n in seen.values()): print("a serial received twice by the clients"); bad += 1
missing = [s for s in seen if s not in db]
if missing: print(f"{len(missing)} received certificates not in the database, e.g. {missing[:3]}"); bad += 1
differ = [s for s, c in received if int(s) in cert and cert[int(s)] != base64.b64decode(c)]
if differ: print(f"{len(differ)} certificates differ from the stored ones"); bad += 1
print(f"  clients received {len(received)}, database holds {len(rows)}")
sys.exit(1 if bad else 0)
PY
}
N=200
must "$((2 * N)) tokens generated" tokens $((2 * N)) "$T/load_tokens"
head -n "$N" "$T/load_tokens" >"$T/tokens_a"
tail -n "$N" "$T/load_tokens" >"$T/tokens_b"
load() {  # load NAME PORT TOKENS [extra loadgen args]
  "$LOADGEN" --url "$(url "$2")" --cacert "$ROOT" --tokens "$3" --pubkey "$T/id_pg.pub" --principal pg \
    --concurrency 4 --out-certs "$T/received_$1" "${@:4}" >"$T/loadgen_$1.out" 2>&1
}
load A "$PORT_A" "$T/tokens_a" --require-all-ok &
LA=$!
load B "$PORT_B" "$T/tokens_b" --require-all-ok &
LB=$!
check "load on A: every request issued" wait "$LA"
check "load on B: every request issued" wait "$LB"
check "$((2 * N + 1)) rows, as many distinct (CA, serial)" test \
  "$(pg_sql 'select count(*), count(distinct (ca_fingerprint, serial)) from ssh_certificates')" = "$((2 * N + 1))|$((2 * N + 1))"
check "every certificate received under load is in the database, no serial twice" \
  compare "$T/received_A" "$T/received_B"

# ---- a revocation through A, in B's KRL ----
SERIAL=$(ssh-keygen -L -f "$T/id_pg-cert.pub" | sed -n 's/^ *Serial: //p')
krl_status=$(curl -s -o "$T/krl_before" -w '%{http_code}' --max-time 10 --cacert "$ROOT" "$(url "$PORT_B")/ssh/krl")
if [ "$krl_status" = 200 ]; then
  check "sshca revoke through A's config" \
    "$SSHCA" revoke --config "$T/a.json" --serial "$SERIAL" --reason "e2e" --ca user
  # The revoking process is not B: B's KRL changes because it polls the
  # KRL version on each request (docs/storage.md).
  check "B's KRL now says the certificate is revoked" bash -c \
    "curl -sf --max-time 10 --cacert '$ROOT' '$(url "$PORT_B")/ssh/krl' -o '$T/krl_b' &&
     ! ssh-keygen -Q -f '$T/krl_b' '$T/id_pg-cert.pub' >/dev/null 2>&1"
  check "A's KRL says so too" bash -c \
    "curl -sf --max-time 10 --cacert '$ROOT' '$(url "$PORT_A")/ssh/krl' -o '$T/krl_a' &&
     ! ssh-keygen -Q -f '$T/krl_a' '$T/id_pg-cert.pub' >/dev/null 2>&1"
  check "the KRL version is 1 in the database" test "$(pg_sql 'select version from krl_state')" = 1
else
  # TODO(lead): GET /ssh/krl answered $krl_status: the authority's KRL is not
  # in this tree yet. The cross-instance revocation is covered by the
  # [postgres] unit test PostgresStoreInstancesShareTokensSerialsAndKrlVersions
  # (tests/e2e/postgres_store.sh) until then; these checks run once it is.
  echo "TODO(lead): GET /ssh/krl answered $krl_status; KRL checks across instances not run"
fi

# ---- kill -9 A under load; B keeps serving ----
must "$((2 * N)) more tokens generated" tokens $((2 * N)) "$T/crash_tokens"
head -n "$N" "$T/crash_tokens" >"$T/crash_a"
tail -n "$N" "$T/crash_tokens" >"$T/crash_b"
rm -f "$T/received_A" "$T/received_B"
load A "$PORT_A" "$T/crash_a" &
LA=$!
cleanup_add "kill $LA"
load B "$PORT_B" "$T/crash_b" --require-all-ok &
LB=$!
cleanup_add "kill $LB"
# Killed once a tenth of A's tokens are answered: triggered by progress,
# not by a delay, so that requests are in flight whatever the machine speed.
wait_lines "$T/received_A" $((N / 10)) "$LA" 2000
kill -9 "$PID_A"
wait "$PID_A" 2>/dev/null || true
wait "$LA" || true
check "B served all its requests while A died" wait "$LB"
ok_a=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' "$T/loadgen_A.out")
failed_a=$(sed -n 's/.* failed=\([0-9]*\).*/\1/p' "$T/loadgen_A.out")
check "A issued certificates before the kill" test "${ok_a:-0}" -gt 0
check "the kill cut A's requests off" test "${failed_a:-0}" -gt 0
check "every certificate received from A or B is in the database, no serial twice" \
  compare "$T/received_A" "$T/received_B"
check "B still answers /health 200" test "$(health "$PORT_B")" = 200
check "B still issues a certificate" test "$(sign "$PORT_B" "$(token)")" = 201
must "A restarts on the same database" start_instance A "$T/a.json" "$PORT_A"
check "the restarted A issues a certificate" test "$(sign "$PORT_A" "$(token)")" = 201
finish
