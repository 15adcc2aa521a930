#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted bytes (certificates, public keys,
# ssh-agent replies, and any target dropped into tests/fuzz/): builds every
# tests/fuzz/fuzz_*.cpp with clang and libFuzzer + ASan + UBSan into
# BUILD_DIR/fuzz, seeds a corpus from real ssh-keygen output, runs each
# target for FUZZ_SECONDS (default: 80 s shared by the targets, at least 10
# each) and fails on any crash, sanitizer report, leak, timeout or single
# allocation above 64 MiB. docs/fuzzing.md.
source "$(dirname "$0")/../lib/common.sh" "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TARGETS=("$SRC"/tests/fuzz/fuzz_*.cpp)
# FUZZ_ONLY=fuzz_krl: one target (scripts/fuzz.sh TARGET SECONDS).
if [ -n "${FUZZ_ONLY:-}" ]; then
  TARGETS=("$SRC/tests/fuzz/$FUZZ_ONLY.cpp")
  [ -f "${TARGETS[0]}" ] || { echo "no fuzz target $FUZZ_ONLY (tests/fuzz/$FUZZ_ONLY.cpp)" >&2; exit 1; }
fi
# A fixed total keeps the test's duration bounded as targets are added:
# 120 s shared, at least 8 s each.
FUZZ_SECONDS=${FUZZ_SECONDS:-$(( 120 / ${#TARGETS[@]} > 8 ? 120 / ${#TARGETS[@]} : 8 ))}
FUZZ_BUILD="$BUILD_DIR/fuzz"

CLANGXX=$(command -v clang++-14 || command -v clang++ || true)
CLANGC=$(command -v clang-14 || command -v clang || true)
if [ -z "$CLANGXX" ] || [ -z "$CLANGC" ]; then
  echo "skipped: clang is not installed (scripts/setup.sh installs clang-14 and libclang-rt-14-dev)"
  exit 77
fi

# A canary target: proves the libFuzzer runtime links, and (below) that the
# runner notices a crash. It crashes on inputs starting with "X".
cat >"$T/canary.cpp" <<'EOF'
#include <cstddef>
#include <cstdint>
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 0 && data[0] == 'X') __builtin_trap();
  return 0;
}
EOF
if ! "$CLANGXX" -fsanitize=fuzzer,address "$T/canary.cpp" -o "$T/canary" 2>"$T/canary.log"; then
  cat "$T/canary.log"
  echo "skipped: the libFuzzer runtime is missing (install libclang-rt-14-dev)"
  exit 77
fi

# run_target BINARY CORPUS_DIR NAME ARTIFACT_DIR: fuzzes for FUZZ_SECONDS;
# non-zero on a finding, whose input is saved in ARTIFACT_DIR.
run_target() {
  local bin=$1 corpus=$2 name=$3 artifacts=$4
  mkdir -p "$artifacts"
  "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$name-" "$corpus" >"$T/$name.log" 2>&1
}

mkdir -p "$T/canary-corpus"
printf 'X' >"$T/canary-corpus/x"
if run_target "$T/canary" "$T/canary-corpus" canary "$T/canary-artifacts"; then
  fail "the runner did not notice the canary's crash"
else
  pass "the runner notices a crashing target"
fi

# ---- build: only the fuzz targets and the library sources they name ----
cmake -S "$SRC/tests/fuzz" -B "$FUZZ_BUILD" -DCMAKE_CXX_COMPILER="$CLANGXX" -DCMAKE_C_COMPILER="$CLANGC" \
  >"$T/cmake.log" 2>&1 || { cat "$T/cmake.log" >&2; fail "configuring the fuzz build"; finish; exit 1; }
if ! cmake --build "$FUZZ_BUILD" -j"${FUZZ_JOBS:-2}" >"$T/build.log" 2>&1; then
  grep -E "error|Error" "$T/build.log" | head -40 >&2
  fail "building the fuzz targets"
  finish
  exit 1
fi
pass "fuzz targets built with $CLANGXX"

# ---- seeds: real keys, certificates and agent replies ----
mkdir -p "$T/keys" "$T/seeds"
ssh-keygen -q -t ed25519 -N '' -C ca -f "$T/keys/ca"
for spec in ed25519:0 ecdsa:256 ecdsa:384 ecdsa:521 rsa:2048; do
  type=${spec%%:*} bits=${spec##*:}
  key="$T/keys/$type$bits"
  if [ "$bits" = 0 ]; then ssh-keygen -q -t "$type" -N '' -C "$type" -f "$key"
  else ssh-keygen -q -t "$type" -b "$bits" -N '' -C "$type$bits" -f "$key"; fi
  ssh-keygen -q -s "$T/keys/ca" -I "alice@$type" -n alice,bob -O force-command=/bin/true -V -5m:+1h "$key.pub"
done
python3 - "$T/keys" "$T/seeds" <<'EOF'
import base64, glob, hashlib, os, struct, sys
keys, out = sys.argv[1], sys.argv[2]
def s(b): return struct.pack(">I", len(b)) + b
def put(data):
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f: f.write(data)
blobs = []
for path in sorted(glob.glob(keys + "/*.pub")):
    line = open(path, "rb").read().strip()
    blob = base64.b64decode(line.split()[1])
    blobs.append(blob)
    put(blob)          # wire form: public key or certificate
    put(line)          # one-line text form
put(bytes([12]) + struct.pack(">I", len(blobs)) + b"".join(s(b) + s(b"comment") for b in blobs))
put(bytes([12]) + struct.pack(">I", 0))
put(bytes([14]) + s(s(b"ssh-ed25519") + s(bytes(64))))
put(bytes([14]) + s(s(b"rsa-sha2-512") + s(bytes(256))))
put(bytes([6])); put(bytes([5]))
EOF
# ---- seeds for the other parsers, from the real tools ----
S="$T/seeds"
cp "$T/keys/ed255190" "$S/openssh-ed25519"; cp "$T/keys/ecdsa256" "$S/openssh-p256"; cp "$T/keys/rsa2048" "$S/openssh-rsa"
ssh-keygen -q -t ed25519 -N 'secret' -f "$T/keys/encrypted" && cp "$T/keys/encrypted" "$S/openssh-encrypted"
# KRLs: serials (list, range), key IDs, plain keys.
printf 'serial: 1-1000\nserial: 5000\nid: alice\n' >"$T/krl.spec"
ssh-keygen -q -k -f "$S/krl-spec" -s "$T/keys/ca.pub" -z 7 "$T/krl.spec"
ssh-keygen -q -k -f "$S/krl-certs" "$T"/keys/*-cert.pub
ssh-keygen -q -k -f "$S/krl-keys" "$T/keys/ed255190.pub" "$T/keys/ecdsa256.pub"
# SSHSIG over a KRL, armoured and binary.
ssh-keygen -q -Y sign -f "$T/keys/ca" -n sshca-krl "$S/krl-spec" 2>/dev/null
mv "$S/krl-spec.sig" "$S/sshsig-armoured"
sed '1d;$d' "$S/sshsig-armoured" | base64 -d >"$S/sshsig-binary"
# X.509: a self-signed certificate and a CSR, PEM and DER.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/x.key" -subj /CN=fuzz \
  -addext subjectAltName=DNS:ca.example,IP:127.0.0.1 -days 1 -out "$S/x509-cert.pem" 2>/dev/null
openssl x509 -in "$S/x509-cert.pem" -outform DER -out "$S/x509-cert.der"
openssl req -new -key "$T/x.key" -subj /CN=host.example -addext subjectAltName=DNS:host.example \
  -out "$S/x509-csr.pem" 2>/dev/null
openssl req -in "$S/x509-csr.pem" -outform DER -out "$S/x509-csr.der"
# JWS / JWT in the shape step and `sshca token` mint (ES256, kid, the
# claims of a sign token; the parser does not check the signature bytes),
# and request bodies.
python3 - "$S" <<'PY'
import base64, json, os, sys
out = sys.argv[1]
e = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
h = {"alg": "ES256", "kid": "a" * 43, "typ": "JWT"}
c = {"iss": "fuzz-issuer", "aud": ["https://ca.example/1.0/ssh/sign"], "sub": "alice", "jti": "1" * 64,
     "iat": 1700000000, "nbf": 1700000000, "exp": 1700000300,
     "step": {"ssh": {"certType": "user", "keyID": "alice", "principals": ["alice"]}}}
open(os.path.join(out, "jws-token"), "w").write(e(json.dumps(h).encode()) + "." + e(json.dumps(c).encode()) + "." + e(b"\1" * 64))
def put(name, obj): open(os.path.join(out, name), "w").write(json.dumps(obj))
put("json-sign", {"publicKey": "AAAAC3NzaC1lZDI1NTE5AAAAIA==", "ott": "a.b.c", "certType": "user", "keyID": "alice",
                  "principals": ["alice"], "validAfter": "", "validBefore": "2h0m0s"})
put("json-revoke", {"serial": "123", "ott": "a.b.c", "reasonCode": 1, "reason": "key compromise", "passive": True})
put("json-rekey", {"ott": "a.b.c", "publicKey": "AAAAC3NzaC1lZDI1NTE5AAAAIA=="})
PY
printf '%s' 'pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=sshca?pin-source=file:/etc/pin' >"$S/uri-kms"
printf '%s' 'pkcs11:object=ssh-user-ca;id=%01%02' >"$S/uri-key"
pass "seed corpus from ssh-keygen, openssl and token shapes: $(ls "$T/seeds" | wc -l) inputs"

# ---- fuzz every target ----
for src in "${TARGETS[@]}"; do
  name=$(basename "$src" .cpp)
  corpus="$FUZZ_BUILD/corpus/$name"  # kept between runs: coverage accumulates
  mkdir -p "$corpus"
  cp -n "$T"/seeds/* "$corpus"/
  if [ -d "$SRC/tests/fuzz/corpus/$name" ]; then cp -n "$SRC/tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null || true; fi
  if run_target "$FUZZ_BUILD/$name" "$corpus" "$name" "$FUZZ_BUILD/artifacts"; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/$name.log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$T/$name.log" | tail -1)
    pass "$name: no finding in ${FUZZ_SECONDS}s (${runs:-?} inputs, ${cov:-cov: ?})"
  else
    tail -60 "$T/$name.log" >&2
    fail "$name: finding; reproduce with $FUZZ_BUILD/$name $(ls -t "$FUZZ_BUILD"/artifacts/"$name"-* 2>/dev/null | head -1)"
  fi
done

finish
