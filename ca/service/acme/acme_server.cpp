#include "ca/service/acme/acme_server.h"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "ca/core/common/ascii_case.h"
#include "ca/core/common/bytes.h"
#include "ca/core/jose/base64url_strict.h"
#include "ca/core/jose/external_account_binding.h"
#include "ca/core/jose/flattened_jws.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/jose/jwk_thumbprint.h"
#include "ca/core/x509/certificate_request.h"
#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/serial_number.h"
#include "ca/core/x509/x509_pem.h"
#include "ca/service/acme/acme_refusal.h"

namespace sshca::acme {

using api::AcmeProblem;
using api::AcmeReply;
using json = nlohmann::json;
using store::AcmeRow;
using store::AcmeTable;

namespace {

constexpr int64_t kNonceLifetime = 3600;
constexpr int64_t kOrderLifetime = 24 * 3600;
constexpr size_t kMaxIdentifiers = 100;
const std::vector<std::string> kAlgorithms{"ES256", "ES384", "RS256"};
const char* const kChallengeTypes[] = {"http-01", "tls-alpn-01", "dns-01"};

// One write per line: lines from the validation and I/O threads never
// interleave.
void logToStderr(const std::string& line) {
  std::string out = "sshca: " + line + "\n";
  std::fwrite(out.data(), 1, out.size(), stderr);
}

int64_t systemSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())  // lint: clock
      .count();
}

std::string joinPath(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out;
}

// RFC 1035 host names, lower-case: LDH labels of 1..63, 253 in all; no
// IP addresses (an IP identifier is another type, not supported).
bool validDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  in6_addr six;
  in_addr four;
  if (inet_pton(AF_INET, name.c_str(), &four) == 1 || inet_pton(AF_INET6, name.c_str(), &six) == 1) return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    size_t end = dot == std::string::npos ? name.size() : dot;
    size_t len = end - start;
    if (len == 0 || len > 63 || name[start] == '-' || name[end - 1] == '-') return false;
    for (size_t i = start; i < end; ++i) {
      char c = name[i];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

// A stored object, read from its row.
template <class T>
Result<T> findObject(store::AcmeStore& store, AcmeTable table, const std::string& provisioner, const std::string& id,
                     Result<T> (*from)(AcmeRow)) {
  SSHCA_ASSIGN_OR_RETURN(AcmeRow row, store.find(table, provisioner, id));
  return from(std::move(row));
}

}  // namespace

// One request: its provisioner's settings and URLs, the time it started.
struct AcmeServer::Context {
  std::string provisioner;
  const config::AcmeConfig* config = nullptr;
  AcmeUrls urls;
  int64_t now = 0;
};

namespace {

// A verified request (RFC 8555 §6.2-6.3).
struct Verified {
  json header;
  json payload;  // null for POST-as-GET
  Bytes payloadBytes;
  json jwk;                        // the key that signed (the account's, or the header's)
  std::optional<Account> account;  // when signed with "kid"
};

enum class KeyBy { Jwk, Kid, Either };

class Handler {
 public:
  Handler(const AcmeServer::Context& ctx, store::AcmeStore& store, RandomSource& rng)
      : ctx_(ctx), store_(store), rng_(rng) {}

  Outcome<std::string> newId() {
    auto b = rng_.bytes(16);
    if (!b.ok()) return fromError(std::move(b).error());
    return base64UrlEncode(*b);
  }

  Outcome<Verified> verify(const std::string& url, const std::string& body, KeyBy keyBy) {
    auto parsed = jose::parseFlattened(body);
    if (!parsed.ok()) return refuse(AcmeProblem::Malformed, parsed.error().message);
    jose::JwsParts parts = std::move(parsed).value();
    const json& h = parts.header;
    auto str = [&](const char* k) -> std::optional<std::string> {
      auto it = h.find(k);
      if (it == h.end() || !it->is_string()) return std::nullopt;
      return it->get<std::string>();
    };
    auto alg = str("alg");
    if (!alg || std::find(kAlgorithms.begin(), kAlgorithms.end(), *alg) == kAlgorithms.end())
      return refuse(AcmeProblem::BadSignatureAlgorithm, "the JWS alg must be one of ES256, ES384, RS256");
    auto nonce = str("nonce");
    if (!nonce || nonce->empty()) return refuse(AcmeProblem::BadNonce, "the JWS has no nonce");
    if (str("url") != url) return refuse(AcmeProblem::Unauthorized, "the JWS url is not this request's URL");
    bool hasJwk = h.contains("jwk");
    bool hasKid = h.contains("kid");
    if (hasJwk == hasKid) return refuse(AcmeProblem::Malformed, "the JWS must carry exactly one of jwk and kid");
    Verified v;
    if (hasJwk) {
      if (keyBy == KeyBy::Kid) return refuse(AcmeProblem::Malformed, "this request must be signed by an account (kid)");
      v.jwk = h["jwk"];
    } else {
      if (keyBy == KeyBy::Jwk) return refuse(AcmeProblem::Malformed, "this request must carry the key (jwk)");
      auto kid = str("kid");
      std::string prefix = ctx_.urls.account("");
      if (!kid || kid->rfind(prefix, 0) != 0) return refuse(AcmeProblem::AccountDoesNotExist, "unknown account URL");
      ACME_TRY(Account account, loadAccount(kid->substr(prefix.size())));
      if (account.row.status != "valid")
        return refuse(AcmeProblem::Unauthorized, "the account is " + account.row.status);
      v.jwk = account.key;
      v.account = std::move(account);
    }
    auto key = jose::parseJwk(v.jwk);
    if (!key.ok()) return refuse(AcmeProblem::BadPublicKey, key.error().message);
    auto checked = jose::verifyCompact(parts, key->key, kAlgorithms);
    if (!checked.ok()) return refuse(AcmeProblem::Malformed, "the JWS signature does not verify");
    // Consumed only for a request that verified: a forger cannot burn the
    // nonces of others.
    auto consumed = store_.consumeNonce(*nonce, ctx_.now);
    if (!consumed.ok()) return fromError(std::move(consumed).error());
    if (!*consumed) return refuse(AcmeProblem::BadNonce, "the nonce is unknown, used or expired");
    v.header = h;
    v.payload = parts.payload;
    v.payloadBytes = std::move(parts.payloadBytes);
    return v;
  }

