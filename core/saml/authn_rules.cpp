#include "core/saml/authn_rules.hpp"

#include <algorithm>
#include <map>

namespace sportello::saml {

namespace {

using C = AuthnRequestContext;
using R = AuthnRequest;

std::string quoted(const Opt& v) {
  return v ? "\"" + *v + "\"" : "absent";
}

bool isNcName(std::string_view s) {
  if (s.empty()) return false;
  auto first = static_cast<unsigned char>(s.front());
  if (!(std::isalpha(first) || first == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    auto c = static_cast<unsigned char>(ch);
    return std::isalnum(c) || c == '_' || c == '-' || c == '.';
  });
}

bool isHttpsUrl(std::string_view u) {
  return u.starts_with("https://");
}
bool hasExplicitPort(std::string_view u) {
  auto start = u.find("://");
  if (start == std::string_view::npos) return false;
  auto authority = u.substr(start + 3, u.find('/', start + 3) - (start + 3));
  auto close = authority.rfind(']');
  auto colon = authority.rfind(':');
  return colon != std::string_view::npos && (close == std::string_view::npos || colon > close);
}

Check levelAndComparison(const R& r, const C& c) {
  if (r.requested_authn_context_count != 1) {
    return Check::fail("exactly one RequestedAuthnContext required, found " +
                       std::to_string(r.requested_authn_context_count));
  }
  auto cmp =
      r.comparison ? comparisonFromString(*r.comparison) : std::optional<Comparison>(Comparison::exact);
  if (!cmp)
    return Check::fail("Comparison " + quoted(r.comparison) + " is not exact, minimum, better or maximum");
  if (c.profile == Profile::cie && *cmp != Comparison::exact && *cmp != Comparison::minimum) {
    return Check::fail("CIE accepts Comparison exact or minimum, got " + *r.comparison);
  }
  if (r.class_refs.size() != 1) {
    return Check::fail("exactly one AuthnContextClassRef required, found " +
                       std::to_string(r.class_refs.size()));
  }
  auto level = levelFromUri(r.class_refs.front());
  if (!level) {
    return Check::fail("AuthnContextClassRef \"" + r.class_refs.front() +
                       "\" is not https://www.spid.gov.it/SpidL1, SpidL2 or SpidL3");
  }
  return Check::pass(std::string(toString(*cmp)) + " " + r.class_refs.front());
}

std::optional<Level> requestedLevel(const R& r) {
  if (r.class_refs.size() != 1) return std::nullopt;
  return levelFromUri(r.class_refs.front());
}

AuthnRequestPolicy build() {
  AuthnRequestPolicy p;
  p.add("authn.sp_known", "The Issuer names a registered Service Provider", [](const R& r, const C& c) {
    if (c.sp != nullptr) return Check::pass(*c.sp->entity_id);
    return Check::fail("no registered SP has entityID " + quoted(r.issuer.value) +
                       "; register its metadata (config or POST /_admin/sps)");
  });
  p.add("authn.signature", "The request is signed with a key from the SP's registered metadata",
        [](const R&, const C& c) {
          if (c.sp == nullptr) return Check::notApplicable("SP unknown");
          if (!c.signature_present) return Check::fail("the request is not signed (" + c.binding + ")");
          if (!c.signature_valid) return Check::fail(c.signature_detail);
          return Check::pass(c.signature_detail);
        });
  p.add("authn.version", "Version is \"2.0\"", [](const R& r, const C&) {
    return r.version == "2.0" ? Check::pass() : Check::fail("Version is " + quoted(r.version));
  });
  p.add("authn.id", "ID is present and a valid XML identifier", [](const R& r, const C&) {
    if (!r.id || r.id->empty()) return Check::fail("ID is " + quoted(r.id));
    if (!isNcName(*r.id))
      return Check::fail("ID \"" + *r.id + "\" is not an NCName (must start with a letter or _)");
    return Check::pass(*r.id);
  });
  p.add("authn.issue_instant", "IssueInstant is UTC and within the allowed clock skew of now",
        [](const R& r, const C& c) {
          if (!r.issue_instant || r.issue_instant->empty())
            return Check::fail("IssueInstant is " + quoted(r.issue_instant));
          auto t = parseDateTime(*r.issue_instant);
          if (!t) return Check::fail(t.error());
          auto delta = std::chrono::duration_cast<std::chrono::seconds>(*t - c.now);
          if (delta > c.skew)
            return Check::fail("IssueInstant is " + std::to_string(delta.count()) + " s in the future");
          if (-delta > c.skew)
            return Check::fail("IssueInstant is " + std::to_string(-delta.count()) + " s old");
          return Check::pass(*r.issue_instant);
        });
  p.add("authn.destination", "Destination is this IdP's SSO location (the entityID is tolerated)",
        [](const R& r, const C& c) {
          if (!r.destination || r.destination->empty())
            return Check::fail("Destination is " + quoted(r.destination));
          if (std::find(c.sso_locations.begin(), c.sso_locations.end(), *r.destination) !=
              c.sso_locations.end()) {
            return Check::pass(*r.destination);
          }
          if (*r.destination == c.idp_entity_id) return Check::pass("the IdP entityID (tolerated)");
          return Check::fail("Destination \"" + *r.destination + "\" is not this IdP's SSO location");
        });
  p.add("authn.is_passive", "IsPassive is absent", [](const R& r, const C&) {
    return r.is_passive ? Check::fail("IsPassive is present (" + *r.is_passive + ")") : Check::pass();
  });
  p.add("authn.force_authn", "ForceAuthn=\"true\" for SpidL2/L3, and always for CIE",
        [](const R& r, const C& c) {
          auto level = requestedLevel(r);
          bool needed = c.profile == Profile::cie || (level && *level != Level::L1);
          if (!needed) return Check::notApplicable("SpidL1 does not require it");
          if (r.force_authn != "true") {
            return Check::fail("ForceAuthn is " + quoted(r.force_authn) + " but " +
                               (c.profile == Profile::cie ? std::string("CIE") : std::string("SpidL2/L3")) +
                               " require \"true\"");
          }
          return Check::pass();
        });
  p.add(
      "authn.assertion_consumer_service",
      "AssertionConsumerServiceIndex in the SP metadata, or AssertionConsumerServiceURL equal to a metadata "
      "location with ProtocolBinding HTTP-POST (not both)",
      [](const R& r, const C& c) {
        if (c.sp == nullptr) return Check::notApplicable("SP unknown");
        if (r.acs_index && r.acs_url)
          return Check::fail("both AssertionConsumerServiceIndex and URL are present");
        // SAML core 3.4.1: the index excludes both the URL and ProtocolBinding.
        if (r.acs_index && r.protocol_binding) {
          return Check::fail(
              "AssertionConsumerServiceIndex comes with ProtocolBinding; the index excludes it");
        }
        if (r.acs_index) {
          auto idx = parseIndex(r.acs_index);
          if (!idx)
            return Check::fail("AssertionConsumerServiceIndex \"" + *r.acs_index + "\" is not a number");
          const MdEndpoint* e = c.sp->acsByIndex(*idx);
          if (e == nullptr)
            return Check::fail("no AssertionConsumerService with index " + *r.acs_index + " in the metadata");
          return Check::pass(e->location);
        }
        if (r.acs_url) {
          if (r.protocol_binding != binding::post) {
            return Check::fail("ProtocolBinding is " + quoted(r.protocol_binding) +
                               ", must be HTTP-POST with an ACS URL");
          }
          if (c.sp->acsByLocation(*r.acs_url) == nullptr) {
            return Check::fail("AssertionConsumerServiceURL \"" + *r.acs_url +
                               "\" is not in the SP metadata");
          }
          return Check::pass(*r.acs_url);
        }
        return Check::fail(
            "neither AssertionConsumerServiceIndex nor AssertionConsumerServiceURL is present");
      });
  p.add("authn.acs_https", "The ACS location is https and has no explicit port (production only)",
        [](const R& r, const C& c) {
          if (c.sp == nullptr) return Check::notApplicable("SP unknown");
          const MdEndpoint* e = nullptr;
          if (auto idx = parseIndex(r.acs_index)) {
            e = c.sp->acsByIndex(*idx);
          } else if (r.acs_url) {
            e = c.sp->acsByLocation(*r.acs_url);
          }
          if (e == nullptr) return Check::notApplicable("no ACS resolved");
          bool ok = isHttpsUrl(e->location) && !hasExplicitPort(e->location);
          if (ok) return Check::pass(e->location);
          if (c.development) {
            return Check::notApplicable("relaxed by the development profile: " + e->location +
                                        " would fail in production (https, no port)");
          }
          return Check::fail(e->location + " must be https without an explicit port");
        });
  p.add("authn.attribute_consuming_service",
        "AttributeConsumingServiceIndex is present and defined in the SP metadata",
        [](const R& r, const C& c) {
          if (!r.attribute_consuming_service_index)
            return Check::fail("AttributeConsumingServiceIndex is absent");
          if (c.sp == nullptr) return Check::notApplicable("SP unknown");
          auto idx = parseIndex(r.attribute_consuming_service_index);
          if (!idx) {
            return Check::fail("AttributeConsumingServiceIndex \"" + *r.attribute_consuming_service_index +
                               "\" is not a number");
          }
          if (c.sp->attributeService(*idx) == nullptr) {
            return Check::fail("no AttributeConsumingService with index " +
                               *r.attribute_consuming_service_index + " in the SP metadata");
          }
          return Check::pass(*r.attribute_consuming_service_index);
        });
  p.add("authn.issuer", "Exactly one Issuer, equal to the SP entityID, Format entity, with NameQualifier",
        [](const R& r, const C& c) {
          if (r.issuer.count != 1)
            return Check::fail("found " + std::to_string(r.issuer.count) + " Issuer elements");
          if (!r.issuer.value || r.issuer.value->empty())
            return Check::fail("Issuer is empty or not plain text");
          if (c.sp != nullptr && r.issuer.value != c.sp->entity_id) {
            return Check::fail("Issuer \"" + *r.issuer.value + "\" differs from the SP entityID");
          }
          if (r.issuer.format != nameid::entity) {
            return Check::fail("Issuer Format is " + quoted(r.issuer.format) + ", must be " +
                               std::string(nameid::entity));
          }
          if (!r.issuer.name_qualifier || r.issuer.name_qualifier->empty()) {
            return Check::fail("Issuer NameQualifier is " + quoted(r.issuer.name_qualifier));
          }
          return Check::pass(*r.issuer.value);
        });
  p.add("authn.name_id_policy", "NameIDPolicy with Format transient and no AllowCreate",
        [](const R& r, const C&) {
          if (r.name_id_policy_count != 1) {
            return Check::fail("expected one NameIDPolicy, found " + std::to_string(r.name_id_policy_count));
          }
          if (r.name_id_policy_format != nameid::transient) {
            return Check::fail("NameIDPolicy Format is " + quoted(r.name_id_policy_format) +
                               ", must be transient");
          }
          if (r.name_id_policy_allow_create) {
            return Check::fail("NameIDPolicy has AllowCreate (" + *r.name_id_policy_allow_create +
                               "), which SPID forbids");
          }
          return Check::pass();
        });
  p.add("authn.requested_authn_context",
        "One RequestedAuthnContext with an allowed Comparison and one SpidL1/L2/L3 class",
        levelAndComparison);
  p.add("authn.scoping", "Scoping, if present, has ProxyCount=\"0\"", [](const R& r, const C&) {
    if (r.scoping_count == 0) return Check::notApplicable();
    if (r.proxy_count != "0")
      return Check::fail("Scoping ProxyCount is " + quoted(r.proxy_count) + ", must be \"0\"");
    return Check::pass();
  });
  p.add("authn.relay_state", "RelayState is present and opaque (not a readable URL)",
        [](const R&, const C& c) {
          if (!c.relay_state || c.relay_state->empty()) return Check::fail("RelayState is absent or empty");
          const std::string& rs = *c.relay_state;
          if (rs.starts_with("http://") || rs.starts_with("https://") || rs.starts_with("/")) {
            return Check::fail("RelayState \"" + rs + "\" is a readable URL; it must be an opaque token");
          }
          return Check::pass();
        });
  return p;
}

}  // namespace

const AuthnRequestPolicy& authnRequestPolicy() {
  static const AuthnRequestPolicy policy = build();
  return policy;
}

SpidError spidErrorFor(std::string_view rule) {
  static const std::map<std::string_view, SpidError> table = {
      {"authn.sp_known", {0, status::requester, true}},
      {"authn.signature", {0, status::requester, true}},
      {"authn.assertion_consumer_service", {16, status::requester, true}},
      {"authn.acs_https", {16, status::requester, true}},
      {"authn.version", {9, status::version_mismatch, false}},
      {"authn.id", {11, status::requester, false}},
      {"authn.issue_instant", {13, status::requester, false}},
      {"authn.destination", {14, status::requester, false}},
      {"authn.is_passive", {15, status::requester, false}},
      {"authn.force_authn", {8, status::requester, false}},
      {"authn.attribute_consuming_service", {18, status::requester, false}},
      {"authn.issuer", {10, status::requester, false}},
      {"authn.name_id_policy", {17, status::requester, false}},
      {"authn.requested_authn_context", {12, status::requester, false}},
      {"authn.scoping", {8, status::requester, false}},
      {"authn.relay_state", {8, status::requester, false}},
  };
  auto it = table.find(rule);
  return it == table.end() ? SpidError{8, status::requester, false} : it->second;
}

}  // namespace sportello::saml
