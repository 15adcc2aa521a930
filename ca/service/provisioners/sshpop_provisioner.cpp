#include "ca/service/provisioners/sshpop_provisioner.h"

#include "ca/core/jose/json_object.h"
#include "ca/core/jose/jws_algorithm.h"
#include "ca/core/jose/jwt_claims.h"
#include "ca/core/ssh/ssh_pubkey.h"
#include "ca/service/policy/ssh_renewal.h"
#include "ca/service/provisioners/jwk_provisioner.h"
#include "ca/service/provisioners/token_audiences.h"

namespace sshca::provisioners {
namespace {

using Json = nlohmann::json;

Error refused(std::string message) { return makeError(ErrorCode::Unauthenticated, std::move(message)); }

// Any failure to read the untrusted certificate means the caller is not
// established (401), whatever the parser's own code.
Result<ssh::Certificate> certificateFromHeader(const Json& header) {
  auto it = header.find("sshpop");
  if (it == header.end() || !it->is_string()) return refused("token header has no \"sshpop\" certificate string");
  auto wire = base64Decode(it->get_ref<const std::string&>());
  if (!wire.ok()) return refused("the \"sshpop\" header is not base64: " + wire.error().message);
  auto cert = ssh::parseCertificate(*wire);
  if (!cert.ok()) return refused("the \"sshpop\" header is not an SSH certificate: " + cert.error().message);
  // The proving key passes the same checks as any subject key
  // (ca/core/keys/key_checks.h): a small-order Ed25519 key "verifies"
  // signatures nobody made.
  if (auto st = ssh::checkSubjectKey(cert->key); !st.ok())
    return refused("the \"sshpop\" certificate's key: " + st.error().message);
  return std::move(cert).value();
}

// Signed by this CA's key for the certificate's type, and that signature holds.
Status checkIssuedHere(const ssh::Certificate& cert, const TokenContext& ctx) {
  bool host = cert.type == ssh::CertType::Host;
  const std::optional<PublicKey>& ca = host ? ctx.hostCaKey : ctx.userCaKey;
  if (!ca) return makeError(ErrorCode::Internal, "token context has no CA key to check SSHPOP certificates");
  if (!(cert.signatureKey == *ca))
    return refused(std::string("the certificate was not signed by this CA's ") + (host ? "host" : "user") + " key");
  auto verified = ssh::verifyCertificateSignature(cert);
  if (!verified.ok()) return refused("the certificate's CA signature does not verify: " + verified.error().message);
  return okStatus();
}

Status checkSignedByCertificateKey(const jose::JwsParts& token, const ssh::Certificate& cert) {
  auto alg = jose::jwsAlgorithmForKey(cert.key);
  if (!alg.ok()) return refused("the certificate's key cannot sign a JWS: " + alg.error().message);
  std::vector<std::string> allowed{std::string(jose::jwsAlgorithmName(*alg))};
  auto verified = jose::verifyCompact(token, cert.key, allowed);
  if (!verified.ok()) return refused("the token is not signed by the certificate's key: " + verified.error().message);
  return okStatus();
}

// step-ca binds SSHPOP tokens to the endpoint and the provisioner:
// "<ca>/1.0/ssh/renew#sshpop/<name>" (also without "/1.0", and for each of
// the CA's names).
std::vector<std::string> sshpopAudiences(const TokenContext& ctx, const std::string& name) {
  return stepAudiences(ctx.caUrl, ctx.caNames, ctx.endpoint, "sshpop/" + name);
}

Status checkSubjectIsSerial(const Json& payload, uint64_t serial) {
  auto sub = payload.find("sub");
  if (sub == payload.end() || !sub->is_string()) return refused("token has no \"sub\" claim (the serial)");
  if (*sub != std::to_string(serial)) return refused("token sub is not the certificate's serial");
  return okStatus();
}

// An SSHPOP token names a certificate, never what to put in a new one.
Status checkAsksForNothing(const Json& payload) {
  if (payload.contains("step"))
    return makeError(ErrorCode::PermissionDenied,
                     "an SSHPOP token cannot ask for certificate contents (\"step\" claim): renewals keep the "
                     "certificate's principals");
  return okStatus();
}

policy::Identity identityOf(const std::string& provisioner, const Json& payload, const ssh::Certificate& cert) {
  policy::Identity who;
  who.provisioner = provisioner;
  who.subject = cert.keyId;
  // checkClaims guaranteed both: jti a non-empty string, exp a NumericDate.
  who.tokenId = payload.at("jti").get<std::string>();
  who.tokenUsableUntil = static_cast<int64_t>(payload.at("exp").get<double>()) + SshpopProvisioner::kLeewaySeconds;
  who.certType = cert.type;
  who.principals = cert.principals;
  return who;
}

}  // namespace

SshpopProvisioner::SshpopProvisioner(std::string name, uint64_t maxLifetime, uint64_t renewalGraceSeconds,
                                     policy::SshPolicy policy, policy::TlsPolicy tlsPolicy)
    : name_(std::move(name)),
      maxLifetimeSeconds_(maxLifetime),
      renewalGraceSeconds_(renewalGraceSeconds),
      policy_(std::move(policy)),
      tlsPolicy_(tlsPolicy) {}

Result<std::shared_ptr<const SshpopProvisioner>> SshpopProvisioner::create(const config::ProvisionerConfig& c) {
  if (c.name.empty()) return makeError(ErrorCode::InvalidArgument, "sshpop provisioner: the name is empty");
  if (c.tokenMaxLifetimeSeconds == 0)
    return makeError(ErrorCode::InvalidArgument, "provisioner \"" + c.name + "\": tokenMaxLifetime must be positive");
  return std::make_shared<const SshpopProvisioner>(c.name, c.tokenMaxLifetimeSeconds, c.renewalGraceSeconds, c.policy,
                                                   c.tlsPolicy);
}

std::string SshpopProvisioner::publicInfoJson() const {
  auto text = jose::dumpJson(Json{{"type", "SSHPOP"}, {"name", name_}, {"claims", {{"enableSSHCA", true}}}},
                             "provisioner info");
  return text.ok() ? *text : "{}";
}

Result<policy::Identity> SshpopProvisioner::authorizeSshSign(const jose::JwsParts&, const TokenContext&) const {
  return refused("provisioner \"" + name_ + "\" (SSHPOP) cannot authorize a new certificate: it renews, rekeys " +
                 "and revokes the certificate presented");
}

Result<CertificateProof> SshpopProvisioner::prove(const jose::JwsParts& token, const TokenContext& ctx,
                                                  uint64_t graceSeconds) const {
  if (ctx.caUrl.empty() || ctx.endpoint.empty())
    return makeError(ErrorCode::Internal, "token context has no CA URL or endpoint");
  SSHCA_ASSIGN_OR_RETURN(ssh::Certificate cert, certificateFromHeader(token.header));
  SSHCA_RETURN_IF_ERROR(checkIssuedHere(cert, ctx));
  SSHCA_RETURN_IF_ERROR(
      policy::checkPresentedCertificateTime(cert, static_cast<uint64_t>(ctx.now), kLeewaySeconds, graceSeconds));
  SSHCA_RETURN_IF_ERROR(checkSignedByCertificateKey(token, cert));
  jose::ClaimChecks checks;
  checks.issuer = name_;
  checks.audiences = sshpopAudiences(ctx, name_);
  checks.audienceIgnoresPort = true;
  checks.now = ctx.now;
  checks.leewaySeconds = kLeewaySeconds;
  checks.requireJti = true;
  checks.maxLifetimeSeconds = static_cast<int64_t>(maxLifetimeSeconds_);
  SSHCA_RETURN_IF_ERROR(jose::checkClaims(token.payload, checks));
  SSHCA_RETURN_IF_ERROR(checkSubjectIsSerial(token.payload, cert.serial));
  SSHCA_RETURN_IF_ERROR(checkAsksForNothing(token.payload));
  policy::Identity who = identityOf(name_, token.payload, cert);
  return CertificateProof{std::move(who), std::move(cert)};
}

Result<CertificateProof> SshpopProvisioner::proveNamed(const jose::JwsParts& token, const TokenContext& ctx,
                                                       uint64_t graceSeconds) const {
  auto proof = prove(token, ctx, graceSeconds);
  if (!proof.ok()) return std::move(proof).error().context("SSHPOP provisioner \"" + name_ + "\"");
  return proof;
}

Result<CertificateProof> SshpopProvisioner::authorizeSshRenew(const jose::JwsParts& token,
                                                              const TokenContext& ctx) const {
  return proveNamed(token, ctx, renewalGraceSeconds_);
}

Result<CertificateProof> SshpopProvisioner::authorizeSshRekey(const jose::JwsParts& token,
                                                              const TokenContext& ctx) const {
  return proveNamed(token, ctx, 0);
}

Result<RevokeAuthorization> SshpopProvisioner::authorizeSshRevoke(const jose::JwsParts& token,
                                                                  const TokenContext& ctx) const {
  SSHCA_ASSIGN_OR_RETURN(CertificateProof proof, proveNamed(token, ctx, 0));
  return RevokeAuthorization{std::move(proof.identity), proof.certificate.serial, proof.certificate.type};
}

Result<CertificateProof> SshpopProvisioner::authorizeX509Sign(const jose::JwsParts& token,
                                                              const TokenContext& ctx) const {
  return proveNamed(token, ctx, 0);
}

}  // namespace sshca::provisioners