  Outcome<Account> loadAccount(const std::string& id) {
    auto account = findObject(store_, AcmeTable::Account, ctx_.provisioner, id, &accountFrom);
    if (!account.ok() && account.error().code == ErrorCode::NotFound)
      return refuse(AcmeProblem::AccountDoesNotExist, "unknown account");
    return fromResult(std::move(account));
  }

  template <class T>
  Outcome<T> load(AcmeTable table, const std::string& id, Result<T> (*from)(AcmeRow), const Verified& v) {
    auto row = store_.find(table, ctx_.provisioner, id);
    if (!row.ok()) return fromError(std::move(row).error());
    if (row->accountId != v.account->row.id)
      return refuse(AcmeProblem::Unauthorized, "the object belongs to another account");
    return fromResult(from(std::move(row).value()));
  }

  const AcmeServer::Context& ctx_;
  store::AcmeStore& store_;
  RandomSource& rng_;
};

}  // namespace

namespace {

// A successful JSON answer.
AcmeReply jsonReply(const json& body, std::string location = {}, bool created = false) {
  AcmeReply r;
  r.kind = AcmeReply::Body::Json;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.location = std::move(location);
  r.created = created;
  return r;
}

AcmeReply refusalReply(const Refusal& refusal) {
  AcmeReply r;
  r.problem = refusal.problem;
  r.error = refusal.error;
  return r;
}

// An Outcome<AcmeReply> flattened into a reply.
AcmeReply settle(Outcome<AcmeReply> outcome) {
  if (!outcome.ok()) return refusalReply(outcome.refusal());
  return std::move(outcome.value());
}

Outcome<std::string> thumbprintOf(const json& jwk) {
  auto t = jose::thumbprintOfJwk(jwk);
  if (!t.ok()) return refuse(AcmeProblem::BadPublicKey, t.error().message);
  return std::move(t).value();
}

// The names an order asks for: DNS identifiers, lower-case, unique, each
// allowed by the provisioner's policy.
Outcome<std::vector<std::string>> orderNames(const json& payload, const config::AcmeConfig& config) {
  auto ids = payload.find("identifiers");
  if (ids == payload.end() || !ids->is_array() || ids->empty())
    return refuse(AcmeProblem::Malformed, "the order needs a non-empty identifiers list");
  if (ids->size() > kMaxIdentifiers)
    return refuse(AcmeProblem::RejectedIdentifier, "at most " + std::to_string(kMaxIdentifiers) + " identifiers");
  if (payload.contains("notBefore") || payload.contains("notAfter"))
    return refuse(AcmeProblem::Malformed, "notBefore and notAfter are not supported: the validity is the CA's");
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const auto& id : *ids) {
    if (!id.is_object() || !id.contains("type") || !id.contains("value") || !id["type"].is_string() ||
        !id["value"].is_string())
      return refuse(AcmeProblem::Malformed, "an identifier is {\"type\": ..., \"value\": ...}");
    if (id["type"] != "dns") return refuse(AcmeProblem::UnsupportedIdentifier, "only dns identifiers are supported");
    std::string name = asciiLower(id["value"].get<std::string>());
    if (name.rfind("*.", 0) == 0) return refuse(AcmeProblem::RejectedIdentifier, "wildcard names are not issued");
    if (!validDnsName(name)) return refuse(AcmeProblem::RejectedIdentifier, "not a DNS name: " + name);
    if (!config::acmeNameAllowed(config.names, name))
      return refuse(AcmeProblem::RejectedIdentifier, "this CA does not issue for " + name);
    if (seen.insert(name).second) names.push_back(name);
  }
  return names;
}

// The DNS names of a CSR (SANs and the CN, which must be one of them or
// absent), which must be exactly the order's.
Outcome<x509::RequestContents> checkCsr(const json& payload, const Order& order) {
  auto csr = payload.find("csr");
  if (csr == payload.end() || !csr->is_string()) return refuse(AcmeProblem::Malformed, "finalize needs a csr");
  auto der = jose::decodeBase64UrlStrict(csr->get<std::string>(), "csr");
  if (!der.ok()) return refuse(AcmeProblem::BadCsr, "the csr is not base64url");
  auto req = x509::requestFromPemOrDer(asString(*der));
  if (!req.ok()) return refuse(AcmeProblem::BadCsr, "the csr does not parse");
  auto contents = x509::readCertificateRequest(**req);
  if (!contents.ok()) return refuse(AcmeProblem::BadCsr, "the csr: " + contents.error().message);
  if (contents->requestsCa) return refuse(AcmeProblem::BadCsr, "the csr asks for CA:TRUE");
  std::set<std::string> names;
  for (const auto& san : contents->subjectAltNames) {
    if (san.kind != x509::SubjectAltName::Kind::Dns) return refuse(AcmeProblem::BadCsr, "the csr names an IP address");
    names.insert(asciiLower(san.value));
  }
  // The CN the issuer reads (the last one), as it reads it.
  if (std::string cn = x509::commonNameOf(contents->subject.get()); !cn.empty()) names.insert(asciiLower(cn));
  std::set<std::string> wanted(order.names.begin(), order.names.end());
  if (names != wanted) return refuse(AcmeProblem::BadCsr, "the csr's names are not exactly the order's identifiers");
  return std::move(contents).value();
}

}  // namespace

