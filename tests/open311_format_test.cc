// The encodings under Open311 (http/form.h, http/xml.h): form bodies in, XML out.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>

#include "common/config.h"
#include "http/form.h"
#include "http/xml.h"
#include "support/scoped_env.h"
#include "support/temp_dir.h"

namespace civicgrid::http {
namespace {

namespace json = boost::json;

TEST(Form, DecodesPairsInOrderAndKeepsRepeats) {
  auto f = ParseForm("a=1&b=x+y&attribute%5Bk%5D%5B%5D=p&attribute[k][]=q&&flag&e=");
  ASSERT_TRUE(f.ok());
  const FormFields want = {{"a", "1"}, {"b", "x y"}, {"attribute[k][]", "p"}, {"attribute[k][]", "q"},
                           {"flag", ""}, {"e", ""}};
  EXPECT_EQ(*f, want);
}

TEST(Form, DecodesUtf8AndRefusesBadEscapes) {
  auto f = ParseForm("description=%E6%9A%96%E6%B0%94%E4%B8%8D%E7%83%AD");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->at(0).second, "暖气不热");
  for (const char* bad : {"a=%", "a=%4", "a=%G1", "a=%FF", "a=%00"}) {
    auto r = ParseForm(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "a") << bad;  // a bad value names its field
  }
  for (const char* bad : {"%FF=1", "a%=1", "a%00=1"}) {
    auto r = ParseForm(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "body") << bad;  // a bad name has no field to name
  }
}

TEST(Xml, EscapesTextAndDropsForbiddenCharacters) {
  EXPECT_EQ(XmlEscape(R"(<a href="x">&'</a>)"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  EXPECT_EQ(XmlEscape(std::string("a\x01" "b\tc\n", 6)), "ab\tc\n");
  EXPECT_EQ(XmlEscape("暖气"), "暖气");
}

TEST(Xml, WritesListsObjectsAndScalars) {
  json::value v = json::array{json::object{{"service_code", "0101"}, {"metadata", true}, {"order", 2},
                                           {"skipped", nullptr}, {"description", "<热>"}}};
  EXPECT_EQ(JsonToXml(v, "services", "service"),
            R"(<?xml version="1.0" encoding="utf-8"?><services><service><service_code>0101</service_code>)"
            R"(<metadata>true</metadata><order>2</order><description>&lt;热&gt;</description></service></services>)");
}

TEST(Xml, NamesNestedListItemsBySingular) {
  json::value v = json::object{
      {"service_code", "0101"},
      {"attributes", json::array{json::object{{"code", "t"}, {"values", json::array{json::object{{"key", "a"}}}}}}},
      {"formats", json::array{"text/xml"}}};
  EXPECT_EQ(JsonToXml(v, "service_definition", ""),
            R"(<?xml version="1.0" encoding="utf-8"?><service_definition><service_code>0101</service_code>)"
            R"(<attributes><attribute><code>t</code><values><value><key>a</key></value></values></attribute></attributes>)"
            R"(<formats><format>text/xml</format></formats></service_definition>)");
}

TEST(Open311Config, PublishFromFileEnvironmentAndErrors) {
  testing::TempDir dir;
  std::ofstream(dir.File("empty.toml")) << "";
  auto d = LoadConfig(dir.File("empty.toml"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->open311_publish, "open311");
  std::ofstream(dir.File("all.toml")) << "[open311]\npublish = \"all\"\n";
  auto f = LoadConfig(dir.File("all.toml"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->open311_publish, "all");
  {
    testing::ScopedEnv env("CIVICGRID_OPEN311_PUBLISH", "open311");
    auto e = LoadConfig(dir.File("all.toml"));
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(e->open311_publish, "open311");
  }
  {
    testing::ScopedEnv env("CIVICGRID_OPEN311_PUBLISH", "everything");
    auto e = LoadConfig(dir.File("empty.toml"));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().field, "open311_publish");
  }
}

}  // namespace
}  // namespace civicgrid::http
