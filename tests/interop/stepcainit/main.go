// stepcainit makes a step-ca 0.19 configuration the way `step ca init
// --ssh` does, with step-ca's own code (github.com/smallstep/certificates/pki,
// as Debian ships it): root and intermediate, SSH user and host CA keys,
// the JWK provisioner with its encrypted key, the SSHPOP provisioner, and
// ca.json under $STEPPATH. Then it decrypts the provisioner key as
// `step ca token` would and writes it as PEM, so a test can mint tokens with
// it. Nothing here is sshca code.
//
//	STEPPATH=DIR stepcainit -password-file PW -name NAME -dns a,b -address 127.0.0.1:9000 \
//	    -provisioner admin@example.com -key-out KEY.pem
package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/smallstep/certificates/authority/config"
	"github.com/smallstep/certificates/cas/apiv1"
	"github.com/smallstep/certificates/pki"
	"go.step.sm/crypto/jose"
)

func main() {
	pwFile := flag.String("password-file", "", "password of every key and of the provisioner key")
	name := flag.String("name", "Smallstep Test", "the PKI's name")
	dns := flag.String("dns", "127.0.0.1,localhost", "the CA's DNS names")
	address := flag.String("address", "127.0.0.1:9000", "the CA's listen address")
	prov := flag.String("provisioner", "admin@example.com", "the JWK provisioner's name")
	keyOut := flag.String("key-out", "", "where to write the decrypted provisioner key (PEM)")
	flag.Parse()
	if *pwFile == "" || *keyOut == "" || os.Getenv("STEPPATH") == "" {
		fmt.Fprintln(os.Stderr, "usage: STEPPATH=DIR stepcainit -password-file PW -key-out KEY.pem [...]")
		os.Exit(2)
	}
	if err := run(*pwFile, *name, strings.Split(*dns, ","), *address, *prov, *keyOut); err != nil {
		fmt.Fprintln(os.Stderr, "stepcainit:", err)
		os.Exit(1)
	}
}

func run(pwFile, name string, dns []string, address, prov, keyOut string) error {
	raw, err := os.ReadFile(pwFile)
	if err != nil {
		return err
	}
	pass := []byte(strings.TrimRight(string(raw), "\r\n"))

	// What `step ca init --ssh` runs, in its order.
	p, err := pki.New(apiv1.Options{Type: apiv1.SoftCAS, IsCreator: true},
		pki.WithAddress(address), pki.WithDNSNames(dns), pki.WithProvisioner(prov), pki.WithSSH())
	if err != nil {
		return err
	}
	if err := p.GenerateKeyPairs(pass); err != nil {
		return err
	}
	root, err := p.GenerateRootCertificate(name, name, "root-ca", pass)
	if err != nil {
		return err
	}
	if err := p.GenerateIntermediateCertificate(name, name, "intermediate-ca", root, pass); err != nil {
		return err
	}
	if err := p.GenerateSSHSigningKeys(pass); err != nil {
		return err
	}
	if err := p.Save(); err != nil {
		return err
	}
	return writeProvisionerKey(p.GetCAConfigPath(), prov, pass, keyOut)
}

// writeProvisionerKey decrypts the JWK provisioner's encryptedKey from the
// written ca.json with the password, as `step ca token` does.
func writeProvisionerKey(caJSON, prov string, pass []byte, keyOut string) error {
	cfg, err := config.LoadConfiguration(caJSON)
	if err != nil {
		return err
	}
	for _, pi := range cfg.AuthorityConfig.Provisioners {
		raw, err := json.Marshal(pi)
		if err != nil {
			return err
		}
		var jwk struct {
			Type, Name   string
			EncryptedKey string `json:"encryptedKey"`
		}
		if err := json.Unmarshal(raw, &jwk); err != nil || jwk.Type != "JWK" || jwk.Name != prov {
			continue
		}
		key, err := jose.ParseKey([]byte(jwk.EncryptedKey), jose.WithPassword(pass))
		if err != nil {
			return fmt.Errorf("decrypting the provisioner key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key.Key)
		if err != nil {
			return err
		}
		return os.WriteFile(keyOut, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0600)
	}
	return fmt.Errorf("no JWK provisioner %q in %s", prov, caJSON)
}
