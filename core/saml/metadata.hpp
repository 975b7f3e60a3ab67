// SAML metadata of a Service Provider as SPID (Avviso n.29 v3) and CIE describe it: a typed view read
// from a parsed md:EntityDescriptor. Like the message views it records what is there (absent vs empty,
// counts) and leaves judging to the metadata rules (metadata_rules.hpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/saml/names.hpp"
#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"

namespace sportello::saml {

struct MdEndpoint {
  std::string binding;
  std::string location;
  std::optional<int> index;  // AssertionConsumerService only; nullopt when absent or not a number
  Opt index_text;            // as written
  Opt is_default;            // "true" / "false" / other, as written
};

struct MdAttributeService {
  std::optional<int> index;
  Opt index_text;
  std::vector<std::string> service_names;
  std::vector<std::string> requested;  // RequestedAttribute/@Name
};

struct MdContact {
  Opt contact_type;
  std::map<std::string, std::string>
      extensions;             // local name -> text ("IPACode", "Public", "VATNumber", ...)
  std::string extensions_ns;  // namespace URI of those extension elements
  Opt email, telephone, company;
};

struct SpMetadata {
  Opt entity_id;
  std::size_t sp_descriptor_count = 0;
  Opt protocol_support;
  Opt authn_requests_signed, want_assertions_signed;
  std::vector<xml::Certificate> signing_certificates;  // KeyDescriptor use="signing" (or no use)
  std::vector<std::string> certificate_errors;         // certificates that could not be read
  std::vector<std::string> name_id_formats;
  std::vector<MdEndpoint> assertion_consumer_services;
  std::vector<MdEndpoint> single_logout_services;
  std::vector<MdAttributeService> attribute_services;
  Opt organization_name, organization_display_name, organization_url;  // xml:lang="it" preferred
  std::vector<MdContact> contacts;
  std::size_t signature_count = 0;  // ds:Signature children of the EntityDescriptor

  const MdEndpoint* acsByIndex(int index) const;
  const MdEndpoint* acsByLocation(std::string_view location) const;
  const MdEndpoint* defaultAcs() const;
  const MdAttributeService* attributeService(int index) const;
};

// The text of the md:<local> child of `parent` in Italian (xml:lang="it"), else the first such child's;
// nullopt when there is none. Organization names and URLs are localised this way in SP and IdP metadata.
Opt localisedText(const xmlNode* parent, std::string_view local);

// Fails only when the root is not an md:EntityDescriptor ("saml.root").
Result<SpMetadata, xml::Error> readSpMetadata(const xml::Document& doc);

}  // namespace sportello::saml
