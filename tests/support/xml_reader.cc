#include "support/xml_reader.h"

#include <cctype>
#include <cstdint>

namespace civicgrid::testing {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// XML 1.0's Char production.
bool IsXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// Decodes one UTF-8 sequence at s[i] (shortest form, no surrogates); advances i.
bool DecodeUtf8(std::string_view s, size_t& i, uint32_t& cp) {
  const auto b = static_cast<unsigned char>(s[i]);
  int n = b < 0x80 ? 0 : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : -1;
  if (n < 0 || i + n >= s.size()) return false;
  cp = n == 0 ? b : n == 1 ? (b & 0x1F) : n == 2 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k <= n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (c & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  i += n + 1;
  return true;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::optional<XmlDocument> Parse(std::string* error) {
    XmlDocument doc;
    const bool ok = CheckChars() && Declaration(doc) && Misc() && Element(doc.root, 0) && Misc() &&
                    (p_ == s_.size() || Fail("content after the root element"));
    if (!ok) {
      if (error) *error = error_;
      return std::nullopt;
    }
    return doc;
  }

 private:
  bool Fail(const std::string& why) {
    if (error_.empty()) error_ = why + " at byte " + std::to_string(p_);
    return false;
  }
  bool At(std::string_view t) const { return s_.substr(p_, t.size()) == t; }
  bool Eat(std::string_view t) {
    if (!At(t)) return false;
    p_ += t.size();
    return true;
  }
  bool SkipSpace() {
    const size_t before = p_;
    while (p_ < s_.size() && IsSpace(s_[p_])) ++p_;
    return p_ > before;
  }

  bool CheckChars() {
    for (size_t i = 0; i < s_.size();) {
      uint32_t cp = 0;
      const size_t at = i;
      if (!DecodeUtf8(s_, i, cp) || !IsXmlChar(cp)) {
        p_ = at;
        return Fail("invalid UTF-8 or a character XML forbids");
      }
    }
    return true;
  }

  bool Name(std::string& out) {
    const size_t start = p_;
    auto first = [](unsigned char c) { return std::isalpha(c) || c == '_' || c == ':' || c >= 0x80; };
    if (p_ >= s_.size() || !first(s_[p_])) return Fail("a name expected");
    while (p_ < s_.size() && (first(s_[p_]) || std::isdigit(static_cast<unsigned char>(s_[p_])) || s_[p_] == '-' ||
                              s_[p_] == '.'))
      ++p_;
    out.assign(s_.substr(start, p_ - start));
    return true;
  }

  // At '&': one of the five entities or a character reference, decoded onto `out`.
  bool Reference(std::string& out) {
    static const std::pair<std::string_view, char> kEntities[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (const auto& [name, c] : kEntities)
      if (Eat(name)) return out += c, true;
    if (!Eat("&#")) return Fail("a bare '&' or an unknown entity");
    const bool hex = Eat("x");
    uint32_t cp = 0;
    size_t digits = 0;
    for (; p_ < s_.size() && s_[p_] != ';'; ++p_, ++digits) {
      const char c = s_[p_];
      const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : hex && std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                                          : -1;
      if (d < 0 || digits > 7) return Fail("a bad character reference");
      cp = cp * (hex ? 16 : 10) + d;
    }
    if (digits == 0 || !Eat(";") || !IsXmlChar(cp)) return Fail("a bad character reference");
    AppendUtf8(out, cp);
    return true;
  }

  bool Quoted(std::string& out) {
    if (p_ >= s_.size() || (s_[p_] != '"' && s_[p_] != '\'')) return Fail("a quoted value expected");
    const char q = s_[p_++];
    while (p_ < s_.size() && s_[p_] != q) {
      if (s_[p_] == '<') return Fail("a raw '<' in an attribute value");
      if (s_[p_] == '&') {
        if (!Reference(out)) return false;
      } else {
        out += s_[p_++];
      }
    }
    return Eat(std::string_view(&q, 1)) || Fail("an unterminated attribute value");
  }

  // name = "value" (or 'value'), with space allowed around '='.
  bool Attribute(std::string& name, std::string& value) {
    if (!Name(name)) return false;
    SkipSpace();
    if (!Eat("=")) return Fail("'=' expected");
    SkipSpace();
    return Quoted(value);
  }

  bool Declaration(XmlDocument& doc) {
    if (!Eat("<?xml") || !SkipSpace()) return Fail("no <?xml declaration at the start");
    std::vector<std::pair<std::string, std::string>> attrs;
    while (!At("?>")) {
      std::string name, value;
      if (!Attribute(name, value)) return false;
      attrs.emplace_back(name, value);
      if (!SkipSpace() && !At("?>")) return Fail("'?>' expected");
    }
    p_ += 2;
    auto lower = [](std::string v) {
      for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return v;
    };
    if (attrs.size() < 2 || attrs[0].first != "version" || attrs[1].first != "encoding" ||
        (attrs.size() == 3 && attrs[2].first != "standalone") || attrs.size() > 3)
      return Fail("the declaration must give version and encoding");
    doc.version = attrs[0].second;
    doc.encoding = attrs[1].second;
    if (doc.version != "1.0") return Fail("version is not 1.0");
    if (lower(doc.encoding) != "utf-8") return Fail("encoding is not utf-8");
    return true;
  }

  bool Comment() {
    const size_t end = s_.find("--", p_);
    if (end == std::string_view::npos || s_.substr(end, 3) != "-->") return Fail("a bad comment");
    p_ = end + 3;
    return true;
  }

  // Whitespace and comments; anything else that begins with "<!" or "<?" is refused.
  bool Misc() {
    for (;;) {
      SkipSpace();
      if (Eat("<!--")) {
        if (!Comment()) return false;
      } else if (At("<!") || At("<?")) {
        return Fail("DOCTYPE or processing instruction");
      } else {
        return true;
      }
    }
  }

  bool Element(XmlElement& e, int depth) {
    if (depth > 100) return Fail("nested too deeply");
    if (!Eat("<")) return Fail("an element expected");
    if (!Name(e.name)) return false;
    for (;;) {
      const bool space = SkipSpace();
      if (Eat("/>")) return true;
      if (Eat(">")) break;
      if (!space) return Fail("space, '>' or '/>' expected");
      std::string name, value;
      if (!Attribute(name, value)) return false;
      for (const auto& a : e.attributes)
        if (a.first == name) return Fail("attribute " + name + " given twice");
      e.attributes.emplace_back(name, value);
    }
    bool has_text = false;
    while (!At("</")) {
      if (p_ >= s_.size()) return Fail("<" + e.name + "> is never closed");
      if (Eat("<!--")) {
        if (!Comment()) return false;
      } else if (At("<![CDATA[")) {
        return Fail("a CDATA section");
      } else if (At("<!") || At("<?")) {
        return Fail("DOCTYPE or processing instruction inside an element");
      } else if (At("<")) {
        e.children.emplace_back();
        if (!Element(e.children.back(), depth + 1)) return false;
      } else if (At("&")) {
        if (!Reference(e.text)) return false;
        has_text = true;
      } else {
        if (At("]]>")) return Fail("']]>' in text");
        has_text = has_text || !IsSpace(s_[p_]);
        e.text += s_[p_++];
      }
    }
    p_ += 2;
    std::string name;
    if (!Name(name)) return false;
    if (name != e.name) return Fail("</" + name + "> closes <" + e.name + ">");
    SkipSpace();
    if (!Eat(">")) return Fail("'>' expected");
    if (!e.children.empty()) {
      if (has_text) return Fail("text mixed with elements in <" + e.name + ">");
      e.text.clear();
    }
    return true;
  }

  std::string_view s_;
  size_t p_ = 0;
  std::string error_;
};

void CollectTexts(const XmlElement& e, std::string_view path, std::vector<std::string>& out) {
  const size_t slash = path.find('/');
  const std::string_view head = path.substr(0, slash);
  for (const auto& c : e.children) {
    if (c.name != head) continue;
    if (slash == std::string_view::npos)
      out.push_back(c.text);
    else
      CollectTexts(c, path.substr(slash + 1), out);
  }
}

}  // namespace

std::optional<XmlDocument> ParseXml(std::string_view text, std::string* error) { return Parser(text).Parse(error); }

std::vector<std::string> XmlTexts(const XmlElement& element, std::string_view path) {
  std::vector<std::string> out;
  CollectTexts(element, path, out);
  return out;
}

}  // namespace civicgrid::testing
