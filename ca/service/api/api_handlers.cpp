#include "ca/service/api/api_handlers.h"

#include <cctype>

#include "ca/core/common/version.h"
#include "ca/service/api/error_mapping.h"
#include "ca/service/api/request_parsing.h"
#include "ca/service/api/response_json.h"
#include "ca/service/api/x509_sign_json.h"

namespace sshca::api {
namespace {

constexpr const char* kJson = "application/json";

ApiResponse jsonResponse(int status, std::string body) { return {status, kJson, std::move(body), {}, 0, {}}; }

// What a 5xx body says instead of the message.
Error publicError(const Error& error) {
  switch (error.code) {
    case ErrorCode::Unavailable:
    case ErrorCode::PinIncorrect:
    case ErrorCode::PinLocked:
      return makeError(error.code,
                       "the CA cannot sign or record right now (its key token or database is "
                       "unavailable or busy); retry later");
    default:
      return makeError(error.code, "the CA failed to handle the request; see its log");
  }
}

// A certificate response plus who got it, for the log line.
ApiResponse certificateResponse(int status, const SshCertificateResponse& r) {
  ApiResponse out = jsonResponse(status, renderCertificate(r.certificate));
  out.log = {r.provisioner, r.subject, r.serial, {}, {}};
  return out;
}

}  // namespace

ApiResponse errorResponse(const Error& error) { return errorResponse(httpStatusFor(error.code), error); }

ApiResponse errorResponse(int status, const Error& error) {
  ApiResponse out = jsonResponse(status, errorBody(status, status >= 500 ? publicError(error) : error));
  out.log.errorCode = std::string(errorCodeName(error.code));
  out.log.reason = error.message;
  if (status == 503) out.retryAfterSeconds = kRetryAfterUnavailableSeconds;
  if (status == 429) out.retryAfterSeconds = kRetryAfterRateLimitedSeconds;
  return out;
}

ApiResponse ApiHandlers::health() {
  HealthReport h = authority_.health();
  bool ok = h.hsmOk && h.dbOk;
  ApiResponse out = jsonResponse(ok ? 200 : 503, renderHealth(h));
  if (!ok) {
    out.log.errorCode = std::string(errorCodeName(ErrorCode::Unavailable));
    out.log.reason =
        (h.hsmOk ? "" : "hsm: " + h.hsmReason + (h.dbOk ? "" : "; ")) + (h.dbOk ? "" : "db: " + h.dbReason);
    out.retryAfterSeconds = kRetryAfterUnavailableSeconds;
  }
  return out;
}

ApiResponse ApiHandlers::version() { return jsonResponse(200, renderVersion(kSshcaVersion)); }

ApiResponse ApiHandlers::root(std::string_view sha256) {
  auto roots = authority_.rootCertificates();
  if (!roots.ok()) return errorResponse(roots.error());
  // step writes fingerprints in either case, sometimes with dashes.
  std::string wanted;
  for (char c : sha256)
    if (c != '-') wanted += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const RootCertificateInfo& r : *roots)
    if (r.sha256Hex == wanted) return jsonResponse(200, renderRoot(r));
  return errorResponse(makeError(ErrorCode::NotFound, "no root certificate of this CA has that SHA-256 fingerprint"));
}

// step-ca answers GET /roots and /federation with 201.
ApiResponse ApiHandlers::roots() {
  auto roots = authority_.rootCertificates();
  if (!roots.ok()) return errorResponse(roots.error());
  return jsonResponse(201, renderRoots(*roots));
}

ApiResponse ApiHandlers::rootsPem() {
  auto roots = authority_.rootCertificates();
  if (!roots.ok()) return errorResponse(roots.error());
  std::string pem;
  for (const RootCertificateInfo& r : *roots) pem += r.pem;
  return {200, "application/x-pem-file", std::move(pem), {}, 0, {}};
}

// No federated roots are configured: the federation is this CA's roots.
ApiResponse ApiHandlers::federation() { return roots(); }

ApiResponse ApiHandlers::sshRoots() {
  auto roots = authority_.sshRoots();
  if (!roots.ok()) return errorResponse(roots.error());
  return jsonResponse(200, renderSshRoots(*roots));
}

