#!/usr/bin/env bash
# ACME dns-01 with lego (Debian's) against `sshca serve`, the TXT records
# served by a real dnsmasq on 127.0.0.1:PORT that is the provisioner's
# dnsResolver: lego's exec hook writes the record and restarts dnsmasq.
# A correct record gets a certificate that verifies to the root; a wrong
# TXT value is refused with nothing issued; the CA's query reached our
# dnsmasq (the system resolver knows no *.sshca.test TXT records, so an
# issued certificate also shows no other resolver was asked). Needs root
# (/etc/hosts, as the other ACME tests).
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/acme.sh"
command -v lego >/dev/null || { echo "skipped: lego is not installed"; exit 77; }
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
[ -x "$DNSMASQ" ] || { echo "skipped: dnsmasq is not installed"; exit 77; }
cd "$T"
cleanup_add "[ \$_FAILS -eq 0 ] || { tail -40 $T/lego.log; tail -20 $T/dns.log; } >&2"

acme_hosts dns-ok.sshca.test dns-wrong.sshca.test
HP=$(free_port)
TP=$(free_port)
DP=$(free_port)

# dnsmasq with the TXT records listed in $T/txt (one "NAME,VALUE" a line),
# restarted by the reload script written below whenever they change (by the test, or by
# lego's exec hook, which is called with: present|cleanup FQDN VALUE).
: >"$T/txt"
cat >"$T/dns_reload.sh" <<RELOAD
#!/usr/bin/env bash
if [ -s "$T/dns.pid" ]; then
  old=\$(cat "$T/dns.pid")
  kill "\$old" 2>/dev/null
  for i in \$(seq 100); do kill -0 "\$old" 2>/dev/null || break; sleep 0.05; done
fi
args=()
while read -r r; do [ -n "\$r" ] && args+=("--txt-record=\$r"); done <"$T/txt"
"$DNSMASQ" --keep-in-foreground --port="$DP" --listen-address=127.0.0.1 --bind-interfaces \\
  --no-resolv --no-hosts --log-queries --log-facility="$T/dns.log" \\
  "\${args[@]}" </dev/null >>"$T/dns.log" 2>&1 &
echo \$! >"$T/dns.pid"
for i in \$(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$DP) 2>/dev/null && exit 0; sleep 0.1; done
exit 1
RELOAD
cat >"$T/hook.sh" <<HOOK
#!/usr/bin/env bash
fqdn=\${2%.}
case "\$1" in
  present) echo "\$fqdn,\$3" >>"$T/txt" ;;
  cleanup) sed -i "/^\$fqdn,/d" "$T/txt" ;;
  *) exit 0 ;;
esac
exec bash "$T/dns_reload.sh"
HOOK
chmod +x "$T/dns_reload.sh" "$T/hook.sh"
cleanup_add "[ -s $T/dns.pid ] && kill \$(cat $T/dns.pid)"
must "dnsmasq starts on 127.0.0.1:$DP" bash "$T/dns_reload.sh"

must "CA with an acme provisioner (dnsResolver 127.0.0.1:$DP) starts" \
  acme_ca "$HP" "$TP" " | .provisioners[-1].acme.dnsResolver = \"127.0.0.1:$DP\""
export LEGO_CA_CERTIFICATES=$ROOT
CRT=$T/lego/certificates/dns-ok.sshca.test.crt

check "lego run --dns exec issues a certificate" env EXEC_PATH="$T/hook.sh" \
  EXEC_PROPAGATION_TIMEOUT=30 EXEC_POLLING_INTERVAL=1 \
  timeout 120 lego --server "$ACME_DIR" --email admin@example.com --accept-tos --path "$T/lego" \
  --domains dns-ok.sshca.test --dns exec --dns.resolvers "127.0.0.1:$DP" --dns.disable-cp run \
  >>"$T/lego.log" 2>&1
check "the dns-01 certificate verifies to the root" \
  openssl verify -CAfile "$ROOT" -untrusted "$INTERMEDIATE" "$CRT"
check "it names dns-ok.sshca.test" bash -c \
  "openssl x509 -in '$CRT' -noout -ext subjectAltName | grep -q 'DNS:dns-ok.sshca.test'"
check "the CA asked our dnsmasq for TXT _acme-challenge.dns-ok.sshca.test" \
  grep -q 'query\[TXT\] _acme-challenge.dns-ok.sshca.test' "$T/dns.log"

# A wrong TXT value: refused, nothing issued.
echo "_acme-challenge.dns-wrong.sshca.test,not-the-key-authorization-digest" >>"$T/txt"
must "dnsmasq serves the wrong record" bash "$T/dns_reload.sh"
BEFORE=$(acme_rows acme_certificates)
BEFORE_X509=$(acme_rows x509_certificates)
QUERIES=$(grep -c 'query\[TXT\] _acme-challenge.dns-wrong.sshca.test' "$T/dns.log" || true)
check "a wrong dns-01 TXT value is refused (authorization invalid, finalize orderNotReady)" \
  python3 "$ACME_CLIENT" wrong-answer "$ACME_DIR" "$ROOT" dns-wrong.sshca.test dns-01 0
check "the CA did ask our dnsmasq for it" bash -c \
  "[ \$(grep -c 'query\[TXT\] _acme-challenge.dns-wrong.sshca.test' '$T/dns.log') -gt $QUERIES ]"
check "nothing was issued for it (acme_certificates)" test "$(acme_rows acme_certificates)" = "$BEFORE"
check "nothing was issued for it (x509_certificates)" test "$(acme_rows x509_certificates)" = "$BEFORE_X509"

finish
