// The ACME server against a real SQLite store, with the validator and the
// issuer replaced: the JWS checks, nonces used once, the order state
// machine, and refusals that leave nothing issued.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/core/common/bytes.h"
#include "ca/core/jose/flattened_jws.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jws.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/service/acme/acme_server.h"
#include "ca/service/store/sqlite/sqlite_acme_store.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/unit/support/acme_server_fixture.h"
#include "tests/unit/support/temp_dir.h"
#include "tests/unit/support/test_csr.h"

using namespace sshca;
using json = nlohmann::json;
using api::AcmeProblem;

namespace {

using Fixture = test::AcmeFixture;
using test::csrFor;
using test::lastSegment;

// A CSR whose subject holds two CNs: `first`, then `last` (the one the
// issuer puts in the certificate).
std::string csrWithTwoCns(const std::string& first, const std::string& last, const std::string& sans) {
  auto k = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  ossl::X509Req req = test::makeCsr(*k, {first, sans, false, false});
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(last.c_str()),
                                     -1, -1, 0) == 1);
  REQUIRE(X509_REQ_sign(req.get(), k->evp(), EVP_sha256()) > 0);
  unsigned char* der = nullptr;
  int n = i2d_X509_REQ(req.get(), &der);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return base64UrlEncode(out);
}

}  // namespace

TEST_CASE("ACME flattened JWS: members and empty payloads") {
  CHECK(jose::parseFlattened(R"({"protected":"e30","payload":"","signature":"AA"})").ok());
  auto extra = jose::parseFlattened(R"({"protected":"e30","payload":"","signature":"AA","header":{}})");
  CHECK_FALSE(extra.ok());
  CHECK_FALSE(jose::parseFlattened(R"({"protected":"e30","payload":""})").ok());
  CHECK_FALSE(jose::parseFlattened("not json").ok());
}

TEST_CASE("ACME store: a nonce is consumed once, never after it expired") {
  test::TempDir dir;
  auto st = store::openSqliteAcmeStore(dir.path() + "/db.sqlite");
  REQUIRE(st.ok());
  auto& s = **st;
  REQUIRE(s.addNonce("n1", 100).ok());
  REQUIRE(s.addNonce("n2", 100).ok());
  CHECK(*s.consumeNonce("n1", 50) == true);
  CHECK(*s.consumeNonce("n1", 50) == false);
  CHECK(*s.consumeNonce("unknown", 50) == false);
  CHECK(*s.consumeNonce("n2", 101) == false);  // expired
}

TEST_CASE("ACME store: update is a compare-and-set on the status") {
  test::TempDir dir;
  auto st = store::openSqliteAcmeStore(dir.path() + "/db.sqlite");
  REQUIRE(st.ok());
  auto& s = **st;
  store::AcmeRow row{store::AcmeTable::Order, "o1", "acme", "a1", "a1", "ready", "", "{}", 1};
  REQUIRE(s.insert({row}).ok());
  row.status = "processing";
  CHECK(s.update(row, "ready").ok());
  row.status = "valid";
  auto lost = s.update(row, "ready");  // a second finalize: the status moved on
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == ErrorCode::AlreadyExists);
  CHECK(s.find(store::AcmeTable::Order, "acme", "o1")->status == "processing");
  CHECK_FALSE(s.find(store::AcmeTable::Order, "other", "o1").ok());  // rows belong to their provisioner
}

TEST_CASE("ACME name patterns") {
  std::vector<std::string> p{"*.example.com", "host.example.org"};
  CHECK(config::acmeNameAllowed(p, "a.example.com"));
  CHECK(config::acmeNameAllowed(p, "b.a.example.com"));
  CHECK_FALSE(config::acmeNameAllowed(p, "example.com"));
  CHECK_FALSE(config::acmeNameAllowed(p, "evilexample.com"));
  CHECK(config::acmeNameAllowed(p, "host.example.org"));
  CHECK_FALSE(config::acmeNameAllowed(p, "x.host.example.org"));
}

