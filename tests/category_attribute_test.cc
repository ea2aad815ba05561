// A category's extra questions (core/category_attribute.h): the checks of a definition list, the checks
// of a report's answers against it, and the category fields that carry them (core/case.h).
#include "core/category_attribute.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/case.h"

namespace civicgrid {
namespace {

using D = AttributeDatatype;

CategoryAttribute Attr(std::string code, D datatype, int order, bool required = false) {
  CategoryAttribute a;
  a.code = std::move(code);
  a.datatype = datatype;
  a.order = order;
  a.required = required;
  a.description = "问题 " + a.code;
  return a;
}

CategoryAttribute List(std::string code, D datatype, int order, std::vector<std::string> keys) {
  CategoryAttribute a = Attr(std::move(code), datatype, order);
  for (auto& k : keys) a.values.push_back({k, "名称 " + k});
  return a;
}

// The field of a failed check, or "ok".
std::string FieldOf(const Result<void>& r) { return r.ok() ? "ok" : r.error().field; }
std::string FieldOf(const Result<AttributeAnswers>& r) { return r.ok() ? "ok" : r.error().field; }

// One valid attribute of each datatype.
std::vector<CategoryAttribute> Questions() {
  CategoryAttribute info = Attr("notice", D::kText, 7);
  info.variable = false;
  return {Attr("room_temperature", D::kNumber, 1, true),
          Attr("since", D::kDatetime, 2),
          Attr("pole_number", D::kString, 3),
          Attr("details", D::kText, 4),
          List("leak_size", D::kSingleValueList, 5, {"drip", "stream", "burst"}),
          List("rooms", D::kMultiValueList, 6, {"bedroom", "kitchen", "bathroom"}),
          info};
}

TEST(AttributeDatatype, NamesRoundTripAndUnknownNamesAreRefused) {
  for (D d : {D::kString, D::kNumber, D::kDatetime, D::kText, D::kSingleValueList, D::kMultiValueList})
    EXPECT_EQ(ParseAttributeDatatype(AttributeDatatypeName(d)), d) << AttributeDatatypeName(d);
  EXPECT_EQ(AttributeDatatypeName(D::kSingleValueList), "singlevaluelist");
  EXPECT_EQ(AttributeDatatypeName(D::kMultiValueList), "multivaluelist");
  EXPECT_FALSE(ParseAttributeDatatype("String"));
  EXPECT_FALSE(ParseAttributeDatatype("list"));
  EXPECT_FALSE(ParseAttributeDatatype(""));
}

TEST(ValidateAttributes, AcceptsAValidListAndNone) {
  EXPECT_TRUE(ValidateAttributes({}).ok());
  auto r = ValidateAttributes(Questions());
  EXPECT_TRUE(r.ok()) << r.error().message << " " << r.error().field;
}

TEST(ValidateAttributes, AtMostFifty) {
  std::vector<CategoryAttribute> many;
  for (int i = 0; i < 50; ++i) many.push_back(Attr("q" + std::to_string(i), D::kString, i + 1));
  EXPECT_EQ(FieldOf(ValidateAttributes(many)), "ok");
  many.push_back(Attr("q50", D::kString, 51));
  EXPECT_EQ(FieldOf(ValidateAttributes(many)), "attributes");
}

TEST(ValidateAttributes, CodesAreShortUniqueAndOfLettersDigitsUnderscoresAndHyphens) {
  auto with_code = [](std::string code) {
    auto list = Questions();
    list[1].code = std::move(code);
    return FieldOf(ValidateAttributes(list));
  };
  EXPECT_EQ(with_code("Floor_2-b"), "ok");
  EXPECT_EQ(with_code(std::string(40, 'a')), "ok");
  EXPECT_EQ(with_code(std::string(41, 'a')), "attributes[1].code");
  EXPECT_EQ(with_code(""), "attributes[1].code");
  EXPECT_EQ(with_code("floor number"), "attributes[1].code");
  EXPECT_EQ(with_code("楼层"), "attributes[1].code");
  EXPECT_EQ(with_code("a[b]"), "attributes[1].code");
  EXPECT_EQ(with_code("room_temperature"), "attributes[1].code");  // the same as attributes[0]
}

TEST(ValidateAttributes, OnlyAVariableAttributeMayBeRequired) {
  auto list = Questions();
  list[6].required = true;  // the informational one
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[6].required");
  list[6].variable = true;
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "ok");
}

TEST(ValidateAttributes, DescriptionsHaveTheirSizes) {
  auto list = Questions();
  list[2].description = "";
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[2].description");
  list[2].description = std::string(1000, 'x');
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "ok");
  list[2].description += "x";
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[2].description");
  list = Questions();
  list[0].datatype_description = std::string(200, 'x');
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "ok");
  list[0].datatype_description += "x";
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[0].datatype_description");
}

