#include "gateway/trust.hpp"

#include <algorithm>

#include "core/saml/idp_metadata.hpp"
#include "core/xml/document.hpp"

namespace sportello::gateway {

Result<TrustedIdp, std::string> idpFromMetadata(std::string_view metadata_xml, std::string name,
                                                saml::Profile profile, std::string display_name,
                                                std::string source) {
  xml::ParseLimits limits;
  limits.max_bytes = 4 * 1024 * 1024;  // federation-sized metadata is not expected, one IdP is
  auto doc = xml::Document::parse(metadata_xml, limits);
  if (!doc)
    return fail(source + ": not readable XML: " + doc.error().message + " [" + doc.error().rule + "]");
  auto view = saml::readIdpMetadata(*doc);
  if (!view) return fail(source + ": " + view.error().message);
  if (view->idp_descriptor_count != 1) {
    return fail(source + ": expected one IDPSSODescriptor, found " +
                std::to_string(view->idp_descriptor_count));
  }
  if (!view->entity_id || view->entity_id->empty())
    return fail(source + ": the EntityDescriptor has no entityID");
  TrustedIdp idp;
  idp.name = std::move(name);
  idp.profile = profile;
  idp.entity_id = *view->entity_id;
  idp.source = std::move(source);
  idp.display_name = !display_name.empty() ? std::move(display_name)
                     : view->organization_display_name && !view->organization_display_name->empty()
                         ? *view->organization_display_name
                         : idp.name;
  idp.sso_redirect = view->ssoLocation(saml::binding::redirect).value_or("");
  idp.sso_post = view->ssoLocation(saml::binding::post).value_or("");
  for (const auto& [b, location] : view->slo) {
    if (b == saml::binding::redirect && idp.slo_redirect.empty()) idp.slo_redirect = location;
    if (b == saml::binding::post && idp.slo_post.empty()) idp.slo_post = location;
  }
  if (idp.sso_redirect.empty() && idp.sso_post.empty()) {
    return fail(idp.source + ": " + idp.entity_id +
                " has no SingleSignOnService on HTTP-Redirect or HTTP-POST");
  }
  idp.certificates = view->signing_certificates;
  for (const auto& e : view->certificate_errors) idp.warnings.push_back("unreadable certificate: " + e);
  if (idp.certificates.empty())
    return fail(idp.source + ": " + idp.entity_id + " lists no signing certificate");

  if (view->signature_count == 0) {
    idp.warnings.push_back("the metadata is not signed");
  } else {
    xmlNodePtr sig = xml::signatureOf(doc->root());
    std::string last;
    bool ok = false;
    for (const auto& cert : idp.certificates) {
      auto v = xml::verify(*doc, doc->root(), sig, cert);
      if (v) {
        ok = true;
        break;
      }
      last = v.error().message + " [" + v.error().rule + "]";
    }
    if (!ok) return fail(idp.source + ": the metadata signature does not verify: " + last);
  }
  return idp;
}

void IdpTrust::put(TrustedIdp idp) {
  auto p = std::make_shared<const TrustedIdp>(std::move(idp));
  std::lock_guard lock(mu_);
  for (auto& existing : idps_) {
    if (existing->name == p->name || existing->entity_id == p->entity_id) {
      existing = p;
      return;
    }
  }
  idps_.push_back(std::move(p));
}

bool IdpTrust::remove(std::string_view name) {
  std::lock_guard lock(mu_);
  return std::erase_if(idps_, [&](const auto& i) { return i->name == name || i->entity_id == name; }) > 0;
}

std::shared_ptr<const TrustedIdp> IdpTrust::find(std::string_view key) const {
  std::lock_guard lock(mu_);
  for (const auto& i : idps_) {
    if (i->name == key || i->entity_id == key) return i;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const TrustedIdp>> IdpTrust::all() const {
  std::lock_guard lock(mu_);
  return idps_;
}

}  // namespace sportello::gateway
