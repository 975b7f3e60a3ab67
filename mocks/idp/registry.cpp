#include "mocks/idp/registry.hpp"

#include "core/saml/metadata_rules.hpp"
#include "core/xml/document.hpp"
#include "core/xml/signature.hpp"

namespace sportello::idp {

Result<std::shared_ptr<const RegisteredSp>, std::string> SpRegistry::add(std::string_view metadata_xml,
                                                                         std::string source,
                                                                         saml::Profile profile,
                                                                         bool development) {
  auto doc = xml::Document::parse(metadata_xml);
  if (!doc) return fail(source + ": " + doc.error().rule + ": " + doc.error().message);
  auto md = saml::readSpMetadata(*doc);
  if (!md) return fail(source + ": " + md.error().rule + ": " + md.error().message);
  if (!md->entity_id || md->entity_id->empty()) return fail(source + ": the metadata has no entityID");
  if (md->signing_certificates.empty()) {
    return fail(source +
                ": the metadata has no signing certificate, so no request of this SP could be verified");
  }
  auto sp = std::make_shared<RegisteredSp>();
  sp->entity_id = *md->entity_id;
  sp->source = std::move(source);
  sp->metadata_xml = std::string(metadata_xml);

  // Self-signed metadata proves integrity, not who published it: a registry would pin the key it got
  // out of band. Here the developer registering the file is that out-of-band channel.
  xmlNodePtr sig = xml::signatureOf(doc->root());
  if (sig == nullptr) {
    sp->signature_detail = "the EntityDescriptor is not signed";
  } else {
    std::string last;
    for (const auto& cert : md->signing_certificates) {
      auto v = xml::verify(*doc, doc->root(), sig, cert);
      if (v) {
        sp->signature_valid = true;
        sp->signature_detail = "signed with " + cert.subject() + " [" + cert.sha256Fingerprint() + "]";
        break;
      }
      last = v.error().rule + ": " + v.error().message;
    }
    if (!sp->signature_valid) sp->signature_detail = last;
  }
  saml::MetadataContext ctx;
  ctx.profile = profile;
  ctx.development = development;
  ctx.signature_valid = sp->signature_valid;
  ctx.signature_detail = sp->signature_detail;
  sp->report = saml::spMetadataPolicy().evaluate(*md, ctx);
  sp->metadata = std::move(*md);

  std::shared_ptr<const RegisteredSp> out = sp;
  std::lock_guard lock(mu_);
  sps_[out->entity_id] = out;
  return out;
}

std::shared_ptr<const RegisteredSp> SpRegistry::find(std::string_view entity_id) const {
  std::lock_guard lock(mu_);
  auto it = sps_.find(entity_id);
  return it == sps_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const RegisteredSp>> SpRegistry::all() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<const RegisteredSp>> out;
  for (const auto& [k, v] : sps_) out.push_back(v);
  return out;
}

}  // namespace sportello::idp
