#!/usr/bin/env bash
# Differential checks against ssh-keygen (issue 18): our certificate parser
# and ssh-keygen -L read the same fields from certificates made by
# ssh-keygen -s and by our writer (`sshca ssh sign`), for every CA key type
# and a spread of options; and for KRLs written by ssh-keygen -k and by our
# writer (from the same spec), our parser and ssh-keygen -Q give the same
# revocation answer for every certificate and key of a set chosen around
# the edges (serial lists and ranges, key IDs, explicit keys, another CA,
# serial 0 and 2^64-1). A few seconds; no server. docs/fuzzing.md.
source "$(dirname "$0")/../lib/common.sh"
TOOL="$BUILD_DIR/bin/sshca-difftool"
[ -x "$TOOL" ] || { echo "skipped: sshca-difftool not built"; exit 77; }
cd "$T"
export TZ=UTC  # ssh-keygen -L prints validity in local time

# ---- keys ----
ssh-keygen -q -t ed25519 -N '' -C ca-ed25519 -f ca_ed25519
ssh-keygen -q -t ecdsa -b 256 -N '' -C ca-p256 -f ca_p256
ssh-keygen -q -t ecdsa -b 384 -N '' -C ca-p384 -f ca_p384
ssh-keygen -q -t ecdsa -b 521 -N '' -C ca-p521 -f ca_p521
ssh-keygen -q -t rsa -b 2048 -N '' -C ca-rsa -f ca_rsa
for k in ed25519:ed25519 p256:"ecdsa -b 256" p384:"ecdsa -b 384" rsa:"rsa -b 2048"; do
  # shellcheck disable=SC2086
  ssh-keygen -q -t ${k#*:} -N '' -C "subject-${k%%:*}" -f "subj_${k%%:*}"
done

# compare CERT: ssh-keygen -L's fields against our parser's.
compare() {
  ssh-keygen -L -f "$1" >"$1.keygen" 2>&1 || { echo "ssh-keygen -L failed on $1" >&2; return 1; }
  "$TOOL" cert "$1" >"$1.ours" 2>&1 || { echo "our parser refused $1: $(cat "$1.ours")" >&2; return 1; }
  python3 - "$1.keygen" "$1.ours" <<'PY'
import calendar, re, sys, time
lines = open(sys.argv[1]).read().splitlines()
ours = dict(l.split(": ", 1) if ": " in l else (l.rstrip(":"), "") for l in open(sys.argv[2]).read().splitlines())
kg, section, lists = {}, None, {"Principals": [], "Critical Options": [], "Extensions": []}
for l in lines[1:]:
    s = l.strip()
    if l.startswith("        ") and not l.startswith("                "):
        name, _, value = s.partition(":")
        section = name if name in lists else None
        kg[name] = value.strip()
    elif section and s and s != "(none)":
        lists[section].append(s)
MAX = 2**64 - 1
def epoch(t): return calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%S"))
v = kg["Valid"]
if v == "forever": after, before = 0, MAX
elif v.startswith("from "):
    a, b = v[5:].split(" to "); after, before = epoch(a), epoch(b)
elif v.startswith("after "): after, before = epoch(v[6:]), MAX
elif v.startswith("before "): after, before = 0, epoch(v[7:])
else: sys.exit(f"unknown Valid: {v}")
want = {
    "certtype": kg["Type"].split()[0],
    "type": kg["Type"].split()[1],
    "key": kg["Public key"].split()[1],
    "ca": kg["Signing CA"].split()[1],
    "keyid": re.fullmatch(r'"(.*)"', kg["Key ID"]).group(1),
    "serial": kg["Serial"],
    "valid_after": str(after),
    "valid_before": str(before),
    "principals": ",".join(lists["Principals"]),
    "critical": ";".join(o.replace(" ", "=", 1) for o in lists["Critical Options"]),
    # ssh-keygen appends "UNKNOWN FLAG OPTION" to names it does not know.
    "extensions": ";".join(e.split()[0] for e in lists["Extensions"]),
    "signature": "good",
}
bad = [f"{k}: ssh-keygen {want[k]!r}, ours {ours.get(k)!r}" for k in want if ours.get(k) != want[k]]
# ssh-keygen -L prints validity to the second in UTC; a date it cannot print
# exactly (after 9999) would differ: none is made here.
if bad: sys.exit("\n".join(bad))
PY
}

# ---- certificates by ssh-keygen -s ----
n=0
certs=()
keygen_cert() { # CA SUBJECT ARGS...: adds the certificate to certs
  local ca=$1 subj=$2; shift 2
  n=$((n + 1))
  cp "subj_$subj.pub" "kg$n.pub"
  ssh-keygen -q -s "$ca" "$@" "kg$n.pub" >/dev/null 2>&1 || { fail "ssh-keygen -s $*"; return 0; }
  certs+=("kg$n-cert.pub")
}
keygen_cert ca_ed25519 ed25519 -I alice -n alice,bob -V -5m:+1h -z 7
keygen_cert ca_p256 p256 -h -I web1 -n web1.example.com,web1 -V always:forever -z 18446744073709551615
keygen_cert ca_p384 rsa -I 'a key id with spaces' -n root -V 20260101:20270101 -z 0 \
  -O no-port-forwarding -O force-command=/bin/true -O source-address=10.0.0.0/8,192.168.1.1 \
  -O verify-required -O extension:custom@example.com
keygen_cert ca_p521 p384 -I carol -n carol -O clear -O permit-pty -V +52w
keygen_cert ca_rsa ed25519 -t rsa-sha2-512 -I dave -n dave -V 20260101123456:forever
keygen_cert ca_rsa p256 -t rsa-sha2-256 -h -I host2 -n host2 -V always:20300101
keygen_cert ca_ed25519 p384 -I "$(printf 'x%.0s' $(seq 1 200))" -n "$(seq -s, 1 40 | sed 's/[0-9]*/p&/g')"

# ---- certificates by our writer ----
ours_cert() { # CA SUBJECT ARGS...: adds the certificate to certs
  local ca=$1 subj=$2; shift 2
  n=$((n + 1))
  cp "subj_$subj.pub" "ours$n.pub"
  "$SSHCA" ssh sign --key "file:$ca" "$@" --out "ours$n-cert.pub" "ours$n.pub" >/dev/null 2>&1 ||
    { fail "sshca ssh sign $*"; return 0; }
  certs+=("ours$n-cert.pub")
}
ours_cert ca_ed25519 ed25519 --user --id alice --principals alice,bob --validity -5m:+1h --serial 9
ours_cert ca_p256 rsa --host --id web2 --principals web2.example.com --validity always:forever
ours_cert ca_p384 p256 --user --id opts --principals root --critical-option force-command=/usr/bin/id \
  --critical-option source-address=10.1.0.0/16 --no-extensions --extension permit-pty
ours_cert ca_rsa p384 --user --id rsa-ca --principals x --validity 20260101:20270101
ours_cert ca_p521 ed25519 --host --id big --principals h1,h2,h3 --serial 18446744073709551615

for c in "${certs[@]}"; do
  check "certificate $c: our parser and ssh-keygen -L agree" compare "$c"
done

# ---- KRLs: the same spec through ssh-keygen -k and our writer ----
sign_serial() { # NAME CA SERIAL [KEY-ID]
  cp subj_ed25519.pub "$1.pub"
  ssh-keygen -q -s "$2" -I "${4:-$1}" -n u -z "$3" "$1.pub" >/dev/null 2>&1
}
sign_serial s1 ca_ed25519 1
sign_serial s7 ca_ed25519 7
sign_serial s8 ca_ed25519 8
sign_serial s99 ca_ed25519 99
sign_serial s100 ca_ed25519 100
sign_serial s150 ca_ed25519 150
sign_serial s200 ca_ed25519 200
sign_serial s201 ca_ed25519 201
sign_serial smax ca_ed25519 18446744073709551615
sign_serial s0 ca_ed25519 0
sign_serial mallory ca_ed25519 5000 mallory
sign_serial other7 ca_p256 7             # the same serial under another CA
sign_serial otherm ca_p256 5001 mallory  # the same key ID under another CA
cp subj_p256.pub revoked_key.pub
cp subj_p384.pub plain_key.pub
ssh-keygen -q -t ed25519 -N '' -f cert_of_revoked_key
cp subj_p256.pub rk.pub && ssh-keygen -q -s ca_ed25519 -I rk -n u -z 6000 rk.pub >/dev/null 2>&1  # its key revoked
cat >spec <<EOF
serial: 7
serial: 100-200
serial: 18446744073709551615
id: mallory
key: $(cat revoked_key.pub)
EOF
must "ssh-keygen -k writes the KRL" ssh-keygen -q -k -s ca_ed25519.pub -f keygen.krl spec
must "our writer writes the KRL" "$TOOL" krl-write ours.krl ca_ed25519.pub spec
files=(s1-cert.pub s7-cert.pub s8-cert.pub s99-cert.pub s100-cert.pub s150-cert.pub s200-cert.pub
  s201-cert.pub smax-cert.pub s0-cert.pub mallory-cert.pub other7-cert.pub otherm-cert.pub
  revoked_key.pub plain_key.pub rk-cert.pub)
expected=(ok REVOKED ok ok REVOKED REVOKED REVOKED ok REVOKED ok REVOKED ok ok REVOKED ok REVOKED)
keygen_q() { ssh-keygen -Q -f "$1" "$2" 2>&1 | sed -n 's/.*: \(REVOKED\|ok\)$/\1/p'; }
ours_q() { "$TOOL" krl-query "$1" "$2" | sed -n 's/.*: \(REVOKED\|ok\)$/\1/p'; }
for i in "${!files[@]}"; do
  f=${files[$i]}
  answers="$(keygen_q keygen.krl "$f") $(keygen_q ours.krl "$f") $(ours_q keygen.krl "$f") $(ours_q ours.krl "$f")"
  want="${expected[$i]} ${expected[$i]} ${expected[$i]} ${expected[$i]}"
  check "$f: ssh-keygen -Q and ours agree on both KRLs (${expected[$i]})" test "$answers" = "$want"
  [ "$answers" = "$want" ] || echo "  (ssh-keygen/keygen.krl, ssh-keygen/ours.krl, ours/keygen.krl, ours/ours.krl: $answers)"
done
finish
