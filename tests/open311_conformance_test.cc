// Conformance of the Open311 GeoReport v2 endpoints (/open311/v2/) to the spec
// (http://wiki.open311.org/GeoReport_v2) and to the platform's contract (docs/open311.md), over HTTP against
// a real `civicgrid serve`, in both formats: every test runs as …/json and …/xml. Each test cites the
// requirement it checks. Runs on SQLite, and on PostgreSQL as pg.Formats/Open311.*.
//
// The world and the server (support/open311_server.h) are set up once per program; every test files its
// own reports, so that the tests stay independent of one another and of their order.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <regex>
#include <set>
#include <tuple>

#include "core/case.h"
#include "support/heating_world.h"
#include "support/open311_client.h"
#include "support/open311_server.h"

namespace civicgrid {
namespace {

namespace json = boost::json;
using Answer = testing::Open311Answer;
using testing::Column;
using testing::Contains;
using testing::Find;
using testing::Items;
using testing::Members;
using testing::Number;
using testing::Params;
using testing::Text;
using testing::With;
using testing::Without;

constexpr char kForm[] = "application/x-www-form-urlencoded";
constexpr char kCenter[] = "柳青街道网格化服务管理中心";
const std::regex kTime(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$)");

std::string Iso(Timestamp t, int offset_minutes = 480) { return FormatTimestamp(t, offset_minutes); }
Params Window(Timestamp from, Timestamp to) { return {{"start_date", Iso(from)}, {"end_date", Iso(to)}}; }
// The requested_datetime of each item is not before the next one's.
void ExpectNewestFirst(const Items& items) {
  for (size_t i = 1; i < items.size(); ++i) {
    auto a = ParseTimestamp(Text(items[i - 1], "requested_datetime"), "t");
    auto b = ParseTimestamp(Text(items[i], "requested_datetime"), "t");
    ASSERT_TRUE(a.ok() && b.ok()) << "item " << i;
    ASSERT_GE(*a, *b) << "item " << i << " is newer than the one before it";
  }
}

// ---- The fixture: one server for the program, each test in one format ------------------------------------

class Open311 : public ::testing::TestWithParam<std::string> {
 public:
  static void SetUpTestSuite() {
    server_ = std::make_unique<testing::Open311Server>();
    server_->Start();
  }
  static void TearDownTestSuite() { server_.reset(); }

 protected:
  void SetUp() override { ASSERT_TRUE(server_ && server_->ok()) << "the server could not be set up (see above)"; }

  static testing::HttpReply Send(const std::string& method, const std::string& target, const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
    return server_->Send(method, target, body, headers);
  }
  static json::value Api(const std::string& method, const std::string& target, const std::string& body,
                         const std::string& user) {
    return server_->Api(method, target, body, user);
  }
  static void Act(const std::string& id, const std::string& action, const std::string& user) {
    Api("POST", "/api/v1/cases/" + id + "/actions", action, user);
  }

  const std::string& Fmt() const { return GetParam(); }
  std::string Target(const std::string& resource, const Params& query = {}) const {
    return "/open311/v2/" + resource + "." + Fmt() + (query.empty() ? "" : "?" + testing::FormEncode(query));
  }
  Answer Get(const std::string& resource, const Params& query = {}) {
    return testing::ReadOpen311(Send("GET", Target(resource, query), "", {}), Fmt());
  }
  // POST requests with `body` (and `query` in the target).
  Answer PostBody(const std::string& body, const Params& query = {}, const std::string& content_type = kForm) {
    return testing::ReadOpen311(Send("POST", Target("requests", query), body, {{"Content-Type", content_type}}), Fmt());
  }
  Answer Post(const Params& form, const Params& query = {}) { return PostBody(testing::FormEncode(form), query); }

  // Checks the answer: `status`, well-formed in its format and, in XML, under the root `root`.
  void Check(const Answer& a, unsigned status, const std::string& root) {
    EXPECT_EQ(a.status, status) << a.body.substr(0, 3000);
    EXPECT_EQ(a.error, "") << a.body.substr(0, 3000);
    if (Fmt() == "xml") {
      EXPECT_EQ(a.root, root);
    }
  }
  // The answer, checked, as a list of objects.
  Items List(const Answer& a, const std::string& root, unsigned status = 200) {
    Check(a, status, root);
    Items out;
    if (!a.doc.is_array()) {
      ADD_FAILURE() << "not a list: " << a.body.substr(0, 3000);
      return out;
    }
    for (const auto& v : a.doc.as_array()) {
      if (!v.is_object()) ADD_FAILURE() << "not an object: " << json::serialize(v);
      if (v.is_object()) out.push_back(v.as_object());
    }
    return out;
  }
  // The answer, checked, as one object.
  json::object Object(const Answer& a, const std::string& root) {
    Check(a, 200, root);
    if (a.doc.is_object()) return a.doc.as_object();
    ADD_FAILURE() << "not an object: " << a.body.substr(0, 3000);
    return {};
  }
  // docs/open311.md, Conventions: an error is `status` with a list of errors whose description names the
  // argument (one of `argument`, when given).
  void ExpectError(const Answer& a, unsigned status, std::initializer_list<std::string> argument = {}) {
    Items errors = List(a, "errors", status);
    ASSERT_FALSE(errors.empty()) << a.body;
    EXPECT_EQ(Text(errors[0], "code"), std::to_string(status)) << a.body;
    EXPECT_FALSE(Text(errors[0], "description").empty()) << a.body;
    if (argument.size() == 0) return;
    bool named = false;
    for (const auto& e : errors)
      for (const auto& arg : argument) named = named || Text(e, "description").find(arg) != std::string::npos;
    EXPECT_TRUE(named) << "no error names " << *argument.begin() << ": " << a.body;
  }

