// The node's nodeForPsp operations through real sockets: the happy path to the receipts, credentials,
// syntax, routing, every way an EC call fails, token life on the simulated clock, idempotency keys,
// duplicates and races.
#include <atomic>
#include <thread>

#include "tests/mocks/pagopa/node_fixture.hpp"

using namespace sportello;
using namespace sportello::test;
using pagopa::Outcome;
using namespace std::chrono_literals;

namespace {

TEST_F(NodeTest, HappyPathVerifyActivateOutcomeDeliversOneReceiptToEveryEcOfTheTransferList) {
  const std::string nav = notice(1);
  ec->add({kVigata, nav, 10000, "TARI 2026 - unica soluzione", {{kVigata, 9500}, {kMontelusa, 500}}});

  auto v = verify(kVigata, nav);
  ASSERT_EQ(v.outcome, Outcome::ok) << faultOf(v);
  ASSERT_EQ(v.payment_list.size(), 1u);
  EXPECT_EQ(v.payment_list[0].amount, 10000);
  EXPECT_EQ(v.fiscal_code_pa, kVigata);

  auto a = activate(kVigata, nav);
  ASSERT_EQ(a.outcome, Outcome::ok) << faultOf(a);
  ASSERT_TRUE(a.payment_token);
  const std::string tok = *a.payment_token;
  EXPECT_LE(tok.size(), 35u);
  EXPECT_EQ(a.total_amount, 10000);
  ASSERT_EQ(a.transfer_list.size(), 2u);
  EXPECT_EQ(a.transfer_list[1].fiscal_code_pa, kMontelusa);
  EXPECT_EQ(a.creditor_reference_id, nav.substr(1));
  EXPECT_EQ(stateOf(tok), "PAYING");

  auto o = outcome({tok});
  ASSERT_EQ(o.outcome, Outcome::ok) << faultOf(o);

  ASSERT_TRUE(eventually([&] { return stateOf(tok) == "NOTIFIED"; })) << stateOf(tok);
  EXPECT_EQ(ec->receiptsFor(kVigata, tok), 1);
  EXPECT_EQ(ec->receiptsFor(kMontelusa, tok), 1);
  // Nothing is left to send, so a flush sends nothing again.
  auto f = flush();
  EXPECT_EQ(f["attempted"].as_int64(), 0);
  EXPECT_EQ(ec->accepted().size(), 2u);

  // The receipt: valid paSendRTV2, receiptId = the token, the amounts, the PSP, the simulated time.
  for (const auto& r : ec->accepted()) {
    EXPECT_EQ(pagopa::testing::PagopaSchemas::get().validate(r.body), "") << r.body;
    auto env = pagopa::readEnvelope(r.body);
    ASSERT_TRUE(env);
    auto m = pagopa::read<pagopa::PaSendRTV2Request>(*env);
    ASSERT_TRUE(m) << m.error().description.value_or("");
    EXPECT_EQ(m->id_pa, r.recipient);
    EXPECT_EQ(m->receipt.receipt_id, tok);
    EXPECT_EQ(m->receipt.fiscal_code, kVigata);
    EXPECT_EQ(m->receipt.notice_number, nav);
    EXPECT_EQ(m->receipt.payment_amount, 10000);
    EXPECT_EQ(m->receipt.fee, 100);
    EXPECT_EQ(m->receipt.id_psp, "SPRTLPSP");
    EXPECT_EQ(m->receipt.payment_method, "creditCard");
    ASSERT_EQ(m->receipt.transfer_list.size(), 2u);
    EXPECT_EQ(m->receipt.transfer_list[1].transfer_amount, 500);
    ASSERT_TRUE(m->receipt.payment_date_time);
    EXPECT_EQ(pagopa::formatDateTime(*m->receipt.payment_date_time), "2026-11-22T10:00:00Z");
  }
  auto rows = outboxRows(tok);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) EXPECT_EQ(row.at("state").as_string(), "done");

  // Paid: no second payment, and verify says so.
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_PAGAMENTO_DUPLICATO");
  EXPECT_EQ(faultOf(verify(kVigata, nav)), "PPT_PAGAMENTO_DUPLICATO");

  EXPECT_GE(log.count({"\"event\":\"pagopa_node\"", "\"op\":\"activatePaymentNoticeV2\"", tok.c_str()}), 1u);
  EXPECT_NE(
      metrics->render().find("sportello_pagopa_node_operations_total{operation=\"sendPaymentOutcomeV2\","
                             "outcome=\"OK\"} 1"),
      std::string::npos)
      << metrics->render();
}

