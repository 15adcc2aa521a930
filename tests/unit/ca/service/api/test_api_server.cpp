// The HTTPS server against a fake authority: real TLS (a throw-away CA made
// here), cpp-httplib's client with CA verification, and the real curl.
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "ca/core/common/ossl.h"
#include "ca/service/api/https_server.h"
#include "tests/fakes/fake_authority.h"
#include "tests/unit/support/temp_dir.h"

using namespace sshca;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kToken = "eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LWNsYWltcw.c2lnbmF0dXJl";

using test::TempDir;

ossl::EvpPkey newKey() {
  ossl::EvpPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  REQUIRE(key);
  return key;
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ossl::X509Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  REQUIRE(ext);
  REQUIRE(X509_add_ext(cert, ext.get(), -1) == 1);
}

// A certificate for `key` named CN=`cn`, signed by issuerKey (self-signed
// when issuer is null).
ossl::X509Ptr makeCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuerKey, bool ca) {
  ossl::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ca ? 1 : 2);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer ? issuer : cert.get()));
  X509_set_pubkey(cert.get(), key);
  X509* signer = issuer ? issuer : cert.get();
  if (ca) {
    addExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    addExtension(cert.get(), signer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    addExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  REQUIRE(X509_sign(cert.get(), issuerKey, EVP_sha256()) > 0);
  return cert;
}

void writePem(const fs::path& path, std::initializer_list<X509*> certs, EVP_PKEY* key = nullptr) {
  ossl::Bio bio(BIO_new_file(path.c_str(), "w"));
  REQUIRE(bio);
  for (X509* c : certs) REQUIRE(PEM_write_bio_X509(bio.get(), c) == 1);
  if (key) REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
}

// A root CA, a server certificate for 127.0.0.1 from it, and the files the
// server and the clients read.
struct TestTls {
  TempDir dir;
  fs::path caPem = fs::path(dir.path()) / "ca.pem";
  fs::path chainPem = fs::path(dir.path()) / "chain.pem";
  fs::path keyPem = fs::path(dir.path()) / "key.pem";
  TestTls() {
    auto caKey = newKey();
    auto ca = makeCert(caKey.get(), "sshca test root", nullptr, caKey.get(), true);
    auto serverKey = newKey();
    auto leaf = makeCert(serverKey.get(), "127.0.0.1", ca.get(), caKey.get(), false);
    writePem(caPem, {ca.get()});
    writePem(chainPem, {leaf.get(), ca.get()});
    writePem(keyPem, {}, serverKey.get());
  }
};

// The server under test with its fake authority and captured log lines.
struct Fixture {
  TestTls tls;
  test::FakeAuthority authority;
  std::mutex logMu;
  std::vector<std::string> logLines;
  std::unique_ptr<api::HttpsServer> server;

  explicit Fixture(size_t maxBody = 64 * 1024) {
    api::HttpsServerOptions o;
    o.listenAddress = "127.0.0.1:0";
    o.tls = {tls.chainPem.string(), tls.keyPem.string()};
    o.threads = 2;
    o.maxBodyBytes = maxBody;
    o.logSink = [this](std::string_view line) {
      std::lock_guard lock(logMu);
      logLines.emplace_back(line);
    };
    auto started = api::HttpsServer::start(std::move(o), authority);
    INFO((started.ok() ? "" : started.error().message));
    REQUIRE(started.ok());
    server = std::move(started).value();
    REQUIRE(server->port() > 0);
  }

  std::unique_ptr<httplib::SSLClient> client() {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server->port());
    c->set_ca_cert_path(tls.caPem.c_str());
    c->enable_server_certificate_verification(true);
    c->set_tcp_nodelay(true);
    c->set_connection_timeout(5);
    return c;
  }

  std::string url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(server->port()) + path;
  }

  // Log lines appear just after the response is written; wait for `n`.
  std::vector<std::string> waitForLogLines(size_t n) {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard lock(logMu);
        if (logLines.size() >= n) return logLines;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::lock_guard lock(logMu);
    return logLines;
  }
};

std::string signBody() {
  return json{{"publicKey", "AAECAw=="}, {"ott", kToken},           {"certType", "user"},
              {"keyID", "alice"},        {"principals", {"alice"}}, {"validBefore", "16h"}}
      .dump();
}

