#include "app/open311.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <boost/json.hpp>

#include "app/credentials.h"
#include "common/json.h"
#include "core/text.h"

namespace civicgrid::app {
namespace {

namespace json = boost::json;

// The idempotency key under which a token's case is remembered.
std::string TokenKey(const std::string& token) { return "open311-token:" + token; }

// A decimal number in [lo, hi], or an error naming `field`.
Result<double> Degrees(const std::string& text, double lo, double hi, const char* field) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v, std::chars_format::fixed);
  if (ec != std::errc() || p != end || !std::isfinite(v) || v < lo || v > hi)
    return Error::InvalidArgument(std::string(field) + " must be a decimal number of degrees from " +
                                      std::to_string(static_cast<int>(lo)) + " to " + std::to_string(static_cast<int>(hi)),
                                  field);
  return v;
}

// Checks a text argument: at most `max` bytes, no control characters (valid UTF-8 is checked by the
// HTTP layer).
Result<void> Plain(const std::string& text, size_t max, const char* field) {
  if (text.size() > max) return Error::InvalidArgument(std::string(field) + " is longer than " + std::to_string(max) + " bytes", field);
  for (unsigned char ch : text)
    if (ch < 0x20 || ch == 0x7F) return Error::InvalidArgument(std::string(field) + " holds a control character", field);
  return {};
}

Result<void> CheckMediaUrl(const std::string& url) {
  if (url.empty()) return {};
  if (auto r = Plain(url, 2048, "media_url"); !r) return r;
  const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  const size_t host = url.find("://") + 3;
  if (!http || host >= url.size() || url[host] == '/' || url.find(' ') != std::string::npos)
    return Error::InvalidArgument("media_url must be an http:// or https:// URL", "media_url");
  return {};
}

Result<void> CheckEmail(const std::string& email) {
  if (email.empty()) return {};
  if (auto r = Plain(email, 254, "email"); !r) return r;
  const size_t at = email.find('@');
  if (at == 0 || at == std::string::npos || at + 1 >= email.size() || email.find('@', at + 1) != std::string::npos ||
      email.find(' ') != std::string::npos)
    return Error::InvalidArgument("email must be an address like name@example.com", "email");
  return {};
}

// The Open311 argument an error of the intake is about.
Error Renamed(Error e, bool had_point) {
  if (e.field == "location" || e.field == "lon" || e.field == "lat") e.field = had_point ? "lat" : "address_string";
  else if (e.field == "grid" || e.field == "territory") e.field = "address_id";
  else if (e.field == "address") e.field = "address_string";
  else if (e.field == "category") e.field = "service_code";
  else if (e.field == "reporter_name") e.field = "first_name";
  else if (e.field == "reporter_phone") e.field = "phone";
  return e;
}

// The unit or center that has the case now.
std::string AgencyOf(const Case& c, const ReferenceSnapshot& ref) {
  const bool at_center = c.status == CaseStatus::kReported || c.status == CaseStatus::kAccepted ||
                         c.status == CaseStatus::kReturned || c.status == CaseStatus::kEscalated ||
                         c.status == CaseStatus::kRejected || c.unit == 0;
  const Unit* u = ref.UnitById(at_center ? c.center : c.unit);
  return u ? u->name : "";
}

}  // namespace

Open311::Open311(store::Store& store, CaseService& cases, TerritoryService& territory, ReferenceService& reference,
                 AccountService& accounts, Open311Options options)
    : store_(store), cases_(cases), territory_(territory), reference_(reference), accounts_(accounts),
      options_(options) {}

std::vector<ServiceView> Open311::Services() const {
  auto ref = reference_.snapshot();
  std::vector<ServiceView> out;
  for (const auto& s : ServicesOf(ref->data().categories))
    out.push_back({*s.category, s.group, ServiceNotice(*s.category)});
  return out;
}

Result<ServiceView> Open311::Service(const std::string& code) const {
  auto ref = reference_.snapshot();
  auto s = FindService(ref->data().categories, code);
  if (!s) return Error::NotFound("no service has service_code " + code, "service_code");
  return ServiceView{*s->category, s->group, ServiceNotice(*s->category)};
}

Result<Principal> Open311::KeyHolder(const std::string& api_key) {
  if (api_key.empty()) return Error::Forbidden("api_key is required to report", "api_key");
  auto who = accounts_.Authenticate(api_key);
  if (!who || !who->api_key) return Error::Forbidden("api_key is not a valid API key", "api_key");
  if (!who->Has(Permission::kCaseReport)) return Error::Forbidden("this api_key may not report (it lacks case.report)", "api_key");
  return *who;
}

