// The ACME server when its store fails a write (tests/fakes/faulty_acme_store.h
// over the real SQLite and PostgreSQL stores): a finalize or a validation
// whose result cannot be recorded leaves nothing "processing" for a client
// to poll forever, and the log says what failed; a finalize that works is
// answered as always, on both backends.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/service/store/store_factory.h"
#include "tests/fakes/faulty_acme_store.h"
#include "tests/unit/support/acme_server_fixture.h"
#include "tests/unit/support/store_contract_case.h"

using namespace sshca;
using json = nlohmann::json;
using api::AcmeProblem;
using store::AcmeTable;
using Fault = test::FaultyAcmeStore::Fault;

namespace {

const std::string kName = "www.example.com";

// A fixture whose store is the backend's behind a FaultyAcmeStore.
struct FaultyFixture {
  test::FaultyAcmeStore* faults = nullptr;
  std::unique_ptr<test::AcmeFixture> f;

  explicit FaultyFixture(const test::StoreBackend& backend) {
    auto real = store::openAcmeStore(backend.config(), 2);
    if (!real.ok()) FAIL(real.error().message);
    auto faulty = std::make_unique<test::FaultyAcmeStore>(std::move(real).value());
    faults = faulty.get();
    f = std::make_unique<test::AcmeFixture>(std::move(faulty));
    f->registerAccount();
  }
};

// The order as a client reads it (POST-as-GET).
json clientOrder(test::AcmeFixture& f, const std::string& orderId) {
  auto r = f.call({"order", orderId}, json::object());
  REQUIRE(r.problem == AcmeProblem::None);
  return json::parse(r.body);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

STORE_CONTRACT_CASE("AcmeFinalizeLeavesAValidOrderWithItsCertificate") {
  FaultyFixture ff(backend);
  auto& f = *ff.f;
  std::string orderId = f.readyOrder(kName);
  auto done = f.finalize(orderId, kName);
  REQUIRE(done.problem == AcmeProblem::None);
  json o = json::parse(done.body);
  CHECK(o["status"] == "valid");
  REQUIRE(o.contains("certificate"));
  CHECK_FALSE(o.contains("error"));
  CHECK(done.location == f.path({"order", orderId}));
  CHECK(clientOrder(f, orderId) == o);
  auto cert = f.call({"certificate", test::lastSegment(o["certificate"])}, json::object());
  REQUIRE(cert.problem == AcmeProblem::None);
  CHECK(cert.kind == api::AcmeReply::Body::PemChain);
  CHECK(contains(cert.body, "BEGIN CERTIFICATE"));
  CHECK(backend.count("acme_certificates") == 1);
  CHECK(f.logLines().empty());
  CHECK(ff.faults->injected() == 0);
}

STORE_CONTRACT_CASE("AcmeFinalizeWhoseCompletionTheStoreRefusesLeavesTheOrderInvalid") {
  FaultyFixture ff(backend);
  auto& f = *ff.f;
  std::string orderId = f.readyOrder(kName);
  ff.faults->failMoves(AcmeTable::Order, "processing");  // the completion; moving the order on works
  auto failed = f.finalize(orderId, kName);
  CHECK(failed.problem == AcmeProblem::ServerInternal);
  CHECK(f.issuer->issued == 1);  // signed and recorded for X.509, never handed out

  // The client polls the order: invalid, with a serverInternal error and no certificate.
  json o = clientOrder(f, orderId);
  CHECK(o["status"] == "invalid");
  CHECK(o["error"]["type"] == "urn:ietf:params:acme:error:serverInternal");
  CHECK_FALSE(o.contains("certificate"));
  CHECK(backend.count("acme_certificates") == 0);
  // The operator's log names the order and the serial.
  auto lines = f.logLines();
  REQUIRE(lines.size() == 1);
  CHECK(contains(lines[0], "order " + orderId));
  CHECK(contains(lines[0], "serial 01"));
  CHECK(contains(lines[0], "injected fault"));
  CHECK(contains(lines[0], "the order is now invalid"));
  // Finalizing it again issues nothing more.
  CHECK(f.finalize(orderId, kName).problem == AcmeProblem::OrderNotReady);
  CHECK(f.issuer->issued == 1);
  // A new order works.
  std::string next = f.readyOrder(kName);
  REQUIRE(f.finalize(next, kName).problem == AcmeProblem::None);
  CHECK(f.status(AcmeTable::Order, next) == "valid");
  CHECK(backend.count("acme_certificates") == 1);
}

STORE_CONTRACT_CASE("AcmeFinalizeWhoseOrderCannotBeAbandonedEitherLogsThatItStaysProcessing") {
  FaultyFixture ff(backend);
  auto& f = *ff.f;
  std::string orderId = f.readyOrder(kName);
  ff.faults->failMoves(AcmeTable::Order, "processing", 2);  // the completion and the move to invalid
  CHECK(f.finalize(orderId, kName).problem == AcmeProblem::ServerInternal);
  CHECK(f.status(AcmeTable::Order, orderId) == "processing");
  CHECK(backend.count("acme_certificates") == 0);
  auto lines = f.logLines();
  REQUIRE(lines.size() == 1);
  CHECK(contains(lines[0], "order " + orderId));
  CHECK(contains(lines[0], "serial 01"));
  CHECK(contains(lines[0], "moving the order to invalid failed too"));
  CHECK(contains(lines[0], "it stays processing"));
}

// The store reported a failure of a transaction that committed (a
// connection lost at COMMIT): the order is valid, and the client is told so.
STORE_CONTRACT_CASE("AcmeFinalizeWhoseCompletionCommittedDespiteTheErrorAnswersTheValidOrder") {
  FaultyFixture ff(backend);
  auto& f = *ff.f;
  std::string orderId = f.readyOrder(kName);
  ff.faults->failMoves(AcmeTable::Order, "processing", 1, Fault::CommitThenFail);
  auto done = f.finalize(orderId, kName);
  REQUIRE(done.problem == AcmeProblem::None);
  json o = json::parse(done.body);
  CHECK(o["status"] == "valid");
  REQUIRE(o.contains("certificate"));
  CHECK(clientOrder(f, orderId) == o);
  CHECK(backend.count("acme_certificates") == 1);
  auto lines = f.logLines();
  REQUIRE(lines.size() == 1);
  CHECK(contains(lines[0], "recorded as valid after all"));
}

STORE_CONTRACT_CASE("AcmeValidationWhoseChallengeTheStoreRefusesEndsInvalid") {
  FaultyFixture ff(backend);
  auto& f = *ff.f;
  ff.faults->failMoves(AcmeTable::Challenge, "processing");  // recording the result; the move to invalid works
  auto s = f.startOrder(kName);
  std::string line = f.waitLog();
  CHECK(contains(line, "challenge " + s.challengeId));
  CHECK(contains(line, "updating the challenge"));
  CHECK(contains(line, "injected fault"));
  CHECK(contains(line, "invalid now"));
  CHECK(f.status(AcmeTable::Challenge, s.challengeId) == "invalid");
  CHECK(f.status(AcmeTable::Authorization, s.authzId) == "invalid");
  CHECK(f.status(AcmeTable::Order, s.orderId) == "invalid");
  // What the client reads: the challenge says why, the order gives up.
  auto authz = f.call({"authz", s.authzId}, json::object());
  json challenge = json::parse(authz.body)["challenges"][0];
  CHECK(challenge["status"] == "invalid");
  CHECK(challenge["error"]["type"] == "urn:ietf:params:acme:error:serverInternal");
  CHECK(clientOrder(f, s.orderId)["error"]["type"] == "urn:ietf:params:acme:error:serverInternal");
  CHECK(f.finalize(s.orderId, kName).problem == AcmeProblem::OrderNotReady);
  CHECK(f.issuer->issued == 0);
}

STORE_CONTRACT_CASE("AcmeValidationWhoseAuthorizationTheStoreRefusesEndsInvalid") {
  FaultyFixture ff(backend);
  auto& f = *ff.f;
  ff.faults->failMoves(AcmeTable::Authorization, "pending");  // recording the result; the move to invalid works
  auto s = f.startOrder(kName);
  std::string line = f.waitLog();
  CHECK(contains(line, "challenge " + s.challengeId));
  CHECK(contains(line, "updating its authorization"));
  CHECK(contains(line, "invalid now"));
  // The challenge passed and says so (a valid challenge is final); its
  // authorization and order no longer wait.
  CHECK(f.status(AcmeTable::Challenge, s.challengeId) == "valid");
  CHECK(f.status(AcmeTable::Authorization, s.authzId) == "invalid");
  CHECK(f.status(AcmeTable::Order, s.orderId) == "invalid");
  CHECK(f.finalize(s.orderId, kName).problem == AcmeProblem::OrderNotReady);
  CHECK(f.issuer->issued == 0);
}

STORE_CONTRACT_CASE("AcmeValidationThatCannotBeAbandonedEitherLogsIt") {
  FaultyFixture ff(backend);
  auto& f = *ff.f;
  ff.faults->failMoves(AcmeTable::Challenge, "processing", 2);  // recording the result and the move to invalid
  auto s = f.startOrder(kName);
  std::string line = f.waitLog();
  CHECK(contains(line, "challenge " + s.challengeId));
  CHECK(contains(line, "moving them to invalid failed too"));
  CHECK(contains(line, "updating the challenge"));
  CHECK(f.status(AcmeTable::Challenge, s.challengeId) == "processing");
  // What could still be written was: the client polling the authorization or the order stops.
  CHECK(f.status(AcmeTable::Authorization, s.authzId) == "invalid");
  CHECK(f.status(AcmeTable::Order, s.orderId) == "invalid");
  CHECK(ff.faults->injected() == 2);
}
