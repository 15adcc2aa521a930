#!/usr/bin/env bash
# `sshca provisioner update NAME`: only the options given change, a list
# option replaces its list ('' empties it), and a refused change (unknown
# name, OIDC options on a JWK provisioner, nothing to change, a bad value)
# leaves ca.json byte for byte as it was.
source "$(dirname "$0")/../lib/common.sh"
init_ca
cd "$T"
quiet() { "$@" >/dev/null; }
corp() { jq -c --arg f "$1" '.provisioners[] | select(.name=="corp") | getpath($f | split("."))' "$CFG"; }

ISSUER=http://127.0.0.1:9/realms/corp
must "provisioner add oidc corp" quiet "$SSHCA" provisioner add oidc corp --config "$CFG" --issuer "$ISSUER" \
  --client-id sshca --domain example.com --group admins=root --max-validity 8h

check "update --max-validity 4h" quiet "$SSHCA" provisioner update corp --config "$CFG" --max-validity 4h
check "ca.json: maxValidity 4h" [ "$(corp policy.user.maxValidity)" = '"4h"' ]
check "ca.json: the rest unchanged (domains, groups, client)" \
  [ "$(jq -c '.provisioners[] | select(.name=="corp") | [.domains, .groups, .clientID]' "$CFG")" = '[["example.com"],{"admins":["root"]},"sshca"]' ]

check "update --principal-claim email-local --group admins=root --group ops=ops --domain ''" \
  quiet "$SSHCA" provisioner update corp --config "$CFG" --principal-claim email-local \
  --group admins=root --group ops=ops --domain ''
check "ca.json: groups replaced" [ "$(corp groups)" = '{"admins":["root"],"ops":["ops"]}' ]
check "ca.json: the claim is there" bash -c 'jq -e ".provisioners[] | select(.name==\"corp\") | tostring | contains(\"email-local\")" "$1" >/dev/null' _ "$CFG"
check "ca.json: domains emptied" bash -c '[ "$(jq -c ".provisioners[] | select(.name==\"corp\") | (.domains // [])" "$1")" = "[]" ]' _ "$CFG"

cp "$CFG" "$T/before.json"
expect_fail "update of an unknown provisioner fails" "$SSHCA" provisioner update nosuch --config "$CFG" --max-validity 1h
err_contains "no provisioner named"
rc=0; "$SSHCA" provisioner update admin --config "$CFG" --issuer "$ISSUER" >/dev/null 2>&1 || rc=$?
check "OIDC options on the JWK provisioner are a usage error (64)" [ "$rc" = 64 ]
rc=0; "$SSHCA" provisioner update corp --config "$CFG" >/dev/null 2>&1 || rc=$?
check "nothing to change is a usage error (64)" [ "$rc" = 64 ]
expect_fail "a bad principal claim is refused" "$SSHCA" provisioner update corp --config "$CFG" --principal-claim email
expect_fail "a bad --allow-unverified-email is refused" "$SSHCA" provisioner update corp --config "$CFG" --allow-unverified-email maybe
check "refused updates left ca.json unchanged" cmp -s "$CFG" "$T/before.json"

finish
