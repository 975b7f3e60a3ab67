#include "core/xml/document.hpp"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <climits>
#include <memory>

#include "core/xml/internal.hpp"

namespace sportello::xml {

using detail::cstr;
using detail::xstr;

namespace {

// NONET: belt and braces, the entity loader refuses everything anyway. IGNORE_ENC with "UTF-8" below:
// the document is read as UTF-8 whatever its declaration says, so that the byte scan for "<!DOCTYPE"
// in parse() sees what libxml2 sees (a declared UTF-7 or EBCDIC would otherwise hide it).
// NOERROR/NOWARNING: nothing goes to stderr; every report is collected by collect() instead.
// Deliberately absent: NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, HUGE, RECOVER, NOBLANKS (NOBLANKS
// would alter signed content), NOCDATA.
constexpr int kParseOptions =
    XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

struct Diagnostics {
  int count = 0;
  int code = 0;
  int line = 0;
  std::string message;
};

// Where collect() writes while parse() runs on this thread.
thread_local Diagnostics* t_diagnostics = nullptr;

void collect(void* /*ctx*/, xmlErrorPtr error) {
  if (t_diagnostics == nullptr || error == nullptr) return;
  if (t_diagnostics->count++ > 0) return;  // the first report is the cause; later ones follow from it
  t_diagnostics->code = error->code;
  t_diagnostics->line = error->line;
  std::string m = error->message != nullptr ? error->message : "parse error";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  t_diagnostics->message = detail::printable(m, 200);
}

struct CtxtFree {
  void operator()(xmlParserCtxtPtr c) const { xmlFreeParserCtxt(c); }
};
struct DocFree {
  void operator()(xmlDocPtr d) const { xmlFreeDoc(d); }
};

std::size_t lineOf(std::string_view bytes, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) line += bytes[i] == '\n' ? 1 : 0;
  return line;
}

Error error(std::string rule, std::string message) {
  return Error{std::move(rule), std::move(message)};
}

std::string at(const xmlNode* n) {
  return " at line " + std::to_string(xmlGetLineNo(n));
}

bool isEntityCode(int code) {
  switch (code) {
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_UNPARSED_ENTITY:
    case XML_ERR_ENTITY_LOOP:
    case XML_ERR_ENTITY_BOUNDARY:
    case XML_ERR_ENTITY_IS_EXTERNAL:
    case XML_ERR_ENTITY_IS_PARAMETER:
    case XML_ERR_ENTITY_PE_INTERNAL:
    case XML_ERR_ENTITY_NOT_STARTED:
    case XML_ERR_ENTITY_NOT_FINISHED:
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
    case XML_ERR_PEREF_SEMICOL_MISSING:
    case XML_IO_LOAD_ERROR:
      return true;
    default:
      return false;
  }
}

Error classify(const Diagnostics& d) {
  std::string where = d.line > 0 ? "line " + std::to_string(d.line) + ": " : "";
  if (isEntityCode(d.code)) return error("xml.entity", where + d.message);
  if (d.code == XML_ERR_INTERNAL_ERROR && d.message.find("depth") != std::string::npos)
    return error("xml.too_deep", where + d.message);
  return error("xml.malformed", where + d.message);
}

// The parsed tree, checked node by node: what the options above already prevent is checked again here,
// because a DOCTYPE or an entity reference that slipped through would be the start of an attack.
std::optional<Error> checkTree(xmlDocPtr doc, int maxDepth) {
  if (doc->intSubset != nullptr || doc->extSubset != nullptr)
    return error("xml.doctype", "document type declaration present");
  if (xmlDocGetRootElement(doc) == nullptr) return error("xml.malformed", "no root element");
  xmlNodePtr n = doc->children;
  int depth = 1;
  while (n != nullptr) {
    switch (n->type) {
      case XML_ELEMENT_NODE:
        if (depth > maxDepth) {
          return error("xml.too_deep", "element <" + detail::printable(cstr(n->name)) + ">" + at(n) +
                                           " is nested " + std::to_string(depth) + " deep (limit " +
                                           std::to_string(maxDepth) + ")");
        }
        for (xmlAttrPtr a = n->properties; a != nullptr; a = a->next) {
          for (xmlNodePtr c = a->children; c != nullptr; c = c->next) {
            if (c->type != XML_TEXT_NODE)
              return error("xml.entity",
                           "entity reference in attribute " + detail::printable(cstr(a->name)) + at(n));
          }
        }
        break;
      case XML_TEXT_NODE:
      case XML_CDATA_SECTION_NODE:
      case XML_COMMENT_NODE:
        break;
      case XML_PI_NODE:
        return error("xml.pi", "processing instruction <?" + detail::printable(cstr(n->name)) + "?>" + at(n));
      case XML_ENTITY_REF_NODE:
      case XML_ENTITY_NODE:
      case XML_ENTITY_DECL:
        return error("xml.entity", "entity &" + detail::printable(cstr(n->name)) + ";" + at(n));
      case XML_DTD_NODE:
      case XML_DOCUMENT_TYPE_NODE:
      case XML_ELEMENT_DECL:
      case XML_ATTRIBUTE_DECL:
      case XML_NOTATION_NODE:
        return error("xml.doctype", "document type declaration" + at(n));
      default:
        return error("xml.malformed", "unexpected node of type " + std::to_string(n->type) + at(n));
    }
    if (n->type == XML_ELEMENT_NODE && n->children != nullptr) {
      n = n->children;
      ++depth;
      continue;
    }
    while (n->next == nullptr) {
      n = n->parent;
      --depth;
      if (n == nullptr || n->type == XML_DOCUMENT_NODE) return std::nullopt;
    }
    n = n->next;
  }
  return std::nullopt;
}

}  // namespace

