// The JWK one-time token (docs/protocol/tokens.md, step-ca's format): what `sshca token`
// mints and the JWK provisioner reads. Both sides of the format live here
// so that the claim names and encodings cannot drift apart.
//
//   header: {"alg": <from the key>, "kid": <RFC 7638 thumbprint>, "typ": "JWT"}
//   claims: {"iss": <provisioner name>, "aud": "<ca-url>/1.0/ssh/sign",
//            "sub": <key ID>, "iat", "nbf", "exp", "jti": <64 hex>,
//            "sha"?: <root fingerprint>,
//            "step": {"ssh": {"certType": "user"|"host", "keyID": <sub>,
//                             "principals": [...],
//                             "validAfter"?: RFC 3339, "validBefore"?: RFC 3339}}}
//
// validAfter/validBefore are step's TimeDuration: RFC 3339 strings for
// absolute times, Go durations ("2h0m0s") counted from when the CA reads
// the token, "" for "not set" (read as absent). step's CLI writes keyID ""
// and may leave principals out: the subject stands for both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/random.h"
#include "ca/core/common/result.h"
#include "ca/core/keys/signer.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::provisioners {

// The endpoint a JWK token for a certificate is bound to (its "aud" is
// the CA URL followed by this).
inline constexpr const char* kSshSignAudiencePath = "/1.0/ssh/sign";

struct JwkTokenRequest {
  std::string provisionerName;  // iss
  std::string caUrl;            // aud = caUrl + kSshSignAudiencePath (a trailing '/' is dropped)
  std::string subject;          // sub and step.ssh.keyID
  ssh::CertType certType = ssh::CertType::User;
  std::vector<std::string> principals;
  uint64_t ttlSeconds = 0;  // exp = now + ttl
  std::optional<uint64_t> validAfter, validBefore;
  int64_t now = 0;  // iat and nbf; the caller reads the clock
  // "sha": the root certificate's SHA-256 fingerprint (hex), informational.
  std::optional<std::string> rootFingerprint;
};

// Signs a token for `req` with the provisioner's private key. InvalidArgument
// for an empty name, URL, subject or principal list, a principal that is
// empty, or a zero ttl.
Result<std::string> mintJwkToken(const JwkTokenRequest& req, const Signer& provisionerKey, RandomSource& random);

// The step.ssh claim: what the token entitles its bearer to.
struct StepSshClaim {
  ssh::CertType certType = ssh::CertType::User;
  std::string keyId;                    // empty: the token's subject
  std::vector<std::string> principals;  // empty: the token's subject
  std::optional<uint64_t> validAfter, validBefore;
};

// Reads payload["step"]["ssh"]; durations count from `now`. Unauthenticated,
// naming the member, when it is missing or malformed: certType other than
// "user"/"host", keyID not a string, principals not a list of non-empty
// strings, validAfter/validBefore neither RFC 3339 nor a duration.
Result<StepSshClaim> parseStepSshClaim(const nlohmann::json& payload, int64_t now);

}  // namespace sshca::provisioners
