// One-time initialisation of libxml2 and xmlsec, and where their error reports go.
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <openssl/err.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>
#include <xmlsec/xmlsec.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "core/xml/document.hpp"
#include "core/xml/internal.hpp"

namespace sportello::xml {

namespace {

// Thread-local so that concurrent verifications never see each other's causes.
thread_local std::string t_last_error;
thread_local std::size_t t_refused_loads = 0;

void remember(std::string text) {
  if (!t_last_error.empty()) return;  // keep the innermost cause
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  t_last_error = detail::printable(text, 300);
}

void onXmlsecError(const char* /*file*/, int /*line*/, const char* func, const char* errorObject,
                   const char* errorSubject, int reason, const char* msg) {
  std::string reasonText;
  for (xmlSecSize i = 0; xmlSecErrorsGetMsg(i) != nullptr; ++i) {
    if (xmlSecErrorsGetCode(i) == reason) {
      reasonText = xmlSecErrorsGetMsg(i);
      break;
    }
  }
  std::string text = "xmlsec ";
  text += func != nullptr ? func : "?";
  if (errorObject != nullptr && std::string_view(errorObject) != "unknown")
    text += std::string(" [") + errorObject + "]";
  if (errorSubject != nullptr && std::string_view(errorSubject) != "unknown")
    text += std::string(" [") + errorSubject + "]";
  if (!reasonText.empty()) text += ": " + reasonText;
  if (msg != nullptr && *msg != '\0') text += std::string(": ") + msg;
  remember(std::move(text));
}

void onLibxmlError(void* /*ctx*/, xmlErrorPtr error) {
  if (error == nullptr) return;
  std::string text = "libxml2";
  if (error->line > 0) text += " line " + std::to_string(error->line);
  text += ": ";
  text += error->message != nullptr ? error->message : "error";
  remember(std::move(text));
}

// Installed for the whole process: nothing in Sportello ever needs an external entity or DTD, so every
// request for one (file, http, ftp, catalog) fails, whatever options a caller passed to libxml2.
// parse() notices the refusal through refusedExternalLoads().
xmlParserInputPtr refuseExternalLoad(const char* /*url*/, const char* /*id*/, xmlParserCtxtPtr /*ctxt*/) {
  ++t_refused_loads;
  return nullptr;
}

[[noreturn]] void initFailed(const char* what) {
  std::fprintf(stderr, "sportello: XML security initialisation failed: %s\n", what);
  std::abort();
}

}  // namespace

void initialise() {
  static std::once_flag once;
  std::call_once(once, [] {
    xmlInitParser();
    if (xmlSecInit() < 0) initFailed("xmlSecInit");
    if (xmlSecCheckVersion() != 1) initFailed("xmlsec library version mismatch (headers vs library)");
    if (xmlSecCryptoAppInit(nullptr) < 0) initFailed("xmlSecCryptoAppInit");
    if (xmlSecCryptoInit() < 0) initFailed("xmlSecCryptoInit");
    xmlSecErrorsSetCallback(onXmlsecError);
    // xmlsec registers file/http/ftp readers for external Reference URIs; we only ever allow
    // same-document references, so there must be nothing for it to open.
    xmlSecIOCleanupCallbacks();
    // After xmlSecInit(), which installs a loader of its own (xmlsec's "no XXE" loader, which still
    // lets libxml2 open the main document of xmlReadFile): ours refuses every request, and counts it.
    xmlSetExternalEntityLoader(refuseExternalLoad);
  });
}

std::size_t refusedExternalLoads() {
  return t_refused_loads;
}

namespace detail {

void clearLastError() {
  t_last_error.clear();
}
std::string lastError() {
  return t_last_error;
}

LibxmlErrorScope::LibxmlErrorScope(xmlStructuredErrorFunc handler)
    : saved_handler_(xmlStructuredError), saved_context_(xmlStructuredErrorContext) {
  xmlSetStructuredErrorFunc(nullptr, handler != nullptr ? handler : onLibxmlError);
}

LibxmlErrorScope::~LibxmlErrorScope() {
  xmlSetStructuredErrorFunc(saved_context_, saved_handler_);
}

std::string takeOpensslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  ERR_clear_error();
  return out;
}

}  // namespace detail

}  // namespace sportello::xml
