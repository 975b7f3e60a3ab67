// Small pieces shared by the parser and the signature code (see internal.hpp).
#include <array>
#include <cstdint>

#include "core/xml/document.hpp"
#include "core/xml/internal.hpp"

namespace sportello::xml::detail {

std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';  // one line per message, for logs
    } else {
      out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
  }
  return out;
}

std::string describe(const xmlNode* element) {
  if (element == nullptr) return "(no element)";
  if (element->type != XML_ELEMENT_NODE || element->name == nullptr) return "(not an element)";
  std::string out = "<" + printable(cstr(element->name));
  if (auto id = attribute(element, "ID")) out += " ID=\"" + printable(*id) + "\"";
  return out + ">";
}

}  // namespace sportello::xml::detail
