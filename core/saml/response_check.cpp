// checkResponse(): parse, verify, establish the facts, run the policy, and only then read the identity,
// from the node the Assertion's signature covers.
#include "core/saml/response_rules.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace sportello::saml {

namespace {

constexpr std::string_view kXmlRule = "response.xml";
constexpr std::string_view kXmlDescription =
    "The message is well-formed XML without DOCTYPE, entities or processing instructions, rooted in "
    "samlp:Response";

// The pinned certificates in the order to try them: the one the message's KeyInfo carries first (saves an RSA
// verification per extra certificate when an IdP publishes several). KeyInfo only orders; it never verifies.
std::vector<const xml::Certificate*> tryOrder(const xmlNode* signature,
                                              const std::vector<xml::Certificate>& certs) {
  std::vector<const xml::Certificate*> order;
  for (const auto& c : certs) order.push_back(&c);
  if (certs.size() < 2) return order;
  const xmlNode* keyInfo = xml::child(signature, ns::dsig, "KeyInfo");
  const xmlNode* data = keyInfo != nullptr ? xml::child(keyInfo, ns::dsig, "X509Data") : nullptr;
  const xmlNode* cert = data != nullptr ? xml::child(data, ns::dsig, "X509Certificate") : nullptr;
  auto text = xml::text(cert);
  if (!text) return order;
  std::string carried;
  for (char ch : *text) {
    if (!std::isspace(static_cast<unsigned char>(ch))) carried.push_back(ch);
  }
  std::stable_partition(order.begin(), order.end(),
                        [&](const xml::Certificate* c) { return c->base64Der() == carried; });
  return order;
}

SignatureFact verifyElement(xml::Document& doc, xmlNodePtr element,
                            const std::vector<xml::Certificate>& certs, const std::string& what,
                            xml::Verified* covered) {
  SignatureFact f;
  xmlNodePtr signature = xml::signatureOf(element, &f.count);
  if (f.count == 0) {
    f.detail = "sig.missing: " + what + " is not signed";
    return f;
  }
  if (certs.empty()) {
    f.detail = "sig.invalid: no pinned IdP certificate to verify " + what + " with";
    return f;
  }
  std::optional<xml::SignError> first;
  std::size_t tried = 0;
  for (const xml::Certificate* cert : tryOrder(signature, certs)) {
    ++tried;
    auto v = xml::verify(doc, element, signature, *cert);
    if (v) {
      f.valid = true;
      f.detail = what + " verified with the pinned certificate " + cert->subject() + " (SHA-256 " +
                 cert->sha256Fingerprint() + "), " + std::string(xml::uri(v->algorithm));
      if (covered != nullptr) *covered = *v;
      return f;
    }
    if (!first) first = v.error();
    // Structural refusals do not depend on the certificate: trying the others would say the same.
    if (v.error().rule != "sig.invalid") break;
  }
  f.detail = first->rule + ": " + first->message;
  if (tried > 1) f.detail += " (none of the " + std::to_string(tried) + " pinned certificates verifies it)";
  return f;
}

std::vector<std::string> replayIds(const SamlResponse& r) {
  std::vector<std::string> ids;
  if (r.id && !r.id->empty()) ids.push_back(*r.id);
  if (r.assertion && r.assertion->id && !r.assertion->id->empty()) ids.push_back(*r.assertion->id);
  return ids;
}

TimePoint timeOr(const Opt& v, TimePoint fallback) {
  if (!v) return fallback;
  auto t = parseDateTime(*v);
  return t ? *t : fallback;
}

}  // namespace

AcsOutcome checkResponse(std::string_view response_xml, const ResponseContext& context,
                         const std::vector<xml::Certificate>& idp_certs) {
  AcsOutcome out;
  auto refuse = [&](const xml::Error& e) {
    out.report.verdicts.push_back(
        {std::string(kXmlRule), std::string(kXmlDescription), Outcome::fail, e.rule + ": " + e.message});
    return out;
  };
  auto doc = xml::Document::parse(response_xml);
  if (!doc) return refuse(doc.error());
  auto view = readResponse(*doc);
  if (!view) return refuse(view.error());
  if (view->status.code && *view->status.code != status::success) {
    out.spid_error = spidErrorCode(view->status.message).value_or(0);
  }

  ResponseContext ctx = context;
  xmlNodePtr root = doc->root();
  ctx.response_signature = verifyElement(*doc, root, idp_certs, "the Response", nullptr);
  ctx.assertion_signature = {};
  std::optional<xml::Verified> covered;
  if (view->assertion_count == 1 && view->assertion_total == 1 && view->encrypted_assertion_count == 0) {
    xml::Verified v;
    ctx.assertion_signature =
        verifyElement(*doc, xml::child(root, ns::assertion, "Assertion"), idp_certs, "the Assertion", &v);
    if (ctx.assertion_signature.valid) covered = v;
  } else if (view->assertion_total > 0 || view->encrypted_assertion_count > 0) {
    ctx.assertion_signature.detail =
        "not verified: the document holds " + std::to_string(view->assertion_total) +
        " saml:Assertion elements (" + std::to_string(view->assertion_count) +
        " of them children of the Response) and " + std::to_string(view->encrypted_assertion_count) +
        " EncryptedAssertion; exactly one Assertion, a child of the Response, is allowed";
  }

  const std::vector<std::string> ids = replayIds(*view);
  ctx.replay_seen.reset();
  if (ctx.replay != nullptr) ctx.replay_seen = ctx.replay->check(ids, ctx.now);

  out.report.verdicts.push_back({std::string(kXmlRule), std::string(kXmlDescription), Outcome::pass, ""});
  Report rules = responsePolicy().evaluate(*view, ctx);
  std::move(rules.verdicts.begin(), rules.verdicts.end(), std::back_inserter(out.report.verdicts));

  bool ok = out.report.ok() && covered && covered->element != nullptr;
  if (!ok) return out;

  // From here on, only the node the Assertion's signature covers.
  const AssertionView a = readAssertion(covered->element);
  const TimePoint confirmationEnd = timeOr(a.confirmation_not_on_or_after, ctx.now);
  const TimePoint conditionsEnd = timeOr(a.not_on_or_after, ctx.now);
  if (ctx.replay != nullptr) {
    auto seen = ctx.replay->remember(ids, std::max(confirmationEnd, conditionsEnd) + ctx.skew, ctx.now);
    if (seen != ReplayCache::Seen::fresh) {
      ctx.replay_seen = seen;
      for (auto& v : out.report.verdicts) {
        if (v.rule != "response.replay") continue;
        v.outcome = Outcome::fail;
        v.detail =
            seen == ReplayCache::Seen::full
                ? "the replay cache filled up meanwhile: refusing the message rather than forgetting an ID"
                : "replayed: another delivery of this message was accepted meanwhile";
      }
      return out;
    }
  }
  auto& id = out.identity;
  id.name_id = a.name_id.value_or("");
  id.name_qualifier = a.name_id_qualifier.value_or("");
  id.session_index = a.session_index.value_or("");
  id.issuer = a.issuer.value.value_or("");
  id.assertion_id = a.id.value_or("");
  id.response_id = view->id.value_or("");
  id.level = levelFromUri(a.class_ref.value_or("")).value_or(Level::L1);
  id.not_on_or_after = std::min(confirmationEnd, conditionsEnd);
  for (const auto& attr : a.attributes) {
    for (const Opt& v : attr.values) id.attributes.emplace_back(attr.name.value_or(""), v.value_or(""));
  }
  out.accepted = true;
  return out;
}

}  // namespace sportello::saml
