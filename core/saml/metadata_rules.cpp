#include "core/saml/metadata_rules.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <set>

namespace sportello::saml {

namespace {

using C = MetadataContext;
using M = SpMetadata;

constexpr std::string_view kAgidCertPolicy = "1.3.76.16.6";
constexpr std::string_view kPublicSpPolicy = "1.3.76.16.4.2.1";
constexpr std::string_view kPrivateSpPolicy = "1.3.76.16.4.3.1";
constexpr std::size_t kMaxEntityIdLength = 1024;  // SAML metadata, 2.3.2
constexpr const char* kRelaxed = "relaxed by the development profile: ";

// Values come from untrusted metadata and end up in logs and reports: one line, bounded.
std::string shown(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (out.size() >= 200) return out + "...";
    auto u = static_cast<unsigned char>(ch);
    out += (u < 0x20 || u == 0x7f) ? '?' : ch;
  }
  return out;
}

std::string quoted(const Opt& v) {
  return v ? "\"" + shown(*v) + "\"" : "absent";
}

std::string join(const std::vector<std::string>& parts, std::string_view sep = "; ") {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

bool present(const Opt& v) {
  return v && !v->empty();
}

// An absolute http(s) URL as metadata locations need it: scheme, "://", a non-empty authority, no
// whitespace or control characters anywhere.
struct Url {
  std::string_view scheme;
  std::string_view authority;
};
std::optional<Url> parseUrl(std::string_view u) {
  if (std::any_of(u.begin(), u.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c <= 0x20 || c == 0x7f;
      })) {
    return std::nullopt;
  }
  auto sep = u.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  Url url{u.substr(0, sep), {}};
  if (url.scheme != "https" && url.scheme != "http") return std::nullopt;
  auto rest = u.substr(sep + 3);
  url.authority = rest.substr(0, rest.find_first_of("/?#"));
  if (url.authority.empty()) return std::nullopt;
  return url;
}

bool hasExplicitPort(std::string_view authority) {
  auto close = authority.rfind(']');
  auto colon = authority.rfind(':');
  return colon != std::string_view::npos && (close == std::string_view::npos || colon > close);
}

bool isTrue(const Opt& v) {
  return v == "true" || v == "1";  // xs:boolean
}

bool hasExtension(const MdContact& c, std::string_view name) {
  return c.extensions.find(std::string(name)) != c.extensions.end();
}
Opt extension(const MdContact& c, std::string_view name) {
  auto it = c.extensions.find(std::string(name));
  return it == c.extensions.end() ? Opt{} : Opt{it->second};
}

std::string_view extensionNs(Profile p) {
  return p == Profile::cie ? ns::cie : ns::spid;
}

// The contacts whose extensions say who the SP is: SPID wants them on contactType="other"; CIE's
// documentation shows them on an "administrative" contact, so for CIE the namespace decides.
std::vector<const MdContact*> identifyingContacts(const M& m, Profile p) {
  std::vector<const MdContact*> out;
  for (const auto& c : m.contacts) {
    bool wanted = p == Profile::spid ? c.contact_type == "other" : c.extensions_ns == ns::cie;
    if (wanted) out.push_back(&c);
  }
  return out;
}

enum class Sector { unknown, public_sector, private_sector };

Sector sectorOf(const M& m, Profile p) {
  for (const MdContact* c : identifyingContacts(m, p)) {
    if (c->extensions_ns != extensionNs(p)) continue;
    bool pub = hasExtension(*c, "Public");
    bool priv = hasExtension(*c, "Private");
    if (pub != priv) return pub ? Sector::public_sector : Sector::private_sector;
  }
  return Sector::unknown;
}

// ---- Reading certificate properties (OpenSSL). Every function leaves the error queue empty. ----

std::optional<std::string> nameEntry(const X509_NAME* name, const ASN1_OBJECT* obj) {
  if (name == nullptr || obj == nullptr) return std::nullopt;
  int i = X509_NAME_get_index_by_OBJ(name, obj, -1);
  if (i < 0) return std::nullopt;
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  if (len < 0) {
    ERR_clear_error();
    return std::string("(unreadable)");
  }
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::optional<std::string> nameEntry(const X509_NAME* name, int nid) {
  return nameEntry(name, OBJ_nid2obj(nid));
}

// "certificate CN=... (SHA-256 AB:CD:...)": enough to tell certificates apart in one line.
std::string describe(const xml::Certificate& cert) {
  auto cn = nameEntry(X509_get_subject_name(cert.x509()), NID_commonName);
  return "certificate " + (cn ? "CN=" + shown(*cn) : cert.subject()) + " (SHA-256 " +
         cert.sha256Fingerprint().substr(0, 23) + "...)";
}

std::optional<std::string> nameEntry(const X509_NAME* name, const char* dottedOid) {
  ASN1_OBJECT* obj = OBJ_txt2obj(dottedOid, 1);
  if (obj == nullptr) {
    ERR_clear_error();
    return std::nullopt;
  }
  auto out = nameEntry(name, obj);
  ASN1_OBJECT_free(obj);
  return out;
}

std::vector<std::string> policyOids(X509* x) {
  std::vector<std::string> out;
  int critical = 0;
  auto* policies =
      static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(x, NID_certificate_policies, &critical, nullptr));
  if (policies == nullptr) {
    ERR_clear_error();
    return out;
  }
  for (int i = 0; i < sk_POLICYINFO_num(policies); ++i) {
    const POLICYINFO* info = sk_POLICYINFO_value(policies, i);
    char buf[128];
    int len = OBJ_obj2txt(buf, sizeof buf, info->policyid, 1);
    if (len > 0 && static_cast<std::size_t>(len) < sizeof buf) out.emplace_back(buf);
  }
  CERTIFICATEPOLICIES_free(policies);
  ERR_clear_error();
  return out;
}

// What keeps `cert` from the Avviso SPID n.29 v3 profile of an SP signing certificate.
std::vector<std::string> avviso29Problems(const xml::Certificate& cert, const M& m, Sector sector) {
  std::vector<std::string> problems;
  X509* x = cert.x509();

  int ku_index = X509_get_ext_by_NID(x, NID_key_usage, -1);
  if (ku_index < 0) {
    problems.push_back("no keyUsage extension");
  } else {
    std::uint32_t ku = X509_get_key_usage(x);
    std::vector<std::string> missing;
    if ((ku & KU_DIGITAL_SIGNATURE) == 0) missing.push_back("digitalSignature");
    if ((ku & KU_NON_REPUDIATION) == 0) missing.push_back("nonRepudiation");
    if (!missing.empty()) problems.push_back("keyUsage lacks " + join(missing, " and "));
    if (X509_EXTENSION_get_critical(X509_get_ext(x, ku_index)) != 1)
      problems.push_back("keyUsage is not critical");
  }

  auto oids = policyOids(x);
  auto has = [&](std::string_view oid) { return std::find(oids.begin(), oids.end(), oid) != oids.end(); };
  if (!has(kAgidCertPolicy))
    problems.push_back("certificatePolicies lacks " + std::string(kAgidCertPolicy) + " (agIDcert)");
  if (sector == Sector::public_sector && !has(kPublicSpPolicy)) {
    problems.push_back("certificatePolicies lacks " + std::string(kPublicSpPolicy) + " (public SP)");
  } else if (sector == Sector::private_sector && !has(kPrivateSpPolicy)) {
    problems.push_back("certificatePolicies lacks " + std::string(kPrivateSpPolicy) + " (private SP)");
  } else if (sector == Sector::unknown && !has(kPublicSpPolicy) && !has(kPrivateSpPolicy)) {
    problems.push_back("certificatePolicies has neither " + std::string(kPublicSpPolicy) + " nor " +
                       std::string(kPrivateSpPolicy));
  }

  const X509_NAME* subject = X509_get_subject_name(x);
  auto orgId = nameEntry(subject, NID_organizationIdentifier);
  Opt ipaCode;
  for (const MdContact* c : identifyingContacts(m, Profile::spid)) {
    if (!ipaCode) ipaCode = extension(*c, "IPACode");
  }
  if (!orgId) {
    problems.push_back("subject has no organizationIdentifier (2.5.4.97)");
  } else if (sector == Sector::public_sector || (sector == Sector::unknown && orgId->starts_with("PA:IT-"))) {
    if (present(ipaCode) && *orgId != "PA:IT-" + *ipaCode) {
      problems.push_back("subject organizationIdentifier \"" + shown(*orgId) + "\" is not \"PA:IT-" +
                         shown(*ipaCode) + "\" (the spid:IPACode)");
    } else if (!orgId->starts_with("PA:IT-")) {
      problems.push_back("subject organizationIdentifier \"" + shown(*orgId) + "\" is not PA:IT-<IPA code>");
    }
  } else if (!orgId->starts_with("VATIT-") && !orgId->starts_with("CF:IT-")) {
    problems.push_back("subject organizationIdentifier \"" + shown(*orgId) +
                       "\" is neither VATIT-<partita IVA> nor CF:IT-<codice fiscale>");
  }
  auto uri = nameEntry(subject, "2.5.4.83");
  if (!uri) {
    problems.push_back("subject has no uri (2.5.4.83)");
  } else if (uri != m.entity_id) {
    problems.push_back("subject uri (2.5.4.83) \"" + shown(*uri) + "\" differs from the entityID");
  }
  std::vector<std::string> lacking;
  for (auto [nid, label] : {std::pair{NID_commonName, "CN"}, std::pair{NID_countryName, "C"},
                            std::pair{NID_localityName, "L"}, std::pair{NID_organizationName, "O"}}) {
    if (!nameEntry(subject, nid)) lacking.emplace_back(label);
  }
  if (!lacking.empty()) problems.push_back("subject lacks " + join(lacking, ", "));
  std::vector<std::string> personal;
  for (auto [nid, label] :
       {std::pair{NID_givenName, "givenName"}, std::pair{NID_surname, "surname"},
        std::pair{NID_initials, "initials"}, std::pair{NID_pkcs9_emailAddress, "emailAddress"}}) {
    if (nameEntry(subject, nid)) personal.emplace_back(label);
  }
  if (!personal.empty())
    problems.push_back("subject carries personal data (" + join(personal, ", ") +
                       "), which Avviso 29 forbids");
  return problems;
}

// ---- Rule bodies that need more than a few lines ----

Check entityIdRule(const M& m, const C& c) {
  if (!m.entity_id) return Check::fail("entityID is absent");
  const std::string& id = *m.entity_id;
  if (id.empty()) return Check::fail("entityID is empty");
  if (id.size() > kMaxEntityIdLength)
    return Check::fail("entityID is " + std::to_string(id.size()) + " characters long (at most 1024)");
  auto url = parseUrl(id);
  if (!url) return Check::fail("entityID \"" + shown(id) + "\" is not an absolute https URL");
  if (url->scheme == "https") return Check::pass(id);
  if (c.development)
    return Check::notApplicable(kRelaxed + shown(id) + " would fail in production (https required)");
  return Check::fail("entityID \"" + shown(id) + "\" must be an https URL");
}

Check signatureRule(const M& m, const C& c) {
  if (m.signature_count == 0) return Check::fail("the EntityDescriptor is not signed");
  if (m.signature_count > 1) {
    return Check::fail("the EntityDescriptor has " + std::to_string(m.signature_count) +
                       " ds:Signature children, expected one");
  }
  if (!c.signature_valid) {
    return Check::fail("the signature was not verified" +
                       (c.signature_detail.empty() ? std::string() : ": " + c.signature_detail));
  }
  if (!*c.signature_valid)
    return Check::fail(c.signature_detail.empty() ? "the signature does not verify" : c.signature_detail);
  return Check::pass(c.signature_detail);
}

Check signingKeyRule(const M& m, const C& c) {
  std::vector<std::string> problems;
  for (const auto& e : m.certificate_errors) problems.push_back("unreadable signing certificate: " + e);
  if (m.signing_certificates.empty()) {
    problems.insert(problems.begin(), "no signing certificate (KeyDescriptor use=\"signing\")");
    return Check::fail(join(problems));
  }
  const int min_bits = c.profile == Profile::cie ? 1024 : 2048;
  const char* who = c.profile == Profile::cie ? "CIE" : "SPID";
  std::vector<std::string> seen;
  for (const auto& cert : m.signing_certificates) {
    EVP_PKEY* pk = cert.publicKey();
    if (pk == nullptr) {
      problems.push_back(describe(cert) + ": no readable public key");
      continue;
    }
    if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
      problems.push_back(describe(cert) + ": the key is " +
                         std::string(OBJ_nid2sn(EVP_PKEY_get_base_id(pk))) + ", " + who + " requires RSA");
      continue;
    }
    const int bits = EVP_PKEY_get_bits(pk);
    if (bits < min_bits) {
      problems.push_back(describe(cert) + ": RSA " + std::to_string(bits) + " bits, " + who +
                         " requires at least " + std::to_string(min_bits));
    }
    int md = NID_undef;
    if (X509_get_signature_info(cert.x509(), &md, nullptr, nullptr, nullptr) == 1 &&
        (md == NID_sha1 || md == NID_md5 || md == NID_md5_sha1)) {
      problems.push_back(describe(cert) + ": signed with " + std::string(OBJ_nid2sn(md)) +
                         ", SHA-256 or stronger required");
    }
    ERR_clear_error();
    seen.push_back("RSA " + std::to_string(bits) + " " + describe(cert));
  }
  if (!problems.empty()) return Check::fail(join(problems));
  return Check::pass(join(seen));
}

