#include "tests/core/pagopa/xsd_validator.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/uri.h>
#include <libxml/xmlschemas.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "core/xml/document.hpp"

namespace sportello::pagopa::testing {

namespace {

namespace fs = std::filesystem;

std::string g_root;                          // canonical reference directory, while load() runs
std::map<std::string, std::string> g_files;  // what the loader served, kept alive for libxml2

std::string pathOf(const char* url) {
  std::string s = url != nullptr ? url : "";
  if (s.rfind("file://", 0) == 0) s.erase(0, 7);
  return s;
}

// Serves files under g_root, read by us; refuses anything else.
xmlParserInputPtr serveReference(const char* url, const char* /*id*/, xmlParserCtxtPtr ctxt) {
  std::error_code ec;
  const std::string path = fs::weakly_canonical(pathOf(url), ec).string();
  if (ec || g_root.empty() || path.rfind(g_root + "/", 0) != 0) return nullptr;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::string& kept = g_files[path] = bytes.str();
  xmlParserInputPtr input = xmlNewStringInputStream(ctxt, reinterpret_cast<const xmlChar*>(kept.c_str()));
  if (input == nullptr) return nullptr;
  // The base for the imports inside this file ("../../xsd-common/...").
  input->filename = reinterpret_cast<char*>(xmlStrdup(reinterpret_cast<const xmlChar*>(path.c_str())));
  return input;
}

void collect(void* ctx, xmlErrorPtr e) {
  auto* out = static_cast<std::string*>(ctx);
  if (e == nullptr || e->message == nullptr) return;
  *out += "line " + std::to_string(e->line) + ": " + e->message;
}

struct DocFree {
  void operator()(xmlDocPtr d) const { xmlFreeDoc(d); }
};

}  // namespace

std::string referenceDir() {
  if (const char* env = std::getenv("SPORTELLO_PAGOPA_API"); env != nullptr && *env != '\0') return env;
  return std::string(SPORTELLO_SOURCE_DIR) + "/../shared/reference/pagopa-api";
}

const PagopaSchemas& PagopaSchemas::get() {
  static const PagopaSchemas schemas;
  return schemas;
}

PagopaSchemas::PagopaSchemas() {
  xml::initialise();  // first, so that the refusing loader is the one we put back
  std::error_code ec;
  g_root = fs::weakly_canonical(referenceDir(), ec).string();
  if (ec || !fs::exists(g_root + "/wsdl/xsd/paForNode.xsd")) {
    load_error_ = "pagoPA schemas not found under " + referenceDir() + " (set SPORTELLO_PAGOPA_API)";
    return;
  }
  const std::string wrapper =
      "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
      "<xs:import namespace=\"http://schemas.xmlsoap.org/soap/envelope/\" schemaLocation=\"" +
      g_root +
      "/xsd-common/envelope.xsd\"/>"
      "<xs:import namespace=\"http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd\" schemaLocation=\"" +
      g_root +
      "/wsdl/xsd/paForNode.xsd\"/>"
      "<xs:import namespace=\"http://pagopa-api.pagopa.gov.it/node/nodeForPsp.xsd\" schemaLocation=\"" +
      g_root + "/wsdl/xsd/nodeForPsp.xsd\"/></xs:schema>";

  xmlExternalEntityLoader refusing = xmlGetExternalEntityLoader();
  xmlSetExternalEntityLoader(serveReference);
  std::unique_ptr<xmlDoc, DocFree> doc(xmlReadMemory(wrapper.data(), static_cast<int>(wrapper.size()),
                                                     (g_root + "/wrapper.xsd").c_str(), nullptr,
                                                     XML_PARSE_NONET));
  xmlSchemaPtr schema = nullptr;
  if (doc) {
    xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewDocParserCtxt(doc.get());
    xmlSchemaSetParserStructuredErrors(pctxt, collect, &load_error_);
    schema = xmlSchemaParse(pctxt);
    xmlSchemaFreeParserCtxt(pctxt);
  }
  xmlSetExternalEntityLoader(refusing);
  g_root.clear();
  if (schema == nullptr) {
    if (load_error_.empty()) load_error_ = "xmlSchemaParse failed";
    return;
  }
  load_error_.clear();
  schema_ = schema;
}

std::string PagopaSchemas::validate(std::string_view envelope) const {
  if (schema_ == nullptr) return "schemas not loaded: " + load_error_;
  // Our own output, trusted: a plain parse (no DTD in it anyway).
  std::unique_ptr<xmlDoc, DocFree> doc(
      xmlReadMemory(envelope.data(), static_cast<int>(envelope.size()), nullptr, nullptr, XML_PARSE_NONET));
  if (!doc) return "not well-formed";
  std::string errors;
  xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(static_cast<xmlSchemaPtr>(schema_));
  xmlSchemaSetValidStructuredErrors(v, collect, &errors);
  int whole = xmlSchemaValidateDoc(v, doc.get());
  // The Body's content is "lax" in the envelope schema: validate the payload as a root of its own too.
  xmlNodePtr payload = nullptr;
  for (xmlNodePtr c = xmlDocGetRootElement(doc.get())->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, reinterpret_cast<const xmlChar*>("Body"))) {
      for (xmlNodePtr p = c->children; p != nullptr; p = p->next) {
        if (p->type == XML_ELEMENT_NODE) payload = p;
      }
    }
  }
  int strict = payload != nullptr ? xmlSchemaValidateOneElement(v, payload) : -1;
  xmlSchemaFreeValidCtxt(v);
  if (whole == 0 && strict == 0) return {};
  if (errors.empty()) errors = payload == nullptr ? "no payload" : "invalid";
  return errors;
}

}  // namespace sportello::pagopa::testing
