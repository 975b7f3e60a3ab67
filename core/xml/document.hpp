// Hardened XML parsing for untrusted input (spec/security.md, "Parsing XML").
//
// Contract of Document::parse():
//  - bytes over limits.max_bytes are refused before libxml2 sees them;
//  - libxml2 runs with XML_PARSE_NONET | XML_PARSE_NOCDATA-free defaults and NOTHING that loads or
//    expands: no NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE, RECOVER; the external entity loader
//    always fails (no file or network access, ever);
//  - the input is read as UTF-8 whatever its XML declaration says (XML_PARSE_IGNORE_ENC), so that the
//    byte scan for "<!DOCTYPE" before parsing sees what libxml2 sees; UTF-16/32 and EBCDIC are refused;
//  - any DOCTYPE (internal subset or not), entity declaration or reference, processing instruction
//    (the XML declaration is not one) and any parse error or warning is a refusal;
//  - nesting deeper than limits.max_depth is a refusal;
//  - the result owns one xmlDoc; nothing else refers to global libxml2 state.
// Every refusal carries a stable rule name ("xml.doctype", "xml.too_large", ...) for logs and reports.
#pragma once

#include <libxml/tree.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.hpp"

namespace sportello::xml {

// Call once at start-up (and in each test binary) before any other function here; idempotent and
// thread-safe. Initialises libxml2 and xmlsec (OpenSSL backend) in the order xmlsec requires and routes
// their error output away from stderr.
void initialise();

// How many external entity or DTD loads libxml2 asked for on this thread since start-up. Every one is
// refused (initialise() installs a process-wide loader that always fails, replacing the one xmlSecInit()
// installs); tests use this to prove it. Consequence: after initialise(), libxml2 cannot open files or
// URLs by itself (xmlReadFile fails): read the bytes yourself and call Document::parse().
std::size_t refusedExternalLoads();

struct ParseLimits {
  std::size_t max_bytes = 512 * 1024;
  int max_depth = 48;
};

struct Error {
  std::string rule;     // stable: "xml.too_large", "xml.doctype", "xml.entity", "xml.pi", "xml.malformed",
                        // "xml.too_deep", "xml.empty"; signature rules are in signature.hpp
  std::string message;  // human: what was found and where (line when known)
};

class Document {
 public:
  static Result<Document, Error> parse(std::string_view bytes, const ParseLimits& limits = {});
  // An empty document with a root element <prefix:name xmlns:prefix="ns"> for builders.
  static Document create(std::string_view ns, std::string_view prefix, std::string_view name);

  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;
  ~Document();

  xmlDocPtr get() const { return doc_; }
  xmlNodePtr root() const;
  // Exact bytes, no formatting (formatting would break signatures), with the XML declaration.
  std::string serialize() const;

 private:
  explicit Document(xmlDocPtr doc) : doc_(doc) {}
  xmlDocPtr doc_ = nullptr;
};

// ---- Navigation over a parsed tree, by namespace URI and local name (prefixes are never trusted). ----

bool is(const xmlNode* node, std::string_view ns, std::string_view local);
// Element children only, in document order.
std::vector<xmlNodePtr> children(const xmlNode* parent);
std::vector<xmlNodePtr> children(const xmlNode* parent, std::string_view ns, std::string_view local);
// The only child with that name; nullptr when absent. `count` (optional) receives how many there are.
xmlNodePtr child(const xmlNode* parent, std::string_view ns, std::string_view local,
                 std::size_t* count = nullptr);
// Attribute without namespace; nullopt when absent (present-but-empty is "").
std::optional<std::string> attribute(const xmlNode* node, std::string_view name);
// Text content when every child is a text node (or none); nullopt when the element has element, comment
// or processing-instruction children: a NameID split by a comment must be rejected, not truncated.
std::optional<std::string> text(const xmlNode* node);

// ---- Building ----
xmlNodePtr addChild(xmlNodePtr parent, std::string_view ns, std::string_view prefix, std::string_view name,
                    std::optional<std::string_view> text = std::nullopt);
void setAttribute(xmlNodePtr node, std::string_view name, std::string_view value);

}  // namespace sportello::xml