  // A valid report of 0101 in grid 371302004001001.
  Params Report() const {
    return {{"api_key", server_->api_key},       {"service_code", "0101"}, {"lat", "35.045"}, {"long", "118.345"},
            {"description", "柳青街道甲社区3号楼暖气不热"}, {"attribute[room_temperature]", "16"},
            {"attribute[heating_type]", "radiator"}};
  }
  // Files `form`; answers the POST answer's one element (a failure when the report is refused).
  json::object File(const Params& form) {
    Answer a = Post(form);
    EXPECT_TRUE(a.status == 200 || a.status == 201) << a.body.substr(0, 3000);
    Items items = List(a, "service_requests", a.status);
    if (items.size() == 1) return items[0];
    ADD_FAILURE() << "one request expected: " << a.body.substr(0, 3000);
    return {};
  }
  std::string NewRequest(const Params& form) { return Text(File(form), "service_request_id"); }
  std::string NewRequest() { return NewRequest(Report()); }
  // GET requests/{id}: its one request.
  json::object Request(const std::string& id) {
    Items items = List(Get("requests/" + id), "service_requests");
    if (items.size() == 1) return items[0];
    ADD_FAILURE() << "one request expected for " << id;
    return {};
  }
  Items Requests(const Params& query) { return List(Get("requests", query), "service_requests"); }
  Items Updates(const Params& query) { return List(Get("servicerequestupdates", query), "service_request_updates"); }

