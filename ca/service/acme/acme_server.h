// The ACME server (RFC 8555) behind /acme/{provisioner}/: accounts keyed
// by their JWK thumbprint, orders with one authorization per DNS name and
// its http-01, tls-alpn-01 and dns-01 challenges, finalize through the
// TlsIssuer, certificate download, revocation, key rollover. Every request
// is a JWS checked here (Handler::verify): the nonce is consumed in the
// store, so a nonce works once on whichever instance it reaches. The state
// machine of §7.1.6 moves by compare-and-set on each row's status.
// Validations run on the ValidationQueue's threads. A store failure never
// leaves an object "processing" or "pending" for a client to poll forever
// when a write can still help: the order or challenge is moved to
// "invalid" with a serverInternal error, and the log says what happened.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ca/core/common/random.h"
#include "ca/service/acme/acme_objects.h"
#include "ca/service/acme/acme_validation_queue.h"
#include "ca/service/acme/acme_validator.h"
#include "ca/service/acme/tls_issuer.h"
#include "ca/service/api/acme_api.h"
#include "ca/service/config/acme_config.h"
#include "ca/service/store/acme_store.h"

namespace sshca::acme {

using Validate = std::function<ValidationOutcome(const ValidationTarget&, const ValidationSettings&)>;
// One line for the operator about a failure no request's log line carries
// whole (a validation runs on no request), or that must outlive it.
using AcmeLog = std::function<void(const std::string& line)>;

struct AcmeServerParts {
  std::string caUrl;                                       // no trailing slash
  std::map<std::string, config::AcmeConfig> provisioners;  // by name
  std::unique_ptr<store::AcmeStore> store;
  std::unique_ptr<TlsIssuer> issuer;
  std::function<int64_t()> clock;  // seconds since the epoch; default: the system clock
  RandomSource* rng = nullptr;     // ids, tokens, nonces; default: systemRandom(); borrowed
  size_t validationThreads = 2;
  Validate validate;  // default: validateChallenge (tests substitute it)
  AcmeLog log;        // default: "sshca: " + line on stderr
};

class AcmeServer final : public api::AcmeApi {
 public:
  // InvalidArgument when a part is missing.
  static Result<std::unique_ptr<AcmeServer>> create(AcmeServerParts parts);
  ~AcmeServer() override;

  api::AcmeReply directory(const std::string& provisioner) override;
  api::AcmeReply newNonce(const std::string& provisioner) override;
  api::AcmeReply post(const api::AcmePost& request) override;

  // Forgets expired nonces.
  Status pruneNonces();

  struct Context;  // one request's provisioner, URLs and clock reading

 private:
  explicit AcmeServer(AcmeServerParts parts);
  void runValidation(const std::string& provisioner, const std::string& challengeId);

  AcmeServerParts parts_;
  RandomSource& rng_;
  std::unique_ptr<ValidationQueue> queue_;  // last: its threads stop before the rest goes
};

}  // namespace sshca::acme