namespace {

// The operations of §7.3 - §7.6, one request each.
class Operations {
 public:
  Operations(Handler& h, TlsIssuer& issuer, std::function<bool(const std::string&)> startValidation, const AcmeLog& log)
      : h_(h),
        ctx_(h.ctx_),
        store_(h.store_),
        issuer_(issuer),
        startValidation_(std::move(startValidation)),
        log_(log) {}

  Outcome<AcmeReply> newAccount(const std::string& url, const std::string& body) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Jwk));
    if (!v.payload.is_object()) return refuse(AcmeProblem::Malformed, "newAccount needs a payload");
    ACME_TRY(std::string thumbprint, thumbprintOf(v.jwk));
    auto existing = store_.findByLookupKey(AcmeTable::Account, ctx_.provisioner, thumbprint);
    if (!existing.ok()) return fromError(std::move(existing).error());
    if (existing->has_value()) {
      ACME_TRY(Account a, fromResult(accountFrom(**existing)));
      if (a.row.status != "valid") return refuse(AcmeProblem::Unauthorized, "the account is " + a.row.status);
      return jsonReply(renderAccount(a, ctx_.urls), ctx_.urls.account(a.row.id));
    }
    if (v.payload.value("onlyReturnExisting", false))
      return refuse(AcmeProblem::AccountDoesNotExist, "no account has this key");
    Account a;
    if (v.payload.contains("externalAccountBinding")) {
      ACME_TRY(a.eabKid, checkEab(v.payload["externalAccountBinding"], v.jwk));
    } else if (ctx_.config->requireEab) {
      return refuse(AcmeProblem::ExternalAccountRequired, "this CA requires External Account Binding");
    }
    if (auto c = v.payload.find("contact"); c != v.payload.end()) { ACME_TRY(a.contact, contacts(*c)); }
    ACME_TRY(std::string id, h_.newId());
    a.row = AcmeRow{AcmeTable::Account, id, ctx_.provisioner, id, "", "valid", thumbprint, "", ctx_.now};
    a.key = v.jwk;
    a.createdAt = ctx_.now;
    Status st = store_.insert({toRow(a)});
    if (!st.ok()) return fromError(st.error());
    AcmeReply r = jsonReply(renderAccount(a, ctx_.urls), ctx_.urls.account(id), true);
    r.subject = id;
    return r;
  }

  // POST to the account URL: read, update the contacts, or deactivate.
  Outcome<AcmeReply> account(const std::string& url, const std::string& body, const std::string& id) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    Account a = *v.account;
    if (a.row.id != id) return refuse(AcmeProblem::Unauthorized, "the account URL is not the signer's");
    if (v.payload.is_object()) {
      std::string before = a.row.status;
      if (auto c = v.payload.find("contact"); c != v.payload.end()) { ACME_TRY(a.contact, contacts(*c)); }
      if (auto s = v.payload.find("status"); s != v.payload.end()) {
        if (*s != "deactivated") return refuse(AcmeProblem::Malformed, "an account can only be deactivated");
        a.row.status = "deactivated";
      }
      a.row.updatedAt = ctx_.now;
      if (Status st = store_.update(toRow(a), before); !st.ok()) return fromError(st.error());
    }
    AcmeReply r = jsonReply(renderAccount(a, ctx_.urls), ctx_.urls.account(id));
    r.subject = id;
    return r;
  }

  Outcome<AcmeReply> accountOrders(const std::string& url, const std::string& body, const std::string& id) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    if (v.account->row.id != id) return refuse(AcmeProblem::Unauthorized, "the account URL is not the signer's");
    auto rows = store_.children(AcmeTable::Order, ctx_.provisioner, id);
    if (!rows.ok()) return fromError(std::move(rows).error());
    json list = json::array();
    for (const auto& row : *rows) list.push_back(ctx_.urls.order(row.id));
    return jsonReply({{"orders", list}});
  }

  // §7.3.5: the outer JWS by the account, the inner by the new key.
  Outcome<AcmeReply> keyChange(const std::string& url, const std::string& body) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    Account a = *v.account;
    auto inner = jose::parseFlattened(asString(v.payloadBytes));
    if (!inner.ok()) return refuse(AcmeProblem::Malformed, "keyChange: the inner JWS: " + inner.error().message);
    const json& ih = inner->header;
    if (!ih.contains("jwk") || ih.contains("kid") || ih.contains("nonce"))
      return refuse(AcmeProblem::Malformed, "keyChange: the inner JWS carries the new jwk, and no kid or nonce");
    if (!ih.contains("url") || ih["url"] != url)
      return refuse(AcmeProblem::Unauthorized, "keyChange: the inner JWS url is not this request's URL");
    auto key = jose::parseJwk(ih["jwk"]);
    if (!key.ok()) return refuse(AcmeProblem::BadPublicKey, key.error().message);
    if (!jose::verifyCompact(*inner, key->key, kAlgorithms).ok())
      return refuse(AcmeProblem::Malformed, "keyChange: the inner JWS signature does not verify");
    const json& p = inner->payload;
    if (!p.is_object() || p.value("account", "") != ctx_.urls.account(a.row.id) || !p.contains("oldKey"))
      return refuse(AcmeProblem::Malformed, "keyChange: the inner payload names the account and its old key");
    ACME_TRY(std::string oldThumb, thumbprintOf(p["oldKey"]));
    if (oldThumb != a.row.lookupKey)
      return refuse(AcmeProblem::Unauthorized, "keyChange: oldKey is not the account's key");
    ACME_TRY(std::string newThumb, thumbprintOf(ih["jwk"]));
    auto taken = store_.findByLookupKey(AcmeTable::Account, ctx_.provisioner, newThumb);
    if (!taken.ok()) return fromError(std::move(taken).error());
    if (taken->has_value()) return refuse(AcmeProblem::Malformed, "keyChange: the new key belongs to an account");
    a.key = ih["jwk"];
    a.row.lookupKey = newThumb;
    a.row.updatedAt = ctx_.now;
    if (Status st = store_.update(toRow(a), "valid"); !st.ok()) return fromError(st.error());
    return jsonReply(renderAccount(a, ctx_.urls), ctx_.urls.account(a.row.id));
  }

  Outcome<AcmeReply> newOrder(const std::string& url, const std::string& body) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    if (!v.payload.is_object()) return refuse(AcmeProblem::Malformed, "newOrder needs a payload");
    ACME_TRY(std::vector<std::string> names, orderNames(v.payload, *ctx_.config));
    const std::string& accountId = v.account->row.id;
    Order order;
    ACME_TRY(std::string orderId, h_.newId());
    order.row = AcmeRow{AcmeTable::Order, orderId, ctx_.provisioner, accountId, accountId, "pending", "", "", ctx_.now};
    order.names = names;
    order.expires = ctx_.now + kOrderLifetime;
    std::vector<AcmeRow> rows;
    for (const std::string& name : names) {
      Authorization authz;
      ACME_TRY(std::string authzId, h_.newId());
      authz.row =
          AcmeRow{AcmeTable::Authorization, authzId, ctx_.provisioner, accountId, orderId, "pending", "", "", ctx_.now};
      authz.name = name;
      authz.expires = order.expires;
      for (const char* type : kChallengeTypes) {
        Challenge c;
        ACME_TRY(std::string challengeId, h_.newId());
        ACME_TRY(c.token, h_.newId());
        c.row = AcmeRow{
            AcmeTable::Challenge, challengeId, ctx_.provisioner, accountId, authzId, "pending", "", "", ctx_.now};
        c.type = type;
        c.name = name;
        c.orderId = orderId;
        authz.challengeIds.push_back(challengeId);
        rows.push_back(toRow(c));
      }
      order.authzIds.push_back(authzId);
      rows.push_back(toRow(authz));
    }
    rows.insert(rows.begin(), toRow(order));
    Status st = store_.insert(rows);
    if (!st.ok()) return fromError(st.error());
    AcmeReply r = jsonReply(renderOrder(order, ctx_.urls), ctx_.urls.order(orderId), true);
    r.subject = accountId;
    return r;
  }

  Outcome<AcmeReply> order(const std::string& url, const std::string& body, const std::string& id) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    ACME_TRY(Order o, h_.load(AcmeTable::Order, id, &orderFrom, v));
    return jsonReply(renderOrder(o, ctx_.urls), ctx_.urls.order(id));
  }

  Outcome<AcmeReply> authz(const std::string& url, const std::string& body, const std::string& id) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    ACME_TRY(Authorization a, h_.load(AcmeTable::Authorization, id, &authorizationFrom, v));
    if (v.payload.is_object() && v.payload.contains("status")) {
      if (v.payload["status"] != "deactivated")
        return refuse(AcmeProblem::Malformed, "an authorization can only be deactivated");
      std::string before = a.row.status;
      if (before != "pending" && before != "valid")
        return refuse(AcmeProblem::Malformed, "the authorization is " + before);
      a.row.status = "deactivated";
      a.row.updatedAt = ctx_.now;
      if (Status st = store_.update(toRow(a), before); !st.ok()) return fromError(st.error());
    }
    ACME_TRY(std::vector<Challenge> challenges, challengesOf(a.row.id));
    return jsonReply(renderAuthorization(a, challenges, ctx_.urls));
  }

  // §7.5.1: a payload of {} asks the CA to validate; an empty one reads.
  Outcome<AcmeReply> challenge(const std::string& url, const std::string& body, const std::string& id) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    ACME_TRY(Challenge c, h_.load(AcmeTable::Challenge, id, &challengeFrom, v));
    if (v.payload.is_object() && c.row.status == "pending") {
      ACME_TRY(Authorization a, h_.load(AcmeTable::Authorization, c.row.parentId, &authorizationFrom, v));
      if (a.row.status != "pending") return refuse(AcmeProblem::Malformed, "the authorization is " + a.row.status);
      if (a.expires < ctx_.now) return refuse(AcmeProblem::Malformed, "the authorization has expired");
      c.row.status = "processing";
      c.row.updatedAt = ctx_.now;
      if (Status st = store_.update(toRow(c), "pending"); !st.ok()) return fromError(st.error());
      if (!startValidation_(c.row.id)) {
        c.row.status = "pending";
        if (Status st = store_.update(toRow(c), "processing"); !st.ok())
          log_("acme: challenge " + c.row.id + ": the validator is busy and moving the challenge back to pending " +
               "failed (" + st.error().message + "): it stays processing");
        AcmeReply busy = refusalReply(refuse(AcmeProblem::RateLimited, "the validator is busy; retry later"));
        busy.retryAfterSeconds = 1;
        return busy;
      }
    }
    AcmeReply r = jsonReply(renderChallenge(c, ctx_.urls));
    r.links.emplace_back(ctx_.urls.authz(c.row.parentId), "up");
    return r;
  }

  Outcome<AcmeReply> finalize(const std::string& url, const std::string& body, const std::string& id) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    ACME_TRY(Order o, h_.load(AcmeTable::Order, id, &orderFrom, v));
    if (o.row.status != "ready") return refuse(AcmeProblem::OrderNotReady, "the order is " + o.row.status);
    if (!v.payload.is_object()) return refuse(AcmeProblem::Malformed, "finalize needs a payload");
    ACME_TRY(x509::RequestContents csr, checkCsr(v.payload, o));
    // Drawn before the order moves: failing here leaves it "ready".
    ACME_TRY(std::string certId, h_.newId());
    o.row.status = "processing";
    o.row.updatedAt = ctx_.now;
    if (!store_.update(toRow(o), "ready").ok())
      return refuse(AcmeProblem::OrderNotReady, "the order is being finalized already");
    auto issued = issuer_.issue({std::move(csr), o.names, ctx_.config->validitySeconds, ctx_.now, ctx_.provisioner});
    if (!issued.ok()) return issueFailed(std::move(o), std::move(issued).error());
    IssuedCertificate cert;
    cert.row = AcmeRow{AcmeTable::Certificate, certId, ctx_.provisioner, v.account->row.id, o.row.id, "valid",
                       issued->serialHex,      "",     ctx_.now};
    cert.chainPem = issued->chainPem;
    cert.serialHex = issued->serialHex;
    cert.notAfter = issued->notAfter;
    o.row.status = "valid";
    o.certificateId = certId;
    if (Status st = store_.completeOrder(toRow(o), "processing", toRow(cert)); !st.ok())
      return completionFailed(std::move(o), cert, st.error());
    return validOrderReply(o);
  }

  Outcome<AcmeReply> certificate(const std::string& url, const std::string& body, const std::string& id) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Kid));
    ACME_TRY(IssuedCertificate c, h_.load(AcmeTable::Certificate, id, &certificateFrom, v));
    AcmeReply r;
    r.kind = AcmeReply::Body::PemChain;
    r.body = c.chainPem;
    return r;
  }

  // §7.6: by the account that ordered it, or signed by the certificate's key.
  Outcome<AcmeReply> revokeCert(const std::string& url, const std::string& body) {
    ACME_TRY(Verified v, h_.verify(url, body, KeyBy::Either));
    if (!v.payload.is_object() || !v.payload.contains("certificate") || !v.payload["certificate"].is_string())
      return refuse(AcmeProblem::Malformed, "revokeCert needs the certificate");
    auto der = jose::decodeBase64UrlStrict(v.payload["certificate"].get<std::string>(), "certificate");
    if (!der.ok()) return refuse(AcmeProblem::Malformed, "the certificate is not base64url");
    auto cert = x509::certificateFromPemOrDer(asString(*der));
    if (!cert.ok()) return refuse(AcmeProblem::Malformed, "the certificate does not parse");
    auto serial = x509::serialToHex(X509_get0_serialNumber(cert->get()));
    if (!serial.ok()) return refuse(AcmeProblem::Malformed, "the certificate's serial does not parse");
    int reason = 0;
    if (auto it = v.payload.find("reason"); it != v.payload.end()) {
      if (!it->is_number_integer()) return refuse(AcmeProblem::BadRevocationReason, "reason must be an integer");
      reason = it->get<int>();
      if (reason < 0 || reason > 10 || reason == 7)
        return refuse(AcmeProblem::BadRevocationReason, "reason must be an RFC 5280 code (0-10, not 7)");
    }
    auto row = store_.findByLookupKey(AcmeTable::Certificate, ctx_.provisioner, *serial);
    if (!row.ok()) return fromError(std::move(row).error());
    if (!row->has_value()) return refuse(AcmeProblem::Unauthorized, "this ACME server did not issue the certificate");
    ACME_TRY(IssuedCertificate c, fromResult(certificateFrom(**row)));
    // The certificate sent must be the one issued, not one with its serial.
    auto issued = x509::certificatesFromPem(c.chainPem);
    if (!issued.ok() || issued->empty() || X509_cmp(issued->front().get(), cert->get()) != 0)
      return refuse(AcmeProblem::Unauthorized, "this ACME server did not issue the certificate");
    if (v.account) {
      if (v.account->row.id != c.row.accountId)
        return refuse(AcmeProblem::Unauthorized, "the certificate was ordered by another account");
    } else {
      auto signer = jose::parseJwk(v.jwk);
      auto certKey = PublicKey::fromEvp(X509_get0_pubkey(cert->get()));
      if (!signer.ok() || !certKey.ok() || !(signer->key == *certKey))
        return refuse(AcmeProblem::Unauthorized,
                      "the request is signed by neither the account nor the certificate's key");
    }
    if (c.row.status == "revoked") return refuse(AcmeProblem::AlreadyRevoked, "the certificate is revoked already");
    Status st = issuer_.revoke(c.serialHex, reason, ctx_.now);
    if (!st.ok()) return fromError(st.error());
    c.row.status = "revoked";
    c.revokedAt = ctx_.now;
    c.reason = reason;
    c.row.updatedAt = ctx_.now;
    Status updated = store_.update(toRow(c), "valid");
    if (!updated.ok() && updated.error().code == ErrorCode::AlreadyExists)
      return refuse(AcmeProblem::AlreadyRevoked, "the certificate is revoked already");
    if (!updated.ok()) return fromError(updated.error());
    AcmeReply r;
    r.kind = AcmeReply::Body::Empty;
    return r;
  }

 private:
  AcmeReply validOrderReply(const Order& o) {
    AcmeReply r = jsonReply(renderOrder(o, ctx_.urls), ctx_.urls.order(o.row.id));
    r.subject = o.row.accountId;
    return r;
  }

  // Nothing was signed: the order is invalid, and the CSR's fault when the
  // issuer says so. Otherwise (the token busy or away, the database) the
  // order says serverInternal, without the internal detail, which goes to
  // the log as every 5xx's does.
  Outcome<AcmeReply> issueFailed(Order o, Error error) {
    ErrorCode code = error.code;
    const bool csrAtFault = code == ErrorCode::InvalidArgument || code == ErrorCode::PermissionDenied ||
                            code == ErrorCode::Unsupported || code == ErrorCode::CryptoFailure;
    o.row.status = "invalid";
    o.error = csrAtFault ? problemJson("badCSR", error.message)
                         : problemJson("serverInternal", "the CA could not issue the certificate; place a new order");
    if (Status st = store_.update(toRow(o), "processing"); !st.ok())
      log_("acme: order " + o.row.id + ": issuing failed (" + error.message +
           ") and moving the order to invalid failed too (" + st.error().message + "): it stays processing");
    if (csrAtFault) return refuse(AcmeProblem::BadCsr, error.message);
    return fromError(std::move(error));
  }

  // The certificate is signed and in the X.509 record, but the store did
  // not take its ACME row and the valid order. An order left "processing"
  // is polled forever (RFC 8555 §7.1.6, §7.4); "invalid" with a
  // serverInternal error tells the client to give it up and order anew.
  // The certificate is never handed out; the log names its serial, which
  // `sshca pki revoke` takes.
  Outcome<AcmeReply> completionFailed(Order valid, const IssuedCertificate& cert, const Error& cause) {
    std::string what = "order " + valid.row.id + ": certificate serial " + cert.serialHex +
                       " is signed and recorded in the X.509 store, but recording it for ACME failed (" +
                       cause.message + ")";
    Order o = valid;
    o.row.status = "invalid";
    o.certificateId.clear();
    o.error = problemJson("serverInternal", "the CA could not record the issued certificate; place a new order");
    Status moved = store_.update(toRow(o), "processing");
    // Only this request moves a "processing" order on: if it is not
    // "processing" any more, the failure was reported of a transaction
    // that committed (a connection lost at COMMIT), and the order is valid.
    if (!moved.ok() && moved.error().code == ErrorCode::AlreadyExists && completedAfterAll(valid)) {
      log_("acme: " + what + "; the order turned out recorded as valid after all");
      return validOrderReply(valid);
    }
    if (moved.ok()) {
      what += "; the order is now invalid and the certificate was never handed out";
    } else {
      what += "; moving the order to invalid failed too (" + moved.error().message + "): it stays processing";
    }
    log_("acme: " + what);
    return refuse(AcmeProblem::ServerInternal, what);
  }

  bool completedAfterAll(const Order& valid) {
    auto stored = findObject(store_, AcmeTable::Order, ctx_.provisioner, valid.row.id, &orderFrom);
    return stored.ok() && stored->row.status == "valid" && stored->certificateId == valid.certificateId;
  }

  Outcome<std::vector<Challenge>> challengesOf(const std::string& authzId) {
    auto rows = store_.children(AcmeTable::Challenge, ctx_.provisioner, authzId);
    if (!rows.ok()) return fromError(std::move(rows).error());
    std::vector<Challenge> out;
    for (auto& row : *rows) {
      ACME_TRY(Challenge c, fromResult(challengeFrom(std::move(row))));
      out.push_back(std::move(c));
    }
    return out;
  }

  static Outcome<json> contacts(const json& c) {
    if (!c.is_array() || c.size() > 10) return refuse(AcmeProblem::Malformed, "contact is a list of at most 10 URLs");
    for (const auto& u : c) {
      if (!u.is_string() || u.get<std::string>().rfind("mailto:", 0) != 0 || u.get<std::string>().size() > 320)
        return refuse(AcmeProblem::Malformed, "each contact is a mailto: URL");
    }
    return c;
  }

  Outcome<std::string> checkEab(const json& eab, const json& accountJwk);

  Handler& h_;
  const AcmeServer::Context& ctx_;
  store::AcmeStore& store_;
  TlsIssuer& issuer_;
  std::function<bool(const std::string&)> startValidation_;
  const AcmeLog& log_;  // borrowed: the server's
};

}  // namespace

