// JsonObjectBody on hostile bodies: invalid UTF-8, deep nesting, non-objects. No server.
#include "http/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace civicgrid::http {
namespace {

Result<boost::json::object> Decode(std::string body) {
  Request request;
  request.body = std::move(body);
  return JsonObjectBody(request);
}

// An object nesting `levels` containers in all: {"a":{"a":...{}...}}.
std::string NestedObjects(size_t levels) {
  std::string out;
  for (size_t i = 1; i < levels; ++i) out += R"({"a":)";
  out += "{}";
  out.append(levels - 1, '}');
  return out;
}

void ExpectBodyError(const Result<boost::json::object>& result, std::string_view words) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_argument");
  EXPECT_EQ(result.error().field, "body");
  EXPECT_NE(result.error().message.find(words), std::string::npos) << result.error().message;
}

TEST(JsonBody, AcceptsAnObject) {
  auto result = Decode(R"({"channel":"hotline","description":"路灯不亮","location":{"lon":118.35,"lat":35.05}})");
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->at("channel").as_string(), "hotline");
}

TEST(JsonBody, NestingIsLimitedTo20Levels) {
  EXPECT_EQ(kMaxJsonDepth, 20u);
  EXPECT_TRUE(Decode(NestedObjects(20)).ok());
  ExpectBodyError(Decode(NestedObjects(21)), "nested deeper than 20 levels");
  // Arrays count like objects.
  std::string arrays = R"({"a":)" + std::string(19, '[') + std::string(19, ']') + "}";
  EXPECT_TRUE(Decode(arrays).ok());
  arrays = R"({"a":)" + std::string(20, '[') + std::string(20, ']') + "}";
  ExpectBodyError(Decode(arrays), "nested deeper than 20 levels");
  // Far deeper input fails the same way, without exhausting the stack.
  ExpectBodyError(Decode(std::string(100000, '[')), "nested deeper than 20 levels");
}

TEST(JsonBody, InvalidUtf8IsRejected) {
  ExpectBodyError(Decode("{\"description\":\"\xC3\x28\"}"), "not valid UTF-8");
  ExpectBodyError(Decode("{\"description\":\"\xED\xA0\x80\"}"), "not valid UTF-8");  // a surrogate
  ExpectBodyError(Decode("{\"description\":\"\xC0\xAF\"}"), "not valid UTF-8");      // overlong '/'
  ExpectBodyError(Decode("{\"d\xFF\":1}"), "not valid UTF-8");
  // An escaped lone surrogate is not valid JSON text either.
  ExpectBodyError(Decode(R"({"description":"\ud800"})"), "not valid JSON");
}

TEST(JsonBody, OtherFailuresNameTheBody) {
  ExpectBodyError(Decode(""), "must be a JSON object");
  ExpectBodyError(Decode("[1,2]"), "must be a JSON object");
  ExpectBodyError(Decode("\"text\""), "must be a JSON object");
  ExpectBodyError(Decode(R"({"a":1)"), "not valid JSON");
  ExpectBodyError(Decode(R"({"a":1} trailing)"), "not valid JSON");
}

TEST(JsonBody, FieldHelpersNameTheField) {
  auto body = Decode(R"({"s":"x","n":1.5,"i":3,"list":["a","b"],"bad":[1]})");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(**OptString(*body, "s"), "x");
  EXPECT_EQ(OptString(*body, "s", 0).error().field, "s");
  EXPECT_EQ(**OptNumber(*body, "n"), 1.5);
  EXPECT_EQ(OptInt(*body, "n").error().field, "n");
  EXPECT_EQ(**OptInt(*body, "i"), 3);
  EXPECT_EQ(StringList(*body, "list")->size(), 2u);
  EXPECT_EQ(StringList(*body, "list", 1).error().field, "list");
  EXPECT_EQ(StringList(*body, "bad").error().field, "bad");
  EXPECT_FALSE(OptString(*body, "missing")->has_value());
}

}  // namespace
}  // namespace civicgrid::http
