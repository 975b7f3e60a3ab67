// pagoPA's official schemas (the pagopa-api repository's WSDL/XSD files, kept outside this repository)
// loaded into libxml2's XSD validator, for tests of what write() produces.
//
// Where the files are: $SPORTELLO_PAGOPA_API when set, else <source dir>/../shared/reference/pagopa-api.
//
// How they load although xml::initialise() makes every libxml2 file load fail process-wide: the wrapper
// schema that imports envelope.xsd, paForNode.xsd and nodeForPsp.xsd is parsed from memory, and while
// xmlSchemaParse() resolves the imports a loader of our own is installed in place of initialise()'s:
// it serves only files under the reference directory, reading them with std::ifstream, and the refusing
// loader is put back before load() returns. The swap is process-wide, so load() must not run while
// another thread parses XML (test binaries are single-threaded; load() runs once).
#pragma once

#include <string>
#include <string_view>

namespace sportello::pagopa::testing {

std::string referenceDir();

class PagopaSchemas {
 public:
  // Loaded once; aborts the test binary's expectations with a message when the files are missing.
  static const PagopaSchemas& get();
  bool loaded() const { return schema_ != nullptr; }
  const std::string& loadError() const { return load_error_; }

  // Empty when `envelope` is valid: the whole document against the SOAP 1.1 envelope schema, and its
  // Body's payload element, strictly, against its global element declaration. Otherwise the
  // validator's messages.
  std::string validate(std::string_view envelope) const;

 private:
  PagopaSchemas();
  void* schema_ = nullptr;  // xmlSchemaPtr
  std::string load_error_;
};

}  // namespace sportello::pagopa::testing