  inline static std::unique_ptr<testing::Open311Server> server_;
};

INSTANTIATE_TEST_SUITE_P(Formats, Open311, ::testing::Values("json", "xml"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// ---- Discovery and services -------------------------------------------------------------------------------

// GeoReport v2, Service Discovery: the endpoints, each with its specification URL, url, type and formats.
TEST_P(Open311, DiscoveryListsTheEndpointWithItsSpecificationAndFormats) {
  Items endpoints = Members(Object(Get("discovery"), "discovery"), "endpoints");
  ASSERT_FALSE(endpoints.empty());
  const json::object& e = endpoints[0];
  EXPECT_EQ(Text(e, "specification"), "http://wiki.open311.org/GeoReport_v2");
  EXPECT_NE(Text(e, "url").find("/open311/v2"), std::string::npos) << json::serialize(e);
  EXPECT_TRUE(Text(e, "type") == "production" || Text(e, "type") == "test") << json::serialize(e);
  std::set<std::string> formats;
  if (const json::value* f = e.if_contains("formats"); f && f->is_array())
    for (const auto& x : f->as_array())
      if (x.is_string()) formats.insert(std::string(x.as_string()));
  EXPECT_EQ(formats, (std::set<std::string>{"application/json", "text/xml"}));
}

// docs/open311.md, How categories map to services: service_code, service_name, description, keywords
// (comma-separated), group (the major's name), type realtime, metadata true when it has attributes.
TEST_P(Open311, ServicesListTheMinorCategoryWithItsFields) {
  auto s = Find(List(Get("services"), "services"), "service_code", "0101");
  ASSERT_TRUE(s);
  EXPECT_EQ(Text(*s, "service_name"), "暖气不热");
  EXPECT_EQ(Text(*s, "description"), "室内温度低于18℃");
  EXPECT_EQ(Text(*s, "keywords"), "暖气,供热");
  EXPECT_EQ(Text(*s, "group"), "供热");
  EXPECT_EQ(Text(*s, "type"), "realtime");
  EXPECT_EQ(Text(*s, "metadata"), "true");
}

// docs/open311.md, How categories map to services: every active minor, and a major without active
// minors, is a service — so not 01 (it has 0101), not the inactive 0102, but 02 (metadata false).
TEST_P(Open311, ServicesAreTheActiveMinorsAndTheMajorsWithoutActiveMinors) {
  Items services = List(Get("services"), "services");
  const auto codes = Column(services, "service_code");
  EXPECT_FALSE(Contains(codes, "01"));
  EXPECT_FALSE(Contains(codes, "0102"));
  auto other = Find(services, "service_code", "02");
  ASSERT_TRUE(other);
  EXPECT_EQ(Text(*other, "service_name"), "市容环境");
  EXPECT_EQ(Text(*other, "metadata"), "false");
}

// docs/open311.md, How categories map to services: GET services/{code} lists the attributes with variable,
// code, datatype, required, datatype_description, order, description and values (key, name).
TEST_P(Open311, ServiceDefinitionListsTheAttributes) {
  json::object d = Object(Get("services/0101"), "service_definition");
  EXPECT_EQ(Text(d, "service_code"), "0101");
  Items attributes = Members(d, "attributes");
  auto t = Find(attributes, "code", "room_temperature");
  auto h = Find(attributes, "code", "heating_type");
  ASSERT_EQ(attributes.size(), 2u);
  ASSERT_TRUE(t && h);
  const std::vector<std::tuple<const json::object*, const char*, const char*, const char*, const char*>> want = {
      {&*t, "number", "true", "1", "室内温度（摄氏度）"}, {&*h, "singlevaluelist", "false", "2", "供暖方式"}};
  for (const auto& [a, datatype, required, order, description] : want) {
    EXPECT_EQ(Text(*a, "variable"), "true");
    EXPECT_EQ(Text(*a, "datatype"), datatype);
    EXPECT_EQ(Text(*a, "required"), required);
    EXPECT_EQ(Text(*a, "order"), order);
    EXPECT_EQ(Text(*a, "description"), description);
    EXPECT_TRUE(a->contains("datatype_description"));
  }
  Items values = Members(*h, "values");
  EXPECT_EQ(Column(values, "key"), (std::vector<std::string>{"radiator", "floor"}));
  EXPECT_EQ(Column(values, "name"), (std::vector<std::string>{"暖气片", "地暖"}));
}

// docs/open311.md, Conventions: 404 for an unknown service, with the list of errors.
TEST_P(Open311, ServiceDefinitionOfAnUnknownServiceIs404) { ExpectError(Get("services/9999"), 404); }

// docs/open311.md, Conventions: jurisdiction_id is accepted and ignored.
TEST_P(Open311, JurisdictionIdIsAcceptedAndIgnored) {
  Items services = List(Get("services", {{"jurisdiction_id", "linyi.example.cn"}}), "services");
  EXPECT_TRUE(Find(services, "service_code", "0101"));
  EXPECT_FALSE(NewRequest(With(Report(), "jurisdiction_id", "linyi.example.cn")).empty());
}

// docs/open311.md, How categories map to services: attributes are edited with the category over the
// administration API (PUT /api/v1/categories/{code}, field attributes).
TEST_P(Open311, CategoryAttributesAreEditedOverTheAdministrationApi) {
  ASSERT_EQ(server_->category_put.status, 200u) << server_->category_put.body;
  json::object c;
  const json::value categories = Api("GET", "/api/v1/categories", "", "admin");
  for (const auto& x : categories.at("categories").as_array())
    if (x.at("code").as_string() == "0101") c = x.as_object();
  const json::value* attributes = c.if_contains("attributes");
  ASSERT_TRUE(attributes && attributes->is_array()) << json::serialize(c);
  EXPECT_EQ(attributes->as_array().size(), 2u);
}

// ---- POST requests ----------------------------------------------------------------------------------------

// GeoReport v2, POST Service Request; docs/open311.md: the answer is a list with one element:
// service_request_id, token, service_notice and account_id when given.
TEST_P(Open311, PostAnswersTheRequestIdTokenAndNotice) {
  json::object r = File(With(Report(), "account_id", "fms-42"));
  EXPECT_TRUE(std::regex_match(Text(r, "service_request_id"), std::regex("[0-9]+"))) << json::serialize(r);
  EXPECT_FALSE(Text(r, "token").empty());
  EXPECT_FALSE(Text(r, "service_notice").empty());
  EXPECT_EQ(Text(r, "account_id"), "fms-42");
}

// docs/open311.md, Reporting: the case enters the workflow with channel open311, reported by
// key:<api key name>, and is in the command center's queue at once.
TEST_P(Open311, PostedRequestIsInTheCommandCentersQueue) {
  const std::string id = NewRequest();
  ASSERT_FALSE(id.empty());
  const std::string since = testing::PercentEncode(Iso(testing::NowSeconds() - 3600));
  auto queue = Api("GET", "/api/v1/cases?status=reported&limit=500&from=" + since, "", "operator");
  json::object found;
  for (const auto& c : queue.at("cases").as_array())
    if (std::to_string(c.at("id").as_int64()) == id) found = c.as_object();
  ASSERT_FALSE(found.empty()) << json::serialize(queue);
  EXPECT_EQ(found.at("channel").as_string(), "open311");
  EXPECT_EQ(found.at("category").as_string(), "0101");
  auto c = Api("GET", "/api/v1/cases/" + id, "", "operator");
  EXPECT_EQ(c.at("timeline").at(0).at("actor").as_string(), "key:fixmystreet");
}

// GeoReport v2, POST Service Request: api_key is required; docs/open311.md: 403 when missing.
TEST_P(Open311, PostWithoutApiKeyIs403) { ExpectError(Post(Without(Report(), "api_key")), 403, {"api_key"}); }

// docs/open311.md, Reporting: api_key unknown → 403.
TEST_P(Open311, PostWithAnUnknownApiKeyIs403) {
  ExpectError(Post(With(Report(), "api_key", "not-a-key-at-all")), 403, {"api_key"});
}

// docs/open311.md, Reporting: api_key revoked → 403.
TEST_P(Open311, PostWithARevokedApiKeyIs403) {
  ExpectError(Post(With(Report(), "api_key", server_->revoked_key)), 403, {"api_key"});
}

// docs/open311.md, Reporting: api_key without case.report → 403.
TEST_P(Open311, PostWithAnApiKeyWithoutCaseReportIs403) {
  ExpectError(Post(With(Report(), "api_key", server_->read_key)), 403, {"api_key"});
}

// docs/open311.md, Conventions: a session token is not an API key.
TEST_P(Open311, PostWithASessionTokenAsApiKeyIs403) {
  ExpectError(Post(With(Report(), "api_key", server_->tokens["operator"])), 403, {"api_key"});
}

// GeoReport v2, POST Service Request: service_code is required → 400.
TEST_P(Open311, PostWithoutServiceCodeIs400) {
  ExpectError(Post(Without(Report(), "service_code")), 400, {"service_code"});
}

// docs/open311.md, Reporting: an unknown or inactive service is 400 (01 is no service: it has active minors).
TEST_P(Open311, PostOfAnUnknownOrInactiveServiceIs400) {
  for (const char* code : {"9999", "0102", "01"})
    ExpectError(Post(With(Report(), "service_code", code)), 400, {"service_code"});
}

// GeoReport v2, POST Service Request: a location is required (lat & long, or address_string, or address_id).
TEST_P(Open311, PostWithoutALocationIs400) {
  ExpectError(Post(Without(Without(Report(), "lat"), "long")), 400, {"lat", "long", "address_string", "address_id"});
}

// docs/open311.md, Reporting: lat + long, both or neither.
TEST_P(Open311, PostWithLatButNoLongIs400) { ExpectError(Post(Without(Report(), "long")), 400, {"long"}); }

// docs/open311.md, Reporting: lat + long must lie in the territory.
TEST_P(Open311, PostOutsideTheTerritoryIs400) {
  ExpectError(Post(With(With(Report(), "lat", "36.6"), "long", "117.0")), 400, {"lat", "long"});
}

// docs/open311.md, Reporting: address_id, a grid code (15 digits), locates the report.
TEST_P(Open311, PostWithAGridCodeAsAddressId) {
  const std::string id = NewRequest(With(Without(Without(Report(), "lat"), "long"), "address_id", "371302004001002"));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Text(Request(id), "address_id"), "371302004001002");
}

// docs/open311.md, Reporting: address_string, an address naming divisions of the territory, locates it.
TEST_P(Open311, PostWithAnAddressStringNamingTheStreet) {
  const std::string id =
      NewRequest(With(Without(Without(Report(), "lat"), "long"), "address_string", "临沂市兰山区柳青街道"));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Text(Request(id), "address_id").substr(0, 9), "371302004");
}

// docs/open311.md, Reporting: description is required (an empty one is absent).
TEST_P(Open311, PostWithoutDescriptionIs400) {
  ExpectError(Post(Without(Report(), "description")), 400, {"description"});
  ExpectError(Post(With(Report(), "description", "")), 400, {"description"});
}

// GeoReport v2 / docs/open311.md, Reporting: description at most 4000 characters (characters, not bytes).
TEST_P(Open311, DescriptionIsAtMost4000Characters) {
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "暖";
  const std::string id = NewRequest(With(Report(), "description", text));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Text(Request(id), "description"), text);
  ExpectError(Post(With(Report(), "description", text + "暖")), 400, {"description"});
}

// docs/open311.md, Reporting: a missing answer to a required attribute is 400.
TEST_P(Open311, PostWithoutARequiredAttributeIs400) {
  ExpectError(Post(Without(Report(), "attribute[room_temperature]")), 400, {"room_temperature"});
}

// docs/open311.md, Reporting: an answer of the wrong form (number) is 400.
TEST_P(Open311, PostWithANonNumericNumberAttributeIs400) {
  ExpectError(Post(With(Report(), "attribute[room_temperature]", "很冷")), 400, {"room_temperature"});
}

// docs/open311.md, Reporting: an answer to an unknown attribute code is 400.
TEST_P(Open311, PostWithAnUnknownAttributeIs400) {
  ExpectError(Post(With(Report(), "attribute[colour]", "red")), 400, {"colour"});
}

// docs/open311.md, Reporting: a singlevaluelist answer must be one of its keys.
TEST_P(Open311, PostWithAKeyOutsideTheSingleValueListIs400) {
  ExpectError(Post(With(Report(), "attribute[heating_type]", "steam")), 400, {"heating_type"});
  EXPECT_FALSE(NewRequest(With(Report(), "attribute[heating_type]", "floor")).empty());
}

// docs/open311.md, Reporting: media_url is an http:// or https:// URL of at most 2048 bytes.
TEST_P(Open311, PostWithABadMediaUrlIs400) {
  const std::string too_long = "https://example.cn/" + std::string(2030, 'a') + ".jpg";  // 2053 bytes
  for (const std::string& url : {std::string("ftp://example.cn/1.jpg"), std::string("javascript:alert(1)"),
                                 std::string("example.cn/1.jpg"), too_long})
    ExpectError(Post(With(Report(), "media_url", url)), 400, {"media_url"});
}

// docs/open311.md, Conventions / DOMAIN §8: an empty optional argument behaves as if it were absent.
TEST_P(Open311, EmptyOptionalArgumentsAreAbsent) {
  Params form = Report();
  for (const char* name : {"email", "phone", "first_name", "last_name", "media_url", "device_id", "account_id",
                           "address_string", "address_id", "jurisdiction_id"})
    form.emplace_back(name, "");
  json::object r = File(form);
  EXPECT_EQ(Text(r, "account_id"), "");
  EXPECT_EQ(Text(Request(Text(r, "service_request_id")), "media_url"), "");
}

// docs/open311.md, Reporting: the body is form-encoded; a JSON body is 400 (the key, in the query, is good).
TEST_P(Open311, PostWithAJsonBodyIs400) {
  json::object body;
  for (const auto& [k, v] : Report()) body[k] = v;
  ExpectError(PostBody(json::serialize(body), {{"api_key", server_->api_key}}, "application/json"), 400);
}

// docs/open311.md, Reporting: arguments in the query string are read too; the body's win.
TEST_P(Open311, QueryArgumentsAreReadAndTheBodysWin) {
  Answer a = Post(With(Without(Report(), "api_key"), "description", "正文的描述"),
                  {{"api_key", server_->api_key}, {"description", "查询串的描述"}});
  Items items = List(a, "service_requests", a.status == 201 ? 201 : 200);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Text(Request(Text(items[0], "service_request_id")), "description"), "正文的描述");
}

