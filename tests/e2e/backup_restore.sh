#!/usr/bin/env bash
# sshca backup / restore: a backup taken while `sshca serve` runs and a
# loop keeps signing is one committed state of the database (every
# certificate with its spent token, nothing half-written); the archive is a
# tar of mode 0600 that holds no private key and no PIN; restored into a new
# directory, with the token and the secrets put back, the CA serves from it:
# the issued certificates are listed, a revocation reaches the KRL, new
# signs work. Refused: restoring into a non-empty directory, a member that
# climbs out of the archive's directory, has an absolute name or is a link,
# a member not on the backup's list, a backup without its database,
# overwriting an existing archive.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"
start_ca
cd "$T"

serial_of() { ssh-keygen -L -f "$1" | awk '/Serial:/{print $2}'; }
issue alice alice alice
issue bob bob bob
ALICE=$(serial_of "$T/alice-cert.pub")
PIN=$(cat "$T/ca/secrets/pin")

# Signs with fresh tokens until $T/stop exists; one line per certificate.
sign_loop() {
  local i=0 token status
  ssh-keygen -q -t ed25519 -N '' -f "$T/loopkey"
  while [ ! -f "$T/stop" ]; do
    i=$((i + 1))
    token=$("$SSHCA" token user "loop$i" --principals "loop$i" --config "$CFG") || break
    jq -nc --arg pk "$(cut -d' ' -f2 "$T/loopkey.pub")" --arg ott "$token" '{publicKey: $pk, ott: $ott}' >"$T/loop.json"
    status=$(curl -s -o "$T/loop.out" -w '%{http_code}' --max-time 20 --cacert "$ROOT" -X POST \
      -H 'Content-Type: application/json' --data-binary @"$T/loop.json" "$CA_URL/1.0/ssh/sign")
    [ "$status" = 201 ] || { echo "loop sign $i: HTTP $status" >>"$T/loop.err"; break; }
    echo "$i" >>"$T/signed.log"
  done
}
sign_loop &
LOOP_PID=$!
cleanup_add "kill $LOOP_PID"
wait_lines "$T/signed.log" 3 "$LOOP_PID" 3000
BEFORE=$(wc -l <"$T/signed.log")
must "sshca backup while serving and signing" \
  bash -c '"$1" backup --config "$2" --out "$3/backup.tar" >"$3/backup.out"' _ "$SSHCA" "$CFG" "$T"
AFTER=$(wc -l <"$T/signed.log")
wait_lines "$T/signed.log" $((AFTER + 3)) "$LOOP_PID" 3000
touch "$T/stop"
wait "$LOOP_PID" || true
check "the signing loop never failed" [ ! -s "$T/loop.err" ]
check "the loop signed after the backup too" [ "$(wc -l <"$T/signed.log")" -gt "$AFTER" ]

# ---- the archive ----
check "the archive is mode 0600" [ "$(stat -c %a "$T/backup.tar")" = 600 ]
tar tf "$T/backup.tar" | sort >"$T/members"
check "tar tf lists ca.json, the database, the certificates and the SSH CA keys" \
  diff <(printf '%s\n' sshca-backup/MANIFEST.json sshca-backup/certs/intermediate_ca.crt \
    sshca-backup/certs/root_ca.crt sshca-backup/certs/server_chain.pem sshca-backup/config/ca.json \
    sshca-backup/db/sshca.db sshca-backup/ssh/ssh_host_ca.pub sshca-backup/ssh/ssh_user_ca.pub) "$T/members"
check "no private key in the archive" bash -c '! grep -aq "PRIVATE KEY" "$1"' _ "$T/backup.tar"
check "not the PIN" bash -c '! grep -aqF "$2" "$1"' _ "$T/backup.tar" "$PIN"
check "not the SO PIN" bash -c '! grep -aqF "$(cat "$2")" "$1"' _ "$T/backup.tar" "$T/ca/secrets/so-pin"
check "nothing of secrets/ or tokens/" bash -c '! grep -qE "secrets|tokens" "$1"' _ "$T/members"
mkdir "$T/x" && tar xf "$T/backup.tar" -C "$T/x"
check "its ca.json names the PIN file, not the PIN" \
  jq -e '.kms | test("pin-source=file:") and (test("pin-value") | not)' "$T/x/sshca-backup/config/ca.json" >/dev/null
