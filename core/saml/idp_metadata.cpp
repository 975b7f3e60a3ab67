#include "core/saml/idp_metadata.hpp"

#include "core/saml/metadata.hpp"

#include "core/saml/authn_request.hpp"

namespace sportello::saml {

namespace {

xmlNodePtr endpoint(xmlNodePtr parent, std::string_view name, const MdBindingLocation& e) {
  xmlNodePtr n = xml::addChild(parent, ns::metadata, "md", name);
  xml::setAttribute(n, "Binding", e.first);
  xml::setAttribute(n, "Location", e.second);
  return n;
}

void italian(xmlNodePtr parent, std::string_view name, const std::string& text) {
  xmlNodePtr n = xml::addChild(parent, ns::metadata, "md", name, text);
  xmlNodeSetLang(n, reinterpret_cast<const xmlChar*>("it"));
}

std::vector<MdBindingLocation> endpoints(const xmlNode* parent, std::string_view local) {
  std::vector<MdBindingLocation> out;
  for (const xmlNode* n : xml::children(parent, ns::metadata, local)) {
    out.emplace_back(xml::attribute(n, "Binding").value_or(""), xml::attribute(n, "Location").value_or(""));
  }
  return out;
}

}  // namespace

Result<xml::Document, xml::SignError> buildIdpMetadata(const IdpMetadataSpec& s, const xml::SigningKey& key) {
  if (s.entity_id.empty()) return fail(xml::SignError{"md.idp_spec", "the IdP metadata needs an entityID"});
  if (s.sso.empty()) {
    return fail(xml::SignError{
        "md.idp_spec", "the IdP metadata of " + s.entity_id + " needs at least one SingleSignOnService"});
  }
  auto doc = xml::Document::create(ns::metadata, "md", "EntityDescriptor");
  xmlNodePtr root = doc.root();
  xmlNewNs(root, reinterpret_cast<const xmlChar*>(ns::dsig.data()), reinterpret_cast<const xmlChar*>("ds"));
  xmlNewNs(root, reinterpret_cast<const xmlChar*>(ns::assertion.data()),
           reinterpret_cast<const xmlChar*>("saml"));
  xml::setAttribute(root, "ID", s.id.empty() ? newId() : s.id);
  xml::setAttribute(root, "entityID", s.entity_id);
  if (s.valid_until) xml::setAttribute(root, "validUntil", formatDateTime(*s.valid_until));

  xmlNodePtr idp = xml::addChild(root, ns::metadata, "md", "IDPSSODescriptor");
  xml::setAttribute(idp, "protocolSupportEnumeration", ns::protocol);
  xml::setAttribute(idp, "WantAuthnRequestsSigned", "true");

  // Element order follows the schema: KeyDescriptor, SingleLogoutService, NameIDFormat,
  // SingleSignOnService, Attribute.
  xmlNodePtr kd = xml::addChild(idp, ns::metadata, "md", "KeyDescriptor");
  xml::setAttribute(kd, "use", "signing");
  xmlNodePtr ki = xml::addChild(kd, ns::dsig, "ds", "KeyInfo");
  xmlNodePtr x509 = xml::addChild(ki, ns::dsig, "ds", "X509Data");
  xml::addChild(x509, ns::dsig, "ds", "X509Certificate", key.certificate().base64Der());
  for (const auto& e : s.slo) endpoint(idp, "SingleLogoutService", e);
  xml::addChild(idp, ns::metadata, "md", "NameIDFormat", nameid::transient);
  for (const auto& e : s.sso) endpoint(idp, "SingleSignOnService", e);
  auto advertise = [&](std::string_view name) {
    xmlNodePtr a = xml::addChild(idp, ns::assertion, "saml", "Attribute");
    xml::setAttribute(a, "Name", name);
    xml::setAttribute(a, "NameFormat", kAttrNameFormatBasic);
  };
  if (s.profile == Profile::cie) {
    for (auto name : kCieAttributes) advertise(name);
  } else {
    for (auto name : kSpidAttributes) advertise(name);
  }

  xmlNodePtr org = xml::addChild(root, ns::metadata, "md", "Organization");
  italian(org, "OrganizationName", s.organization_name);
  italian(org, "OrganizationDisplayName", s.display_name);
  italian(org, "OrganizationURL", s.url);

  if (auto r = xml::sign(doc, root, key, s.algorithm, nullptr); !r) return fail(r.error());
  return doc;
}

Opt IdpMetadataView::ssoLocation(std::string_view binding) const {
  for (const auto& [b, location] : sso) {
    if (b == binding) return location;
  }
  return std::nullopt;
}

Result<IdpMetadataView, xml::Error> readIdpMetadata(const xml::Document& doc) {
  const xmlNode* root = doc.root();
  if (root == nullptr || !xml::is(root, ns::metadata, "EntityDescriptor")) {
    return fail(xml::Error{"saml.root", "the document is not an md:EntityDescriptor"});
  }
  IdpMetadataView v;
  v.id = xml::attribute(root, "ID");
  v.entity_id = xml::attribute(root, "entityID");
  v.valid_until = xml::attribute(root, "validUntil");
  xml::signatureOf(root, &v.signature_count);
  if (const xmlNode* idp = xml::child(root, ns::metadata, "IDPSSODescriptor", &v.idp_descriptor_count)) {
    v.protocol_support = xml::attribute(idp, "protocolSupportEnumeration");
    v.want_authn_requests_signed = xml::attribute(idp, "WantAuthnRequestsSigned");
    for (const xmlNode* kd : xml::children(idp, ns::metadata, "KeyDescriptor")) {
      auto use = xml::attribute(kd, "use");
      if (use && *use != "signing") continue;
      const xmlNode* ki = xml::child(kd, ns::dsig, "KeyInfo");
      const xmlNode* x509 = ki ? xml::child(ki, ns::dsig, "X509Data") : nullptr;
      if (x509 == nullptr) continue;
      for (const xmlNode* c : xml::children(x509, ns::dsig, "X509Certificate")) {
        auto cert = xml::Certificate::fromBase64Der(xml::text(c).value_or(""));
        if (cert) {
          v.signing_certificates.push_back(std::move(*cert));
        } else {
          v.certificate_errors.push_back(cert.error());
        }
      }
    }
    for (const xmlNode* n : xml::children(idp, ns::metadata, "NameIDFormat")) {
      v.name_id_formats.push_back(xml::text(n).value_or(""));
    }
    v.sso = endpoints(idp, "SingleSignOnService");
    v.slo = endpoints(idp, "SingleLogoutService");
    for (const xmlNode* a : xml::children(idp, ns::assertion, "Attribute")) {
      v.attributes.push_back(xml::attribute(a, "Name").value_or(""));
    }
  }
  if (const xmlNode* org = xml::child(root, ns::metadata, "Organization")) {
    v.organization_name = localisedText(org, "OrganizationName");
    v.organization_display_name = localisedText(org, "OrganizationDisplayName");
    v.organization_url = localisedText(org, "OrganizationURL");
  }
  return v;
}

}  // namespace sportello::saml
