#include <catch2/catch.hpp>

#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

using sshca::Bytes;
using sshca::ErrorCode;
using sshca::wire::Reader;
using sshca::wire::Writer;

namespace {

Bytes b(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<uint8_t>(x));
  return out;
}

// Runs `get` on every strict prefix of `full`: each must fail cleanly
// and leave the position at 0; the full input must succeed.
template <class Get>
void expectTruncationFails(const Bytes& full, Get get) {
  for (size_t n = 0; n < full.size(); ++n) {
    Reader r(std::span<const uint8_t>(full.data(), n));
    auto res = get(r);
    INFO("prefix length " << n);
    CHECK_FALSE(res.ok());
    CHECK(res.error().code == ErrorCode::InvalidFormat);
    CHECK(r.position() == 0);
  }
  Reader r(full);
  CHECK(get(r).ok());
  CHECK(r.expectEnd().ok());
}

}  // namespace

TEST_CASE("WireReaderReadsEveryIntegerBigEndian") {
  Bytes in = b({0x7f, 1, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 0});
  Reader r(in);
  CHECK(*r.u8() == 0x7f);
  CHECK(*r.boolean() == true);
  CHECK(*r.u32() == 0xdeadbeefu);
  CHECK(*r.u64() == 0x0102030405060708ull);
  CHECK(*r.boolean() == false);
  CHECK(r.remaining() == 0);
  CHECK(r.expectEnd().ok());
}

TEST_CASE("WireReaderFailsCleanlyOnTruncatedU8") {
  expectTruncationFails(b({1}), [](Reader& r) { return r.u8(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedBool") {
  expectTruncationFails(b({1}), [](Reader& r) { return r.boolean(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedU32") {
  expectTruncationFails(b({1, 2, 3, 4}), [](Reader& r) { return r.u32(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedU64") {
  expectTruncationFails(b({1, 2, 3, 4, 5, 6, 7, 8}), [](Reader& r) { return r.u64(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedString") {
  expectTruncationFails(b({0, 0, 0, 3, 'a', 'b', 'c'}), [](Reader& r) { return r.string(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedCstring") {
  expectTruncationFails(b({0, 0, 0, 2, 'h', 'i'}), [](Reader& r) { return r.cstring(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedMpint") {
  expectTruncationFails(b({0, 0, 0, 2, 0x00, 0x80}), [](Reader& r) { return r.mpint(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedNameList") {
  expectTruncationFails(b({0, 0, 0, 3, 'a', ',', 'b'}), [](Reader& r) { return r.nameList(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedSubReader") {
  expectTruncationFails(b({0, 0, 0, 4, 0, 0, 0, 0}), [](Reader& r) { return r.subReader(); });
}
TEST_CASE("WireReaderFailsCleanlyOnTruncatedRaw") {
  expectTruncationFails(b({1, 2, 3}), [](Reader& r) { return r.raw(3); });
}

TEST_CASE("WireReaderRefusesStringLongerThanCap") {
  Writer w;
  w.u32(static_cast<uint32_t>(sshca::wire::kMaxStringLen + 1));
  Bytes in = w.bytes();
  in.resize(in.size() + sshca::wire::kMaxStringLen + 1);
  Reader r(in);
  auto s = r.string();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("cap") != std::string::npos);
}

TEST_CASE("WireReaderRefusesHugeLengthWithoutReadingPastEnd") {
  Bytes in = b({0xff, 0xff, 0xff, 0xff, 'x'});
  Reader r(in);
  CHECK_FALSE(r.string().ok());
  CHECK(r.position() == 0);
}

TEST_CASE("WireReaderRefusesCstringWithNul") {
  Bytes in = b({0, 0, 0, 3, 'a', 0, 'b'});
  Reader r(in);
  auto s = r.cstring();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("NUL") != std::string::npos);
}

TEST_CASE("WireReaderDecodesMpintsPerRfc4251Examples") {
  // RFC 4251 §5 examples: 0, 9a378f9b2e332a7, 80, -1234, -deadbeef.
  Bytes zero = b({0, 0, 0, 0});
  Bytes big = b({0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7});
  Bytes x80 = b({0, 0, 0, 2, 0x00, 0x80});
  Bytes neg = b({0, 0, 0, 2, 0xed, 0xcc});
  Bytes negBig = b({0, 0, 0, 5, 0xff, 0x21, 0x52, 0x41, 0x11});
  CHECK(Reader(zero).mpint()->empty());
  CHECK(Reader(big).mpint()->size() == 8);
  auto m80 = Reader(x80).mpint();
  REQUIRE(m80.ok());
  CHECK(Bytes(m80->begin(), m80->end()) == b({0x80}));
  CHECK(Reader(neg).mpintSigned().ok());
  CHECK(Reader(negBig).mpintSigned().ok());
  auto asUnsigned = Reader(neg).mpint();
  REQUIRE_FALSE(asUnsigned.ok());
  CHECK(asUnsigned.error().message.find("negative") != std::string::npos);
}

TEST_CASE("WireReaderRefusesNonMinimalMpints") {
  for (const Bytes& in : {b({0, 0, 0, 1, 0x00}), b({0, 0, 0, 2, 0x00, 0x7f}), b({0, 0, 0, 3, 0x00, 0x00, 0x80}),
                          b({0, 0, 0, 2, 0xff, 0x80})}) {
    Reader r(in);
    CHECK_FALSE(r.mpintSigned().ok());
    CHECK(r.position() == 0);
  }
}

TEST_CASE("WireReaderRefusesOversizedMpint") {
  Writer w;
  Bytes mag(sshca::wire::kMaxMpintBytes + 1, 0x11);
  w.mpint(mag);
  CHECK_FALSE(Reader(w.bytes()).mpint().ok());
}

TEST_CASE("WireReaderParsesNameListsAndRefusesEmptyNames") {
  Writer w;
  w.cstring("aes128-ctr,ssh-ed25519");
  auto names = Reader(w.bytes()).nameList();
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"aes128-ctr", "ssh-ed25519"});
  Writer empty;
  empty.cstring("");
  CHECK(Reader(empty.bytes()).nameList()->empty());
  for (const char* badList : {",a", "a,", "a,,b", "a b"}) {
    Writer bad;
    bad.cstring(badList);
    CHECK_FALSE(Reader(bad.bytes()).nameList().ok());
  }
}

TEST_CASE("WireReaderSubReaderIsBoundedToTheNestedString") {
  Writer inner;
  inner.u32(7);
  Writer outer;
  outer.nested(inner);
  outer.u8(9);
  Reader r(outer.bytes());
  auto sub = r.subReader();
  REQUIRE(sub.ok());
  CHECK(*sub->u32() == 7);
  CHECK_FALSE(sub->u8().ok());  // does not see the outer byte
  CHECK(*r.u8() == 9);
}

TEST_CASE("WireReaderExpectEndRefusesTrailingData") {
  Bytes in = b({0, 0, 0, 1, 2});
  Reader r(in);
  REQUIRE(r.u32().ok());
  auto st = r.expectEnd();
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message == "1 bytes of trailing data");
}
