// Distinguished names, subject alternative names, serials, reasons.
#include <catch2/catch.hpp>

#include "ca/core/x509/distinguished_name.h"
#include "ca/core/x509/revocation_reason.h"
#include "ca/core/x509/serial_number.h"
#include "ca/core/x509/subject_alt_name.h"
#include "tests/unit/support/x509_test_pki.h"

using namespace sshca;
using sshca::test::must;

TEST_CASE("ParsesBothDistinguishedNameForms", "[x509]") {
  auto a = must(x509::parseDistinguishedName("/C=US/O=Example, Inc./CN=Example Root CA"));
  auto b = must(x509::parseDistinguishedName("C=US, O=Example\\, Inc., CN=Example Root CA"));
  CHECK(X509_NAME_cmp(a.get(), b.get()) == 0);
  CHECK(x509::formatDistinguishedName(a.get()) == "C=US, O=Example\\, Inc., CN=Example Root CA");
  CHECK(x509::commonNameOf(a.get()) == "Example Root CA");
}

TEST_CASE("RefusesMalformedDistinguishedNames", "[x509]") {
  auto bad = GENERATE(std::string("CN"), std::string("XX=foo"), std::string("CN="), std::string("CN=a,,O=b"),
                      std::string("CN=a\\"), std::string("C=USA"));
  CHECK_FALSE(x509::parseDistinguishedName(bad).ok());
}

TEST_CASE("ChecksDnsNamesAndWildcards", "[x509]") {
  for (const char* ok : {"www.example.com", "*.example.com", "a-b.example.co.uk", "xn--bcher-kva.example", "localhost"})
    CHECK(x509::checkDnsName(ok).ok());
  for (const char* bad : {"", "*.com", "a.*.example.com", "-a.example.com", "a_b.example.com", "example.com.",
                          "www..example.com", "*x.example.com"})
    CHECK_FALSE(x509::checkDnsName(bad).ok());
}

TEST_CASE("ParsesSanListsAndCanonicalizesAddresses", "[x509]") {
  auto sans = must(x509::parseSubjectAltNames("DNS:WWW.Example.com,IP:192.0.2.1,ip:2001:DB8::1,DNS:www.example.com"));
  REQUIRE(sans.size() == 3);
  CHECK(sans[0].toString() == "DNS:www.example.com");
  CHECK(sans[1].toString() == "IP:192.0.2.1");
  CHECK(sans[2].toString() == "IP:2001:db8::1");
  CHECK_FALSE(x509::parseSubjectAltNames("IP:300.1.1.1").ok());
  CHECK_FALSE(x509::parseSubjectAltNames("email:a@b.example").ok());
  CHECK_FALSE(x509::parseSubjectAltNames("www.example.com").ok());
}

TEST_CASE("SerialHexRoundTripsAndNormalizes", "[x509]") {
  auto serial = must(x509::randomSerial(systemRandom()));
  auto hex = must(x509::serialToHex(serial.get()));
  CHECK(hex.size() == 32);
  CHECK(must(x509::normalizeSerialHex("0x" + hex)) == hex);
  CHECK(must(x509::normalizeSerialHex("4a:bc")) == "4ABC");
  CHECK_FALSE(x509::normalizeSerialHex("xyz").ok());
  CHECK_FALSE(x509::normalizeSerialHex("0").ok());
  CHECK_FALSE(x509::normalizeSerialHex("").ok());
}

TEST_CASE("ParsesRevocationReasonsLikeOpenssl", "[x509]") {
  CHECK(must(x509::parseRevocationReason("keyCompromise")) == x509::RevocationReason::KeyCompromise);
  CHECK(must(x509::parseRevocationReason("key-compromise")) == x509::RevocationReason::KeyCompromise);
  CHECK(must(x509::parseRevocationReason("SUPERSEDED")) == x509::RevocationReason::Superseded);
  CHECK(x509::revocationReasonName(x509::RevocationReason::CaCompromise) == "cACompromise");
  CHECK_FALSE(x509::parseRevocationReason("stolen").ok());
  CHECK_FALSE(x509::revocationReasonFromCode(7).ok());
}
