#include "ca/service/provisioners/oidc_liboauth2.h"

extern "C" {
#include <jansson.h>

#include <oauth2/cfg.h>
#include <oauth2/http.h>
#include <oauth2/log.h>
#include <oauth2/mem.h>
#include <oauth2/oauth2.h>
#include <oauth2/util.h>
}

#include <mutex>

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

struct HttpCtxFree {
  void operator()(oauth2_http_call_ctx_t* c) const { oauth2_http_call_ctx_free(quietLog(), c); }
};
struct OAuth2Free {
  void operator()(char* p) const { oauth2_mem_free(p); }
};

constexpr int kHttpTimeoutSeconds = 10;

}  // namespace

Result<std::string> oauth2HttpGet(const std::string& url) {
  std::unique_ptr<oauth2_http_call_ctx_t, HttpCtxFree> ctx(oauth2_http_call_ctx_init(quietLog()));
  if (!ctx) return makeError(ErrorCode::Internal, "liboauth2: cannot create an HTTP context");
  oauth2_http_call_ctx_timeout_set(quietLog(), ctx.get(), kHttpTimeoutSeconds);
  oauth2_http_call_ctx_ssl_verify_set(quietLog(), ctx.get(), true);
  char* raw = nullptr;
  oauth2_http_status_code_t status = 0;
  bool ok = oauth2_http_get(quietLog(), url.c_str(), nullptr, ctx.get(), &raw, &status);
  std::unique_ptr<char, OAuth2Free> body(raw);
  if (!ok) return makeError(ErrorCode::Unavailable, "GET " + url + " failed (not reachable)");
  if (status != 200)
    return makeError(ErrorCode::Unavailable, "GET " + url + " answered HTTP " + std::to_string(status));
  return std::string(body ? body.get() : "");
}

struct JwksVerifier::Impl {
  oauth2_cfg_token_verify_t* verify = nullptr;
  ~Impl() {
    if (verify) oauth2_cfg_token_verify_free(quietLog(), verify);
  }
};

JwksVerifier::JwksVerifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JwksVerifier::~JwksVerifier() = default;

Result<std::unique_ptr<JwksVerifier>> JwksVerifier::create(const std::string& jwksUri) {
  auto impl = std::make_unique<Impl>();
  // The JWKS stays cached (jwks_uri.expiry, 1 h) and is refetched when no
  // cached key verifies. exp, iat and iss are skipped here: oidc_id_token
  // checks them with the 60 s leeway liboauth2 would not give.
  char* err = oauth2_cfg_token_verify_add_options(
      quietLog(), &impl->verify, "jwks_uri", jwksUri.c_str(),
      "jwks_uri.ssl_verify=true&jwks_uri.expiry=3600&verify.exp=skip&verify.iat=skip&verify.iss=skip");
  if (err) {
    std::string why = err;
    oauth2_mem_free(err);
    return makeError(ErrorCode::InvalidArgument, "liboauth2 refused the JWKS URI " + jwksUri + ": " + why);
  }
  return std::unique_ptr<JwksVerifier>(new JwksVerifier(std::move(impl)));
}

Status JwksVerifier::verify(const std::string& compact) const {
  json_t* payload = nullptr;
  bool ok = oauth2_token_verify(quietLog(), nullptr, impl_->verify, compact.c_str(), &payload);
  if (payload) json_decref(payload);
  if (!ok)
    return makeError(ErrorCode::Unauthenticated,
                     "the ID token's signature does not verify with any key of the issuer's JWKS");
  return okStatus();
}

}  // namespace sshca::provisioners