namespace {

Outcome<std::string> Operations::checkEab(const json& eab, const json& accountJwk) {
  auto kid = jose::verifyExternalAccountBinding(eab, ctx_.config->eabKeys, accountJwk, ctx_.urls.base + "/new-account");
  if (!kid.ok()) return refuse(AcmeProblem::Unauthorized, kid.error().message);
  return std::move(kid).value();
}

}  // namespace

Result<std::unique_ptr<AcmeServer>> AcmeServer::create(AcmeServerParts parts) {
  if (!parts.store || !parts.issuer || parts.caUrl.empty())
    return makeError(ErrorCode::InvalidArgument, "the ACME server needs a store, an issuer and the CA's URL");
  if (!parts.clock) parts.clock = systemSeconds;
  if (!parts.validate) parts.validate = validateChallenge;
  if (!parts.log) parts.log = logToStderr;
  if (parts.validationThreads == 0) parts.validationThreads = 1;
  return std::unique_ptr<AcmeServer>(new AcmeServer(std::move(parts)));
}

AcmeServer::AcmeServer(AcmeServerParts parts)
    : parts_(std::move(parts)),
      rng_(parts_.rng != nullptr ? *parts_.rng : systemRandom()),
      queue_(std::make_unique<ValidationQueue>(parts_.validationThreads, 256)) {}

