// One-time tokens in the SQLite SSH store: replay refused, a certificate
// and the token that paid for it recorded together or not at all, pruning.
#include <catch2/catch.hpp>

#include "support/temp_dir.h"

#include <stdlib.h>

#include <filesystem>

#include "store/ssh_sqlite_store.h"

using namespace sshca;
using store::SqliteSshStore;
using store::SshCertificateRecord;
using store::TokenUse;

namespace {

const char* const kCa = "SHA256:userCAuserCAuserCAuserCAuserCAuserCAuserC";

using test::TempDir;

SshCertificateRecord record(uint64_t serial) {
  SshCertificateRecord r;
  r.serial = serial;
  r.caFingerprint = kCa;
  r.certType = "host";
  r.keyId = "web1.example.com";
  r.principals = {"web1.example.com"};
  r.validAfter = 1700000000;
  r.validBefore = 1800000000;
  r.keyFingerprint = "SHA256:key";
  r.provisioner = "jwk";
  r.subject = "web1.example.com";
  r.certificate = {1, 2, 3};
  r.issuedAt = 1700000000;
  return r;
}

TokenUse token(std::string id, int64_t expiresAt = 1700000600) { return {std::move(id), "jwk", expiresAt, 1700000000}; }

std::unique_ptr<SqliteSshStore> open(const std::string& path) {
  auto s = SqliteSshStore::open(path);
  REQUIRE(s.ok());
  return std::move(s).value();
}

}  // namespace

TEST_CASE("TokenUsedTwiceIsReplayed", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->useToken("jti-1", "jwk", 1700000600, 1700000000).ok());
  auto again = db->useToken("jti-1", "jwk", 1700000600, 1700000001);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::Replayed);
  CHECK(again.error().message.find("jti-1") == std::string::npos);  // no token material in messages
  // Token IDs are scoped by provisioner.
  CHECK(db->useToken("jti-1", "other-jwk", 1700000600, 1700000001).ok());
}

TEST_CASE("ReplayedTokenWritesNoCertificate", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->recordIssued(record(1), token("jti-1")).ok());
  CHECK(db->findBySerial(kCa, 1)->has_value());
  auto replay = db->recordIssued(record(2), token("jti-1"));
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().code == ErrorCode::Replayed);
  CHECK_FALSE(db->findBySerial(kCa, 2)->has_value());
}

TEST_CASE("TakenSerialDoesNotConsumeTheToken", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->insert(record(1)).ok());
  auto clash = db->recordIssued(record(1), token("jti-2"));
  REQUIRE_FALSE(clash.ok());
  CHECK(clash.error().code == ErrorCode::AlreadyExists);
  // Rolled back with the certificate: the caller may retry with a new serial.
  CHECK(db->recordIssued(record(2), token("jti-2")).ok());
}

TEST_CASE("PruneForgetsOnlyExpiredTokens", "[store]") {
  TempDir dir;
  auto db = open(dir.file("ca.db"));
  REQUIRE(db->useToken("old", "jwk", 1700000100, 1700000000).ok());
  REQUIRE(db->useToken("edge", "jwk", 1700000200, 1700000000).ok());
  REQUIRE(db->useToken("fresh", "jwk", 1700000900, 1700000000).ok());
  REQUIRE(db->pruneExpired(1700000200).ok());
  CHECK(db->useToken("old", "jwk", 1700000100, 1700000300).ok());  // forgotten
  CHECK(db->useToken("edge", "jwk", 1700000200, 1700000300).error().code == ErrorCode::Replayed);  // exp == now kept
  CHECK(db->useToken("fresh", "jwk", 1700000900, 1700000300).error().code == ErrorCode::Replayed);
}
