// The identity providers the gateway's Service Provider trusts: the mock IdPs of the configuration and
// any external SAML IdP known by its metadata (a file or URL in the configuration, or the admin API at run
// time), so that the gateway can face a real test IdP or a validator's IdP.
//
// Trust comes only from here: Responses are verified with these certificates, never with one a message
// carries. An IdP's metadata is read with the hardened parser; when it is signed, the signature must verify
// with a certificate the metadata itself lists (integrity; there is no federation registry to anchor it),
// and an unsigned one is accepted with a warning in the result. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/names.hpp"
#include "core/xml/signature.hpp"

namespace sportello::gateway {

struct TrustedIdp {
  std::string name;  // [a-z0-9-]: what /login?idp= and the discovery page use (the entityID works too)
  saml::Profile profile = saml::Profile::spid;
  std::string display_name;
  std::string entity_id;
  std::string sso_redirect, sso_post;  // SingleSignOnService locations ("" when the binding is absent)
  std::string slo_redirect, slo_post;
  std::vector<xml::Certificate> certificates;
  std::string source;  // "mock", a file path, a URL, "admin API"
  std::vector<std::string> warnings;
};

// Reads IdP metadata into a TrustedIdp (name, profile and display name from the caller; display name
// from OrganizationDisplayName when empty). Errors say what is missing: no IDPSSODescriptor, no
// SingleSignOnService on Redirect or POST, no usable signing certificate, a signature that does not verify.
Result<TrustedIdp, std::string> idpFromMetadata(std::string_view metadata_xml, std::string name,
                                                saml::Profile profile, std::string display_name,
                                                std::string source);

class IdpTrust {
 public:
  // Adds, or replaces the IdP with the same name or entityID.
  void put(TrustedIdp idp);
  bool remove(std::string_view name);
  // By configuration name or by entityID.
  std::shared_ptr<const TrustedIdp> find(std::string_view name_or_entity_id) const;
  std::vector<std::shared_ptr<const TrustedIdp>> all() const;  // in the order they were added

 private:
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<const TrustedIdp>> idps_;
};

}  // namespace sportello::gateway