// GeoReport v2, Encoding: UTF-8 in and out.
TEST_P(Open311, ChineseTextRoundTrips) {
  const std::string text = "柳青街道甲社区3号楼暖气不热，室温仅12℃ 🥶";
  const std::string id = NewRequest(With(Report(), "description", text));
  ASSERT_FALSE(id.empty());
  json::object r = Request(id);
  EXPECT_EQ(Text(r, "description"), text);
  EXPECT_EQ(Text(r, "service_name"), "暖气不热");
}

// docs/open311.md, Conventions: every text escaped — XML-special characters come back as they were sent,
// in a well-formed answer (List checks that).
TEST_P(Open311, XmlSpecialCharactersRoundTrip) {
  const std::string text = R"(水管<漏水> & "紧急" 'A' ]]> &amp;)";
  const std::string id = NewRequest(With(Report(), "description", text));
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Text(Request(id), "description"), text);
}

// docs/open311.md, Conventions: arguments that are not valid UTF-8 are 400.
TEST_P(Open311, InvalidUtf8Is400) {
  ExpectError(PostBody(testing::FormEncode(Without(Report(), "description")) + "&description=%FF%FE%E6%9A"), 400,
              {"description"});
}

// ---- GET requests/{id}, tokens/{token} --------------------------------------------------------------------