Check certificateProfileRule(const M& m, const C& c) {
  if (c.profile == Profile::cie)
    return Check::notApplicable("CIE accepts self-signed certificates without the Avviso 29 profile");
  if (m.signing_certificates.empty())
    return Check::notApplicable("no readable signing certificate (see md.signing_key)");
  const Sector sector = sectorOf(m, c.profile);
  std::vector<std::string> problems;
  for (const auto& cert : m.signing_certificates) {
    auto p = avviso29Problems(cert, m, sector);
    if (!p.empty()) problems.push_back(describe(cert) + ": " + join(p, ", "));
  }
  if (problems.empty())
    return Check::pass("keyUsage, certificatePolicies and subject as Avviso SPID n.29 v3 requires");
  if (c.development)
    return Check::notApplicable(kRelaxed + std::string("would fail in production: ") + join(problems));
  return Check::fail(join(problems));
}

Check singleLogoutRule(const M& m, const C& c) {
  const auto& list = m.single_logout_services;
  if (list.empty()) return Check::fail("no SingleLogoutService");
  std::vector<std::string> problems, production;
  for (const auto& e : list) {
    if (e.binding != binding::redirect && e.binding != binding::post && e.binding != binding::soap) {
      problems.push_back("SingleLogoutService Binding \"" + shown(e.binding) +
                         "\" is not HTTP-Redirect, HTTP-POST or SOAP");
    }
    auto url = parseUrl(e.location);
    if (!url) {
      problems.push_back("SingleLogoutService Location \"" + shown(e.location) + "\" is not an absolute URL");
    } else if (url->scheme != "https") {
      production.push_back(shown(e.location));
    }
  }
  if (!problems.empty()) return Check::fail(join(problems));
  if (!production.empty()) {
    if (c.development)
      return Check::notApplicable(kRelaxed + join(production, ", ") + " would fail in production (https)");
    return Check::fail(join(production, ", ") + " must be https");
  }
  return Check::pass(std::to_string(list.size()) + " SingleLogoutService");
}

