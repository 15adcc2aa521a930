#!/usr/bin/env python3
"""A bare ACME client for the refusals real clients never attempt.

  acme_client.py nonce-replay DIRECTORY CAFILE
      registers an account with a fresh nonce, then sends a second request
      with the same nonce: it must be refused with badNonce.
  acme_client.py wrong-answer DIRECTORY CAFILE NAME TYPE PORT
      orders NAME, answers its TYPE challenge wrongly (http-01: serves a wrong
      key authorization on PORT; tls-alpn-01: whatever listens on PORT), and
      expects the authorization invalid and finalize refused (orderNotReady).
      TYPE dns-01: whatever the CA's resolver answers (PORT unused).
  acme_client.py eab DIRECTORY CAFILE KID B64URL-HMAC-KEY
      against a provisioner with requireEab: an account without EAB is
      refused (externalAccountRequired), one whose EAB MAC is made with a
      wrong key is refused (unauthorized), one with the right EAB is created.
  acme_client.py foreign-revoke DIRECTORY CAFILE CERT.pem
      tries to revoke CERT (issued to another account) as another account,
      with a key that is neither an account's nor the certificate's, and
      with a certificate of the same serial made for the attacker's own key:
      each must be refused (unauthorized).
Prints what it saw; exit status 0 when the CA refused as expected.
"""
import base64, hmac, http.server, json, ssl, sys, threading, time, urllib.request, urllib.error

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography import x509
from cryptography.x509.oid import NameOID


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Client:
    def __init__(self, directory, cafile):
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.dir = json.loads(self.request("GET", directory)[2])
        self.key = ec.generate_private_key(ec.SECP256R1())
        nums = self.key.public_key().public_numbers()
        self.jwk = {"crv": "P-256", "kty": "EC", "x": b64(nums.x.to_bytes(32, "big")),
                    "y": b64(nums.y.to_bytes(32, "big"))}
        self.kid = None

    def request(self, method, url, body=None):
        req = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/jose+json"})
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=30) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def nonce(self):
        return self.request("HEAD", self.dir["newNonce"])[1]["Replay-Nonce"]

    def post(self, url, payload, nonce=None):
        protected = {"alg": "ES256", "nonce": nonce or self.nonce(), "url": url}
        if self.kid:
            protected["kid"] = self.kid
        else:
            protected["jwk"] = self.jwk
        p = b64(json.dumps(protected).encode())
        pl = "" if payload is None else b64(json.dumps(payload).encode())
        der = self.key.sign(f"{p}.{pl}".encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        sig = b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
        body = json.dumps({"protected": p, "payload": pl, "signature": sig}).encode()
        status, headers, data = self.request("POST", url, body)
        return status, headers, (json.loads(data) if data and data.startswith(b"{") else data)

    def register(self, nonce=None):
        status, headers, body = self.post(self.dir["newAccount"], {"termsOfServiceAgreed": True}, nonce)
        if status not in (200, 201):
            raise SystemExit(f"newAccount failed: {status} {body}")
        self.kid = headers["Location"]

    def thumbprint(self):
        canon = json.dumps(self.jwk, sort_keys=True, separators=(",", ":")).encode()
        digest = hashes.Hash(hashes.SHA256())
        digest.update(canon)
        return b64(digest.finalize())


def nonce_replay(directory, cafile):
    c = Client(directory, cafile)
    n = c.nonce()
    c.register(n)
    status, _, body = c.post(c.kid, None, n)
    print("replayed nonce:", status, body)
    ok = status == 400 and body.get("type") == "urn:ietf:params:acme:error:badNonce"
    status, _, body = c.post(c.kid, None, "never-issued-nonce")
    print("unknown nonce:", status, body)
    ok = ok and status == 400 and body.get("type") == "urn:ietf:params:acme:error:badNonce"
    return 0 if ok else 1


def wrong_answer(directory, cafile, name, ctype, port):
    c = Client(directory, cafile)
    c.register()
    status, headers, order = c.post(c.dir["newOrder"], {"identifiers": [{"type": "dns", "value": name}]})
    if status != 201:
        raise SystemExit(f"newOrder failed: {status} {order}")
    authz_url = order["authorizations"][0]
    _, _, authz = c.post(authz_url, None)
    chal = next(ch for ch in authz["challenges"] if ch["type"] == ctype)
    if ctype == "http-01":
        class Wrong(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = (chal["token"] + ".not-the-thumbprint").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", int(port)), Wrong)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    c.post(chal["url"], {})
    for _ in range(300):
        _, _, authz = c.post(authz_url, None)
        if authz["status"] != "pending":
            break
        time.sleep(0.1)
    print("authorization:", json.dumps(authz))
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
           .sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()))
    der = csr.public_bytes(serialization.Encoding.DER)
    status, _, body = c.post(order["finalize"], {"csr": b64(der)})
    print("finalize:", status, body)
    ok = (authz["status"] == "invalid" and status == 403 and
          body.get("type") == "urn:ietf:params:acme:error:orderNotReady")
    return 0 if ok else 1