Result<Document, Error> Document::parse(std::string_view bytes, const ParseLimits& limits) {
  initialise();
  if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<std::size_t>(INT_MAX)) {
    return fail(error("xml.too_large", "document is " + std::to_string(bytes.size()) + " bytes, limit " +
                                           std::to_string(limits.max_bytes)));
  }
  std::string_view body = bytes;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return fail(error("xml.empty", "no content"));
  if (auto nul = bytes.find('\0'); nul != std::string_view::npos) {
    return fail(error("xml.malformed", "NUL byte at offset " + std::to_string(nul) +
                                           ": only UTF-8 documents are accepted (not UTF-16 or UTF-32)"));
  }
  if (body[first] != '<') {
    return fail(
        error("xml.malformed", "content does not start with '<' (only UTF-8 documents are accepted)"));
  }
  // Before libxml2 sees anything: a DTD is where entity expansion attacks live, and nothing Sportello
  // accepts has one. The parsed tree is checked again below.
  if (auto p = bytes.find("<!DOCTYPE"); p != std::string_view::npos) {
    return fail(error("xml.doctype", "line " + std::to_string(lineOf(bytes, p)) +
                                         ": document type declaration (<!DOCTYPE) is never accepted"));
  }
  if (auto p = bytes.find("<!ENTITY"); p != std::string_view::npos) {
    return fail(error("xml.entity", "line " + std::to_string(lineOf(bytes, p)) +
                                        ": entity declaration (<!ENTITY) is never accepted"));
  }

  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt || ctxt->sax == nullptr)
    return fail(error("xml.malformed", "cannot create a parser (out of memory)"));
  ctxt->sax->serror = collect;
  Diagnostics diagnostics;
  const std::size_t loadsBefore = refusedExternalLoads();
  std::unique_ptr<xmlDoc, DocFree> doc;
  {
    detail::LibxmlErrorScope scope(collect);  // reports raised without the context (encoding errors)
    t_diagnostics = &diagnostics;
    doc.reset(xmlCtxtReadMemory(ctxt.get(), bytes.data(), static_cast<int>(bytes.size()), nullptr, "UTF-8",
                                kParseOptions));
    t_diagnostics = nullptr;
  }
  if (refusedExternalLoads() != loadsBefore) {
    return fail(
        error("xml.entity", "the document asked for an external entity or DTD (refused, not fetched)"));
  }
  if (diagnostics.count > 0) return fail(classify(diagnostics));
  if (!doc || ctxt->wellFormed == 0 || ctxt->nsWellFormed == 0) {
    return fail(error("xml.malformed", "not well-formed"));
  }
  if (auto e = checkTree(doc.get(), limits.max_depth)) return fail(std::move(*e));
  return Document(doc.release());
}

Document Document::create(std::string_view ns, std::string_view prefix, std::string_view name) {
  initialise();
  xmlDocPtr doc = xmlNewDoc(xstr("1.0"));
  if (doc == nullptr) return Document(nullptr);
  doc->encoding = xmlStrdup(xstr("UTF-8"));
  xmlNodePtr root = xmlNewDocNode(doc, nullptr, xstr(std::string(name)), nullptr);
  if (root != nullptr) {
    if (!ns.empty()) {
      std::string p(prefix);
      xmlSetNs(root, xmlNewNs(root, xstr(std::string(ns)), p.empty() ? nullptr : xstr(p)));
    }
    xmlDocSetRootElement(doc, root);
  }
  return Document(doc);
}

Document::Document(Document&& other) noexcept : doc_(other.doc_) {
  other.doc_ = nullptr;
}

