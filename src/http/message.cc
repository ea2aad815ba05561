#include "http/message.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>

#include "common/json.h"
#include "core/text.h"

namespace civicgrid::http {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Decoded text from a request target must be UTF-8 without NUL bytes.
bool CleanText(std::string_view text) {
  return text.find('\0') == std::string_view::npos && IsValidUtf8(text);
}

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string_view{} : std::string_view(it->second);
}

std::string Request::Query(std::string_view name, std::string_view fallback) const {
  auto it = query.find(std::string(name));
  return it == query.end() ? std::string(fallback) : it->second;
}

std::string Request::Param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string{} : it->second;
}

Result<void> ParseTarget(std::string_view target, Request& request) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return Error::InvalidArgument("malformed request target", "target");
  const boost::urls::url_view& url = *parsed;
  std::string path = url.path();
  if (!CleanText(path))
    return Error::InvalidArgument("the decoded path is not valid UTF-8 or contains a NUL byte", "target");
  std::vector<std::string> segments;
  for (auto segment : url.segments()) segments.push_back(std::string(segment));
  // "/a/" yields a trailing empty segment; treat "/a/" like "/a".
  if (!segments.empty() && segments.back().empty()) segments.pop_back();
  std::map<std::string, std::string> query;
  for (auto param : url.params(boost::urls::encoding_opts(/*space_as_plus=*/true))) {
    if (!CleanText(param.key) || !CleanText(param.value))
      return Error::InvalidArgument("a decoded query parameter is not valid UTF-8 or contains a NUL byte", "target");
    query.insert_or_assign(std::string(param.key), std::string(param.value));
  }
  request.target = std::string(target);
  request.path = path.empty() ? "/" : std::move(path);
  request.segments = std::move(segments);
  request.query = std::move(query);
  return {};
}

std::optional<std::string> Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (IEquals(key, name)) return value;
  }
  return std::nullopt;
}

Response Json(unsigned status, const boost::json::value& value) {
  Response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = ToJson(value);
  return response;
}

Response JsonError(unsigned status, const Error& error) {
  boost::json::object inner;
  inner["code"] = error.code;
  inner["message"] = error.message;
  if (!error.field.empty()) inner["field"] = error.field;
  if (error.retry_after > 0) inner["retry_after"] = error.retry_after;
  boost::json::object outer;
  outer["error"] = std::move(inner);
  Response r = Json(status, outer);
  if (error.retry_after > 0) r.With("Retry-After", std::to_string(error.retry_after));
  return r;
}

Response JsonError(const Error& error) { return JsonError(StatusFor(error), error); }

Response Text(unsigned status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

unsigned StatusFor(const Error& error) {
  static const std::pair<std::string_view, unsigned> kTable[] = {
      {"invalid_argument", 400},       {"unauthorized", 401},       {"forbidden", 403},
      {"not_found", 404},              {"method_not_allowed", 405}, {"conflict", 409},
      {"payload_too_large", 413},      {"unsupported_media_type", 415},
      {"too_many_requests", 429},
  };
  for (const auto& [code, status] : kTable) {
    if (error.code == code) return status;
  }
  return 500;
}

}  // namespace civicgrid::http
