// Fuzzes the decoding of JSON request bodies: the bytes are a request body, read by JsonObjectBody
// and then, member by member, by the typed field helpers the routes use (OptString, OptInt,
// OptNumber, OptBool, StringList, IdList) in the shapes of a case report, a case action and a
// calendar, and by the value parsers those fields go through (channel, priority, action, evaluation,
// time limit, CRS, coordinates, date, timestamp, division code). Nothing here needs a store.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/territory.h"
#include "core/text.h"
#include "core/calendar.h"
#include "core/case.h"
#include "core/territory.h"
#include "core/time_limit.h"
#include "fuzz/fuzz_check.h"
#include "geo/crs.h"
#include "http/json_body.h"

namespace civicgrid::fuzz {
namespace {

namespace json = boost::json;
using http::IdList;
using http::OptBool;
using http::OptInt;
using http::OptNumber;
using http::OptString;
using http::StringList;

// A string member with the limit the routes give it; a present value is within the limit.
std::string String(const json::object& o, std::string_view key, size_t max_bytes) {
  auto v = OptString(o, key, max_bytes);
  if (!v) {
    CheckInputError(v.error(), key);
    return {};
  }
  if (!*v) return {};
  Check((*v)->size() <= max_bytes, "OptString answered a string over its limit");
  Check(IsValidUtf8(**v), "OptString answered invalid UTF-8");
  return **v;
}

void Strings(const json::object& o, std::string_view key, size_t max_items) {
  auto v = StringList(o, key, max_items);
  if (!v) return CheckInputError(v.error(), key);
  Check(v->size() <= max_items, "StringList answered more items than allowed");
  for (const auto& s : *v) Check(s.size() <= 200, "StringList answered an item over 200 bytes");
}

void Ids(const json::object& o, std::string_view key, size_t max_items) {
  auto v = IdList(o, key, max_items);
  if (!v) return CheckInputError(v.error(), key);
  Check(v->size() <= max_items, "IdList answered more items than allowed");
  for (int64_t id : *v) Check(id > 0, "IdList answered an id that is not positive");
}

int64_t Int(const json::object& o, std::string_view key) {
  auto v = OptInt(o, key);
  if (!v) {
    CheckInputError(v.error(), key);
    return 0;
  }
  return v->value_or(0);
}

const json::object* Object(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

// The members of a case report (POST /api/v1/cases).
void Report(const json::object& o) {
  ParseChannel(String(o, "channel", 40));
  if (auto category = String(o, "category", 8); !category.empty()) {
    if (auto level = ValidateCode(category, "category"); !level) CheckInputError(level.error());
  }
  ParsePriority(String(o, "priority", 20));
  String(o, "description", 4000);
  if (const json::object* loc = Object(o, "location")) {
    auto lon = OptNumber(*loc, "lon");
    auto lat = OptNumber(*loc, "lat");
    if (!lon) CheckInputError(lon.error(), "lon");
    if (!lat) CheckInputError(lat.error(), "lat");
    if (lon && lat && *lon && *lat) {
      if (auto valid = app::ValidateLonLat(**lon, **lat); !valid) {
        CheckInputError(valid.error());
      } else {
        Check(std::isfinite(**lon) && std::isfinite(**lat), "ValidateLonLat accepted a non-finite coordinate");
      }
    }
    geo::ParseCrs(String(*loc, "crs", 10));
  }
  if (auto grid = String(o, "grid", 15); !grid.empty()) {
    if (auto level = ValidateCode(grid, "grid"); !level) CheckInputError(level.error());
  }
  String(o, "address", 500);
  if (const json::object* reporter = Object(o, "reporter")) {
    String(*reporter, "name", 100);
    String(*reporter, "phone", 40);
  }
  Strings(o, "attachments", 20);
}

// The members of a case action (POST /api/v1/cases/{id}/actions).
void Action(const json::object& o) {
  civicgrid::ParseAction(String(o, "action", 40));
  String(o, "note", 4000);
  ParseEvaluation(String(o, "evaluation", 40));
  Int(o, "duplicate_of");
  Int(o, "unit");
  Ids(o, "co_units", 20);
  if (const json::object* extension = Object(o, "extension")) {
    auto kind = ParseTimeLimitKind(String(*extension, "kind", 20));
    if (kind) {
      if (auto valid = ValidateTimeLimit(TimeLimit{*kind, Int(*extension, "amount")}, "extension"); !valid)
        CheckInputError(valid.error());
    }
  }
}

// The members of a calendar (PUT /api/v1/calendars/{id}) and of query-like values.
void Calendar(const json::object& o) {
  String(o, "name", 200);
  Int(o, "utc_offset_minutes");
  Strings(o, "working_weekdays", 7);
  Strings(o, "office_hours", 12);
  if (auto it = o.find("overrides"); it != o.end() && it->value().is_array()) {
    for (const auto& item : it->value().as_array()) {
      if (!item.is_object()) continue;
      std::string date = String(item.as_object(), "date", 10);
      if (auto day = ParseDay(date, "overrides"); !day) CheckInputError(day.error());
      auto working = OptBool(item.as_object(), "working");
      if (!working) CheckInputError(working.error(), "working");
    }
  }
  std::string from = String(o, "from", 40);
  if (auto t = ParseTimestamp(from, "from"); !t) CheckInputError(t.error());
  ParseRole(String(o, "role", 40));
  ParseCaseStatus(String(o, "status", 40));
}

}  // namespace
}  // namespace civicgrid::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace civicgrid;
  http::Request request;
  request.body.assign(reinterpret_cast<const char*>(data), size);
  auto body = http::JsonObjectBody(request);
  if (!body) {
    fuzz::CheckInputError(body.error());
    fuzz::Check(body.error().field == "body", "JsonObjectBody names a field other than body");
    return 0;
  }
  fuzz::Report(*body);
  fuzz::Action(*body);
  fuzz::Calendar(*body);
  // Every member, whatever its name, through every helper.
  for (const auto& member : *body) {
    std::string_view key = member.key();
    fuzz::String(*body, key, 64);
    fuzz::Strings(*body, key, 5);
    fuzz::Ids(*body, key, 5);
    fuzz::Int(*body, key);
    if (auto number = http::OptNumber(*body, key); !number) fuzz::CheckInputError(number.error(), key);
    if (auto flag = http::OptBool(*body, key); !flag) fuzz::CheckInputError(flag.error(), key);
  }
  return 0;
}