Check acsRule(const M& m, const C& c) {
  const auto& list = m.assertion_consumer_services;
  if (list.empty()) return Check::fail("no AssertionConsumerService");
  std::vector<std::string> problems, production;
  std::set<int> indexes;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const MdEndpoint& e = list[i];
    const std::string label = "AssertionConsumerService " +
                              (e.index ? "index " + std::to_string(*e.index) : "#" + std::to_string(i + 1));
    if (!e.index) {
      problems.push_back(label + (e.index_text ? " has index \"" + shown(*e.index_text) + "\", not a number"
                                               : " has no index"));
    } else if (!indexes.insert(*e.index).second) {
      problems.push_back("index " + std::to_string(*e.index) + " is used twice");
    }
    if (e.binding != binding::post)
      problems.push_back(label + " Binding \"" + shown(e.binding) + "\" is not HTTP-POST");
    auto url = parseUrl(e.location);
    if (!url) {
      problems.push_back(label + " Location \"" + shown(e.location) + "\" is not an absolute URL");
    } else if (url->scheme != "https" || hasExplicitPort(url->authority)) {
      production.push_back(shown(e.location));
    }
    if (isTrue(e.is_default) && e.index != 0)
      problems.push_back(label + " has isDefault=\"true\": only index 0 may be the default");
  }
  const MdEndpoint* zero = m.acsByIndex(0);
  if (zero == nullptr) {
    problems.emplace_back("no AssertionConsumerService with index=\"0\"");
  } else if (zero->is_default != "true") {
    problems.push_back("index 0 has isDefault " + quoted(zero->is_default) + ", must be \"true\"");
  }
  if (!problems.empty() || zero == nullptr) return Check::fail(join(problems));
  if (!production.empty()) {
    if (c.development) {
      return Check::notApplicable(kRelaxed + join(production, ", ") +
                                  " would fail in production (https, no port)");
    }
    return Check::fail(join(production, ", ") + " must be https without an explicit port");
  }
  return Check::pass(std::to_string(list.size()) + " AssertionConsumerService, default " + zero->location);
}

