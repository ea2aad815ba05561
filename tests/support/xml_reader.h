// A small, strict XML reader for tests of XML answers (Open311): it checks that a document is well-formed
// XML 1.0 and gives its elements and their texts.
//
// Rejected: invalid UTF-8 or characters XML forbids; a missing or other declaration than
// <?xml version="1.0" encoding="utf-8"?> (the encoding's case aside); unbalanced or crossed tags; a raw '<'
// or a bare '&' in text or attribute values; references other than the five predefined entities and
// character references; anything outside the one root element but whitespace and comments. Stricter than
// XML, since the answers never need them: DOCTYPE, CDATA sections, processing instructions and text mixed
// with child elements are rejected too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civicgrid::testing {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // decoded values, in document order
  std::string text;                                            // decoded; "" when it has child elements
  std::vector<XmlElement> children;
};

struct XmlDocument {
  std::string version, encoding;  // of the declaration
  XmlElement root;
};

// The document, or nullopt with `error` saying what is wrong and at which byte.
std::optional<XmlDocument> ParseXml(std::string_view text, std::string* error);

// The texts of the elements at `path` below `element` ("request/service_request_id": every
// service_request_id of every request child), in document order.
std::vector<std::string> XmlTexts(const XmlElement& element, std::string_view path);

}  // namespace civicgrid::testing
