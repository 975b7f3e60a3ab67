// The SAML 2.0 and SPID/CIE vocabulary Sportello speaks: namespaces, bindings, formats, statuses,
// levels. One place, so that every builder, reader and rule spells them the same way.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sportello::saml {

// An attribute or text as found: nullopt when absent, "" when present but empty.
using Opt = std::optional<std::string>;

namespace ns {
inline constexpr std::string_view protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
inline constexpr std::string_view assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
inline constexpr std::string_view metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
inline constexpr std::string_view dsig = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr std::string_view xsi = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr std::string_view xs = "http://www.w3.org/2001/XMLSchema";
inline constexpr std::string_view spid = "https://spid.gov.it/saml-extensions";
inline constexpr std::string_view cie = "https://www.cartaidentita.interno.gov.it/saml-extensions";
}  // namespace ns

namespace binding {
inline constexpr std::string_view redirect = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
inline constexpr std::string_view post = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
inline constexpr std::string_view soap = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP";
}  // namespace binding

namespace nameid {
inline constexpr std::string_view transient = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient";
inline constexpr std::string_view entity = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity";
}  // namespace nameid

namespace status {
inline constexpr std::string_view success = "urn:oasis:names:tc:SAML:2.0:status:Success";
inline constexpr std::string_view requester = "urn:oasis:names:tc:SAML:2.0:status:Requester";
inline constexpr std::string_view responder = "urn:oasis:names:tc:SAML:2.0:status:Responder";
inline constexpr std::string_view version_mismatch = "urn:oasis:names:tc:SAML:2.0:status:VersionMismatch";
inline constexpr std::string_view authn_failed = "urn:oasis:names:tc:SAML:2.0:status:AuthnFailed";
inline constexpr std::string_view request_denied = "urn:oasis:names:tc:SAML:2.0:status:RequestDenied";
inline constexpr std::string_view partial_logout = "urn:oasis:names:tc:SAML:2.0:status:PartialLogout";
}  // namespace status

inline constexpr std::string_view kBearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
inline constexpr std::string_view kAttrNameFormatBasic = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic";

// SPID authentication levels, also used by CIE.
enum class Level { L1 = 1, L2 = 2, L3 = 3 };
std::string_view levelUri(Level l);  // "https://www.spid.gov.it/SpidL2"
// Only the three exact URIs; the legacy "urn:oasis:...:SpidL1" form is refused (catalogue test 97).
std::optional<Level> levelFromUri(std::string_view uri);

enum class Comparison { exact, minimum, better, maximum };
std::optional<Comparison> comparisonFromString(std::string_view s);
std::string_view toString(Comparison c);

// SPID level rule: may an SP that requested `requested` with `cmp` accept `returned`?
// Higher: yes. Equal: yes unless `better`. Lower: only with `maximum`.
bool levelAcceptable(Level requested, Comparison cmp, Level returned);

enum class Profile { spid, cie };
std::string_view toString(Profile p);

// The SPID attribute names (NameFormat basic), in the order of the technical rules.
inline constexpr std::array<std::string_view, 24> kSpidAttributes = {"spidCode",
                                                                     "name",
                                                                     "familyName",
                                                                     "placeOfBirth",
                                                                     "countyOfBirth",
                                                                     "dateOfBirth",
                                                                     "gender",
                                                                     "companyName",
                                                                     "registeredOffice",
                                                                     "fiscalNumber",
                                                                     "ivaCode",
                                                                     "idCard",
                                                                     "mobilePhone",
                                                                     "email",
                                                                     "address",
                                                                     "digitalAddress",
                                                                     "expirationDate",
                                                                     "domicileStreetAddress",
                                                                     "domicilePostalCode",
                                                                     "domicileMunicipality",
                                                                     "domicileProvince",
                                                                     "domicileNation",
                                                                     "companyFiscalNumber",
                                                                     "qualification"};
bool isSpidAttribute(std::string_view name);
// The eIDAS minimum set that CIE releases.
inline constexpr std::array<std::string_view, 4> kCieAttributes = {"name", "familyName", "dateOfBirth",
                                                                   "fiscalNumber"};

// The Italian label of a SPID attribute for pages ("fiscalNumber" -> "Codice fiscale"); the name itself
// when unknown.
std::string_view attributeLabel(std::string_view name);

}  // namespace sportello::saml