// Runs a command, returns its stdout and exit status.
struct Cmd {
  std::string out;
  int status = -1;
};
Cmd run(const std::string& command) {
  Cmd r;
  FILE* p = popen((command + " 2>/dev/null").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  r.status = pclose(p);
  return r;
}

void checkJsonError(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  auto body = json::parse(res->body, nullptr, false);
  REQUIRE(body.is_object());
  CHECK(body["code"] == code);
  CHECK(body["error"].is_string());
  CHECK(res->body.find(kToken) == std::string::npos);
}

}  // namespace

TEST_CASE("HealthAnswers200JsonOverVerifiedTls", "[api]") {
  Fixture f;
  auto res = f.client()->Get("/health");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body) == json{{"status", "ok"}, {"hsm", "ok"}, {"db", "ok"}});
}

TEST_CASE("HealthAnswers503WhenHsmIsDown", "[api]") {
  Fixture f;
  f.authority.healthReport = {false, true, "token 'sshca' went away", ""};
  auto res = f.client()->Get("/health");
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(json::parse(res->body)["hsm"] == "unavailable");
  CHECK(json::parse(res->body)["hsm_reason"] == "token 'sshca' went away");
  CHECK(res->get_header_value("Retry-After") == "2");
}

TEST_CASE("ClientNotTrustingTheCaFailsHandshake", "[api]") {
  Fixture f;
  httplib::SSLClient c("127.0.0.1", f.server->port());
  c.set_ca_cert_path("/dev/null");
  c.enable_server_certificate_verification(true);
  auto res = c.Get("/health");
  CHECK_FALSE(res);
}

TEST_CASE("ServesRootsSshRootsKrlAndProvisioners", "[api]") {
  Fixture f;
  auto c = f.client();
  auto roots = c->Get("/roots.pem");
  REQUIRE(roots);
  CHECK(roots->status == 200);
  CHECK(roots->body == f.authority.rootsPemText);
  CHECK(roots->get_header_value("Content-Type") == "application/x-pem-file");
  // step-ca's shapes: {"crts": [...]} (201) and {"ca": ...} by fingerprint.
  auto crts = c->Get("/1.0/roots");
  REQUIRE(crts);
  CHECK(crts->status == 201);
  CHECK(json::parse(crts->body) == json{{"crts", {f.authority.rootsPemText}}});
  auto root = c->Get("/root/" + std::string(64, 'A'));
  REQUIRE(root);
  CHECK(root->status == 200);
  CHECK(json::parse(root->body) == json{{"ca", f.authority.rootsPemText}});
  auto unknown = c->Get("/root/" + std::string(64, 'b'));
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  CHECK(json::parse(unknown->body)["status"] == 404);
  auto version = c->Get("/version");
  REQUIRE(version);
  CHECK(json::parse(version->body).contains("version"));

  auto sshRoots = c->Get("/ssh/roots");
  REQUIRE(sshRoots);
  CHECK(json::parse(sshRoots->body) == json{{"userKey", {"AQID"}}, {"hostKey", {"BAUG", "Bw=="}}});

  auto krl = c->Get("/ssh/krl");
  REQUIRE(krl);
  CHECK(krl->status == 200);
  CHECK(krl->body == std::string("SSHKRL\n\0", 8));

  auto prov = c->Get("/provisioners");
  REQUIRE(prov);
  auto list = json::parse(prov->body);
  CHECK(list["provisioners"][0] == json{{"type", "JWK"}, {"name", "admin-jwk"}, {"key", {{"kty", "EC"}}}});
}

TEST_CASE("SignAnswers201AndPassesDecodedRequest", "[api]") {
  Fixture f;
  auto res = f.client()->Post("/ssh/sign", signBody(), "application/json");
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(json::parse(res->body) == json{{"crt", "3q2+7w=="}});
  auto seen = f.authority.lastSign();
  REQUIRE(seen);
  CHECK(seen->publicKey == Bytes{0, 1, 2, 3});
  CHECK(seen->ott == kToken);
  CHECK(seen->certType == ssh::CertType::User);
  CHECK(seen->keyId == "alice");
  CHECK(seen->principals == std::vector<std::string>{"alice"});
  CHECK(seen->validBefore == "16h");
  CHECK(seen->clientAddress == "127.0.0.1");
}

