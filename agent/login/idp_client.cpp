#include "agent/login/idp_client.h"

#include <httplib.h>

#include "agent/ca_client/bounded_response.h"
#include "agent/ca_client/https_url.h"

namespace sshca::agent {
namespace {

constexpr time_t kTimeoutSeconds = 30;

Result<HttpsUrl> checked(const std::string& url) { return HttpsUrl::parse(url, HttpsUrl::PlainHttp::LoopbackOnly); }

httplib::Client makeClient(const HttpsUrl& u) {
  httplib::Client client(u.origin());
  client.set_connection_timeout(kTimeoutSeconds, 0);
  client.set_read_timeout(kTimeoutSeconds, 0);
  client.set_tcp_nodelay(true);
  client.enable_server_certificate_verification(true);  // system trust store for https
  return client;
}

Result<nlohmann::json> parseObject(const std::string& url, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return makeError(ErrorCode::Unavailable, url + " did not answer with a JSON object");
  return j;
}

// The identity provider is not the CA: say so, so that nobody restarts the
// CA for an outage of the provider.
std::string idpHint(httplib::Error error) {
  if (error == httplib::Error::Connection)
    return ": the identity provider does not answer (is it up, and reachable from here?); the CA is not involved yet";
  if (error == httplib::Error::SSLServerVerification)
    return ": the identity provider's TLS certificate did not verify against this machine's trust store";
  return "";
}

}  // namespace

Status checkIdpUrl(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(HttpsUrl u, checked(url));
  (void)u;
  return okStatus();
}

Result<nlohmann::json> idpGetJson(const std::string& url) {
  SSHCA_ASSIGN_OR_RETURN(HttpsUrl u, checked(url));
  httplib::Client client = makeClient(u);
  httplib::Request req;
  req.method = "GET";
  req.path = u.path;
  SSHCA_ASSIGN_OR_RETURN(BoundedResponse res,
                         sendBounded(client, std::move(req), kJsonAnswerLimits, "GET " + url, idpHint));
  if (res.status != 200)
    return makeError(ErrorCode::Unavailable, "GET " + url + ": HTTP status " + std::to_string(res.status));
  return parseObject(url, res.body);
}

Result<IdpReply> idpPostForm(const std::string& url, const FormFields& fields, const std::string& authorization) {
  SSHCA_ASSIGN_OR_RETURN(HttpsUrl u, checked(url));
  httplib::Client client = makeClient(u);
  httplib::Params params;
  for (const auto& [k, v] : fields) params.emplace(k, v);
  httplib::Request req;
  req.method = "POST";
  req.path = u.path;
  req.body = httplib::detail::params_to_query_str(params);
  req.set_header("Content-Type", "application/x-www-form-urlencoded");
  if (!authorization.empty()) req.set_header("Authorization", authorization);
  SSHCA_ASSIGN_OR_RETURN(BoundedResponse res,
                         sendBounded(client, std::move(req), kJsonAnswerLimits, "POST " + url, idpHint));
  SSHCA_ASSIGN_OR_RETURN(nlohmann::json body, parseObject(url, res.body));
  return IdpReply{res.status, std::move(body)};
}

std::string oauthErrorText(const IdpReply& reply) {
  std::string text = "HTTP status " + std::to_string(reply.status);
  if (reply.body.contains("error") && reply.body["error"].is_string()) text = reply.body["error"].get<std::string>();
  if (reply.body.contains("error_description") && reply.body["error_description"].is_string())
    text += " (" + reply.body["error_description"].get<std::string>() + ")";
  return text;
}

}  // namespace sshca::agent
