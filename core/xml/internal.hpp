// Internal to core/xml: error capture shared by the parser and the signature code, names of the
// algorithms, and small OpenSSL helpers. Not part of the component's contract.
#pragma once

#include "core/base/base64.hpp"

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <optional>
#include <string>
#include <string_view>

namespace sportello::xml::detail {

inline const char* cstr(const xmlChar* s) {
  return reinterpret_cast<const char*>(s);
}
inline const xmlChar* xstr(const char* s) {
  return reinterpret_cast<const xmlChar*>(s);
}
inline const xmlChar* xstr(const std::string& s) {
  return xstr(s.c_str());
}

// The first error xmlsec or libxml2 reported on this thread since the last clear (the innermost cause:
// xmlsec reports from the failing function outwards). Empty when none.
void clearLastError();
std::string lastError();

// While alive, libxml2 errors raised on this thread outside a parser context (xmlsec's XPath and c14n
// calls, encoding errors) go to `handler` (default: into lastError()) instead of stderr; the previous
// handler is restored afterwards.
class LibxmlErrorScope {
 public:
  explicit LibxmlErrorScope(xmlStructuredErrorFunc handler = nullptr);
  ~LibxmlErrorScope();
  LibxmlErrorScope(const LibxmlErrorScope&) = delete;
  LibxmlErrorScope& operator=(const LibxmlErrorScope&) = delete;

 private:
  xmlStructuredErrorFunc saved_handler_;
  void* saved_context_;
};

// Attacker-controlled text for a message: control characters replaced, length capped.
std::string printable(std::string_view s, std::size_t max = 96);
// `<Assertion ID="_abc">` for messages.
std::string describe(const xmlNode* element);

// Base64 (RFC 4648, with padding). decode() ignores ASCII whitespace and refuses anything else that
// is not in the alphabet, misplaced padding and non-zero trailing bits.
using sportello::base64Decode;
using sportello::base64Encode;

// The OpenSSL error queue of this thread as one line, then cleared (so that it never leaks into an
// unrelated later failure).
std::string takeOpensslErrors();

}  // namespace sportello::xml::detail
