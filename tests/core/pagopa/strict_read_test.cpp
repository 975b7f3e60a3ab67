// read<T>() is strict: one malformed fixture per kind of fault, each with the expected fault code and a
// description that names the element. Envelope-level refusals (not XML, DOCTYPE, empty Body...) are in
// soap_test.cpp; the hardened parser's own refusals reach the caller through readEnvelope() here too.
#include <gtest/gtest.h>

#include <string>

#include "core/pagopa/messages.hpp"
#include "tests/core/pagopa/samples.hpp"

namespace sportello::pagopa {
namespace {

std::string envelope(std::string_view payload) {
  return std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)"
                     R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/")"
                     R"( xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd")"
                     R"( xmlns:nfp="http://pagopa-api.pagopa.gov.it/node/nodeForPsp.xsd">)"
                     R"(<soapenv:Header/><soapenv:Body>)") +
         std::string(payload) + "</soapenv:Body></soapenv:Envelope>";
}

// The EC's view of a paGetPaymentReq, as the node sends it.
const std::string kGetPayment =
    "<pafn:paGetPaymentReq>"
    "<idPA>77777777777</idPA><idBrokerPA>77777777777</idBrokerPA><idStation>77777777777_01</idStation>"
    "<qrCode><fiscalCode>77777777777</fiscalCode><noticeNumber>301000000000000144</noticeNumber></qrCode>"
    "<amount>10.00</amount><transferType>PAGOPA</transferType><dueDate>2026-06-30</dueDate>"
    "</pafn:paGetPaymentReq>";

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "fixture error: " << from << " not in " << text;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

template <class T>
Result<T, FaultBean> readXml(const std::string& xml, std::optional<FaultPrefix> prefix = std::nullopt) {
  auto env = readEnvelope(xml);
  if (!env) {
    ADD_FAILURE() << "envelope refused: " << env.error().rule << ": " << env.error().message;
    return fail(FaultBean{});
  }
  return read<T>(*env, prefix);
}

struct Fixture {
  const char* name;
  std::string payload;      // a paGetPaymentReq (read by the EC)
  std::string_view code;    // expected faultCode
  std::string description;  // expected to occur in the description
};

std::ostream& operator<<(std::ostream& os, const Fixture& f) {
  return os << f.name;
}

class StrictPaGetPayment : public ::testing::TestWithParam<Fixture> {};

TEST_P(StrictPaGetPayment, IsRefusedWithTheRightFaultNamingTheElement) {
  const Fixture& f = GetParam();
  auto r = readXml<PaGetPaymentReq>(envelope(f.payload));
  ASSERT_FALSE(r) << f.payload;
  EXPECT_EQ(r.error().fault_code, f.code) << r.error().description.value_or("");
  EXPECT_EQ(r.error().fault_string, defaultFaultString(f.code));
  EXPECT_EQ(r.error().id, "");  // the EC fills in its own
  ASSERT_TRUE(r.error().description);
  EXPECT_NE(r.error().description->find(f.description), std::string::npos) << *r.error().description;
}