TEST_F(NodeTest, CredentialsAreCheckedAgainstThePagopaSection) {
  const std::string nav = notice(2);
  ec->add({kVigata, nav});
  auto tryWith = [&](pagopa::PspCredentials c) {
    auto r = verifyReq(kVigata, nav);
    r.credentials = std::move(c);
    return faultOf(call<pagopa::VerifyPaymentNoticeRes>(r));
  };
  auto c = pspCredentials();
  c.id_psp = "OTHERPSP";
  EXPECT_EQ(tryWith(c), "PPT_PSP_SCONOSCIUTO");
  c = pspCredentials();
  c.id_broker_psp = "OTHERBROKER";
  EXPECT_EQ(tryWith(c), "PPT_INTERMEDIARIO_PSP_SCONOSCIUTO");
  c = pspCredentials();
  c.id_channel = "SPRTLPSP_02";
  EXPECT_EQ(tryWith(c), "PPT_CANALE_SCONOSCIUTO");
  c = pspCredentials();
  c.password = "wrongpassword";
  EXPECT_EQ(tryWith(c), "PPT_AUTENTICAZIONE");

  auto o = outcomeReq({"0123456789abcdef"});
  o.credentials.password = "wrongpassword";
  EXPECT_EQ(faultOf(call<pagopa::SendPaymentOutcomeV2Response>(o)), "PPT_AUTENTICAZIONE");
}

TEST_F(NodeTest, StrictReadingGivesSyntaxAndSemanticFaults) {
  // A required element missing: PPT_SINTASSI_XSD.
  std::string body = pagopa::write(verifyReq(kVigata, notice(3)));
  auto start = body.find("<qrCode>");
  auto end = body.find("</qrCode>") + std::string("</qrCode>").size();
  body.erase(start, end - start);
  auto r = readAnswer<pagopa::VerifyPaymentNoticeRes>(post(body, "verifyPaymentNotice"));
  EXPECT_EQ(faultOf(r), "PPT_SINTASSI_XSD");
  EXPECT_EQ(r.fault->id, "NodoDeiPagamentiSPC");

  // Wrong check digits: PPT_SEMANTICA.
  std::string nav = notice(3);
  nav[17] = nav[17] == '0' ? '1' : '0';
  EXPECT_EQ(faultOf(verify(kVigata, nav)), "PPT_SEMANTICA");

  // An OK outcome without details.
  auto o = outcomeReq({"0123456789abcdef"});
  o.details.reset();
  EXPECT_EQ(faultOf(call<pagopa::SendPaymentOutcomeV2Response>(o)), "PPT_SEMANTICA");

  // Not an envelope: the operation's KO when SOAPAction names it, a SOAP Fault otherwise.
  auto named =
      readAnswer<pagopa::ActivatePaymentNoticeV2Response>(post("not xml", "activatePaymentNoticeV2"));
  EXPECT_EQ(faultOf(named), "PPT_SINTASSI_EXTRAXSD");
  auto bare = post("not xml", "");
  EXPECT_EQ(bare.status, 500);
  EXPECT_NE(bare.body.find("Fault"), std::string::npos);

  // A paForNode request is not for the node.
  pagopa::PaVerifyPaymentNoticeReq pa{kVigata, kVigata, "x", {kVigata, notice(3)}};
  auto wrong = post(pagopa::write(pa), "paVerifyPaymentNotice");
  EXPECT_EQ(wrong.status, 500);
  EXPECT_NE(wrong.body.find("node.operation"), std::string::npos) << wrong.body;
}

TEST_F(NodeTest, RoutingByEcThenSegregationCode) {
  EXPECT_EQ(faultOf(verify(kStrangerEc, notice(4))), "PPT_DOMINIO_SCONOSCIUTO");
  // Vigata's station serves segregation code 47 only.
  const std::string other = notice(4, 12);
  ec->add({kVigata, other});
  EXPECT_EQ(faultOf(verify(kVigata, other)), "PPT_STAZIONE_INT_PA_SCONOSCIUTA");
  EXPECT_EQ(faultOf(activate(kVigata, other)), "PPT_STAZIONE_INT_PA_SCONOSCIUTA");
  // Montelusa's station takes any.
  ec->add({kMontelusa, other});
  EXPECT_EQ(verify(kMontelusa, other).outcome, Outcome::ok);
}

