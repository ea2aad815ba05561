#include "support/open311_client.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <map>

#include "support/xml_reader.h"

namespace civicgrid::testing {
namespace json = boost::json;
namespace {

// The lists of GeoReport v2 (and its updates extension): list element → item element.
const std::map<std::string, std::string, std::less<>> kLists = {
    {"endpoints", "endpoint"},     {"formats", "format"},  {"services", "service"},
    {"attributes", "attribute"},   {"values", "value"},    {"service_requests", "request"},
    {"service_request_updates", "request_update"},         {"errors", "error"}};

json::value FromXml(const XmlElement& e, std::string& error) {
  if (auto list = kLists.find(e.name); list != kLists.end()) {
    json::array out;
    for (const auto& c : e.children) {
      if (c.name != list->second) error = "<" + c.name + "> in <" + e.name + ">, expected <" + list->second + ">";
      out.push_back(FromXml(c, error));
    }
    return out;
  }
  if (e.children.empty()) return json::string(e.text);
  json::object out;
  for (const auto& c : e.children) {
    if (out.contains(c.name)) error = "<" + c.name + "> twice in <" + e.name + ">";
    out[c.name] = FromXml(c, error);
  }
  return out;
}

json::value Scalars(const json::value& v) {
  switch (v.kind()) {
    case json::kind::array: {
      json::array out;
      for (const auto& x : v.as_array()) out.push_back(Scalars(x));
      return out;
    }
    case json::kind::object: {
      json::object out;
      for (const auto& [k, x] : v.as_object())
        if (!x.is_null()) out[k] = Scalars(x);
      return out;
    }
    case json::kind::bool_: return json::string(v.as_bool() ? "true" : "false");
    case json::kind::int64: return json::string(std::to_string(v.as_int64()));
    case json::kind::uint64: return json::string(std::to_string(v.as_uint64()));
    case json::kind::double_: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.15g", v.as_double());
      return json::string(buf);
    }
    default: return v;
  }
}

std::string Squeezed(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string FormEncode(const Params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

Params Without(Params params, const std::string& name) {
  std::erase_if(params, [&](const auto& p) { return p.first == name; });
  return params;
}

Params With(Params params, const std::string& name, const std::string& value) {
  params = Without(std::move(params), name);
  params.emplace_back(name, value);
  return params;
}

Open311Answer ReadOpen311(const HttpReply& reply, const std::string& format) {
  Open311Answer a;
  a.status = reply.status;
  a.body = reply.body;
  const std::string type = format == "xml" ? "text/xml;charset=utf-8" : "application/json;charset=utf-8";
  auto ct = reply.headers.find("content-type");
  const std::string got = ct == reply.headers.end() ? "" : ct->second;
  auto fail = [&a](const std::string& why) { a.error += (a.error.empty() ? "" : "; ") + why; };
  if (Squeezed(got) != type) fail("content type '" + got + "', expected " + type);
  if (format == "json") {
    boost::system::error_code ec;
    json::value v = json::parse(reply.body, ec);
    if (ec)
      fail("not JSON: " + ec.message());
    else
      a.doc = Scalars(v);
    return a;
  }
  std::string error;
  auto doc = ParseXml(reply.body, &error);
  if (!doc) {
    fail("not well-formed XML: " + error);
    return a;
  }
  a.root = doc->root.name;
  a.doc = FromXml(doc->root, error);
  if (!error.empty()) fail(error);
  return a;
}

std::string Text(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

double Number(const std::string& s) {
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  return s.empty() || *end ? NAN : d;
}
std::vector<std::string> Column(const Items& items, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(Text(i, name));
  return out;
}
bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
std::optional<json::object> Find(const Items& items, std::string_view name, const std::string& value) {
  for (const auto& i : items)
    if (Text(i, name) == value) return i;
  return std::nullopt;
}
Items Members(const json::object& o, std::string_view name) {
  Items out;
  if (const json::value* v = o.if_contains(name); v && v->is_array())
    for (const auto& x : v->as_array())
      if (x.is_object()) out.push_back(x.as_object());
  return out;
}

}  // namespace civicgrid::testing
