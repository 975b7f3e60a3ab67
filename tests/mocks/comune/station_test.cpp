// The comune's paForNode station through a real server on port 0, from the node's side: the five
// operations on seeded positions (answers valid against pagoPA's XSDs), every state and identity fault,
// malformed requests, receipts booked once whatever the repetitions, and the client certificate rule.
#include <thread>

#include "mocks/comune/station_operations.hpp"
#include "tests/mocks/comune/station_fixture.hpp"

using namespace sportello;
using namespace sportello::comune;
using namespace sportello::test;
namespace f = pagopa::fault;

namespace {

using std::chrono::day;
using std::chrono::December;
using std::chrono::year;

// The demo positions, keyed by what they are for.
struct Demo {
  std::string tari_single;  // TARI, single payment: two transfers (the comune and the province's TEFA)
  std::string tari_rata1;
  std::string mensa;  // one transfer with a bank and a postal IBAN
};

class EcStation : public StationHttp {
 protected:
  Demo seed() {
    auto report = seedDemo(*positions, demoComune(), *clock);
    EXPECT_TRUE(report) << report.error();
    Demo d;
    for (const auto& iupd : report ? report->iupds : std::vector<std::string>{}) {
      auto p = positions->get(kVigata, iupd);
      EXPECT_TRUE(p);
      if (!p) continue;
      if (iupd.starts_with("VGT-TARI")) {
        d.tari_single = p->options[0].nav;
        d.tari_rata1 = p->options[1].nav;
      }
      if (iupd.starts_with("VGT-MENSA")) d.mensa = p->options[0].nav;
    }
    return d;
  }
};

TEST_F(EcStation, VerifyAnswersTheNoticeOption) {
  std::string notice = addPosition("VGT-ST-1");
  auto res = call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(notice));
  ASSERT_EQ(res.outcome, pagopa::Outcome::ok) << (res.fault ? res.fault->fault_code : "");
  ASSERT_TRUE(res.payment_list);
  EXPECT_EQ(res.payment_list->amount, 10000);
  EXPECT_EQ(res.payment_list->options, pagopa::AmountOption::eq);
  EXPECT_EQ(res.payment_list->due_date, (pagopa::Date{year{2026}, December, day{31}}));
  EXPECT_EQ(res.payment_list->detail_description, "TARI 2026 - unica soluzione");
  EXPECT_FALSE(res.payment_list->all_ccp);
  EXPECT_EQ(res.payment_description, "TARI 2026 - unica soluzione");
  EXPECT_EQ(res.fiscal_code_pa, kVigata);
  EXPECT_EQ(res.company_name, "Comune di Vigata");
  EXPECT_EQ(res.office_name, "Ufficio Tributi");
  EXPECT_GE(log.waitFor({"station_operation", "paVerifyPaymentNotice", notice, "\"outcome\":\"OK\""}), 1u);
}

TEST_F(EcStation, VerifySaysAllCcpOnlyWhenEveryTransferHasAPostalIban) {
  Demo d = seed();
  auto mensa = call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(d.mensa));
  ASSERT_TRUE(mensa.payment_list);
  EXPECT_TRUE(mensa.payment_list->all_ccp);
  auto tari = call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(d.tari_single));
  ASSERT_TRUE(tari.payment_list);
  EXPECT_FALSE(tari.payment_list->all_ccp);
  EXPECT_EQ(tari.payment_list->amount, 24860);
}

