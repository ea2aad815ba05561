// The JSON of a category's attribute list (common/attribute_json.h): written whole, read back equal,
// defaults for the optional members, and errors that name the field.
#include "common/attribute_json.h"

#include <gtest/gtest.h>

#include <string>

#include <boost/json.hpp>

#include "support/case_fixtures.h"

namespace civicgrid {
namespace {

// The field of a failed parse of `text`, or "ok".
std::string FieldOf(const std::string& text) {
  auto r = ParseAttributesJson(text);
  return r.ok() ? "ok" : r.error().field;
}

TEST(AttributeJson, WritesEveryMemberCompactly) {
  EXPECT_EQ(AttributesToJson({}), "[]");
  EXPECT_EQ(AttributesToJson({testing::TestAttributes()[0]}),
            R"([{"code":"room_temperature","datatype":"number","required":true,"variable":true,)"
            R"("description":"室内温度（摄氏度）","datatype_description":"摄氏度，如 16.5","order":1,"values":[]}])");
  EXPECT_NE(AttributesToJson(testing::TestAttributes()).find(R"("values":[{"key":"drip","name":"滴漏"},)"),
            std::string::npos);
}

TEST(AttributeJson, ReadsBackWhatItWrites) {
  const auto sample = testing::TestAttributes();
  auto text = ParseAttributesJson(AttributesToJson(sample));
  ASSERT_TRUE(text.ok()) << text.error().message;
  EXPECT_EQ(*text, sample);
  auto value = ParseAttributesJson(boost::json::value(AttributesToJsonArray(sample)));
  ASSERT_TRUE(value.ok()) << value.error().message;
  EXPECT_EQ(*value, sample);
  auto none = ParseAttributesJson("[]");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(AttributeJson, OptionalMembersTakeTheirDefaults) {
  auto r = ParseAttributesJson(R"([{"code":"a","datatype":"string","description":"甲"},
                                   {"code":"b","datatype":"text","description":"乙","datatype_description":null,
                                    "values":null,"extra":"ignored"}])");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_FALSE((*r)[0].required);
  EXPECT_TRUE((*r)[0].variable);
  EXPECT_EQ((*r)[0].datatype_description, "");
  EXPECT_EQ((*r)[0].order, 1);  // the position
  EXPECT_EQ((*r)[1].order, 2);
  EXPECT_TRUE((*r)[1].values.empty());
  EXPECT_EQ((*r)[1].datatype, AttributeDatatype::kText);
}

TEST(AttributeJson, ErrorsNameTheField) {
  const std::string ok = R"({"code":"a","datatype":"string","description":"甲"})";
  EXPECT_EQ(FieldOf("[" + ok + "]"), "ok");
  EXPECT_EQ(FieldOf("not json"), "attributes");
  EXPECT_EQ(FieldOf(R"({"code":"a"})"), "attributes");
  EXPECT_EQ(FieldOf("[" + ok + ",3]"), "attributes[1]");
  EXPECT_EQ(FieldOf("[" + ok + R"(,{"datatype":"string","description":"乙"}])"), "attributes[1].code");
  EXPECT_EQ(FieldOf("[" + ok + R"(,{"code":7,"datatype":"string","description":"乙"}])"), "attributes[1].code");
  EXPECT_EQ(FieldOf("[" + ok + R"(,{"code":"b","datatype":"list","description":"乙"}])"), "attributes[1].datatype");
  EXPECT_EQ(FieldOf("[" + ok + R"(,{"code":"b","description":"乙"}])"), "attributes[1].datatype");
  EXPECT_EQ(FieldOf(R"([{"code":"b","datatype":"string"}])"), "attributes[0].description");
  EXPECT_EQ(FieldOf(R"([{"code":"b","datatype":"string","description":"乙","required":"yes"}])"),
            "attributes[0].required");
  EXPECT_EQ(FieldOf(R"([{"code":"b","datatype":"string","description":"乙","variable":0}])"), "attributes[0].variable");
  EXPECT_EQ(FieldOf(R"([{"code":"b","datatype":"string","description":"乙","datatype_description":1}])"),
            "attributes[0].datatype_description");
  for (const char* order : {"1.5", "\"1\"", "true", "1e12", "-1e12"})
    EXPECT_EQ(FieldOf(std::string(R"([{"code":"b","datatype":"string","description":"乙","order":)") + order + "}]"),
              "attributes[0].order")
        << order;
  EXPECT_EQ(FieldOf(R"([{"code":"b","datatype":"string","description":"乙","order":2.0}])"), "ok");
  const std::string list = R"([{"code":"b","datatype":"singlevaluelist","description":"乙","values":)";
  EXPECT_EQ(FieldOf(list + R"([{"key":"x","name":"叉"}]}])"), "ok");
  EXPECT_EQ(FieldOf(list + R"("x"}])"), "attributes[0].values");
  EXPECT_EQ(FieldOf(list + R"(["x"]}])"), "attributes[0].values[0]");
  EXPECT_EQ(FieldOf(list + R"([{"key":"x","name":"叉"},{"name":"叉"}]}])"), "attributes[0].values[1].key");
  EXPECT_EQ(FieldOf(list + R"([{"key":"x","name":5}]}])"), "attributes[0].values[0].name");
}

TEST(AttributeJson, TheListIsCheckedAsAWhole) {
  // ValidateAttributes' errors come through with their fields.
  EXPECT_EQ(FieldOf(R"([{"code":"a","datatype":"string","description":"甲"},
                        {"code":"a","datatype":"string","description":"乙"}])"),
            "attributes[1].code");
  EXPECT_EQ(FieldOf(R"([{"code":"a","datatype":"singlevaluelist","description":"甲"}])"), "attributes[0].values");
  EXPECT_EQ(FieldOf(R"([{"code":"a","datatype":"string","description":"甲","order":0}])"), "attributes[0].order");
  EXPECT_EQ(FieldOf(R"([{"code":"a","datatype":"string","description":"甲","variable":false,"required":true}])"),
            "attributes[0].required");
}

}  // namespace
}  // namespace civicgrid