// GeoReport v2, GET Service Request; docs/open311.md, Reading: the fields of a request.
TEST_P(Open311, RequestCarriesItsFields) {
  const std::string id = NewRequest(With(Report(), "media_url", "https://example.cn/photos/1.jpg?w=800&h=600"));
  ASSERT_FALSE(id.empty());
  json::object r = Request(id);
  EXPECT_EQ(Text(r, "service_request_id"), id);
  EXPECT_EQ(Text(r, "status"), "open");
  EXPECT_EQ(Text(r, "extended_status"), "OPEN");
  EXPECT_EQ(Text(r, "service_code"), "0101");
  EXPECT_EQ(Text(r, "service_name"), "暖气不热");
  EXPECT_EQ(Text(r, "description"), "柳青街道甲社区3号楼暖气不热");
  EXPECT_EQ(Text(r, "agency_responsible"), kCenter);  // the owning command center before dispatch
  EXPECT_FALSE(Text(r, "service_notice").empty());
  EXPECT_TRUE(std::regex_match(Text(r, "requested_datetime"), kTime)) << Text(r, "requested_datetime");
  EXPECT_TRUE(std::regex_match(Text(r, "updated_datetime"), kTime)) << Text(r, "updated_datetime");
  EXPECT_NEAR(Number(Text(r, "lat")), 35.045, 1e-6);
  EXPECT_NEAR(Number(Text(r, "long")), 118.345, 1e-6);
  EXPECT_EQ(Text(r, "address_id"), "371302004001001");
  EXPECT_EQ(Text(r, "media_url"), "https://example.cn/photos/1.jpg?w=800&h=600");
}