ApiResponse ApiHandlers::sshConfig(std::string_view body) {
  auto request = parseSshConfigRequest(body);
  if (!request.ok()) return errorResponse(request.error());
  auto templates = authority_.sshConfig(*request);
  if (!templates.ok()) return errorResponse(templates.error());
  return jsonResponse(200, renderSshConfig(request->type, *templates));
}

ApiResponse ApiHandlers::sshCheckHost(std::string_view body, const std::string& clientAddress) {
  auto principal = parseSshCheckHostRequest(body);
  if (!principal.ok()) return errorResponse(principal.error());
  auto exists = authority_.sshHostExists(*principal, clientAddress);
  if (!exists.ok()) return errorResponse(exists.error());
  return jsonResponse(200, renderHostExists(*exists));
}

ApiResponse ApiHandlers::provisionerEncryptedKey(std::string_view kid) {
  auto key = authority_.provisionerEncryptedKey(std::string(kid));
  if (!key.ok()) return errorResponse(key.error());
  return jsonResponse(200, renderEncryptedKey(*key));
}

namespace {

// Sign, renew and rekey answer 201 Created with the certificate, as step-ca.
AuthorityApi::CertificateDone answerCertificate(Reply reply) {
  return [reply = std::move(reply)](Result<SshCertificateResponse> issued) {
    if (!issued.ok()) return reply(errorResponse(issued.error()));
    reply(certificateResponse(201, *issued));
  };
}

}  // namespace

void ApiHandlers::signSsh(std::string_view body, const std::string& clientAddress, Reply reply) {
  auto request = parseSignSshRequest(body);
  if (!request.ok()) return reply(errorResponse(request.error()));
  request->clientAddress = clientAddress;
  authority_.signSshThen(*request, answerCertificate(std::move(reply)));
}

void ApiHandlers::renewSsh(std::string_view body, const std::string& clientAddress, Reply reply) {
  auto request = parseRenewSshRequest(body);
  if (!request.ok()) return reply(errorResponse(request.error()));
  request->clientAddress = clientAddress;
  authority_.renewSshThen(*request, answerCertificate(std::move(reply)));
}

void ApiHandlers::rekeySsh(std::string_view body, const std::string& clientAddress, Reply reply) {
  auto request = parseRekeySshRequest(body);
  if (!request.ok()) return reply(errorResponse(request.error()));
  request->clientAddress = clientAddress;
  authority_.rekeySshThen(*request, answerCertificate(std::move(reply)));
}

ApiResponse ApiHandlers::revokeSsh(std::string_view body, const std::string& clientAddress) {
  auto request = parseRevokeSshRequest(body);
  if (!request.ok()) return errorResponse(request.error());
  request->clientAddress = clientAddress;
  auto revoked = authority_.revokeSsh(*request);
  if (!revoked.ok()) return errorResponse(revoked.error());
  ApiResponse out = jsonResponse(200, renderRevoked());
  out.log = {revoked->provisioner, revoked->subject, {}, {}, {}};
  return out;
}

ApiResponse ApiHandlers::signX509(std::string_view body, const std::string& clientAddress) {
  auto request = parseX509SignRequest(body);
  if (!request.ok()) return errorResponse(request.error());
  request->clientAddress = clientAddress;
  auto issued = authority_.signX509(*request);
  if (!issued.ok()) return errorResponse(issued.error());
  ApiResponse out = jsonResponse(201, renderX509Certificate(*issued));  // as step-ca's /sign
  out.log = {issued->provisioner, issued->subject, {}, {}, {}};
  return out;
}

ApiResponse ApiHandlers::krl() {
  auto krl = authority_.krl();
  if (!krl.ok()) return errorResponse(krl.error());
  return {200, "application/octet-stream", std::string(asString(*krl)), {}, 0, {}};
}

ApiResponse ApiHandlers::krlSignature() {
  auto sig = authority_.krlSignature();
  if (!sig.ok()) return errorResponse(sig.error());
  return {200, "text/plain", std::move(sig).value(), {}, 0, {}};
}

ApiResponse ApiHandlers::provisioners() {
  auto list = authority_.provisioners();
  if (!list.ok()) return errorResponse(list.error());
  auto body = renderProvisioners(*list);
  if (!body.ok()) return errorResponse(body.error());
  return jsonResponse(200, std::move(body).value());
}

}  // namespace sshca::api
