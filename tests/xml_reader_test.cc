// The readers the Open311 conformance tests rely on: the strict XML reader (support/xml_reader.h) reads
// well-formed documents and refuses what is not well-formed, and an answer reads into the same shape from
// JSON as from XML (support/open311_client.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/open311_client.h"
#include "support/xml_reader.h"

namespace civicgrid {
namespace {

constexpr char kDeclaration[] = R"(<?xml version="1.0" encoding="utf-8"?>)";

TEST(XmlReader, ReadsAWellFormedDocument) {
  std::string error;
  auto doc = testing::ParseXml(std::string(kDeclaration) + R"(
<service_requests><request><service_request_id>7</service_request_id>
<description>a &lt;b&gt; &amp; &quot;c&apos; &#x6696;&#27668;</description></request><!-- c -->
<request a="1"><service_request_id>8</service_request_id><description/></request></service_requests>
)", &error);
  ASSERT_TRUE(doc) << error;
  EXPECT_EQ(testing::XmlTexts(doc->root, "request/service_request_id"), (std::vector<std::string>{"7", "8"}));
  EXPECT_EQ(testing::XmlTexts(doc->root, "request/description"),
            (std::vector<std::string>{"a <b> & \"c' 暖气", ""}));
}

TEST(XmlReader, RejectsWhatIsNotWellFormed) {
  const std::string d = kDeclaration;
  for (const std::string& bad :
       {d + "<a><b></a></b>", d + "<a><b></b>", d + "<a>x & y</a>", d + "<a>x < y</a>", d + "<a>&nbsp;</a>",
        d + "<a>\xff</a>", d + "<a>\x01</a>", d + "<a>&#xD800;</a>", d + "<a></a><b></b>", d + "<a>t<b/></a>",
        d + "<a><![CDATA[x]]></a>", d + "<a b='1' b='2'/>", d + "<a b='<'/>", d + "<a>]]></a>", d + "text",
        d + "<!DOCTYPE a><a/>", std::string("<a/>"), std::string("\xEF\xBB\xBF") + d + "<a/>",
        std::string(R"(<?xml version="1.1" encoding="utf-8"?><a/>)"),
        std::string(R"(<?xml version="1.0" encoding="iso-8859-1"?><a/>)"),
        std::string(R"(<?xml version="1.0"?><a/>)")}) {
    std::string error;
    EXPECT_FALSE(testing::ParseXml(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(Open311Answer, ReadsJsonAndXmlIntoOneShape) {
  testing::HttpReply json{200, R"({"service_code":"0101","attributes":[{"variable":true,"code":"t","order":1,
      "required":false,"values":[{"key":"a","name":"甲"},{"key":"b","name":"乙"}]}],"lat":35.045,"none":null})",
                          {{"content-type", "application/json; charset=utf-8"}}};
  testing::HttpReply xml{200, std::string(kDeclaration) + R"(<service_definition><service_code>0101</service_code>
      <attributes><attribute><variable>true</variable><code>t</code><order>1</order><required>false</required>
      <values><value><key>a</key><name>甲</name></value><value><key>b</key><name>乙</name></value></values>
      </attribute></attributes><lat>35.045</lat></service_definition>)",
                         {{"content-type", "text/xml; charset=utf-8"}}};
  auto j = testing::ReadOpen311(json, "json");
  auto x = testing::ReadOpen311(xml, "xml");
  EXPECT_EQ(j.error, "");
  EXPECT_EQ(x.error, "");
  EXPECT_EQ(x.root, "service_definition");
  EXPECT_EQ(boost::json::serialize(j.doc), boost::json::serialize(x.doc));

  xml.headers["content-type"] = "application/xml";
  EXPECT_NE(testing::ReadOpen311(xml, "xml").error, "");
  testing::HttpReply wrong_item{200, std::string(kDeclaration) + "<services><request/></services>",
                                {{"content-type", "text/xml; charset=utf-8"}}};
  EXPECT_NE(testing::ReadOpen311(wrong_item, "xml").error, "");
}

}  // namespace
}  // namespace civicgrid
