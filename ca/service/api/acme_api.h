// What the ACME routes (/acme/{provisioner}/..., RFC 8555) need from the
// ACME server, declared on the consumer side like authority_api.h: no HTTP
// types. The server says what happened (created, where the object lives,
// which problem kind a refusal is); acme_handlers.cpp alone turns that into
// statuses, headers and RFC 7807 problem documents.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ca/core/common/result.h"

namespace sshca::api {

// The ACME error types (RFC 8555 §6.7) the server refuses with.
enum class AcmeProblem {
  None,
  BadNonce,
  Malformed,
  Unauthorized,
  AccountDoesNotExist,
  RejectedIdentifier,
  UnsupportedIdentifier,
  OrderNotReady,
  BadCsr,
  BadPublicKey,
  BadSignatureAlgorithm,
  BadRevocationReason,
  AlreadyRevoked,
  ExternalAccountRequired,
  IncorrectResponse,
  Connection,
  Dns,
  Tls,
  NotFound,  // "malformed" with 404: no such object
  RateLimited,
  ServerInternal,
};

// The URN of a problem ("urn:ietf:params:acme:error:badNonce").
std::string acmeProblemType(AcmeProblem problem);

struct AcmeReply {
  enum class Body { Json, PemChain, Empty };
  Body kind = Body::Json;
  std::string body;
  bool created = false;                                    // 201
  std::string location;                                    // Location header
  std::vector<std::pair<std::string, std::string>> links;  // (url, rel): Link headers
  int retryAfterSeconds = 0;
  std::string nonce;  // a fresh Replay-Nonce, on every reply (errors too)
  // A refusal: its kind and the error (message shown as "detail").
  AcmeProblem problem = AcmeProblem::None;
  std::optional<Error> error;
  std::string subject;  // for the request's log line: the account
};

// One POST (a flattened JWS body) to /acme/{provisioner}/{resource...}.
struct AcmePost {
  std::string provisioner;
  std::vector<std::string> resource;  // e.g. {"order", "abc", "finalize"}
  std::string body;
};

class AcmeApi {
 public:
  virtual ~AcmeApi() = default;
  virtual AcmeReply directory(const std::string& provisioner) = 0;
  virtual AcmeReply newNonce(const std::string& provisioner) = 0;
  virtual AcmeReply post(const AcmePost& request) = 0;
};

}  // namespace sshca::api