TEST_CASE("RenewRekeyAndRevokeReachTheAuthority", "[api]") {
  Fixture f;
  auto c = f.client();
  auto renew = c->Post("/ssh/renew", R"({"ott":"t"})", "application/json");
  REQUIRE(renew);
  CHECK(renew->status == 201);
  CHECK(json::parse(renew->body)["crt"] == "3q2+7w==");
  auto rekey = c->Post("/1.0/ssh/rekey", R"({"ott":"t","publicKey":"AAECAw=="})", "application/json");
  REQUIRE(rekey);
  CHECK(rekey->status == 201);
  auto revoke = c->Post("/ssh/revoke", R"({"ott":"t","serial":"1"})", "application/json");
  REQUIRE(revoke);
  CHECK(revoke->status == 200);
  CHECK(json::parse(revoke->body) == json{{"status", "ok"}});
  f.authority.failure = makeError(ErrorCode::Unsupported, "renewal is not implemented yet");
  checkJsonError(c->Post("/ssh/renew", R"({"ott":"t"})", "application/json"), 400, "unsupported");
}

TEST_CASE("AuthorityErrorsMapToStatusAndJsonBody", "[api]") {
  Fixture f;
  struct Row {
    ErrorCode code;
    int status;
  };
  const Row table[] = {
      {ErrorCode::InvalidArgument, 400},  {ErrorCode::InvalidFormat, 400}, {ErrorCode::Unsupported, 400},
      {ErrorCode::NotFound, 404},         {ErrorCode::AlreadyExists, 409}, {ErrorCode::Unauthenticated, 401},
      {ErrorCode::PermissionDenied, 403}, {ErrorCode::PinIncorrect, 503},  {ErrorCode::PinLocked, 503},
      {ErrorCode::Replayed, 409},         {ErrorCode::Unavailable, 503},   {ErrorCode::CryptoFailure, 500},
      {ErrorCode::IoError, 500},          {ErrorCode::Internal, 500},      {ErrorCode::RateLimited, 429},
  };
  auto c = f.client();
  for (const Row& row : table) {
    INFO(errorCodeName(row.code));
    f.authority.failure = makeError(row.code, "refused for a reason");
    auto res = c->Post("/ssh/sign", signBody(), "application/json");
    checkJsonError(res, row.status, std::string(errorCodeName(row.code)));
    // A 5xx body says only what kind of failure it was; the log line says why.
    if (row.status < 500)
      CHECK(json::parse(res->body)["error"] == "refused for a reason");
    else
      CHECK(json::parse(res->body)["error"] != "refused for a reason");
    // 503 and 429 say when to come back.
    CHECK(res->has_header("Retry-After") == (row.status == 503 || row.status == 429));
  }
}

TEST_CASE("BadBodiesAnswer400NamingTheProblem", "[api]") {
  Fixture f;
  auto c = f.client();
  auto malformed = c->Post("/ssh/sign", "{\"ott\": \"" + kToken + "\",", "application/json");
  checkJsonError(malformed, 400, "invalid_argument");
  CHECK(json::parse(malformed->body)["error"] == "request body is not valid JSON");

  auto missing = c->Post("/ssh/sign", json{{"ott", kToken}}.dump(), "application/json");
  checkJsonError(missing, 400, "invalid_argument");
  CHECK(json::parse(missing->body)["error"] == "field \"publicKey\" is required");

  auto badBase64 = c->Post("/ssh/sign", json{{"ott", kToken}, {"publicKey", "not base64!"}}.dump(), "application/json");
  checkJsonError(badBase64, 400, "invalid_argument");
  CHECK(json::parse(badBase64->body)["error"] == "field \"publicKey\" is not valid base64");
  CHECK(f.authority.calls() == 0);
}

TEST_CASE("OversizedBodyAnswers413Json", "[api]") {
  Fixture f;
  std::string big = R"({"ott":")" + std::string(70 * 1024, 'a') + R"("})";
  checkJsonError(f.client()->Post("/ssh/sign", big, "application/json"), 413, "invalid_argument");
  CHECK(f.authority.calls() == 0);
}

