// SSHPOP tokens (docs/protocol/tokens.md, "SSHPOP"): a compact JWS signed with the
// private key of an SSH certificate, whose header carries that certificate.
// A host proves it holds its current host certificate with one to renew,
// rekey or revoke it. Minting lives here (sshca-agent uses it); checking is
// the sshpop provisioner's (ca/service/provisioners).
#pragma once

#include <cstdint>
#include <string>

#include "ca/core/common/bytes.h"
#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/signer.h"

namespace sshca::jose {

inline constexpr int64_t kSshpopTokenLifetimeSeconds = 300;

struct SshpopTokenRequest {
  std::string provisioner;  // the SSHPOP provisioner's name: "iss" and the aud fragment
  std::string caUrl;        // the CA's URL, no trailing slash
  std::string endpoint;     // "renew", "rekey", "revoke" or "x509/sign"
  Bytes certificate;        // wire form of the certificate whose key signs
  uint64_t serial = 0;      // that certificate's serial ("sub", decimal)
  int64_t now = 0;          // iat and nbf; exp = now + kSshpopTokenLifetimeSeconds
};

// "<caUrl>/1.0/ssh/<endpoint>#sshpop/<provisioner>", as step-ca expects;
// "<caUrl>/1.0/x509/sign#sshpop/<provisioner>" for a TLS certificate, so a
// token made for one endpoint is refused at every other.
std::string sshpopAudience(const std::string& caUrl, const std::string& endpoint, const std::string& provisioner);

// Header {alg, typ: JWT, kid: RFC 7638 thumbprint of the key, sshpop:
// base64(certificate)}; claims {iss, aud, sub, jti (256 random bits, hex),
// iat, nbf, exp}. `certKey` must be the certificate's own key.
Result<std::string> mintSshpopToken(const SshpopTokenRequest& request, const Signer& certKey, RandomSource& rng);

}  // namespace sshca::jose
