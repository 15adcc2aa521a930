#!/usr/bin/env bash
# The Debian packages on this machine: scripts/package.sh packages the
# binaries of the build tree under test (--prebuilt: no second build; the
# release build by dpkg-buildpackage differs only in its compiler flags),
# lintian finds no error, `dpkg -i` installs them, the installed `sshca init`
# and the unit's own ExecStart line run as the package's user `sshca` (no
# systemd PID 1 here: setpriv drops to the user as systemd would), the
# installed agent enrolls a host against it, the installed cron job renews
# (and fails loudly once the agent is removed), `sshca reload` reaches the
# serve, `systemd-analyze verify`
# accepts every installed unit, and remove/purge keep the CA's files until
# the admin deletes them. At the end the machine is as it was: no package,
# user, file or dpkg state left, also when the test fails (trap).
source "$(dirname "$0")/../lib/common.sh"
require_root
SRC=$(cd "$(dirname "$0")/../.." && pwd)
if grep -q '^SSHCA_SANITIZE:BOOL=ON' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
  echo "skipped: packages are made from the Release tree, not a sanitizer build"
  exit 77
fi

PKGS=(libpam-sshca sshca-agent sshca)
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
UNITS=(sshca.service sshca-host-renew.service sshca-host-renew.timer sshca-krl-sync.service sshca-krl-sync.timer)
CRON=/etc/cron.weekly/sshca-host-renew
CA_DIR=/var/lib/sshca
CFG=$CA_DIR/config/ca.json

# ---- a machine that already has any of it is not ours to install over ----
for p in "${PKGS[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv 'not-installed'; then
    echo "FAIL - package $p is on this machine already (dpkg -l $p): not touching it" >&2; exit 1
  fi
done
for f in /usr/bin/sshca /usr/bin/sshca-agent "/lib/$MULTIARCH/security/pam_sshca.so" "$CRON" \
  "$CA_DIR" /etc/sshca /etc/sshca-agent "${UNITS[@]/#//lib/systemd/system/}"; do
  if [ -e "$f" ]; then echo "FAIL - $f exists already: not touching it" >&2; exit 1; fi
done
if getent passwd sshca >/dev/null || getent group sshca >/dev/null; then
  echo "FAIL - a user or group sshca exists already: not touching it" >&2; exit 1
fi

# What "as it was" means: every path named *sshca* in the system's
# directories (dpkg's database and deb-systemd-helper's state included),
# the user and group, the packages' dpkg status.
snapshot() {
  find /etc /lib /usr /var/lib /run -xdev -name '*sshca*' 2>/dev/null | sort
  getent passwd sshca || true
  getent group sshca || true
  for p in "${PKGS[@]}"; do dpkg-query -W -f='${Package} ${Status}\n' "$p" 2>/dev/null || true; done
}
snapshot >"$T/before"

# dpkg ARGS...: dpkg, retried while another apt/dpkg holds its lock (a
# shared machine); output in $DPKG_OUT.
dpkg_do() {
  local i
  for i in $(seq 1 60); do
    if DPKG_OUT=$(dpkg "$@" 2>&1); then return 0; fi
    grep -qi 'lock' <<<"$DPKG_OUT" || { printf '%s\n' "$DPKG_OUT" >&2; return 1; }
    sleep 5
  done
  printf '%s\n' "$DPKG_OUT" >&2
  return 1
}
# Cleanup, also on failure (after serve is stopped): purge, remove what the
# CA and the test left (none of it existed before: checked above).
cleanup_everything() {
  dpkg_do --purge "${PKGS[@]}" >/dev/null 2>&1 || true
  rm -rf "$CA_DIR" /etc/sshca /etc/sshca-agent
  if getent passwd sshca >/dev/null; then userdel sshca || true; fi
  if getent group sshca >/dev/null; then groupdel sshca || true; fi
}
cleanup_add cleanup_everything

# ---- build and lint ----
must "scripts/package.sh --prebuilt builds the three packages (lintian: no errors)" \
  bash -c "bash '$SRC/scripts/package.sh' --prebuilt '$BUILD_DIR' --out '$T/pkg' >'$T/package.log' 2>&1 || { cat '$T/package.log' >&2; false; }"
