// The SP-side Response reader: every field, absent kept apart from empty, markup never truncated, and
// Assertions outside the Response's own children counted but never read.
#include "core/saml/sp_response.hpp"

#include <gtest/gtest.h>

#include "tests/core/saml/sp_fixtures.hpp"

using namespace sportello;
using namespace sportello::saml;

namespace {

SamlResponse read(std::string_view xmlText) {
  xml::initialise();
  auto doc = xml::Document::parse(xmlText);
  EXPECT_TRUE(doc) << doc.error().rule << ": " << doc.error().message;
  auto view = readResponse(*doc);
  EXPECT_TRUE(view) << view.error().message;
  return std::move(*view);
}

constexpr std::string_view kHead =
    R"(<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion")";

// A Response whose every judged field is either empty or absent, in pairs.
const std::string kEmptyOrAbsent = std::string(kHead) + R"( ID="" IssueInstant="" Destination="">
<saml:Issuer Format=""></saml:Issuer>
<samlp:Status><samlp:StatusCode Value=""/></samlp:Status>
<saml:Assertion ID="" IssueInstant="">
  <saml:Issuer/>
  <saml:Subject><saml:NameID NameQualifier=""></saml:NameID>
    <saml:SubjectConfirmation><saml:SubjectConfirmationData Recipient="" NotOnOrAfter=""/></saml:SubjectConfirmation>
  </saml:Subject>
  <saml:Conditions NotBefore=""><saml:AudienceRestriction/></saml:Conditions>
  <saml:AuthnStatement SessionIndex=""><saml:AuthnContext><saml:AuthnContextClassRef/></saml:AuthnContext></saml:AuthnStatement>
  <saml:AttributeStatement><saml:Attribute Name="name" NameFormat=""/></saml:AttributeStatement>
  <saml:AttributeStatement/>
</saml:Assertion>
</samlp:Response>)";

}  // namespace

TEST(SpResponseReader, ReadsEveryFieldOfAValidResponse) {
  xml::initialise();
  auto built = buildResponse(test::validSpec(), test::pinnedIdpKey());
  ASSERT_TRUE(built);
  SamlResponse r = read(built->serialize());
  EXPECT_TRUE(r.id && r.id->starts_with("_"));
  EXPECT_EQ(r.version, "2.0");
  EXPECT_EQ(r.issue_instant, formatDateTime(test::kAnsweredAt));
  EXPECT_EQ(r.in_response_to, test::kRequestId);
  EXPECT_EQ(r.destination, test::kAcs0);
  EXPECT_EQ(r.issuer.count, 1u);
  EXPECT_EQ(r.issuer.value, test::kIdpEntity);
  EXPECT_EQ(r.issuer.format, nameid::entity);
  EXPECT_EQ(r.signature_count, 1u);
  EXPECT_EQ(r.status.count, 1u);
  EXPECT_FALSE(r.status.empty);
  EXPECT_EQ(r.status.code, status::success);
  EXPECT_FALSE(r.status.sub_code);
  EXPECT_FALSE(r.status.message);
  EXPECT_EQ(r.assertion_count, 1u);
  EXPECT_EQ(r.assertion_total, 1u);
  ASSERT_TRUE(r.assertion);
  const AssertionView& a = *r.assertion;
  EXPECT_TRUE(a.id && a.id != r.id);
  EXPECT_EQ(a.version, "2.0");
  EXPECT_EQ(a.signature_count, 1u);
  EXPECT_EQ(a.issuer.value, test::kIdpEntity);
  EXPECT_EQ(a.issuer.format, nameid::entity);
  EXPECT_EQ(a.subject_count, 1u);
  EXPECT_FALSE(a.subject_empty);
  EXPECT_EQ(a.name_id_count, 1u);
  EXPECT_TRUE(a.name_id && !a.name_id->empty());
  EXPECT_EQ(a.name_id_format, nameid::transient);
  EXPECT_EQ(a.name_id_qualifier, test::kIdpEntity);
  EXPECT_EQ(a.subject_confirmation_count, 1u);
  EXPECT_EQ(a.method, kBearer);
  EXPECT_EQ(a.subject_confirmation_data_count, 1u);
  EXPECT_EQ(a.recipient, test::kAcs0);
  EXPECT_EQ(a.confirmation_in_response_to, test::kRequestId);
  EXPECT_EQ(a.confirmation_not_on_or_after, formatDateTime(test::kAnsweredAt + std::chrono::minutes(5)));
  EXPECT_EQ(a.conditions_count, 1u);
  EXPECT_EQ(a.not_before, formatDateTime(test::kAnsweredAt));
  EXPECT_EQ(a.not_on_or_after, formatDateTime(test::kAnsweredAt + std::chrono::minutes(5)));
  ASSERT_EQ(a.audience_restrictions.size(), 1u);
  EXPECT_EQ(a.audience_restrictions[0], std::vector<Opt>{test::kSpEntity});
  EXPECT_EQ(a.authn_statement_count, 1u);
  EXPECT_TRUE(a.session_index && !a.session_index->empty());
  EXPECT_EQ(a.authn_context_count, 1u);
  EXPECT_EQ(a.class_ref_count, 1u);
  EXPECT_EQ(a.class_ref, "https://www.spid.gov.it/SpidL2");
  EXPECT_EQ(a.attribute_statement_count, 1u);
  EXPECT_EQ(a.empty_attribute_statements, 0u);
  ASSERT_EQ(a.attributes.size(), 3u);
  EXPECT_EQ(a.attributes[0].name, "fiscalNumber");
  EXPECT_EQ(a.attributes[0].name_format, kAttrNameFormatBasic);
  EXPECT_EQ(a.attributes[0].values, std::vector<Opt>{"TINIT-RSSMRA85T10A562S"});
  EXPECT_EQ(a.attributes[2].values, std::vector<Opt>{"Rossi"});
}

