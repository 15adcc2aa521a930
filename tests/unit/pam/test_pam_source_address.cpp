#include <catch2/catch.hpp>

#include "pam/source_address.h"

using sshca::pam::addressInList;

TEST_CASE("PamSourceAddressMatchesOpenSshCidrLists") {
  CHECK(addressInList("127.0.0.1", "127.0.0.1"));
  CHECK(addressInList("10.1.2.3", "192.168.0.0/16,10.0.0.0/8"));
  CHECK_FALSE(addressInList("11.1.2.3", "192.168.0.0/16,10.0.0.0/8"));
  CHECK(addressInList("192.168.7.9", "192.168.7.8/31"));
  CHECK_FALSE(addressInList("192.168.7.10", "192.168.7.8/31"));
  CHECK(addressInList("2001:db8::1", "2001:db8::/32"));
  CHECK_FALSE(addressInList("2001:db9::1", "2001:db8::/32"));
  CHECK(addressInList("1.2.3.4", "0.0.0.0/0"));
  CHECK_FALSE(addressInList("::1", "127.0.0.1/8"));  // families never mix
}

TEST_CASE("PamSourceAddressUnparsableNeverMatches") {
  CHECK_FALSE(addressInList("host.example.com", "0.0.0.0/0"));
  CHECK_FALSE(addressInList("", "0.0.0.0/0"));
  CHECK_FALSE(addressInList("10.0.0.1", "10.0.0.0/33"));
  CHECK_FALSE(addressInList("10.0.0.1", "10.0.0.0/"));
  CHECK_FALSE(addressInList("10.0.0.1", "10.0.0.0/-1"));
  CHECK_FALSE(addressInList("10.0.0.1", ""));
}

// As OpenSSH's addr_match_cidr_list: one bad entry refuses the whole list,
// wherever it stands, even next to one that matches.
TEST_CASE("PamSourceAddressOneMalformedEntryRefusesTheList") {
  CHECK_FALSE(addressInList("10.1.2.3", "bogus,10.0.0.0/8"));
  CHECK_FALSE(addressInList("10.1.2.3", "10.0.0.0/8,bogus"));
  CHECK_FALSE(addressInList("10.1.2.3", "10.0.0.0/8,192.168.0.0/33"));
  CHECK_FALSE(addressInList("10.1.2.3", "10.0.0.0/8,"));
  CHECK_FALSE(addressInList("10.1.2.3", ",10.0.0.0/8"));
  CHECK(addressInList("10.1.2.3", "2001:db8::/32,10.0.0.0/8"));  // another family is not malformed
}
