#include "http/form.h"

#include "core/text.h"

namespace civicgrid::http {
namespace {

int HexDigit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

Result<std::string> Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '+') {
      out += ' ';
    } else if (ch == '%') {
      const int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
      const int lo = hi >= 0 ? HexDigit(text[i + 2]) : -1;
      if (lo < 0) return Error::InvalidArgument("holds a malformed %-escape");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += ch;
    }
  }
  if (!IsValidUtf8(out) || out.find('\0') != std::string::npos)
    return Error::InvalidArgument("is not valid UTF-8 or holds a NUL");
  return out;
}

}  // namespace

Result<FormFields> ParseForm(std::string_view text) {
  FormFields out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    std::string_view piece = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    auto name = Decode(piece.substr(0, eq));
    if (!name) return Error::InvalidArgument("a field name of the form " + name.error().message, "body");
    auto value = Decode(eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1));
    if (!value) return Error::InvalidArgument(*name + " " + value.error().message, *name);
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

}  // namespace civicgrid::http