Check attributeServicesRule(const M& m, const C& c) {
  const auto& list = m.attribute_services;
  if (list.empty()) return Check::fail("no AttributeConsumingService");
  std::vector<std::string> problems;
  std::set<int> indexes;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const MdAttributeService& s = list[i];
    const std::string label = "AttributeConsumingService " +
                              (s.index ? "index " + std::to_string(*s.index) : "#" + std::to_string(i + 1));
    if (!s.index) {
      problems.push_back(label + (s.index_text ? " has index \"" + shown(*s.index_text) + "\", not a number"
                                               : " has no index"));
    } else if (!indexes.insert(*s.index).second) {
      problems.push_back("index " + std::to_string(*s.index) + " is used twice");
    }
    if (std::none_of(s.service_names.begin(), s.service_names.end(),
                     [](const std::string& n) { return !n.empty(); })) {
      problems.push_back(label + " has no ServiceName");
    }
    if (s.requested.empty()) problems.push_back(label + " requests no attribute");
    std::vector<std::string> unknown;
    std::set<std::string> names;
    for (const auto& name : s.requested) {
      bool known = c.profile == Profile::cie
                       ? std::find(kCieAttributes.begin(), kCieAttributes.end(), name) != kCieAttributes.end()
                       : isSpidAttribute(name);
      if (!known) unknown.push_back("\"" + shown(name) + "\"");
      if (!names.insert(name).second) problems.push_back(label + " requests " + shown(name) + " twice");
    }
    if (!unknown.empty()) {
      problems.push_back(label + " requests " + join(unknown, ", ") +
                         (c.profile == Profile::cie
                              ? ", outside the CIE set (name, familyName, dateOfBirth, fiscalNumber)"
                              : ", not SPID attributes"));
    }
  }
  if (!problems.empty()) return Check::fail(join(problems));
  return Check::pass(std::to_string(list.size()) + " AttributeConsumingService");
}