Result<Open311Receipt> Open311::Report(const Open311ReportInput& in) {
  auto who = KeyHolder(in.api_key);
  if (!who) return who.error();
  if (in.service_code.empty()) return Error::InvalidArgument("service_code is required", "service_code");
  auto ref = reference_.snapshot();
  auto service = FindService(ref->data().categories, in.service_code);
  if (!service) return Error::InvalidArgument("no service has service_code " + in.service_code, "service_code");

  if (in.description.empty()) return Error::InvalidArgument("description is required", "description");

  ReportInput r;
  r.channel = Channel::kOpen311;
  r.category = in.service_code;
  r.description = in.description;
  if (in.lat.empty() != in.lon.empty())
    return Error::InvalidArgument("lat and long are given together or not at all", in.lat.empty() ? "lat" : "long");
  if (!in.lat.empty()) {
    auto lat = Degrees(in.lat, -90, 90, "lat");
    if (!lat) return lat.error();
    auto lon = Degrees(in.lon, -180, 180, "long");
    if (!lon) return lon.error();
    r.point = geo::Point(*lon, *lat);
  }
  if (auto c = Plain(in.address_string, 500, "address_string"); !c) return c.error();
  r.address = in.address_string;
  if (!r.point && r.address.empty()) {
    if (in.address_id.empty())
      return Error::InvalidArgument("a location is required: lat and long, address_string or address_id", "lat");
    if (auto c = Plain(in.address_id, 20, "address_id"); !c) return c.error();
    r.territory = in.address_id;
  }

  auto answers = CheckAttributeAnswers(service->category->attributes, in.attributes);
  if (!answers) return answers.error();
  if (auto c = CheckMediaUrl(in.media_url); !c) return c.error();
  if (auto c = CheckEmail(in.email); !c) return c.error();
  for (const auto& [text, field] : {std::pair{&in.first_name, "first_name"}, {&in.last_name, "last_name"}})
    if (auto c = Plain(*text, 50, field); !c) return c.error();
  if (auto c = Plain(in.phone, 40, "phone"); !c) return c.error();
  for (const auto& [text, field] : {std::pair{&in.device_id, "device_id"}, {&in.account_id, "account_id"}})
    if (auto c = Plain(*text, 200, field); !c) return c.error();
  r.reporter_name = in.first_name + (in.first_name.empty() || in.last_name.empty() ? "" : " ") + in.last_name;
  r.reporter_phone = in.phone;

  json::object open311;
  if (!in.media_url.empty()) open311["media_url"] = in.media_url;
  if (!answers->empty()) {
    json::object a;
    for (const auto& [code, values] : *answers) {
      json::array vs;
      for (const auto& v : values) vs.emplace_back(v);
      a[code] = std::move(vs);
    }
    open311["attributes"] = std::move(a);
  }
  if (!in.device_id.empty()) open311["device_id"] = in.device_id;
  if (!in.account_id.empty()) open311["account_id"] = in.account_id;
  r.report_details = ToJson(json::object{{"open311", std::move(open311)}});

  Open311Receipt receipt;
  receipt.token = NewToken("o311_");
  r.idempotency_key = TokenKey(receipt.token);
  auto answer = cases_.Report(r, Caller{*who, in.remote});
  if (!answer) return Renamed(answer.error(), r.point.has_value());
  receipt.service_request_id = answer->c.id;
  receipt.service_notice = ServiceNotice(*service->category);
  receipt.account_id = in.account_id;
  return receipt;
}

std::string Open311::MediaUrlOf(const Case& c) const {
  if (c.channel != Channel::kOpen311) return "";
  auto events = store_.Events(c.id);
  if (!events || events->empty()) return "";
  boost::system::error_code ec;
  auto d = json::parse(events->front().details, ec);
  if (ec || !d.is_object()) return "";
  const auto* o = d.as_object().if_contains("open311");
  const auto* url = o && o->is_object() ? o->as_object().if_contains("media_url") : nullptr;
  return url && url->is_string() ? std::string(url->as_string()) : "";
}

Open311Request Open311::RequestOf(Case c, const ReferenceSnapshot& ref) const {
  Open311Request r;
  if (const Category* cat = ref.CategoryByCode(c.category)) {
    r.service_name = cat->name;
    r.service_notice = ServiceNotice(*cat);
  }
  r.agency = AgencyOf(c, ref);
  r.status_notes = StatusNote(c, r.agency);
  r.media_url = MediaUrlOf(c);
  r.utc_offset_minutes = ref.CalendarOf(c.calendar).utc_offset_minutes;
  if (c.address.empty()) {  // the place's names, province first, when the report gave no address
    if (auto t = territory_.snapshot()) {
      auto path = t->Path(c.territory);
      for (auto it = path.rbegin(); it != path.rend(); ++it) c.address += (*it)->name;
    }
  }
  c.reporter_name.clear();
  c.reporter_phone.clear();
  c.tracking_code.clear();
  r.c = std::move(c);
  return r;
}

