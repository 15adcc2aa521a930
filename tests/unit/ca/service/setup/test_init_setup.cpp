// sshca init's library pieces (ca/service/setup): layout and refusals,
// option checks, URL and SAN derivation, the provisioner entry, and one
// whole initCa into a temp directory on an embedded SoftHSM2 token.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>

#include "ca/core/common/random.h"
#include "ca/core/jose/jwk.h"
#include "ca/core/kms/kms_uri.h"
#include "ca/core/kms/pkcs11/pkcs11_kms.h"
#include "ca/core/x509/private_key_pem.h"
#include "ca/service/config/ca_config.h"
#include "ca/service/setup/admin_provisioner.h"
#include "ca/service/setup/ca_init.h"
#include "ca/service/setup/ca_layout.h"
#include "ca/service/setup/init_config.h"
#include "ca/service/setup/secret_files.h"
#include "ca/service/setup/server_certificate.h"
#include "ca/service/setup/software_key.h"
#include "tests/unit/support/temp_dir.h"

namespace fs = std::filesystem;
using namespace sshca;

namespace {

// A fresh directory under /tmp, removed at scope end.
using test::TempDir;

unsigned modeOf(const std::string& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("init layout: absolute paths under DIR") {
  auto l = setup::caLayoutFor("relative/ca/");
  REQUIRE(l.ok());
  CHECK(fs::path(l->dir).is_absolute());
  CHECK(l->dir.ends_with("/relative/ca"));
  CHECK(l->configFile == l->dir + "/config/ca.json");
  CHECK(l->pinFile == l->dir + "/secrets/pin");
  CHECK(l->provisionerKey("admin") == l->dir + "/secrets/provisioner-admin.key");
  CHECK(l->dbFile == l->dir + "/db/sshca.db");
  CHECK(setup::caLayoutFor("").error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("init refuses a DIR with a CA or with leftovers of one") {
  TempDir t;
  auto l = *setup::caLayoutFor(t.path());
  CHECK(setup::refuseExistingCa(l).ok());  // empty DIR is fine
  fs::create_directories(l.tokensDir);
  auto partial = setup::refuseExistingCa(l);
  REQUIRE(!partial.ok());
  CHECK(partial.error().code == ErrorCode::AlreadyExists);
  CHECK(partial.error().message.find("unfinished") != std::string::npos);
  fs::create_directories(l.configDir);
  std::ofstream(l.configFile) << "{}";
  auto full = setup::refuseExistingCa(l);
  REQUIRE(!full.ok());
  CHECK(full.error().message.find("already holds a CA") != std::string::npos);
}

TEST_CASE("init: default URL from the first name and the address port") {
  CHECK(*setup::defaultCaUrl({"localhost", "127.0.0.1"}, "127.0.0.1:8443") == "https://localhost:8443");
  CHECK(*setup::defaultCaUrl({"::1"}, "[::1]:9000") == "https://[::1]:9000");
  CHECK(setup::defaultCaUrl({"localhost"}, "127.0.0.1:0").error().code == ErrorCode::InvalidArgument);
  CHECK(!setup::defaultCaUrl({}, "127.0.0.1:8443").ok());
}

TEST_CASE("init: --dns names become DNS or IP SANs, bad names are refused") {
  auto sans = setup::subjectAltNamesFor({"localhost", "127.0.0.1", "::1", "CA.Example.com"});
  REQUIRE(sans.ok());
  REQUIRE(sans->size() == 4);
  CHECK((*sans)[0].toString() == "DNS:localhost");
  CHECK((*sans)[1].toString() == "IP:127.0.0.1");
  CHECK((*sans)[2].kind == x509::SubjectAltName::Kind::Ip);
  CHECK((*sans)[3].toString() == "DNS:ca.example.com");
  CHECK(!setup::subjectAltNamesFor({"bad name"}).ok());
  CHECK(!setup::subjectAltNamesFor({}).ok());
}

TEST_CASE("init: random hex PINs") {
  auto a = setup::randomHexSecret(systemRandom(), 8);
  auto b = setup::randomHexSecret(systemRandom(), 8);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->size() == 16);
  CHECK(a->view().find_first_not_of("0123456789abcdef") == std::string_view::npos);
  CHECK(a->view() != b->view());
}

TEST_CASE("init: provisioner names and the JWK provisioner entry") {
  CHECK(setup::checkProvisionerName("admin").ok());
  CHECK(setup::checkProvisionerName("ops-team_1.x").ok());
  for (const char* bad : {"", "../x", "a/b", ".hidden", "with space"})
    CHECK(setup::checkProvisionerName(bad).error().code == ErrorCode::InvalidArgument);
  auto key = setup::generateP256Key();
  REQUIRE(key.ok());
  auto pub = PublicKey::fromEvp(key->get());
  REQUIRE(pub.ok());
  auto p = setup::jwkProvisionerConfig("admin", *pub, "/x/secrets/provisioner-admin.key");
  REQUIRE(p.ok());
  CHECK(p->type == "jwk");
  CHECK(p->tokenMaxLifetimeSeconds == 3600);
  CHECK(p->policy.user.maxValiditySeconds == 24 * 3600);
  auto jwk = jose::parseJwk(nlohmann::json::parse(p->publicKeyJwk));
  REQUIRE(jwk.ok());
  CHECK(jwk->key == *pub);
  CHECK(jwk->alg == "ES256");
  CHECK(jwk->kid.has_value());
  auto pem = x509::privateKeyPem(**key);
  REQUIRE(pem.ok());
  CHECK(pem->view().starts_with("-----BEGIN PRIVATE KEY-----"));
}

TEST_CASE("initCa: a complete CA on an embedded SoftHSM2 token") {
  TempDir t;
  ::unsetenv("SOFTHSM2_CONF");
  setup::InitOptions o;
  o.dir = t.file("ca");
  o.name = "Unit CA";
  o.now = static_cast<int64_t>(std::time(nullptr));
  auto r = setup::initCa(o);
  if (!r.ok()) FAIL(r.error().message);
  const setup::CaLayout& l = r->layout;
  CHECK(r->embeddedToken);
  CHECK(r->rootFingerprint.size() == 64);
  CHECK(r->sshUserCaKey.starts_with("ecdsa-sha2-nistp256 "));
  CHECK(r->sshUserCaKey.ends_with(" Unit CA user CA"));
  CHECK(modeOf(l.secretsDir) == 0700);
  CHECK(modeOf(l.pinFile) == 0600);
  CHECK(modeOf(l.tlsKey) == 0600);
  CHECK(modeOf(l.configFile) == 0600);
  CHECK(std::string(std::getenv("SOFTHSM2_CONF")) == l.softhsm2Conf);

  auto cfg = config::loadCaConfig(l.configFile);
  REQUIRE(cfg.ok());
  CHECK(cfg->url == "https://localhost:8443");
  CHECK(cfg->softhsm2Conf == l.softhsm2Conf);
  CHECK(cfg->ssh.userKey == "pkcs11:object=ssh-user-ca");
  REQUIRE(cfg->provisioners.size() == 2);
  CHECK(cfg->provisioners[0].name == "admin");
  CHECK(cfg->provisioners[1].type == "sshpop");  // hosts renew their certificates

  // The config's kms URI opens the token, which holds exactly the four keys.
  auto km = openPkcs11KeyManager(*parseKmsUri(cfg->kms));
  REQUIRE(km.ok());
  auto keys = (*km)->listKeys();
  REQUIRE(keys.ok());
  std::set<std::string> labels;
  for (const auto& k : *keys) labels.insert(k.label);
  CHECK(labels == std::set<std::string>{"ssh-user-ca", "ssh-host-ca", "root-ca", "intermediate-ca"});

  // A second run is refused before anything is touched.
  auto again = setup::initCa(o);
  REQUIRE(!again.ok());
  CHECK(again.error().code == ErrorCode::AlreadyExists);
}
