#include "http/open311_routes.h"

#include <charconv>

#include <boost/json.hpp>

#include "http/form.h"
#include "http/xml.h"

namespace civicgrid::http {
namespace {

namespace json = boost::json;

constexpr const char* kBase = "/open311/v2";
constexpr const char* kSpecification = "http://wiki.open311.org/GeoReport_v2";
constexpr const char* kChangeset = "2026-11-23T00:00:00+08:00";  // when this API last changed

enum class Format { kJson, kXml };

// The format of a last path segment "name.json" / "name.xml", and its name; nullopt for another extension.
std::optional<Format> SplitFormat(const std::string& segment, std::string& name) {
  const size_t dot = segment.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string ext = segment.substr(dot + 1);
  name = segment.substr(0, dot);
  if (ext == "json") return Format::kJson;
  if (ext == "xml") return Format::kXml;
  return std::nullopt;
}

// An answer in `format`: a JSON value, or XML with `root` (and `item` for the elements of a list).
Response Answer(Format format, unsigned status, const json::value& value, const char* root, const char* item) {
  if (format == Format::kJson) {
    Response r = Json(status, value);
    r.content_type = "application/json; charset=utf-8";
    return r;
  }
  return Text(status, JsonToXml(value, root, item), "text/xml; charset=utf-8");
}

// Open311's error list: [{"code":404,"description":"…"}] (XML: errors/error).
Response Failure(Format format, const Error& e) {
  const unsigned status = StatusFor(e);
  std::string text = e.message;
  if (!e.field.empty() && text.find(e.field) == std::string::npos) text = e.field + ": " + text;
  json::array list{json::object{{"code", status}, {"description", text}}};
  return Answer(format, status, list, "errors", "error");
}

Response NotFoundHere(Format format, const Request& req) {
  return Failure(format, Error::NotFound("no Open311 resource at " + req.path, "path"));
}

// A query argument; "" when absent or given empty (Open311: an empty argument is an absent one).
std::string Arg(const Request& req, const char* name) { return req.Query(name); }

// An optional time argument.
Result<std::optional<Timestamp>> TimeArg(const Request& req, const char* name) {
  const std::string text = Arg(req, name);
  if (text.empty()) return std::optional<Timestamp>();
  auto t = ParseTimestamp(text, name);
  if (!t) return Error::InvalidArgument(std::string(name) + " must be an ISO 8601 time with a zone, e.g. 2026-11-23T08:00:00+08:00", name);
  return std::optional<Timestamp>(*t);
}

// Comma-separated values, blanks dropped.
std::vector<std::string> List(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string piece = text.substr(start, comma - start);
    while (!piece.empty() && piece.front() == ' ') piece.erase(piece.begin());
    while (!piece.empty() && piece.back() == ' ') piece.pop_back();
    if (!piece.empty()) out.push_back(std::move(piece));
    start = comma + 1;
  }
  return out;
}

Result<int64_t> RequestId(const std::string& text, const char* field) {
  int64_t id = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || p != text.data() + text.size() || id <= 0)
    return Error::NotFound("no request has service_request_id " + text.substr(0, 40), field);
  return id;
}

json::object ServiceJson(const app::ServiceView& s) {
  std::string keywords;
  for (const auto& k : s.category.keywords) keywords += (keywords.empty() ? "" : ",") + k;
  return {{"service_code", s.category.code},
          {"service_name", s.category.name},
          {"description", s.category.description},
          {"metadata", !s.category.attributes.empty()},
          {"type", "realtime"},
          {"keywords", keywords},
          {"group", s.group}};
}

json::object DefinitionJson(const app::ServiceView& s) {
  json::array attributes;
  for (const auto& a : s.category.attributes) {
    json::object o{{"variable", a.variable},
                   {"code", a.code},
                   {"datatype", AttributeDatatypeName(a.datatype)},
                   {"required", a.required},
                   {"datatype_description", a.datatype_description},
                   {"order", a.order},
                   {"description", a.description}};
    if (!a.values.empty()) {
      json::array values;
      for (const auto& v : a.values) values.push_back(json::object{{"key", v.key}, {"name", v.name}});
      o["values"] = std::move(values);
    }
    attributes.push_back(std::move(o));
  }
  return {{"service_code", s.category.code}, {"attributes", std::move(attributes)}};
}

json::object RequestJson(const app::Open311Request& r) {
  const Case& c = r.c;
  const int offset = r.utc_offset_minutes;
  json::object o{{"service_request_id", c.id}, {"status", Open311StatusOf(c.status)},
                 {"extended_status", ExtendedStatusName(ExtendedStatusOf(c.status))},
                 {"status_notes", r.status_notes}};
  if (!c.category.empty()) {
    o["service_name"] = r.service_name;
    o["service_code"] = c.category;
  }
  o["description"] = c.description;
  if (!r.agency.empty()) o["agency_responsible"] = r.agency;
  if (!r.service_notice.empty()) o["service_notice"] = r.service_notice;
  o["requested_datetime"] = FormatTimestamp(c.reported_at, offset);
  o["updated_datetime"] = FormatTimestamp(c.updated_at, offset);
  if (c.handle_due > 0 && !IsTerminal(c.status)) o["expected_datetime"] = FormatTimestamp(c.handle_due, offset);
  o["address"] = c.address;
  o["address_id"] = c.territory;
  if (c.has_point) {
    o["lat"] = c.lat;
    o["long"] = c.lon;
  }
  if (!r.media_url.empty()) o["media_url"] = r.media_url;
  return o;
}

