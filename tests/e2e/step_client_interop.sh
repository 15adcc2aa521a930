#!/usr/bin/env bash
# step clients against sshca serve (issue 19): tests/interop/stepclient, a Go
# program built on smallstep's own client library (certificates 0.19 from
# Debian, GOPATH mode, offline), bootstraps by fingerprint and runs Roots,
# Version, SSHRoots, SSHConfig, SSHCheckHost, SSHSign (user and host),
# SSHRenew, SSHRekey and SSHRevoke with tokens minted as the step CLI mints
# them, every refusal read back through the client with its message; once
# against https://127.0.0.1:PORT and once against https://localhost:PORT
# (both names of the CA's TLS certificate). The Go build is cached under
# the build dir.
source "$(dirname "$0")/../lib/common.sh"
SRC=$(cd "$(dirname "$0")/../interop/stepclient" && pwd)

if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/smallstep/certificates/ca ]; then
  echo "skipped: needs golang-go and golang-github-smallstep-certificates-dev (scripts/setup.sh)"
  exit 77
fi

# ---- build (GOPATH mode: Debian's Go packages only, no network) ----
GOWORK_DIR="$BUILD_DIR/interop"
mkdir -p "$GOWORK_DIR/gopath" "$GOWORK_DIR/cache"
STEPCLIENT="$GOWORK_DIR/stepclient"
must "build tests/interop/stepclient against Debian's smallstep packages" \
  env -C "$SRC" GO111MODULE=off GOFLAGS= GOPROXY=off GOPATH="$GOWORK_DIR/gopath:/usr/share/gocode" \
  GOCACHE="$GOWORK_DIR/cache" CGO_CFLAGS=-w go build -o "$STEPCLIENT" .

# ---- the CA (its TLS certificate names localhost and 127.0.0.1) ----
start_ca
FP=$(root_fingerprint)

for url in "https://127.0.0.1:$CA_PORT" "https://localhost:$CA_PORT"; do
  tag=$(echo "$url" | sed 's,https://,,; s,[.:],-,g')
  mkdir -p "$T/$tag"
  echo "# $url"
  if "$STEPCLIENT" -ca-url "$url" -fingerprint "$FP" -root "$ROOT" -provisioner admin \
       -provisioner-key "$PROV_KEY" -sshpop sshpop -dir "$T/$tag" -tag "$tag" >"$T/$tag.out" 2>&1; then
    pass "the step client library against $url"
  else
    fail "the step client library against $url"
  fi
  sed 's/^/    /' "$T/$tag.out"
done

# `sshca token` writes step's sha claim: a step command given the token
# fetches and pins the root by it.
TOKEN=$("$SSHCA" token user bob --principals bob --config "$CFG")
SHA=$(python3 -c 'import base64,json,sys; p=sys.argv[1].split(".")[1]; print(json.loads(base64.urlsafe_b64decode(p+"="*(-len(p)%4)))["sha"])' "$TOKEN")
check "sshca token carries the root fingerprint as sha" [ "$SHA" = "$FP" ]

# Nothing the refusals tried was issued: 3 signs, a renewal and a rekey per URL.
rows=$(sqlite3 "$DB" 'SELECT count(*) FROM ssh_certificates' 2>/dev/null || echo "?")
check "the certificates issued are exactly the accepted ones (10 rows, got $rows)" [ "$rows" = 10 ]
finish
