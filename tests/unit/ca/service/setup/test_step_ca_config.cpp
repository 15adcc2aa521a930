// step-ca's ca.json read for `sshca import-step-ca`
// (ca/service/setup/step_ca_config.h): every field of a sample that uses
// all of step-ca 0.19's settings is either mapped (and lands where it
// should) or listed as not imported; what no CA can be made from is refused.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "ca/service/config/ca_config.h"
#include "ca/service/setup/step_ca_config.h"

using namespace sshca;
using nlohmann::json;

namespace {

// A P-256 public key as step ca init writes it (kid = its thumbprint).
json stepJwk() {
  return json{{"use", "sig"},
              {"kty", "EC"},
              {"kid", "VjEdDaIlcZvs8PbYeU5EFpU0A4eP5x0QvTEKpBD3hx4"},
              {"crv", "P-256"},
              {"alg", "ES256"},
              {"x", "19WyXRn71KoPVUoLRB-sICgQxi59785wqkYgVmz3Kfo"},
              {"y", "M-4_N04c0gyy5vaVVEt6iRTIYtd5x4XW6L5A-E1rQxo"}};
}

// Every top-level, authority, kms, ssh and provisioner setting of step-ca
// 0.19, with relative paths ($STEPPATH) and an unknown key or two.
json fullStepConfig() {
  return json::parse(R"({
    "root": ["certs/root_ca.crt", "/old/root_ca.crt"],
    "federatedRoots": ["/etc/step/other_root.crt"],
    "crt": "certs/intermediate_ca.crt",
    "key": "secrets/intermediate_ca_key",
    "address": ":9000",
    "insecureAddress": ":8080",
    "dnsNames": ["ca.example.com", "10.0.0.5"],
    "kms": {"type": "softkms"},
    "ssh": {"hostKey": "/steppath/secrets/ssh_host_ca_key", "userKey": "secrets/ssh_user_ca_key",
            "keys": [{"type": "user", "federated": true, "key": {}}], "addUserPrincipal": "provisioner",
            "bastion": {"hostname": "bastion.example.com"}},
    "logger": {"format": "text"},
    "db": {"type": "badgerv2", "dataSource": "/steppath/db"},
    "monitoring": {"type": "newrelic"},
    "tls": {"minVersion": 1.2},
    "templates": {"ssh": {"user": []}},
    "password": "s3cret",
    "commonName": "Step Online CA",
    "frobnicate": 1,
    "authority": {
      "claims": {"enableSSHCA": true, "defaultUserSSHCertDuration": "8h0m0s", "minTLSCertDuration": "5m"},
      "backdate": "1m",
      "enableAdmin": true,
      "template": {"country": "US"},
      "provisioners": [
        {"type": "JWK", "name": "admin@example.com", "key": null, "encryptedKey": "eyJhbGciOi.x.y.z.w",
         "claims": {"maxUserSSHCertDuration": "12h", "minUserSSHCertDuration": "1m"},
         "options": {"ssh": {"templateFile": "t.tpl"}}, "extra": true},
        {"type": "JWK", "name": "x509-only", "key": null, "claims": {"enableSSHCA": false}},
        {"type": "OIDC", "name": "Google", "clientID": "client-1", "clientSecret": "secret-1",
         "configurationEndpoint": "https://accounts.google.com/.well-known/openid-configuration",
         "domains": ["example.com"], "admins": ["boss@example.com"], "groups": ["ops", "dev"],
         "listenAddress": ":10000", "tenantID": "t1",
         "claims": {"maxUserSSHCertDuration": "16h", "defaultUserSSHCertDuration": "4h"}},
        {"type": "OIDC", "name": "bad-endpoint", "clientID": "c", "configurationEndpoint": "https://idp.example.com/"},
        {"type": "SSHPOP", "name": "sshpop", "claims": {"allowRenewalAfterExpiry": true, "disableRenewal": true,
                                                        "defaultHostSSHCertDuration": "168h"}},
        {"type": "ACME", "name": "acme"},
        {"type": "SSHPOP", "name": "admin@example.com"}
      ]
    }
  })");
}

