// The rules SPID (Avviso n.29 v3) and CIE set for a Service Provider's metadata (spec/spid-cie.md,
// "SP metadata" and "CIE differences"), as a Policy over the SpMetadata view. An IdP runs them when an
// SP is registered; the conformance suite runs them on the gateway's own metadata.
//
// Rule names ("md.acs", ...) are stable. Production-only checks (https, no port, the Avviso 29
// certificate profile) are reported not_applicable under the development profile, with a detail that
// says what would fail in production, as authn.acs_https does. Rules never throw.
#pragma once

#include <optional>
#include <string>

#include "core/saml/metadata.hpp"
#include "core/saml/policy.hpp"

namespace sportello::saml {

// Facts the rules judge against. The metadata signature is verified by the caller (with the
// certificate it trusts for this SP: the registered one, or the one in the metadata itself on first
// registration) and passed in as facts: nullopt when it could not be verified at all.
struct MetadataContext {
  Profile profile = Profile::spid;
  bool development = false;  // relax production-only checks and say so
  std::optional<bool> signature_valid;
  std::string signature_detail;  // what was verified, or why it failed (rule name and message)
};

using MetadataPolicy = Policy<SpMetadata, MetadataContext>;

// The full list, in the order a developer reads them:
//   md.entity_id, md.signature, md.sp_descriptor, md.authn_requests_signed, md.signing_key,
//   md.certificate_profile, md.name_id_format, md.single_logout, md.acs, md.attribute_services,
//   md.organization, md.contact_person.
const MetadataPolicy& spMetadataPolicy();

}  // namespace sportello::saml
