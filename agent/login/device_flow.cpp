#include "agent/login/device_flow.h"

#include <algorithm>
#include <thread>

#include "agent/login/idp_client.h"

namespace sshca::agent {
namespace {

constexpr int64_t kDefaultIntervalSeconds = 5;  // RFC 8628 §3.2
constexpr int64_t kSlowDownStepSeconds = 5;     // RFC 8628 §3.5
constexpr int64_t kMaxWaitSeconds = 30 * 60;    // whatever the provider says

struct DeviceCode {
  std::string deviceCode;
  std::string userCode;
  std::string verificationUri;
  std::string verificationUriComplete;
  int64_t expiresIn = 0;
  int64_t interval = kDefaultIntervalSeconds;
};

std::string str(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t num(const nlohmann::json& j, const char* name, int64_t fallback) {
  auto it = j.find(name);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : fallback;
}

Result<DeviceCode> requestCode(const OidcEndpoints& idp, const DeviceFlowOptions& o) {
  if (idp.deviceAuthorization.empty())
    return makeError(ErrorCode::Unavailable, idp.issuer + " offers no device authorization endpoint; use --browser");
  SSHCA_ASSIGN_OR_RETURN(IdpReply reply, o.client.post(idp.deviceAuthorization, {{"scope", o.scope}}));
  if (reply.status != 200)
    return makeError(ErrorCode::Unauthenticated, "the provider refused the device login: " + oauthErrorText(reply));
  DeviceCode c{
      str(reply.body, "device_code"),      str(reply.body, "user_code"),
      str(reply.body, "verification_uri"), str(reply.body, "verification_uri_complete"),
      num(reply.body, "expires_in", 600),  std::max<int64_t>(1, num(reply.body, "interval", kDefaultIntervalSeconds))};
  if (c.deviceCode.empty() || c.userCode.empty() || c.verificationUri.empty())
    return makeError(ErrorCode::Unavailable,
                     "the provider's device authorization answer lacks device_code, "
                     "user_code or verification_uri");
  return c;
}

void prompt(const DeviceCode& c, std::ostream& out) {
  out << "To sign in, open " << c.verificationUri << " and enter the code " << c.userCode << "\n";
  if (!c.verificationUriComplete.empty())
    out << "or open this link, which carries the code:\n" << c.verificationUriComplete << "\n";
  out << "Waiting for the sign-in (the code expires in " << c.expiresIn / 60 << " min)..." << std::endl;
}

// What one poll of the token endpoint said: the ID token, or keep waiting
// (longer after slow_down), or the code expired. Errors end the login.
struct PollAnswer {
  std::string idToken;
  bool slowDown = false;
  bool expired = false;
};

Result<PollAnswer> poll(const OidcEndpoints& idp, const DeviceFlowOptions& o, const DeviceCode& code) {
  SSHCA_ASSIGN_OR_RETURN(IdpReply reply,
                         o.client.post(idp.token, {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                                   {"device_code", code.deviceCode}}));
  if (reply.status == 200) {
    std::string idToken = str(reply.body, "id_token");
    if (idToken.empty()) return makeError(ErrorCode::Unavailable, "the provider returned no id_token (scope openid?)");
    return PollAnswer{idToken};
  }
  std::string error = str(reply.body, "error");
  if (error == "authorization_pending") return PollAnswer{};
  if (error == "slow_down") return PollAnswer{{}, true};
  if (error == "expired_token") return PollAnswer{{}, false, true};
  if (error == "access_denied")  // RFC 8628 §3.5: the person said no; keep the provider's reason
    return makeError(ErrorCode::PermissionDenied, "the provider refused the sign-in: " + oauthErrorText(reply));
  return makeError(ErrorCode::Unauthenticated, "the provider refused the device login: " + oauthErrorText(reply));
}

}  // namespace

Result<std::string> runDeviceFlow(const OidcEndpoints& idp, const DeviceFlowOptions& o, std::ostream& out) {
  SSHCA_ASSIGN_OR_RETURN(DeviceCode code, requestCode(idp, o));
  prompt(code, out);
  auto sleep = o.sleep ? o.sleep : [](std::chrono::seconds s) { std::this_thread::sleep_for(s); };
  const int64_t limit = std::min(code.expiresIn, kMaxWaitSeconds);
  for (int64_t interval = code.interval, waited = 0; waited < limit;) {
    sleep(std::chrono::seconds(interval));
    waited += interval;
    SSHCA_ASSIGN_OR_RETURN(PollAnswer answer, poll(idp, o, code));
    if (!answer.idToken.empty()) return answer.idToken;
    if (answer.expired) break;
    if (answer.slowDown) {
      interval += kSlowDownStepSeconds;
      out << "The provider asked to poll more slowly: now every " << interval << " s" << std::endl;
    }
  }
  return makeError(ErrorCode::Unauthenticated,
                   "the code " + code.userCode + " expired before the sign-in finished; run login again");
}

}  // namespace sshca::agent
