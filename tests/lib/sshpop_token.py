#!/usr/bin/env python3
"""Mints an SSHPOP token (docs/protocol/tokens.md) the way sshca-agent does,
but for any certificate and any endpoint path: the e2e tests use it to try
attacks the agent would never send (a user certificate, a token made for
/ssh/renew replayed at /x509/sign).

usage: sshpop_token.py PRIVATE_KEY CERT_FILE CA_URL PATH PROVISIONER
  PATH: the endpoint's path after the CA URL, e.g. /1.0/x509/sign
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, utils


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main() -> None:
    key_file, cert_file, ca_url, path, provisioner = sys.argv[1:6]
    with open(key_file, "rb") as f:
        key = serialization.load_ssh_private_key(f.read(), password=None)
    cert_b64 = open(cert_file).read().split()[1]
    serial = subprocess.run(["ssh-keygen", "-L", "-f", cert_file], check=True, capture_output=True,
                            text=True).stdout.split("Serial: ")[1].split()[0]
    if isinstance(key, ed25519.Ed25519PrivateKey):
        alg = "EdDSA"
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        jwk = {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw)}
    elif isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1":
        alg = "ES256"
        nums = key.public_key().public_numbers()
        jwk = {"crv": "P-256", "kty": "EC", "x": b64url(nums.x.to_bytes(32, "big")),
               "y": b64url(nums.y.to_bytes(32, "big"))}
    else:
        sys.exit("sshpop_token.py: only Ed25519 and ECDSA P-256 keys")
    kid = b64url(hashlib.sha256(json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()).digest())
    now = int(time.time())
    header = {"alg": alg, "typ": "JWT", "kid": kid, "sshpop": cert_b64}
    claims = {"iss": provisioner, "aud": ca_url.rstrip("/") + path + "#sshpop/" + provisioner, "sub": serial,
              "jti": os.urandom(32).hex(), "iat": now, "nbf": now, "exp": now + 300}
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
    if alg == "EdDSA":
        sig = key.sign(signing_input)
    else:
        r, s = utils.decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    print(signing_input.decode() + "." + b64url(sig))


if __name__ == "__main__":
    main()