def eab_binding(c, kid, key):
    url = c.dir["newAccount"]
    p = b64(json.dumps({"alg": "HS256", "kid": kid, "url": url}).encode())
    pl = b64(json.dumps(c.jwk).encode())
    sig = b64(hmac.new(key, f"{p}.{pl}".encode(), "sha256").digest())
    return {"protected": p, "payload": pl, "signature": sig}


def eab(directory, cafile, kid, key_b64):
    key = base64.urlsafe_b64decode(key_b64 + "=" * (-len(key_b64) % 4))
    ok = True
    c = Client(directory, cafile)
    status, _, body = c.post(c.dir["newAccount"], {"termsOfServiceAgreed": True})
    print("without EAB:", status, body)
    ok = ok and status >= 400 and body.get("type") == "urn:ietf:params:acme:error:externalAccountRequired"
    c = Client(directory, cafile)
    wrong = bytes(b ^ 0xFF for b in key)
    status, _, body = c.post(c.dir["newAccount"], {"termsOfServiceAgreed": True,
                                                   "externalAccountBinding": eab_binding(c, kid, wrong)})
    print("wrong MAC:", status, body)
    ok = ok and status >= 400 and body.get("type") == "urn:ietf:params:acme:error:unauthorized"
    c = Client(directory, cafile)
    status, headers, body = c.post(c.dir["newAccount"], {"termsOfServiceAgreed": True,
                                                         "externalAccountBinding": eab_binding(c, kid, key)})
    print("right EAB:", status, body)
    ok = ok and status == 201 and body.get("status") == "valid"
    return 0 if ok else 1


def foreign_revoke(directory, cafile, cert_path):
    with open(cert_path, "rb") as f:
        victim = x509.load_pem_x509_certificate(f.read())
    ok = True

    def refused(label, c, cert):
        status, _, body = c.post(c.dir["revokeCert"],
                                 {"certificate": b64(cert.public_bytes(serialization.Encoding.DER))})
        print(label + ":", status, body)
        return status == 403 and body.get("type") == "urn:ietf:params:acme:error:unauthorized"

    other = Client(directory, cafile)
    other.register()
    ok = refused("by another account", other, victim) and ok
    ok = refused("by a key that is neither", Client(directory, cafile), victim) and ok
    # The same serial, for the attacker's key: revocation is of the
    # certificate issued, not of whatever carries its serial.
    c = Client(directory, cafile)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forged")])
    forged = (x509.CertificateBuilder().subject_name(name).issuer_name(victim.issuer)
              .public_key(c.key.public_key()).serial_number(victim.serial_number)
              .not_valid_before(victim.not_valid_before).not_valid_after(victim.not_valid_after)
              .sign(c.key, hashes.SHA256()))
    ok = refused("a certificate of the same serial signed by its own key", c, forged) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "nonce-replay":
        sys.exit(nonce_replay(*sys.argv[2:4]))
    if cmd == "wrong-answer":
        sys.exit(wrong_answer(*sys.argv[2:7]))
    if cmd == "eab":
        sys.exit(eab(*sys.argv[2:6]))
    if cmd == "foreign-revoke":
        sys.exit(foreign_revoke(*sys.argv[2:5]))
    raise SystemExit("unknown command " + cmd)