TEST_F(EcStation, GetPaymentGivesThePaymentDataWithBothBeneficiaries) {
  Demo d = seed();
  auto req = getPaymentRequest<pagopa::PaGetPaymentReq>(d.tari_single);
  req.amount = 24860;
  auto res = call<pagopa::PaGetPaymentRes>(req);
  ASSERT_EQ(res.outcome, pagopa::Outcome::ok) << (res.fault ? res.fault->fault_code : "");
  ASSERT_TRUE(res.data);
  const auto& p = *res.data;
  EXPECT_EQ(p.creditor_reference_id, d.tari_single.substr(1));  // aux 3: the IUV follows the aux digit
  EXPECT_EQ(p.payment_amount, 24860);
  EXPECT_TRUE(p.retention_date);
  EXPECT_FALSE(p.last_payment);  // not an instalment
  EXPECT_NE(p.description.find("unica soluzione"), std::string::npos);
  EXPECT_EQ(p.company_name, "Comune di Vigata");
  EXPECT_EQ(p.office_name, "Ufficio Tributi");
  EXPECT_EQ(p.debtor.entity_id, "RSSMRA82C15H501O");
  EXPECT_EQ(p.debtor.full_name, "Mario Rossi");
  EXPECT_EQ(p.debtor.street_name, "Via Lungomare");
  EXPECT_EQ(p.debtor.state_province_region, "AG");
  EXPECT_EQ(p.debtor.email, "mario.rossi@example.com");
  ASSERT_EQ(p.transfer_list.size(), 2u);
  EXPECT_EQ(p.transfer_list[0].id_transfer, 1);
  EXPECT_EQ(p.transfer_list[0].fiscal_code_pa, kVigata);
  EXPECT_EQ(p.transfer_list[0].iban, kComuneIban);
  EXPECT_EQ(p.transfer_list[0].transfer_amount, 23676);
  EXPECT_EQ(p.transfer_list[1].fiscal_code_pa, kMontelusa);
  EXPECT_EQ(p.transfer_list[1].transfer_amount, 1184);
  EXPECT_EQ(p.transfer_list[1].transfer_category, "9/0201133IM/");
}

TEST_F(EcStation, GetPaymentV2NamesTheBeneficiariesAndSaysWhichInstalmentIsLast) {
  Demo d = seed();
  auto res =
      call<pagopa::PaGetPaymentV2Response>(getPaymentRequest<pagopa::PaGetPaymentV2Request>(d.tari_rata1));
  ASSERT_EQ(res.outcome, pagopa::Outcome::ok) << (res.fault ? res.fault->fault_code : "");
  ASSERT_TRUE(res.data);
  EXPECT_EQ(res.data->payment_amount, 12430);
  EXPECT_EQ(res.data->last_payment, false);  // rata 2 is still to pay
  ASSERT_EQ(res.data->transfer_list.size(), 2u);
  const auto& tefa = res.data->transfer_list[1];
  EXPECT_EQ(tefa.company_name, "Libero Consorzio Comunale di Montelusa");
  ASSERT_TRUE(std::holds_alternative<pagopa::Iban>(tefa.account));
  EXPECT_EQ(std::get<pagopa::Iban>(tefa.account).code, "IT70L0200816601000104857361");
  EXPECT_EQ(res.data->transfer_list[0].company_name, "Comune di Vigata");
}

TEST_F(EcStation, TransferTypePostalPutsThePostalIban) {
  Demo d = seed();
  auto bank = call<pagopa::PaGetPaymentRes>(getPaymentRequest<pagopa::PaGetPaymentReq>(d.mensa));
  ASSERT_TRUE(bank.data);
  EXPECT_EQ(bank.data->transfer_list.at(0).iban, kComuneIban);
  auto req = getPaymentRequest<pagopa::PaGetPaymentReq>(d.mensa);
  req.transfer_type = pagopa::TransferType::postal;
  auto postal = call<pagopa::PaGetPaymentRes>(req);
  ASSERT_TRUE(postal.data);
  EXPECT_EQ(postal.data->transfer_list.at(0).iban, kPostalIban);
  auto req2 = getPaymentRequest<pagopa::PaGetPaymentV2Request>(d.mensa);
  req2.transfer_type = pagopa::TransferType::postal;
  auto postal2 = call<pagopa::PaGetPaymentV2Response>(req2);
  ASSERT_TRUE(postal2.data);
  EXPECT_EQ(std::get<pagopa::Iban>(postal2.data->transfer_list.at(0).account).code, kPostalIban);
  // A transfer with a bank IBAN only keeps it whatever the node asks.
  auto req3 = getPaymentRequest<pagopa::PaGetPaymentReq>(d.tari_single);
  req3.transfer_type = pagopa::TransferType::postal;
  auto tari = call<pagopa::PaGetPaymentRes>(req3);
  ASSERT_TRUE(tari.data);
  EXPECT_EQ(tari.data->transfer_list.at(0).iban, kComuneIban);
}

