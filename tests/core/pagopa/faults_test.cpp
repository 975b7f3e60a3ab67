// Fault codes and the fault bean inside KO responses (ctFaultBean, in the XSD's order), including the
// original* fields the node fills when it relays an EC's fault; xs:date and xs:dateTime values.
#include "core/pagopa/faults.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/pagopa/dates.hpp"
#include "core/pagopa/messages.hpp"
#include "tests/core/pagopa/xsd_validator.hpp"

namespace sportello::pagopa {
namespace {

using namespace std::chrono;

TEST(FaultCodes, EveryCodeOfTheSpecIsThereOnceWithItsPrefix) {
  std::set<std::string_view> seen;
  for (auto code : allFaultCodes()) {
    EXPECT_TRUE(seen.insert(code).second) << code;
    EXPECT_TRUE(code.starts_with("PAA_") || code.starts_with("PPT_")) << code;
    EXPECT_NE(defaultFaultString(code), code) << code;
  }
  EXPECT_EQ(seen.size(), 34u);
  for (auto code :
       {fault::paa_pagamento_sconosciuto, fault::paa_pagamento_scaduto, fault::paa_pagamento_duplicato,
        fault::paa_pagamento_annullato, fault::paa_sintassi_xsd, fault::ppt_token_scaduto,
        fault::ppt_sintassi_xsd, fault::ppt_errore_emesso_da_paa, fault::ppt_stazione_int_pa_timeout}) {
    EXPECT_TRUE(seen.count(code)) << code;
  }
  EXPECT_EQ(defaultFaultString("CANALE_SCONOSCIUTO_X"), "CANALE_SCONOSCIUTO_X");
  EXPECT_EQ(syntaxCode(FaultPrefix::paa), "PAA_SINTASSI_XSD");
  EXPECT_EQ(semanticsCode(FaultPrefix::ppt), "PPT_SEMANTICA");
}

FaultBean ecFault() {
  FaultBean ec =
      makeFault(fault::paa_pagamento_scaduto, "77777777777", "la posizione 301000000000000144 e' scaduta");
  ec.serial = 2;
  return ec;
}

TEST(FaultBeans, TheNodeRelaysTheEcsFaultInTheOriginalFields) {
  FaultBean node = faultFromEc(ecFault());
  EXPECT_EQ(node.fault_code, "PPT_ERRORE_EMESSO_DA_PAA");
  EXPECT_EQ(node.id, "NodoDeiPagamentiSPC");
  EXPECT_EQ(node.original_fault_code, "PAA_PAGAMENTO_SCADUTO");
  EXPECT_EQ(node.original_fault_string, defaultFaultString(fault::paa_pagamento_scaduto));
  EXPECT_EQ(node.original_description, "la posizione 301000000000000144 e' scaduta");
}

TEST(FaultBeans, AreWrittenInTheXsdsOrderInsideAKoResponseAndReadBack) {
  FaultBean node = faultFromEc(ecFault());
  node.description = "Errore restituito dall'ente creditore <77777777777> & co";
  node.serial = -1;
  ActivatePaymentNoticeV2Response m;
  m.outcome = Outcome::ko;
  m.fault = node;
  const std::string xml = write(m);

  const auto& schemas = testing::PagopaSchemas::get();
  ASSERT_TRUE(schemas.loaded()) << schemas.loadError();
  EXPECT_EQ(schemas.validate(xml), "") << xml;

  std::size_t last = xml.find("<outcome>KO</outcome>");
  ASSERT_NE(last, std::string::npos) << xml;
  for (const char* e : {"<fault>", "<faultCode>", "<faultString>", "<id>", "<description>", "<serial>",
                        "<originalFaultCode>", "<originalFaultString>", "<originalDescription>"}) {
    const std::size_t at = xml.find(e);
    ASSERT_NE(at, std::string::npos) << e;
    EXPECT_GT(at, last) << e << " out of order in " << xml;
    last = at;
  }

  auto back = read<ActivatePaymentNoticeV2Response>(*readEnvelope(xml));
  ASSERT_TRUE(back) << back.error().description.value_or("");
  EXPECT_EQ(back->outcome, Outcome::ko);
  ASSERT_TRUE(back->fault);
  EXPECT_EQ(*back->fault, node);
}

TEST(FaultBeans, OptionalFieldsAbsentAndTheEcsOwnKo) {
  FaultBean bare{"PAA_PAGAMENTO_SCONOSCIUTO", "sconosciuto", "77777777777", {}, {}, {}, {}, {}};
  PaGetPaymentV2Response m;
  m.outcome = Outcome::ko;
  m.fault = bare;
  const std::string xml = write(m);
  EXPECT_EQ(xml.find("<description>"), std::string::npos);
  EXPECT_EQ(xml.find("<serial>"), std::string::npos);
  EXPECT_EQ(testing::PagopaSchemas::get().validate(xml), "") << xml;
  auto back = read<PaGetPaymentV2Response>(*readEnvelope(xml));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->fault, bare);
  EXPECT_FALSE(back->data);
}

TEST(FaultBeans, WriteKoAnswersAnOperationWhoseRequestCouldNotBeRead) {
  FaultBean f = makeFault(fault::paa_sintassi_xsd, "77777777777", "paGetPaymentReq/idPA: missing");
  const std::string xml = writeKo(Operation::pa_get_payment, f);
  auto back = read<PaGetPaymentRes>(*readEnvelope(xml));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->outcome, Outcome::ko);
  EXPECT_EQ(back->fault, f);
  EXPECT_EQ(info(Operation::pa_get_payment).soap_action, "paGetPayment");
  EXPECT_EQ(info(Operation::send_payment_outcome_v2).request, "sendPaymentOutcomeV2Request");
  EXPECT_EQ(operations().size(), 10u);
}

