// sshca-agent's one URL parser (agent/ca_client/https_url.h): the CA's URL and the
// OpenID provider's endpoints.
#include <catch2/catch.hpp>

#include "agent/ca_client/https_url.h"

using sshca::agent::HttpsUrl;
using sshca::agent::isLoopbackHost;
using Plain = HttpsUrl::PlainHttp;

namespace {

HttpsUrl parsed(const std::string& url, Plain plain = Plain::Refused) {
  auto r = HttpsUrl::parse(url, plain);
  INFO(url << ": " << (r.ok() ? "" : r.error().message));
  REQUIRE(r.ok());
  return *r;
}

std::string refusal(const std::string& url, Plain plain = Plain::Refused) {
  auto r = HttpsUrl::parse(url, plain);
  INFO(url);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == sshca::ErrorCode::InvalidArgument);
  return r.error().message;
}

}  // namespace

TEST_CASE("HttpsUrlTakesHostPortAndPath", "[agent-url]") {
  HttpsUrl u = parsed("https://ca.example.com");
  CHECK(u.https);
  CHECK(u.host == "ca.example.com");
  CHECK(u.port == 443);
  CHECK(u.path == "/");
  CHECK(u.origin() == "https://ca.example.com:443");

  u = parsed("https://ca.example.com:8443/1.0/ssh/sign");
  CHECK(u.port == 8443);
  CHECK(u.path == "/1.0/ssh/sign");
}

TEST_CASE("HttpsUrlKeepsTheQueryAndDropsTheFragment", "[agent-url]") {
  CHECK(parsed("https://idp.example.com/auth?client_id=a&x=1#frag").path == "/auth?client_id=a&x=1");
  CHECK(parsed("https://idp.example.com?x=1").path == "/?x=1");
  CHECK(parsed("https://idp.example.com#frag").path == "/");
}

TEST_CASE("HttpsUrlTakesBracketedIpv6", "[agent-url]") {
  HttpsUrl u = parsed("https://[2001:db8::1]:8443/x");
  CHECK(u.host == "2001:db8::1");
  CHECK(u.port == 8443);
  CHECK(u.origin() == "https://[2001:db8::1]:8443");
  CHECK(parsed("https://[::1]").port == 443);
  CHECK_THAT(refusal("https://[::1/x"), Catch::Contains("bad IPv6 address"));
}

TEST_CASE("HttpsUrlRefusesOtherSchemesAndPlainHttp", "[agent-url]") {
  CHECK_THAT(refusal("ca.example.com"), Catch::Contains("is not a URL"));
  CHECK_THAT(refusal("ftp://ca.example.com"), Catch::Contains("must start with https://"));
  CHECK_THAT(refusal("http://ca.example.com"), Catch::Contains("must start with https://"));
  CHECK_THAT(refusal("http://127.0.0.1:8080"), Catch::Contains("must start with https://"));
}

TEST_CASE("HttpsUrlAllowsPlainHttpOnlyToLoopback", "[agent-url]") {
  HttpsUrl u = parsed("http://127.0.0.1:5556/.well-known/openid-configuration", Plain::LoopbackOnly);
  CHECK_FALSE(u.https);
  CHECK(u.port == 5556);
  CHECK(u.origin() == "http://127.0.0.1:5556");
  CHECK(parsed("http://localhost", Plain::LoopbackOnly).port == 80);
  CHECK(parsed("http://[::1]:9000", Plain::LoopbackOnly).host == "::1");
  CHECK(parsed("https://idp.example.com", Plain::LoopbackOnly).https);
  for (const char* url : {"http://idp.example.com", "http://10.0.0.1", "http://127.0.0.1.evil.example",
                          "http://localhost.evil.example", "http://[::2]"})
    CHECK_THAT(refusal(url, Plain::LoopbackOnly), Catch::Contains("allowed only to a loopback address"));
  CHECK_THAT(refusal("ws://127.0.0.1", Plain::LoopbackOnly), Catch::Contains("must be https"));
}

TEST_CASE("HttpsUrlRefusesBadPortsEmptyHostsAndUserNames", "[agent-url]") {
  for (const char* url : {"https://ca.example.com:0", "https://ca.example.com:65536",
                          "https://ca.example.com:", "https://ca.example.com:84x3", "https://ca.example.com:-1"})
    CHECK_THAT(refusal(url), Catch::Contains("bad port"));
  CHECK_THAT(refusal("https://"), Catch::Contains("no host"));
  CHECK_THAT(refusal("https:///path"), Catch::Contains("no host"));
  CHECK_THAT(refusal("https://:8443"), Catch::Contains("no host"));
  CHECK_THAT(refusal("https://ca.example.com@evil.example/"), Catch::Contains("user name"));
  CHECK_THAT(refusal("https://admin:secret@ca.example.com/"), Catch::Contains("user name"));
}

TEST_CASE("LoopbackHostsAreTheLoopbackNetworksAndLocalhost", "[agent-url]") {
  for (const char* host : {"localhost", "127.0.0.1", "127.255.0.9", "::1"}) CHECK(isLoopbackHost(host));
  for (const char* host : {"128.0.0.1", "0.0.0.0", "::", "example.com", "127.1", "0x7f.0.0.1", ""})
    CHECK_FALSE(isLoopbackHost(host));
}
