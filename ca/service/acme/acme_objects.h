// The ACME objects (RFC 8555 §7.1) as the server keeps them: each is a
// store row (store/acme_store.h) whose document holds the fields below, and
// each renders the JSON a client reads. Statuses follow §7.1.6.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/common/result.h"
#include "ca/service/store/acme_store.h"

namespace sshca::acme {

// The URLs of one provisioner's ACME server: https://ca/acme/{name}.
struct AcmeUrls {
  std::string base;  // no trailing slash
  std::string directory() const { return base + "/directory"; }
  std::string account(const std::string& id) const { return base + "/account/" + id; }
  std::string order(const std::string& id) const { return base + "/order/" + id; }
  std::string finalize(const std::string& id) const { return base + "/order/" + id + "/finalize"; }
  std::string authz(const std::string& id) const { return base + "/authz/" + id; }
  std::string challenge(const std::string& id) const { return base + "/challenge/" + id; }
  std::string certificate(const std::string& id) const { return base + "/certificate/" + id; }
};

struct Account {
  store::AcmeRow row;  // status: valid | deactivated | revoked
  nlohmann::json key;  // the account's public JWK
  nlohmann::json contact = nlohmann::json::array();
  std::string eabKid;  // the EAB key it was bound with, if any
  int64_t createdAt = 0;
};

struct Order {
  store::AcmeRow row;                 // status: pending | ready | processing | valid | invalid
  std::vector<std::string> names;     // DNS identifiers, in the client's order
  std::vector<std::string> authzIds;  // one per name
  int64_t expires = 0;
  std::string certificateId;  // once valid
  nlohmann::json error;       // once invalid
};

struct Authorization {
  store::AcmeRow row;  // status: pending | valid | invalid | deactivated | expired
  std::string name;
  std::vector<std::string> challengeIds;
  int64_t expires = 0;
};

struct Challenge {
  store::AcmeRow row;  // status: pending | processing | valid | invalid
  std::string type;    // http-01 | tls-alpn-01 | dns-01
  std::string token;
  std::string name;  // the identifier it proves (copied from its authorization)
  std::string orderId;
  int64_t validated = 0;
  nlohmann::json error;
};

struct IssuedCertificate {
  store::AcmeRow row;    // status: valid | revoked; lookupKey: serial hex
  std::string chainPem;  // leaf, then the intermediate
  std::string serialHex;
  int64_t notAfter = 0;
  int64_t revokedAt = 0;
  int reason = 0;
};

// To and from rows. The from* functions refuse a document that does not
// parse (Internal: the store holds what this code wrote).
store::AcmeRow toRow(const Account& a);
store::AcmeRow toRow(const Order& o);
store::AcmeRow toRow(const Authorization& a);
store::AcmeRow toRow(const Challenge& c);
store::AcmeRow toRow(const IssuedCertificate& c);
Result<Account> accountFrom(store::AcmeRow row);
Result<Order> orderFrom(store::AcmeRow row);
Result<Authorization> authorizationFrom(store::AcmeRow row);
Result<Challenge> challengeFrom(store::AcmeRow row);
Result<IssuedCertificate> certificateFrom(store::AcmeRow row);

// What a client reads (RFC 8555 §7.1.2 - §7.1.5).
nlohmann::json renderAccount(const Account& a, const AcmeUrls& urls);
nlohmann::json renderOrder(const Order& o, const AcmeUrls& urls);
nlohmann::json renderAuthorization(const Authorization& a, const std::vector<Challenge>& challenges,
                                   const AcmeUrls& urls);
nlohmann::json renderChallenge(const Challenge& c, const AcmeUrls& urls);

// An ACME problem document for an object's "error" field.
nlohmann::json problemJson(const std::string& type, const std::string& detail);

}  // namespace sshca::acme