TEST_CASE("ACME: an order goes pending -> ready -> valid, and a nonce works once") {
  Fixture f;
  f.registerAccount();
  auto order = f.call({"new-order"}, {{"identifiers", {{{"type", "dns"}, {"value", "www.example.com"}}}}});
  REQUIRE(order.problem == AcmeProblem::None);
  json o = json::parse(order.body);
  CHECK(o["status"] == "pending");
  std::string orderId = lastSegment(order.location);

  // Finalize before validation: orderNotReady, nothing issued.
  auto early = f.call({"order", orderId, "finalize"}, {{"csr", csrFor("www.example.com", "DNS:www.example.com")}});
  CHECK(early.problem == AcmeProblem::OrderNotReady);
  CHECK(f.issuer->issued == 0);

  std::string authzId = lastSegment(o["authorizations"][0]);
  auto authz = f.post({"authz", authzId}, f.jws(f.path({"authz", authzId}), json::object(), f.nonce()));
  json a = json::parse(authz.body);
  REQUIRE(a["challenges"].size() == 3);
  std::string challengeId = lastSegment(a["challenges"][0]["url"]);
  auto started = f.call({"challenge", challengeId}, json::object());
  REQUIRE(started.problem == AcmeProblem::None);
  CHECK(f.waitOrder(orderId) == "ready");

  // A CSR with another name is refused.
  auto other = f.call({"order", orderId, "finalize"}, {{"csr", csrFor("www.example.com", "DNS:evil.example.com")}});
  CHECK(other.problem == AcmeProblem::BadCsr);
  CHECK(f.issuer->issued == 0);
  // So is one whose CN is another name, and one whose last CN (the one the
  // issuer reads) is another name behind a first CN that is the order's.
  auto otherCn = f.call({"order", orderId, "finalize"}, {{"csr", csrFor("evil.example.com", "DNS:www.example.com")}});
  CHECK(otherCn.problem == AcmeProblem::BadCsr);
  auto lastCn = f.call({"order", orderId, "finalize"},
                       {{"csr", csrWithTwoCns("www.example.com", "evil.example.com", "DNS:www.example.com")}});
  CHECK(lastCn.problem == AcmeProblem::BadCsr);
  CHECK(f.issuer->issued == 0);
  CHECK(f.store->find(store::AcmeTable::Order, "acme", orderId)->status == "ready");

  std::string n = f.nonce();
  std::string body =
      f.jws(f.path({"order", orderId, "finalize"}), {{"csr", csrFor("www.example.com", "DNS:www.example.com")}}, n);
  auto done = f.post({"order", orderId, "finalize"}, body);
  REQUIRE(done.problem == AcmeProblem::None);
  CHECK(json::parse(done.body)["status"] == "valid");
  CHECK(f.issuer->issued == 1);
  CHECK(f.issuer->lastNames == std::vector<std::string>{"www.example.com"});

  // The same request again: its nonce is spent.
  auto replay = f.post({"order", orderId, "finalize"}, body);
  CHECK(replay.problem == AcmeProblem::BadNonce);
  CHECK(f.issuer->issued == 1);
}

TEST_CASE("ACME: a wrong answer invalidates the order and nothing is issued") {
  Fixture f;
  f.answerRight = false;
  f.registerAccount();
  auto order = f.call({"new-order"}, {{"identifiers", {{{"type", "dns"}, {"value", "www.example.com"}}}}});
  json o = json::parse(order.body);
  std::string orderId = lastSegment(order.location);
  std::string authzId = lastSegment(o["authorizations"][0]);
  auto authz = f.post({"authz", authzId}, f.jws(f.path({"authz", authzId}), json::object(), f.nonce()));
  std::string challengeId = lastSegment(json::parse(authz.body)["challenges"][1]["url"]);
  REQUIRE(f.call({"challenge", challengeId}, json::object()).problem == AcmeProblem::None);
  CHECK(f.waitOrder(orderId) == "invalid");
  auto fin = f.call({"order", orderId, "finalize"}, {{"csr", csrFor("www.example.com", "DNS:www.example.com")}});
  CHECK(fin.problem == AcmeProblem::OrderNotReady);
  CHECK(f.issuer->issued == 0);
  CHECK(*f.store->count(store::AcmeTable::Certificate) == 0);
}