Check organizationRule(const M& m, const C&) {
  std::vector<std::string> missing;
  if (!present(m.organization_name)) missing.emplace_back("OrganizationName");
  if (!present(m.organization_display_name)) missing.emplace_back("OrganizationDisplayName");
  if (!present(m.organization_url)) missing.emplace_back("OrganizationURL");
  if (!missing.empty()) return Check::fail("Organization lacks " + join(missing, ", "));
  if (!parseUrl(*m.organization_url))
    return Check::fail("OrganizationURL " + quoted(m.organization_url) + " is not an absolute URL");
  return Check::pass(*m.organization_name);
}

bool plausibleEmail(std::string_view e) {
  auto at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         e.find('@', at + 1) == std::string_view::npos &&
         std::none_of(e.begin(), e.end(), [](char ch) { return static_cast<unsigned char>(ch) <= 0x20; });
}

bool allOf(std::string_view s, std::size_t from, bool (*pred)(char)) {
  return s.size() > from && std::all_of(s.begin() + static_cast<std::ptrdiff_t>(from), s.end(), pred);
}
bool isDigit(char ch) {
  return ch >= '0' && ch <= '9';
}
bool isUpper(char ch) {
  return ch >= 'A' && ch <= 'Z';
}

// What is wrong with one identifying contact (prefix-free; the caller names the contact).
std::vector<std::string> contactProblems(const MdContact& contact, Profile p) {
  std::vector<std::string> problems;
  const std::string pfx = p == Profile::cie ? "cie:" : "spid:";
  if (contact.extensions.empty()) {
    problems.emplace_back("no md:Extensions");
  } else if (contact.extensions_ns != extensionNs(p)) {
    problems.push_back("md:Extensions in namespace \"" + shown(contact.extensions_ns) + "\", must be " +
                       std::string(extensionNs(p)));
  } else {
    bool pub = hasExtension(contact, "Public");
    bool priv = hasExtension(contact, "Private");
    if (pub && priv) problems.push_back("both " + pfx + "Public and " + pfx + "Private");
    if (!pub && !priv) problems.push_back("neither " + pfx + "Public nor " + pfx + "Private");
    if (pub && !present(extension(contact, "IPACode")))
      problems.push_back("a public SP needs " + pfx + "IPACode");
    if (priv && !present(extension(contact, "VATNumber")) && !present(extension(contact, "FiscalCode")))
      problems.push_back("a private SP needs " + pfx + "VATNumber or " + pfx + "FiscalCode");
    if (p == Profile::spid && priv && !present(contact.telephone))
      problems.emplace_back("a private SP needs a TelephoneNumber");
    if (p == Profile::cie) {
      // The CIE documents list these without saying which are mandatory: checked when present.
      if (auto v = extension(contact, "Municipality");
          v && !(v->size() == 4 && isUpper((*v)[0]) && allOf(*v, 1, isDigit))) {
        problems.push_back("cie:Municipality " + quoted(v) + " is not a cadastral code (H501)");
      }
      if (auto v = extension(contact, "Country"); v && !(v->size() == 2 && allOf(*v, 0, isUpper)))
        problems.push_back("cie:Country " + quoted(v) + " is not an ISO 3166 two-letter code");
      if (auto v = extension(contact, "NACE2Code");
          v && !allOf(*v, 0, [](char ch) { return isDigit(ch) || ch == '.'; })) {
        problems.push_back("cie:NACE2Code " + quoted(v) + " is not a NACE code (62.01)");
      }
      if (auto v = extension(contact, "IPACategory"); v && v->empty())
        problems.emplace_back("cie:IPACategory is empty");
    }
  }
  if (!present(contact.email)) {
    problems.emplace_back("no EmailAddress");
  } else if (!plausibleEmail(*contact.email)) {
    problems.push_back("EmailAddress " + quoted(contact.email) + " is not an e-mail address");
  }
  if (p == Profile::spid && contact.telephone &&
      !(contact.telephone->starts_with("+39") && allOf(*contact.telephone, 3, isDigit))) {
    problems.push_back("TelephoneNumber " + quoted(contact.telephone) +
                       " must be +39 followed by digits, no spaces");
  }
  return problems;
}

