// The handlers of the CA's HTTP API, free of any HTTP library: each takes the
// request body, parses it, calls the authority and renders the result or
// the error (docs/errors.md). https_server.cpp and http_connection.cpp only
// move bytes between the socket and these (route_table.cpp binds the routes).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ca/core/common/result.h"
#include "ca/service/api/authority_api.h"
#include "ca/service/api/request_log.h"

namespace sshca::api {

struct ApiResponse {
  int status = 200;
  std::string contentType;
  std::string body;
  RequestLogFields log;       // for the request's log line, never sent
  int retryAfterSeconds = 0;  // > 0: a Retry-After header (503, 429)
  // Further header fields (ACME's Replay-Nonce, Location, Link, ...).
  std::vector<std::pair<std::string, std::string>> headers;
};

// How a handler that answers later answers: exactly once, from any thread.
using Reply = std::function<void(ApiResponse)>;

// How long a client should wait before retrying a 503 (the token away or
// busy, the database failing): long enough for a token to be found again.
constexpr int kRetryAfterUnavailableSeconds = 2;
// And a 429: a token bucket refills within about a second at the rates
// ca.json allows.
constexpr int kRetryAfterRateLimitedSeconds = 1;

// The response for an error: its mapped status and JSON body. A 5xx body
// says only what kind of failure it was (a token's URI, a PKCS#11 call or
// a database path is the operator's business, not the caller's); the log
// line carries the code and the full message for every error.
ApiResponse errorResponse(const Error& error);
// The same with a status the ErrorCode table cannot express (413).
ApiResponse errorResponse(int status, const Error& error);

class ApiHandlers {
 public:
  // `authority` is borrowed and must outlive the handlers.
  explicit ApiHandlers(AuthorityApi& authority) : authority_(authority) {}

  ApiResponse health();
  // {"version": ...}, as step's client reads it before it signs.
  ApiResponse version();
  // GET /root/{sha256}: {"ca": PEM} of the root with that fingerprint (step's bootstrap).
  ApiResponse root(std::string_view sha256);
  // GET /roots and /federation: {"crts": [PEM...]}; /roots.pem: the PEM.
  ApiResponse roots();
  ApiResponse rootsPem();
  ApiResponse federation();
  ApiResponse sshRoots();
  // POST /ssh/config: {"userTemplates"|"hostTemplates": [...]}.
  ApiResponse sshConfig(std::string_view body);
  // POST /ssh/check-host: {"exists": bool}.
  ApiResponse sshCheckHost(std::string_view body, const std::string& clientAddress);
  // GET /provisioners/{kid}/encrypted-key: {"key": JWE}.
  ApiResponse provisionerEncryptedKey(std::string_view kid);
  // These three answer through `reply` once the certificate is durable,
  // possibly on the database's thread: the calling thread does not wait
  // out the commit.
  void signSsh(std::string_view body, const std::string& clientAddress, Reply reply);
  void renewSsh(std::string_view body, const std::string& clientAddress, Reply reply);
  void rekeySsh(std::string_view body, const std::string& clientAddress, Reply reply);
  ApiResponse revokeSsh(std::string_view body, const std::string& clientAddress);
  // POST /x509/sign: 201 {"crt", "ca", "certChain"} (x509_sign_json.h).
  ApiResponse signX509(std::string_view body, const std::string& clientAddress);
  ApiResponse krl();
  // The armoured SSHSIG of the KRL (text/plain), for `ssh-keygen -Y verify`.
  ApiResponse krlSignature();
  ApiResponse provisioners();

 private:
  AuthorityApi& authority_;
};

}  // namespace sshca::api