TEST_F(EcStation, AMarcaDaBolloTravelsOnlyInV2) {
  DebtPosition p = positionValue("VGT-ST-BOLLO");
  p.options[0].amount = 11600;
  p.options[0].transfers[0].amount = 10000;
  Transfer stamp;
  stamp.id_transfer = "2";
  stamp.amount = 1600;
  stamp.organization_fiscal_code = kVigata;
  stamp.remittance_information = "Marca da bollo";
  stamp.category = "9/0301116TS/9/24B0060000000017";
  stamp.stamp = Stamp{"ZmFrZS1kb2N1bWVudC1oYXNo", "01", "AG"};
  p.options[0].transfers.push_back(stamp);
  std::string notice = addPosition(std::move(p));
  ASSERT_FALSE(notice.empty());
  auto v2 = call<pagopa::PaGetPaymentV2Response>(getPaymentRequest<pagopa::PaGetPaymentV2Request>(notice));
  ASSERT_TRUE(v2.data) << (v2.fault ? v2.fault->description.value_or("") : "");
  const auto& account = v2.data->transfer_list.at(1).account;
  ASSERT_TRUE(std::holds_alternative<pagopa::RichiestaMarcaDaBollo>(account));
  EXPECT_EQ(std::get<pagopa::RichiestaMarcaDaBollo>(account).provincia_residenza, "AG");
  auto v1 = call<pagopa::PaGetPaymentRes>(getPaymentRequest<pagopa::PaGetPaymentReq>(notice));
  expectFault(v1, f::paa_semantica, "marca da bollo");
}

TEST_F(EcStation, AnAmountOtherThanTheNoticesIsRefused) {
  std::string notice = addPosition("VGT-ST-AMOUNT");
  auto req = getPaymentRequest<pagopa::PaGetPaymentV2Request>(notice);
  req.amount = 9999;
  auto res = call<pagopa::PaGetPaymentV2Response>(req);
  expectFault(res, f::paa_attiva_rpt_importo_non_valido, "99.99");
  EXPECT_FALSE(res.data);
  EXPECT_EQ(res.fault->id, kVigata);
  auto v1 = getPaymentRequest<pagopa::PaGetPaymentReq>(notice);
  v1.amount = 10001;
  expectFault(call<pagopa::PaGetPaymentRes>(v1), f::paa_attiva_rpt_importo_non_valido);
}

TEST_F(EcStation, EveryStateOfAPositionHasItsFault) {
  std::string draft = addPosition("VGT-ST-DRAFT", false);
  std::string cancelled = addPosition("VGT-ST-INVALID");
  ASSERT_TRUE(positions->invalidate(kVigata, "VGT-ST-INVALID"));
  DebtPosition lapsing = positionValue("VGT-ST-EXPIRED");
  lapsing.switch_to_expired = true;
  lapsing.options[0].due_date = fixedNow() + std::chrono::days(2);
  std::string expired = addPosition(std::move(lapsing));
  std::string unknown = vigataNotice(999).digits;

  auto both = [&](const std::string& notice, std::string_view code) {
    SCOPED_TRACE(std::string(code));
    expectFault(call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(notice)), code);
    expectFault(
        call<pagopa::PaGetPaymentV2Response>(getPaymentRequest<pagopa::PaGetPaymentV2Request>(notice)), code);
    expectFault(call<pagopa::PaGetPaymentRes>(getPaymentRequest<pagopa::PaGetPaymentReq>(notice)), code);
  };
  both(unknown, f::paa_pagamento_sconosciuto);
  both(draft, f::paa_pagamento_sconosciuto);
  both(cancelled, f::paa_pagamento_annullato);
  EXPECT_EQ(call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(expired)).outcome, pagopa::Outcome::ok);
  clock->advance(std::chrono::days(3));
  both(expired, f::paa_pagamento_scaduto);
  EXPECT_GE(log.waitFor({"station_operation", "PAA_PAGAMENTO_SCADUTO", expired}), 1u);
}