Check contactPersonRule(const M& m, const C& c) {
  auto contacts = identifyingContacts(m, c.profile);
  if (contacts.empty()) {
    std::vector<std::string> found;
    for (const auto& contact : m.contacts) found.push_back(quoted(contact.contact_type));
    std::string seen = found.empty() ? "no ContactPerson" : "ContactPerson contactType " + join(found, ", ");
    if (c.profile == Profile::cie) {
      return Check::fail("no ContactPerson with md:Extensions in " + std::string(ns::cie) + " (found " +
                         seen + ")");
    }
    return Check::fail("no ContactPerson contactType=\"other\" (found " + seen + ")");
  }
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    auto p = contactProblems(*contacts[i], c.profile);
    if (p.empty()) continue;
    std::string who = contacts.size() > 1 ? "ContactPerson #" + std::to_string(i + 1) + ": " : "";
    problems.push_back(who + join(p, ", "));
  }
  if (!problems.empty()) return Check::fail(join(problems));
  const MdContact& first = *contacts.front();
  bool pub = hasExtension(first, "Public");
  return Check::pass(
      std::string(pub ? "public SP " : "private SP ") +
      shown(pub ? extension(first, "IPACode").value_or("")
                : extension(first, "VATNumber").value_or(extension(first, "FiscalCode").value_or(""))));
}

