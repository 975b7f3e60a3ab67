#include "core/saml/sp_metadata.hpp"

#include "core/saml/authn_request.hpp"

namespace sportello::saml {

namespace {

void italian(xmlNodePtr parent, std::string_view name, const std::string& text) {
  xmlNodePtr n = xml::addChild(parent, ns::metadata, "md", name, text);
  xmlNodeSetLang(n, reinterpret_cast<const xmlChar*>("it"));
}

void endpoint(xmlNodePtr parent, std::string_view name, std::string_view binding,
              const std::string& location) {
  xmlNodePtr n = xml::addChild(parent, ns::metadata, "md", name);
  xml::setAttribute(n, "Binding", binding);
  xml::setAttribute(n, "Location", location);
}

}  // namespace

Result<xml::Document, xml::SignError> buildSpMetadata(const SpMetadataSpec& s, const xml::SigningKey& key) {
  if (s.entity_id.empty() || s.acs.empty() || s.attribute_services.empty()) {
    return fail(
        xml::SignError{"md.sp_spec", "SP metadata needs an entityID, an ACS and an attribute service"});
  }
  const bool cie = s.profile == Profile::cie;
  const std::string_view extNs = cie ? ns::cie : ns::spid;
  const char* extPrefix = cie ? "cie" : "spid";

  auto doc = xml::Document::create(ns::metadata, "md", "EntityDescriptor");
  xmlNodePtr root = doc.root();
  xmlNewNs(root, reinterpret_cast<const xmlChar*>(ns::dsig.data()), reinterpret_cast<const xmlChar*>("ds"));
  xmlNewNs(root, reinterpret_cast<const xmlChar*>(extNs.data()), reinterpret_cast<const xmlChar*>(extPrefix));
  xml::setAttribute(root, "ID", s.id.empty() ? newId() : s.id);
  xml::setAttribute(root, "entityID", s.entity_id);

  xmlNodePtr sp = xml::addChild(root, ns::metadata, "md", "SPSSODescriptor");
  xml::setAttribute(sp, "protocolSupportEnumeration", ns::protocol);
  xml::setAttribute(sp, "AuthnRequestsSigned", "true");
  xml::setAttribute(sp, "WantAssertionsSigned", "true");

  // Schema order: KeyDescriptor, SingleLogoutService, NameIDFormat, AssertionConsumerService,
  // AttributeConsumingService.
  xmlNodePtr kd = xml::addChild(sp, ns::metadata, "md", "KeyDescriptor");
  xml::setAttribute(kd, "use", "signing");
  xmlNodePtr ki = xml::addChild(kd, ns::dsig, "ds", "KeyInfo");
  xmlNodePtr x509 = xml::addChild(ki, ns::dsig, "ds", "X509Data");
  xml::addChild(x509, ns::dsig, "ds", "X509Certificate", key.certificate().base64Der());
  if (!s.slo.empty()) {
    endpoint(sp, "SingleLogoutService", binding::redirect, s.slo);
    endpoint(sp, "SingleLogoutService", binding::post, s.slo);
  }
  xml::addChild(sp, ns::metadata, "md", "NameIDFormat", nameid::transient);
  for (std::size_t i = 0; i < s.acs.size(); ++i) {
    xmlNodePtr acs = xml::addChild(sp, ns::metadata, "md", "AssertionConsumerService");
    xml::setAttribute(acs, "Binding", binding::post);
    xml::setAttribute(acs, "Location", s.acs[i]);
    xml::setAttribute(acs, "index", std::to_string(i));
    if (i == 0) xml::setAttribute(acs, "isDefault", "true");
  }
  for (const auto& service : s.attribute_services) {
    xmlNodePtr acs = xml::addChild(sp, ns::metadata, "md", "AttributeConsumingService");
    xml::setAttribute(acs, "index", std::to_string(service.index));
    italian(acs, "ServiceName", service.name);
    for (const auto& name : service.attributes) {
      xmlNodePtr ra = xml::addChild(acs, ns::metadata, "md", "RequestedAttribute");
      xml::setAttribute(ra, "Name", name);
      xml::setAttribute(ra, "NameFormat", kAttrNameFormatBasic);
    }
  }

  xmlNodePtr org = xml::addChild(root, ns::metadata, "md", "Organization");
  italian(org, "OrganizationName", s.organization_name);
  italian(org, "OrganizationDisplayName", s.organization_display_name);
  italian(org, "OrganizationURL", s.organization_url);

  xmlNodePtr contact = xml::addChild(root, ns::metadata, "md", "ContactPerson");
  xml::setAttribute(contact, "contactType", cie ? "administrative" : "other");
  xmlNodePtr ext = xml::addChild(contact, ns::metadata, "md", "Extensions");
  auto add = [&](std::string_view name, const std::string& text) {
    xml::addChild(ext, extNs, extPrefix, name, text);
  };
  if (s.public_sector) {
    // SPID schema order: VATNumber?, IPACode?, FiscalCode?, then Public/Private.
    if (!s.ipa_code.empty()) add("IPACode", s.ipa_code);
    if (!s.fiscal_code.empty()) add("FiscalCode", s.fiscal_code);
    xml::addChild(ext, extNs, extPrefix, "Public");
  } else {
    if (!s.vat_number.empty()) add("VATNumber", cie ? s.vat_number : "IT" + s.vat_number);
    if (!s.fiscal_code.empty()) add("FiscalCode", s.fiscal_code);
    xml::addChild(ext, extNs, extPrefix, "Private");
  }
  if (cie) {
    if (!s.municipality_code.empty()) add("Municipality", s.municipality_code);
    add("Country", "IT");
  }
  if (cie) xml::addChild(contact, ns::metadata, "md", "Company", s.organization_name);
  xml::addChild(contact, ns::metadata, "md", "EmailAddress", s.contact_email);
  xml::addChild(contact, ns::metadata, "md", "TelephoneNumber", s.contact_phone);

  if (auto r = xml::sign(doc, root, key, s.algorithm, nullptr); !r) return fail(r.error());
  return doc;
}

}  // namespace sportello::saml
