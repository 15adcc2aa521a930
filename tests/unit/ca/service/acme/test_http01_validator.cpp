// The http-01 check (RFC 8555 §8.3) against a real HTTP server on
// loopback: the key authorization passes (trailing whitespace allowed); a
// wrong answer, a redirect (even to the right answer) and an answer padded
// past the response cap are refused, and the redirect's target is never
// fetched.
#include <httplib.h>

#include <atomic>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "ca/service/acme/acme_validator.h"

using namespace sshca;

namespace {

constexpr const char* kThumbprint = "thumbprint";

std::string keyAuthorization(const std::string& token) { return token + "." + kThumbprint; }

// Answers under /.well-known/acme-challenge/ as each case needs.
struct ChallengeServer {
  httplib::Server server;
  std::thread thread;
  std::atomic<int> redirectTargetFetched{0};
  int port = 0;

  ChallengeServer() {
    const std::string dir = "/.well-known/acme-challenge/";
    server.Get(dir + "right", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(keyAuthorization("right") + "\r\n", "text/plain");
    });
    server.Get(dir + "wrong", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(keyAuthorization("other"), "text/plain");
    });
    server.Get(dir + "moved",
               [dir](const httplib::Request&, httplib::Response& res) { res.set_redirect(dir + "moved-target"); });
    server.Get(dir + "moved-target", [this](const httplib::Request&, httplib::Response& res) {
      ++redirectTargetFetched;
      res.set_content(keyAuthorization("moved"), "text/plain");
    });
    // The right answer, then whitespace (which the check trims) past the cap.
    server.Get(dir + "padded", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(keyAuthorization("padded") + std::string(16 * 1024, ' '), "text/plain");
    });
    port = server.bind_to_any_port("127.0.0.1");  // listening from here on
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
  }

  ~ChallengeServer() {
    server.stop();
    thread.join();
  }

  acme::ValidationOutcome check(const std::string& token) const {
    acme::ValidationSettings settings;
    settings.httpPort = port;
    settings.timeoutMs = 30'000;  // generous: the answer is local
    settings.maxResponseBytes = 8 * 1024;
    return acme::validateHttp01({"http-01", "127.0.0.1", token, keyAuthorization(token)}, settings);
  }
};

}  // namespace

TEST_CASE("ACME http-01: the key authorization passes and a wrong or redirected or oversized answer is refused") {
  ChallengeServer s;

  auto right = s.check("right");
  CHECK(right.ok);

  auto wrong = s.check("wrong");
  CHECK_FALSE(wrong.ok);
  CHECK(wrong.problem == "incorrectResponse");

  auto moved = s.check("moved");
  CHECK_FALSE(moved.ok);
  CHECK(moved.problem == "incorrectResponse");
  CHECK(moved.detail.find("302") != std::string::npos);
  CHECK(s.redirectTargetFetched == 0);

  auto padded = s.check("padded");
  CHECK_FALSE(padded.ok);
  CHECK(padded.problem == "incorrectResponse");
  CHECK(padded.detail.find("exceeds") != std::string::npos);
}
