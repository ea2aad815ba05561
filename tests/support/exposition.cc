#include "support/exposition.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <string_view>

namespace civicgrid::testing {
namespace {

// Reads a metric or label name at `i`: [a-zA-Z_] (or ':' for metric names), then also digits.
size_t ReadName(std::string_view line, size_t& i, bool colon) {
  size_t start = i;
  auto ok = [&](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (colon && c == ':') ||
           (i > start && std::isdigit(static_cast<unsigned char>(c)));
  };
  while (i < line.size() && ok(line[i])) ++i;
  return i - start;
}

// True when `line` is `name[{label="value",...}] value`; sets `name`.
bool ParseSample(std::string_view line, std::string& name) {
  size_t i = 0;
  if (!ReadName(line, i, true)) return false;
  name = std::string(line.substr(0, i));
  if (i < line.size() && line[i] == '{') {
    do {
      ++i;  // '{' or ','
      if (!ReadName(line, i, false) || line.substr(i, 2) != "=\"") return false;
      for (i += 2; i < line.size() && line[i] != '"'; ++i) {
        bool bad_escape = line[i] == '\\' && (i + 1 >= line.size() || !std::strchr("\\\"n", line[++i]));
        if (bad_escape) return false;
      }
      if (i++ >= line.size()) return false;  // the closing quote
    } while (i < line.size() && line[i] == ',');
    if (i >= line.size() || line[i++] != '}') return false;
  }
  if (i >= line.size() || line[i] != ' ') return false;
  std::string value(line.substr(i + 1));
  if (value == "NaN" || value == "+Inf" || value == "-Inf") return true;
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  return !value.empty() && value.find_first_not_of("0123456789.eE+-") == std::string::npos && *end == '\0';
}

}  // namespace

void ExpectValidExposition(const std::string& text) {
  std::set<std::string> declared;
  std::istringstream in(text);
  std::string line;
  int samples = 0;
  ASSERT_TRUE(!text.empty() && text.back() == '\n');
  while (std::getline(in, line)) {
    std::string_view view(line);
    if (view.starts_with("# HELP ") || view.starts_with("# TYPE ")) {
      size_t i = 7;
      ASSERT_GT(ReadName(view, i, true), 0u) << line;
      std::string_view rest = view.substr(i);
      if (view[2] == 'H') {
        EXPECT_TRUE(rest.empty() || rest[0] == ' ') << line;
      } else {
        EXPECT_TRUE(rest == " counter" || rest == " gauge" || rest == " histogram" || rest == " untyped") << line;
        EXPECT_TRUE(declared.insert(std::string(view.substr(7, i - 7))).second) << "TYPE twice: " << line;
      }
      continue;
    }
    std::string name;
    ASSERT_TRUE(ParseSample(view, name)) << "not exposition format: " << line;
    bool known = declared.count(name) > 0;
    for (std::string suffix : {"_bucket", "_sum", "_count"}) {
      if (name.ends_with(suffix) && declared.count(name.substr(0, name.size() - suffix.size()))) known = true;
    }
    EXPECT_TRUE(known) << "sample without TYPE: " << line;
    ++samples;
  }
  EXPECT_GT(samples, 0);
}

}  // namespace civicgrid::testing