// docs/open311.md, Reporting and Reading: the reporter is kept sealed as the case's personal data (name and
// phone; the email is checked and not kept) and never appears in an Open311 answer.
TEST_P(Open311, TheReporterIsKeptSealedAndNeverShown) {
  const Timestamp t0 = testing::NowSeconds();
  Answer posted = Post(With(With(With(With(Report(), "first_name", "秀英"), "last_name", "王"), "email",
                                 "wang.xiuying@example.cn"), "phone", "13800001234"));
  Items items = List(posted, "service_requests", posted.status == 201 ? 201 : 200);
  ASSERT_EQ(items.size(), 1u);
  const std::string id = Text(items[0], "service_request_id");
  for (const Answer& a : {posted, Get("requests/" + id), Get("requests", {{"service_request_id", id}}),
                          Get("servicerequestupdates", Window(t0 - 3600, t0 + 3600))}) {
    const std::string seen = a.body + json::serialize(a.doc);
    for (const char* secret : {"秀英", "wang.xiuying", "13800001234"})
      EXPECT_EQ(seen.find(secret), std::string::npos) << secret << " in " << a.body.substr(0, 3000);
  }
  auto reporter = Api("POST", "/api/v1/cases/" + id + "/reveal", R"({"reason":"回访核实"})", "operator").at("reporter");
  const std::string name(reporter.at("name").as_string());
  EXPECT_NE(name.find("秀英"), std::string::npos) << name;
  EXPECT_EQ(name.find("wang.xiuying"), std::string::npos) << name;  // not kept at all
  EXPECT_EQ(reporter.at("phone").as_string(), "13800001234");
}

// docs/open311.md, Reading: an unknown request id is 404.
TEST_P(Open311, UnknownRequestIs404) { ExpectError(Get("requests/987654321"), 404); }

// GeoReport v2, GET service_request_id from a token: [{service_request_id, token}].
TEST_P(Open311, TokenAnswersTheRequestId) {
  json::object posted = File(Report());
  const std::string token = Text(posted, "token");
  ASSERT_FALSE(token.empty());
  Items items = List(Get("tokens/" + testing::PercentEncode(token)), "service_requests");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(Text(items[0], "service_request_id"), Text(posted, "service_request_id"));
  EXPECT_EQ(Text(items[0], "token"), token);
}

// docs/open311.md, Reading: an unknown token is 404.
TEST_P(Open311, UnknownTokenIs404) { ExpectError(Get("tokens/NO-SUCH-TOKEN"), 404); }

// ---- GET requests -----------------------------------------------------------------------------------------

// GeoReport v2, GET Service Requests: service_request_id, comma-separated; docs/open311.md: when given,
// the other filters are ignored.
TEST_P(Open311, RequestsBySeveralIds) {
  const std::string a = NewRequest(), b = NewRequest(), c = NewRequest();
  auto ids = Column(Requests({{"service_request_id", a + "," + b}}), "service_request_id");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), (std::set<std::string>{a, b}));
  ids = Column(Requests({{"service_request_id", a + "," + b}, {"status", "closed"}, {"service_code", "02"}}),
               "service_request_id");
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), (std::set<std::string>{a, b}));
}

// GeoReport v2, GET Service Requests: service_code (docs/open311.md: comma-separated).
TEST_P(Open311, RequestsByServiceCode) {
  const Timestamp t0 = testing::NowSeconds();
  const std::string heating = NewRequest();
  const std::string street = NewRequest(With(Without(Without(Report(), "attribute[room_temperature]"),
                                                     "attribute[heating_type]"), "service_code", "02"));
  auto ids = Column(Requests(With(Window(t0 - 3600, t0 + 3600), "service_code", "02")), "service_request_id");
  EXPECT_TRUE(Contains(ids, street));
  EXPECT_FALSE(Contains(ids, heating));
  ids = Column(Requests(With(Window(t0 - 3600, t0 + 3600), "service_code", "0101,02")), "service_request_id");
  EXPECT_TRUE(Contains(ids, street) && Contains(ids, heating));
}

// GeoReport v2, GET Service Requests: status open / closed (docs/open311.md: or both, comma-separated;
// a rejected case is closed).
TEST_P(Open311, RequestsByStatus) {
  const Timestamp t0 = testing::NowSeconds();
  const std::string open = NewRequest(), rejected = NewRequest();
  ASSERT_FALSE(open.empty() || rejected.empty());
  Act(rejected, R"({"action":"reject","note":"不属于供热问题"})", "operator");
  const Params window = Window(t0 - 3600, t0 + 3600);
  auto ids = Column(Requests(With(window, "status", "open")), "service_request_id");
  EXPECT_TRUE(Contains(ids, open) && !Contains(ids, rejected));
  ids = Column(Requests(With(window, "status", "closed")), "service_request_id");
  EXPECT_TRUE(!Contains(ids, open) && Contains(ids, rejected));
  ids = Column(Requests(With(window, "status", "open,closed")), "service_request_id");
  EXPECT_TRUE(Contains(ids, open) && Contains(ids, rejected));
}

// GeoReport v2, GET Service Requests: start_date / end_date on the report time; docs/open311.md: any zone
// (Z, +08:00) or a plain date (local midnight); without dates, the last 90 days.
TEST_P(Open311, RequestsInADateWindow) {
  const Timestamp t0 = testing::NowSeconds();
  const std::string id = NewRequest();
  EXPECT_TRUE(Contains(Column(Requests(Window(t0 - 3600, t0 + 3600)), "service_request_id"), id));
  EXPECT_FALSE(Contains(Column(Requests(Window(t0 + 3600, t0 + 7200)), "service_request_id"), id));
  EXPECT_FALSE(Contains(Column(Requests(Window(t0 - 2 * 86400, t0 - 86400)), "service_request_id"), id));
  EXPECT_TRUE(Contains(Column(Requests({{"start_date", Iso(t0 - 3600, 0)}, {"end_date", Iso(t0 + 3600, 0)}}),
                              "service_request_id"), id));
  const Params dates = {{"start_date", Iso(t0).substr(0, 10)}, {"end_date", Iso(t0 + 86400).substr(0, 10)}};
  EXPECT_TRUE(Contains(Column(Requests(dates), "service_request_id"), id));
  EXPECT_TRUE(Contains(Column(Requests({}), "service_request_id"), id));
}