TEST_CASE("ACME: refusals of the JWS and of identifiers") {
  Fixture f;
  // A nonce the CA never gave.
  auto bad = f.post({"new-account"}, f.jws(f.path({"new-account"}), json::object(), "made-up"));
  CHECK(bad.problem == AcmeProblem::BadNonce);
  // A url other than the request's.
  auto wrongUrl = f.post({"new-account"}, f.jws(f.base + "/new-order", json::object(), f.nonce()));
  CHECK(wrongUrl.problem == AcmeProblem::Unauthorized);
  // Signed by another key than the jwk it carries.
  auto other = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  json header = {{"alg", "ES256"},
                 {"nonce", f.nonce()},
                 {"url", f.path({"new-account"})},
                 {"jwk", *jose::publicJwkOf(f.key->publicKey())}};
  std::string c = *jose::signCompact(header, json::object(), *other);
  size_t a = c.find('.'), b = c.rfind('.');
  auto forged = f.post(
      {"new-account"},
      json{{"protected", c.substr(0, a)}, {"payload", c.substr(a + 1, b - a - 1)}, {"signature", c.substr(b + 1)}}
          .dump());
  CHECK(forged.problem == AcmeProblem::Malformed);
  CHECK(*f.store->count(store::AcmeTable::Account) == 0);

  f.registerAccount();
  auto outside = f.call({"new-order"}, {{"identifiers", {{{"type", "dns"}, {"value", "www.example.org"}}}}});
  CHECK(outside.problem == AcmeProblem::RejectedIdentifier);
  auto wildcard = f.call({"new-order"}, {{"identifiers", {{{"type", "dns"}, {"value", "*.example.com"}}}}});
  CHECK(wildcard.problem == AcmeProblem::RejectedIdentifier);
  auto ip = f.call({"new-order"}, {{"identifiers", {{{"type", "ip"}, {"value", "192.0.2.1"}}}}});
  CHECK(ip.problem == AcmeProblem::UnsupportedIdentifier);
  CHECK(*f.store->count(store::AcmeTable::Order) == 0);

  // A deactivated account can do nothing more.
  REQUIRE(f.call({"account", lastSegment(f.kid)}, {{"status", "deactivated"}}).problem == AcmeProblem::None);
  auto after = f.call({"new-order"}, {{"identifiers", {{{"type", "dns"}, {"value", "www.example.com"}}}}});
  CHECK(after.problem == AcmeProblem::Unauthorized);
}

TEST_CASE("ACME: key rollover moves the account to the new key") {
  Fixture f;
  f.registerAccount();
  auto next = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  std::string url = f.path({"key-change"});
  json innerHeader = {{"alg", "ES256"}, {"url", url}, {"jwk", *jose::publicJwkOf(next->publicKey())}};
  json innerPayload = {{"account", f.kid}, {"oldKey", *jose::publicJwkOf(f.key->publicKey())}};
  std::string c = *jose::signCompact(innerHeader, innerPayload, *next);
  size_t a = c.find('.'), b = c.rfind('.');
  json inner = {{"protected", c.substr(0, a)}, {"payload", c.substr(a + 1, b - a - 1)}, {"signature", c.substr(b + 1)}};
  auto r = f.call({"key-change"}, inner);
  REQUIRE(r.problem == AcmeProblem::None);
  // The old key no longer signs for the account; the new one does.
  auto old = f.call({"new-order"}, {{"identifiers", {{{"type", "dns"}, {"value", "www.example.com"}}}}});
  CHECK(old.problem == AcmeProblem::Malformed);
  auto fresh = f.post({"new-order"},
                      f.jws(f.path({"new-order"}), {{"identifiers", {{{"type", "dns"}, {"value", "www.example.com"}}}}},
                            f.nonce(), false, next.get()));
  CHECK(fresh.problem == AcmeProblem::None);
}

// A finalize the issuer refuses leaves the order invalid, typed by whose
// fault it was: the CSR's (badCSR, with the reason) or the CA's
// (serverInternal, without the internal detail: the token's URI or a
// database path is the operator's business).
TEST_CASE("AcmeFinalizeTypesTheIssuersRefusalByWhoseFaultItWas", "[acme]") {
  for (auto [code, type] :
       {std::pair{ErrorCode::InvalidArgument, "badCSR"}, std::pair{ErrorCode::Unavailable, "serverInternal"}}) {
    test::AcmeFixture f;
    f.registerAccount();
    std::string orderId = f.readyOrder("www.example.com");
    f.issuer->failWith = makeError(code, "secret detail: pkcs11:token=ca");
    auto failed = f.finalize(orderId, "www.example.com");
    CHECK(failed.problem != api::AcmeProblem::None);
    auto r = f.call({"order", orderId}, nlohmann::json::object());
    REQUIRE(r.problem == api::AcmeProblem::None);
    auto o = nlohmann::json::parse(r.body);
    INFO(o.dump());
    CHECK(o["status"] == "invalid");
    CHECK(o["error"]["type"] == std::string("urn:ietf:params:acme:error:") + type);
    const bool leaks = o["error"]["detail"].get<std::string>().find("pkcs11:") != std::string::npos;
    CHECK(leaks == (code == ErrorCode::InvalidArgument));  // a CSR's reason is the client's to read
    CHECK(f.issuer->issued == 0);
  }
}