json::object UpdateJson(const app::Open311Update& u) {
  const CaseEvent& e = u.event;
  json::object o{{"update_id", std::to_string(e.case_id) + "-" + std::to_string(e.seq)},
                 {"service_request_id", e.case_id},
                 {"status", ExtendedStatusName(ExtendedStatusOf(e.to))},
                 {"updated_datetime", FormatTimestamp(e.at, u.utc_offset_minutes)},
                 {"description", u.description}};
  if (!u.media_url.empty()) o["media_url"] = u.media_url;
  return o;
}

// The arguments of POST requests: the query string, then the form body over it.
Result<app::Open311ReportInput> ReportArgs(const Request& req) {
  std::vector<std::pair<std::string, std::string>> fields(req.query.begin(), req.query.end());
  if (!req.body.empty()) {
    const std::string type(req.Header("content-type"));
    if (type.rfind("application/x-www-form-urlencoded", 0) != 0)
      return Error::InvalidArgument("the body must be application/x-www-form-urlencoded", "Content-Type");
    auto form = ParseForm(req.body);
    if (!form) return form.error();
    fields.insert(fields.end(), form->begin(), form->end());
  }
  app::Open311ReportInput in;
  const std::map<std::string, std::string*> named{
      {"api_key", &in.api_key},       {"service_code", &in.service_code}, {"lat", &in.lat},
      {"long", &in.lon},              {"address_string", &in.address_string}, {"address_id", &in.address_id},
      {"description", &in.description}, {"media_url", &in.media_url},   {"email", &in.email},
      {"device_id", &in.device_id},   {"account_id", &in.account_id},   {"first_name", &in.first_name},
      {"last_name", &in.last_name},   {"phone", &in.phone}};
  std::map<std::string, std::vector<std::string>> lists;  // attribute[code][] values, body after query
  for (auto& [name, value] : fields) {
    if (auto it = named.find(name); it != named.end()) {
      *it->second = value;
    } else if (name.rfind("attribute[", 0) == 0) {
      const size_t close = name.find(']');
      if (close == std::string::npos || close == 10) return Error::InvalidArgument("malformed argument " + name, name);
      const std::string code = name.substr(10, close - 10);
      const std::string rest = name.substr(close + 1);
      if (rest == "[]") {
        if (!value.empty()) lists[code].push_back(value);
      } else if (rest.empty()) {
        if (value.empty()) in.attributes.erase(code);
        else in.attributes[code] = {value};
      } else {
        return Error::InvalidArgument("malformed argument " + name, name);
      }
    }
  }
  for (auto& [code, values] : lists) in.attributes[code] = std::move(values);
  in.remote = req.remote;
  return in;
}

using Work = std::function<Response(Format, Request&)>;

// Registers `/open311/v2/<name>.json` and `.xml` for `method`, as route `route`.
void AddBoth(Router& router, Verb method, const std::string& name, const std::string& route, Open311Api api,
             Work work) {
  for (auto [ext, format] : {std::pair{".json", Format::kJson}, {".xml", Format::kXml}}) {
    router.Add(method, kBase + ("/" + name + ext), route, Permission::kPublic,
               Handler([api, work, format](Request& req) -> boost::asio::awaitable<Response> {
                 auto job = [&req, work, format]() { return work(format, req); };  // named: see offload.h
                 co_return co_await api.offload.Run(std::move(job));
               }));
  }
}

// Registers `/open311/v2/<collection>/{file}` ("ID.json"/"ID.xml") as route `route`.
void AddItem(Router& router, const std::string& collection, const std::string& route, Open311Api api,
             std::function<Response(Format, const std::string&, Request&)> work) {
  router.Add(Verb::get, kBase + ("/" + collection + "/{file}"), route, Permission::kPublic,
             Handler([api, work](Request& req) -> boost::asio::awaitable<Response> {
               std::string name;
               auto format = SplitFormat(req.Param("file"), name);
               if (!format) co_return NotFoundHere(Format::kJson, req);
               auto job = [&req, work, f = *format, name]() { return work(f, name, req); };  // named: see offload.h
               co_return co_await api.offload.Run(std::move(job));
             }));
}

}  // namespace

