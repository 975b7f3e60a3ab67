// The receipts outbox: retries with backoff on the simulated clock while an EC is down, flush, identical
// bytes on every attempt, and receipts that survive the node (a new Node on the same file delivers them).
#include "mocks/pagopa/outbox.hpp"
#include "tests/mocks/pagopa/node_fixture.hpp"

using namespace sportello;
using namespace sportello::test;
using pagopa::Outcome;
using namespace std::chrono_literals;

namespace {

std::int64_t attemptsOf(const boost::json::array& rows) {
  std::int64_t n = 0;
  for (const auto& r : rows) n += r.at("attempts").as_int64();
  return n;
}

TEST_F(NodeTest, EcDownThenBackUpGetsTheReceiptAfterRetriesOnTheSimulatedClock) {
  const std::string nav = notice(101);
  ec->add({kVigata, nav});
  const std::string t = token(kVigata, nav);
  ec->down = true;
  // The PSP hears OK: the receipt is committed, whatever the EC's state.
  EXPECT_EQ(outcome({t}).outcome, Outcome::ok);
  ASSERT_TRUE(eventually([&] { return attemptsOf(outboxRows(t)) >= 1; }));
  auto row = outboxRows(t).at(0).as_object();
  EXPECT_EQ(row["state"].as_string(), "pending");
  EXPECT_EQ(row["next_attempt_at"].as_string(), "2026-11-22T10:00:02.000Z");  // retry_initial_s = 2
  EXPECT_NE(row["last_error"].as_string().find("SERVIZIO_NONATTIVO"), std::string::npos) << row["last_error"];
  EXPECT_EQ(stateOf(t), "PAID");

  // Not due yet: the worker leaves it alone however long real time passes.
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(attemptsOf(outboxRows(t)), 1);
  // Due, EC still down: second failure, the wait doubles.
  clock->advance(2s);
  ASSERT_TRUE(eventually([&] { return attemptsOf(outboxRows(t)) >= 2; }));
  EXPECT_EQ(outboxRows(t).at(0).at("next_attempt_at").as_string(), "2026-11-22T10:00:06.000Z");

  ec->down = false;
  clock->advance(4s);
  ASSERT_TRUE(eventually([&] { return stateOf(t) == "NOTIFIED"; })) << stateOf(t);
  EXPECT_EQ(ec->receiptsFor(kVigata, t), 1);
  EXPECT_EQ(outboxRows(t).at(0).at("attempts").as_int64(), 3);
  EXPECT_GE(log.count({"pagopa_receipt_retry", t.c_str()}), 2u);
  EXPECT_GE(log.count({"pagopa_receipt_delivered", t.c_str()}), 1u);
}

TEST_F(NodeTest, EveryAttemptSendsTheSameBytesAndAKoIsRetried) {
  const std::string nav = notice(102);
  ec->add({kVigata, nav});
  const std::string t = token(kVigata, nav);
  ec->receipts_ko = true;
  EXPECT_EQ(outcome({t}).outcome, Outcome::ok);
  ASSERT_TRUE(eventually([&] { return attemptsOf(outboxRows(t)) >= 1; }));
  // Not due for 2 s of simulated time, tried anyway (once the worker has let go of it).
  ASSERT_TRUE(eventually([&] { return flush()["failed"].as_int64() == 1; }));
  EXPECT_EQ(ec->refused().size(), 2u);
  EXPECT_NE(outboxRows(t).at(0).at("last_error").as_string().find("KO PAA_SYSTEM_ERROR"), std::string::npos);
  ec->receipts_ko = false;
  EXPECT_EQ(flush()["delivered"].as_int64(), 1);
  auto sent = ec->refused();
  auto got = ec->accepted();
  ASSERT_EQ(got.size(), 1u);
  for (const auto& r : sent) EXPECT_EQ(r.body, got[0].body);
  EXPECT_EQ(stateOf(t), "NOTIFIED");
}

TEST_F(NodeTest, ReceiptsSurviveTheNodeAndAreDeliveredByTheNextOne) {
  // A node that never starts its worker: the outcome commits the receipt, nothing sends it.
  stopAll();
  startAll(/*startWorker=*/false);
  const std::string nav = notice(103);
  ec->add({kVigata, nav, 10000, "x", {{kVigata, 9000}, {kMontelusa, 1000}}});
  const std::string t = token(kVigata, nav);
  EXPECT_EQ(outcome({t}).outcome, Outcome::ok);
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(ec->accepted().empty());
  stopAll();

  // A new node (and server) on the same database file.
  startAll(/*startWorker=*/true);
  ASSERT_TRUE(eventually([&] { return stateOf(t) == "NOTIFIED"; })) << stateOf(t);
  EXPECT_EQ(ec->receiptsFor(kVigata, t), 1);
  EXPECT_EQ(ec->receiptsFor(kMontelusa, t), 1);
  // And it remembers everything else too.
  EXPECT_EQ(faultOf(outcome({t})), "PPT_ESITO_GIA_ACQUISITO");
  EXPECT_EQ(faultOf(activate(kVigata, nav)), "PPT_PAGAMENTO_DUPLICATO");
}

TEST_F(NodeTest, ScenarioOnPaSendRtFailsOneDeliveryWithoutCallingTheEc) {
  const std::string nav = notice(104);
  ec->add({kVigata, nav});
  ASSERT_EQ(adminPost("/_admin/pagopa/scenarios", R"({"operation":"paSendRT","notice":")" + nav +
                                                      R"(","action":"fault","faultCode":"X"})")
                .status,
            201);
  const std::string t = token(kVigata, nav);
  EXPECT_EQ(outcome({t}).outcome, Outcome::ok);
  ASSERT_TRUE(eventually([&] { return attemptsOf(outboxRows(t)) >= 1; }));
  EXPECT_NE(outboxRows(t).at(0).at("last_error").as_string().find("scenario"), std::string::npos);
  EXPECT_TRUE(ec->accepted().empty());
  clock->advance(2s);
  ASSERT_TRUE(eventually([&] { return ec->receiptsFor(kVigata, t) == 1; }));
}

TEST(OutboxBackoff, DoublesFromTheInitialWaitUpToTheMaximum) {
  node::OutboxWorker::Options o;
  o.retry_initial = 2s;
  o.retry_max = 20s;
  node::OutboxWorker w(std::move(o));
  EXPECT_EQ(w.backoff(1), 2s);
  EXPECT_EQ(w.backoff(2), 4s);
  EXPECT_EQ(w.backoff(3), 8s);
  EXPECT_EQ(w.backoff(4), 16s);
  EXPECT_EQ(w.backoff(5), 20s);
  EXPECT_EQ(w.backoff(500), 20s);
}

}  // namespace
