// stepclient talks to a running sshca CA through smallstep's own client
// library (github.com/smallstep/certificates/ca, 0.19 as Debian ships it),
// with tokens minted the way the step CLI 0.19 mints them (go.step.sm's
// token package, the same provisioner types and claims). Nothing here is
// sshca code: what passes here is what step users' tools get.
//
//	stepclient -ca-url https://127.0.0.1:8443 -fingerprint HEX -root ROOT.pem \
//	           -provisioner admin -provisioner-key KEY.pem -sshpop sshpop -dir WORKDIR -tag RUN
//
// Prints one "ok - ..." or "FAIL - ..." line per check and exits 1 when
// any failed. Every refusal is read back through the client: its status
// and its message must both arrive.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/smallstep/certificates/api"
	"github.com/smallstep/certificates/authority/provisioner"
	"github.com/smallstep/certificates/ca"
	"github.com/smallstep/certificates/errs"
	"go.step.sm/cli-utils/token"
	"go.step.sm/cli-utils/token/provision"
	"go.step.sm/crypto/jose"
	"go.step.sm/crypto/randutil"
	"golang.org/x/crypto/ssh"
)

var (
	caURL       = flag.String("ca-url", "", "the CA URL, as a step user would configure it")
	fingerprint = flag.String("fingerprint", "", "SHA-256 of the root certificate (hex)")
	rootFile    = flag.String("root", "", "the root certificate (PEM), for the token's sha claim")
	provName    = flag.String("provisioner", "admin", "JWK provisioner name")
	provKeyFile = flag.String("provisioner-key", "", "the JWK provisioner's private key (PEM)")
	sshpopName  = flag.String("sshpop", "sshpop", "SSHPOP provisioner name")
	workDir     = flag.String("dir", "", "a directory for keys and certificates")
	tag         = flag.String("tag", "run", "a word that makes this run's names unique")
	userDefault = flag.Duration("user-default", 16*time.Hour, "the JWK provisioner's default user certificate validity")
)

var failures int

func pass(what string) { fmt.Printf("ok - %s\n", what) }
func fail(what string, args ...interface{}) {
	failures++
	fmt.Fprintf(os.Stderr, "FAIL - %s\n", fmt.Sprintf(what, args...))
}
func check(what string, cond bool, detail ...interface{}) bool {
	if cond {
		pass(what)
	} else if len(detail) > 0 {
		fail("%s: %s", what, fmt.Sprint(detail...))
	} else {
		fail("%s", what)
	}
	return cond
}

// must ends the run: what follows means nothing without it.
func must(what string, err error) {
	if err != nil {
		fail("%s: %v", what, err)
		fmt.Printf("%d failed (stopped early)\n", failures)
		os.Exit(1)
	}
	pass(what)
}

// refused: err is the client's reading of a refusal; it must carry the
// status and a non-empty message (step prints the message to its user).
func refused(what string, err error, statuses ...int) {
	if err == nil {
		fail("%s: accepted, expected a refusal", what)
		return
	}
	var apiErr *errs.Error
	if !errors.As(err, &apiErr) {
		fail("%s: the client did not read an API error: %v", what, err)
		return
	}
	ok := false
	for _, s := range statuses {
		ok = ok || apiErr.StatusCode() == s
	}
	if !ok {
		fail("%s: status %d, expected %v (message %q)", what, apiErr.StatusCode(), statuses, apiErr.Error())
		return
	}
	if strings.TrimSpace(apiErr.Error()) == "" {
		fail("%s: status %d with an empty message", what, apiErr.StatusCode())
		return
	}
	pass(fmt.Sprintf("%s: %d %q", what, apiErr.StatusCode(), apiErr.Error()))
}

// ---- tokens, as the step CLI 0.19 mints them ----

// audience is step's parseAudience: the CA URL with the path of the token
// type (SSH certificates use the generic sign path, /1.0/sign).
func audience(path string) string {
	return strings.TrimRight(*caURL, "/") + path
}

// mint is step's TokenGenerator.Token: jti of 64 hex characters, kid,
// iss, aud, sha of the root file, then the type's own options; signed with
// the key's alg.
func mint(key *jose.JSONWebKey, iss, aud, sub string, opts ...token.Options) (string, error) {
	jti, err := randutil.Hex(64)
	if err != nil {
		return "", err
	}
	all := []token.Options{
		token.WithJWTID(jti),
		token.WithKid(key.KeyID),
		token.WithIssuer(iss),
		token.WithAudience(aud),
		token.WithRootCA(*rootFile),
	}
	tok, err := provision.New(sub, append(all, opts...)...)
	if err != nil {
		return "", err
	}
	return tok.SignedString(key.Algorithm, key.Key)
}

