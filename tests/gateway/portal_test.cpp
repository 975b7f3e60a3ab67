// The comune's services as real upstreams behind the gateway (the default configuration's shape): a
// "comune" listener on port 0 reached through routes with upstream = "listener:comune/_comune".
#include <gtest/gtest.h>

#include "mocks/comune/portal.hpp"
#include "mocks/comune/seed.hpp"
#include "tests/gateway/gateway_fixture.hpp"

using namespace sportello;

namespace {

class Portal : public test::GatewayFixture {
 protected:
  void beforeGateway() override {
    comune::DebtPositions::Options po;
    po.database = ":memory:";
    po.ecs = {comune::demoComune(), comune::demoProvincia()};
    po.clock = clock;
    auto opened = comune::DebtPositions::open(po);
    ASSERT_TRUE(opened) << opened.error();
    positions = std::move(*opened);
    ASSERT_TRUE(comune::seedDemo(*positions, comune::demoComune(), *clock));
    comune::Portal::Options o;
    o.public_url = url;
    o.checkout_carts_url = url + "/pagopa/checkout/ec/v1/carts";
    o.creditors = {comune::demoComune().fiscal_code};
    o.positions = positions;
    o.clock = clock;
    o.log = log.logger();
    portal = std::make_unique<comune::Portal>(o);
    portal->addRoutes(*router);
  }
  void startPortal() {
    start(R"(
[[server.listeners]]
name = "comune"
address = "127.0.0.1:0"
tls = false
[[routes]]
prefix = "/portale/"
upstream = "listener:comune/_comune"
[[routes]]
prefix = "/servizi/tributi/"
upstream = "listener:comune/_comune"
auth = "any"
min_level = 2
)");
  }
  std::shared_ptr<comune::DebtPositions> positions;
  std::unique_ptr<comune::Portal> portal;
};

TEST_F(Portal, HomeIsPublicAndPersonalisedOnceLoggedIn) {
  startPortal();
  auto anonymous = browser->get(
      "/portale/", {{"X-Sportello-Fiscal-Number", "RSSMRA80A01H501U"}, {"X-Sportello-Name", "Finto"}});
  ASSERT_EQ(anonymous.status, 200);
  EXPECT_EQ(anonymous.body.find("Buongiorno"), std::string::npos) << "a spoofed identity was believed";
  ASSERT_EQ(loginAs("mario.rossi", "aurora-id", "/portale/").status, 200);
  auto home = browser->get("/portale/");
  EXPECT_NE(home.body.find("Buongiorno, Mario"), std::string::npos);
  EXPECT_EQ(browser->get("/portale").status, 200);  // 301 to the prefix, followed
}

TEST_F(Portal, UpstreamPathsAreNotReachableOnTheFrontDoor) {
  startPortal();
  EXPECT_EQ(browser->get("/_comune/portale/", {{"X-Sportello-Fiscal-Number", "RSSMRA80A01H501U"}}).status,
            404);
}

TEST_F(Portal, TributiListsTheCitizensChargesWithAPayButton) {
  startPortal();
  ASSERT_EQ(loginAs("mario.rossi", "aurora-id", "/servizi/tributi/").status, 200);
  auto page = browser->get("/servizi/tributi/");
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 500);
  EXPECT_NE(page.body.find("TARI"), std::string::npos) << page.body.substr(0, 4000);
  EXPECT_NE(page.body.find("Paga con pagoPA"), std::string::npos);
  EXPECT_NE(page.body.find(" €"), std::string::npos);
}

}  // namespace