TEST(SpResponseReader, KeepsEmptyApartFromAbsent) {
  SamlResponse r = read(kEmptyOrAbsent);
  EXPECT_EQ(r.id, "");
  EXPECT_FALSE(r.version);
  EXPECT_EQ(r.issue_instant, "");
  EXPECT_FALSE(r.in_response_to);
  EXPECT_EQ(r.destination, "");
  EXPECT_EQ(r.issuer.value, "");
  EXPECT_EQ(r.issuer.format, "");
  EXPECT_EQ(r.signature_count, 0u);
  EXPECT_EQ(r.status.code_count, 1u);
  EXPECT_EQ(r.status.code, "");
  ASSERT_TRUE(r.assertion);
  const AssertionView& a = *r.assertion;
  EXPECT_EQ(a.id, "");
  EXPECT_FALSE(a.version);
  EXPECT_EQ(a.issue_instant, "");
  EXPECT_EQ(a.issuer.count, 1u);
  EXPECT_EQ(a.issuer.value, "");
  EXPECT_FALSE(a.issuer.format);
  EXPECT_EQ(a.name_id_count, 1u);
  EXPECT_EQ(a.name_id, "");
  EXPECT_FALSE(a.name_id_format);
  EXPECT_EQ(a.name_id_qualifier, "");
  EXPECT_EQ(a.subject_confirmation_count, 1u);
  EXPECT_FALSE(a.method);
  EXPECT_EQ(a.recipient, "");
  EXPECT_FALSE(a.confirmation_in_response_to);
  EXPECT_EQ(a.confirmation_not_on_or_after, "");
  EXPECT_EQ(a.not_before, "");
  EXPECT_FALSE(a.not_on_or_after);
  ASSERT_EQ(a.audience_restrictions.size(), 1u);
  EXPECT_TRUE(a.audience_restrictions[0].empty());
  EXPECT_EQ(a.session_index, "");
  EXPECT_FALSE(a.authn_instant);
  EXPECT_EQ(a.class_ref_count, 1u);
  EXPECT_EQ(a.class_ref, "");
  EXPECT_EQ(a.attribute_statement_count, 2u);
  EXPECT_EQ(a.empty_attribute_statements, 1u);
  ASSERT_EQ(a.attributes.size(), 1u);
  EXPECT_EQ(a.attributes[0].name, "name");
  EXPECT_EQ(a.attributes[0].name_format, "");
  EXPECT_TRUE(a.attributes[0].values.empty());
}

TEST(SpResponseReader, CountsAbsentElementsAsZeroAndEmptyElementsAsEmpty) {
  SamlResponse r = read(std::string(kHead) + R"( ID="_r"><samlp:Status/>
<saml:Assertion ID="_a"><saml:Subject/><saml:Conditions/><saml:AuthnStatement><saml:AuthnContext/></saml:AuthnStatement></saml:Assertion>
</samlp:Response>)");
  EXPECT_EQ(r.issuer.count, 0u);
  EXPECT_FALSE(r.issuer.value);
  EXPECT_EQ(r.status.count, 1u);
  EXPECT_TRUE(r.status.empty);
  EXPECT_EQ(r.status.code_count, 0u);
  EXPECT_FALSE(r.status.code);
  ASSERT_TRUE(r.assertion);
  const AssertionView& a = *r.assertion;
  EXPECT_EQ(a.issuer.count, 0u);
  EXPECT_EQ(a.subject_count, 1u);
  EXPECT_TRUE(a.subject_empty);
  EXPECT_EQ(a.name_id_count, 0u);
  EXPECT_FALSE(a.name_id);
  EXPECT_EQ(a.subject_confirmation_count, 0u);
  EXPECT_EQ(a.conditions_count, 1u);
  EXPECT_TRUE(a.conditions_empty);
  EXPECT_TRUE(a.audience_restrictions.empty());
  EXPECT_EQ(a.authn_statement_count, 1u);
  EXPECT_FALSE(a.authn_statement_empty);
  EXPECT_EQ(a.authn_context_count, 1u);
  EXPECT_TRUE(a.authn_context_empty);
  EXPECT_EQ(a.class_ref_count, 0u);
  EXPECT_EQ(a.attribute_statement_count, 0u);

  SamlResponse none = read(std::string(kHead) + R"( ID="_r"/>)");
  EXPECT_EQ(none.status.count, 0u);
  EXPECT_EQ(none.assertion_count, 0u);
  EXPECT_FALSE(none.assertion);
}

