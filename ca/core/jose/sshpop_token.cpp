#include "ca/core/jose/sshpop_token.h"

#include <nlohmann/json.hpp>

#include "ca/core/jose/jti.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/jose/jws.h"
#include "ca/core/ssh/ssh_cert.h"

namespace sshca::jose {

namespace {

using Json = nlohmann::json;

constexpr const char* kX509SignEndpoint = "x509/sign";

Error badRequest(std::string message) { return makeError(ErrorCode::InvalidArgument, "SSHPOP token: " + message); }

std::string trimmedUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status checkRequest(const SshpopTokenRequest& r) {
  if (r.provisioner.empty()) return badRequest("the provisioner name is empty");
  if (r.caUrl.empty()) return badRequest("the CA URL is empty");
  if (r.endpoint != "renew" && r.endpoint != "rekey" && r.endpoint != "revoke" && r.endpoint != kX509SignEndpoint)
    return badRequest("endpoint \"" + r.endpoint + "\" is not renew, rekey, revoke or x509/sign");
  if (r.certificate.empty()) return badRequest("no certificate given");
  if (r.now < 0) return badRequest("the current time is negative");
  return okStatus();
}

// The token must be signed by the key the certificate certifies, and name
// that certificate's serial: a token that cannot verify on the server is
// a bug of the caller, better reported here.
Status checkCertificateMatches(const SshpopTokenRequest& r, const Signer& certKey) {
  auto cert = ssh::parseCertificate(r.certificate);
  if (!cert.ok()) return std::move(cert).error().context("SSHPOP token: reading the certificate");
  if (!(cert->key == certKey.publicKey()))
    return badRequest("the signing key (" + certKey.description() + ") is not the certificate's key");
  if (cert->serial != r.serial)
    return badRequest("serial " + std::to_string(r.serial) + " is not the certificate's serial " +
                      std::to_string(cert->serial));
  return okStatus();
}

}  // namespace

std::string sshpopAudience(const std::string& caUrl, const std::string& endpoint, const std::string& provisioner) {
  const std::string path = endpoint == kX509SignEndpoint ? "/1.0/" + endpoint : "/1.0/ssh/" + endpoint;
  return trimmedUrl(caUrl) + path + "#sshpop/" + provisioner;
}

Result<std::string> mintSshpopToken(const SshpopTokenRequest& request, const Signer& certKey, RandomSource& rng) {
  SSHCA_RETURN_IF_ERROR(checkRequest(request));
  SSHCA_RETURN_IF_ERROR(checkCertificateMatches(request, certKey));
  SSHCA_ASSIGN_OR_RETURN(std::string kid, thumbprintSha256(certKey.publicKey()));
  SSHCA_ASSIGN_OR_RETURN(std::string jti, newJti(rng));
  // alg is filled in from the key by signCompact.
  Json header = {{"typ", "JWT"}, {"kid", kid}, {"sshpop", base64Encode(request.certificate)}};
  Json claims = {{"iss", request.provisioner},
                 {"aud", sshpopAudience(request.caUrl, request.endpoint, request.provisioner)},
                 {"sub", std::to_string(request.serial)},
                 {"jti", jti},
                 {"iat", request.now},
                 {"nbf", request.now},
                 {"exp", request.now + kSshpopTokenLifetimeSeconds}};
  auto token = signCompact(header, claims, certKey);
  if (!token.ok()) return std::move(token).error().context("signing the SSHPOP token");
  return token;
}

}  // namespace sshca::jose