TEST(FaultBeans, AnUnreadableEnvelopeForAKnownOperationGetsAKoWithExtraXsd) {
  auto refused = readEnvelope("<soapenv:Envelope");
  ASSERT_FALSE(refused);
  auto op = operationForSoapAction("\"paGetPaymentV2\"");
  ASSERT_EQ(op, Operation::pa_get_payment_v2);
  EXPECT_EQ(operationForSoapAction("activatePaymentNotice"), Operation::activate_payment_notice);
  EXPECT_FALSE(operationForSoapAction("nodoInviaRPT"));
  EXPECT_FALSE(operationForSoapAction(""));

  FaultBean f = envelopeFault(refused.error(), FaultPrefix::paa);
  EXPECT_EQ(f.fault_code, "PAA_SINTASSI_EXTRAXSD");
  EXPECT_EQ(f.description->rfind("xml.malformed: ", 0), 0u) << *f.description;
  const std::string xml = writeKo(*op, f);
  EXPECT_EQ(testing::PagopaSchemas::get().validate(xml), "") << xml;
  auto back = read<PaGetPaymentV2Response>(*readEnvelope(xml));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->fault, f);
  EXPECT_EQ(envelopeFault(refused.error(), FaultPrefix::ppt).id, fault::node_id);
}

// ---- Dates ----

TEST(XsdDates, DatesParseAndFormat) {
  EXPECT_EQ(formatDate(Date{year{2026}, month{3}, day{1}}), "2026-03-01");
  EXPECT_EQ(parseDate("2024-02-29"), (Date{year{2024}, month{2}, day{29}}));
  EXPECT_EQ(parseDate("2026-03-01Z"), (Date{year{2026}, month{3}, day{1}}));
  EXPECT_EQ(parseDate("2026-03-01+01:00"), (Date{year{2026}, month{3}, day{1}}));
  for (const char* bad :
       {"2023-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026-01-01T00:00:00",
        "2026-01-01+15:00", "0000-01-01", "2026/01/01", "", "2026-01-01 "}) {
    EXPECT_FALSE(parseDate(bad)) << bad;
  }
}

TEST(XsdDates, DateTimesKeepTheirZoneAndFraction) {
  auto t = parseDateTime("2026-03-31T10:15:30");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->offset);
  EXPECT_EQ(formatDateTime(*t), "2026-03-31T10:15:30");
  for (const char* s : {"2026-03-31T10:15:30.123", "2026-03-31T10:15:30.123456Z", "2026-03-31T10:15:30-05:30",
                        "2026-03-31T10:15:30.5+14:00"}) {
    auto v = parseDateTime(s);
    ASSERT_TRUE(v) << s;
    auto again = parseDateTime(formatDateTime(*v));
    ASSERT_TRUE(again) << formatDateTime(*v);
    EXPECT_EQ(*again, *v) << s;
  }
  EXPECT_EQ(formatDateTime(*parseDateTime("2026-03-31T10:15:30.5+00:00")), "2026-03-31T10:15:30.500Z");
  EXPECT_EQ(formatDateTime(*parseDateTime("2026-12-31T24:00:00")), "2027-01-01T00:00:00");
  for (const char* bad : {"2026-03-31", "2026-03-31T10:15", "2026-03-31T10:15:60", "2026-03-31T24:00:01",
                          "2026-03-31T10:15:30.", "2026-03-31T10:15:30+1:00", "2026-03-31 10:15:30"}) {
    EXPECT_FALSE(parseDateTime(bad)) << bad;
  }
  EXPECT_EQ(formatDateTime(DateTime::utc(sys_days{Date{year{2026}, month{1}, day{2}}} + 3h)),
            "2026-01-02T03:00:00Z");
}

}  // namespace
}  // namespace sportello::pagopa