AcmeServer::~AcmeServer() { queue_.reset(); }

namespace {

// The context of a request to `provisioner`, or null when it names none.
std::optional<AcmeServer::Context> contextFor(const std::map<std::string, config::AcmeConfig>& provisioners,
                                              const std::string& caUrl, const std::string& provisioner, int64_t now) {
  auto it = provisioners.find(provisioner);
  if (it == provisioners.end()) return std::nullopt;
  return AcmeServer::Context{provisioner, &it->second, AcmeUrls{caUrl + "/acme/" + provisioner}, now};
}

AcmeReply noSuchProvisioner() {
  return refusalReply(refuse(AcmeProblem::NotFound, "no ACME provisioner by this name"));
}

// Every reply carries a fresh nonce and the directory link (§6.5, §7.1).
void finish(AcmeReply& reply, const AcmeServer::Context& ctx, RandomSource& rng, store::AcmeStore& store) {
  auto nonce = rng.bytes(16);
  if (nonce.ok()) {
    std::string n = base64UrlEncode(*nonce);
    if (store.addNonce(n, ctx.now + kNonceLifetime).ok()) reply.nonce = n;
  }
  reply.links.emplace_back(ctx.urls.directory(), "index");
}

}  // namespace

api::AcmeReply AcmeServer::directory(const std::string& provisioner) {
  auto ctx = contextFor(parts_.provisioners, parts_.caUrl, provisioner, parts_.clock());
  if (!ctx) return noSuchProvisioner();
  const std::string& b = ctx->urls.base;
  json dir = {{"newNonce", b + "/new-nonce"},   {"newAccount", b + "/new-account"},
              {"newOrder", b + "/new-order"},   {"revokeCert", b + "/revoke-cert"},
              {"keyChange", b + "/key-change"}, {"meta", {{"externalAccountRequired", ctx->config->requireEab}}}};
  return jsonReply(dir);
}