void AddOpen311Routes(Router& router, Open311Api api) {
  AddBoth(router, Verb::get, "discovery", "open311.discovery", api, [](Format f, Request& req) {
    std::string host(req.Header("host"));
    if (host.empty()) host = "127.0.0.1";
    const std::string scheme = req.Header("x-forwarded-proto") == "https" ? "https" : "http";
    json::object endpoint{{"specification", kSpecification},
                          {"url", scheme + "://" + host + kBase},
                          {"changeset", kChangeset},
                          {"type", "production"},
                          {"formats", json::array{"application/json", "text/xml"}}};
    json::object d{{"changeset", kChangeset},
                   {"contact", "the command center that runs this civicgrid deployment"},
                   {"key_service", "API keys are issued by this deployment's administrators "
                                   "(civicgrid apikey add NAME --permission case.report)"},
                   {"endpoints", json::array{std::move(endpoint)}}};
    return Answer(f, 200, d, "discovery", "");
  });

  AddBoth(router, Verb::get, "services", "open311.services", api, [api](Format f, Request&) {
    json::array list;
    for (const auto& s : api.open311.Services()) list.push_back(ServiceJson(s));
    return Answer(f, 200, list, "services", "service");
  });

  AddItem(router, "services", "open311.service", api, [api](Format f, const std::string& code, Request&) {
    auto s = api.open311.Service(code);
    if (!s) return Failure(f, s.error());
    return Answer(f, 200, DefinitionJson(*s), "service_definition", "");
  });

  AddBoth(router, Verb::post, "requests", "open311.report", api, [api](Format f, Request& req) {
    auto in = ReportArgs(req);
    if (!in) return Failure(f, in.error());
    auto receipt = api.open311.Report(*in);
    if (!receipt) return Failure(f, receipt.error());
    json::object o{{"service_request_id", receipt->service_request_id},
                   {"token", receipt->token},
                   {"service_notice", receipt->service_notice}};
    if (!receipt->account_id.empty()) o["account_id"] = receipt->account_id;
    return Answer(f, 200, json::array{std::move(o)}, "service_requests", "request");
  });

  AddBoth(router, Verb::get, "requests", "open311.requests", api, [api](Format f, Request& req) {
    app::Open311Query q;
    for (const auto& id : List(Arg(req, "service_request_id"))) {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
      if (ec != std::errc() || p != id.data() + id.size() || n <= 0)
        return Failure(f, Error::InvalidArgument("service_request_id must be a list of ids, e.g. 12,15", "service_request_id"));
      q.ids.push_back(n);
    }
    q.service_codes = List(Arg(req, "service_code"));
    for (const auto& s : List(Arg(req, "status"))) {
      if (s != "open" && s != "closed")
        return Failure(f, Error::InvalidArgument("status must be open, closed or both, comma-separated", "status"));
      for (CaseStatus cs : CaseStatusesWithOpen311Status(s == "closed")) q.statuses.push_back(cs);
    }
    auto start = TimeArg(req, "start_date");
    if (!start) return Failure(f, start.error());
    auto end = TimeArg(req, "end_date");
    if (!end) return Failure(f, end.error());
    q.start = *start;
    q.end = *end;
    auto list = api.open311.Requests(q);
    if (!list) return Failure(f, list.error());
    json::array out;
    for (const auto& r : *list) out.push_back(RequestJson(r));
    return Answer(f, 200, out, "service_requests", "request");
  });

  AddItem(router, "requests", "open311.request", api, [api](Format f, const std::string& id, Request&) {
    auto n = RequestId(id, "service_request_id");
    if (!n) return Failure(f, n.error());
    auto r = api.open311.Request(*n);
    if (!r) return Failure(f, r.error());
    return Answer(f, 200, json::array{RequestJson(*r)}, "service_requests", "request");
  });

  AddItem(router, "tokens", "open311.token", api, [api](Format f, const std::string& token, Request&) {
    auto id = api.open311.Token(token);
    if (!id) return Failure(f, id.error());
    return Answer(f, 200, json::array{json::object{{"service_request_id", *id}, {"token", token}}},
                  "service_requests", "request");
  });

  AddBoth(router, Verb::get, "servicerequestupdates", "open311.updates", api, [api](Format f, Request& req) {
    auto start = TimeArg(req, "start_date");
    if (!start) return Failure(f, start.error());
    auto end = TimeArg(req, "end_date");
    if (!end) return Failure(f, end.error());
    auto updates = api.open311.Updates(*start, *end);
    if (!updates) return Failure(f, updates.error());
    json::array out;
    for (const auto& u : *updates) out.push_back(UpdateJson(u));
    return Answer(f, 200, out, "service_request_updates", "request_update");
  });

  // Anything else under /open311/v2/: Open311's 404, in the format the path asks for (JSON otherwise).
  for (const char* pattern :
       {"/open311", "/open311/v2", "/open311/v2/{a}", "/open311/v2/{a}/{b}", "/open311/v2/{a}/{b}/{c}"}) {
    for (Verb method : {Verb::get, Verb::post}) {
      router.Add(method, pattern, "open311.unknown", Permission::kPublic, SyncHandler([](Request& req) {
                   std::string name;
                   const auto format = SplitFormat(req.segments.empty() ? "" : req.segments.back(), name);
                   return NotFoundHere(format.value_or(Format::kJson), req);
                 }));
    }
  }
}

}  // namespace civicgrid::http
