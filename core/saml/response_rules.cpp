#include "core/saml/response_rules.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/saml/response.hpp"

namespace sportello::saml {

namespace {

using C = ResponseContext;
using R = SamlResponse;
using A = AssertionView;

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

std::string seconds(std::chrono::system_clock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

// The Assertion rules judge the single Assertion child; without one, assertion.present says why.
ResponsePolicy::Fn onAssertion(std::function<Check(const A&, const R&, const C&)> f) {
  return [f = std::move(f)](const R& r, const C& c) {
    if (!r.assertion) return Check::notApplicable("no single Assertion (see assertion.present)");
    return f(*r.assertion, r, c);
  };
}

Check idRule(const Opt& id, const char* what) {
  if (!id || id->empty()) return Check::fail(std::string(what) + " ID is " + quoted(id));
  if (!isNcName(*id)) return Check::fail(std::string(what) + " ID \"" + *id + "\" is not an NCName");
  return Check::pass(*id);
}

Check versionRule(const Opt& v, const char* what) {
  return v == "2.0" ? Check::pass() : Check::fail(std::string(what) + " Version is " + quoted(v));
}

// Issued after the request (IdP clocks may lag by the skew) and not in the future (beyond the skew).
Check instantRule(const Opt& v, const char* what, const C& c) {
  if (!v || v->empty()) return Check::fail(std::string(what) + " IssueInstant is " + quoted(v));
  auto t = parseDateTime(*v);
  if (!t) return Check::fail(std::string(what) + " IssueInstant: " + t.error());
  if (*t > c.now + c.skew) {
    return Check::fail(std::string(what) + " IssueInstant " + *v + " is " + seconds(*t - c.now) +
                       " in the future (skew " + seconds(c.skew) + ")");
  }
  if (c.request_issue_instant && *t < *c.request_issue_instant - c.skew) {
    return Check::fail(std::string(what) + " IssueInstant " + *v + " is " +
                       seconds(*c.request_issue_instant - *t) + " before the request was issued (" +
                       formatDateTime(*c.request_issue_instant) + ")");
  }
  return Check::pass(*v);
}

Check inResponseToRule(const Opt& v, const char* what, const C& c) {
  if (!c.expected_in_response_to) {
    return Check::fail("unsolicited: no AuthnRequest is pending for this session (" + std::string(what) +
                       " InResponseTo " + quoted(v) + ")");
  }
  if (!v || v->empty()) return Check::fail(std::string(what) + " InResponseTo is " + quoted(v));
  if (*v != *c.expected_in_response_to) {
    return Check::fail(std::string(what) + " InResponseTo \"" + *v +
                       "\" is not the ID of the request pending for this session (\"" +
                       *c.expected_in_response_to + "\")");
  }
  return Check::pass(*v);
}

Check issuerRule(const IssuerView& i, const char* what, const C& c, bool formatRequired) {
  if (i.count != 1)
    return Check::fail(std::string(what) + " has " + std::to_string(i.count) + " Issuer elements");
  if (!i.value) return Check::fail(std::string(what) + " Issuer holds markup, not plain text");
  if (i.value->empty()) return Check::fail(std::string(what) + " Issuer is empty");
  if (*i.value != c.idp_entity_id) {
    return Check::fail(std::string(what) + " Issuer \"" + *i.value + "\" is not the IdP's entityID \"" +
                       c.idp_entity_id + "\"");
  }
  if (i.format == nameid::entity) return Check::pass(*i.value);
  if (!i.format && !formatRequired) return Check::pass(*i.value + " (Format omitted)");
  return Check::fail(std::string(what) + " Issuer Format is " + quoted(i.format) + ", must be " +
                     std::string(nameid::entity) + (formatRequired ? "" : " or omitted"));
}

Check statusRule(const R& r, const C&) {
  const StatusView& s = r.status;
  if (s.count != 1) return Check::fail("found " + std::to_string(s.count) + " Status elements, expected one");
  if (s.empty) return Check::fail("Status is empty");
  if (s.code_count != 1)
    return Check::fail("Status has " + std::to_string(s.code_count) + " StatusCode elements");
  if (!s.code || s.code->empty()) return Check::fail("StatusCode Value is " + quoted(s.code));
  if (*s.code == status::success) return Check::pass();
  std::string m = "the IdP answered " + *s.code;
  if (s.sub_code) m += " / " + *s.sub_code;
  if (s.message) m += ", \"" + *s.message + "\"";
  if (auto code = spidErrorCode(s.message)) m += ": " + std::string(spidErrorDescription(*code));
  return Check::fail(m);
}

Check presentRule(const R& r, const C&) {
  if (r.encrypted_assertion_count > 0) {
    return Check::fail(
        "EncryptedAssertion is not accepted: SPID and CIE Assertions are signed, not encrypted");
  }
  if (r.assertion_total != r.assertion_count) {
    return Check::fail("the document holds " + std::to_string(r.assertion_total) +
                       " saml:Assertion elements, " + std::to_string(r.assertion_count) +
                       " of them children of the Response: an Assertion is wrapped inside another element");
  }
  if (r.assertion_count > 1) {
    return Check::fail("the Response has " + std::to_string(r.assertion_count) +
                       " Assertions; exactly one is allowed");
  }
  const bool success = r.status.code == status::success;
  if (r.assertion_count == 0) {
    if (success) return Check::fail("StatusCode is Success but the Response carries no Assertion");
    return Check::notApplicable("not a Success Response: no Assertion expected");
  }
  return Check::pass();
}

Check signatureFact(const SignatureFact& f, const char* what) {
  if (f.valid) return Check::pass(f.detail);
  if (!f.detail.empty()) return Check::fail(f.detail);
  return Check::fail(std::string(what) + " is not signed");
}

Check responseSignatureRule(const R& r, const C& c) {
  if (r.signature_count == 0) {
    if (r.assertion_count > 0 || r.assertion_total > 0)
      return Check::notApplicable("the Response is not signed; its Assertion must be");
    return Check::fail("neither the Response nor an Assertion is signed");
  }
  return signatureFact(c.response_signature, "the Response");
}

Check assertionSignatureRule(const R& r, const C& c) {
  if (r.assertion_count == 0 && r.assertion_total == 0 && r.encrypted_assertion_count == 0)
    return Check::notApplicable("no Assertion");
  return signatureFact(c.assertion_signature, "the Assertion");
}

Check subjectRule(const A& a, const R&, const C&) {
  if (a.subject_count != 1)
    return Check::fail("found " + std::to_string(a.subject_count) + " Subject elements");
  if (a.subject_empty) return Check::fail("Subject is empty");
  return Check::pass();
}

Check nameIdRule(const A& a, const R&, const C&) {
  if (a.subject_count != 1) return Check::notApplicable("no single Subject");
  if (a.name_id_count != 1)
    return Check::fail("found " + std::to_string(a.name_id_count) + " NameID elements");
  if (!a.name_id) {
    return Check::fail(
        "NameID holds markup (a comment or an element), not plain text: refused rather than truncated");
  }
  if (a.name_id->empty()) return Check::fail("NameID is empty");
  if (a.name_id_format != nameid::transient) {
    return Check::fail("NameID Format is " + quoted(a.name_id_format) + ", must be " +
                       std::string(nameid::transient));
  }
  if (!a.name_id_qualifier || a.name_id_qualifier->empty())
    return Check::fail("NameID NameQualifier is " + quoted(a.name_id_qualifier));
  return Check::pass(*a.name_id);
}

Check subjectConfirmationRule(const A& a, const R&, const C&) {
  if (a.subject_count != 1) return Check::notApplicable("no single Subject");
  if (a.subject_confirmation_count != 1) {
    return Check::fail("found " + std::to_string(a.subject_confirmation_count) +
                       " SubjectConfirmation elements, expected one");
  }
  if (a.method != kBearer) {
    return Check::fail("SubjectConfirmation Method is " + quoted(a.method) + ", must be " +
                       std::string(kBearer));
  }
  if (a.subject_confirmation_data_count != 1) {
    return Check::fail("found " + std::to_string(a.subject_confirmation_data_count) +
                       " SubjectConfirmationData elements, expected one");
  }
  return Check::pass();
}

bool hasConfirmationData(const A& a) {
  return a.subject_count == 1 && a.subject_confirmation_count == 1 && a.subject_confirmation_data_count == 1;
}

Check recipientRule(const A& a, const R&, const C& c) {
  if (!hasConfirmationData(a)) return Check::notApplicable("no single SubjectConfirmationData");
  if (!a.recipient || a.recipient->empty()) return Check::fail("Recipient is " + quoted(a.recipient));
  if (*a.recipient != c.acs_url)
    return Check::fail("Recipient \"" + *a.recipient + "\" is not this ACS (\"" + c.acs_url + "\")");
  return Check::pass(*a.recipient);
}

Check confirmationInResponseToRule(const A& a, const R&, const C& c) {
  if (!hasConfirmationData(a)) return Check::notApplicable("no single SubjectConfirmationData");
  return inResponseToRule(a.confirmation_in_response_to, "SubjectConfirmationData", c);
}

Check notExpired(const Opt& v, const std::string& what, const C& c) {
  if (!v || v->empty()) return Check::fail(what + " NotOnOrAfter is " + quoted(v));
  auto t = parseDateTime(*v);
  if (!t) return Check::fail(what + " NotOnOrAfter: " + t.error());
  if (c.now >= *t + c.skew) {
    return Check::fail(what + " NotOnOrAfter " + *v + " has passed (" + seconds(c.now - *t) + " ago, skew " +
                       seconds(c.skew) + ")");
  }
  return Check::pass(*v);
}

Check confirmationNotOnOrAfterRule(const A& a, const R&, const C& c) {
  if (!hasConfirmationData(a)) return Check::notApplicable("no single SubjectConfirmationData");
  return notExpired(a.confirmation_not_on_or_after, "SubjectConfirmationData", c);
}

Check conditionsRule(const A& a, const R&, const C& c) {
  if (a.conditions_count != 1)
    return Check::fail("found " + std::to_string(a.conditions_count) + " Conditions elements, expected one");
  if (a.conditions_empty && !a.not_before && !a.not_on_or_after) return Check::fail("Conditions is empty");
  if (!a.not_before || a.not_before->empty())
    return Check::fail("Conditions NotBefore is " + quoted(a.not_before));
  auto nb = parseDateTime(*a.not_before);
  if (!nb) return Check::fail("Conditions NotBefore: " + nb.error());
  if (*nb > c.now + c.skew) {
    return Check::fail("Conditions NotBefore " + *a.not_before + " is " + seconds(*nb - c.now) +
                       " in the future (skew " + seconds(c.skew) + ")");
  }
  Check end = notExpired(a.not_on_or_after, "Conditions", c);
  if (end.outcome != Outcome::pass) return end;
  return Check::pass(*a.not_before + " .. " + *a.not_on_or_after);
}

Check audienceRule(const A& a, const R&, const C& c) {
  if (a.conditions_count != 1) return Check::notApplicable("no single Conditions");
  if (a.audience_restrictions.empty()) return Check::fail("Conditions has no AudienceRestriction");
  // SAML core 2.5.1.4: every AudienceRestriction must be satisfied.
  for (const auto& audiences : a.audience_restrictions) {
    if (audiences.empty()) return Check::fail("an AudienceRestriction has no Audience");
    bool ours = false;
    for (const Opt& aud : audiences) {
      if (!aud || aud->empty()) return Check::fail("an Audience is empty or not plain text");
      ours = ours || *aud == c.sp_entity_id;
    }
    if (!ours) {
      return Check::fail("Audience \"" + *audiences.front() + "\" is not this SP's entityID (\"" +
                         c.sp_entity_id + "\")");
    }
  }
  return Check::pass(c.sp_entity_id);
}

Check authnContextRule(const A& a, const R&, const C&) {
  if (a.authn_statement_count != 1) {
    return Check::fail("found " + std::to_string(a.authn_statement_count) +
                       " AuthnStatement elements, expected one");
  }
  if (a.authn_statement_empty) return Check::fail("AuthnStatement is empty");
  if (a.authn_context_count != 1) {
    return Check::fail("found " + std::to_string(a.authn_context_count) +
                       " AuthnContext elements, expected one");
  }
  if (a.authn_context_empty) return Check::fail("AuthnContext is empty");
  if (a.class_ref_count != 1) {
    return Check::fail("found " + std::to_string(a.class_ref_count) +
                       " AuthnContextClassRef elements, expected one");
  }
  if (!a.class_ref || a.class_ref->empty())
    return Check::fail("AuthnContextClassRef is empty or not plain text");
  return Check::pass(*a.class_ref);
}

Check levelRule(const A& a, const R&, const C& c) {
  if (a.class_ref_count != 1 || !a.class_ref || a.class_ref->empty())
    return Check::notApplicable("no AuthnContextClassRef (see assertion.authn_context)");
  auto level = levelFromUri(*a.class_ref);
  if (!level) {
    return Check::fail("AuthnContextClassRef \"" + *a.class_ref +
                       "\" is not https://www.spid.gov.it/SpidL1, SpidL2 or SpidL3");
  }
  const std::string asked =
      std::string(levelUri(c.requested_level)) + " with Comparison " + std::string(toString(c.comparison));
  if (!levelAcceptable(c.requested_level, c.comparison, *level)) {
    return Check::fail(*a.class_ref + " does not satisfy the request (" + asked + ")");
  }
  return Check::pass(*a.class_ref + " for " + asked);
}

Check attributesRule(const A& a, const R&, const C&) {
  if (a.attribute_statement_count == 0) return Check::notApplicable("no AttributeStatement");
  if (a.empty_attribute_statements > 0) return Check::fail("an AttributeStatement has no Attribute");
  std::set<std::string> seen;
  for (const auto& attr : a.attributes) {
    if (!attr.name || attr.name->empty()) return Check::fail("an Attribute has Name " + quoted(attr.name));
    if (!seen.insert(*attr.name).second)
      return Check::fail("Attribute " + *attr.name + " appears twice: which value counts would be a guess");
    if (attr.values.empty()) return Check::fail("Attribute " + *attr.name + " has no AttributeValue");
    // SPID and CIE attributes are single-valued: with two fiscal numbers, which citizen logged in?
    if (attr.values.size() > 1) {
      return Check::fail("Attribute " + *attr.name + " has " + std::to_string(attr.values.size()) +
                         " AttributeValues; SPID attributes have exactly one");
    }
    for (const Opt& v : attr.values) {
      if (!v) return Check::fail("a value of Attribute " + *attr.name + " holds markup, not plain text");
    }
  }
  return Check::pass(std::to_string(a.attributes.size()) + " attributes");
}

Check attributeSetRule(const A& a, const R&, const C& c) {
  if (!c.requested_attributes) return Check::notApplicable("the requested attribute set is not known");
  std::set<std::string> asked(c.requested_attributes->begin(), c.requested_attributes->end());
  std::set<std::string> got;
  for (const auto& attr : a.attributes) {
    if (attr.name) got.insert(*attr.name);
  }
  if (asked == got) return Check::pass("as requested");
  std::string missing, extra;
  for (const auto& n : asked) {
    if (!got.contains(n)) missing += (missing.empty() ? "" : ", ") + n;
  }
  for (const auto& n : got) {
    if (!asked.contains(n)) extra += (extra.empty() ? "" : ", ") + n;
  }
  std::string d = "differs from the request (reported, not refused: catalogue 103)";
  if (!missing.empty()) d += "; missing: " + missing;
  if (!extra.empty()) d += "; not requested: " + extra;
  return Check::pass(d);
}

Check replayRule(const R& r, const C& c) {
  if (c.replay == nullptr) return Check::notApplicable("no replay cache configured");
  if (!c.replay_seen) return Check::notApplicable("not checked");
  const std::string ids = "Response " + quoted(r.id) + ", Assertion " +
                          (r.assertion ? quoted(r.assertion->id) : std::string("absent"));
  switch (*c.replay_seen) {
    case ReplayCache::Seen::fresh:
      return Check::pass(ids + " not seen before");
    case ReplayCache::Seen::replayed:
      return Check::fail("replayed: an ID of this message (" + ids + ") was already accepted");
    case ReplayCache::Seen::full:
      return Check::fail("the replay cache is full of unexpired IDs (capacity " +
                         std::to_string(c.replay->capacity()) +
                         "): refusing the message rather than forgetting an ID that could be replayed");
  }
  return Check::fail("unknown replay state");
}

ResponsePolicy build() {
  ResponsePolicy p;
  p.add("response.signature",
        "A Response-level signature, when present, verifies with a pinned IdP certificate",
        responseSignatureRule);
  p.add("assertion.present",
        "A Success Response carries exactly one Assertion, as a child of the Response; no other Assertion "
        "anywhere, "
        "none encrypted",
        presentRule);
  p.add("assertion.signature",
        "The Assertion is signed (its own immediate-child Signature) and verifies with a pinned IdP "
        "certificate",
        assertionSignatureRule);
  p.add("response.version", "Response Version is \"2.0\"",
        [](const R& r, const C&) { return versionRule(r.version, "Response"); });
  p.add("response.id", "Response ID is present and a valid XML identifier",
        [](const R& r, const C&) { return idRule(r.id, "Response"); });
  p.add("response.issue_instant",
        "Response IssueInstant is a UTC xs:dateTime, not before the request and not in the future (allowing "
        "the skew)",
        [](const R& r, const C& c) { return instantRule(r.issue_instant, "Response", c); });
  p.add("response.in_response_to", "Response InResponseTo is the ID of the request pending for this session",
        [](const R& r, const C& c) { return inResponseToRule(r.in_response_to, "Response", c); });
  p.add("response.destination", "Response Destination is this ACS URL", [](const R& r, const C& c) {
    if (!r.destination || r.destination->empty())
      return Check::fail("Destination is " + quoted(r.destination));
    if (*r.destination != c.acs_url)
      return Check::fail("Destination \"" + *r.destination + "\" is not this ACS (\"" + c.acs_url + "\")");
    return Check::pass(*r.destination);
  });
  p.add("response.issuer", "One Response Issuer, the IdP's entityID, Format omitted or entity",
        [](const R& r, const C& c) { return issuerRule(r.issuer, "the Response", c, false); });
  p.add("response.status", "Status/StatusCode is Success (an error Response names its SPID ErrorCode)",
        statusRule);
  p.add("assertion.version", "Assertion Version is \"2.0\"",
        onAssertion([](const A& a, const R&, const C&) { return versionRule(a.version, "Assertion"); }));
  p.add("assertion.id", "Assertion ID is present and a valid XML identifier",
        onAssertion([](const A& a, const R&, const C&) { return idRule(a.id, "Assertion"); }));
  p.add("assertion.issue_instant",
        "Assertion IssueInstant is a UTC xs:dateTime, not before the request and not in the future (allowing "
        "the "
        "skew)",
        onAssertion(
            [](const A& a, const R&, const C& c) { return instantRule(a.issue_instant, "Assertion", c); }));
  p.add("assertion.issuer", "One Assertion Issuer, the IdP's entityID, with Format entity",
        onAssertion(
            [](const A& a, const R&, const C& c) { return issuerRule(a.issuer, "the Assertion", c, true); }));
  p.add("assertion.subject", "One Subject, not empty", onAssertion(subjectRule));
  p.add("assertion.name_id", "One NameID, plain text and not empty, Format transient, with a NameQualifier",
        onAssertion(nameIdRule));
  p.add("assertion.subject_confirmation",
        "One SubjectConfirmation with Method bearer and one SubjectConfirmationData",
        onAssertion(subjectConfirmationRule));
  p.add("assertion.recipient", "SubjectConfirmationData Recipient is this ACS URL",
        onAssertion(recipientRule));
  p.add("assertion.in_response_to",
        "SubjectConfirmationData InResponseTo is the ID of the request pending for this session",
        onAssertion(confirmationInResponseToRule));
  p.add("assertion.not_on_or_after",
        "SubjectConfirmationData NotOnOrAfter is a UTC xs:dateTime that has not passed (allowing the skew)",
        onAssertion(confirmationNotOnOrAfterRule));
  p.add("assertion.conditions",
        "One Conditions with NotBefore not in the future and NotOnOrAfter not passed (allowing the skew)",
        onAssertion(conditionsRule));
  p.add("assertion.audience", "Every AudienceRestriction names this SP's entityID as an Audience",
        onAssertion(audienceRule));
  p.add("assertion.authn_context",
        "One AuthnStatement with one AuthnContext holding one AuthnContextClassRef",
        onAssertion(authnContextRule));
  p.add("assertion.level",
        "AuthnContextClassRef is SpidL1, SpidL2 or SpidL3 and satisfies the requested level and Comparison",
        onAssertion(levelRule));
  p.add("assertion.attributes",
        "Each AttributeStatement has Attributes; each Attribute a Name (once) and plain-text AttributeValues",
        onAssertion(attributesRule));
  p.add("assertion.attribute_set",
        "The attributes returned are the set requested (a difference is reported, not refused)",
        onAssertion(attributeSetRule));
  p.add("response.replay", "Neither the Response ID nor the Assertion ID was accepted before", replayRule);
  return p;
}

}  // namespace

const ResponsePolicy& responsePolicy() {
  static const ResponsePolicy policy = build();
  return policy;
}

}  // namespace sportello::saml