// GeoReport v2, GET Service Requests: start_date and end_date at most 90 days apart → else 400.
TEST_P(Open311, RequestsWindowOver90DaysIs400) {
  const Timestamp t0 = testing::NowSeconds();
  ExpectError(Get("requests", Window(t0 - 100 * 86400, t0)), 400, {"start_date", "end_date"});
}

// docs/open311.md, Conventions: a malformed time argument is 400 naming it.
TEST_P(Open311, RequestsWithAMalformedDateIs400) {
  for (const char* bad : {"2026-13-45", "yesterday", "2026-11-23T25:00:00+08:00"})
    ExpectError(Get("requests", {{"start_date", bad}}), 400, {"start_date"});
}

// GeoReport v2, GET Service Requests: status is open or closed → another value is 400.
TEST_P(Open311, RequestsWithABadStatusIs400) { ExpectError(Get("requests", {{"status", "pending"}}), 400, {"status"}); }

// docs/open311.md, Conventions: an argument given empty is treated exactly as if it were absent.
TEST_P(Open311, EmptyFiltersAreAbsent) {
  const std::string id = NewRequest();
  Items items = Requests({{"service_request_id", ""}, {"service_code", ""}, {"status", ""}, {"start_date", ""},
                          {"end_date", ""}, {"jurisdiction_id", ""}});
  EXPECT_TRUE(Contains(Column(items, "service_request_id"), id));
}

// GeoReport v2, GET Service Requests: "first 1000 requests returned"; docs/open311.md: at most 1000
// requests, newest first.
TEST_P(Open311, RequestsAreAtMost1000NewestFirst) {
  static const Timestamp from = testing::NowSeconds() - 10 * 86400;
  static const std::vector<std::string> bulk = server_->ReportInProcess(1001, from);  // once for both formats
  ASSERT_EQ(bulk.size(), 1001u);
  Items items = Requests(Window(from - 3600, from + 3600));
  ASSERT_EQ(items.size(), 1000u);
  EXPECT_EQ(Text(items.front(), "service_request_id"), bulk.back());
  EXPECT_EQ(Text(items.back(), "service_request_id"), bulk[1]);
  ExpectNewestFirst(items);
  Items recent = Requests({});
  EXPECT_LE(recent.size(), 1000u);
  ExpectNewestFirst(recent);
}

// ---- Following a case: statuses and updates ---------------------------------------------------------------

// docs/open311.md, Reading and The extension: a case is open until it is closed; each step that changes
// its state is an update, with the extended status of the table, oldest first; no staff note is shown.
TEST_P(Open311, ACaseFollowedToClosed) {
  const Timestamp t0 = testing::NowSeconds();
  const std::string id = NewRequest();
  ASSERT_FALSE(id.empty());
  const std::string note = "更换循环泵，室温恢复20℃";
  const std::vector<std::tuple<std::string, std::string, std::string>> steps = {
      {R"({"action":"accept"})", "operator", "INVESTIGATING"},
      {R"({"action":"dispatch"})", "operator", "ACTION_SCHEDULED"},
      {R"({"action":"acknowledge"})", "unit_staff", "IN_PROGRESS"},
      {R"({"action":"resolve","note":")" + note + "\"}", "unit_staff", "FIXED"},
      {R"({"action":"verify_pass"})", "operator", "FIXED"},
      {R"({"action":"callback","evaluation":"satisfied"})", "operator", "FIXED"},
      {R"({"action":"close"})", "operator", "CLOSED"}};
  for (const auto& [action, user, extended] : steps) {
    Act(id, action, user);
    json::object r = Request(id);
    EXPECT_EQ(Text(r, "status"), extended == "CLOSED" ? "closed" : "open") << action;
    EXPECT_EQ(Text(r, "extended_status"), extended) << action;
    EXPECT_EQ(Text(r, "status_notes").find(note), std::string::npos);
    if (extended == "ACTION_SCHEDULED") {
      EXPECT_EQ(Text(r, "agency_responsible"), "兰山区供热公司");  // the lead unit once dispatched
      EXPECT_TRUE(std::regex_match(Text(r, "expected_datetime"), kTime)) << Text(r, "expected_datetime");
    }
  }
  Items updates;
  for (const auto& u : Updates(Window(t0 - 3600, testing::NowSeconds() + 3600)))
    if (Text(u, "service_request_id") == id) updates.push_back(u);
  EXPECT_EQ(Column(updates, "status"),
            (std::vector<std::string>{"OPEN", "INVESTIGATING", "ACTION_SCHEDULED", "IN_PROGRESS", "FIXED", "FIXED",
                                      "FIXED", "CLOSED"}));
  std::set<std::string> update_ids;
  for (const auto& u : updates) {
    update_ids.insert(Text(u, "update_id"));
    EXPECT_TRUE(std::regex_match(Text(u, "updated_datetime"), kTime)) << Text(u, "updated_datetime");
    EXPECT_FALSE(Text(u, "description").empty());
    EXPECT_EQ(Text(u, "description").find(note), std::string::npos) << "a staff note in an update";
  }
  EXPECT_EQ(update_ids.size(), updates.size());
  EXPECT_FALSE(update_ids.contains(""));
}