TEST_F(EcStation, APositionIsPaidOnlyByPaSendRT) {
  std::string notice = addPosition("VGT-ST-PAY");
  EXPECT_EQ(call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(notice)).outcome, pagopa::Outcome::ok);
  EXPECT_EQ(
      call<pagopa::PaGetPaymentV2Response>(getPaymentRequest<pagopa::PaGetPaymentV2Request>(notice)).outcome,
      pagopa::Outcome::ok);
  EXPECT_EQ(call<pagopa::PaGetPaymentRes>(getPaymentRequest<pagopa::PaGetPaymentReq>(notice)).outcome,
            pagopa::Outcome::ok);
  EXPECT_EQ(positions->get(kVigata, "VGT-ST-PAY")->status, PositionStatus::valid);

  auto sent = call<pagopa::PaSendRTRes>(sendRtRequest(notice, "rcpt-pay-1"));
  EXPECT_EQ(sent.outcome, pagopa::Outcome::ok) << (sent.fault ? sent.fault->description.value_or("") : "");
  EXPECT_FALSE(sent.fault);
  EXPECT_EQ(positions->get(kVigata, "VGT-ST-PAY")->status, PositionStatus::paid);
  EXPECT_EQ(receiptsBooked(), 1u);
  EXPECT_GE(log.waitFor({"station_operation", "paSendRT", notice, "\"booking\":\"booked\""}), 1u);

  expectFault(call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(notice)), f::paa_pagamento_duplicato);
  expectFault(call<pagopa::PaGetPaymentV2Response>(getPaymentRequest<pagopa::PaGetPaymentV2Request>(notice)),
              f::paa_pagamento_duplicato);
}

TEST_F(EcStation, PaSendRTV2BooksTheReceiptAndKeepsTheRawMessage) {
  std::string notice = addPosition("VGT-ST-PAY2");
  pagopa::PaSendRTV2Request req;
  req.id_pa = kVigata;
  req.id_broker_pa = kBroker;
  req.id_station = kStationId;
  req.receipt = receiptFor<pagopa::ReceiptV2>(notice, "rcpt-v2-1");
  auto res = call<pagopa::PaSendRTV2Response>(req);
  EXPECT_EQ(res.outcome, pagopa::Outcome::ok) << (res.fault ? res.fault->description.value_or("") : "");
  EXPECT_EQ(positions->get(kVigata, "VGT-ST-PAY2")->status, PositionStatus::paid);
  auto list = positions->receipts(kVigata, 10);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  const auto& stored = list->front();
  EXPECT_EQ(stored.verdict, "booked");
  EXPECT_EQ(stored.receipt.receipt_id, "rcpt-v2-1");
  EXPECT_EQ(stored.receipt.id_psp, "SPRTLPSP");
  EXPECT_EQ(stored.receipt.fee, 100);
  // 2026-11-22T11:00:00 Italian time is 10:00 UTC (CET).
  EXPECT_EQ(stored.receipt.payment_date_time, fixedNow());
  EXPECT_NE(stored.receipt.raw_xml.find("paSendRTV2Request"), std::string::npos);
}

TEST_F(EcStation, AReceiptDeliveredTwiceIsBookedOnceAndAConflictingOneRefused) {
  std::string notice = addPosition("VGT-ST-DUP");
  const pagopa::PaSendRTReq rt = sendRtRequest(notice, "rcpt-dup");
  auto first = call<pagopa::PaSendRTRes>(rt);
  EXPECT_EQ(first.outcome, pagopa::Outcome::ok);
  auto again = call<pagopa::PaSendRTRes>(rt);
  EXPECT_EQ(again.outcome, pagopa::Outcome::ok) << (again.fault ? again.fault->fault_code : "");
  EXPECT_EQ(receiptsBooked(), 1u);
  EXPECT_GE(log.waitFor({"station_operation", "paSendRT", "\"booking\":\"duplicate\""}), 1u);

  // The same receiptId for another notice: other content.
  std::string notice2 = addPosition("VGT-ST-DUP2");
  pagopa::PaSendRTReq other = sendRtRequest(notice2, "rcpt-dup");
  auto conflict = call<pagopa::PaSendRTRes>(other);
  expectFault(conflict, f::paa_semantica, "rcpt-dup");
  EXPECT_EQ(positions->get(kVigata, "VGT-ST-DUP2")->status, PositionStatus::valid);
  EXPECT_EQ(receiptsBooked(), 1u);
}