namespace {

// The first line of the server's answer to `request`, sent byte for byte
// over TLS (openssl s_client: no HTTP client would send these heads).
std::string statusLineFor(Fixture& f, const std::string& request) {
  fs::path file = fs::path(f.tls.dir.path()) / "request.raw";
  {
    std::FILE* out = std::fopen(file.c_str(), "w");
    REQUIRE(out);
    std::fwrite(request.data(), 1, request.size(), out);
    std::fclose(out);
  }
  auto answer = run("timeout 20 openssl s_client -quiet -verify_return_error -CAfile '" + f.tls.caPem.string() +
                    "' -connect 127.0.0.1:" + std::to_string(f.server->port()) + " < '" + file.string() + "'");
  return answer.out.substr(0, answer.out.find("\r\n"));
}

}  // namespace

// Heads the front door refuses, each before the authority hears of it.
TEST_CASE("MalformedHeadsAreRefusedBeforeTheAuthority", "[api]") {
  Fixture f;
  const std::string body = signBody();
  const std::string length = std::to_string(body.size());
  const std::string sign = "POST /ssh/sign HTTP/1.1\r\nHost: ca\r\nContent-Type: application/json\r\n";
  std::string manyHeaders = "GET /health HTTP/1.1\r\nHost: ca\r\n";
  for (int i = 0; i < 200; ++i) manyHeaders += "X-" + std::to_string(i) + ": v\r\n";
  const std::string bigHeader = "GET /health HTTP/1.1\r\nHost: ca\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n";

  CHECK(statusLineFor(f, manyHeaders + "\r\n") == "HTTP/1.1 431 Request Header Fields Too Large");
  CHECK(statusLineFor(f, bigHeader + "\r\n") == "HTTP/1.1 431 Request Header Fields Too Large");
  CHECK(statusLineFor(f, sign + "Content-Length: " + length + "\r\nContent-Length: 7\r\n\r\n" + body) ==
        "HTTP/1.1 400 Bad Request");
  CHECK(statusLineFor(f, sign + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") == "HTTP/1.1 411 Length Required");
  CHECK(statusLineFor(f, sign + "\r\n") == "HTTP/1.1 411 Length Required");
  CHECK(statusLineFor(f, sign + "Content-Encoding: gzip\r\nContent-Length: " + length + "\r\n\r\n" + body) ==
        "HTTP/1.1 415 Unsupported Media Type");
  CHECK(f.authority.calls() == 0);
  // The same request with one Content-Length reaches it.
  CHECK(statusLineFor(f, sign + "Content-Length: " + length + "\r\nConnection: close\r\n\r\n" + body) ==
        "HTTP/1.1 201 Created");
  CHECK(f.authority.calls() == 1);
}

TEST_CASE("UnknownRouteAnswers404Json", "[api]") {
  Fixture f;
  auto c = f.client();
  checkJsonError(c->Get("/no/such/thing"), 404, "not_found");
  checkJsonError(c->Get("/ssh/sign"), 404, "not_found");  // wrong method
  checkJsonError(c->Get("/2.0/health"), 404, "not_found");
}

TEST_CASE("RoutesAnswerUnderTheVersionPrefix", "[api]") {
  Fixture f;
  auto c = f.client();
  auto health = c->Get("/1.0/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto sign = c->Post("/1.0/ssh/sign", signBody(), "application/json");
  REQUIRE(sign);
  CHECK(sign->status == 201);
}

TEST_CASE("CurlWithCacertReadsHealthAndSigns", "[api]") {
  Fixture f;
  std::string curl = "curl -sS --max-time 10 --cacert '" + f.tls.caPem.string() + "' -w '\\n%{http_code}' ";
  auto health = run(curl + "'" + f.url("/health") + "'");
  CHECK(health.status == 0);
  CHECK(health.out == R"({"db":"ok","hsm":"ok","status":"ok"})"
                      "\n200");

  fs::path body = fs::path(f.tls.dir.path()) / "sign.json";
  {
    std::FILE* out = std::fopen(body.c_str(), "w");
    REQUIRE(out);
    std::string text = signBody();
    std::fwrite(text.data(), 1, text.size(), out);
    std::fclose(out);
  }
  auto sign = run(curl + "-H 'Content-Type: application/json' --data-binary @'" + body.string() + "' '" +
                  f.url("/1.0/ssh/sign") + "'");
  CHECK(sign.status == 0);
  CHECK(sign.out == R"({"crt":"3q2+7w=="})"
                    "\n201");

  auto missing = run(curl + "-d '{}' '" + f.url("/ssh/sign") + "'");
  CHECK(missing.out == R"({"code":"invalid_argument","error":"field \"publicKey\" is required",)"
                       R"("message":"field \"publicKey\" is required","status":400})"
                       "\n400");
}