TEST_F(NodeTest, EcUnreachableWithoutCertificateSlowGarbageOrKo) {
  const std::string nav = notice(5);
  EXPECT_EQ(faultOf(verify(kUnreachableEc, nav)), "PPT_STAZIONE_INT_PA_IRRAGGIUNGIBILE");
  EXPECT_EQ(faultOf(activate(kUnreachableEc, nav)), "PPT_STAZIONE_INT_PA_IRRAGGIUNGIBILE");
  // The EC's listener wants the node's client certificate; this station does not present it.
  ec->add({kNoCertEc, nav});
  auto noCert = verify(kNoCertEc, nav);
  EXPECT_EQ(faultOf(noCert), "PPT_STAZIONE_INT_PA_IRRAGGIUNGIBILE") << noCert.fault->description.value_or("");

  ec->add({kVigata, nav});
  ec->setMode(kVigata, nav, FakeNotice::Mode::slow);  // 3 s, the station waits 1 s
  EXPECT_EQ(faultOf(verify(kVigata, nav)), "PPT_STAZIONE_INT_PA_TIMEOUT");
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_STAZIONE_INT_PA_TIMEOUT");

  ec->setMode(kVigata, nav, FakeNotice::Mode::garbage);
  EXPECT_EQ(faultOf(verify(kVigata, nav)), "PPT_STAZIONE_INT_PA_ERRORE_RESPONSE");
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_STAZIONE_INT_PA_ERRORE_RESPONSE");
  ec->setMode(kVigata, nav, FakeNotice::Mode::soap_fault);
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_STAZIONE_INT_PA_ERRORE_RESPONSE");
  ec->setMode(kVigata, nav, FakeNotice::Mode::wrong_answer);
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_STAZIONE_INT_PA_ERRORE_RESPONSE");

  ec->down = true;
  EXPECT_EQ(faultOf(verify(kVigata, nav)), "PPT_STAZIONE_INT_PA_SERVIZIO_NONATTIVO");
  ec->down = false;

  // KO: PPT_ERRORE_EMESSO_DA_PAA with the EC's fault copied.
  ec->setMode(kVigata, nav, FakeNotice::Mode::ko);
  for (const auto& r : {verify(kVigata, nav).fault, activate(kVigata, nav).fault}) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->fault_code, "PPT_ERRORE_EMESSO_DA_PAA");
    EXPECT_EQ(r->original_fault_code, "PAA_PAGAMENTO_SCADUTO");
    EXPECT_EQ(r->original_description, "the fake EC says PAA_PAGAMENTO_SCADUTO");
  }
  // Nothing was activated by any of these.
  ec->setMode(kVigata, nav, FakeNotice::Mode::ok);
  EXPECT_EQ(activate(kVigata, nav).outcome, Outcome::ok);
}

TEST_F(NodeTest, AnEcOfTheTransferListWithoutStationIsRefusedAtActivation) {
  const std::string nav = notice(6);
  ec->add({kVigata, nav, 10000, "x", {{kVigata, 9000}, {kStrangerEc, 1000}}});
  auto r = activate(kVigata, nav);
  EXPECT_EQ(faultOf(r), "PPT_STAZIONE_INT_PA_ERRORE_RESPONSE");
  EXPECT_NE(r.fault->description->find(kStrangerEc), std::string::npos);
}

TEST_F(NodeTest, ATokenInProgressBlocksAnotherActivationUntilItExpiresOnTheSimulatedClock) {
  const std::string nav = notice(7);
  ec->add({kVigata, nav});
  const std::string first = token(kVigata, nav);
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_PAGAMENTO_IN_CORSO");
  EXPECT_EQ(faultOf(verify(kVigata, nav)), "PPT_PAGAMENTO_IN_CORSO");
  // token_validity_s = 1800: still active a second before, gone at the end.
  clock->advance(1799s);
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_PAGAMENTO_IN_CORSO");
  clock->advance(1s);
  EXPECT_EQ(stateOf(first), "CANCELLED");
  const std::string second = token(kVigata, nav);
  EXPECT_NE(second, first);
}

TEST_F(NodeTest, ExpirationTimeShortensTheToken) {
  const std::string nav = notice(8);
  ec->add({kVigata, nav});
  auto req = activateReq(kVigata, nav);
  req.expiration_time = 60s;
  auto a = call<pagopa::ActivatePaymentNoticeV2Response>(req);
  ASSERT_EQ(a.outcome, Outcome::ok);
  auto p = payment(*a.payment_token);
  EXPECT_EQ(p["expires_at"].as_string(), "2026-11-22T10:01:00.000Z");
  clock->advance(61s);
  EXPECT_EQ(verify(kVigata, nav).outcome, Outcome::ok);  // payable again
}