TEST_F(EcStation, EightConcurrentDeliveriesOfOneReceiptBookItOnce) {
  std::string notice = addPosition("VGT-ST-RACE");
  const std::string body = pagopa::write(sendRtRequest(notice, "rcpt-race"));
  constexpr int kThreads = 8;
  std::vector<std::string> answers(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      http::Client own(clientOptions(false));
      auto r = send(body, "paSendRT", "plain", &own);
      answers[static_cast<std::size_t>(i)] = r ? r->body : "error: " + r.error().message();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& a : answers) {
    auto env = pagopa::readEnvelope(a);
    ASSERT_TRUE(env) << a;
    auto res = pagopa::read<pagopa::PaSendRTRes>(*env);
    ASSERT_TRUE(res) << a;
    EXPECT_EQ(res->outcome, pagopa::Outcome::ok) << a;
  }
  EXPECT_EQ(receiptsBooked(), 1u);
  EXPECT_EQ(log.waitFor({"station_operation", "\"booking\":\"booked\""}), 1u);
  EXPECT_EQ(log.waitFor({"station_operation", "\"booking\":\"duplicate\""}, kThreads - 1), 7u);
  EXPECT_EQ(positions->get(kVigata, "VGT-ST-RACE")->status, PositionStatus::paid);
}

TEST_F(EcStation, TheCallerMustBeThisStationsCreditorBrokerAndStation) {
  std::string notice = addPosition("VGT-ST-ID");
  auto req = verifyRequest(notice, "12345678903");
  auto res = call<pagopa::PaVerifyPaymentNoticeRes>(req);
  expectFault(res, f::paa_id_dominio_errato, "12345678903");
  EXPECT_EQ(res.fault->id, kBroker);  // not one of ours: the broker speaks

  req = verifyRequest(notice);
  req.id_broker_pa = "99999999999";
  expectFault(call<pagopa::PaVerifyPaymentNoticeRes>(req), f::paa_id_intermediario_errato);
  req = verifyRequest(notice);
  req.id_station = "80012350841_99";
  expectFault(call<pagopa::PaVerifyPaymentNoticeRes>(req), f::paa_stazione_int_errata);
  // The notice of one creditor asked of another.
  req = verifyRequest(notice);
  req.id_pa = kMontelusa;
  expectFault(call<pagopa::PaVerifyPaymentNoticeRes>(req), f::paa_semantica, "qrCode/fiscalCode");

  auto rt = sendRtRequest(notice, "rcpt-id");
  rt.id_station = "other";
  expectFault(call<pagopa::PaSendRTRes>(rt), f::paa_stazione_int_errata);
  rt = sendRtRequest(notice, "rcpt-id");
  rt.id_pa = "12345678903";
  expectFault(call<pagopa::PaSendRTRes>(rt), f::paa_id_dominio_errato);
  EXPECT_EQ(receiptsBooked(), 0u);
  EXPECT_EQ(positions->get(kVigata, "VGT-ST-ID")->status, PositionStatus::valid);
}

TEST_F(EcStation, AReceiptCopyForABeneficiaryIsKeptNotBooked) {
  Demo d = seed();
  auto rt = sendRtRequest(d.tari_single, "rcpt-tefa");
  rt.id_pa = kMontelusa;  // the province receives its copy: the notice is the comune's
  auto res = call<pagopa::PaSendRTRes>(rt);
  EXPECT_EQ(res.outcome, pagopa::Outcome::ok);
  EXPECT_GE(log.waitFor({"station_operation", "\"booking\":\"copy\""}), 1u);
  EXPECT_EQ(receiptsBooked(), 0u);
}

