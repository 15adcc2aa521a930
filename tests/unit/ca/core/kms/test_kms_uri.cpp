// kms and key URI parsing (RFC 7512 through p11-kit) and PIN sources.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <catch2/catch.hpp>

#include "ca/core/kms/kms_uri.h"

using namespace sshca;

namespace {

// Captures std::cerr for the scope.
class CerrCapture {
 public:
  CerrCapture() : old_(std::cerr.rdbuf(buf_.rdbuf())) {}
  ~CerrCapture() { std::cerr.rdbuf(old_); }
  std::string text() const { return buf_.str(); }

 private:
  std::ostringstream buf_;
  std::streambuf* old_;
};

std::string tempFile(const std::string& content, std::filesystem::perms perms) {
  char tmpl[] = "/tmp/sshca-pin.XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(tmpl) << content;
  std::filesystem::permissions(tmpl, perms);
  return tmpl;
}

}  // namespace

TEST_CASE("KmsUriParsesModulePathTokenAndPinSource") {
  auto uri = parseKmsUri("pkcs11:module-path=/usr/lib/x.so;token=sshca?pin-source=file:/etc/sshca/pin");
  REQUIRE(uri.ok());
  CHECK(uri->modulePath == "/usr/lib/x.so");
  CHECK(uri->tokenLabel == "sshca");
  CHECK(uri->pinSource == "file:/etc/sshca/pin");
  CHECK_FALSE(uri->pinValue);
  CHECK_FALSE(uri->slotId);
}

TEST_CASE("KmsUriTakesModulePathFromTheQueryAsRfc7512Says") {
  auto uri = parseKmsUri("pkcs11:token=sshca?module-path=/usr/lib/y.so&pin-source=file:/p");
  REQUIRE(uri.ok());
  CHECK(uri->modulePath == "/usr/lib/y.so");
  CHECK(uri->tokenLabel == "sshca");
  CHECK(uri->pinSource == "file:/p");
}

TEST_CASE("BadUriMessageHidesPinValue") {
  auto uri = parseKmsUri("pkcs11:token=%zz?pin-value=s3cret");
  REQUIRE_FALSE(uri.ok());
  CHECK(uri.error().message.find("s3cret") == std::string::npos);
}

TEST_CASE("KmsUriDefaultsToSoftHsmModule") {
  auto uri = parseKmsUri("pkcs11:token=my%20token");
  REQUIRE(uri.ok());
  CHECK(uri->modulePath == kDefaultPkcs11Module);
  CHECK(uri->tokenLabel == "my token");
}

TEST_CASE("KmsUriReadsSlotIdAndSerial") {
  auto uri = parseKmsUri("pkcs11:slot-id=7;serial=abc123");
  REQUIRE(uri.ok());
  REQUIRE(uri->slotId);
  CHECK(*uri->slotId == 7);
  CHECK(uri->tokenSerial == "abc123");
}

TEST_CASE("KmsUriRejectsBadUris") {
  const char* bad[] = {
      "", "token=sshca", "http://x", "pkcs11:token=%zz", "pkcs11:module-path=/x.so", "pkcs11:token=a;bogus-attr=1"};
  for (const char* s : bad) {
    INFO(s);
    auto uri = parseKmsUri(s);
    REQUIRE_FALSE(uri.ok());
    CHECK(uri.error().code == ErrorCode::InvalidArgument);
  }
}

TEST_CASE("KeyUriParsesLabelAndPercentEncodedId") {
  auto ref = parseKeyUri("pkcs11:object=ssh-user-ca;id=%01%02");
  REQUIRE(ref.ok());
  CHECK(ref->label == "ssh-user-ca");
  CHECK(ref->id == Bytes{0x01, 0x02});
}

TEST_CASE("KeyUriWithoutObjectOrIdIsRefused") {
  auto ref = parseKeyUri("pkcs11:token=sshca");
  REQUIRE_FALSE(ref.ok());
  CHECK(ref.error().code == ErrorCode::InvalidArgument);
}

TEST_CASE("KeyRefToUriRoundTrips") {
  KeyRef ref{"ssh user;ca", {0x01, 0xff}};
  auto back = parseKeyUri(ref.toUri());
  REQUIRE(back.ok());
  CHECK(back->label == ref.label);
  CHECK(back->id == ref.id);
}

// DESIGN: never a PIN from a command line argument (--kms is one).
TEST_CASE("PinValueIsRefused") {
  auto uri = parseKmsUri("pkcs11:token=t?pin-value=1234");
  REQUIRE(uri.ok());
  auto pin = resolvePin(*uri);
  REQUIRE_FALSE(pin.ok());
  CHECK(pin.error().code == ErrorCode::InvalidArgument);
  CHECK(pin.error().message.find("pin-value= in a kms URI is not accepted") != std::string::npos);
  CHECK(pin.error().message.find("1234") == std::string::npos);
}

TEST_CASE("PinSourceFileHasTrailingNewlineStripped") {
  std::string path = tempFile("s3cret\n", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto uri = parseKmsUri("pkcs11:token=t?pin-source=file:" + path);
  REQUIRE(uri.ok());
  CerrCapture err;
  auto pin = resolvePin(*uri);
  std::filesystem::remove(path);
  REQUIRE(pin.ok());
  CHECK(pin->view() == "s3cret");
  CHECK(err.text().empty());
}

TEST_CASE("WorldReadablePinFileWarns") {
  std::string path = tempFile("s3cret\n", std::filesystem::perms::owner_read | std::filesystem::perms::others_read);
  auto uri = parseKmsUri("pkcs11:token=t?pin-source=file:" + path);
  REQUIRE(uri.ok());
  CerrCapture err;
  auto pin = resolvePin(*uri);
  std::filesystem::remove(path);
  REQUIRE(pin.ok());
  CHECK(err.text().find("readable by group or others") != std::string::npos);
  CHECK(err.text().find("s3cret") == std::string::npos);
}

TEST_CASE("PinComesFromEnvironmentWhenUriHasNone") {
  setenv("SSHCA_PIN", "9876", 1);
  auto uri = parseKmsUri("pkcs11:token=t");
  REQUIRE(uri.ok());
  auto pin = resolvePin(*uri);
  unsetenv("SSHCA_PIN");
  REQUIRE(pin.ok());
  CHECK(pin->view() == "9876");
}

TEST_CASE("MissingPinNamesTheTwoWays") {
  unsetenv("SSHCA_PIN");
  auto uri = parseKmsUri("pkcs11:token=t");
  REQUIRE(uri.ok());
  auto pin = resolvePin(*uri);
  REQUIRE_FALSE(pin.ok());
  CHECK(pin.error().code == ErrorCode::NotFound);
  CHECK(pin.error().message.find("pin-source") != std::string::npos);
  CHECK(pin.error().message.find("SSHCA_PIN") != std::string::npos);
}

TEST_CASE("MissingPinFileIsNotFound") {
  auto uri = parseKmsUri("pkcs11:token=t?pin-source=file:/nonexistent/pin");
  REQUIRE(uri.ok());
  auto pin = resolvePin(*uri);
  REQUIRE_FALSE(pin.ok());
  CHECK(pin.error().code == ErrorCode::NotFound);
}
