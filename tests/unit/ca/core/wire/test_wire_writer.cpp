#include <catch2/catch.hpp>

#include "ca/core/wire/reader.h"
#include "ca/core/wire/writer.h"

using sshca::Bytes;
using sshca::wire::Reader;
using sshca::wire::Writer;

TEST_CASE("WireWriterEncodesIntegersAndStrings") {
  Writer w;
  w.u8(1);
  w.boolean(true);
  w.u32(0x01020304);
  w.u64(0x0102030405060708ull);
  w.cstring("ab");
  CHECK(w.bytes() == Bytes{1, 1, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 2, 'a', 'b'});
}

TEST_CASE("WireWriterEncodesMpintsMinimally") {
  auto enc = [](Bytes mag) {
    Writer w;
    w.mpint(mag);
    return w.bytes();
  };
  CHECK(enc({}) == Bytes{0, 0, 0, 0});
  CHECK(enc({0, 0}) == Bytes{0, 0, 0, 0});
  CHECK(enc({0x80}) == Bytes{0, 0, 0, 2, 0, 0x80});
  CHECK(enc({0, 0, 0x7f}) == Bytes{0, 0, 0, 1, 0x7f});
  CHECK(enc({0x09, 0xa3}) == Bytes{0, 0, 0, 2, 0x09, 0xa3});
}

TEST_CASE("WireWriterOutputRoundTripsThroughReader") {
  Writer inner;
  inner.cstring("x");
  Writer w;
  w.u64(42);
  w.mpint(Bytes{0xff, 0x01});
  w.nested(inner);
  std::vector<std::string> names{"a", "b"};
  w.nameList(names);
  Reader r(w.bytes());
  CHECK(*r.u64() == 42);
  auto m = r.mpint();
  REQUIRE(m.ok());
  CHECK(Bytes(m->begin(), m->end()) == Bytes{0xff, 0x01});
  auto sub = r.subReader();
  REQUIRE(sub.ok());
  CHECK(*sub->cstring() == "x");
  CHECK(*r.nameList() == names);
  CHECK(r.expectEnd().ok());
}
