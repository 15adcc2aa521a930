// The ACME routes (RFC 8555) in HTTP terms: statuses, the Replay-Nonce,
// Location, Link and Cache-Control headers, and RFC 7807 problem documents
// with ACME's error types. Everything ACME means is the AcmeApi's
// (acme_api.h); this file maps it, like error_mapping does for the rest.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ca/service/api/acme_api.h"
#include "ca/service/api/api_handlers.h"

namespace sshca::api {

class AcmeHandlers {
 public:
  explicit AcmeHandlers(AcmeApi& acme) : acme_(acme) {}

  ApiResponse directory(const std::string& provisioner);
  // HEAD answers 200, GET 204 (RFC 8555 §7.2); both carry a nonce.
  ApiResponse newNonce(const std::string& provisioner, bool head);
  ApiResponse post(const std::string& provisioner, std::vector<std::string> resource, std::string_view body);

 private:
  AcmeApi& acme_;
};

// The HTTP status of an ACME problem.
int acmeProblemStatus(AcmeProblem problem);

}  // namespace sshca::api
