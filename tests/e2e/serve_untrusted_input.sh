#!/usr/bin/env bash
# Hostile bytes against `sshca serve` (issue 18): keys no one should get a
# certificate for, requests that say two things, times that make no sense,
# revocation fields outside their standard, and messages that would echo a
# caller's control characters. Every case asserts the HTTP status, the
# message, that the server still answers, and that nothing was recorded or
# spent: the very token of each refused request then signs a good request.
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/refusals.sh"  # rows, spent, get, post
cd "$T"

revoked() { sqlite3 "$DB" 'select count(*) from ssh_certificates where revoked_at is not null'; }
user_token() { "$SSHCA" token user alice --principals alice --config "$CFG"; }
ssh-keygen -q -t ed25519 -N '' -f "$T/good"
GOOD=$(cut -d' ' -f2 "$T/good.pub")

# hostile WHAT STATUS MESSAGE-FRAGMENT JQ-BODY: posts the body to
# /1.0/ssh/sign (a jq program with $ott, a fresh user token, $good, and
# $extra, the contents of $T/extra; or, when JQ-BODY is "raw", the printf
# format $RAW with the token for its %s) and checks the status, the
# message, that the server answers, that nothing was written and that the
# token is unspent: it then signs $good.
hostile() {
  local what=$1 status=$2 msg=$3 prog=$4 ott rows0 spent0 got
  ott=$(user_token)
  if [ "$prog" = raw ]; then
    # shellcheck disable=SC2059
    printf "$RAW" "$ott" >"$T/body.json"
  else
    jq -nc --arg ott "$ott" --arg good "$GOOD" --rawfile extra "$T/extra" "$prog" >"$T/body.json" ||
      { fail "$what: building the body"; return; }
  fi
  rows0=$(rows) spent0=$(spent)
  got=$(post "$T/body.json" /1.0/ssh/sign)
  cp "$T/out" "$T/refusal.json"
  check "$what: HTTP $status" [ "$got" = "$status" ]
  check "$what: message says '$msg'" grep -qF -- "$msg" "$T/refusal.json"
  check "$what: the server still answers" [ "$(get /health)" = 200 ]
  check "$what: no certificate recorded" [ "$(rows)" = "$rows0" ]
  check "$what: no token spent" [ "$(spent)" = "$spent0" ]
  jq -nc --arg ott "$ott" --arg good "$GOOD" '{publicKey: $good, ott: $ott}' >"$T/retry.json"
  check "$what: the same token then signs a good key" [ "$(post "$T/retry.json" /1.0/ssh/sign)" = 201 ]
}
: >"$T/extra"