TEST(SpResponseReader, MarkupInsideATextIsNeverTruncated) {
  SamlResponse r =
      read(std::string(kHead) + R"( ID="_r"><saml:Issuer>https://idp<!-- -->.example</saml:Issuer>
<saml:Assertion ID="_a"><saml:Subject><saml:NameID>abc<!---->def</saml:NameID></saml:Subject>
<saml:AttributeStatement><saml:Attribute Name="fiscalNumber"><saml:AttributeValue>TINIT-<b/>X</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>
</saml:Assertion></samlp:Response>)");
  EXPECT_EQ(r.issuer.count, 1u);
  EXPECT_FALSE(r.issuer.value);
  ASSERT_TRUE(r.assertion);
  EXPECT_EQ(r.assertion->name_id_count, 1u);
  EXPECT_FALSE(r.assertion->name_id) << "a comment-split NameID must not read as \"abc\" or \"abcdef\"";
  ASSERT_EQ(r.assertion->attributes.size(), 1u);
  ASSERT_EQ(r.assertion->attributes[0].values.size(), 1u);
  EXPECT_FALSE(r.assertion->attributes[0].values[0]);
}

TEST(SpResponseReader, ReadsErrorStatusAndItsSpidCode) {
  SamlResponse r = read(std::string(kHead) + R"( ID="_r"><samlp:Status>
<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder"><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"/></samlp:StatusCode>
<samlp:StatusMessage>ErrorCode nr22</samlp:StatusMessage></samlp:Status></samlp:Response>)");
  EXPECT_EQ(r.status.code, status::responder);
  EXPECT_EQ(r.status.sub_code, status::authn_failed);
  EXPECT_EQ(r.status.message_count, 1u);
  EXPECT_EQ(r.status.message, "ErrorCode nr22");
  EXPECT_EQ(spidErrorCode(r.status.message), 22);
  EXPECT_EQ(r.assertion_count, 0u);
}

TEST(SpResponseReader, SpidErrorCodeAcceptsOnlyTheExactForm) {
  EXPECT_EQ(spidErrorCode(Opt("ErrorCode nr19")), 19);
  EXPECT_EQ(spidErrorCode(Opt("  ErrorCode nr25\n")), 25);
  EXPECT_FALSE(spidErrorCode(std::nullopt));
  EXPECT_FALSE(spidErrorCode(Opt("")));
  EXPECT_FALSE(spidErrorCode(Opt("ErrorCode nr")));
  EXPECT_FALSE(spidErrorCode(Opt("ErrorCode nr2x")));
  EXPECT_FALSE(spidErrorCode(Opt("ErrorCode nr12345")));
  EXPECT_FALSE(spidErrorCode(Opt("errorcode nr19")));
}

TEST(SpResponseReader, AssertionsOutsideTheResponseChildrenAreCountedNotRead) {
  // One Assertion child plus a forged one wrapped in Extensions: the child is read, the wrapped one counted.
  SamlResponse wrapped = read(std::string(kHead) + R"( ID="_r">
<samlp:Extensions><saml:Assertion ID="_evil"><saml:Subject><saml:NameID>_attacker</saml:NameID></saml:Subject></saml:Assertion></samlp:Extensions>
<saml:Assertion ID="_a"><saml:Subject><saml:NameID>_user</saml:NameID></saml:Subject></saml:Assertion></samlp:Response>)");
  EXPECT_EQ(wrapped.assertion_count, 1u);
  EXPECT_EQ(wrapped.assertion_total, 2u);
  ASSERT_TRUE(wrapped.assertion);
  EXPECT_EQ(wrapped.assertion->name_id, "_user");

  // Two Assertion children: neither is read.
  SamlResponse two =
      read(std::string(kHead) + R"( ID="_r"><saml:Assertion ID="_a1"/><saml:Assertion ID="_a2"/>
<saml:EncryptedAssertion/></samlp:Response>)");
  EXPECT_EQ(two.assertion_count, 2u);
  EXPECT_EQ(two.assertion_total, 2u);
  EXPECT_EQ(two.encrypted_assertion_count, 1u);
  EXPECT_FALSE(two.assertion);
}

TEST(SpResponseReader, RefusesAnotherRoot) {
  xml::initialise();
  auto doc = xml::Document::parse(
      R"(<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x"/>)");
  ASSERT_TRUE(doc);
  auto view = readResponse(*doc);
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().rule, "saml.root");
}
