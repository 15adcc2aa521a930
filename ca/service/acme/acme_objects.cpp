#include "ca/service/acme/acme_objects.h"

#include "ca/core/common/utc_time.h"

namespace sshca::acme {
namespace {

using json = nlohmann::json;

Result<json> document(const store::AcmeRow& row) {
  json doc = json::parse(row.document, nullptr, false);
  if (!doc.is_object())
    return makeError(ErrorCode::Internal,
                     std::string(store::acmeTableName(row.table)) + " " + row.id + ": stored document does not parse");
  return doc;
}

store::AcmeRow withDocument(store::AcmeRow row, store::AcmeTable table, const json& doc) {
  row.table = table;
  row.document = doc.dump();
  return row;
}

template <class T>
T get(const json& doc, const char* key, T fallback) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) { return fallback; }
}

}  // namespace

store::AcmeRow toRow(const Account& a) {
  return withDocument(a.row, store::AcmeTable::Account,
                      {{"key", a.key}, {"contact", a.contact}, {"eabKid", a.eabKid}, {"createdAt", a.createdAt}});
}

store::AcmeRow toRow(const Order& o) {
  return withDocument(o.row, store::AcmeTable::Order,
                      {{"names", o.names},
                       {"authzIds", o.authzIds},
                       {"expires", o.expires},
                       {"certificateId", o.certificateId},
                       {"error", o.error}});
}

store::AcmeRow toRow(const Authorization& a) {
  return withDocument(a.row, store::AcmeTable::Authorization,
                      {{"name", a.name}, {"challengeIds", a.challengeIds}, {"expires", a.expires}});
}

store::AcmeRow toRow(const Challenge& c) {
  return withDocument(c.row, store::AcmeTable::Challenge,
                      {{"type", c.type},
                       {"token", c.token},
                       {"name", c.name},
                       {"orderId", c.orderId},
                       {"validated", c.validated},
                       {"error", c.error}});
}

store::AcmeRow toRow(const IssuedCertificate& c) {
  return withDocument(c.row, store::AcmeTable::Certificate,
                      {{"chainPem", c.chainPem},
                       {"serialHex", c.serialHex},
                       {"notAfter", c.notAfter},
                       {"revokedAt", c.revokedAt},
                       {"reason", c.reason}});
}

Result<Account> accountFrom(store::AcmeRow row) {
  SSHCA_ASSIGN_OR_RETURN(json doc, document(row));
  Account a;
  a.key = doc.value("key", json::object());
  a.contact = doc.value("contact", json::array());
  a.eabKid = get<std::string>(doc, "eabKid", "");
  a.createdAt = get<int64_t>(doc, "createdAt", 0);
  a.row = std::move(row);
  return a;
}

Result<Order> orderFrom(store::AcmeRow row) {
  SSHCA_ASSIGN_OR_RETURN(json doc, document(row));
  Order o;
  o.names = get<std::vector<std::string>>(doc, "names", {});
  o.authzIds = get<std::vector<std::string>>(doc, "authzIds", {});
  o.expires = get<int64_t>(doc, "expires", 0);
  o.certificateId = get<std::string>(doc, "certificateId", "");
  o.error = doc.value("error", json());
  o.row = std::move(row);
  return o;
}

Result<Authorization> authorizationFrom(store::AcmeRow row) {
  SSHCA_ASSIGN_OR_RETURN(json doc, document(row));
  Authorization a;
  a.name = get<std::string>(doc, "name", "");
  a.challengeIds = get<std::vector<std::string>>(doc, "challengeIds", {});
  a.expires = get<int64_t>(doc, "expires", 0);
  a.row = std::move(row);
  return a;
}

Result<Challenge> challengeFrom(store::AcmeRow row) {
  SSHCA_ASSIGN_OR_RETURN(json doc, document(row));
  Challenge c;
  c.type = get<std::string>(doc, "type", "");
  c.token = get<std::string>(doc, "token", "");
  c.name = get<std::string>(doc, "name", "");
  c.orderId = get<std::string>(doc, "orderId", "");
  c.validated = get<int64_t>(doc, "validated", 0);
  c.error = doc.value("error", json());
  c.row = std::move(row);
  return c;
}

Result<IssuedCertificate> certificateFrom(store::AcmeRow row) {
  SSHCA_ASSIGN_OR_RETURN(json doc, document(row));
  IssuedCertificate c;
  c.chainPem = get<std::string>(doc, "chainPem", "");
  c.serialHex = get<std::string>(doc, "serialHex", "");
  c.notAfter = get<int64_t>(doc, "notAfter", 0);
  c.revokedAt = get<int64_t>(doc, "revokedAt", 0);
  c.reason = get<int>(doc, "reason", 0);
  c.row = std::move(row);
  return c;
}

json renderAccount(const Account& a, const AcmeUrls& urls) {
  return {{"status", a.row.status},
          {"contact", a.contact},
          {"orders", urls.account(a.row.id) + "/orders"},
          {"createdAt", formatUtc(a.createdAt)}};
}

json renderOrder(const Order& o, const AcmeUrls& urls) {
  json ids = json::array();
  for (const auto& n : o.names) ids.push_back({{"type", "dns"}, {"value", n}});
  json authzs = json::array();
  for (const auto& id : o.authzIds) authzs.push_back(urls.authz(id));
  json out = {{"status", o.row.status},
              {"expires", formatUtc(o.expires)},
              {"identifiers", ids},
              {"authorizations", authzs},
              {"finalize", urls.finalize(o.row.id)}};
  if (!o.certificateId.empty()) out["certificate"] = urls.certificate(o.certificateId);
  if (!o.error.is_null()) out["error"] = o.error;
  return out;
}

json renderChallenge(const Challenge& c, const AcmeUrls& urls) {
  json out = {{"type", c.type}, {"url", urls.challenge(c.row.id)}, {"status", c.row.status}, {"token", c.token}};
  if (c.validated != 0) out["validated"] = formatUtc(c.validated);
  if (!c.error.is_null()) out["error"] = c.error;
  return out;
}

json renderAuthorization(const Authorization& a, const std::vector<Challenge>& challenges, const AcmeUrls& urls) {
  json list = json::array();
  for (const auto& c : challenges) list.push_back(renderChallenge(c, urls));
  return {{"identifier", {{"type", "dns"}, {"value", a.name}}},
          {"status", a.row.status},
          {"expires", formatUtc(a.expires)},
          {"challenges", list}};
}

json problemJson(const std::string& type, const std::string& detail) {
  return {{"type", "urn:ietf:params:acme:error:" + type}, {"detail", detail}};
}

}  // namespace sshca::acme