TEST_F(NodeTest, OutcomesOnExpiredTokens) {
  // KO on an expired token: PPT_TOKEN_SCADUTO_KO, nothing paid.
  const std::string a = notice(9);
  ec->add({kVigata, a});
  const std::string ta = token(kVigata, a);
  clock->advance(1801s);
  EXPECT_EQ(faultOf(outcome({ta}, false)), "PPT_TOKEN_SCADUTO_KO");
  EXPECT_EQ(stateOf(ta), "CANCELLED");
  EXPECT_EQ(faultOf(outcome({ta}, false)), "PPT_ESITO_GIA_ACQUISITO");

  // A late OK when the notice was activated again meanwhile: refused, the new token goes on.
  const std::string b = notice(10);
  ec->add({kVigata, b});
  const std::string tb1 = token(kVigata, b);
  clock->advance(1801s);
  const std::string tb2 = token(kVigata, b);  // the notice is payable again
  auto late = outcome({tb1});
  EXPECT_EQ(faultOf(late), "PPT_PAGAMENTO_IN_CORSO");
  EXPECT_NE(late.fault->description->find("refund"), std::string::npos);
  EXPECT_EQ(stateOf(tb1), "CANCELLED");
  EXPECT_EQ(outcome({tb2}).outcome, Outcome::ok);
  ASSERT_TRUE(eventually([&] { return ec->receiptsFor(kVigata, tb2) == 1; }));
  EXPECT_EQ(ec->receiptsFor(kVigata, tb1), 0);

  // A late OK on a notice nobody else took: PPT_TOKEN_SCADUTO, but accepted as PAID_NORPT and the EC
  // gets its receipt (the citizen has paid).
  const std::string c = notice(11);
  ec->add({kVigata, c});
  const std::string tc = token(kVigata, c);
  clock->advance(1801s);
  auto accepted = outcome({tc});
  EXPECT_EQ(faultOf(accepted), "PPT_TOKEN_SCADUTO");
  ASSERT_TRUE(eventually([&] { return ec->receiptsFor(kVigata, tc) == 1; }));
  EXPECT_EQ(payment(tc)["late"].as_bool(), true);
  EXPECT_TRUE(eventually([&] { return stateOf(tc) == "NOTIFIED"; }));
  EXPECT_EQ(faultOf(activate(kVigata, c)), "PPT_PAGAMENTO_DUPLICATO");
}

TEST_F(NodeTest, OutcomeKoMakesTheNoticePayableAgainAndSendsNothing) {
  const std::string nav = notice(12);
  ec->add({kVigata, nav});
  const std::string t1 = token(kVigata, nav);
  EXPECT_EQ(outcome({t1}, false).outcome, Outcome::ok);
  EXPECT_EQ(stateOf(t1), "FAILED");
  const std::string t2 = token(kVigata, nav);
  EXPECT_NE(t1, t2);
  flush();
  EXPECT_TRUE(ec->accepted().empty());
  EXPECT_TRUE(outboxRows().empty());
}

TEST_F(NodeTest, UnknownTokenAndSecondOutcome) {
  EXPECT_EQ(faultOf(outcome({"00000000000000000000000000000000"})), "PPT_TOKEN_SCONOSCIUTO");
  const std::string nav = notice(13);
  ec->add({kVigata, nav});
  const std::string t = token(kVigata, nav);
  EXPECT_EQ(outcome({t}).outcome, Outcome::ok);
  EXPECT_EQ(faultOf(outcome({t})), "PPT_ESITO_GIA_ACQUISITO");
  EXPECT_EQ(faultOf(outcome({t}, false)), "PPT_ESITO_GIA_ACQUISITO");
  ASSERT_TRUE(eventually([&] { return stateOf(t) == "NOTIFIED"; }));
  EXPECT_EQ(ec->receiptsFor(kVigata, t), 1);
}