TEST_F(EcStation, AMalformedRequestGetsTheSyntaxFaultWithTheElementPath) {
  std::string notice = addPosition("VGT-ST-XSD");
  std::string body = pagopa::write(verifyRequest(notice));
  const std::string shortNotice = notice.substr(0, 17);
  body.replace(body.find(notice), notice.size(), shortNotice);
  auto res = readAnswer<pagopa::PaVerifyPaymentNoticeRes>(post(body, "paVerifyPaymentNotice"));
  expectFault(res, f::paa_sintassi_xsd, "paVerifyPaymentNoticeReq/qrCode/noticeNumber");
  EXPECT_EQ(res.fault->id, kBroker);

  std::string missing = pagopa::write(getPaymentRequest<pagopa::PaGetPaymentV2Request>(notice));
  const std::string idStation = std::string("<idStation>") + kStationId + "</idStation>";
  missing.erase(missing.find(idStation), idStation.size());
  expectFault(readAnswer<pagopa::PaGetPaymentV2Response>(post(missing)), f::paa_sintassi_xsd, "idStation");
  EXPECT_GE(log.waitFor({"station_operation", "paGetPaymentV2", "PAA_SINTASSI_XSD"}), 1u);
}

TEST_F(EcStation, AnUnreadableEnvelopeIsAKoForAKnownOperationAndASoapFaultOtherwise) {
  auto ko = readAnswer<pagopa::PaGetPaymentRes>(post("this is not XML", "\"paGetPayment\""));
  expectFault(ko, f::paa_sintassi_extraxsd, "xml.");

  http::Response fault = post("this is not XML");
  EXPECT_EQ(fault.status, 500);
  auto env = pagopa::readEnvelope(fault.body);
  ASSERT_TRUE(env) << fault.body;
  ASSERT_TRUE(pagopa::isSoapFault(*env));
  auto sf = pagopa::readSoapFault(*env);
  ASSERT_TRUE(sf);
  EXPECT_EQ(sf->code, pagopa::soap_code::client);
  ASSERT_TRUE(sf->rule);
  EXPECT_TRUE(sf->rule->starts_with("xml.")) << *sf->rule;
}

TEST_F(EcStation, SoapActionMustNameThePayloadsOperation) {
  std::string notice = addPosition("VGT-ST-ACTION");
  std::string body = pagopa::write(verifyRequest(notice));
  http::Response wrong = post(body, "\"paGetPayment\"");
  EXPECT_EQ(wrong.status, 500);
  auto env = pagopa::readEnvelope(wrong.body);
  ASSERT_TRUE(env);
  auto sf = pagopa::readSoapFault(*env);
  ASSERT_TRUE(sf);
  EXPECT_EQ(sf->rule, "station.soap_action");
  // Unquoted, quoted or empty ("the Request-URI says it") all do.
  for (std::string action : {"paVerifyPaymentNotice", "\"paVerifyPaymentNotice\"", "\"\""}) {
    auto ok = readAnswer<pagopa::PaVerifyPaymentNoticeRes>(post(body, action));
    EXPECT_EQ(ok.outcome, pagopa::Outcome::ok) << action;
  }
  // A payload that is no paForNode request, without a SOAPAction to go by.
  pagopa::VerifyPaymentNoticeReq psp;
  psp.credentials = {"SPRTLPSP", "SPRTLPSP", "SPRTLPSP_01", "sportello"};
  psp.qr_code = {kVigata, notice};
  http::Response other = post(pagopa::write(psp));
  EXPECT_EQ(other.status, 500);
  auto env2 = pagopa::readEnvelope(other.body);
  ASSERT_TRUE(env2);
  auto sf2 = pagopa::readSoapFault(*env2);
  ASSERT_TRUE(sf2);
  EXPECT_EQ(sf2->rule, "station.operation");
  // With one: read as that operation, refused by the XSD reader.
  auto asVerify =
      readAnswer<pagopa::PaVerifyPaymentNoticeRes>(post(pagopa::write(psp), "paVerifyPaymentNotice"));
  expectFault(asVerify, f::paa_sintassi_xsd);
}

