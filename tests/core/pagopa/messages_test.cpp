// Every message type: write() validates against pagoPA's official XSD (full and minimal values, V1 and
// V2), read(write(x)) == x, and the KO answer of every operation validates too.
#include <gtest/gtest.h>

#include <string>

#include "core/pagopa/messages.hpp"
#include "core/pagopa/notice.hpp"
#include "tests/core/pagopa/samples.hpp"
#include "tests/core/pagopa/xsd_validator.hpp"

namespace sportello::pagopa {
namespace {

using testing::PagopaSchemas;

template <class T>
std::string_view elementName() {
  return T::request ? info(T::operation).request : info(T::operation).response;
}

template <class T>
class Messages : public ::testing::Test {};

using AllMessages =
    ::testing::Types<PaVerifyPaymentNoticeReq, PaVerifyPaymentNoticeRes, PaGetPaymentReq, PaGetPaymentRes,
                     PaGetPaymentV2Request, PaGetPaymentV2Response, PaSendRTReq, PaSendRTRes,
                     PaSendRTV2Request, PaSendRTV2Response, VerifyPaymentNoticeReq, VerifyPaymentNoticeRes,
                     ActivatePaymentNoticeReq, ActivatePaymentNoticeRes, ActivatePaymentNoticeV2Request,
                     ActivatePaymentNoticeV2Response, SendPaymentOutcomeReq, SendPaymentOutcomeRes,
                     SendPaymentOutcomeV2Request, SendPaymentOutcomeV2Response>;

struct ElementNames {
  template <class T>
  static std::string GetName(int) {  // NOLINT(readability-identifier-naming): GoogleTest's name
    return std::string(elementName<T>());
  }
};
TYPED_TEST_SUITE(Messages, AllMessages, ElementNames);

template <class T>
void expectValid(const T& m) {
  const auto& schemas = PagopaSchemas::get();
  ASSERT_TRUE(schemas.loaded()) << schemas.loadError();
  const std::string xml = write(m);
  EXPECT_EQ(schemas.validate(xml), "") << xml;
}

template <class T>
void expectRoundTrip(const T& m) {
  const std::string xml = write(m);
  auto envelope = readEnvelope(xml);
  ASSERT_TRUE(envelope) << envelope.error().message;
  auto back = read<T>(*envelope);
  ASSERT_TRUE(back) << back.error().fault_code << ": " << back.error().description.value_or("") << "\n"
                    << xml;
  EXPECT_TRUE(*back == m) << "read back:\n" << write(*back) << "\nwritten:\n" << xml;
  EXPECT_EQ(write(*back), xml);
}

TYPED_TEST(Messages, FullValuesAreValidAgainstTheOfficialXsd) {
  expectValid(samples::full<TypeParam>());
}

TYPED_TEST(Messages, MinimalValuesAreValidAgainstTheOfficialXsd) {
  expectValid(samples::minimal<TypeParam>());
}

TYPED_TEST(Messages, FullValuesRoundTrip) {
  expectRoundTrip(samples::full<TypeParam>());
}

TYPED_TEST(Messages, MinimalValuesRoundTrip) {
  expectRoundTrip(samples::minimal<TypeParam>());
}

TYPED_TEST(Messages, PayloadIsTheOperationsElementInTheXsdNamespace) {
  const std::string xml = write(samples::full<TypeParam>());
  auto envelope = readEnvelope(xml);
  ASSERT_TRUE(envelope);
  const OperationInfo& op = info(TypeParam::operation);
  EXPECT_EQ(envelope->ns, op.ns);
  EXPECT_EQ(envelope->name, elementName<TypeParam>());
  const std::string prefix(op.ns == ns::pa_for_node ? "pafn" : "nfp");
  EXPECT_NE(xml.find("<" + prefix + ":" + envelope->name + ">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<soapenv:Envelope"), std::string::npos);
  if (TypeParam::request) {
    EXPECT_EQ(requestOperation(*envelope), TypeParam::operation);
  } else {
    EXPECT_EQ(responseOperation(*envelope), TypeParam::operation);
  }
}

TYPED_TEST(Messages, TheKoAnswerOfTheOperationIsValidAndReadsBack) {
  const auto& schemas = PagopaSchemas::get();
  ASSERT_TRUE(schemas.loaded()) << schemas.loadError();
  FaultBean f =
      makeFault(fault::ppt_sintassi_xsd, std::string(fault::node_id), "paGetPaymentReq/idPA: missing");
  f.serial = 7;
  const std::string xml = writeKo(TypeParam::operation, f);
  EXPECT_EQ(schemas.validate(xml), "") << xml;
  auto envelope = readEnvelope(xml);
  ASSERT_TRUE(envelope);
  EXPECT_EQ(responseOperation(*envelope), TypeParam::operation);
  EXPECT_EQ(envelope->name, info(TypeParam::operation).response);
}

TYPED_TEST(Messages, AnotherOperationsPayloadIsASyntaxFault) {
  // Every type refuses a payload that is not its own element, with the reader's prefix.
  const std::string other = TypeParam::operation == Operation::pa_verify_payment_notice && TypeParam::request
                                ? write(samples::full<PaGetPaymentReq>())
                                : write(samples::full<PaVerifyPaymentNoticeReq>());
  auto envelope = readEnvelope(other);
  ASSERT_TRUE(envelope);
  auto r = read<TypeParam>(*envelope);
  ASSERT_FALSE(r);
  const bool ec = TypeParam::request && info(TypeParam::operation).ns == ns::pa_for_node;
  EXPECT_EQ(r.error().fault_code, ec ? fault::paa_sintassi_xsd : fault::ppt_sintassi_xsd);
  EXPECT_NE(r.error().description->find(std::string(elementName<TypeParam>())), std::string::npos)
      << *r.error().description;
}

// ---- The validator itself must be able to say no ----

TEST(PagopaXsd, TheValidatorRefusesWhatTheSchemaRefuses) {
  const auto& schemas = PagopaSchemas::get();
  ASSERT_TRUE(schemas.loaded()) << schemas.loadError();
  auto m = samples::full<PaGetPaymentReq>();
  ASSERT_EQ(schemas.validate(write(m)), "");

  m.qr_code.notice_number.pop_back();  // 17 digits
  EXPECT_NE(schemas.validate(write(m)), "");

  m = samples::full<PaGetPaymentReq>();
  m.amount = 100'000'000'000;  // 1000000000.00: above maxInclusive
  EXPECT_NE(schemas.validate(write(m)), "");

  auto v2 = samples::full<PaGetPaymentV2Response>();
  v2.data->company_name.clear();  // minLength 1
  EXPECT_NE(schemas.validate(write(v2)), "");

  std::string swapped = write(samples::minimal<PaVerifyPaymentNoticeReq>());
  auto a = swapped.find("<idBrokerPA>");
  auto b = swapped.find("<idStation>");
  auto end = swapped.find("<qrCode>");
  ASSERT_TRUE(a != std::string::npos && b != std::string::npos && end != std::string::npos);
  swapped =
      swapped.substr(0, a) + swapped.substr(b, end - b) + swapped.substr(a, b - a) + swapped.substr(end);
  EXPECT_NE(schemas.validate(swapped), "") << swapped;

  auto activate = samples::full<ActivatePaymentNoticeV2Request>();
  ASSERT_EQ(schemas.validate(write(activate)), "");
  activate.idempotency_key = "BCITITMM-a1b2c3d4e5";
  EXPECT_NE(schemas.validate(write(activate)), "");

  std::string unknown = write(samples::full<SendPaymentOutcomeV2Request>());
  unknown.insert(unknown.find("<outcome>"), "<bogus>1</bogus>");
  EXPECT_NE(schemas.validate(unknown), "") << unknown;
}

TEST(PagopaXsd, AmountsAreWrittenWithTwoDecimalsAndRoundTripExactly) {
  auto m = samples::minimal<ActivatePaymentNoticeReq>();
  for (std::int64_t cents : {std::int64_t{0}, std::int64_t{1}, std::int64_t{10}, std::int64_t{99},
                             std::int64_t{12345}, std::int64_t{99'999'999'999}}) {
    m.amount = cents;
    const std::string xml = write(m);
    EXPECT_NE(xml.find("<amount>" + formatAmount(cents) + "</amount>"), std::string::npos) << xml;
    EXPECT_EQ(PagopaSchemas::get().validate(xml), "") << xml;
    auto back = read<ActivatePaymentNoticeReq>(*readEnvelope(xml));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->amount, cents);
  }
}

TEST(PagopaXsd, DatesAndTimesAreWrittenInTheXsdForms) {
  const std::string xml = write(samples::full<PaSendRTReq>());
  EXPECT_NE(xml.find("<applicationDate>2026-06-30</applicationDate>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<paymentDateTime>2026-06-30T10:15:30.123</paymentDateTime>"), std::string::npos) << xml;
  const std::string v1 = write(samples::full<PaGetPaymentRes>());
  EXPECT_NE(v1.find("<retentionDate>2026-12-31T23:59:59+01:00</retentionDate>"), std::string::npos) << v1;
}

}  // namespace
}  // namespace sportello::pagopa