TEST_F(NodeTest, ActivateIdempotencyKey) {
  const std::string nav = notice(14);
  ec->add({kVigata, nav});
  const std::string key = "SPRTLPSP_a1b2c3d4e5";
  auto first = activate(kVigata, nav, 10000, key);
  ASSERT_EQ(first.outcome, Outcome::ok) << faultOf(first);
  // Same key, same request: the same answer, the EC not asked again.
  auto again = activate(kVigata, nav, 10000, key);
  ASSERT_EQ(again.outcome, Outcome::ok) << faultOf(again);
  EXPECT_EQ(again.payment_token, first.payment_token);
  EXPECT_EQ(again, first);
  EXPECT_EQ(ec->getPayments(nav), 1);
  // Same key, another request: PPT_ERRORE_IDEMPOTENZA (even for another notice).
  EXPECT_EQ(faultOf(activate(kVigata, nav, 9999, key)), "PPT_ERRORE_IDEMPOTENZA");
  const std::string other = notice(15);
  ec->add({kVigata, other});
  EXPECT_EQ(faultOf(activate(kVigata, other, 10000, key)), "PPT_ERRORE_IDEMPOTENZA");
  // Another key, same notice: the token is active.
  EXPECT_EQ(faultOf(activate(kVigata, nav, 10000, "SPRTLPSP_zzzzzzzzzz")), "PPT_PAGAMENTO_IN_CORSO");
  // The key expires with its token: the same request then activates anew.
  clock->advance(1801s);
  auto later = activate(kVigata, nav, 10000, key);
  ASSERT_EQ(later.outcome, Outcome::ok) << faultOf(later);
  EXPECT_NE(later.payment_token, first.payment_token);
  EXPECT_EQ(ec->getPayments(nav), 2);
}

TEST_F(NodeTest, OutcomeIdempotencyKey) {
  const std::string nav = notice(16);
  ec->add({kVigata, nav});
  const std::string t = token(kVigata, nav);
  const std::string key = "SPRTLPSP_k1k2k3k4k5";
  EXPECT_EQ(outcome({t}, true, key).outcome, Outcome::ok);
  EXPECT_EQ(outcome({t}, true, key).outcome, Outcome::ok);  // the kept answer
  auto changed = outcomeReq({t}, true, key);
  changed.details->fee = 250;
  EXPECT_EQ(faultOf(call<pagopa::SendPaymentOutcomeV2Response>(changed)), "PPT_ERRORE_IDEMPOTENZA");
  EXPECT_EQ(faultOf(outcome({t})), "PPT_ESITO_GIA_ACQUISITO");  // without the key
  ASSERT_TRUE(eventually([&] { return stateOf(t) == "NOTIFIED"; }));
  EXPECT_EQ(ec->receiptsFor(kVigata, t), 1);
}

