// Renew, rekey, revoke and the KRL over the real HTTPS server with the real
// authority (software CA keys, SQLite): the bodies step clients send, the
// statuses they get, both route prefixes, and the KRL signature checked by
// the real `ssh-keygen -Y verify`.
#include <httplib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/core/ssh/krl.h"
#include "ca/service/api/https_server.h"
#include "tests/unit/support/ssh_fixtures.h"
#include "tests/unit/support/sshpop_fixture.h"

using namespace sshca;
using nlohmann::json;
using test::HostCert;

namespace {

// A self-signed TLS certificate for 127.0.0.1 made by the openssl tool.
struct ServerUnderTest {
  test::SshpopFixture f;
  std::string cert = f.dir.file("tls.pem"), key = f.dir.file("tls.key");
  std::unique_ptr<api::HttpsServer> server;

  ServerUnderTest() {
    auto made = test::run(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key + " -out " + cert);
    INFO(made.output);
    REQUIRE(made.status == 0);
    api::HttpsServerOptions o;
    o.listenAddress = "127.0.0.1:0";
    o.tls = {cert, key};
    o.threads = 2;
    o.logSink = [](std::string_view) {};
    auto started = api::HttpsServer::start(std::move(o), *f.authority);
    INFO((started.ok() ? "" : started.error().message));
    REQUIRE(started.ok());
    server = std::move(started).value();
  }

  std::unique_ptr<httplib::SSLClient> client() {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server->port());
    c->set_ca_cert_path(cert.c_str());
    c->enable_server_certificate_verification(true);
    c->set_tcp_nodelay(true);
    return c;
  }

  httplib::Result post(const std::string& path, const json& body) {
    return client()->Post(path.c_str(), body.dump(), "application/json");
  }
};

ssh::Certificate certificateOf(const httplib::Result& res) {
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 201);
  auto crt = base64Decode(json::parse(res->body)["crt"].get<std::string>());
  REQUIRE(crt.ok());
  return ssh::parseCertificate(*crt).value();
}

void checkError(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  CHECK(json::parse(res->body)["code"] == code);
}

}  // namespace

TEST_CASE("HttpsRenewAndRekeyWithSshpopTokens", "[sshpop][api]") {
  ServerUnderTest s;
  HostCert web = s.f.issueHost();
  ssh::Certificate renewed = certificateOf(s.post("/1.0/ssh/renew", {{"ott", s.f.sshpop(web, "renew")}}));
  CHECK(renewed.key == web.cert.key);
  CHECK(renewed.principals == web.cert.principals);

  auto newKey = test::EvpTestSigner::generate(KeyAlgorithm::EcdsaP384);
  // The renewed certificate rekeys: the one it replaced no longer may.
  json rekey = {{"ott", s.f.sshpop(HostCert{web.key, renewed}, "rekey")},
                {"publicKey", base64Encode(ssh::encodePublicKeyWire(newKey->publicKey()))}};
  ssh::Certificate rekeyed = certificateOf(s.post("/ssh/rekey", rekey));
  CHECK(rekeyed.key == newKey->publicKey());
  CHECK(rekeyed.principals == web.cert.principals);
  CHECK(s.f.rows("web1 (admin)") == 3);
}

TEST_CASE("HttpsSshpopRefusalsMapToStatuses", "[sshpop][api]") {
  ServerUnderTest s;
  HostCert web = s.f.issueHost();
  HostCert alice = s.f.issue(ssh::CertType::User, "alice", {"alice"});
  std::string token = s.f.sshpop(web, "renew");
  certificateOf(s.post("/ssh/renew", {{"ott", token}}));
  // The replayed token proves a certificate that was replaced since: the
  // cheap refusal before signing says so (the commit would say "replayed").
  checkError(s.post("/ssh/renew", {{"ott", token}}), 401, "unauthenticated");
  checkError(s.post("/ssh/renew", {{"ott", s.f.sshpop(alice, "renew")}}), 403, "permission_denied");
  checkError(s.post("/ssh/renew", {{"ott", s.f.sshpop(web, "rekey")}}), 401, "unauthenticated");
  checkError(s.post("/ssh/renew", json::object()), 400, "invalid_argument");
  CHECK(s.f.rows("web1 (admin)") == 2);
  CHECK(s.f.rows("alice (admin)") == 1);
}

TEST_CASE("HttpsRevokeThenKrlAndItsSignatureVerifyWithSshKeygen", "[sshpop][api][krl]") {
  ServerUnderTest s;
  HostCert alice = s.f.issue(ssh::CertType::User, "alice", {"alice"});
  HostCert bob = s.f.issue(ssh::CertType::User, "bob", {"bob"});
  json body = {{"serial", std::to_string(alice.cert.serial)},
               {"ott", s.f.adminRevokeToken(alice.cert.serial)},
               {"reasonCode", 1},
               {"reason", "laptop stolen"},
               {"passive", true}};
  auto res = s.post("/1.0/ssh/revoke", body);
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == 200);
  checkError(s.post("/1.0/ssh/revoke", body), 409, "replayed");

  auto krl = s.client()->Get("/1.0/ssh/krl");
  REQUIRE(krl);
  REQUIRE(krl->status == 200);
  auto sig = s.client()->Get("/ssh/krl.sig");
  REQUIRE(sig);
  REQUIRE(sig->status == 200);
  CHECK(sig->body.starts_with("-----BEGIN SSH SIGNATURE-----"));

  const std::string krlFile = s.f.dir.file("krl"), sigFile = s.f.dir.file("krl.sig");
  const std::string signers = s.f.dir.file("allowed_signers");
  test::writeText(krlFile, krl->body);
  test::writeText(sigFile, sig->body);
  test::writeText(signers, "sshca-krl@test " + ssh::formatPublicKeyLine(s.f.userCa->publicKey(), "") + "\n");
  auto verified = test::run("ssh-keygen -Y verify -f " + signers + " -I sshca-krl@test -n sshca-krl -s " + sigFile +
                            " < " + krlFile);
  INFO(verified.output);
  CHECK(verified.status == 0);
  // Another namespace must not verify.
  CHECK(test::run("ssh-keygen -Y verify -f " + signers + " -I sshca-krl@test -n file -s " + sigFile + " < " + krlFile)
            .status != 0);

  // ssh-keygen -Q reads our KRL: alice's certificate revoked, bob's not.
  const std::string aliceCert = s.f.dir.file("alice-cert.pub"), bobCert = s.f.dir.file("bob-cert.pub");
  test::writeText(aliceCert, ssh::formatCertificateLine(alice.cert, "alice") + "\n");
  test::writeText(bobCert, ssh::formatCertificateLine(bob.cert, "bob") + "\n");
  CHECK(test::run("ssh-keygen -Q -f " + krlFile + " " + aliceCert).status != 0);
  CHECK(test::run("ssh-keygen -Q -f " + krlFile + " " + bobCert).status == 0);
}
