// ParseTarget on hostile targets (undecodable UTF-8, NUL) and FromBeast, the conversion of a parsed
// Beast request into a Request. No server.
#include "http/beast_request.h"

#include <gtest/gtest.h>

namespace civicgrid::http {
namespace {

TEST(ParseTarget, DecodesUtf8SegmentsAndQuery) {
  Request request;
  ASSERT_TRUE(ParseTarget("/api/v1/grids/%E7%AC%AC1?name=%E7%BD%91%E6%A0%BC&x=%C3%A9", request).ok());
  EXPECT_EQ(request.path, "/api/v1/grids/第1");
  ASSERT_EQ(request.segments.size(), 4u);
  EXPECT_EQ(request.segments[3], "第1");
  EXPECT_EQ(request.Query("name"), "网格");
  EXPECT_EQ(request.Query("x"), "é");
}

TEST(ParseTarget, RejectsDecodedTextThatIsNotUtf8OrHoldsNul) {
  const char* targets[] = {
      "/a/%C3%28",         // truncated sequence
      "/a/%80",            // stray continuation byte
      "/a/%C0%AF",         // overlong '/'
      "/a/%E0%80%AF",      // overlong '/', three bytes
      "/a/%ED%A0%80",      // surrogate
      "/a/%F4%90%80%80",   // above U+10FFFF
      "/a/%00",            // NUL
      "/a/b%00.txt",
      "/a?q=%FF",          // query value
      "/a?%FF=1",          // query key
      "/a?q=a%00b",
      "/a?%00",
  };
  for (const char* target : targets) {
    Request request;
    request.path = "unchanged";
    auto parsed = ParseTarget(target, request);
    ASSERT_FALSE(parsed.ok()) << target;
    EXPECT_EQ(parsed.error().code, "invalid_argument") << target;
    EXPECT_EQ(parsed.error().field, "target") << target;
    EXPECT_EQ(request.path, "unchanged") << target;
  }
}

TEST(ParseTarget, RejectsMalformedTargets) {
  Request request;
  EXPECT_FALSE(ParseTarget("", request).ok());
  EXPECT_FALSE(ParseTarget("*", request).ok());
  EXPECT_FALSE(ParseTarget("/a b", request).ok());
  EXPECT_FALSE(ParseTarget("/a%zz", request).ok());
  EXPECT_FALSE(ParseTarget("/\xC3\xA9", request).ok());  // raw bytes must be percent-encoded
}

TEST(FromBeast, FillsTheRequest) {
  BeastRequest message{Verb::post, "/api/v1/cases/7/actions?dry=1", 11};
  message.set("Content-Type", "application/json");
  message.insert("X-Thing", "a");
  message.insert("x-thing", "b");
  message.set("X-Request-Id", "abc-123");
  message.body() = R"({"action":"accept"})";
  Request request;
  request.remote = "127.0.0.1:5000";
  ASSERT_TRUE(FromBeast(message, request).ok());
  EXPECT_EQ(request.method, Verb::post);
  EXPECT_EQ(request.path, "/api/v1/cases/7/actions");
  EXPECT_EQ(request.segments, (std::vector<std::string>{"api", "v1", "cases", "7", "actions"}));
  EXPECT_EQ(request.Query("dry"), "1");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.headers.at("x-thing"), "a, b");
  EXPECT_EQ(request.id, "abc-123");
  EXPECT_EQ(request.body, R"({"action":"accept"})");
  EXPECT_EQ(request.remote, "127.0.0.1:5000");
}

TEST(FromBeast, RefusedTargetKeepsTheRawPathForLogs) {
  BeastRequest message{Verb::get, "/api/%FF?q=1", 11};
  message.body() = "kept";
  Request request;
  auto converted = FromBeast(message, request);
  ASSERT_FALSE(converted.ok());
  EXPECT_EQ(converted.error().field, "target");
  EXPECT_EQ(request.path, "/api/%FF");
  EXPECT_FALSE(request.id.empty());
  EXPECT_EQ(message.body(), "kept");
}

TEST(RequestIdFor, KeepsPlainIdsOnly) {
  EXPECT_EQ(RequestIdFor("abc-123_x.y"), "abc-123_x.y");
  EXPECT_NE(RequestIdFor("bad id"), "bad id");
  EXPECT_NE(RequestIdFor(std::string(65, 'a')), std::string(65, 'a'));
  EXPECT_NE(RequestIdFor(""), RequestIdFor(""));
  EXPECT_EQ(RequestIdFor("").size(), 17u);
}

}  // namespace
}  // namespace civicgrid::http
