#include "core/saml/names.hpp"

#include <algorithm>
#include <map>

namespace sportello::saml {

std::string_view levelUri(Level l) {
  switch (l) {
    case Level::L1:
      return "https://www.spid.gov.it/SpidL1";
    case Level::L2:
      return "https://www.spid.gov.it/SpidL2";
    case Level::L3:
      return "https://www.spid.gov.it/SpidL3";
  }
  return "https://www.spid.gov.it/SpidL2";
}

std::optional<Level> levelFromUri(std::string_view uri) {
  for (auto l : {Level::L1, Level::L2, Level::L3}) {
    if (uri == levelUri(l)) return l;
  }
  return std::nullopt;
}

std::optional<Comparison> comparisonFromString(std::string_view s) {
  for (auto c : {Comparison::exact, Comparison::minimum, Comparison::better, Comparison::maximum}) {
    if (s == toString(c)) return c;
  }
  return std::nullopt;
}

std::string_view toString(Comparison c) {
  switch (c) {
    case Comparison::exact:
      return "exact";
    case Comparison::minimum:
      return "minimum";
    case Comparison::better:
      return "better";
    case Comparison::maximum:
      return "maximum";
  }
  return "exact";
}

bool levelAcceptable(Level requested, Comparison cmp, Level returned) {
  if (returned > requested) return true;
  if (returned == requested) return cmp != Comparison::better;
  return cmp == Comparison::maximum;
}

std::string_view toString(Profile p) {
  return p == Profile::cie ? "cie" : "spid";
}

bool isSpidAttribute(std::string_view name) {
  return std::find(kSpidAttributes.begin(), kSpidAttributes.end(), name) != kSpidAttributes.end();
}

std::string_view attributeLabel(std::string_view name) {
  static const std::map<std::string_view, std::string_view> labels = {
      {"spidCode", "Codice identificativo SPID"},
      {"name", "Nome"},
      {"familyName", "Cognome"},
      {"placeOfBirth", "Luogo di nascita"},
      {"countyOfBirth", "Provincia di nascita"},
      {"dateOfBirth", "Data di nascita"},
      {"gender", "Sesso"},
      {"companyName", "Ragione sociale"},
      {"registeredOffice", "Sede legale"},
      {"fiscalNumber", "Codice fiscale"},
      {"ivaCode", "Partita IVA"},
      {"idCard", "Documento d'identità"},
      {"mobilePhone", "Numero di cellulare"},
      {"email", "Indirizzo email"},
      {"address", "Indirizzo"},
      {"digitalAddress", "Domicilio digitale (PEC)"},
      {"expirationDate", "Scadenza dell'identità"},
      {"domicileStreetAddress", "Domicilio: indirizzo"},
      {"domicilePostalCode", "Domicilio: CAP"},
      {"domicileMunicipality", "Domicilio: comune"},
      {"domicileProvince", "Domicilio: provincia"},
      {"domicileNation", "Domicilio: nazione"},
      {"companyFiscalNumber", "Codice fiscale della persona giuridica"},
      {"qualification", "Qualifica"}};
  auto it = labels.find(name);
  return it == labels.end() ? name : it->second;
}

}  // namespace sportello::saml
