// SPID-shaped fixtures built in code (certificates come from the test PKI, so they cannot be files).
#pragma once

#include <string>

#include "core/saml/authn_request.hpp"
#include "core/saml/metadata.hpp"
#include "core/xml/signature.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::test {

inline const std::string kSpEntity = "https://comune.example.it/spid/metadata";
inline const std::string kAcs0 = "https://comune.example.it/spid/acs";
inline const std::string kAcs1 = "https://comune.example.it:8443/spid/acs-dev";
inline const std::string kIdpEntity = "https://localhost:8443/idp/aurora-id";
inline const std::string kIdpSso = "https://localhost:8443/idp/aurora-id/sso";

inline xml::SigningKey spKey() {
  auto k = xml::SigningKey::fromPemFiles(testPki().sp_signing.key, testPki().sp_signing.cert);
  return std::move(*k);
}
inline xml::SigningKey idpKey(const std::string& name = "aurora-id") {
  auto k =
      xml::SigningKey::fromPemFiles(testPki().idp_signing.at(name).key, testPki().idp_signing.at(name).cert);
  return std::move(*k);
}

// SPID SP metadata per Avviso 29 with two ACS (index 0 default, index 1 on a port) and two attribute sets.
inline std::string spMetadataXml(const std::string& certB64) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:spid="https://spid.gov.it/saml-extensions" entityID=")" +
         kSpEntity + R"(" ID="_md1">
<md:SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" AuthnRequestsSigned="true" WantAssertionsSigned="true">
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>)" +
         certB64 + R"(</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://comune.example.it/spid/slo"/>
<md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>
<md:AssertionConsumerService index="0" isDefault="true" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location=")" +
         kAcs0 + R"("/>
<md:AssertionConsumerService index="1" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location=")" +
         kAcs1 + R"("/>
<md:AttributeConsumingService index="0"><md:ServiceName xml:lang="it">Servizi online</md:ServiceName>
<md:RequestedAttribute Name="fiscalNumber"/><md:RequestedAttribute Name="name"/><md:RequestedAttribute Name="familyName"/></md:AttributeConsumingService>
<md:AttributeConsumingService index="1"><md:ServiceName xml:lang="it">Tributi</md:ServiceName>
<md:RequestedAttribute Name="fiscalNumber"/><md:RequestedAttribute Name="email"/></md:AttributeConsumingService>
</md:SPSSODescriptor>
<md:Organization><md:OrganizationName xml:lang="it">Comune di Vigata</md:OrganizationName><md:OrganizationDisplayName xml:lang="it">Comune di Vigata</md:OrganizationDisplayName><md:OrganizationURL xml:lang="it">https://comune.example.it</md:OrganizationURL></md:Organization>
<md:ContactPerson contactType="other"><md:Extensions><spid:IPACode>c_vgt</spid:IPACode><spid:Public/></md:Extensions><md:EmailAddress>urp@comune.example.it</md:EmailAddress><md:TelephoneNumber>+390922000000</md:TelephoneNumber></md:ContactPerson>
</md:EntityDescriptor>
)";
}

inline saml::SpMetadata spMetadata() {
  auto doc = xml::Document::parse(spMetadataXml(spKey().certificate().base64Der()));
  return std::move(*saml::readSpMetadata(*doc));
}

}  // namespace sportello::test