Document& Document::operator=(Document&& other) noexcept {
  if (this != &other) {
    if (doc_ != nullptr) xmlFreeDoc(doc_);
    doc_ = other.doc_;
    other.doc_ = nullptr;
  }
  return *this;
}

Document::~Document() {
  if (doc_ != nullptr) xmlFreeDoc(doc_);
}

xmlNodePtr Document::root() const {
  return doc_ != nullptr ? xmlDocGetRootElement(doc_) : nullptr;
}

std::string Document::serialize() const {
  if (doc_ == nullptr) return {};
  xmlChar* mem = nullptr;
  int size = 0;
  xmlDocDumpMemory(doc_, &mem, &size);  // never the Format variant: indentation would break digests
  std::string out;
  if (mem != nullptr) {
    out.assign(cstr(mem), static_cast<std::size_t>(size));
    xmlFree(mem);
  }
  return out;
}

// ---- Navigation ----

bool is(const xmlNode* node, std::string_view ns, std::string_view local) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE || node->name == nullptr) return false;
  if (std::string_view(cstr(node->name)) != local) return false;
  if (node->ns == nullptr || node->ns->href == nullptr) return ns.empty();
  return std::string_view(cstr(node->ns->href)) == ns;
}

std::vector<xmlNodePtr> children(const xmlNode* parent) {
  std::vector<xmlNodePtr> out;
  if (parent == nullptr) return out;
  for (xmlNodePtr c = parent->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

std::vector<xmlNodePtr> children(const xmlNode* parent, std::string_view ns, std::string_view local) {
  std::vector<xmlNodePtr> out;
  if (parent == nullptr) return out;
  for (xmlNodePtr c = parent->children; c != nullptr; c = c->next) {
    if (is(c, ns, local)) out.push_back(c);
  }
  return out;
}

xmlNodePtr child(const xmlNode* parent, std::string_view ns, std::string_view local, std::size_t* count) {
  auto all = children(parent, ns, local);
  if (count != nullptr) *count = all.size();
  return all.size() == 1 ? all.front() : nullptr;
}

std::optional<std::string> attribute(const xmlNode* node, std::string_view name) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE) return std::nullopt;
  for (xmlAttrPtr a = node->properties; a != nullptr; a = a->next) {
    if (a->ns != nullptr || a->name == nullptr || std::string_view(cstr(a->name)) != name) continue;
    std::string value;
    for (xmlNodePtr c = a->children; c != nullptr; c = c->next) {
      if (c->type == XML_TEXT_NODE && c->content != nullptr) value += cstr(c->content);
    }
    return value;
  }
  return std::nullopt;
}

std::optional<std::string> text(const xmlNode* node) {
  if (node == nullptr || node->type != XML_ELEMENT_NODE) return std::nullopt;
  std::string out;
  for (xmlNodePtr c = node->children; c != nullptr; c = c->next) {
    if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) return std::nullopt;
    if (c->content != nullptr) out += cstr(c->content);
  }
  return out;
}

// ---- Building ----

xmlNodePtr addChild(xmlNodePtr parent, std::string_view ns, std::string_view prefix, std::string_view name,
                    std::optional<std::string_view> text) {
  if (parent == nullptr) return nullptr;
  xmlNodePtr node = xmlNewDocNode(parent->doc, nullptr, xstr(std::string(name)), nullptr);
  if (node == nullptr) return nullptr;
  if (xmlAddChild(parent, node) == nullptr) {
    xmlFreeNode(node);
    return nullptr;
  }
  if (!ns.empty()) {
    // Reuse the declaration in scope when the prefix already means this namespace; declare it here
    // otherwise (shadowing an outer binding of the same prefix is correct XML).
    std::string p(prefix);
    std::string uri(ns);
    xmlNsPtr inScope = xmlSearchNs(parent->doc, parent, p.empty() ? nullptr : xstr(p));
    if (inScope != nullptr && inScope->href != nullptr && uri == cstr(inScope->href)) {
      xmlSetNs(node, inScope);
    } else {
      xmlSetNs(node, xmlNewNs(node, xstr(uri), p.empty() ? nullptr : xstr(p)));
    }
  }
  if (text) {
    // Raw text: escaped on output, never parsed for entity references.
    xmlNodePtr t = xmlNewDocTextLen(parent->doc, xstr(std::string(*text)), static_cast<int>(text->size()));
    if (t != nullptr && xmlAddChild(node, t) == nullptr) xmlFreeNode(t);
  }
  return node;
}

void setAttribute(xmlNodePtr node, std::string_view name, std::string_view value) {
  if (node == nullptr) return;
  xmlSetNsProp(node, nullptr, xstr(std::string(name)), xstr(std::string(value)));
}

}  // namespace sportello::xml