// docs/open311.md, The extension: a rejected (不予受理) case is closed, NOT_COUNCILS_RESPONSIBILITY.
TEST_P(Open311, ARejectedCaseIsClosedNotCouncilsResponsibility) {
  const Timestamp t0 = testing::NowSeconds();
  const std::string id = NewRequest();
  ASSERT_FALSE(id.empty());
  Act(id, R"({"action":"reject","note":"属物业管理范围，已告知联系物业"})", "operator");
  json::object r = Request(id);
  EXPECT_EQ(Text(r, "status"), "closed");
  EXPECT_EQ(Text(r, "extended_status"), "NOT_COUNCILS_RESPONSIBILITY");
  EXPECT_EQ(Text(r, "status_notes").find("物业"), std::string::npos) << "a staff note in status_notes";
  Items updates;
  for (const auto& u : Updates(Window(t0 - 3600, testing::NowSeconds() + 3600)))
    if (Text(u, "service_request_id") == id) updates.push_back(u);
  EXPECT_EQ(Column(updates, "status"), (std::vector<std::string>{"OPEN", "NOT_COUNCILS_RESPONSIBILITY"}));
}

// docs/open311.md, The extension: a case merged into another is closed, DUPLICATE.
TEST_P(Open311, AMergedCaseIsClosedDuplicate) {
  const std::string first = NewRequest(), again = NewRequest();
  ASSERT_FALSE(first.empty() || again.empty());
  Act(again, R"({"action":"merge","duplicate_of":)" + first + "}", "operator");
  json::object r = Request(again);
  EXPECT_EQ(Text(r, "status"), "closed");
  EXPECT_EQ(Text(r, "extended_status"), "DUPLICATE");
  EXPECT_EQ(Text(Request(first), "status"), "open");
}

// docs/open311.md, The extension: a suspended (挂账) case stays open as NO_FURTHER_ACTION and, once resumed,
// is back IN_PROGRESS; both steps are updates, and the reason given for suspending is never shown.
TEST_P(Open311, ASuspendedCaseIsNoFurtherActionUntilResumed) {
  const Timestamp t0 = testing::NowSeconds();
  const std::string id = NewRequest();
  ASSERT_FALSE(id.empty());
  const std::string reason = "需列入明年管网改造计划";
  Act(id, R"({"action":"accept"})", "operator");
  Act(id, R"({"action":"dispatch"})", "operator");
  Act(id, R"({"action":"acknowledge"})", "unit_staff");
  Act(id, R"({"action":"suspend","note":")" + reason + "\"}", "operator");
  json::object r = Request(id);
  EXPECT_EQ(Text(r, "status"), "open");
  EXPECT_EQ(Text(r, "extended_status"), "NO_FURTHER_ACTION");
  EXPECT_EQ(Text(r, "status_notes").find(reason), std::string::npos) << "a staff note in status_notes";
  Act(id, R"({"action":"resume"})", "operator");
  EXPECT_EQ(Text(Request(id), "extended_status"), "IN_PROGRESS");
  Items updates;
  for (const auto& u : Updates(Window(t0 - 3600, testing::NowSeconds() + 3600)))
    if (Text(u, "service_request_id") == id) updates.push_back(u);
  EXPECT_EQ(Column(updates, "status"), (std::vector<std::string>{"OPEN", "INVESTIGATING", "ACTION_SCHEDULED",
                                                                 "IN_PROGRESS", "NO_FURTHER_ACTION", "IN_PROGRESS"}));
  for (const auto& u : updates) EXPECT_EQ(Text(u, "description").find(reason), std::string::npos);
}

// docs/open311.md, The extension: servicerequestupdates' start_date and end_date at most 90 days apart.
TEST_P(Open311, UpdatesWindowOver90DaysIs400) {
  const Timestamp t0 = testing::NowSeconds();
  ExpectError(Get("servicerequestupdates", Window(t0 - 100 * 86400, t0)), 400, {"start_date", "end_date"});
}

// ---- Formats and paths ------------------------------------------------------------------------------------

// docs/open311.md, Conventions: any other extension than .json and .xml, or none, is 404.
TEST_P(Open311, AnUnknownFormatIs404) {
  for (const char* target : {"/open311/v2/services.html", "/open311/v2/services"})
    EXPECT_EQ(Send("GET", target, "", {}).status, 404u) << target;
}

// docs/open311.md, Conventions: an unknown path is 404 with the list of errors.
TEST_P(Open311, AnUnknownPathIs404) {
  ExpectError(Get("nothing"), 404);
  ExpectError(Get("requests/1/notes"), 404);
}

}  // namespace
}  // namespace civicgrid