// sshSignToken is `step ssh certificate`'s JWK token: step.ssh carries the
// type, principals and validity (no keyID), aud the sign path.
func sshSignToken(key *jose.JSONWebKey, sub, certType string, principals []string, after, before provisioner.TimeDuration) (string, error) {
	return mint(key, *provName, audience("/1.0/sign"), sub, token.WithSSH(provisioner.SignSSHOptions{
		CertType:    certType,
		Principals:  principals,
		ValidAfter:  after,
		ValidBefore: before,
	}))
}

// sshpopToken is step's generateSSHPOPToken: the host's key parsed as a
// JWK (kid = its thumbprint), aud = the endpoint + "#sshpop/<name>",
// sub = the certificate's serial, the certificate in the sshpop header.
func sshpopToken(path, certFile, keyFile, serial string) (string, error) {
	key, err := jose.ReadKey(keyFile)
	if err != nil {
		return "", err
	}
	aud := audience(path) + "#sshpop/" + *sshpopName
	return mint(key, *sshpopName, aud, serial, token.WithSSHPOPFile(certFile, key.Key))
}

// clientFor is how step builds the client for a token it minted: the root
// fetched by the token's sha claim (GET /root/{sha}) and pinned.
func clientFor(tok string) (*ca.Client, error) {
	parsed, err := jose.ParseSigned(tok)
	if err != nil {
		return nil, err
	}
	var claims struct {
		SHA string `json:"sha"`
	}
	if err := parsed.UnsafeClaimsWithoutVerification(&claims); err != nil {
		return nil, err
	}
	if claims.SHA == "" {
		return nil, errors.New("the token has no sha claim")
	}
	return ca.NewClient(*caURL, ca.WithRootSHA256(claims.SHA))
}

// ---- keys and certificates on disk, as a host has them ----

func newKey(name string) (*ecdsa.PrivateKey, ssh.PublicKey, string) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		panic(err)
	}
	file := filepath.Join(*workDir, name)
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), 0600); err != nil {
		panic(err)
	}
	pub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		panic(err)
	}
	return priv, pub, file
}

func writeCert(keyFile string, cert *ssh.Certificate) string {
	file := keyFile + "-cert.pub"
	if err := os.WriteFile(file, ssh.MarshalAuthorizedKey(cert), 0644); err != nil {
		panic(err)
	}
	return file
}

func sameKey(a, b ssh.PublicKey) bool {
	return a != nil && b != nil && string(a.Marshal()) == string(b.Marshal())
}

func signedBy(cert *ssh.Certificate, keys []api.SSHPublicKey) bool {
	for _, k := range keys {
		if sameKey(cert.SignatureKey, k.PublicKey) {
			return true
		}
	}
	return false
}

func near(got uint64, want time.Time, slack time.Duration) bool {
	d := time.Unix(int64(got), 0).Sub(want)
	return d > -slack && d < slack
}

func main() {
	flag.Parse()
	if *caURL == "" || *fingerprint == "" || *rootFile == "" || *provKeyFile == "" || *workDir == "" {
		fmt.Fprintln(os.Stderr, "usage: stepclient -ca-url URL -fingerprint HEX -root PEM -provisioner-key PEM -dir DIR [-provisioner NAME] [-sshpop NAME] [-tag WORD]")
		os.Exit(2)
	}
	run()
	if failures > 0 {
		fmt.Printf("%d failed\n", failures)
		os.Exit(1)
	}
}