const Fixture kFixtures[] = {
    {"missing_required_element", replaced(kGetPayment, "<idBrokerPA>77777777777</idBrokerPA>", ""),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idBrokerPA: required element <idBrokerPA> is missing"},
    {"missing_required_complex_element",
     replaced(kGetPayment,
              "<qrCode><fiscalCode>77777777777</fiscalCode><noticeNumber>301000000000000144</noticeNumber></"
              "qrCode>",
              ""),
     fault::paa_sintassi_xsd, "paGetPaymentReq/qrCode: required element <qrCode> is missing"},
    {"missing_required_nested_element", replaced(kGetPayment, "<fiscalCode>77777777777</fiscalCode>", ""),
     fault::paa_sintassi_xsd, "paGetPaymentReq/qrCode/fiscalCode"},
    {"unknown_element", replaced(kGetPayment, "<qrCode>", "<colour>red</colour><qrCode>"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/colour: unknown element <colour>"},
    {"wrong_order",
     replaced(kGetPayment, "<idBrokerPA>77777777777</idBrokerPA><idStation>77777777777_01</idStation>",
              "<idStation>77777777777_01</idStation><idBrokerPA>77777777777</idBrokerPA>"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idBrokerPA: element <idBrokerPA> is out of order"},
    {"repeated_element",
     replaced(kGetPayment, "<idStation>", "<idBrokerPA>77777777777</idBrokerPA><idStation>"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idBrokerPA: element <idBrokerPA> appears more than once"},
    {"bad_pattern", replaced(kGetPayment, "<fiscalCode>77777777777<", "<fiscalCode>7777777777A<"),
     fault::paa_sintassi_xsd,
     "paGetPaymentReq/qrCode/fiscalCode: '7777777777A' does not match the pattern [0-9]{11}"},
    {"bad_enumeration", replaced(kGetPayment, "PAGOPA", "BANK"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/transferType: 'BANK' is not one of the allowed values (POSTAL, PAGOPA)"},
    {"enumeration_is_not_trimmed", replaced(kGetPayment, "PAGOPA", " PAGOPA"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/transferType"},
    {"amount_with_three_decimals", replaced(kGetPayment, "10.00", "10.000"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/amount: '10.000' is not an amount"},
    {"amount_without_decimals", replaced(kGetPayment, "10.00", "10"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/amount"},
    {"amount_negative", replaced(kGetPayment, "10.00", "-10.00"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/amount"},
    {"amount_above_maximum", replaced(kGetPayment, "10.00", "1000000000.00"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/amount: '1000000000.00' is above the maximum 999999999.99"},
    {"notice_number_of_17_digits", replaced(kGetPayment, "301000000000000144", "30100000000000014"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/qrCode/noticeNumber: '30100000000000014' does not match"},
    {"notice_number_with_wrong_check_digits",
     replaced(kGetPayment, "301000000000000144", "301000000000000145"), fault::paa_semantica,
     "paGetPaymentReq/qrCode/noticeNumber: '301000000000000145' is not a valid notice"},
    {"empty_required_string", replaced(kGetPayment, "<idStation>77777777777_01</idStation>", "<idStation/>"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idStation: '' has 0 characters, 1-35 allowed"},
    {"string_too_long", replaced(kGetPayment, "77777777777_01", std::string(36, 'x')),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idStation"},
    {"invalid_date", replaced(kGetPayment, "2026-06-30", "2026-02-30"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/dueDate: '2026-02-30' is not a date"},
    {"qualified_child", replaced(replaced(kGetPayment, "<idPA>", "<pafn:idPA>"), "</idPA>", "</pafn:idPA>"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idPA: element <idPA> must be unqualified"},
    {"attribute", replaced(kGetPayment, "<idPA>", "<idPA lang=\"it\">"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/idPA: attribute 'lang' is not allowed"},
    {"attribute_on_the_payload",
     replaced(kGetPayment, "<pafn:paGetPaymentReq>", "<pafn:paGetPaymentReq v=\"2\">"),
     fault::paa_sintassi_xsd, "paGetPaymentReq: attribute 'v'"},
    {"text_among_elements", replaced(kGetPayment, "<qrCode>", "<qrCode>hello"), fault::paa_sintassi_xsd,
     "paGetPaymentReq/qrCode: text 'hello' where only elements are allowed"},
    {"element_inside_a_value",
     replaced(kGetPayment, "<idPA>77777777777</idPA>", "<idPA><b>77777777777</b></idPA>"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idPA: element <b> inside a simple value"},
    {"comment_inside_a_value",
     replaced(kGetPayment, "<idPA>77777777777</idPA>", "<idPA>7777<!-- -->7777777</idPA>"),
     fault::paa_sintassi_xsd, "paGetPaymentReq/idPA: a comment inside a value"},
    {"another_operations_payload",
     replaced(replaced(kGetPayment, "pafn:paGetPaymentReq>", "pafn:paGetPaymentV2Request>"),
              "pafn:paGetPaymentReq>", "pafn:paGetPaymentV2Request>"),
     fault::paa_sintassi_xsd, "expected the payload <paGetPaymentReq>"},
    {"payload_in_the_wrong_namespace",
     replaced(replaced(kGetPayment, "<pafn:paGetPaymentReq>", "<nfp:paGetPaymentReq>"),
              "</pafn:paGetPaymentReq>", "</nfp:paGetPaymentReq>"),
     fault::paa_sintassi_xsd, "expected the payload <paGetPaymentReq>"},
};

INSTANTIATE_TEST_SUITE_P(Fixtures, StrictPaGetPayment, ::testing::ValuesIn(kFixtures),
                         [](const ::testing::TestParamInfo<Fixture>& i) {
                           return std::string(i.param.name);
                         });

TEST(StrictRead, TheBaseFixtureIsAccepted) {
  auto r = readXml<PaGetPaymentReq>(envelope(kGetPayment));
  ASSERT_TRUE(r) << r.error().description.value_or("");
  EXPECT_EQ(r->amount, 1000);
  EXPECT_EQ(r->transfer_type, TransferType::pagopa);
}

TEST(StrictRead, WhitespaceCollapsesForNonStringTypesAsTheXsdSays) {
  auto r = readXml<PaGetPaymentReq>(
      envelope(replaced(replaced(kGetPayment, "10.00", "\n  10.00  "), "2026-06-30", " 2026-06-30\n")));
  ASSERT_TRUE(r) << r.error().description.value_or("");
  EXPECT_EQ(r->amount, 1000);
  EXPECT_EQ(r->due_date, (Date{std::chrono::year{2026}, std::chrono::month{6}, std::chrono::day{30}}));
}

TEST(StrictRead, PrefixesAreNotTrusted) {
  // Another prefix, or a default namespace, for the payload: the same element. Its children then need
  // xmlns="" to stay unqualified, which is what the schema says.
  std::string other =
      R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>)"
      R"(<paGetPaymentReq xmlns="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd">)"
      R"(<idPA xmlns="">77777777777</idPA><idBrokerPA xmlns="">77777777777</idBrokerPA>)"
      R"(<idStation xmlns="">S</idStation><qrCode xmlns=""><fiscalCode>77777777777</fiscalCode>)"
      R"(<noticeNumber>301000000000000144</noticeNumber></qrCode></paGetPaymentReq>)"
      R"(</soapenv:Body></soapenv:Envelope>)";
  auto r = readXml<PaGetPaymentReq>(other);
  ASSERT_TRUE(r) << r.error().description.value_or("");
  EXPECT_EQ(r->id_station, "S");

  // Without xmlns="" the children inherit the default namespace: qualified, refused.
  std::string inherited = replaced(other, R"(<idPA xmlns="">)", "<idPA>");
  auto q = readXml<PaGetPaymentReq>(inherited);
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().description->find("idPA"), std::string::npos);
}

TEST(StrictRead, ThePrefixCanBeChosenByTheCaller) {
  auto r = readXml<PaGetPaymentReq>(envelope(replaced(kGetPayment, "10.00", "10.0")), FaultPrefix::ppt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().fault_code, fault::ppt_sintassi_xsd);
  EXPECT_EQ(r.error().id, fault::node_id);
}

// ---- The node's side: PSP requests and EC responses, PPT_ codes ----

template <class T>
FaultBean refusal(const std::string& xml) {
  auto r = readXml<T>(xml);
  EXPECT_FALSE(r) << xml;
  if (r) return {};
  EXPECT_EQ(r.error().id, fault::node_id);
  return r.error();
}

void expectFault(const FaultBean& f, std::string_view code, std::string_view inDescription) {
  EXPECT_EQ(f.fault_code, code) << f.description.value_or("");
  ASSERT_TRUE(f.description);
  EXPECT_NE(f.description->find(inDescription), std::string::npos) << *f.description;
}

TEST(StrictRead, IdempotencyKeyFollowsTheXsdPattern) {
  const std::string xml = write(samples::full<ActivatePaymentNoticeReq>());
  for (std::string bad : {"BCITITMM-a1b2c3d4e5", "B_a1b2c3d4e5", "BCITITMM_a1b2c3d4e",
                          "BCITITMMBCITITMMBCI_a1b2c3d4e5", "BCITITMM_a1b2c3d4é5"}) {
    expectFault(refusal<ActivatePaymentNoticeReq>(replaced(xml, "BCITITMM_a1b2c3d4e5", bad)),
                fault::ppt_sintassi_xsd, "activatePaymentNoticeReq/idempotencyKey: ");
  }
}

TEST(StrictRead, ExpirationTimeIsAtMostThirtyMinutesAndNotNegative) {
  const std::string xml = write(samples::full<ActivatePaymentNoticeV2Request>());
  expectFault(refusal<ActivatePaymentNoticeV2Request>(replaced(xml, "1800000", "1800001")),
              fault::ppt_sintassi_xsd,
              "activatePaymentNoticeV2Request/expirationTime: '1800001' is above the maximum 1800000");
  expectFault(refusal<ActivatePaymentNoticeV2Request>(replaced(xml, "1800000", "-5")), fault::ppt_semantica,
              "activatePaymentNoticeV2Request/expirationTime");
  expectFault(refusal<ActivatePaymentNoticeV2Request>(replaced(xml, "1800000", "30m")),
              fault::ppt_sintassi_xsd, "activatePaymentNoticeV2Request/expirationTime");
}

TEST(StrictRead, PasswordLengthAndEnumerationsOfTheV2Request) {
  const std::string xml = write(samples::full<ActivatePaymentNoticeV2Request>());
  expectFault(refusal<ActivatePaymentNoticeV2Request>(replaced(xml, "secret-pw1", "short")),
              fault::ppt_sintassi_xsd,
              "activatePaymentNoticeV2Request/password: 'short' has 5 characters, 8-15 allowed");
  expectFault(
      refusal<ActivatePaymentNoticeV2Request>(replaced(xml, "<touchPoint>CHECKOUT", "<touchPoint>checkout")),
      fault::ppt_sintassi_xsd, "activatePaymentNoticeV2Request/touchPoint");
}

TEST(StrictRead, TransfersMustSumToThePaymentAmount) {
  auto m = samples::full<PaGetPaymentRes>();
  m.data->transfer_list[1].transfer_amount += 1;
  expectFault(refusal<PaGetPaymentRes>(write(m)), fault::ppt_semantica,
              "paGetPaymentRes/data/transferList: the transfers sum to 123.46, not to paymentAmount 123.45");

  auto receipt = samples::full<PaSendRTV2Request>();
  receipt.receipt.payment_amount -= 1;
  auto r = readXml<PaSendRTV2Request>(write(receipt));  // the EC reads receipts: PAA_
  ASSERT_FALSE(r);
  expectFault(r.error(), fault::paa_semantica, "paSendRTV2Request/receipt/transferList");

  auto activate = samples::full<ActivatePaymentNoticeV2Response>();
  activate.total_amount = 1;
  expectFault(
      refusal<ActivatePaymentNoticeV2Response>(write(activate)), fault::ppt_semantica,
      "activatePaymentNoticeV2Response/transferList: the transfers sum to 123.45, not to totalAmount 0.01");
}

TEST(StrictRead, TransferIdsAreUniqueAndEnumerated) {
  auto m = samples::full<PaGetPaymentV2Response>();
  m.data->transfer_list[1].id_transfer = 1;
  expectFault(refusal<PaGetPaymentV2Response>(write(m)), fault::ppt_semantica,
              "paGetPaymentV2Response/data/transferList/transfer[2]/idTransfer");
  m.data->transfer_list[1].id_transfer = 6;
  expectFault(
      refusal<PaGetPaymentV2Response>(write(m)), fault::ppt_sintassi_xsd,
      "paGetPaymentV2Response/data/transferList/transfer[2]/idTransfer: 6 is not one of the allowed values");
}

TEST(StrictRead, AtMostFiveTransfers) {
  auto m = samples::minimal<PaGetPaymentRes>();
  auto t = m.data->transfer_list[0];
  t.transfer_amount = 1;
  m.data->transfer_list.clear();
  for (int i = 1; i <= 6; ++i) {
    t.id_transfer = i;
    m.data->transfer_list.push_back(t);
  }
  m.data->payment_amount = 6;
  expectFault(refusal<PaGetPaymentRes>(write(m)), fault::ppt_sintassi_xsd,
              "paGetPaymentRes/data/transferList/transfer[6]: at most 5 <transfer> allowed");
}

TEST(StrictRead, TransferAmountsAreNotZeroForTheEc) {
  auto m = samples::minimal<PaGetPaymentRes>();
  m.data->transfer_list[0].transfer_amount = 0;
  m.data->payment_amount = 0;
  expectFault(refusal<PaGetPaymentRes>(write(m)), fault::ppt_sintassi_xsd,
              "paGetPaymentRes/data/paymentAmount: '0.00' is below the minimum 0.01");
}

TEST(StrictRead, IbanAndStampAreAlternatives) {
  const std::string xml = write(samples::full<PaGetPaymentV2Response>());
  const std::string iban = "<IBAN>IT60X0542811101000000123456</IBAN>";
  const std::string stamp =
      "<richiestaMarcaDaBollo><hashDocumento>ZmFrZS1kb2N1bWVudC1oYXNo</hashDocumento><tipoBollo>01</"
      "tipoBollo>"
      "<provinciaResidenza>RM</provinciaResidenza></richiestaMarcaDaBollo>";
  expectFault(refusal<PaGetPaymentV2Response>(replaced(xml, iban, iban + stamp)), fault::ppt_sintassi_xsd,
              "paGetPaymentV2Response/data/transferList/transfer[1]/richiestaMarcaDaBollo: <IBAN> and "
              "<richiestaMarcaDaBollo> are alternatives");
  expectFault(
      refusal<PaGetPaymentV2Response>(replaced(xml, iban, "")), fault::ppt_sintassi_xsd,
      "paGetPaymentV2Response/data/transferList/transfer[1]/IBAN: one of <IBAN> or <richiestaMarcaDaBollo>");
  expectFault(refusal<PaGetPaymentV2Response>(replaced(xml, "<tipoBollo>01<", "<tipoBollo>02<")),
              fault::ppt_sintassi_xsd, "transfer[2]/richiestaMarcaDaBollo/tipoBollo");
  expectFault(refusal<PaGetPaymentV2Response>(replaced(xml, "ZmFrZS1kb2N1bWVudC1oYXNo", "not base64!")),
              fault::ppt_sintassi_xsd, "transfer[2]/richiestaMarcaDaBollo/hashDocumento");
}

TEST(StrictRead, PspIbanPattern) {
  const std::string xml = write(samples::full<ActivatePaymentNoticeRes>());
  expectFault(refusal<ActivatePaymentNoticeRes>(replaced(xml, "IT60X0542811101000000123456", "60IT")),
              fault::ppt_sintassi_xsd,
              "activatePaymentNoticeRes/transferList/transfer[1]/IBAN: '60IT' does not match");
}

TEST(StrictRead, PaymentTokensAreOneToFiveAndDistinct) {
  auto m = samples::full<SendPaymentOutcomeV2Request>();
  m.payment_tokens = {"a", "b", "a"};
  expectFault(
      refusal<SendPaymentOutcomeV2Request>(write(m)), fault::ppt_semantica,
      "sendPaymentOutcomeV2Request/paymentTokens/paymentToken[3]: payment token 'a' appears more than once");
  m.payment_tokens = {"1", "2", "3", "4", "5", "6"};
  expectFault(refusal<SendPaymentOutcomeV2Request>(write(m)), fault::ppt_sintassi_xsd,
              "sendPaymentOutcomeV2Request/paymentTokens/paymentToken[6]");
  m.payment_tokens = {};
  expectFault(
      refusal<SendPaymentOutcomeV2Request>(write(m)), fault::ppt_sintassi_xsd,
      "sendPaymentOutcomeV2Request/paymentTokens/paymentToken: required element <paymentToken> is missing");
}

TEST(StrictRead, OutcomeDetailsInOrder) {
  const std::string xml = write(samples::full<SendPaymentOutcomeReq>());
  const std::string swapped = replaced(replaced(xml, "<paymentMethod>creditCard</paymentMethod>", ""),
                                       "<fee>", "<paymentMethod>creditCard</paymentMethod><fee>");
  expectFault(
      refusal<SendPaymentOutcomeReq>(swapped), fault::ppt_sintassi_xsd,
      "sendPaymentOutcomeReq/details/paymentMethod: element <paymentMethod> is out of order: it must come "
      "before <paymentChannel>");
  expectFault(refusal<SendPaymentOutcomeReq>(replaced(xml, "<outcome>OK", "<outcome>ok")),
              fault::ppt_sintassi_xsd,
              "sendPaymentOutcomeReq/outcome: 'ok' is not one of the allowed values (OK, KO)");
}

TEST(StrictRead, SubjectFacets) {
  const std::string xml = write(samples::full<PaSendRTReq>());
  auto ec = [&](const std::string& x) {
    auto r = readXml<PaSendRTReq>(x);
    EXPECT_FALSE(r);
    return r ? FaultBean{} : r.error();
  };
  expectFault(ec(replaced(xml, "mario.rossi@example.it", "mario.rossi@")), fault::paa_sintassi_xsd,
              "paSendRTReq/receipt/debtor/e-mail");
  expectFault(ec(replaced(xml, "<country>IT", "<country>it")), fault::paa_sintassi_xsd,
              "paSendRTReq/receipt/debtor/country");
  expectFault(ec(replaced(xml, "<entityUniqueIdentifierType>F", "<entityUniqueIdentifierType>X")),
              fault::paa_sintassi_xsd,
              "paSendRTReq/receipt/debtor/uniqueIdentifier/entityUniqueIdentifierType");
  expectFault(ec(replaced(xml, "10:15:30.123", "25:15:30.123")), fault::paa_sintassi_xsd,
              "paSendRTReq/receipt/paymentDateTime");
  expectFault(ec(replaced(xml, "<standIn>false", "<standIn>no")), fault::paa_sintassi_xsd,
              "paSendRTReq/receipt/standIn: 'no' is not a boolean");
}

TEST(StrictRead, FaultBeanInAResponseIsReadStrictlyToo) {
  const std::string xml = write(samples::full<PaSendRTRes>());
  expectFault(refusal<PaSendRTRes>(replaced(xml, "<id>", "<serial>x</serial><id>")), fault::ppt_sintassi_xsd,
              "paSendRTRes/fault/id: element <id> is out of order: it must come before <serial>");
  auto m = samples::full<PaSendRTRes>();
  m.fault->serial = 3;
  expectFault(refusal<PaSendRTRes>(replaced(write(m), "<serial>3<", "<serial>3000000000<")),
              fault::ppt_sintassi_xsd,
              "paSendRTRes/fault/serial: '3000000000' is outside the range of xs:int");
}

}  // namespace
}  // namespace sportello::pagopa
