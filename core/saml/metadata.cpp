#include "core/saml/metadata.hpp"

#include <charconv>

namespace sportello::saml {

namespace {

std::optional<int> toInt(const Opt& s) {
  if (!s || s->empty()) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size() || v < 0) return std::nullopt;
  return v;
}

MdEndpoint endpoint(const xmlNode* n) {
  MdEndpoint e;
  e.binding = xml::attribute(n, "Binding").value_or("");
  e.location = xml::attribute(n, "Location").value_or("");
  e.index_text = xml::attribute(n, "index");
  e.index = toInt(e.index_text);
  e.is_default = xml::attribute(n, "isDefault");
  return e;
}

}  // namespace

const MdEndpoint* SpMetadata::acsByIndex(int index) const {
  for (const auto& e : assertion_consumer_services) {
    if (e.index == index) return &e;
  }
  return nullptr;
}

const MdEndpoint* SpMetadata::acsByLocation(std::string_view location) const {
  for (const auto& e : assertion_consumer_services) {
    if (e.location == location) return &e;
  }
  return nullptr;
}

const MdEndpoint* SpMetadata::defaultAcs() const {
  for (const auto& e : assertion_consumer_services) {
    if (e.is_default == "true") return &e;
  }
  return nullptr;
}

const MdAttributeService* SpMetadata::attributeService(int index) const {
  for (const auto& s : attribute_services) {
    if (s.index == index) return &s;
  }
  return nullptr;
}

Opt localisedText(const xmlNode* parent, std::string_view local) {
  Opt first;
  for (const xmlNode* n : xml::children(parent, ns::metadata, local)) {
    auto t = xml::text(n);
    xmlChar* lang = xmlNodeGetLang(n);
    bool it = lang != nullptr && xmlStrcmp(lang, reinterpret_cast<const xmlChar*>("it")) == 0;
    if (lang != nullptr) xmlFree(lang);
    if (it) return t;
    if (!first) first = t;
  }
  return first;
}

Result<SpMetadata, xml::Error> readSpMetadata(const xml::Document& doc) {
  const xmlNode* root = doc.root();
  if (root == nullptr || !xml::is(root, ns::metadata, "EntityDescriptor")) {
    return fail(xml::Error{"saml.root", "the document is not an md:EntityDescriptor"});
  }
  SpMetadata m;
  m.entity_id = xml::attribute(root, "entityID");
  xml::signatureOf(root, &m.signature_count);
  const xmlNode* sp = xml::child(root, ns::metadata, "SPSSODescriptor", &m.sp_descriptor_count);
  if (sp != nullptr) {
    m.protocol_support = xml::attribute(sp, "protocolSupportEnumeration");
    m.authn_requests_signed = xml::attribute(sp, "AuthnRequestsSigned");
    m.want_assertions_signed = xml::attribute(sp, "WantAssertionsSigned");
    for (const xmlNode* kd : xml::children(sp, ns::metadata, "KeyDescriptor")) {
      auto use = xml::attribute(kd, "use");
      if (use && *use != "signing") continue;
      const xmlNode* ki = xml::child(kd, ns::dsig, "KeyInfo");
      const xmlNode* x509 = ki ? xml::child(ki, ns::dsig, "X509Data") : nullptr;
      for (const xmlNode* c :
           x509 ? xml::children(x509, ns::dsig, "X509Certificate") : std::vector<xmlNodePtr>{}) {
        auto cert = xml::Certificate::fromBase64Der(xml::text(c).value_or(""));
        if (cert) {
          m.signing_certificates.push_back(std::move(*cert));
        } else {
          m.certificate_errors.push_back(cert.error());
        }
      }
    }
    for (const xmlNode* n : xml::children(sp, ns::metadata, "NameIDFormat")) {
      m.name_id_formats.push_back(xml::text(n).value_or(""));
    }
    for (const xmlNode* n : xml::children(sp, ns::metadata, "AssertionConsumerService")) {
      m.assertion_consumer_services.push_back(endpoint(n));
    }
    for (const xmlNode* n : xml::children(sp, ns::metadata, "SingleLogoutService")) {
      m.single_logout_services.push_back(endpoint(n));
    }
    for (const xmlNode* n : xml::children(sp, ns::metadata, "AttributeConsumingService")) {
      MdAttributeService s;
      s.index_text = xml::attribute(n, "index");
      s.index = toInt(s.index_text);
      for (const xmlNode* sn : xml::children(n, ns::metadata, "ServiceName")) {
        s.service_names.push_back(xml::text(sn).value_or(""));
      }
      for (const xmlNode* ra : xml::children(n, ns::metadata, "RequestedAttribute")) {
        s.requested.push_back(xml::attribute(ra, "Name").value_or(""));
      }
      m.attribute_services.push_back(std::move(s));
    }
  }
  if (const xmlNode* org = xml::child(root, ns::metadata, "Organization")) {
    m.organization_name = localisedText(org, "OrganizationName");
    m.organization_display_name = localisedText(org, "OrganizationDisplayName");
    m.organization_url = localisedText(org, "OrganizationURL");
  }
  for (const xmlNode* cp : xml::children(root, ns::metadata, "ContactPerson")) {
    MdContact c;
    c.contact_type = xml::attribute(cp, "contactType");
    if (const xmlNode* ext = xml::child(cp, ns::metadata, "Extensions")) {
      for (const xmlNode* e : xml::children(ext)) {
        if (e->ns != nullptr && c.extensions_ns.empty())
          c.extensions_ns = reinterpret_cast<const char*>(e->ns->href);
        c.extensions[reinterpret_cast<const char*>(e->name)] = xml::text(e).value_or("");
      }
    }
    if (const xmlNode* n = xml::child(cp, ns::metadata, "EmailAddress")) c.email = xml::text(n);
    if (const xmlNode* n = xml::child(cp, ns::metadata, "TelephoneNumber")) c.telephone = xml::text(n);
    if (const xmlNode* n = xml::child(cp, ns::metadata, "Company")) c.company = xml::text(n);
    m.contacts.push_back(std::move(c));
  }
  return m;
}

}  // namespace sportello::saml