TEST_F(EcStation, AClientCertificateIsRequiredWhenConfigured) {
  start(true);
  std::string notice = addPosition("VGT-ST-CERT");
  const std::string body = pagopa::write(verifyRequest(notice));
  auto expectRefused = [&](const std::string& listener, http::Client& c) {
    SCOPED_TRACE(listener);
    auto r = send(body, "paVerifyPaymentNotice", listener, &c);
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 403);
    auto env = pagopa::readEnvelope(r->body);
    ASSERT_TRUE(env) << r->body;
    auto sf = pagopa::readSoapFault(*env);
    ASSERT_TRUE(sf);
    EXPECT_EQ(sf->rule, "station.client_cert");
  };
  expectRefused("plain", client);
  http::Client anonymous(clientOptions(false));
  expectRefused("tls", anonymous);
  http::Client node(clientOptions(true));
  expectRefused("tls", node);  // a certificate offered where none is asked for does not count
  EXPECT_GE(log.waitFor({"station_operation", "\"outcome\":\"refused\"", "station.client_cert"}, 3), 3u);

  auto ok = send(body, "paVerifyPaymentNotice", "mtls", &node);
  ASSERT_TRUE(ok) << ok.error().message();
  auto res = readAnswer<pagopa::PaVerifyPaymentNoticeRes>(*ok);
  EXPECT_EQ(res.outcome, pagopa::Outcome::ok);
  // Without the requirement every listener is served.
  start(false);
  http::Client anonymous2(clientOptions(false));
  auto open = send(body, "paVerifyPaymentNotice", "tls", &anonymous2);
  ASSERT_TRUE(open) << open.error().message();
  EXPECT_EQ(open->status, 200);
}

TEST_F(EcStation, EveryRequestIsCountedByOperationAndOutcome) {
  std::string notice = addPosition("VGT-ST-METRICS");
  call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(notice));
  call<pagopa::PaVerifyPaymentNoticeRes>(verifyRequest(vigataNotice(998).digits));
  post("nonsense");
  std::string text = metrics->render();
  EXPECT_NE(
      text.find(
          "sportello_comune_station_requests_total{operation=\"paVerifyPaymentNotice\",outcome=\"OK\"} 1"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "sportello_comune_station_requests_total{operation=\"paVerifyPaymentNotice\",outcome=\"KO\"} 1"),
      std::string::npos);
  EXPECT_NE(text.find("operation=\"-\",outcome=\"soap_fault\"} 1"), std::string::npos);
  EXPECT_GE(log.waitFor({"station_operation", "paVerifyPaymentNotice", kVigata, vigataNotice(998).digits,
                         "\"outcome\":\"KO\"", "PAA_PAGAMENTO_SCONOSCIUTO"}),
            1u);
}

TEST(StationDates, ItalianWallClockTimesBecomeInstants) {
  using namespace std::chrono;
  auto at = [](int y, unsigned m, unsigned d, int h, int min) {
    return pagopa::DateTime{local_days{year{y} / month{m} / day{d}} + hours(h) + minutes(min), std::nullopt};
  };
  auto utc = [](int y, unsigned m, unsigned d, int h, int min) {
    return TimePoint(sys_days{year{y} / month{m} / day{d}} + hours(h) + minutes(min));
  };
  EXPECT_EQ(station::toTimePoint(at(2026, 1, 10, 10, 0)), utc(2026, 1, 10, 9, 0));     // CET
  EXPECT_EQ(station::toTimePoint(at(2026, 7, 10, 10, 0)), utc(2026, 7, 10, 8, 0));     // CEST
  EXPECT_EQ(station::toTimePoint(at(2026, 3, 29, 1, 59)), utc(2026, 3, 29, 0, 59));    // before the switch
  EXPECT_EQ(station::toTimePoint(at(2026, 3, 29, 3, 0)), utc(2026, 3, 29, 1, 0));      // after it
  EXPECT_EQ(station::toTimePoint(at(2026, 10, 25, 2, 30)), utc(2026, 10, 25, 0, 30));  // the first 02:30
  EXPECT_EQ(station::toTimePoint(at(2026, 10, 25, 3, 0)), utc(2026, 10, 25, 2, 0));
  auto zoned = at(2026, 7, 10, 10, 0);
  zoned.offset = minutes(0);
  EXPECT_EQ(station::toTimePoint(zoned), utc(2026, 7, 10, 10, 0));
}

}  // namespace