TEST_CASE("RefusesTls11AcceptsTls12", "[api]") {
  Fixture f;
  // SECLEVEL=0 lets curl's OpenSSL offer TLS 1.1 at all, so the refusal
  // tested is the server's.
  std::string curl = "curl -sS --max-time 10 -o /dev/null --cacert '" + f.tls.caPem.string() + "' ";
  auto old = run(curl + "--tlsv1.0 --tls-max 1.1 --ciphers 'DEFAULT:@SECLEVEL=0' '" + f.url("/health") + "'");
  CHECK(old.status != 0);
  auto tls12 = run(curl + "--tlsv1.2 --tls-max 1.2 -w '%{http_code}' '" + f.url("/health") + "'");
  CHECK(tls12.status == 0);
  CHECK(tls12.out == "200");
}

TEST_CASE("LogsOneJsonLinePerRequestWithoutToken", "[api]") {
  Fixture f;
  auto c = f.client();
  REQUIRE(c->Post("/ssh/sign", signBody(), "application/json"));
  f.authority.failure = makeError(ErrorCode::Replayed, "token already used");
  REQUIRE(c->Post("/1.0/ssh/sign", signBody(), "application/json"));
  REQUIRE(c->Post("/ssh/sign", "{\"ott\":\"" + kToken, "application/json"));
  auto lines = f.waitForLogLines(3);
  REQUIRE(lines.size() == 3);
  for (const auto& line : lines) {
    CHECK(line.find(kToken) == std::string::npos);
    CHECK(line.find('\n') == std::string::npos);
  }
  auto ok = json::parse(lines[0]);
  CHECK(ok["method"] == "POST");
  CHECK(ok["path"] == "/ssh/sign");
  CHECK(ok["status"] == 201);
  CHECK(ok["latency_ms"].is_number());
  CHECK(ok["provisioner"] == "admin-jwk");
  CHECK(ok["subject"] == "alice");
  CHECK(ok["serial"] == "1234567890123");
  auto replayed = json::parse(lines[1]);
  CHECK(replayed["status"] == 409);
  CHECK(replayed["path"] == "/1.0/ssh/sign");
  CHECK_FALSE(replayed.contains("serial"));
  // Every non-2xx line says which error and why.
  CHECK(replayed["error"] == "replayed");
  CHECK(replayed["reason"] == "token already used");
  CHECK_FALSE(ok.contains("error"));
  CHECK(json::parse(lines[2])["status"] == 400);
  CHECK(json::parse(lines[2])["error"] == "invalid_argument");
}

TEST_CASE("StartRefusesMissingKeyBadAddressAndTakenPort", "[api]") {
  TestTls tls;
  test::FakeAuthority authority;
  api::HttpsServerOptions o;
  o.listenAddress = "127.0.0.1:0";
  o.tls = {tls.chainPem.string(), (fs::path(tls.dir.path()) / "absent.pem").string()};
  auto noKey = api::HttpsServer::start(o, authority);
  REQUIRE_FALSE(noKey.ok());
  CHECK(noKey.error().code == ErrorCode::NotFound);

  o.tls.privateKeyFile = tls.keyPem.string();
  o.listenAddress = "127.0.0.1";
  CHECK_FALSE(api::HttpsServer::start(o, authority).ok());
  o.listenAddress = "127.0.0.1:70000";
  CHECK_FALSE(api::HttpsServer::start(o, authority).ok());

  o.listenAddress = "127.0.0.1:0";
  auto server = api::HttpsServer::start(o, authority);
  REQUIRE(server.ok());
  int port = (*server)->port();
  // A second server on the same port is refused.
  o.listenAddress = "127.0.0.1:" + std::to_string(port);
  auto clash = api::HttpsServer::start(o, authority);
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::IoError);
  (*server)->stop();
  (*server)->stop();
}
