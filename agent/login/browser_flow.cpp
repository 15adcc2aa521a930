#include "agent/login/browser_flow.h"

#include <httplib.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "agent/login/idp_client.h"
#include "ca/core/common/bytes.h"
#include "ca/core/common/digest.h"
#include "ca/core/common/percent_encoding.h"
#include "ca/core/common/random.h"
#include "ca/core/jose/jws.h"

extern char** environ;

namespace sshca::agent {
namespace {

struct Pkce {
  std::string verifier;   // 43 characters of base64url (RFC 7636 §4.1)
  std::string challenge;  // BASE64URL(SHA256(verifier))
  std::string state;
  std::string nonce;
};

Result<Pkce> makePkce() {
  SSHCA_ASSIGN_OR_RETURN(Bytes v, systemRandom().bytes(32));
  SSHCA_ASSIGN_OR_RETURN(Bytes s, systemRandom().bytes(16));
  SSHCA_ASSIGN_OR_RETURN(Bytes n, systemRandom().bytes(16));
  Pkce p{base64UrlEncode(v), "", toHex(s), toHex(n)};
  std::string_view text = p.verifier;
  p.challenge = base64UrlEncode(sha256({reinterpret_cast<const uint8_t*>(text.data()), text.size()}));
  return p;
}

std::string authorizationUrl(const OidcEndpoints& idp, const BrowserFlowOptions& o, const Pkce& p,
                             const std::string& redirect) {
  std::string url = idp.authorization + (idp.authorization.find('?') == std::string::npos ? "?" : "&");
  const std::pair<const char*, std::string> params[] = {{"response_type", "code"},
                                                        {"client_id", o.client.clientId()},
                                                        {"redirect_uri", redirect},
                                                        {"scope", o.scope},
                                                        {"state", p.state},
                                                        {"nonce", p.nonce},
                                                        {"code_challenge", p.challenge},
                                                        {"code_challenge_method", "S256"}};
  bool first = true;
  for (const auto& [k, v] : params) {
    url += (first ? "" : "&") + std::string(k) + "=" + percentEncode(v);
    first = false;
  }
  return url;
}

// What the redirect brought back, judged once in the listener: the page
// shown in the browser and the login's result are the same decision. Only
// a redirect with this login's state decides (a code, or the provider's
// error). Anything else (another user of the machine who found the port, a
// stale tab of an earlier login) is refused in its browser and ignored: it
// must not be able to end this login.
struct Callback {
  std::string expectedState;
  std::mutex mu;
  std::condition_variable cv;
  bool arrived = false;
  int ignored = 0;  // redirects with another state
  Result<std::string> code = makeError(ErrorCode::Unauthenticated, "no redirect yet");

  // Whether the request was this login's redirect (and decided it).
  bool judge(const httplib::Request& req) {
    if (req.get_param_value("state") != expectedState) {
      ++ignored;
      return false;
    }
    std::string error = req.get_param_value("error");
    if (req.has_param("error_description")) error += " (" + req.get_param_value("error_description") + ")";
    if (!error.empty())
      code = makeError(ErrorCode::Unauthenticated, "the provider refused the sign-in: " + error);
    else
      code = req.get_param_value("code");
    arrived = true;
    return true;
  }
};

// The loopback listener, stopped and joined on every path out.
class RedirectListener {
 public:
  Result<int> start(Callback& cb) {
    server_.Get("/callback", [&cb](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(cb.mu);
        bool ours = !cb.arrived && cb.judge(req);
        res.set_content(ours && cb.code.ok() ? "<html><body>sshca: signed in. You can close this window.</body></html>"
                                             : "<html><body>sshca: sign-in refused; see the terminal.</body></html>",
                        "text/html");
      }
      cb.cv.notify_all();
    });
    int port = server_.bind_to_any_port("127.0.0.1");
    if (port <= 0) return makeError(ErrorCode::IoError, "cannot listen on 127.0.0.1 for the login redirect");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return port;
  }
  ~RedirectListener() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  httplib::Server server_;
  std::thread thread_;
};

// xdg-open when a display is set; the URL is printed either way. Not
// waited for here: xdg-open may stay until the browser is closed, and the
// login must go on as soon as the redirect arrives. A detached thread reaps
// it, so that it does not stay a zombie.
void openBrowser(const std::string& url) {
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) return;
  std::string prog = "xdg-open";
  char* argv[] = {prog.data(), const_cast<char*>(url.c_str()), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv, environ) == 0)
    std::thread([pid] { waitpid(pid, nullptr, 0); }).detach();
}

Result<std::string> exchange(const OidcEndpoints& idp, const BrowserFlowOptions& o, const Pkce& p,
                             const std::string& code, const std::string& redirect) {
  SSHCA_ASSIGN_OR_RETURN(IdpReply reply, o.client.post(idp.token, {{"grant_type", "authorization_code"},
                                                                   {"code", code},
                                                                   {"redirect_uri", redirect},
                                                                   {"code_verifier", p.verifier}}));
  if (reply.status != 200)
    return makeError(ErrorCode::Unauthenticated, "the provider refused the code: " + oauthErrorText(reply));
  auto it = reply.body.find("id_token");
  if (it == reply.body.end() || !it->is_string())
    return makeError(ErrorCode::Unavailable, "the provider returned no id_token");
  return it->get<std::string>();
}

// The CA verifies the token; the nonce is ours to check (it binds the token
// to this login, so a token injected into the redirect is refused).
Status checkNonce(const std::string& idToken, const std::string& nonce) {
  SSHCA_ASSIGN_OR_RETURN(jose::JwsParts parts, jose::parseCompact(idToken));
  auto it = parts.payload.find("nonce");
  if (it == parts.payload.end() || !it->is_string() || it->get<std::string>() != nonce)
    return makeError(ErrorCode::Unauthenticated, "the ID token does not carry this login's nonce");
  return okStatus();
}

}  // namespace

Result<std::string> runBrowserFlow(const OidcEndpoints& idp, const BrowserFlowOptions& o, std::ostream& out) {
  if (idp.authorization.empty())
    return makeError(ErrorCode::Unavailable, idp.issuer + " publishes no authorization_endpoint; use --device");
  SSHCA_ASSIGN_OR_RETURN(Pkce pkce, makePkce());
  Callback cb;
  cb.expectedState = pkce.state;
  RedirectListener listener;
  SSHCA_ASSIGN_OR_RETURN(int port, listener.start(cb));
  const std::string redirect = "http://127.0.0.1:" + std::to_string(port) + "/callback";
  const std::string url = authorizationUrl(idp, o, pkce, redirect);
  out << "To sign in, open this URL in a browser on this machine:\n" << url << std::endl;
  if (o.openBrowser) openBrowser(url);
  std::unique_lock lock(cb.mu);
  if (!cb.cv.wait_for(lock, std::chrono::seconds(o.timeoutSeconds), [&cb] { return cb.arrived; })) {
    std::string ignored = cb.ignored ? " (" + std::to_string(cb.ignored) +
                                           " redirect(s) whose state did not match this login were refused)"
                                     : "";
    return makeError(ErrorCode::Unauthenticated,
                     "no sign-in within " + std::to_string(o.timeoutSeconds) + " s" + ignored);
  }
  SSHCA_ASSIGN_OR_RETURN(std::string code, std::move(cb.code));
  SSHCA_ASSIGN_OR_RETURN(std::string idToken, exchange(idp, o, pkce, code, redirect));
  SSHCA_RETURN_IF_ERROR(checkNonce(idToken, pkce.nonce));
  return idToken;
}

}  // namespace sshca::agent