# craft KIND: the base64 wire form of a hostile subject key (Python: no tool
# writes these, which is the point).
craft() {
  python3 - "$1" "$T" <<'PY'
import base64, struct, sys, os
kind, tmp = sys.argv[1], sys.argv[2]
def s(b): return struct.pack(">I", len(b)) + b
def mpint(n): return s(n.to_bytes((n.bit_length() + 8) // 8, "big"))
def wire(pub): return base64.b64decode(open(pub).read().split()[1])
def rsa_fields(w):  # string "ssh-rsa", mpint e, mpint n
    i, out = 0, []
    for _ in range(3):
        n = struct.unpack(">I", w[i:i + 4])[0]; out.append(w[i + 4:i + 4 + n]); i += 4 + n
    return int.from_bytes(out[1], "big"), int.from_bytes(out[2], "big")
def rsa(e, n): return s(b"ssh-rsa") + mpint(e) + mpint(n)
if kind == "ec-off-curve":
    w = bytearray(wire(tmp + "/p256.pub")); w[-1] ^= 1; out = bytes(w)
elif kind.startswith("ed25519-"):
    out = s(b"ssh-ed25519") + s(bytes.fromhex(kind[len("ed25519-"):]))
elif kind == "rsa-even":
    e, n = rsa_fields(wire(tmp + "/rsa.pub")); out = rsa(e, n ^ 1)
elif kind == "rsa-big-e":
    e, n = rsa_fields(wire(tmp + "/rsa.pub")); out = rsa((1 << 2047) | 1, n)
elif kind == "rsa-16384":
    n = (1 << 16383) | (int.from_bytes(os.urandom(2046), "big") << 8) | 1
    out = rsa(65537, n)
print(base64.b64encode(out).decode(), end="")
PY
}
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$T/p256"
ssh-keygen -q -t rsa -b 2048 -N '' -f "$T/rsa"

start_ca

# ---- subject keys (ca/core/keys/key_checks.h) ----
key_refused() { # WHAT MESSAGE KIND
  craft "$3" >"$T/extra"
  hostile "$1" 400 "$2" '{publicKey: $extra, ott: $ott}'
}
key_refused "ECDSA point off the curve" "not a point on its curve" ec-off-curve
check "ECDSA point off the curve: code invalid_format" grep -q '"code":"invalid_format"' "$T/refusal.json"
# The y values of small order (0, 1, the two of order 8, p-1) and the
# non-canonical p and p+1, each with both signs of x (libsodium's list).
for y in 0000000000000000000000000000000000000000000000000000000000000000 \
  0100000000000000000000000000000000000000000000000000000000000000 \
  26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05 \
  c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a \
  ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f \
  edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f \
  eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f; do
  neg=${y:0:62}$(printf '%02x' $((0x${y:62:2} | 0x80)))
  for enc in "$y" "$neg"; do
    key_refused "Ed25519 small-order point ${enc:0:4}..${enc:60:4}" "small-order" "ed25519-$enc"
  done
done
key_refused "RSA with an even modulus" "modulus is even" rsa-even
key_refused "RSA with a 2048-bit exponent" "public exponent must be odd, at least 3 and below 2^32" rsa-big-e
key_refused "RSA of 16384 bits" "16384 bits is too large" rsa-16384

# ---- request fields ----
hostile 'validBefore "-1m"' 400 'not in the future' '{publicKey: $good, ott: $ott, validBefore: "-1m"}'
hostile 'validBefore "0"' 400 'not in the future' '{publicKey: $good, ott: $ott, validBefore: "0"}'
hostile 'validBefore in the past (RFC 3339)' 400 'not in the future' \
  '{publicKey: $good, ott: $ott, validBefore: "2001-01-01T00:00:00Z"}'
# jq cannot write a member twice: the body is written by printf.
RAW='{"publicKey":"'$GOOD'","ott":"%s","principals":["alice"],"principals":["root"]}'
hostile 'a member twice' 400 'member name twice' raw
RAW='{"publicKey":"'$GOOD'","ott":"%s","x":{"a":1,"a":2}}'
hostile 'a member twice in a nested object' 400 'member name twice' raw
P256=$(cut -d' ' -f2 "$T/p256.pub")
printf '%s' "${P256%%=*}" >"$T/extra"
hostile 'publicKey in unpadded base64' 400 '"publicKey\" is not valid base64' '{publicKey: $extra, ott: $ott}'
# A URL-safe form differs only where the standard one has + or /: find a key
# whose encoding has one.
for i in $(seq 1 20); do
  ssh-keygen -q -t ecdsa -b 256 -N '' -f "$T/url$i"
  k=$(cut -d' ' -f2 "$T/url$i.pub")
  case $k in *[+/]*) printf '%s' "$k" | tr '+/' '-_' >"$T/extra"; break ;; esac
done
hostile 'publicKey in URL-safe base64' 400 '"publicKey\" is not valid base64' '{publicKey: $extra, ott: $ott}'

# ---- messages quote caller bytes escaped and bounded ----
printf 'r\033[2Joot\n%s' "$(head -c 10000 /dev/zero | tr '\0' a)" >"$T/extra"
hostile 'principal with ESC, newline and 10,000 bytes' 403 "principal 'r\\\\x1b[2Joot\\\\x0aaaaa" \
  '{publicKey: $good, ott: $ott, principals: [$extra]}'
check "the 403 message is bounded" [ "$(jq -r .error "$T/refusal.json" | wc -c)" -lt 300 ]
check "the 403 message has no control character" bash -c "! jq -j .error '$T/refusal.json' | grep -qP '[\x00-\x1f\x7f]'"
hostile 'key ID with ESC' 403 "key ID 'x\\\\x1b]0;owned\\\\x07'" '{publicKey: $good, ott: $ott, keyID: "x\u001b]0;owned\u0007"}'

# ---- revocation fields ----
ssh-keygen -q -t ed25519 -N '' -f "$T/victim"
jq -nc --arg pk "$(cut -d' ' -f2 "$T/victim.pub")" --arg ott "$(user_token)" '{publicKey: $pk, ott: $ott}' >"$T/v.json"
must "a certificate to revoke" [ "$(post "$T/v.json" /1.0/ssh/sign)" = 201 ]
SERIAL=$(ssh-keygen -L -f <(echo "ssh-ed25519-cert-v01@openssh.com $(jq -r .crt "$T/out")") | sed -n 's/.*Serial: //p')
# revoke_refused WHAT MESSAGE JQ-EXTRA: a revoke with a fresh admin token
# and the fields JQ-EXTRA; 400, message, nothing revoked, token unspent
# (the last one's token revokes the certificate at the end).
revoke_refused() {
  local ott r0 s0
  ott=$("$SSHCA" token revoke "$SERIAL" --config "$CFG")
  jq -nc --arg s "$SERIAL" --arg ott "$ott" --rawfile extra "$T/extra" "{serial: \$s, ott: \$ott, passive: true} + $3" >"$T/rv.json"
  r0=$(revoked) s0=$(spent)
  check "$1: HTTP 400" [ "$(post "$T/rv.json" /1.0/ssh/revoke)" = 400 ]
  check "$1: message says '$2'" grep -qF -- "$2" "$T/out"  # before get overwrites it
  check "$1: the server still answers" [ "$(get /health)" = 200 ]
  check "$1: nothing revoked" [ "$(revoked)" = "$r0" ]
  check "$1: no token spent" [ "$(spent)" = "$s0" ]
  LAST_REVOKE_OTT=$ott
}
RAW_RC='{"serial":"%s","ott":"%s","passive":true,"reasonCode":18446744073709551615}'
revoke_refused 'reasonCode 2^64-1' 'reasonCode' '{reasonCode: 18446744073709551615}'
# jq would round the number: send it as written.
ott=$("$SSHCA" token revoke "$SERIAL" --config "$CFG")
# shellcheck disable=SC2059
printf "$RAW_RC" "$SERIAL" "$ott" >"$T/rv.json"
check "reasonCode 18446744073709551615 as written: HTTP 400" [ "$(post "$T/rv.json" /1.0/ssh/revoke)" = 400 ]
check "reasonCode 18446744073709551615: nothing revoked" [ "$(revoked)" = 0 ]
revoke_refused 'reasonCode 7 (unassigned in RFC 5280)' 'not an RFC 5280 reason' '{reasonCode: 7}'
revoke_refused 'reasonCode -1' 'not an RFC 5280 reason' '{reasonCode: -1}'
revoke_refused 'reason with a NUL' 'control character' '{reason: "stolen\u0000hidden"}'
revoke_refused 'reason with ESC' 'control character' '{reason: "x\u001b[2J"}'
revoke_refused 'reason with a newline' 'control character' '{reason: "a\nb"}'
head -c 30000 /dev/zero | tr '\0' r >"$T/extra"
revoke_refused 'reason of 30 KB' 'longer than 512 bytes' '{reason: $extra}'
jq -nc --arg s "$SERIAL" --arg ott "$LAST_REVOKE_OTT" '{serial: $s, ott: $ott, passive: true, reasonCode: 1, reason: "key compromise"}' >"$T/rv.json"
check "the last refused revoke's token then revokes" [ "$(post "$T/rv.json" /1.0/ssh/revoke)" = 200 ]
check "one certificate revoked" [ "$(revoked)" = 1 ]

finish
