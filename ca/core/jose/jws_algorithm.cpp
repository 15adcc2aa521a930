#include "ca/core/jose/jws_algorithm.h"

#include <string>

namespace sshca::jose {

namespace {

// RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used".
constexpr int kMinRsaBits = 2048;
constexpr size_t kEd25519SignatureBytes = 64;

Error refused(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }

}  // namespace

std::string_view jwsAlgorithmName(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::ES256:
      return "ES256";
    case JwsAlgorithm::ES384:
      return "ES384";
    case JwsAlgorithm::ES512:
      return "ES512";
    case JwsAlgorithm::RS256:
      return "RS256";
    case JwsAlgorithm::EdDSA:
      return "EdDSA";
  }
  return "?";
}

Result<JwsAlgorithm> parseJwsAlgorithm(std::string_view name) {
  for (JwsAlgorithm a :
       {JwsAlgorithm::ES256, JwsAlgorithm::ES384, JwsAlgorithm::ES512, JwsAlgorithm::RS256, JwsAlgorithm::EdDSA})
    if (name == jwsAlgorithmName(a)) return a;
  // Names compare case-sensitively (RFC 7515 §4.1.1), so "None" is refused too.
  if (name == "none") return refused("alg \"none\" (an unsecured JWS, RFC 7518 §3.6) is refused");
  if (name.substr(0, 2) == "HS")
    return refused("alg \"" + std::string(name) + "\" (HMAC, a shared secret) is refused: only public-key algorithms");
  return refused("alg \"" + std::string(name) + "\" is not supported (expected ES256, ES384, ES512, RS256 or EdDSA)");
}

Result<JwsAlgorithm> jwsAlgorithmForKey(const PublicKey& key) {
  switch (key.algorithm()) {
    case KeyAlgorithm::EcdsaP256:
      return JwsAlgorithm::ES256;
    case KeyAlgorithm::EcdsaP384:
      return JwsAlgorithm::ES384;
    case KeyAlgorithm::EcdsaP521:
      return JwsAlgorithm::ES512;
    case KeyAlgorithm::Rsa:
      return JwsAlgorithm::RS256;
    case KeyAlgorithm::Ed25519:
      return JwsAlgorithm::EdDSA;
  }
  return makeError(ErrorCode::Unsupported, "no JWS algorithm for this key type");
}

HashAlg jwsHash(JwsAlgorithm alg) {
  switch (alg) {
    case JwsAlgorithm::ES256:
    case JwsAlgorithm::RS256:
      return HashAlg::Sha256;
    case JwsAlgorithm::ES384:
      return HashAlg::Sha384;
    case JwsAlgorithm::ES512:
      return HashAlg::Sha512;
    case JwsAlgorithm::EdDSA:
      return HashAlg::None;
  }
  return HashAlg::None;
}

Status checkAlgorithmFitsKey(JwsAlgorithm alg, const PublicKey& key) {
  SSHCA_ASSIGN_OR_RETURN(JwsAlgorithm keyAlg, jwsAlgorithmForKey(key));
  if (alg != keyAlg)
    return refused("alg \"" + std::string(jwsAlgorithmName(alg)) + "\" does not fit the " + keySpecName(key.spec()) +
                   " key (expected \"" + std::string(jwsAlgorithmName(keyAlg)) + "\")");
  if (alg == JwsAlgorithm::RS256 && key.bits() < kMinRsaBits)
    return refused("RSA key of " + std::to_string(key.bits()) + " bits is too short for RS256 (RFC 7518 §3.3)");
  return okStatus();
}

size_t jwsSignatureLength(JwsAlgorithm alg, const PublicKey& key) {
  switch (alg) {
    case JwsAlgorithm::ES256:
    case JwsAlgorithm::ES384:
    case JwsAlgorithm::ES512:
      return 2 * ecdsaFieldBytes(key.algorithm());
    case JwsAlgorithm::RS256:
      return static_cast<size_t>((key.bits() + 7) / 8);
    case JwsAlgorithm::EdDSA:
      return kEd25519SignatureBytes;
  }
  return 0;
}

}  // namespace sshca::jose
