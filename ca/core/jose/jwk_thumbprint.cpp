#include "ca/core/jose/jwk_thumbprint.h"

#include <openssl/evp.h>

#include "ca/core/jose/json_object.h"
#include "ca/core/jose/jwk.h"

namespace sshca::jose {

Result<std::string> thumbprintSha256(const PublicKey& key) {
  // publicJwkOf holds exactly the required members (§3.2); nlohmann's
  // object keeps its members sorted and dump() adds no whitespace, which
  // is the §3.3 canonical form for these ASCII-only members.
  SSHCA_ASSIGN_OR_RETURN(nlohmann::json jwk, publicJwkOf(key));
  SSHCA_ASSIGN_OR_RETURN(std::string canonical, dumpJson(jwk, "JWK"));
  Bytes digest(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1)
    return ossl::error("hashing the JWK");
  digest.resize(len);
  return base64UrlEncode(digest);
}

}  // namespace sshca::jose