// Rules about the SPSSODescriptor's content say nothing useful when there is not exactly one
// (md.sp_descriptor says that): they report not_applicable instead of a cascade of failures.
MetadataPolicy::Fn inDescriptor(MetadataPolicy::Fn fn) {
  return [fn = std::move(fn)](const M& m, const C& c) {
    if (m.sp_descriptor_count != 1)
      return Check::notApplicable("no single SPSSODescriptor (see md.sp_descriptor)");
    return fn(m, c);
  };
}

MetadataPolicy build() {
  MetadataPolicy p;
  p.add("md.entity_id", "entityID is present and an absolute https URL (http only in development)",
        entityIdRule);
  p.add("md.signature", "The EntityDescriptor carries one ds:Signature, and it verifies", signatureRule);
  p.add(
      "md.sp_descriptor", "Exactly one SPSSODescriptor, supporting the SAML 2.0 protocol",
      [](const M& m, const C&) {
        if (m.sp_descriptor_count != 1) {
          return Check::fail("expected one SPSSODescriptor, found " + std::to_string(m.sp_descriptor_count));
        }
        if (!m.protocol_support) return Check::fail("protocolSupportEnumeration is absent");
        std::string_view tokens = *m.protocol_support;
        while (!tokens.empty()) {
          auto start = tokens.find_first_not_of(" \t\r\n");
          if (start == std::string_view::npos) break;
          tokens.remove_prefix(start);
          auto end = tokens.find_first_of(" \t\r\n");
          if (tokens.substr(0, end) == ns::protocol) return Check::pass();
          tokens.remove_prefix(end == std::string_view::npos ? tokens.size() : end);
        }
        return Check::fail("protocolSupportEnumeration " + quoted(m.protocol_support) + " lacks " +
                           std::string(ns::protocol));
      });
  p.add("md.authn_requests_signed", "AuthnRequestsSigned=\"true\"", inDescriptor([](const M& m, const C&) {
          if (m.authn_requests_signed == "true") return Check::pass();
          return Check::fail("AuthnRequestsSigned is " + quoted(m.authn_requests_signed) +
                             ", must be \"true\"");
        }));
  p.add("md.signing_key",
        "At least one readable signing certificate with an RSA key (SPID >= 2048 bits, CIE >= 1024), not "
        "signed with SHA-1",
        inDescriptor(signingKeyRule));
  p.add(
      "md.certificate_profile",
      "SPID signing certificates follow Avviso 29: keyUsage, certificatePolicies, subject (production only)",
      inDescriptor(certificateProfileRule));
  p.add("md.name_id_format", "NameIDFormat transient is listed", inDescriptor([](const M& m, const C&) {
          const auto& f = m.name_id_formats;
          if (std::find(f.begin(), f.end(), nameid::transient) != f.end()) return Check::pass();
          if (f.empty()) return Check::fail("no NameIDFormat; transient is required");
          std::vector<std::string> seen;
          for (const auto& s : f) seen.push_back("\"" + shown(s) + "\"");
          return Check::fail("NameIDFormat transient is not listed (found " + join(seen, ", ") + ")");
        }));
  p.add("md.single_logout", "At least one SingleLogoutService with a SAML binding and an https Location",
        inDescriptor(singleLogoutRule));
  p.add("md.acs",
        "AssertionConsumerService entries with unique indexes, HTTP-POST, exactly one index=\"0\" "
        "isDefault=\"true\", https without a port (production)",
        inDescriptor(acsRule));
  p.add("md.attribute_services",
        "AttributeConsumingService entries with unique indexes, a ServiceName and known RequestedAttribute "
        "names",
        inDescriptor(attributeServicesRule));
  p.add("md.organization", "Organization with OrganizationName, OrganizationDisplayName and OrganizationURL",
        organizationRule);
  p.add("md.contact_person",
        "The contact that identifies the SP: SPID ContactPerson contactType=\"other\" with spid: extensions, "
        "or CIE extensions",
        contactPersonRule);
  return p;
}

}  // namespace

const MetadataPolicy& spMetadataPolicy() {
  static const MetadataPolicy policy = build();
  return policy;
}

}  // namespace sportello::saml
