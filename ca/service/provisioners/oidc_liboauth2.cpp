#include "ca/service/provisioners/oidc_liboauth2.h"

extern "C" {
#include <jansson.h>

#include <oauth2/cfg.h>
#include <oauth2/log.h>
#include <oauth2/mem.h>
#include <oauth2/oauth2.h>
#include <oauth2/util.h>
}

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "ca/core/jose/json_object.h"

namespace sshca::provisioners {
namespace {

void discard(oauth2_log_sink_t*, const char*, unsigned long, const char*, oauth2_log_level_t, const char*) {}

// One process-wide liboauth2 log with a sink that drops everything (the
// library logs tokens at debug level; errors say nothing we cannot say).
oauth2_log_t* quietLog() {
  static oauth2_log_t* log = [] {
    oauth2_log_sink_t* sink = oauth2_log_sink_create(OAUTH2_LOG_ERROR, discard, nullptr);
    return oauth2_init(OAUTH2_LOG_ERROR, sink);
  }();
  return log;
}

struct OAuth2Free {
  void operator()(char* p) const { oauth2_mem_free(p); }
};
struct TokenVerifyFree {
  void operator()(oauth2_cfg_token_verify_t* v) const { oauth2_cfg_token_verify_free(quietLog(), v); }
};
using TokenVerify = std::unique_ptr<oauth2_cfg_token_verify_t, TokenVerifyFree>;

// For each key: signatures only; exp, iat and iss are skipped here:
// oidc_id_token checks them with the 60 s leeway liboauth2 would not give.
constexpr const char* kKeyOptions = "verify.exp=skip&verify.iat=skip&verify.iss=skip";

bool usableForSignatures(const nlohmann::json& key) {
  if (!key.is_object()) return false;
  auto use = key.find("use");
  return use == key.end() || (use->is_string() && use->get_ref<const std::string&>() == "sig");
}

}  // namespace

// One liboauth2 verifier per key, not one list of all: liboauth2 stops
// walking a list at an entry whose key it could not import, so one key of
// an unknown type would hide the keys after it.
struct JwksVerifier::Impl {
  std::vector<TokenVerify> keys;
};

JwksVerifier::JwksVerifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JwksVerifier::~JwksVerifier() = default;

Result<std::unique_ptr<JwksVerifier>> JwksVerifier::create(const std::string& jwks, const std::string& source) {
  auto doc = jose::parseJsonObject(jwks, "the JWKS at " + source);
  if (!doc.ok()) return makeError(ErrorCode::Unavailable, doc.error().message);
  auto keys = doc->find("keys");
  if (keys == doc->end() || !keys->is_array())
    return makeError(ErrorCode::Unavailable, "the JWKS at " + source + " has no \"keys\" array");
  auto impl = std::make_unique<Impl>();
  for (const auto& key : *keys) {
    if (impl->keys.size() == kMaxKeys) break;
    if (!usableForSignatures(key)) continue;
    auto text = jose::dumpJson(key, "a JWKS key");
    if (!text.ok()) continue;
    oauth2_cfg_token_verify_t* raw = nullptr;
    std::unique_ptr<char, OAuth2Free> err(
        oauth2_cfg_token_verify_add_options(quietLog(), &raw, "jwk", text->c_str(), kKeyOptions));
    TokenVerify one(raw);
    if (!err && one) impl->keys.push_back(std::move(one));  // else a key type liboauth2 cannot import
  }
  if (impl->keys.empty())
    return makeError(ErrorCode::Unavailable, "the JWKS at " + source + " holds no key usable for signatures");
  return std::unique_ptr<JwksVerifier>(new JwksVerifier(std::move(impl)));
}

Status JwksVerifier::verify(const std::string& compact) const {
  for (const auto& key : impl_->keys) {
    json_t* payload = nullptr;
    bool ok = oauth2_token_verify(quietLog(), nullptr, key.get(), compact.c_str(), &payload);
    if (payload) json_decref(payload);
    if (ok) return okStatus();
  }
  return makeError(ErrorCode::Unauthenticated,
                   "the ID token's signature does not verify with any key of the issuer's JWKS");
}

}  // namespace sshca::provisioners
