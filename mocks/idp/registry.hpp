// The Service Providers the mock IdPs know: registered from metadata (config files at start, or
// POST /_admin/sps at run time). Registration checks the metadata's signature and the SPID/CIE metadata
// rules and keeps the report; an SP whose metadata breaks rules is still registered (this is a test tool:
// the developer sees what is wrong and can still try a login), but one without entityID or signing key
// cannot be, since no request of it could ever be verified.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/metadata.hpp"
#include "core/saml/policy.hpp"

namespace sportello::idp {

struct RegisteredSp {
  std::string entity_id;
  std::string source;  // file path, "admin API", ...
  std::string metadata_xml;
  saml::SpMetadata metadata;
  bool signature_valid = false;
  std::string signature_detail;
  saml::Report report;  // metadata rules
};

class SpRegistry {
 public:
  // Parses, reads, checks. Replaces an SP registered earlier with the same entityID.
  Result<std::shared_ptr<const RegisteredSp>, std::string> add(std::string_view metadata_xml,
                                                               std::string source, saml::Profile profile,
                                                               bool development);
  std::shared_ptr<const RegisteredSp> find(std::string_view entity_id) const;
  std::vector<std::shared_ptr<const RegisteredSp>> all() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const RegisteredSp>, std::less<>> sps_;
};

}  // namespace sportello::idp
