// IsValidUtf8: accepts well-formed UTF-8 only (RFC 3629).
#include "core/text.h"

#include <gtest/gtest.h>

#include <string>

namespace civicgrid {
namespace {

using namespace std::string_literals;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii ~"));
  EXPECT_TRUE(IsValidUtf8("a\0b"s));                // NUL is ASCII; callers refuse it separately
  EXPECT_TRUE(IsValidUtf8("é"));                     // C3 A9
  EXPECT_TRUE(IsValidUtf8("第1网格"));               // three-byte sequences
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));      // U+1F600, four bytes
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));              // U+0080, smallest two-byte
  EXPECT_TRUE(IsValidUtf8("\xDF\xBF"));              // U+07FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));          // U+0800, smallest three-byte
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));          // U+E000, just above them
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));          // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));      // U+10000, smallest four-byte
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the largest code point
}

TEST(Utf8, RejectsStrayAndTruncatedBytes) {
  EXPECT_FALSE(IsValidUtf8("\x80"));                 // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("a\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));                 // truncated at the end
  EXPECT_FALSE(IsValidUtf8("\xE7\xAC"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));
  EXPECT_FALSE(IsValidUtf8("\xC3(x"));               // second byte not a continuation
  EXPECT_FALSE(IsValidUtf8("\xE7\xAC(x"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98("));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xFF\xFE"));
}

TEST(Utf8, RejectsOverlongEncodings) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));             // '/' in two bytes
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));             // NUL in two bytes ("modified UTF-8")
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));         // '/' in three bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));         // U+07FF in three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));     // '/' in four bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));     // U+FFFF in four bytes
}

TEST(Utf8, RejectsSurrogatesAndCodePointsAboveTheRange) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));         // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));         // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // a surrogate pair in CESU-8
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));     // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF7\xBF\xBF\xBF"));
}

}  // namespace
}  // namespace civicgrid