api::AcmeReply AcmeServer::newNonce(const std::string& provisioner) {
  auto ctx = contextFor(parts_.provisioners, parts_.caUrl, provisioner, parts_.clock());
  if (!ctx) return noSuchProvisioner();
  AcmeReply r;
  r.kind = AcmeReply::Body::Empty;
  finish(r, *ctx, rng_, *parts_.store);
  if (r.nonce.empty()) return refusalReply(refuse(AcmeProblem::ServerInternal, "cannot record a nonce"));
  return r;
}

api::AcmeReply AcmeServer::post(const api::AcmePost& request) {
  auto ctx = contextFor(parts_.provisioners, parts_.caUrl, request.provisioner, parts_.clock());
  if (!ctx) return noSuchProvisioner();
  const auto& res = request.resource;
  std::string url = ctx->urls.base + joinPath(res);
  Handler handler(*ctx, *parts_.store, rng_);
  std::string provisioner = request.provisioner;
  Operations ops(
      handler, *parts_.issuer,
      [this, provisioner](const std::string& challengeId) {
        return queue_->submit([this, provisioner, challengeId] { runValidation(provisioner, challengeId); });
      },
      parts_.log);
  const std::string& body = request.body;
  AcmeReply reply = refusalReply(refuse(AcmeProblem::NotFound, "no such ACME resource"));
  if (res.size() == 1 && res[0] == "new-account") reply = settle(ops.newAccount(url, body));
  if (res.size() == 1 && res[0] == "new-order") reply = settle(ops.newOrder(url, body));
  if (res.size() == 1 && res[0] == "revoke-cert") reply = settle(ops.revokeCert(url, body));
  if (res.size() == 1 && res[0] == "key-change") reply = settle(ops.keyChange(url, body));
  if (res.size() == 2 && res[0] == "account") reply = settle(ops.account(url, body, res[1]));
  if (res.size() == 3 && res[0] == "account" && res[2] == "orders")
    reply = settle(ops.accountOrders(url, body, res[1]));
  if (res.size() == 2 && res[0] == "order") reply = settle(ops.order(url, body, res[1]));
  if (res.size() == 3 && res[0] == "order" && res[2] == "finalize") reply = settle(ops.finalize(url, body, res[1]));
  if (res.size() == 2 && res[0] == "authz") reply = settle(ops.authz(url, body, res[1]));
  if (res.size() == 2 && res[0] == "challenge") reply = settle(ops.challenge(url, body, res[1]));
  if (res.size() == 2 && res[0] == "certificate") reply = settle(ops.certificate(url, body, res[1]));
  finish(reply, *ctx, rng_, *parts_.store);
  return reply;
}

