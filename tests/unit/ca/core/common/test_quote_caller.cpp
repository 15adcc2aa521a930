#include <catch2/catch.hpp>

#include "ca/core/common/quote_caller.h"

using namespace sshca;

TEST_CASE("QuotedEscapesControlCharactersQuotesAndBackslashes") {
  CHECK(quoteCaller("alice") == "'alice'");
  CHECK(quoteCaller("r\x1b[2Joot\n") == "'r\\x1b[2Joot\\x0a'");
  CHECK(quoteCaller(std::string("a\0b", 3)) == "'a\\x00b'");
  CHECK(quoteCaller("it's a\\b") == "'it\\x27s a\\x5cb'");
  CHECK(quoteCaller("\x7f\xc3\xa9") == "'\\x7f\\xc3\\xa9'");
}

TEST_CASE("QuotedCutsLongTextToItsBound") {
  std::string longText(10000, 'a');
  CHECK(quoteCaller(longText) == "'" + std::string(kMaxQuotedBytes, 'a') + "...'");
  CHECK(quoteCaller("abcdef", 3) == "'abc...'");
}
