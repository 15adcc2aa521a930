#include <catch2/catch.hpp>

#include "ca/service/api/request_parsing.h"

using namespace sshca;
using namespace sshca::api;

namespace {

const char* kToken = "eyJhbGciOiJFUzI1NiJ9.secret-claims.signature";

std::string signBody(const std::string& extra = "") {
  return std::string(R"({"publicKey":"AAECAw==","ott":")") + kToken + R"(")" + extra + "}";
}

// The error's message, which must name `field` and never quote the token.
std::string failureOf(const Result<SignSshRequest>& r) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::InvalidArgument);
  CHECK(r.error().message.find(kToken) == std::string::npos);
  return r.error().message;
}

}  // namespace

TEST_CASE("ParsesSignRequestWithEveryField", "[api]") {
  auto r = parseSignSshRequest(
      signBody(R"(,"certType":"host","keyID":"web1","principals":["web1","web1.example"],)"
               R"("validAfter":"-5m","validBefore":"2030-01-01T00:00:00Z","identityCSR":"ignored","x":{"y":1})"));
  REQUIRE(r.ok());
  CHECK(r->publicKey == Bytes{0, 1, 2, 3});
  CHECK(r->ott == kToken);
  CHECK(r->certType == ssh::CertType::Host);
  CHECK(r->keyId == "web1");
  CHECK(r->principals == std::vector<std::string>{"web1", "web1.example"});
  CHECK(r->validAfter == "-5m");
  CHECK(r->validBefore == "2030-01-01T00:00:00Z");
}

TEST_CASE("SignRequestTreatsNullAndAbsentFieldsAsEmpty", "[api]") {
  auto r = parseSignSshRequest(signBody(R"(,"principals":null,"validAfter":null,"certType":"")"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->certType.has_value());
  CHECK(r->principals.empty());
  CHECK(r->validAfter.empty());
  CHECK(r->keyId.empty());
}

TEST_CASE("SignRequestRefusalsNameTheField", "[api]") {
  CHECK(failureOf(parseSignSshRequest(R"({"ott":"x"})")).find("\"publicKey\" is required") != std::string::npos);
  CHECK(failureOf(parseSignSshRequest(R"({"publicKey":"AAECAw=="})")).find("\"ott\" is required") != std::string::npos);
  CHECK(failureOf(parseSignSshRequest(R"({"publicKey":"AA!!","ott":"x"})")).find("\"publicKey\" is not valid base64") !=
        std::string::npos);
  CHECK(failureOf(parseSignSshRequest(R"({"publicKey":7,"ott":"x"})")).find("\"publicKey\" must be a string") !=
        std::string::npos);
  CHECK(failureOf(parseSignSshRequest(signBody(R"(,"principals":"root")"))).find("\"principals\"") !=
        std::string::npos);
  CHECK(failureOf(parseSignSshRequest(signBody(R"(,"principals":["a",1])"))).find("\"principals\"") !=
        std::string::npos);
  CHECK(failureOf(parseSignSshRequest(signBody(R"(,"certType":"admin")"))).find("\"certType\"") != std::string::npos);
  CHECK(failureOf(parseSignSshRequest(signBody(R"(,"keyID":false)"))).find("\"keyID\"") != std::string::npos);
}

TEST_CASE("RefusesMalformedJsonWithoutQuotingIt", "[api]") {
  CHECK(failureOf(parseSignSshRequest(std::string(R"({"ott":")") + kToken + "\"")) == "request body is not valid JSON");
  CHECK(failureOf(parseSignSshRequest("")) == "request body is not valid JSON");
  CHECK(failureOf(parseSignSshRequest("[1,2]")) == "request body must be a JSON object");
  CHECK(failureOf(parseSignSshRequest("{\"ott\":\"\xff\"}")) == "request body is not valid JSON");
}

TEST_CASE("ParsesStepRenewRekeyAndRevokeBodies", "[api]") {
  auto renew = parseRenewSshRequest(R"({"ott":"t"})");
  REQUIRE(renew.ok());
  CHECK(renew->ott == "t");
  CHECK_FALSE(parseRenewSshRequest("{}").ok());

  auto rekey = parseRekeySshRequest(R"({"ott":"t","publicKey":"AAECAw=="})");
  REQUIRE(rekey.ok());
  CHECK(rekey->publicKey.size() == 4);
  CHECK_FALSE(parseRekeySshRequest(R"({"ott":"t"})").ok());

  auto revoke = parseRevokeSshRequest(R"({"serial":"42","ott":"t","reasonCode":1,"reason":"key lost"})");
  REQUIRE(revoke.ok());
  CHECK(revoke->serial == "42");
  CHECK(revoke->reasonCode == 1);
  CHECK(revoke->reason == "key lost");
  CHECK(revoke->passive);
  auto badReason = parseRevokeSshRequest(R"({"serial":"42","ott":"t","reasonCode":"one"})");
  REQUIRE_FALSE(badReason.ok());
  CHECK(badReason.error().message.find("\"reasonCode\"") != std::string::npos);
  CHECK_FALSE(parseRevokeSshRequest(R"({"ott":"t"})").ok());
}

TEST_CASE("RefusesABodyWithAMemberTwiceAtAnyDepth", "[api]") {
  auto twice = parseSignSshRequest(signBody(R"(,"principals":["a"],"principals":["root"])"));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == ErrorCode::InvalidArgument);
  CHECK(twice.error().message == "request body has a member name twice in one object");
  CHECK_FALSE(parseSignSshRequest(signBody(R"(,"x":{"a":1,"a":2})")).ok());
  // The same name in two different objects is fine.
  CHECK(parseSignSshRequest(signBody(R"(,"x":{"a":1},"y":{"a":2})")).ok());
}

TEST_CASE("RevokeRefusesReasonCodesOutsideRfc5280AndUnprintableOrLongReasons", "[api]") {
  auto revoke = [](const std::string& extra) {
    return parseRevokeSshRequest(std::string(R"({"serial":"1","ott":"t")") + extra + "}");
  };
  for (int code : {0, 1, 6, 8, 10}) CHECK(revoke(",\"reasonCode\":" + std::to_string(code)).ok());
  for (const char* code : {"7", "11", "-1", "18446744073709551615", "4294967297"})
    CHECK_FALSE(revoke(std::string(",\"reasonCode\":") + code).ok());
  CHECK(revoke(R"(,"reason":"key compromise")").ok());
  CHECK_FALSE(revoke(R"(,"reason":"a\u0000b")").ok());
  CHECK_FALSE(revoke(R"(,"reason":"a\u001b[2J")").ok());
  CHECK_FALSE(revoke(R"(,"reason":"a\nb")").ok());
  CHECK_FALSE(revoke(",\"reason\":\"" + std::string(513, 'r') + "\"").ok());
  CHECK(revoke(",\"reason\":\"" + std::string(512, 'r') + "\"").ok());
}