Status AcmeServer::pruneNonces() { return parts_.store->pruneNonces(parts_.clock()); }

namespace {

// true when `row` moved from `expected`; false when another writer moved
// it first (another challenge of the authorization passed, the client
// deactivated it); else the store's failure, saying `what` was written.
Result<bool> moveFrom(store::AcmeStore& store, const AcmeRow& row, const std::string& expected, const char* what) {
  Status st = store.update(row, expected);
  if (st.ok()) return true;
  if (st.error().code == ErrorCode::AlreadyExists) return false;
  return std::move(st).error().context(what);
}

Status statusOf(Result<bool> moved) {
  if (!moved.ok()) return std::move(moved).error();
  return okStatus();
}

// The order, once its last authorization passed or one failed.
Status moveOrder(store::AcmeStore& store, const std::string& provisioner, const Challenge& c,
                 const ValidationOutcome& outcome, int64_t now) {
  auto order = findObject(store, AcmeTable::Order, provisioner, c.orderId, &orderFrom);
  if (!order.ok()) return std::move(order).error().context("reading its order");
  if (order->row.status != "pending") return okStatus();
  if (!outcome.ok) {
    order->row.status = "invalid";
    order->error = problemJson(outcome.problem, c.name + ": " + outcome.detail);
  } else {
    for (const auto& id : order->authzIds) {
      auto other = store.find(AcmeTable::Authorization, provisioner, id);
      if (!other.ok()) return std::move(other).error().context("reading the order's authorizations");
      if (other->status != "valid") return okStatus();  // the last one to pass moves the order
    }
    order->row.status = "ready";
  }
  order->row.updatedAt = now;
  return statusOf(moveFrom(store, toRow(*order), "pending", "updating its order"));
}

// A validation's result: the challenge, its authorization, then its order,
// each by compare-and-set from the state this code left it in; a lost one
// ends the work, as another writer moved the object on. The error says
// which step the store failed.
Status recordValidation(store::AcmeStore& store, const std::string& provisioner, Challenge c,
                        const ValidationOutcome& outcome, int64_t now) {
  c.row.status = outcome.ok ? "valid" : "invalid";
  c.row.updatedAt = now;
  if (outcome.ok) c.validated = now;
  if (!outcome.ok) c.error = problemJson(outcome.problem, outcome.detail);
  SSHCA_ASSIGN_OR_RETURN(bool moved, moveFrom(store, toRow(c), "processing", "updating the challenge"));
  if (!moved) return okStatus();
  auto authz = findObject(store, AcmeTable::Authorization, provisioner, c.row.parentId, &authorizationFrom);
  if (!authz.ok()) return std::move(authz).error().context("reading its authorization");
  authz->row.status = c.row.status;
  authz->row.updatedAt = now;
  SSHCA_ASSIGN_OR_RETURN(moved, moveFrom(store, toRow(*authz), "pending", "updating its authorization"));
  if (!moved) return okStatus();
  return moveOrder(store, provisioner, c, outcome, now);
}

// After the store failed to take a validation's result: whichever of the
// challenge ("processing"), its authorization and its order ("pending")
// still waits is moved to "invalid" with a serverInternal error, so that
// no client polls it forever (RFC 8555 §7.1.6: an error while an
// authorization is pending makes it invalid). Every step is tried; the
// error is the first that failed.
Status abandonValidation(store::AcmeStore& store, const std::string& provisioner, Challenge c, int64_t now) {
  const std::string detail = "the CA could not record the validation result";
  Status first = okStatus();
  auto keep = [&first](Status st) {
    if (first.ok() && !st.ok()) first = std::move(st);
  };
  c.row.status = "invalid";
  c.row.updatedAt = now;
  c.validated = 0;
  c.error = problemJson("serverInternal", detail);
  keep(statusOf(moveFrom(store, toRow(c), "processing", "updating the challenge")));
  auto authz = findObject(store, AcmeTable::Authorization, provisioner, c.row.parentId, &authorizationFrom);
  if (!authz.ok()) keep(std::move(authz).error().context("reading its authorization"));
  if (authz.ok() && authz->row.status == "pending") {
    authz->row.status = "invalid";
    authz->row.updatedAt = now;
    keep(statusOf(moveFrom(store, toRow(*authz), "pending", "updating its authorization")));
  }
  auto order = findObject(store, AcmeTable::Order, provisioner, c.orderId, &orderFrom);
  if (!order.ok()) keep(std::move(order).error().context("reading its order"));
  if (order.ok() && order->row.status == "pending") {
    order->row.status = "invalid";
    order->row.updatedAt = now;
    order->error = problemJson("serverInternal", c.name + ": " + detail);
    keep(statusOf(moveFrom(store, toRow(*order), "pending", "updating its order")));
  }
  return first;
}

void abandonAndLog(store::AcmeStore& store, const AcmeLog& log, const std::string& provisioner, const Challenge& c,
                   const Error& cause, int64_t now) {
  std::string line = "acme: challenge " + c.row.id + ": recording the validation result failed (" + cause.message + ")";
  Status abandoned = abandonValidation(store, provisioner, c, now);
  if (abandoned.ok()) {
    line +=
        "; whatever of the challenge, its authorization and its order was still processing or pending is "
        "invalid now";
  } else {
    line += "; moving them to invalid failed too (" + abandoned.error().message +
            "): a client may poll them until it gives up";
  }
  log(line);
}

}  // namespace