grep -E '^[EW]: ' "$T/package.log" || true
DEBS=("$T"/pkg/*.deb)
check "three .deb files" test "${#DEBS[@]}" -eq 3
for p in "${PKGS[@]}"; do
  check "$p: dependencies from shlibdeps (libc6)" bash -c "dpkg-deb -f '$T'/pkg/${p}_*.deb Depends | grep -q libc6"
done
check "sshca: license in the copyright file" bash -c "dpkg-deb --fsys-tarfile '$T'/pkg/sshca_*.deb | tar -xOf - ./usr/share/doc/sshca/copyright | grep -q AGPL-3.0-or-later"

# ---- install ----
must "dpkg -i installs them" dpkg_do -i "${DEBS[@]}"
check "/usr/bin/sshca" test -x /usr/bin/sshca
check "/usr/bin/sshca-agent" test -x /usr/bin/sshca-agent
check "pam_sshca.so in /lib/$MULTIARCH/security" test -f "/lib/$MULTIARCH/security/pam_sshca.so"
check "cron job installed, executable" test -x "$CRON"
check "system user sshca, no login shell" bash -c \
  "[ \$(id -u sshca) -lt 1000 ] && getent passwd sshca | grep -q ':/var/lib/sshca:/usr/sbin/nologin$'"
check "$CA_DIR: sshca:sshca 0750" test "$(stat -c '%U:%G %a' "$CA_DIR")" = "sshca:sshca 750"
check "/etc/sshca: root:sshca 0750" test "$(stat -c '%U:%G %a' /etc/sshca)" = "root:sshca 750"
for u in "${UNITS[@]}"; do
  check "systemd-analyze verify $u" bash -c "systemd-analyze verify /lib/systemd/system/$u >'$T/verify.log' 2>&1 || { cat '$T/verify.log' >&2; false; }"
done
check "every unit's Documentation= file is installed" bash -c \
  "for f in \$(sed -n 's|^Documentation=||p' ${UNITS[*]/#//lib/systemd/system/} | tr ' ' '\n' | sed -n 's|^file://||p'); do
     test -f \"\$f\" || { echo \"missing \$f\" >&2; exit 1; }; done"
check "the timers are enabled (deb-systemd-helper)" \
  test -L /etc/systemd/system/timers.target.wants/sshca-host-renew.timer

# ---- the CA, made and served as the package's user ----
unset SOFTHSM2_CONF
CA_PORT=$(free_port)
must "installed sshca init as user sshca" bash -c \
  "cd / && runuser -u sshca -- /usr/bin/sshca init --dir $CA_DIR --address 127.0.0.1:$CA_PORT >'$T/init.log' 2>&1 || { cat '$T/init.log' >&2; false; }"
check "the CA's files belong to sshca" test -z "$(find "$CA_DIR" ! -user sshca)"
EXEC=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/sshca.service)
check "ExecStart runs the installed binary on $CFG" test "$EXEC" = "/usr/bin/sshca serve --config $CFG"
read -ra EXEC_ARGV <<<"$EXEC"
# As systemd would run it: the user, no capabilities, no new privileges.
(cd / && exec setpriv --reuid sshca --regid sshca --init-groups --no-new-privs --inh-caps=-all \
  --bounding-set=-all -- "${EXEC_ARGV[@]}") 2>"$T/serve.log" &
SERVE_PID=$!
cleanup_add "kill $SERVE_PID"
ROOT=$CA_DIR/certs/root_ca.crt
CA_URL=$(jq -r .url "$CFG")
must "the unit's ExecStart serves (/health)" wait_answering "$SERVE_PID" "$T/serve.log" 150 --cacert "$ROOT" \
  --resolve "localhost:$CA_PORT:127.0.0.1" "$CA_URL/health"
check "it runs as sshca" test "$(ps -o user= -p "$SERVE_PID")" = sshca
check "it keeps its pid in $CA_DIR/config/ca.pid" test "$(cat "$CA_DIR/config/ca.pid")" = "$SERVE_PID"
check "installed sshca reload --config (as root)" bash -c "/usr/bin/sshca reload --config $CFG >/dev/null"
reloaded() { local _; for _ in $(seq 1 100); do grep -q "SIGHUP: reloaded" "$T/serve.log" && return 0; sleep 0.1; done; return 1; }
check "the serve re-read its provisioners" reloaded
check "serve --help names the unit and the installed paths" bash -c \
  "/usr/bin/sshca serve --help | grep -q '/usr/bin/sshca serve --config /var/lib/sshca/config/ca.json'"

# ---- a host enrolls with the installed agent ----
AGENT_DIR=$T/agent
mkdir -p "$T/hostkeys"
ssh-keygen -q -t ecdsa -N '' -C host -f "$T/hostkeys/ssh_host_ecdsa_key"
KEY=$T/hostkeys/ssh_host_ecdsa_key.pub
must "installed agent: bootstrap" bash -c "/usr/bin/sshca-agent bootstrap --ca-url '$CA_URL' \
  --fingerprint '$(root_fingerprint)' --config-dir '$AGENT_DIR' --user-ca-file '$T/user_ca.pub' >/dev/null 2>'$T/agent.log' || { cat '$T/agent.log' >&2; false; }"
must "installed agent: host enroll" bash -c "runuser -u sshca -- /usr/bin/sshca token host web1.example.com --config $CFG |
  /usr/bin/sshca-agent host enroll --token-file - --config-dir '$AGENT_DIR' --key '$KEY' --reload-command '' 2>'$T/agent.log' || { cat '$T/agent.log' >&2; false; }"
check "host certificate for web1.example.com" bash -c \
  "ssh-keygen -L -f '$T/hostkeys/ssh_host_ecdsa_key-cert.pub' | grep -q 'web1.example.com'"

# ---- the installed cron job ----
CRON_ENV=(SSHCA_CONFIG_DIR="$AGENT_DIR" SSHCA_HOST_KEYS="$KEY" SSHCA_KRL_FILE="$T/revoked.krl"
  SSHCA_RELOAD_COMMAND= SSHCA_RENEW_DELAY=0 PATH=/usr/sbin:/usr/bin:/sbin:/bin)
check "cron job: nothing due -> exit 0, no output" bash -c \
  "out=\$(env ${CRON_ENV[*]@Q} $CRON 2>&1) && [ -z \"\$out\" ]"
check "cron job: KRL installed" test -s "$T/revoked.krl"
check "cron job: renews with --force" env "${CRON_ENV[@]}" SSHCA_RENEW_FLAGS=--force "$CRON"
check "cron job: not a host (no agent.json) -> exit 0" env "${CRON_ENV[@]}" SSHCA_CONFIG_DIR="$T/none" "$CRON"

# ---- reinstall over itself (an upgrade's maintainer scripts) ----
check "dpkg -i again (upgrade path)" dpkg_do -i "${DEBS[@]}"
check "the CA survives it" test -f "$CFG"

# ---- remove: the CA's files stay; the cron job (a conffile) stays and, the
# agent gone, fails loudly so that cron mails the admin ----
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
must "dpkg --remove" dpkg_do --remove "${PKGS[@]}"
check "remove keeps $CA_DIR" test -f "$CFG"
check "remove keeps the user" bash -c "getent passwd sshca >/dev/null"
check "remove keeps the cron job (conffile)" test -f "$CRON"
expect_fail "cron job without the agent: exit non-zero" env "${CRON_ENV[@]}" "$CRON"
err_contains "sshca-agent not found"
err_contains "NOT being renewed"

# ---- purge: the CA's files and their user are kept, with a message ----
must "dpkg --purge" dpkg_do --purge "${PKGS[@]}"
check "purge says what it kept" grep -q "kept /var/lib/sshca and the user sshca" <<<"$DPKG_OUT"
check "purge keeps the CA's database" test -f "$CA_DIR/db/sshca.db"
check "purge keeps the user" bash -c "getent passwd sshca >/dev/null"
check "purge removes the cron job" test ! -e "$CRON"
check "purge removes the units' enable links" test ! -e /etc/systemd/system/timers.target.wants/sshca-host-renew.timer
# The admin removes them as the message says.
rm -rf "$CA_DIR" /etc/sshca
check "deluser --system sshca removes the user and its group" bash -c \
  "deluser --system --quiet sshca 2>/dev/null && ! getent passwd sshca && ! getent group sshca"

# ---- install and purge with no CA made: nothing stays ----
must "dpkg -i sshca again" dpkg_do -i "$T"/pkg/sshca_*.deb
must "dpkg --purge sshca" dpkg_do --purge sshca
check "an empty $CA_DIR is removed" test ! -e "$CA_DIR"
check "the user and group are removed" bash -c "! getent passwd sshca && ! getent group sshca"

snapshot >"$T/after"
check "the machine is as it was" diff "$T/before" "$T/after"
finish
