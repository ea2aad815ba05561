#include "http/xml.h"

#include <boost/json.hpp>

#include "common/json.h"

namespace civicgrid::http {
namespace {

namespace json = boost::json;

std::string Singular(std::string_view name) {
  if (name.size() > 1 && name.back() == 's') return std::string(name.substr(0, name.size() - 1));
  return std::string(name) + "_item";
}

void Element(std::string& out, std::string_view name, const json::value& v, std::string_view item);

void Content(std::string& out, const json::value& v, std::string_view item) {
  switch (v.kind()) {
    case json::kind::object:
      for (const auto& [k, member] : v.as_object()) Element(out, k, member, item);
      break;
    case json::kind::array:
      for (const auto& x : v.as_array()) Element(out, item, x, item);
      break;
    case json::kind::string: out += XmlEscape(v.as_string()); break;
    case json::kind::bool_: out += v.as_bool() ? "true" : "false"; break;
    case json::kind::null: break;
    default: out += ToJson(v); break;  // numbers, in their shortest form
  }
}

// <name>content of v, its array items named `item`</name>.
void Tagged(std::string& out, std::string_view name, const json::value& v, std::string_view item) {
  out += '<';
  out += name;
  out += '>';
  Content(out, v, item);
  out += "</";
  out += name;
  out += '>';
}

void Element(std::string& out, std::string_view name, const json::value& v, std::string_view parent_item) {
  if (v.is_null()) return;
  Tagged(out, name, v, v.is_array() ? Singular(name) : std::string(parent_item));
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') break;
        out += ch;
    }
  }
  return out;
}

std::string JsonToXml(const json::value& value, std::string_view root, std::string_view item) {
  std::string out = R"(<?xml version="1.0" encoding="utf-8"?>)";
  Tagged(out, root, value, item);
  return out;
}

}  // namespace civicgrid::http