TEST_F(NodeTest, ConcurrentOutcomesForOneTokenMakeOneReceipt) {
  const std::string nav = notice(17);
  ec->add({kVigata, nav, 10000, "x", {{kVigata, 8000}, {kMontelusa, 2000}}});
  const std::string t = token(kVigata, nav);
  std::atomic<int> ok{0}, already{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      http::Client c;
      auto r = call<pagopa::SendPaymentOutcomeV2Response>(outcomeReq({t}), &c);
      if (r.outcome == Outcome::ok) {
        ++ok;
      } else if (r.fault && r.fault->fault_code == "PPT_ESITO_GIA_ACQUISITO") {
        ++already;
      } else {
        ++other;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(already.load(), 7);
  EXPECT_EQ(other.load(), 0);
  ASSERT_TRUE(eventually([&] { return stateOf(t) == "NOTIFIED"; }));
  flush();
  EXPECT_EQ(ec->receiptsFor(kVigata, t), 1);
  EXPECT_EQ(ec->receiptsFor(kMontelusa, t), 1);
  EXPECT_EQ(outboxRows(t).size(), 2u);
}

TEST_F(NodeTest, ConcurrentActivationsOfOneNoticeIssueOneToken) {
  const std::string nav = notice(18);
  ec->add({kVigata, nav});
  std::atomic<int> ok{0}, busy{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      http::Client c;
      auto r = call<pagopa::ActivatePaymentNoticeV2Response>(activateReq(kVigata, nav), &c);
      if (r.outcome == Outcome::ok) ++ok;
      if (r.fault && r.fault->fault_code == "PPT_PAGAMENTO_IN_CORSO") ++busy;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(busy.load(), 5);
}

TEST_F(NodeTest, VersionOneAllTheWay) {
  const std::string nav = notice(19, 1);
  ec->add({kV1Ec, nav, 5000, "Diritti di segreteria"});
  pagopa::ActivatePaymentNoticeReq a;
  a.credentials = pspCredentials();
  a.qr_code = {kV1Ec, nav};
  a.amount = 5000;
  auto ar = call<pagopa::ActivatePaymentNoticeRes>(a);
  ASSERT_EQ(ar.outcome, Outcome::ok) << faultOf(ar);
  ASSERT_EQ(ar.transfer_list.size(), 1u);
  EXPECT_EQ(ar.transfer_list[0].iban, "IT95Z0103016600000000147258");

  pagopa::SendPaymentOutcomeReq o;
  o.credentials = pspCredentials();
  o.payment_token = *ar.payment_token;
  o.outcome = Outcome::ok;
  pagopa::OutcomeDetails d;
  d.payment_method = pagopa::PaymentMethod::cash;
  d.fee = 0;
  d.application_date = paidDetails().application_date;
  d.transfer_date = paidDetails().transfer_date;
  o.details = d;
  EXPECT_EQ(call<pagopa::SendPaymentOutcomeRes>(o).outcome, Outcome::ok);
  ASSERT_TRUE(eventually([&] { return ec->receiptsFor(kV1Ec, *ar.payment_token) == 1; }));
  auto got = ec->accepted();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].version, 1);
  EXPECT_EQ(pagopa::testing::PagopaSchemas::get().validate(got[0].body), "") << got[0].body;
}

TEST_F(NodeTest, CartOfTwoTokensInOneOutcome) {
  const std::string n1 = notice(20), n2 = notice(21);
  ec->add({kVigata, n1});
  ec->add({kMontelusa, n2, 3000});
  const std::string t1 = token(kVigata, n1), t2 = token(kMontelusa, n2, 3000);
  EXPECT_EQ(outcome({t1, t2}).outcome, Outcome::ok);
  ASSERT_TRUE(eventually([&] { return stateOf(t1) == "NOTIFIED" && stateOf(t2) == "NOTIFIED"; }));
  EXPECT_EQ(ec->receiptsFor(kVigata, t1), 1);
  EXPECT_EQ(ec->receiptsFor(kMontelusa, t2), 1);
  // One unknown token spoils the whole cart: nothing recorded.
  const std::string n3 = notice(22);
  ec->add({kVigata, n3});
  const std::string t3 = token(kVigata, n3);
  EXPECT_EQ(faultOf(outcome({t3, "ffffffffffffffffffffffffffffffff"})), "PPT_TOKEN_SCONOSCIUTO");
  EXPECT_EQ(stateOf(t3), "PAYING");
}

TEST_F(NodeTest, ScenarioFaultDelayAndTimeout) {
  const std::string nav = notice(23);
  ec->add({kVigata, nav});
  auto added =
      adminPost("/_admin/pagopa/scenarios", R"({"operation":"activatePaymentNotice","notice":")" + nav +
                                                R"(","action":"fault","faultCode":"PPT_SYSTEM_ERROR"})");
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_SYSTEM_ERROR");
  EXPECT_EQ(ec->getPayments(nav), 0);
  // Used up (times = 1): the next one goes through.
  EXPECT_EQ(adminGet("/_admin/pagopa/scenarios").at("scenarios").as_array().size(), 0u);

  // timeout: the node activates, then holds its answer past the PSP's patience; the PSP's retry with
  // the same idempotencyKey gets the token that was issued.
  const std::string other = notice(24);
  ec->add({kVigata, other});
  ASSERT_EQ(adminPost("/_admin/pagopa/scenarios",
                      R"({"operation":"activatePaymentNoticeV2","action":"timeout","delay_ms":1500})")
                .status,
            201);
  http::ClientOptions impatient;
  impatient.read_timeout = 300ms;
  http::Client hurried(impatient);
  const std::string key = "SPRTLPSP_t1t2t3t4t5";
  http::Request r;
  r.method = "POST";
  r.target = "/pagopa/node";
  r.headers.add("SOAPAction", "activatePaymentNoticeV2");
  r.body = pagopa::write(activateReq(kVigata, other, 10000, key));
  auto timedOut = hurried.sendSync(psp, r);
  ASSERT_FALSE(timedOut);
  EXPECT_EQ(timedOut.error().code, http::ClientErrc::read_timeout);
  auto retried = activate(kVigata, other, 10000, key);
  ASSERT_EQ(retried.outcome, Outcome::ok) << faultOf(retried);
  EXPECT_EQ(ec->getPayments(other), 1);
  EXPECT_EQ(stateOf(*retried.payment_token), "PAYING");

  // Bad scenarios are refused with a reason.
  EXPECT_EQ(adminPost("/_admin/pagopa/scenarios", R"({"operation":"nope","action":"fault"})").status, 400);
  EXPECT_EQ(adminPost("/_admin/pagopa/scenarios", R"({"operation":"paSendRT","action":"explode"})").status,
            400);
}

}  // namespace
