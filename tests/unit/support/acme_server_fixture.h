// An ACME server (acme/acme_server.h) on a real store, SQLite unless the
// test hands it another, with the issuer and the validator replaced: a
// client's side of RFC 8555 (JWS requests with fresh nonces), the log
// lines the server writes, and ways to wait for a validation to end.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/core/common/bytes.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jws.h"
#include "ca/service/acme/acme_server.h"
#include "ca/service/store/sqlite/sqlite_acme_store.h"
#include "tests/fakes/evp_test_signer.h"
#include "tests/fakes/fake_tls_issuer.h"
#include "tests/unit/support/temp_dir.h"
#include "tests/unit/support/test_csr.h"

namespace sshca::test {

// Validations run on the server's threads: waits are bounded generously,
// for a loaded machine, and end as soon as the state is there.
constexpr auto kAcmeWait = std::chrono::seconds(60);

inline std::string lastSegment(const std::string& url) { return url.substr(url.rfind('/') + 1); }

// A CSR (base64url DER, as finalize takes it) for a fresh key.
inline std::string csrFor(const std::string& cn, const std::string& sans) {
  auto k = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  ossl::X509Req req = makeCsr(*k, {cn, sans, false, false});
  unsigned char* der = nullptr;
  int n = i2d_X509_REQ(req.get(), &der);
  Bytes out(der, der + n);
  OPENSSL_free(der);
  return base64UrlEncode(out);
}

struct AcmeFixture {
  using json = nlohmann::json;

  TempDir dir;
  FakeTlsIssuer* issuer = nullptr;
  store::AcmeStore* store = nullptr;
  std::unique_ptr<acme::AcmeServer> server;
  std::atomic<bool> answerRight{true};
  std::shared_ptr<EvpTestSigner> key = EvpTestSigner::generate(KeyAlgorithm::EcdsaP256);
  std::string kid;
  const std::string base = "https://ca.test/acme/acme";

  // On `acmeStore`, or a SQLite file of its own when none is given.
  explicit AcmeFixture(std::unique_ptr<store::AcmeStore> acmeStore = nullptr) {
    acme::AcmeServerParts parts;
    parts.caUrl = "https://ca.test";
    config::AcmeConfig cfg;
    cfg.names = {"*.example.com"};
    parts.provisioners["acme"] = cfg;
    if (!acmeStore) {
      auto st = store::openSqliteAcmeStore(dir.path() + "/db.sqlite");
      REQUIRE(st.ok());
      acmeStore = std::move(st).value();
    }
    store = acmeStore.get();
    parts.store = std::move(acmeStore);
    auto iss = std::make_unique<FakeTlsIssuer>();
    issuer = iss.get();
    parts.issuer = std::move(iss);
    parts.validate = [this](const acme::ValidationTarget& t, const acme::ValidationSettings&) {
      if (answerRight) return acme::ValidationOutcome{true, "", ""};
      return acme::ValidationOutcome{false, "incorrectResponse", "wrong answer for " + t.name};
    };
    parts.log = [this](const std::string& line) {
      std::lock_guard lock(logMu_);
      log_.push_back(line);
    };
    auto s = acme::AcmeServer::create(std::move(parts));
    REQUIRE(s.ok());
    server = std::move(s).value();
  }

  std::string nonce() {
    auto r = server->newNonce("acme");
    REQUIRE(!r.nonce.empty());
    return r.nonce;
  }

  // A flattened JWS over `payload` (an object) for `url`.
  std::string jws(const std::string& url, const json& payload, const std::string& n, bool withJwk = false,
                  const EvpTestSigner* signer = nullptr) {
    const EvpTestSigner& k = signer != nullptr ? *signer : *key;
    json header = {{"alg", "ES256"}, {"nonce", n}, {"url", url}};
    if (withJwk || kid.empty()) {
      header["jwk"] = *jose::publicJwkOf(k.publicKey());
    } else {
      header["kid"] = kid;
    }
    auto compact = jose::signCompact(header, payload, k);
    REQUIRE(compact.ok());
    std::string c = *compact;
    size_t a = c.find('.'), b = c.rfind('.');
    return json{{"protected", c.substr(0, a)}, {"payload", c.substr(a + 1, b - a - 1)}, {"signature", c.substr(b + 1)}}
        .dump();
  }

  api::AcmeReply post(const std::vector<std::string>& resource, const std::string& body) {
    return server->post({"acme", resource, body});
  }

  std::string path(const std::vector<std::string>& resource) {
    std::string out = base;
    for (const auto& r : resource) out += "/" + r;
    return out;
  }

  api::AcmeReply call(const std::vector<std::string>& resource, const json& payload) {
    return post(resource, jws(path(resource), payload, nonce()));
  }

  void registerAccount() {
    auto r = call({"new-account"}, {{"termsOfServiceAgreed", true}});
    REQUIRE(r.problem == api::AcmeProblem::None);
    REQUIRE(r.created);
    kid = r.location;
  }

  // The stored status of an object.
  std::string status(store::AcmeTable table, const std::string& id) {
    auto row = store->find(table, "acme", id);
    REQUIRE(row.ok());
    return row->status;
  }

  // Polls the order until it leaves "pending" (validation runs on its own thread).
  std::string waitOrder(const std::string& orderId) {
    auto deadline = std::chrono::steady_clock::now() + kAcmeWait;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string s = status(store::AcmeTable::Order, orderId);
      if (s != "pending") return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "pending";
  }

  // Waits for the server's next log line (validation threads write them).
  std::string waitLog() {
    auto deadline = std::chrono::steady_clock::now() + kAcmeWait;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(logMu_);
        if (!log_.empty()) return log_.front();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
  }

  std::vector<std::string> logLines() {
    std::lock_guard lock(logMu_);
    return log_;
  }

  // An order for `name` with its first challenge (http-01) started: the
  // ids of the order, its authorization and the challenge.
  struct Started {
    std::string orderId, authzId, challengeId;
  };
  Started startOrder(const std::string& name) {
    auto order = call({"new-order"}, {{"identifiers", {{{"type", "dns"}, {"value", name}}}}});
    REQUIRE(order.problem == api::AcmeProblem::None);
    Started s;
    s.orderId = lastSegment(order.location);
    s.authzId = lastSegment(json::parse(order.body)["authorizations"][0]);
    auto authz = call({"authz", s.authzId}, json::object());
    REQUIRE(authz.problem == api::AcmeProblem::None);
    s.challengeId = lastSegment(json::parse(authz.body)["challenges"][0]["url"]);
    REQUIRE(call({"challenge", s.challengeId}, json::object()).problem == api::AcmeProblem::None);
    return s;
  }

  // An order for `name` whose validation passed: its id.
  std::string readyOrder(const std::string& name) {
    std::string id = startOrder(name).orderId;
    REQUIRE(waitOrder(id) == "ready");
    return id;
  }

  api::AcmeReply finalize(const std::string& orderId, const std::string& name) {
    return call({"order", orderId, "finalize"}, {{"csr", csrFor(name, "DNS:" + name)}});
  }

 private:
  std::mutex logMu_;
  std::vector<std::string> log_;  // guarded by logMu_
};

}  // namespace sshca::test