// On a validation thread: check, then record the result. A store failure
// is logged and the objects the client polls are abandoned ("invalid").
void AcmeServer::runValidation(const std::string& provisioner, const std::string& challengeId) {
  store::AcmeStore& store = *parts_.store;
  auto cfg = parts_.provisioners.find(provisioner);
  if (cfg == parts_.provisioners.end()) return;
  auto c = findObject(store, AcmeTable::Challenge, provisioner, challengeId, &challengeFrom);
  if (!c.ok()) {
    parts_.log("acme: challenge " + challengeId + ": reading it to validate failed (" + c.error().message +
               "): it stays processing");
    return;
  }
  if (c->row.status != "processing") return;
  auto account = findObject(store, AcmeTable::Account, provisioner, c->row.accountId, &accountFrom);
  if (!account.ok()) {
    abandonAndLog(store, parts_.log, provisioner, *c, account.error().context("reading its account"), parts_.clock());
    return;
  }
  const config::AcmeConfig& config = cfg->second;
  ValidationSettings settings{config.httpPort, config.tlsPort, config.dnsResolver, config.validationTimeoutMs,
                              config.maxResponseBytes};
  ValidationTarget target{c->type, c->name, c->token, c->token + "." + account->row.lookupKey};
  ValidationOutcome outcome = parts_.validate(target, settings);
  int64_t now = parts_.clock();
  if (Status recorded = recordValidation(store, provisioner, *c, outcome, now); !recorded.ok())
    abandonAndLog(store, parts_.log, provisioner, *c, recorded.error(), now);
}

}  // namespace sshca::acme