check "the SSH user CA key is the token's" \
  bash -c '[ "$(cut -d" " -f2 "$1")" = "$(grep -A1 "SSH user CA" "$2" | tail -1 | awk "{print \$2}")" ]' _ \
  "$T/x/sshca-backup/ssh/ssh_user_ca.pub" "$T/init.log"
COPY=$T/x/sshca-backup/db/sshca.db
ROWS=$(sqlite3 "$COPY" 'select count(*) from ssh_certificates')
check "the copy holds every certificate signed before the backup ($ROWS >= 2 + $BEFORE)" [ "$ROWS" -ge $((2 + BEFORE)) ]
check "and none signed after it ($ROWS <= 2 + $AFTER + 1 in flight)" [ "$ROWS" -le $((2 + AFTER + 1)) ]
check "one committed state: every certificate with its spent token" \
  [ "$(sqlite3 "$COPY" 'select count(*) from used_tokens')" = "$ROWS" ]
check "the copy passes integrity_check" [ "$(sqlite3 "$COPY" 'pragma integrity_check')" = ok ]
check "the backup names what it left out" grep -q "the token's user PIN: $T/ca/secrets/pin" "$T/backup.out"

# ---- refusals ----
expect_fail "backup over an existing archive is refused" "$SSHCA" backup --config "$CFG" --out "$T/backup.tar"
err_contains "exists"
mkdir -p "$T/busy" && touch "$T/busy/keep"
expect_fail "restore into a non-empty directory is refused" "$SSHCA" restore --from "$T/backup.tar" --dir "$T/busy"
err_contains "not empty"
check "... and writes nothing there" [ "$(ls -A "$T/busy")" = keep ]
python3 - "$T/evil.tar" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    data = b"owned\n"
    info = tarfile.TarInfo("sshca-backup/../../evil")
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
EOF
expect_fail "a member climbing out of the archive is refused" "$SSHCA" restore --from "$T/evil.tar" --dir "$T/evil"
check "... and lands nowhere; the new directory is removed again" \
  bash -c '[ ! -e "$1/evil" ] && [ -z "$(find "$1" -name evil)" ]' _ "$T"
# After a good member (restore has begun writing): an absolute name, a
# symlink and a hard link where ca.json belongs, each pointing out.
for kind in absolute symlink hardlink; do
  python3 - "$T/$kind.tar" "$kind" "$T/outside-$kind" <<'EOF'
import io, sys, tarfile
out, kind, outside = sys.argv[1:]
with tarfile.open(out, "w") as t:
    good = b"{}\n"
    info = tarfile.TarInfo("sshca-backup/MANIFEST.json")
    info.size = len(good)
    t.addfile(info, io.BytesIO(good))
    data = b"owned\n"
    info = tarfile.TarInfo(outside if kind == "absolute" else "sshca-backup/config/ca.json")
    if kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, outside
    elif kind == "hardlink":
        info.type, info.linkname = tarfile.LNKTYPE, outside
    else:
        info.size = len(data)
    t.addfile(info, io.BytesIO(data) if kind == "absolute" else None)
EOF
  expect_fail "a member with a $kind name is refused" "$SSHCA" restore --from "$T/$kind.tar" --dir "$T/new-$kind"
  err_contains "the archive's member"
  check "... writes nothing where it points" bash -c '[ ! -e "$1" ] && [ ! -L "$1" ]' _ "$T/outside-$kind"
  check "... and the new directory is removed again" [ ! -e "$T/new-$kind" ]
done
# Made from the real backup: one without its database, one with a member
# not on the backup's list after all the others (restore has written every
# file by then). Each is refused and leaves nothing in the new directory.
python3 - "$T/backup.tar" "$T" <<'EOF'
import io, sys, tarfile
src, out = sys.argv[1:]
with tarfile.open(src) as s:
    members = [(m, s.extractfile(m).read()) for m in s.getmembers() if m.isfile()]