func run() {
	// ---- bootstrap, as `step ca bootstrap --fingerprint` does ----
	client, err := ca.NewClient(*caURL, ca.WithRootSHA256(*fingerprint))
	must("bootstrap by fingerprint (GET /root/{sha}, then TLS pinned to that root)", err)
	health, err := client.Health()
	must("Health over the pinned TLS", err)
	check("Health says ok", health.Status == "ok", health.Status)

	_, err = ca.NewClient(*caURL, ca.WithRootSHA256(strings.Repeat("ab", 32)))
	refused("bootstrap with a fingerprint no root has", err, 404)

	roots, err := client.Roots()
	must("Roots", err)
	if check("Roots has one certificate", len(roots.Certificates) == 1, len(roots.Certificates)) {
		sum := sha256.Sum256(roots.Certificates[0].Raw)
		check("Roots serves the pinned root", hex.EncodeToString(sum[:]) == strings.ToLower(*fingerprint))
	}
	fed, err := client.Federation()
	must("Federation", err)
	check("Federation includes the root", len(fed.Certificates) >= 1)

	version, err := client.Version()
	must("Version", err)
	check("Version names a version", version.Version != "", version.Version)

	sshRoots, err := client.SSHRoots()
	must("SSHRoots", err)
	check("SSHRoots has a user and a host key", len(sshRoots.UserKeys) == 1 && len(sshRoots.HostKeys) == 1)
	sshFed, err := client.SSHFederation()
	must("SSHFederation", err)
	check("SSHFederation holds this CA's keys",
		len(sshFed.UserKeys) >= 1 && sameKey(sshFed.UserKeys[0].PublicKey, sshRoots.UserKeys[0].PublicKey) &&
			len(sshFed.HostKeys) >= 1 && sameKey(sshFed.HostKeys[0].PublicKey, sshRoots.HostKeys[0].PublicKey))

	provs, err := client.Provisioners()
	must("Provisioners", err)
	var jwkKid string
	for _, p := range provs.Provisioners {
		if j, ok := p.(*provisioner.JWK); ok && j.Name == *provName {
			jwkKid = j.Key.KeyID
		}
	}
	check("Provisioners lists the JWK provisioner with its key", jwkKid != "")

	provKey, err := jose.ReadKey(*provKeyFile)
	must("read the provisioner key as step reads a JWK", err)
	check("the provisioner key's kid is the listed one", provKey.KeyID == jwkKid, provKey.KeyID, " vs ", jwkKid)

	// ---- a user certificate, as `step ssh certificate alice key --not-after 2h` ----
	user := "alice-" + *tag
	_, userPub, _ := newKey("id_" + user)
	before, _ := provisioner.ParseTimeDuration("2h")
	tok, err := sshSignToken(provKey, user, provisioner.SSHUserCert, []string{user}, provisioner.TimeDuration{}, before)
	must("mint a user token as step does (relative validBefore 2h0m0s)", err)
	signClient, err := clientFor(tok)
	must("client from the token's sha (GET /root/{sha})", err)
	now := time.Now()
	signed, err := signClient.SSHSign(&api.SSHSignRequest{
		PublicKey: userPub.Marshal(), OTT: tok, CertType: provisioner.SSHUserCert,
		KeyID: user, Principals: []string{user}, ValidBefore: before,
	})
	must("SSHSign user", err)
	uc := signed.Certificate.Certificate
	check("user certificate: type user", uc.CertType == ssh.UserCert)
	check("user certificate: principal", len(uc.ValidPrincipals) == 1 && uc.ValidPrincipals[0] == user, uc.ValidPrincipals)
	check("user certificate: our key", sameKey(uc.Key, userPub))
	check("user certificate: signed by the user CA key", signedBy(uc, sshRoots.UserKeys))
	check("user certificate: ends 2h from now (relative validBefore)", near(uc.ValidBefore, now.Add(2*time.Hour), 2*time.Minute),
		time.Unix(int64(uc.ValidBefore), 0).Sub(now))
	check("user certificate: starts by now", time.Unix(int64(uc.ValidAfter), 0).Before(now.Add(time.Minute)))
	_, err = signClient.SSHSign(&api.SSHSignRequest{
		PublicKey: userPub.Marshal(), OTT: tok, CertType: provisioner.SSHUserCert, KeyID: user, Principals: []string{user},
	})
	refused("the same token again (replay)", err, 401, 409)

	// Default validity: counted from now, the backdate before it.
	tok, err = sshSignToken(provKey, user, provisioner.SSHUserCert, []string{user}, provisioner.TimeDuration{}, provisioner.TimeDuration{})
	must("mint a user token without validity", err)
	now = time.Now()
	signed, err = client.SSHSign(&api.SSHSignRequest{PublicKey: userPub.Marshal(), OTT: tok, CertType: provisioner.SSHUserCert, KeyID: user})
	must("SSHSign user, default validity", err)
	dc := signed.Certificate.Certificate
	check("default validity: backdated 5 minutes before now", near(dc.ValidAfter, now.Add(-5*time.Minute), time.Minute))
	check(fmt.Sprintf("default validity: ends %s from now, as step-ca's", *userDefault),
		near(dc.ValidBefore, now.Add(*userDefault), time.Minute), time.Unix(int64(dc.ValidBefore), 0).Sub(now))
	check("no principals asked: the token's subject", len(dc.ValidPrincipals) == 1 && dc.ValidPrincipals[0] == user, dc.ValidPrincipals)

	tok, err = sshSignToken(provKey, user, provisioner.SSHUserCert, []string{user}, provisioner.TimeDuration{}, provisioner.TimeDuration{})
	must("mint a user token", err)
	_, err = client.SSHSign(&api.SSHSignRequest{PublicKey: userPub.Marshal(), OTT: tok, CertType: provisioner.SSHUserCert,
		KeyID: user, Principals: []string{user, "root"}})
	refused("a principal the token does not name", err, 403)

	// A token for a CA name this CA does not have.
	saved := *caURL
	*caURL = "https://ca.other.example:8443"
	tok, err = sshSignToken(provKey, user, provisioner.SSHUserCert, []string{user}, provisioner.TimeDuration{}, provisioner.TimeDuration{})
	*caURL = saved
	must("mint a token for another CA's URL", err)
	_, err = client.SSHSign(&api.SSHSignRequest{PublicKey: userPub.Marshal(), OTT: tok, CertType: provisioner.SSHUserCert, KeyID: user})
	refused("a token for another CA (audience)", err, 401)

	// ---- a host certificate, then what a host does with it ----
	host := "web-" + *tag + ".example.com"
	_, hostPub, hostKeyFile := newKey("ssh_host_ecdsa_key_" + *tag)
	tok, err = sshSignToken(provKey, host, provisioner.SSHHostCert, []string{host}, provisioner.TimeDuration{}, provisioner.TimeDuration{})
	must("mint a host token", err)
	signed, err = client.SSHSign(&api.SSHSignRequest{PublicKey: hostPub.Marshal(), OTT: tok, CertType: provisioner.SSHHostCert,
		KeyID: host, Principals: []string{host}})
	must("SSHSign host", err)
	hc := signed.Certificate.Certificate
	check("host certificate: type host", hc.CertType == ssh.HostCert)
	check("host certificate: signed by the host CA key", signedBy(hc, sshRoots.HostKeys))
	hostCertFile := writeCert(hostKeyFile, hc)

	exists, err := client.SSHCheckHost(host, "")
	must("SSHCheckHost of the enrolled host", err)
	check("SSHCheckHost: the host exists", exists.Exists)
	exists, err = client.SSHCheckHost("nobody-"+*tag+".example.com", "")
	must("SSHCheckHost of an unknown host", err)
	check("SSHCheckHost: an unknown host does not", !exists.Exists)

	// ---- the configuration templates, as `step ssh config` asks for them ----
	cfg, err := client.SSHConfig(&api.SSHConfigRequest{Type: provisioner.SSHUserCert, Data: map[string]string{
		"StepPath": "/home/alice/.step", "StepBasePath": "/home/alice/.step", "GOOS": "linux", "StepSSHTemplateVersion": "v2"}})
	must("SSHConfig user", err)
	knownHosts := ""
	names := []string{}
	for _, t := range cfg.UserTemplates {
		names = append(names, t.Name)
		if t.Name == "known_hosts.tpl" {
			knownHosts = string(t.Content)
		}
	}
	hostCA := sshRoots.HostKeys[0].PublicKey
	check("SSHConfig user: step's four templates", len(cfg.UserTemplates) == 4, names)
	check("SSHConfig user: known_hosts trusts the host CA",
		strings.Contains(knownHosts, "@cert-authority * "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(hostCA)))), knownHosts)
	cfg, err = client.SSHConfig(&api.SSHConfigRequest{Type: provisioner.SSHHostCert, Data: map[string]string{
		"Certificate": "ssh_host_ecdsa_key-cert.pub", "Key": "ssh_host_ecdsa_key"}})
	must("SSHConfig host", err)
	sshd, caPub := "", ""
	for _, t := range cfg.HostTemplates {
		switch t.Name {
		case "sshd_config.tpl":
			sshd = string(t.Content)
		case "ca.tpl":
			caPub = string(t.Content)
		}
	}
	check("SSHConfig host: sshd_config lines", strings.Contains(sshd, "TrustedUserCAKeys /etc/ssh/ca.pub") &&
		strings.Contains(sshd, "HostCertificate /etc/ssh/ssh_host_ecdsa_key-cert.pub") &&
		strings.Contains(sshd, "HostKey /etc/ssh/ssh_host_ecdsa_key"), sshd)
	check("SSHConfig host: ca.pub is the user CA key",
		strings.TrimSpace(caPub) == strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshRoots.UserKeys[0].PublicKey))), caPub)
	_, err = client.SSHConfig(&api.SSHConfigRequest{Type: provisioner.SSHHostCert})
	refused("SSHConfig host without Certificate and Key", err, 400)
	_, err = client.SSHConfig(&api.SSHConfigRequest{Type: "bogus"})
	refused("SSHConfig of an unknown type", err, 400)

	// ---- renew, rekey, revoke by SSHPOP, as `step ssh renew|rekey|revoke` ----
	serial := strconv.FormatUint(hc.Serial, 10)
	tok, err = sshpopToken("/1.0/ssh/renew", hostCertFile, hostKeyFile, serial)
	must("mint an SSHPOP renew token as step does", err)
	popClient, err := clientFor(tok)
	must("client from the SSHPOP token's sha", err)
	renewed, err := popClient.SSHRenew(&api.SSHRenewRequest{OTT: tok})
	must("SSHRenew", err)
	rc := renewed.Certificate.Certificate
	check("renewed: same key, new serial, host", sameKey(rc.Key, hostPub) && rc.Serial != hc.Serial && rc.CertType == ssh.HostCert)
	check("renewed: same principals", len(rc.ValidPrincipals) == 1 && rc.ValidPrincipals[0] == host)
	_, err = popClient.SSHRenew(&api.SSHRenewRequest{OTT: tok})
	refused("the same SSHPOP token again (replay)", err, 401, 409)
	tok, err = sshpopToken("/1.0/ssh/rekey", hostCertFile, hostKeyFile, serial)
	must("mint an SSHPOP token for rekey", err)
	_, err = popClient.SSHRenew(&api.SSHRenewRequest{OTT: tok})
	refused("a rekey token at /ssh/renew (audience)", err, 401)

	renewedFile := writeCert(hostKeyFile, rc)
	_, newPub, newKeyFile := newKey("ssh_host_ecdsa_key_new_" + *tag)
	rserial := strconv.FormatUint(rc.Serial, 10)
	tok, err = sshpopToken("/1.0/ssh/rekey", renewedFile, hostKeyFile, rserial)
	must("mint an SSHPOP rekey token", err)
	rekeyed, err := popClient.SSHRekey(&api.SSHRekeyRequest{OTT: tok, PublicKey: newPub.Marshal()})
	must("SSHRekey", err)
	kc := rekeyed.Certificate.Certificate
	check("rekeyed: the new key, host, same principals", sameKey(kc.Key, newPub) && kc.CertType == ssh.HostCert &&
		len(kc.ValidPrincipals) == 1 && kc.ValidPrincipals[0] == host)
	rekeyedFile := writeCert(newKeyFile, kc)

	kserial := strconv.FormatUint(kc.Serial, 10)
	tok, err = sshpopToken("/1.0/ssh/revoke", rekeyedFile, newKeyFile, kserial)
	must("mint an SSHPOP revoke token", err)
	revoked, err := popClient.SSHRevoke(&api.SSHRevokeRequest{Serial: kserial, OTT: tok, ReasonCode: 1, Reason: "key compromise", Passive: true})
	must("SSHRevoke by SSHPOP", err)
	check("SSHRevoke says ok", revoked.Status == "ok", revoked.Status)
	tok, err = sshpopToken("/1.0/ssh/renew", rekeyedFile, newKeyFile, kserial)
	must("mint an SSHPOP renew token over the revoked certificate", err)
	_, err = popClient.SSHRenew(&api.SSHRenewRequest{OTT: tok})
	refused("renewing a revoked certificate", err, 401, 403)

	// ---- revoke by the admin's JWK token, as `step ssh revoke SERIAL` ----
	userSerial := strconv.FormatUint(dc.Serial, 10)
	tok, err = mint(provKey, *provName, audience("/1.0/ssh/revoke"), userSerial)
	must("mint a JWK revoke token", err)
	revoked, err = client.SSHRevoke(&api.SSHRevokeRequest{Serial: userSerial, OTT: tok, Reason: "left", Passive: true})
	must("SSHRevoke by a JWK token", err)
	tok, err = mint(provKey, *provName, audience("/1.0/ssh/revoke"), userSerial)
	must("mint another JWK revoke token", err)
	_, err = client.SSHRevoke(&api.SSHRevokeRequest{Serial: userSerial, OTT: tok, Passive: true})
	refused("revoking it again", err, 409)
	_, err = client.SSHRevoke(&api.SSHRevokeRequest{Serial: userSerial, OTT: "not-a-token", Passive: true})
	refused("a token that is not a JWS", err, 401)
}
