// ca.json's "server" object: the front door's deadlines and limits
// (docs/configuration.md, "Exposing the service").
#include <algorithm>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/service/config/ca_config.h"

using namespace sshca;
using nlohmann::json;

namespace {

json minimalConfig() {
  return {{"name", "t"},
          {"url", "https://ca.test:8443"},
          {"address", "127.0.0.1:8443"},
          {"kms", "pkcs11:token=t"},
          {"ssh", {{"userKey", "pkcs11:object=u"}, {"hostKey", "pkcs11:object=h"}}},
          {"x509", {{"rootCert", "/r.pem"}, {"intermediateCert", "/i.pem"}, {"intermediateKey", "pkcs11:object=i"}}},
          {"tls", {{"certChain", "/c.pem"}, {"key", "/k.pem"}}},
          {"db", {{"type", "sqlite"}, {"path", "/db"}}}};
}

}  // namespace

TEST_CASE("ServerConfigKeepsDefaultsAndReadsEveryLimit", "[config]") {
  json j = minimalConfig();
  auto plain = config::parseCaConfig(j.dump());
  INFO((plain.ok() ? "" : plain.error().message));
  REQUIRE(plain.ok());
  CHECK(plain->server.threads == 0);  // the choice of authorityThreads()
  CHECK(plain->server.requestHeadMs == 10'000);
  CHECK(plain->server.maxHeaderCount == 100);
  j["server"] = {{"threads", 4},
                 {"ioThreads", 2},
                 {"tlsHandshakeMs", 1500},
                 {"requestHeadMs", 2000},
                 {"requestBodyMs", 3000},
                 {"writeMs", 4000},
                 {"idleSeconds", 30},
                 {"maxHeaderBytes", 8192},
                 {"maxHeaderCount", 50},
                 {"maxConnections", 100},
                 {"maxConnectionsPerSource", 10},
                 {"queueLength", 64},
                 {"queueWaitMs", 250},
                 {"drainSeconds", 5}};
  auto set = config::parseCaConfig(j.dump());
  REQUIRE(set.ok());
  const config::ServerConfig& s = set->server;
  CHECK(s.threads == 4);
  CHECK(s.ioThreads == 2);
  CHECK(s.tlsHandshakeMs == 1500);
  CHECK(s.requestHeadMs == 2000);
  CHECK(s.requestBodyMs == 3000);
  CHECK(s.writeMs == 4000);
  CHECK(s.idleSeconds == 30);
  CHECK(s.maxHeaderBytes == 8192);
  CHECK(s.maxHeaderCount == 50);
  CHECK(s.maxConnections == 100);
  CHECK(s.maxConnectionsPerSource == 10);
  CHECK(s.queueLength == 64);
  CHECK(s.queueWaitMs == 250);
  CHECK(s.drainSeconds == 5);
}

TEST_CASE("ServerConfigRefusesOutOfRangeAndNonIntegerLimitsNamingTheField", "[config]") {
  for (auto [field, value] : {std::pair<const char*, json>{"threads", -1},
                              {"requestHeadMs", 0},
                              {"maxHeaderBytes", 100},
                              {"maxConnectionsPerSource", -1},
                              {"queueWaitMs", "5s"},
                              {"idleSeconds", 1.5}}) {
    json j = minimalConfig();
    j["server"] = {{field, value}};
    auto c = config::parseCaConfig(j.dump());
    INFO(field);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().message.find(std::string("server.") + field) != std::string::npos);
  }
}

TEST_CASE("AuthorityThreadsFollowTheDatabaseUnlessSet", "[config]") {
  auto c = config::parseCaConfig(minimalConfig().dump());
  REQUIRE(c.ok());
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  CHECK(config::authorityThreads(*c) == std::max<size_t>(2, 2 * cores));  // SQLite: the pool only signs
  c->db.type = "postgresql";
  CHECK(config::authorityThreads(*c) == 32);  // each thread waits for its own commit
  c->server.threads = 5;
  CHECK(config::authorityThreads(*c) == 5);
}

TEST_CASE("ServerConfigSurvivesARewriteOfCaJson", "[config]") {
  // provisioner add/update/remove rewrite ca.json: no server limit may fall
  // back to its default on the way.
  json j = minimalConfig();
  j["server"] = {{"threads", 4},
                 {"ioThreads", 2},
                 {"requestHeadMs", 2000},
                 {"maxHeaderCount", 50},
                 {"maxConnectionsPerSource", 7},
                 {"queueWaitMs", 900},
                 {"drainSeconds", 3}};
  auto first = config::parseCaConfig(j.dump());
  REQUIRE(first.ok());
  auto again = config::parseCaConfig(config::serializeCaConfig(*first));
  INFO((again.ok() ? "" : again.error().message));
  REQUIRE(again.ok());
  CHECK(again->server.threads == 4);
  CHECK(again->server.ioThreads == 2);
  CHECK(again->server.requestHeadMs == 2000);
  CHECK(again->server.maxHeaderCount == 50);
  CHECK(again->server.maxConnectionsPerSource == 7);
  CHECK(again->server.queueWaitMs == 900);
  CHECK(again->server.drainSeconds == 3);
  CHECK(again->server.writeMs == 10'000);
}

TEST_CASE("LimitsExemptLoopbackDefaultsOnAndSurvivesARewrite", "[config]") {
  auto plain = config::parseCaConfig(minimalConfig().dump());
  REQUIRE(plain.ok());
  CHECK(plain->limits.exemptLoopback);
  json j = minimalConfig();
  j["limits"] = {{"exemptLoopback", false}};
  auto first = config::parseCaConfig(j.dump());
  REQUIRE(first.ok());
  CHECK_FALSE(first->limits.exemptLoopback);
  auto again = config::parseCaConfig(config::serializeCaConfig(*first));
  REQUIRE(again.ok());
  CHECK_FALSE(again->limits.exemptLoopback);
  j["limits"] = {{"exemptLoopback", "yes"}};
  auto bad = config::parseCaConfig(j.dump());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("limits.exemptLoopback") != std::string::npos);
}