def write(name, keep, extra=None):
    with tarfile.open(f"{out}/{name}.tar", "w") as t:
        for m, data in members:
            if keep(m.name):
                t.addfile(m, io.BytesIO(data))
        if extra:
            info = tarfile.TarInfo(extra[0])
            info.size = len(extra[1])
            t.addfile(info, io.BytesIO(extra[1]))
write("no-db", lambda n: n != "sshca-backup/db/sshca.db")
write("extra", lambda n: True, ("sshca-backup/secrets/pin", b"1234\n"))
EOF
expect_fail "a backup without its database is refused" "$SSHCA" restore --from "$T/no-db.tar" --dir "$T/new-no-db"
err_contains "the backup has no db/sshca.db"
check "... and the new directory is removed again" [ ! -e "$T/new-no-db" ]
mkdir "$T/new-extra"
expect_fail "a member not on the backup's list is refused" "$SSHCA" restore --from "$T/extra.tar" --dir "$T/new-extra"
err_contains "does not belong in an sshca backup"
check "... and the empty new directory is left empty" [ -z "$(ls -A "$T/new-extra")" ]

# A PIN written into the kms URI stays out of the backup.
jq --arg k "$(jq -r .kms "$CFG")&pin-value=$PIN" '.kms = $k' "$CFG" >"$T/pinned.json"
"$SSHCA" backup --config "$T/pinned.json" --out "$T/pinned.tar" >"$T/pinned.out"
check "a kms URI's pin-value is dropped from the backup" bash -c '! grep -aqF "$2" "$1"' _ "$T/pinned.tar" "$PIN"
check "... and the backup says so" grep -q "pin-value" "$T/pinned.out"

# ---- restore into a new directory and serve from it ----
NEW=$T/restored
must "sshca restore into a new directory" \
  bash -c '"$1" restore --from "$2" --dir "$3" >"$4/restore.out"' _ "$SSHCA" "$T/backup.tar" "$NEW" "$T"
check "restore checked the database" grep -q "integrity ok, schema version" "$T/restore.out"
check "restore says where the PIN goes" grep -q "the token's user PIN: $NEW/secrets/pin" "$T/restore.out"
check "restore says where the token goes" grep -q "SoftHSM2 token.*: $NEW/tokens" "$T/restore.out"
check "the restored ca.json points into the new directory" \
  bash -c '! grep -q "$2/ca/" "$1"' _ "$NEW/config/ca.json" "$T"
# What an admin puts back from the HSM's backup and the secret store.
cp -a "$T/ca/tokens/." "$NEW/tokens/"
for f in pin tls.key provisioner-admin.key; do cp -p "$T/ca/secrets/$f" "$NEW/secrets/$f"; done
kill "$CA_PID" && wait "$CA_PID" 2>/dev/null || true
CFG=$NEW/config/ca.json
DB=$NEW/db/sshca.db
must "sshca serve starts from the restored directory" start_serve "$CFG" "$CA_URL" "$T/serve-restored.log"
"$SSHCA" cert list --config "$CFG" --json >"$T/list.json"
check "cert list shows every certificate of the backup ($ROWS)" [ "$(jq length "$T/list.json")" = "$ROWS" ]
check "alice's certificate among them" jq -e --arg s "$ALICE" 'any(.[]; .serial == $s)' "$T/list.json" >/dev/null
"$SSHCA" revoke --config "$CFG" --serial "$ALICE" --reason "after restore" >/dev/null
check "GET /ssh/krl" [ "$(get /ssh/krl)" = 200 ]
check "the restored CA's KRL lists alice's certificate" \
  bash -c '! ssh-keygen -Q -f "$1/out" "$1/alice-cert.pub" >/dev/null 2>&1' _ "$T"
check "and not bob's" ssh-keygen -Q -f "$T/out" "$T/bob-cert.pub"
check "the restored CA signs" issue carol carol carol
check "with the same user CA key" \
  bash -c '[ "$(ssh-keygen -L -f "$1" | awk "/Signing CA/{print \$4}")" = "$(ssh-keygen -L -f "$2" | awk "/Signing CA/{print \$4}")" ]' _ \
  "$T/carol-cert.pub" "$T/alice-cert.pub"
check "and records it" bash -c '"$1" cert list --config "$2" --principal carol --json | jq -e "length == 1" >/dev/null' _ \
  "$SSHCA" "$CFG"

finish
