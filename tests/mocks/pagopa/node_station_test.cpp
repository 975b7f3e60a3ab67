// The node against the real EC: the comune's station (mocks/comune/station.hpp) over mutual TLS, backed by
// DebtPositions with the demo data. A TARI notice with the province's TEFA share is paid end to end: both
// ECs book the receipt once, whatever the retries.
#include "mocks/comune/station.hpp"
#include "tests/mocks/pagopa/node_fixture.hpp"

using namespace sportello;
using namespace sportello::test;
using pagopa::Outcome;
using namespace std::chrono_literals;

namespace {

class StationNodeTest : public NodeTest {
 protected:
  void SetUp() override {
    clock->set(fixedNow(), true);
    auto opened = comune::DebtPositions::open(
        {dir.path() + "/comune.db", {comune::demoComune(), comune::demoProvincia()}, clock, metrics});
    ASSERT_TRUE(opened) << opened.error();
    positions = std::shared_ptr<comune::DebtPositions>(std::move(*opened));
    auto seeded = comune::seedDemo(*positions, comune::demoComune(), *clock);
    ASSERT_TRUE(seeded) << seeded.error();
    iupds = seeded->iupds;
    NodeTest::SetUp();
  }

  void addEc(http::Router& r, const http::Admin& a) override {
    station = std::make_unique<comune::Station>(
        comune::Station::Options{config, positions, clock, log.logger(), metrics});
    station->addRoutes(r, a);
  }

  std::string configToml(std::uint16_t ecPort) const override {
    const std::string url = "https://127.0.0.1:" + std::to_string(ecPort) + "/comune/station";
    std::string out = "[pagopa]\nretry_initial_s = 2\nretry_max_s = 8\n";
    for (const char* cf : {kVigata, kMontelusa}) {
      out += std::string("[[pagopa.stations]]\nec_fiscal_code = \"") + cf +
             "\"\nid_broker_pa = \"80012350841\"\nid_station = \"80012350841_01\"\nurl = \"" + url + "\"\n";
    }
    return out;
  }

  // The first option of the demo TARI: two transfers, the comune's share and the province's TEFA.
  comune::PaymentOption tari() {
    for (const auto& iupd : iupds) {
      auto p = positions->get(kVigata, iupd);
      if (!p) continue;
      for (const auto& o : p->options) {
        if (o.transfers.size() == 2 && o.transfers[1].organization_fiscal_code == kMontelusa) return o;
      }
    }
    ADD_FAILURE() << "no TARI option with a TEFA transfer in the demo data";
    return {};
  }

  std::shared_ptr<comune::DebtPositions> positions;
  std::unique_ptr<comune::Station> station;
  std::vector<std::string> iupds;
};

TEST_F(StationNodeTest, TariWithTefaIsPaidEndToEndAndBookedOnceByEachEc) {
  const comune::PaymentOption option = tari();
  ASSERT_FALSE(option.nav.empty());

  auto v = verify(kVigata, option.nav);
  ASSERT_EQ(v.outcome, Outcome::ok) << faultOf(v);
  ASSERT_EQ(v.payment_list.size(), 1u);
  EXPECT_EQ(v.payment_list[0].amount, option.amount);

  auto a = activate(kVigata, option.nav, option.amount);
  ASSERT_EQ(a.outcome, Outcome::ok) << faultOf(a) << " "
                                    << (a.fault ? a.fault->description.value_or("") : "");
  ASSERT_EQ(a.transfer_list.size(), 2u);
  const std::string t = *a.payment_token;

  auto o = outcome({t});
  ASSERT_EQ(o.outcome, Outcome::ok) << faultOf(o);
  ASSERT_TRUE(eventually([&] { return stateOf(t) == "NOTIFIED"; })) << stateOf(t);

  auto receipts = positions->receipts("", 100);
  ASSERT_TRUE(receipts);
  ASSERT_EQ(receipts->size(), 2u);
  for (const auto& r : *receipts) {
    EXPECT_EQ(r.receipt.receipt_id, t);
    EXPECT_EQ(r.receipt.amount, option.amount);
    EXPECT_EQ(r.verdict, r.recipient == kVigata ? "booked" : "copy") << r.recipient;
  }
  // The comune's option is paid.
  auto paid = positions->lookupByNotice(kVigata, option.nav);
  ASSERT_FALSE(paid);
  EXPECT_EQ(comune::faultCode(paid.error().fault), "PAA_PAGAMENTO_DUPLICATO");

  // A second payment is refused by the node itself; the EC would refuse it too.
  EXPECT_EQ(faultOf(activate(kVigata, option.nav, option.amount)), "PPT_PAGAMENTO_DUPLICATO");
}

TEST_F(StationNodeTest, RedeliveredReceiptsAreBookedOnce) {
  const comune::PaymentOption option = tari();
  const std::string t = token(kVigata, option.nav, option.amount);
  // Both ECs answer KO for a while: the receipts wait in the outbox.
  ASSERT_EQ(
      adminPost("/_admin/pagopa/scenarios", R"({"operation":"paSendRT","action":"fault","times":2})").status,
      201);
  EXPECT_EQ(outcome({t}).outcome, Outcome::ok);
  ASSERT_TRUE(eventually([&] {
    auto rows = outboxRows(t);
    return rows.size() == 2 && rows[0].at("attempts").as_int64() == 1 &&
           rows[1].at("attempts").as_int64() == 1;
  }));
  EXPECT_EQ(positions->receipts("", 100)->size(), 0u);
  std::int64_t delivered = 0;  // a row the worker is still letting go of is skipped by one flush
  ASSERT_TRUE(eventually([&] {
    delivered += flush()["delivered"].as_int64();
    return delivered == 2;
  }));
  EXPECT_EQ(stateOf(t), "NOTIFIED");
  EXPECT_EQ(positions->receipts("", 100)->size(), 2u);
}

TEST_F(StationNodeTest, TheEcsFaultsReachThePspAsPptErroreEmessoDaPaa) {
  // An unknown notice of the comune: the EC answers PAA_PAGAMENTO_SCONOSCIUTO.
  const std::string unknown = notice(9999);
  auto v = verify(kVigata, unknown);
  ASSERT_TRUE(v.fault);
  EXPECT_EQ(v.fault->fault_code, "PPT_ERRORE_EMESSO_DA_PAA");
  EXPECT_EQ(v.fault->original_fault_code, "PAA_PAGAMENTO_SCONOSCIUTO");
  // The wrong amount: PAA_ATTIVA_RPT_IMPORTO_NON_VALIDO.
  const comune::PaymentOption option = tari();
  auto a = activate(kVigata, option.nav, option.amount + 1);
  ASSERT_TRUE(a.fault);
  EXPECT_EQ(a.fault->original_fault_code, "PAA_ATTIVA_RPT_IMPORTO_NON_VALIDO");
}

}  // namespace