TEST(ValidateAttributes, OrdersArePositiveAndUnique) {
  auto list = Questions();
  list[3].order = 0;
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[3].order");
  list[3].order = -2;
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[3].order");
  list[3].order = 2;  // attributes[1]'s
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[3].order");
  list[3].order = 40;  // gaps are fine
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "ok");
}

TEST(ValidateAttributes, ListsHaveOneToAHundredChoicesAndOthersNone) {
  auto list = Questions();
  list[4].values.clear();
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[4].values");
  list[4].values.clear();
  for (int i = 0; i < 100; ++i) list[4].values.push_back({"k" + std::to_string(i), "选项"});
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "ok");
  list[4].values.push_back({"k100", "选项"});
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[4].values");
  list = Questions();
  list[5].values.clear();
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[5].values");
  list = Questions();
  list[0].values = {{"a", "甲"}};  // a number has no choices
  EXPECT_EQ(FieldOf(ValidateAttributes(list)), "attributes[0].values");
}

TEST(ValidateAttributes, ChoicesHaveKeysAndNames) {
  auto with_value = [](AttributeValue v) {
    auto list = Questions();
    list[4].values[1] = std::move(v);
    return FieldOf(ValidateAttributes(list));
  };
  EXPECT_EQ(with_value({"细流 2", "细流"}), "ok");  // any text but control characters
  EXPECT_EQ(with_value({std::string(100, 'k'), std::string(200, 'n')}), "ok");
  EXPECT_EQ(with_value({"", "细流"}), "attributes[4].values[1].key");
  EXPECT_EQ(with_value({std::string(101, 'k'), "细流"}), "attributes[4].values[1].key");
  EXPECT_EQ(with_value({"a\tb", "细流"}), "attributes[4].values[1].key");
  EXPECT_EQ(with_value({"a\nb", "细流"}), "attributes[4].values[1].key");
  EXPECT_EQ(with_value({"a\x7F", "细流"}), "attributes[4].values[1].key");
  EXPECT_EQ(with_value({"stream", ""}), "attributes[4].values[1].name");
  EXPECT_EQ(with_value({"stream", std::string(201, 'n')}), "attributes[4].values[1].name");
  EXPECT_EQ(with_value({"drip", "又一个"}), "attributes[4].values");  // the key of values[0]
}

TEST(CheckAttributeAnswers, CleansAndKeepsTheAnswers) {
  AttributeAnswers given = {{"room_temperature", {"16.5"}},
                            {"since", {"2026-11-23T10:00:00+08:00"}},
                            {"pole_number", {""}},  // an empty answer is no answer
                            {"details", {}},
                            {"leak_size", {"stream"}},
                            {"rooms", {"", "kitchen", "bedroom"}}};
  auto r = CheckAttributeAnswers(Questions(), given);
  ASSERT_TRUE(r.ok()) << r.error().message << " " << r.error().field;
  AttributeAnswers expected = {{"room_temperature", {"16.5"}},
                               {"since", {"2026-11-23T10:00:00+08:00"}},
                               {"leak_size", {"stream"}},
                               {"rooms", {"kitchen", "bedroom"}}};
  EXPECT_EQ(*r, expected);
}

