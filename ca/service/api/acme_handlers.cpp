#include "ca/service/api/acme_handlers.h"

#include <nlohmann/json.hpp>

namespace sshca::api {
namespace {

constexpr const char* kProblemJson = "application/problem+json";

ApiResponse render(AcmeReply reply, int okStatus) {
  ApiResponse out;
  if (reply.problem != AcmeProblem::None || reply.error) {
    AcmeProblem problem = reply.problem == AcmeProblem::None ? AcmeProblem::ServerInternal : reply.problem;
    Error error = reply.error.value_or(makeError(ErrorCode::Internal, "ACME request failed"));
    out.status = acmeProblemStatus(problem);
    // A 5xx says what kind of failure it was, not the database's words.
    std::string detail = out.status >= 500 ? "the CA failed to handle the request; see its log" : error.message;
    nlohmann::json body = {{"type", acmeProblemType(problem)}, {"detail", detail}, {"status", out.status}};
    out.contentType = kProblemJson;
    out.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out.log.errorCode = std::string(errorCodeName(error.code));
    out.log.reason = error.message;
    // The same waits as the SSH API's (api_handlers.h).
    if (out.status == 503) out.retryAfterSeconds = kRetryAfterUnavailableSeconds;
    if (out.status == 429) out.retryAfterSeconds = kRetryAfterRateLimitedSeconds;
  } else {
    out.status = reply.created ? 201 : okStatus;
    out.body = std::move(reply.body);
    switch (reply.kind) {
      case AcmeReply::Body::Json:
        out.contentType = "application/json";
        break;
      case AcmeReply::Body::PemChain:
        out.contentType = "application/pem-certificate-chain";
        break;
      case AcmeReply::Body::Empty:
        out.contentType = "application/json";
        break;
    }
  }
  out.log.subject = reply.subject;
  if (!reply.nonce.empty()) out.headers.emplace_back("Replay-Nonce", reply.nonce);
  if (!reply.location.empty()) out.headers.emplace_back("Location", reply.location);
  for (const auto& [url, rel] : reply.links) out.headers.emplace_back("Link", "<" + url + ">;rel=\"" + rel + "\"");
  if (reply.retryAfterSeconds > 0) out.retryAfterSeconds = reply.retryAfterSeconds;
  out.headers.emplace_back("Cache-Control", "no-store");
  return out;
}

}  // namespace

std::string acmeProblemType(AcmeProblem problem) {
  const char* name = "serverInternal";
  switch (problem) {
    case AcmeProblem::None:
    case AcmeProblem::ServerInternal:
      name = "serverInternal";
      break;
    case AcmeProblem::BadNonce:
      name = "badNonce";
      break;
    case AcmeProblem::Malformed:
    case AcmeProblem::NotFound:
      name = "malformed";
      break;
    case AcmeProblem::Unauthorized:
      name = "unauthorized";
      break;
    case AcmeProblem::AccountDoesNotExist:
      name = "accountDoesNotExist";
      break;
    case AcmeProblem::RejectedIdentifier:
      name = "rejectedIdentifier";
      break;
    case AcmeProblem::UnsupportedIdentifier:
      name = "unsupportedIdentifier";
      break;
    case AcmeProblem::OrderNotReady:
      name = "orderNotReady";
      break;
    case AcmeProblem::BadCsr:
      name = "badCSR";
      break;
    case AcmeProblem::BadPublicKey:
      name = "badPublicKey";
      break;
    case AcmeProblem::BadSignatureAlgorithm:
      name = "badSignatureAlgorithm";
      break;
    case AcmeProblem::BadRevocationReason:
      name = "badRevocationReason";
      break;
    case AcmeProblem::AlreadyRevoked:
      name = "alreadyRevoked";
      break;
    case AcmeProblem::ExternalAccountRequired:
      name = "externalAccountRequired";
      break;
    case AcmeProblem::IncorrectResponse:
      name = "incorrectResponse";
      break;
    case AcmeProblem::Connection:
      name = "connection";
      break;
    case AcmeProblem::Dns:
      name = "dns";
      break;
    case AcmeProblem::Tls:
      name = "tls";
      break;
    case AcmeProblem::RateLimited:
      name = "rateLimited";
      break;
  }
  return std::string("urn:ietf:params:acme:error:") + name;
}

int acmeProblemStatus(AcmeProblem problem) {
  switch (problem) {
    case AcmeProblem::Unauthorized:
    case AcmeProblem::OrderNotReady:
      return 403;
    case AcmeProblem::NotFound:
      return 404;
    case AcmeProblem::RateLimited:
      return 429;
    case AcmeProblem::None:
    case AcmeProblem::ServerInternal:
      return 500;
    default:
      return 400;
  }
}

ApiResponse AcmeHandlers::directory(const std::string& provisioner) {
  return render(acme_.directory(provisioner), 200);
}

ApiResponse AcmeHandlers::newNonce(const std::string& provisioner, bool head) {
  return render(acme_.newNonce(provisioner), head ? 200 : 204);
}

ApiResponse AcmeHandlers::post(const std::string& provisioner, std::vector<std::string> resource,
                               std::string_view body) {
  return render(acme_.post(AcmePost{provisioner, std::move(resource), std::string(body)}), 200);
}

}  // namespace sshca::api
