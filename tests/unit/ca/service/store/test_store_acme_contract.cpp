// The ACME store's completeOrder (store/acme_store.h) on every backend the
// store factory opens: the valid order and its certificate's row are
// recorded together or not at all.
#include <catch2/catch.hpp>

#include "ca/service/store/acme_store.h"
#include "ca/service/store/store_factory.h"
#include "tests/unit/support/store_contract_case.h"

using namespace sshca;
using store::AcmeRow;
using store::AcmeTable;

namespace {

std::unique_ptr<store::AcmeStore> openAcme(const test::StoreBackend& backend) {
  auto s = store::openAcmeStore(backend.config(), 2);
  if (!s.ok()) FAIL(s.error().message);
  return std::move(s).value();
}

AcmeRow order(const std::string& id, const std::string& status, const std::string& document = "{}") {
  return AcmeRow{AcmeTable::Order, id, "acme", "acc", "acc", status, "", document, 1};
}

AcmeRow certificate(const std::string& id, const std::string& orderId, const std::string& serial) {
  return AcmeRow{AcmeTable::Certificate, id, "acme", "acc", orderId, "valid", serial, R"({"serialHex":"0A"})", 2};
}

}  // namespace

STORE_CONTRACT_CASE("AcmeCompleteOrderRecordsTheValidOrderAndItsCertificateTogether") {
  auto s = openAcme(backend);
  REQUIRE(s->insert({order("o1", "processing")}).ok());
  REQUIRE(
      s->completeOrder(order("o1", "valid", R"({"certificateId":"c1"})"), "processing", certificate("c1", "o1", "0A"))
          .ok());
  auto o = s->find(AcmeTable::Order, "acme", "o1");
  REQUIRE(o.ok());
  CHECK(o->status == "valid");
  CHECK(o->document == R"({"certificateId":"c1"})");
  auto byParent = s->children(AcmeTable::Certificate, "acme", "o1");
  REQUIRE(byParent.ok());
  REQUIRE(byParent->size() == 1);
  CHECK(byParent->front().id == "c1");
  auto bySerial = s->findByLookupKey(AcmeTable::Certificate, "acme", "0A");
  REQUIRE(bySerial.ok());
  REQUIRE(bySerial->has_value());
  CHECK((*bySerial)->parentId == "o1");
  CHECK(backend.count("acme_certificates") == 1);
}

STORE_CONTRACT_CASE("AcmeCompleteOrderOfAnOrderThatMovedOnRecordsNoCertificate") {
  auto s = openAcme(backend);
  REQUIRE(s->insert({order("o1", "invalid")}).ok());
  auto lost = s->completeOrder(order("o1", "valid"), "processing", certificate("c1", "o1", "0A"));
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::AlreadyExists);
  CHECK(s->find(AcmeTable::Order, "acme", "o1")->status == "invalid");
  CHECK(backend.count("acme_certificates") == 0);
}

// The order is written first: a certificate row the store refuses (its
// serial is recorded already) must take the order's change back with it.
STORE_CONTRACT_CASE("AcmeCompleteOrderWhoseCertificateIsRefusedLeavesTheOrderProcessing") {
  auto s = openAcme(backend);
  REQUIRE(s->insert({order("o1", "valid"), certificate("c1", "o1", "0A")}).ok());
  REQUIRE(s->insert({order("o2", "processing")}).ok());
  auto refused = s->completeOrder(order("o2", "valid"), "processing", certificate("c2", "o2", "0A"));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::AlreadyExists);
  auto o2 = s->find(AcmeTable::Order, "acme", "o2");
  REQUIRE(o2.ok());
  CHECK(o2->status == "processing");
  CHECK(o2->document == "{}");
  CHECK(s->children(AcmeTable::Certificate, "acme", "o2")->empty());
  CHECK(backend.count("acme_certificates") == 1);
  // Still "processing", so the caller can abandon it.
  CHECK(s->update(order("o2", "invalid"), "processing").ok());
}