TEST(CheckAttributeAnswers, NoAttributesTakeNoAnswers) {
  auto none = CheckAttributeAnswers({}, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(FieldOf(CheckAttributeAnswers({}, {{"x", {"1"}}})), "attribute[x]");
  EXPECT_EQ(FieldOf(CheckAttributeAnswers({}, {{"x", {""}}})), "ok");  // empty: no answer at all
}

TEST(CheckAttributeAnswers, ARequiredAttributeNeedsAnAnswer) {
  EXPECT_EQ(FieldOf(CheckAttributeAnswers(Questions(), {})), "attribute[room_temperature]");
  EXPECT_EQ(FieldOf(CheckAttributeAnswers(Questions(), {{"room_temperature", {""}}})), "attribute[room_temperature]");
  EXPECT_EQ(FieldOf(CheckAttributeAnswers(Questions(), {{"room_temperature", {"18"}}})), "ok");
}

TEST(CheckAttributeAnswers, AnswersToUnknownOrInformationalAttributesAreRefused) {
  EXPECT_EQ(FieldOf(CheckAttributeAnswers(Questions(), {{"room_temperature", {"18"}}, {"colour", {"red"}}})),
            "attribute[colour]");
  EXPECT_EQ(FieldOf(CheckAttributeAnswers(Questions(), {{"room_temperature", {"18"}}, {"notice", {"好的"}}})),
            "attribute[notice]");
}

// The field of the answer `values` to the attribute `code` of Questions() (beside a valid temperature).
std::string Answer(const std::string& code, std::vector<std::string> values) {
  AttributeAnswers a = {{"room_temperature", {"18"}}};
  a[code] = std::move(values);
  return FieldOf(CheckAttributeAnswers(Questions(), a));
}

TEST(CheckAttributeAnswers, NumbersAreFiniteDecimals) {
  for (const char* ok : {"0", "18", "-3.5", "16.25", "1e3", "2.5E-1", ".5"}) EXPECT_EQ(Answer("room_temperature", {ok}), "ok") << ok;
  for (const char* bad : {"abc", "18度", " 18", "18 ", "+18", "0x10", "inf", "-inf", "nan", "1e999", "1,5", "--1"})
    EXPECT_EQ(Answer("room_temperature", {bad}), "attribute[room_temperature]") << bad;
}

TEST(CheckAttributeAnswers, DatetimesAreIso8601WithAZoneOrPlainDates) {
  for (const char* ok : {"2026-11-23T10:00:00+08:00", "2026-11-23T02:00Z", "2026-11-23", "2026-11-23T10:00:00.5-05:00"})
    EXPECT_EQ(Answer("since", {ok}), "ok") << ok;
  for (const char* bad : {"2026-11-23T10:00:00", "2026-02-30", "yesterday", "23/11/2026", "2026-11-23T25:00Z"})
    EXPECT_EQ(Answer("since", {bad}), "attribute[since]") << bad;
}

TEST(CheckAttributeAnswers, StringsAndTextsHaveTheirSizesAndAreUtf8) {
  EXPECT_EQ(Answer("pole_number", {"LD-0231 号杆"}), "ok");
  EXPECT_EQ(Answer("pole_number", {std::string(1000, 'x')}), "ok");
  EXPECT_EQ(Answer("pole_number", {std::string(1001, 'x')}), "attribute[pole_number]");
  EXPECT_EQ(Answer("details", {std::string(4000, 'x')}), "ok");
  EXPECT_EQ(Answer("details", {std::string(4001, 'x')}), "attribute[details]");
  for (const char* bad : {"\xFF", "\xC0\xAF", "\xE4\xBD", "\xED\xA0\x80", "\xF4\x90\x80\x80"}) {
    EXPECT_EQ(Answer("pole_number", {bad}), "attribute[pole_number]");
    EXPECT_EQ(Answer("details", {std::string("多行\n") + bad}), "attribute[details]");
  }
}

TEST(CheckAttributeAnswers, AllButMultiValueListsTakeOneValue) {
  EXPECT_EQ(Answer("pole_number", {"a", "b"}), "attribute[pole_number]");
  EXPECT_EQ(Answer("since", {"2026-11-23", "2026-11-24"}), "attribute[since]");
  EXPECT_EQ(Answer("leak_size", {"drip", "burst"}), "attribute[leak_size]");
  EXPECT_EQ(Answer("room_temperature", {"1", "", ""}), "ok");  // the empty ones are dropped first
}

TEST(CheckAttributeAnswers, ListAnswersAreKeysAmongTheChoices) {
  EXPECT_EQ(Answer("leak_size", {"burst"}), "ok");
  EXPECT_EQ(Answer("leak_size", {"名称 burst"}), "attribute[leak_size]");  // a name, not a key
  EXPECT_EQ(Answer("leak_size", {"Burst"}), "attribute[leak_size]");
  EXPECT_EQ(Answer("rooms", {"bathroom"}), "ok");
  EXPECT_EQ(Answer("rooms", {"bathroom", "kitchen", "bedroom"}), "ok");
  EXPECT_EQ(Answer("rooms", {"bathroom", "garage"}), "attribute[rooms]");
  EXPECT_EQ(Answer("rooms", {"kitchen", "kitchen"}), "attribute[rooms]");
}

Category HeatingCategory() {
  Category c;
  c.code = "0101";
  c.parent = "01";
  c.name = "暖气不热";
  c.level = Level::kCounty;
  return c;
}

TEST(ValidateCategory, ChecksDescriptionKeywordsAndAttributes) {
  Category c = HeatingCategory();
  c.description = std::string(1000, 'x');
  c.keywords = {"暖气", "室温低", std::string(50, 'k')};
  c.attributes = Questions();
  EXPECT_EQ(FieldOf(ValidateCategory(c)), "ok");
  c.description += "x";
  EXPECT_EQ(FieldOf(ValidateCategory(c)), "description");

  c = HeatingCategory();
  for (int i = 0; i < 20; ++i) c.keywords.push_back("词" + std::to_string(i));
  EXPECT_EQ(FieldOf(ValidateCategory(c)), "ok");
  c.keywords.push_back("多一个");
  EXPECT_EQ(FieldOf(ValidateCategory(c)), "keywords");
  for (std::string bad : {std::string(), std::string(51, 'k'), std::string("暖气,供热")}) {
    c.keywords = {"暖气", bad};
    EXPECT_EQ(FieldOf(ValidateCategory(c)), "keywords") << bad;
  }

  c = HeatingCategory();
  c.attributes = Questions();
  c.attributes[4].datatype = D::kString;  // a string with choices
  EXPECT_EQ(FieldOf(ValidateCategory(c)), "attributes[4].values");
}

TEST(CategoryAttribute, ComparesByValue) {
  auto a = Questions(), b = Questions();
  EXPECT_EQ(a, b);
  b[4].values[0].name = "滴";
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace civicgrid
