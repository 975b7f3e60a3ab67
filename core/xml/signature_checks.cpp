// Structural checks of an enveloped signature, before xmlsec sees it: each refusal with its precise rule.
#include "core/xml/signature_checks.hpp"

#include <libxml/valid.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "core/xml/internal.hpp"

namespace sportello::xml::detail {

namespace {

constexpr std::string_view kExcC14n = "http://www.w3.org/2001/10/xml-exc-c14n#";
constexpr std::string_view kEnveloped = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// What a refused algorithm URI is, for the message ("which algorithm", and why it is refused).
std::string namedAlgorithm(std::string_view uri) {
  const std::string l = lower(uri);
  std::string what;
  if (l.find("hmac") != std::string::npos) {
    what = "HMAC: a shared-secret MAC, never an IdP signature (key confusion)";
  } else if (l.find("md5") != std::string::npos) {
    what = "MD5: broken";
  } else if (l.find("sha1") != std::string::npos) {
    what = "SHA-1: collisions are practical";
  } else if (l.find("ecdsa") != std::string::npos) {
    what = "ECDSA: not enabled";
  } else if (l.find("dsa") != std::string::npos) {
    what = "DSA: not allowed";
  } else {
    what = "unknown or not allowed";
  }
  return "\"" + detail::printable(uri, 120) + "\" (" + what + ")";
}

std::string namedTransform(std::string_view uri) {
  static const std::map<std::string_view, std::string_view> known = {
      {"http://www.w3.org/TR/1999/REC-xpath-19991116", "XPath"},
      {"http://www.w3.org/2002/06/xmldsig-filter2", "XPath Filter 2.0"},
      {"http://www.w3.org/TR/1999/REC-xslt-19991116", "XSLT"},
      {"http://www.w3.org/2000/09/xmldsig#base64", "Base64"},
      {"http://www.w3.org/2001/10/xml-exc-c14n#WithComments", "exclusive c14n with comments"},
      {"http://www.w3.org/TR/2001/REC-xml-c14n-20010315", "inclusive c14n"},
      {"http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments", "inclusive c14n with comments"},
      {"http://www.w3.org/2006/12/xml-c14n11", "c14n 1.1"},
      {"http://www.w3.org/2006/12/xml-c14n11#WithComments", "c14n 1.1 with comments"},
      {"http://www.w3.org/2002/07/decrypt#XML", "decryption"},
  };
  auto it = known.find(uri);
  return "\"" + detail::printable(uri, 120) + "\" (" +
         std::string(it != known.end() ? it->second : "unknown") + ")";
}

// An exclusive-c14n Transform or CanonicalizationMethod may carry ec:InclusiveNamespaces, nothing else.
bool onlyInclusiveNamespaces(const xmlNode* n) {
  auto all = children(n);
  return std::all_of(all.begin(), all.end(),
                     [](xmlNodePtr c) { return is(c, kExcC14n, "InclusiveNamespaces"); });
}

xmlNodePtr findDescendant(const xmlNode* root, std::string_view ns, std::string_view local) {
  for (xmlNodePtr c : children(root)) {
    if (is(c, ns, local)) return c;
    if (xmlNodePtr d = findDescendant(c, ns, local)) return d;
  }
  return nullptr;
}

std::string attrValue(xmlAttrPtr a) {
  std::string v;
  for (xmlNodePtr c = a->children; c != nullptr; c = c->next) {
    if (c->type == XML_TEXT_NODE && c->content != nullptr) v += cstr(c->content);
  }
  return v;
}

}  // namespace

std::string at(const xmlNode* n) {
  return " (line " + std::to_string(xmlGetLineNo(n)) + ")";
}

std::string whose(const Certificate& c) {
  return "certificate " + c.subject() + " (SHA-256 " + c.sha256Fingerprint() + ")";
}

bool inPolicy(const xmlNode* element, const IdPolicy& ids) {
  return std::any_of(ids.elements.begin(), ids.elements.end(),
                     [&](const auto& e) { return is(element, e.first, e.second); });
}

// Every ID-like value in the document ("ID", "Id", xml:id, on any element) must be unique: libxml2 and
// xmlsec resolve "#x" to one element and silently ignore the others, which is what signature wrapping
// exploits. Then "ID" is registered on the policy's elements, and only there.
std::optional<SignError> registerIds(xmlDocPtr doc, const IdPolicy& ids) {
  std::map<std::string, xmlNodePtr> seen;
  std::vector<std::pair<xmlAttrPtr, std::string>> toRegister;
  std::vector<xmlNodePtr> stack;
  if (xmlNodePtr root = xmlDocGetRootElement(doc)) stack.push_back(root);
  while (!stack.empty()) {
    xmlNodePtr n = stack.back();
    stack.pop_back();
    for (xmlAttrPtr a = n->properties; a != nullptr; a = a->next) {
      const std::string_view name = cstr(a->name);
      const bool plain = a->ns == nullptr && (name == "ID" || name == "Id");
      const bool xmlId =
          a->ns != nullptr && a->ns->href != nullptr && cstr(a->ns->href) == kXmlNs && name == "id";
      if (!plain && !xmlId) continue;
      std::string v = attrValue(a);
      if (v.empty()) continue;
      auto [it, fresh] = seen.emplace(v, n);
      if (!fresh) {
        return sigError("sig.duplicate_id", "ID \"" + detail::printable(v) + "\" occurs on both " +
                                                describe(it->second) + at(it->second) + " and " +
                                                describe(n) + at(n) +
                                                ": with two candidates a reference could resolve to either");
      }
      if (a->ns == nullptr && name == "ID" && inPolicy(n, ids)) toRegister.emplace_back(a, std::move(v));
    }
    std::vector<xmlNodePtr> kids = children(n);
    for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
  }
  for (auto& [attr, value] : toRegister) {
    xmlAttrPtr existing = xmlGetID(doc, xstr(value));
    if (existing == attr) continue;  // registered by an earlier call
    if (existing != nullptr || xmlAddID(nullptr, doc, xstr(value), attr) == nullptr) {
      return sigError("sig.duplicate_id", "ID \"" + detail::printable(value) + "\" of " +
                                              describe(attr->parent) +
                                              " is already registered for another node");
    }
  }
  return std::nullopt;
}

// Checks 4 to 8 and the plain-text values, in the order of the contract in signature.hpp.
Result<SignatureParts, SignError> checkStructure(const xmlNode* element, const xmlNode* signature,
                                                 const std::string& what, const IdPolicy& ids) {
  // 4. references
  std::size_t count = 0;
  signatureOf(element, &count);
  if (count != 1) {
    return fail(sigError("sig.references",
                         what + " has " + std::to_string(count) + " ds:Signature children; one is allowed"));
  }
  if (xmlNodePtr o = findDescendant(signature, kDs, "Object")) {
    return fail(
        sigError("sig.references", "ds:Object" + at(o) + " in the signature of " + what + " is not allowed"));
  }
  if (xmlNodePtr m = findDescendant(signature, kDs, "Manifest")) {
    return fail(sigError("sig.references",
                         "ds:Manifest" + at(m) + " in the signature of " + what + " is not allowed"));
  }
  std::size_t nSignedInfo = 0, nValue = 0, nKeyInfo = 0;
  SignatureParts parts;
  for (xmlNodePtr c : children(signature)) {
    if (is(c, kDs, "SignedInfo")) {
      ++nSignedInfo;
      parts.signedInfo = c;
    } else if (is(c, kDs, "SignatureValue")) {
      ++nValue;
    } else if (is(c, kDs, "KeyInfo")) {
      ++nKeyInfo;
    } else {
      return fail(
          sigError("sig.references", "unexpected " + describe(c) + at(c) + " in the signature of " + what));
    }
  }
  if (nSignedInfo != 1 || nValue != 1 || nKeyInfo > 1) {
    return fail(sigError("sig.references",
                         "the signature of " + what + " has " + std::to_string(nSignedInfo) +
                             " ds:SignedInfo, " + std::to_string(nValue) + " ds:SignatureValue and " +
                             std::to_string(nKeyInfo) + " ds:KeyInfo (expected 1, 1, at most 1)"));
  }
  std::size_t nC14n = 0, nMethod = 0, nRef = 0;
  xmlNodePtr c14n = nullptr, method = nullptr;
  for (xmlNodePtr c : children(parts.signedInfo)) {
    if (is(c, kDs, "CanonicalizationMethod")) {
      ++nC14n;
      c14n = c;
    } else if (is(c, kDs, "SignatureMethod")) {
      ++nMethod;
      method = c;
    } else if (is(c, kDs, "Reference")) {
      ++nRef;
      parts.reference = c;
    } else {
      return fail(
          sigError("sig.references", "unexpected " + describe(c) + at(c) + " in ds:SignedInfo of " + what));
    }
  }
  if (nRef != 1) {
    return fail(sigError("sig.references", "ds:SignedInfo of " + what + " has " + std::to_string(nRef) +
                                               " ds:Reference elements; exactly one is allowed"));
  }
  if (nC14n != 1 || nMethod != 1) {
    return fail(sigError(
        "sig.references",
        "ds:SignedInfo of " + what + " needs exactly one CanonicalizationMethod and one SignatureMethod"));
  }
  std::size_t nTransforms = 0, nDigestMethod = 0, nDigestValue = 0;
  xmlNodePtr transforms = nullptr, digestMethod = nullptr, digestValue = nullptr;
  for (xmlNodePtr c : children(parts.reference)) {
    if (is(c, kDs, "Transforms")) {
      ++nTransforms;
      transforms = c;
    } else if (is(c, kDs, "DigestMethod")) {
      ++nDigestMethod;
      digestMethod = c;
    } else if (is(c, kDs, "DigestValue")) {
      ++nDigestValue;
      digestValue = c;
    } else {
      return fail(
          sigError("sig.references", "unexpected " + describe(c) + at(c) + " in ds:Reference of " + what));
    }
  }
  if (nTransforms > 1 || nDigestMethod != 1 || nDigestValue != 1) {
    return fail(sigError(
        "sig.references",
        "ds:Reference of " + what + " needs at most one Transforms, one DigestMethod and one DigestValue"));
  }

  // 5. reference_uri
  auto id = attribute(element, "ID");
  if (!inPolicy(element, ids)) {
    return fail(sigError("sig.reference_uri",
                         what + " is not an element whose ID attribute is registered (IdPolicy)"));
  }
  if (!id || id->empty())
    return fail(sigError("sig.reference_uri", what + " has no ID attribute to reference"));
  auto uri = attribute(parts.reference, "URI");
  const std::string expected = "#" + *id;
  if (!uri) {
    return fail(
        sigError("sig.reference_uri",
                 "ds:Reference of " + what + " has no URI (whole document); expected \"" + expected + "\""));
  }
  if (*uri != expected) {
    return fail(sigError("sig.reference_uri",
                         "ds:Reference URI=\"" + detail::printable(*uri) + "\" in the signature of " + what +
                             " does not name it; expected \"" + detail::printable(expected) + "\""));
  }
  xmlAttrPtr target = xmlGetID(element->doc, xstr(*id));
  if (target == nullptr || target->parent != element) {
    return fail(
        sigError("sig.reference_uri", "ID \"" + detail::printable(*id) + "\" does not resolve to " + what));
  }

  // 6. transform
  if (transforms != nullptr) {
    bool enveloped = false, exclusive = false;
    for (xmlNodePtr t : children(transforms)) {
      if (!is(t, kDs, "Transform")) {
        return fail(
            sigError("sig.transform", "unexpected " + describe(t) + at(t) + " in ds:Transforms of " + what));
      }
      const std::string alg = attribute(t, "Algorithm").value_or("");
      if (alg == kEnveloped && !enveloped && children(t).empty()) {
        enveloped = true;
      } else if (alg == kExcC14n && !exclusive && onlyInclusiveNamespaces(t)) {
        exclusive = true;
      } else {
        return fail(sigError("sig.transform",
                             "transform " + namedTransform(alg) + at(t) + " in the signature of " + what +
                                 " is not allowed (only enveloped-signature and exclusive c14n "
                                 "without comments, once each and without parameters)"));
      }
    }
  }

  // 7. algorithm
  const std::string sigAlg = attribute(method, "Algorithm").value_or("");
  if (!signatureAlgorithmFromUri(sigAlg)) {
    return fail(sigError("sig.algorithm", "SignatureMethod " + namedAlgorithm(sigAlg) +
                                              " in the signature of " + what +
                                              " is not allowed (RSA-SHA256/384/512 only)"));
  }
  if (!children(method).empty()) {
    return fail(sigError("sig.algorithm", "SignatureMethod in the signature of " + what + " has parameters"));
  }
  const std::string digestAlg = attribute(digestMethod, "Algorithm").value_or("");
  if (std::find(std::begin(kDigestUris), std::end(kDigestUris), digestAlg) == std::end(kDigestUris)) {
    return fail(sigError("sig.algorithm", "DigestMethod " + namedAlgorithm(digestAlg) +
                                              " in the signature of " + what +
                                              " is not allowed (SHA-256/384/512 only)"));
  }

  // 8. c14n
  const std::string c14nAlg = attribute(c14n, "Algorithm").value_or("");
  if (c14nAlg != kExcC14n || !onlyInclusiveNamespaces(c14n)) {
    return fail(sigError("sig.c14n", "CanonicalizationMethod " + namedTransform(c14nAlg) +
                                         " in the signature of " + what +
                                         " is not allowed (exclusive c14n without comments only)"));
  }

  // Values are plain base64 text. xmlsec would read "ab<!---->cd" as "abcd"; a reader of the first text
  // node only would not: refuse the ambiguity.
  for (xmlNodePtr v : {digestValue, child(signature, kDs, "SignatureValue")}) {
    if (!text(v)) {
      return fail(
          sigError("sig.invalid", describe(v) + at(v) + " in the signature of " + what +
                                      " contains markup (a comment or element), not just base64 text"));
    }
  }
  return parts;
}

}  // namespace sportello::xml::detail