Result<Open311Request> Open311::Request(int64_t id) const {
  auto c = store_.GetCase(id);
  if (!c) return c.error();
  if (!*c || !Shown(**c))
    return Error::NotFound("no request has service_request_id " + std::to_string(id), "service_request_id");
  return RequestOf(std::move(**c), *reference_.snapshot());
}

Result<std::vector<Open311Request>> Open311::Requests(const Open311Query& q) const {
  auto ref = reference_.snapshot();
  std::vector<Case> found;
  if (!q.ids.empty()) {
    if (q.ids.size() > static_cast<size_t>(kMaxRequests))
      return Error::InvalidArgument("at most 1000 service_request_id values", "service_request_id");
    for (int64_t id : q.ids) {
      auto c = store_.GetCase(id);
      if (!c) return c.error();
      if (*c && Shown(**c)) found.push_back(std::move(**c));
    }
  } else {
    for (const auto& code : q.service_codes)
      if (!FindService(ref->data().categories, code))
        return Error::InvalidArgument("no service has service_code " + code, "service_code");
    auto window = Open311Window(q.start, q.end, cases_.now(), kRequestWindowSeconds, kRequestWindowSeconds);
    if (!window) return window.error();
    std::vector<std::string> codes = q.service_codes;
    if (codes.empty()) codes.push_back("");
    for (const auto& code : codes) {
      store::CaseFilter f;
      f.statuses = q.statuses;
      if (!options_.all_channels) f.channel = Channel::kOpen311;
      f.category = code;
      f.from = window->from;
      f.to = window->to;
      f.limit = 500;
      for (int fetched = 0; fetched < kMaxRequests;) {
        auto page = store_.ListCases(f);
        if (!page) return page.error();
        fetched += static_cast<int>(page->cases.size());
        for (auto& c : page->cases) found.push_back(std::move(c));
        if (!page->next) break;
        f.before_id = page->next;
      }
    }
  }
  std::sort(found.begin(), found.end(), [](const Case& a, const Case& b) { return a.id > b.id; });
  found.erase(std::unique(found.begin(), found.end(), [](const Case& a, const Case& b) { return a.id == b.id; }),
              found.end());
  if (found.size() > static_cast<size_t>(kMaxRequests)) found.resize(kMaxRequests);
  std::vector<Open311Request> out;
  out.reserve(found.size());
  for (auto& c : found) out.push_back(RequestOf(std::move(c), *ref));
  return out;
}

Result<int64_t> Open311::Token(const std::string& token) const {
  auto id = token.empty() || token.size() > 100 ? Result<std::optional<int64_t>>(std::nullopt)
                                                : store_.FindCaseByIdempotencyKey(TokenKey(token));
  if (!id) return id.error();
  if (!*id) return Error::NotFound("no request has token " + token, "token");
  return **id;
}

Result<std::vector<Open311Update>> Open311::Updates(std::optional<Timestamp> start,
                                                    std::optional<Timestamp> end) const {
  auto window = Open311Window(start, end, cases_.now(), kUpdateWindowSeconds, kRequestWindowSeconds);
  if (!window) return window.error();
  store::EventFilter filter;
  filter.from = window->from;
  filter.to = window->to;
  filter.state_changes_only = true;
  if (!options_.all_channels) filter.channel = Channel::kOpen311;
  filter.limit = kMaxUpdates;
  auto events = store_.EventsBetween(filter);
  if (!events) return events.error();
  auto ref = reference_.snapshot();
  const int offset = ref->CalendarOf("").utc_offset_minutes;
  std::vector<Open311Update> out;
  out.reserve(events->size());
  for (auto& e : *events) {
    Open311Update u;
    boost::system::error_code ec;
    auto d = json::parse(e.details, ec);
    const json::object* o = !ec && d.is_object() ? &d.as_object() : nullptr;
    auto number = [&](const char* key) -> int64_t {
      const auto* v = o ? o->if_contains(key) : nullptr;
      return v && v->is_int64() ? v->as_int64() : 0;
    };
    const Unit* unit = ref->UnitById(number("unit"));
    u.description = UpdateDescription(e, unit ? unit->name : "", number("duplicate_of"));
    if (const auto* x = o ? o->if_contains("open311") : nullptr; x && x->is_object())
      if (const auto* url = x->as_object().if_contains("media_url"); url && url->is_string())
        u.media_url = std::string(url->as_string());
    u.utc_offset_minutes = offset;
    e.note.clear();
    e.details = "{}";
    u.event = std::move(e);
    out.push_back(std::move(u));
  }
  return out;
}

}  // namespace civicgrid::app