std::string fullStepText() {
  json j = fullStepConfig();
  j["authority"]["provisioners"][0]["key"] = stepJwk();
  j["authority"]["provisioners"][1]["key"] = stepJwk();
  return j.dump();
}

bool anyLine(const std::vector<std::string>& lines, const std::string& a, const std::string& b = "") {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(a) != std::string::npos && l.find(b) != std::string::npos;
  });
}

const config::ProvisionerConfig* find(const setup::StepCaConfig& c, const std::string& name) {
  for (const auto& p : c.provisioners)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE("step import: address, names, certificates and file keys are mapped, relative paths below STEPPATH") {
  auto r = setup::readStepCaConfig(fullStepText(), "/steppath");
  REQUIRE(r.ok());
  CHECK(r->address == "0.0.0.0:9000");
  CHECK(r->url == "https://ca.example.com:9000");
  CHECK(r->dnsNames == std::vector<std::string>{"ca.example.com", "10.0.0.5"});
  CHECK(r->rootCert == "/steppath/certs/root_ca.crt");
  CHECK(r->intermediateCert == "/steppath/certs/intermediate_ca.crt");
  CHECK(r->intermediateKey.file == "/steppath/secrets/intermediate_ca_key");
  CHECK(r->userKey.file == "/steppath/secrets/ssh_user_ca_key");
  CHECK(r->hostKey.file == "/steppath/secrets/ssh_host_ca_key");
  CHECK_FALSE(r->userKey.onToken());
  CHECK(r->kms.empty());
  CHECK(r->password.view() == "s3cret");
  CHECK(anyLine(r->mapped, "ssh.userKey", "pkcs11:object=ssh-user-ca"));
  CHECK(anyLine(r->mapped, "key /steppath/secrets/intermediate_ca_key", "pkcs11:object=intermediate-ca"));
  CHECK(anyLine(r->mapped, "password", "written nowhere"));
}

TEST_CASE("step import: JWK, OIDC and SSHPOP provisioners with their keys and claims") {
  auto r = setup::readStepCaConfig(fullStepText(), "/steppath");
  REQUIRE(r.ok());
  REQUIRE(r->provisioners.size() == 3);

  const auto* jwk = find(*r, "admin@example.com");
  REQUIRE(jwk);
  CHECK(jwk->type == "jwk");
  CHECK(json::parse(jwk->publicKeyJwk) == stepJwk());  // kid and all, as step has it
  CHECK(jwk->encryptedKey == "eyJhbGciOi.x.y.z.w");
  CHECK(jwk->privateKeyFile.empty());
  CHECK(jwk->policy.user.defaultValiditySeconds == 8 * 3600);  // authority.claims
  CHECK(jwk->policy.user.maxValiditySeconds == 12 * 3600);     // its own claims
  CHECK(jwk->policy.host.defaultValiditySeconds == 30 * 86400);

  const auto* oidc = find(*r, "Google");
  REQUIRE(oidc);
  CHECK(oidc->type == "oidc");
  CHECK(oidc->oidc.issuer == "https://accounts.google.com");
  CHECK(oidc->oidc.clientId == "client-1");
  CHECK(oidc->oidc.rules.allowedDomains == std::vector<std::string>{"example.com"});
  CHECK(oidc->oidc.rules.requiredGroups == std::vector<std::string>{"ops", "dev"});
  CHECK(oidc->oidc.rules.requireEmailVerified);
  CHECK(oidc->policy.user.defaultValiditySeconds == 4 * 3600);
  CHECK(oidc->policy.user.maxValiditySeconds == 16 * 3600);

  const auto* pop = find(*r, "sshpop");
  REQUIRE(pop);
  CHECK(pop->type == "sshpop");
  CHECK(pop->allowRenewalAfterExpiry);
  CHECK(pop->renewalGraceSeconds == config::kGraceOfValidity);
  CHECK(pop->policy.host.defaultValiditySeconds == 7 * 86400);
}

TEST_CASE("step import: what has no equivalent is listed, one line each, nothing dropped silently") {
  auto r = setup::readStepCaConfig(fullStepText(), "/steppath");
  REQUIRE(r.ok());
  const auto& u = r->unmapped;
  for (const char* field :
       {"root[1] /old/root_ca.crt", "federatedRoots", "insecureAddress", "ssh.keys", "ssh.addUserPrincipal",
        "ssh.bastion", "logger", "db (badgerv2 at /steppath/db)", "monitoring", "tls", "templates", "commonName",
        "frobnicate", "authority.claims.minTLSCertDuration", "authority.backdate", "authority.enableAdmin",
        "authority.template"})
    CHECK(anyLine(u, field));
  CHECK(anyLine(u, "(JWK admin@example.com).claims.minUserSSHCertDuration"));
  CHECK(anyLine(u, "(JWK admin@example.com).options"));
  CHECK(anyLine(u, "(JWK admin@example.com).extra"));
  CHECK(anyLine(u, "(JWK admin@example.com): no privateKeyFile"));
  CHECK(anyLine(u, "(JWK x509-only): not imported", "enableSSHCA"));
  CHECK(anyLine(u, "(OIDC Google).admins boss@example.com"));
  CHECK(anyLine(u, "(OIDC Google).clientSecret"));
  CHECK(anyLine(u, "(OIDC Google).tenantID"));
  CHECK(anyLine(u, "(OIDC Google).listenAddress"));
  CHECK(anyLine(u, "(OIDC Google).email_verified"));
  CHECK(anyLine(u, "(OIDC bad-endpoint).configurationEndpoint", "not imported"));
  CHECK(anyLine(u, "(SSHPOP sshpop).claims.disableRenewal"));
  CHECK(anyLine(u, "(ACME acme): not imported"));
  CHECK(anyLine(u, "(SSHPOP admin@example.com): not imported", "taken"));
  CHECK(anyLine(r->mapped, "(OIDC Google).groups -> requiredGroups ops, dev", "stricter"));
  // Secrets are never echoed into the report.
  for (const auto* list : {&r->mapped, &r->unmapped}) {
    CHECK_FALSE(anyLine(*list, "s3cret"));
    CHECK_FALSE(anyLine(*list, "secret-1"));
  }
}

TEST_CASE("step import: the imported provisioners make a ca.json sshca accepts") {
  auto r = setup::readStepCaConfig(fullStepText(), "/steppath");
  REQUIRE(r.ok());
  config::CaConfig c;
  c.name = "imported";
  c.url = r->url;
  c.address = r->address;
  c.kms = "pkcs11:token=sshca";
  c.ssh = {"pkcs11:object=ssh-user-ca", "pkcs11:object=ssh-host-ca"};
  c.x509 = {"/r.crt", "/i.crt", "pkcs11:object=intermediate-ca"};
  c.tls = {"/chain.pem", "/tls.key"};
  c.db.path = "/db";
  c.provisioners = r->provisioners;
  auto back = config::parseCaConfig(config::serializeCaConfig(c));
  REQUIRE(back.ok());
  REQUIRE(back->provisioners.size() == 3);
  CHECK(back->findProvisioner("admin@example.com")->encryptedKey == "eyJhbGciOi.x.y.z.w");
  CHECK(back->findProvisioner("sshpop")->renewalGraceSeconds == config::kGraceOfValidity);
}

TEST_CASE("step import: keys on step's PKCS#11 token are kept by URI, its PIN moves out of the config") {
  json j = fullStepConfig();
  j["authority"]["provisioners"] = json::array();
  j["kms"] = {{"type", "pkcs11"},
              {"uri", "pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=smallstep"},
              {"pin", "1234"}};
  j["ssh"] = {{"hostKey", "pkcs11:id=7332;object=ssh-host-key"}, {"userKey", "pkcs11:id=7331;object=ssh-user-key"}};
  j["key"] = "pkcs11:id=7330;object=intermediate-key";
  auto r = setup::readStepCaConfig(j.dump(), "/steppath");
  REQUIRE(r.ok());
  CHECK(r->kms == "pkcs11:module-path=/usr/lib/softhsm/libsofthsm2.so;token=smallstep");
  CHECK(r->kmsPin.view() == "1234");
  CHECK(r->userKey.uri == "pkcs11:id=7331;object=ssh-user-key");
  CHECK(r->hostKey.onToken());
  CHECK(r->intermediateKey.uri == "pkcs11:id=7330;object=intermediate-key");
  CHECK(anyLine(r->mapped, "ssh.userKey pkcs11:id=7331", "kept"));
  CHECK(anyLine(r->unmapped, "authority.provisioners: none imported"));
  CHECK_FALSE(anyLine(r->mapped, "1234"));
}

TEST_CASE("step import: a PIN in step's kms URI moves out of it and out of the report") {
  json j = json::parse(fullStepText());
  j["kms"] = {{"type", "pkcs11"},
              {"uri", "pkcs11:token=smallstep?pin-value=9876&module-path=/usr/lib/softhsm/libsofthsm2.so"}};
  j["ssh"] = {{"hostKey", "pkcs11:object=ssh-host-key"}, {"userKey", "pkcs11:object=ssh-user-key"}};
  auto r = setup::readStepCaConfig(j.dump(), "/steppath");
  REQUIRE(r.ok());
  CHECK(r->kms == "pkcs11:token=smallstep?module-path=/usr/lib/softhsm/libsofthsm2.so");
  CHECK(r->kmsPin.view() == "9876");
  CHECK_FALSE(anyLine(r->mapped, "9876"));
  CHECK_FALSE(anyLine(r->unmapped, "9876"));
}

TEST_CASE("step import: refuses what no SSH CA can be made from, naming the field") {
  auto refused = [](json j, const std::string& field) {
    auto r = setup::readStepCaConfig(j.dump(), "/steppath");
    REQUIRE_FALSE(r.ok());
    INFO(r.error().message);
    CHECK(r.error().message.find(field) != std::string::npos);
  };
  json base = json::parse(fullStepText());
  json j = base;
  j.erase("ssh");
  refused(j, "ssh: is missing");
  j = base;
  j["kms"] = {{"type", "awskms"}, {"region", "us-east-1"}};
  j["ssh"]["userKey"] = "awskms:key-id=abc";
  refused(j, "key: is a key in step's awskms KMS");  // the intermediate's, read first
  j = base;
  j["ssh"]["userKey"] = "pkcs11:object=ssh-user-key";
  refused(j, "ssh.userKey: is a PKCS#11 key but kms is not");
  j = base;
  j["authority"]["provisioners"][0]["key"]["d"] = "AAAA";
  refused(j, "(JWK admin@example.com).key");
  j = base;
  j["authority"]["provisioners"][0]["claims"]["defaultUserSSHCertDuration"] = "1.5h";
  refused(j, "defaultUserSSHCertDuration");
  j = base;
  j["authority"]["provisioners"][0]["claims"]["defaultUserSSHCertDuration"] = "48h";
  refused(j, "at most the maximum");
  j = base;
  j.erase("crt");
  refused(j, "crt: is required");
  refused(json::array(), "not a JSON object");
}

TEST_CASE("step import: Go durations in whole seconds") {
  CHECK(setup::parseGoDuration("16h0m0s").value() == 16 * 3600);
  CHECK(setup::parseGoDuration("720h").value() == 720 * 3600);
  CHECK(setup::parseGoDuration("1h30m").value() == 5400);
  CHECK(setup::parseGoDuration("90s").value() == 90);
  for (const char* bad : {"", "1.5h", "300ms", "16", "h", "5d", "99999999999h"})
    CHECK_FALSE(setup::parseGoDuration(bad).ok());
}
