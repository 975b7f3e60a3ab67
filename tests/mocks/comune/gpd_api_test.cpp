// The GPD-like REST API through the real router and server on port 0: the life of a position over
// HTTP, every class of error with its status and body, paging, the API key, and the admin routes.
#include "mocks/comune/gpd_api.hpp"

#include "core/http/client.hpp"
#include "core/http/server.hpp"
#include "tests/mocks/comune/comune_fixtures.hpp"

using namespace sportello;
using namespace sportello::comune;
using namespace sportello::test;

namespace {

const std::string kBase = std::string("/comune/gpd/organizations/") + kVigata + "/debtpositions";

struct Answer {
  int status = 0;
  json::value body;
  std::string text;
};

class GpdHttp : public ComuneStore {
 protected:
  void SetUp() override {
    ComuneStore::SetUp();
    start("");
  }
  void start(std::string apiKey) {
    stop();
    router = std::make_shared<http::Router>();
    if (store) positions = std::shared_ptr<DebtPositions>(std::move(store));
    GpdApi api({positions, log.logger(), std::move(apiKey), {}});
    http::Admin admin(config::Admin{}, metrics);
    admin.addRoutes(*router);
    api.addRoutes(*router, "/comune/gpd");
    api.addAdminRoutes(*router, admin);
    http::ServerOptions o;
    o.listeners = {config::Listener{"plain", {"127.0.0.1", 0}, false, {}}};
    o.threads = 2;
    server = std::make_unique<http::Server>(o, router, log.logger(), metrics);
    auto r = server->start();
    ASSERT_TRUE(r) << r.error();
    origin = {false, "127.0.0.1", server->bound().front().port};
  }
  void stop() {
    if (server) {
      server->shutdown();
      server->wait();
      server.reset();
    }
  }
  void TearDown() override { stop(); }

  Answer call(const std::string& method, const std::string& target, const std::string& body = "",
              const std::vector<http::Header>& headers = {}) {
    http::Request r;
    r.method = method;
    r.target = target;
    for (const auto& h : headers) r.headers.add(h.name, h.value);
    if (!body.empty()) {
      r.headers.add("Content-Type", "application/json");
      r.body = body;
    }
    auto resp = client.sendSync(origin, r);
    EXPECT_TRUE(resp) << resp.error().message();
    Answer a;
    if (!resp) return a;
    a.status = resp->status;
    a.text = resp->body;
    boost::system::error_code ec;
    a.body = json::parse(resp->body, ec);
    return a;
  }
  Answer post(const std::string& target, const json::object& body) {
    return call("POST", target, json::serialize(body));
  }

  std::string problemList(const Answer& a) {
    std::string out;
    if (!a.body.is_object() || !a.body.as_object().contains("problems")) return out;
    for (const auto& p : a.body.at("problems").as_array()) {
      out += std::string(p.at("field").as_string()) + " " + std::string(p.at("rule").as_string()) + "; ";
    }
    return out;
  }

  CapturingLog log;
  std::shared_ptr<http::Router> router;
  std::shared_ptr<DebtPositions> positions;
  std::unique_ptr<http::Server> server;
  http::Origin origin;
  http::Client client;
};

TEST_F(GpdHttp, ThePositionsLife) {
  Answer created = post(kBase + "?toPublish=false", validPosition("VGT-HTTP-1"));
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body.at("status"), "DRAFT");
  EXPECT_EQ(created.body.at("organizationFiscalCode"), kVigata);
  const auto& option = created.body.at("paymentOption").at(0);
  std::string nav(option.at("nav").as_string());
  EXPECT_EQ(nav, vigataNotice(1).digits);
  EXPECT_EQ(option.at("transfer").at(0).at("iban"), kComuneIban);
  EXPECT_GE(log.waitFor({"gpd_position_created", "VGT-HTTP-1"}), 1u);

  Answer got = call("GET", kBase + "/VGT-HTTP-1");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.at("iupd"), "VGT-HTTP-1");

  json::object changed = validPosition("VGT-HTTP-1");
  changed["fullName"] = "Maria Rossi";
  Answer put = call("PUT", kBase + "/VGT-HTTP-1", json::serialize(changed));
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body.at("fullName"), "Maria Rossi");

  Answer published = call("POST", kBase + "/VGT-HTTP-1/publish");
  ASSERT_EQ(published.status, 200) << published.text;
  EXPECT_EQ(published.body.at("status"), "VALID");
  EXPECT_TRUE(positions->lookupByNotice(
      kVigata, std::string(put.body.at("paymentOption").at(0).at("nav").as_string())));

  Answer invalidated = call("POST", kBase + "/VGT-HTTP-1/invalidate");
  ASSERT_EQ(invalidated.status, 200) << invalidated.text;
  EXPECT_EQ(invalidated.body.at("status"), "INVALID");

  Answer deleted = call("DELETE", kBase + "/VGT-HTTP-1");
  EXPECT_EQ(deleted.status, 409) << deleted.text;
  EXPECT_EQ(deleted.body.at("error"), "gpd.state");
}

TEST_F(GpdHttp, PublishAtCreationAndDeleteADraft) {
  Answer created = post(kBase + "?toPublish=true", validPosition("VGT-HTTP-2"));
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.body.at("status"), "VALID");
  EXPECT_TRUE(created.body.as_object().contains("publishDate"));
  ASSERT_EQ(post(kBase, validPosition("VGT-HTTP-3")).status, 201);
  Answer deleted = call("DELETE", kBase + "/VGT-HTTP-3");
  ASSERT_EQ(deleted.status, 200) << deleted.text;
  EXPECT_EQ(call("GET", kBase + "/VGT-HTTP-3").status, 404);
}

TEST_F(GpdHttp, ValidationListsEveryProblemWithItsField) {
  json::object b = validPosition("VGT-BAD");
  b["fiscalCode"] = "RSSMRA82C15H501A";
  auto& op = b["paymentOption"].as_array()[0].as_object();
  op["dueDate"] = "2026-01-01T00:00:00Z";
  op["transfer"].as_array()[0].as_object()["iban"] = "IT00A0000000000000000000000";
  Answer a = post(kBase, b);
  ASSERT_EQ(a.status, 400) << a.text;
  EXPECT_EQ(a.body.at("error"), "gpd.validation");
  ASSERT_EQ(a.body.at("problems").as_array().size(), 3u) << problemList(a);
  EXPECT_EQ(problemList(a),
            "fiscalCode gpd.fiscal_code; paymentOption[0].dueDate gpd.due_date; "
            "paymentOption[0].transfer[0].iban gpd.iban; ");
  EXPECT_EQ(call("GET", kBase + "/VGT-BAD").status, 404);
  EXPECT_GE(log.waitFor({"gpd_position_refused", "gpd.fiscal_code"}), 1u);

  Answer notJson = call("POST", kBase, "{not json");
  EXPECT_EQ(notJson.status, 400);
  EXPECT_EQ(notJson.body.at("problems").at(0).at("rule"), "gpd.json");
  EXPECT_EQ(call("POST", kBase + "?toPublish=yes", json::serialize(validPosition("X"))).status, 400);
}

TEST_F(GpdHttp, DuplicatesAreConflicts) {
  Answer first = post(kBase + "?toPublish=true", validPosition("VGT-DUP"));
  ASSERT_EQ(first.status, 201);
  Answer sameIupd = post(kBase, validPosition("VGT-DUP"));
  EXPECT_EQ(sameIupd.status, 409);
  EXPECT_EQ(sameIupd.body.at("error"), "gpd.duplicate_iupd");
  json::object sameIuv = validPosition("VGT-DUP-2");
  sameIuv["paymentOption"].as_array()[0].as_object()["iuv"] = first.body.at("paymentOption").at(0).at("iuv");
  Answer dup = post(kBase, sameIuv);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.body.at("error"), "gpd.duplicate_iuv");
}

TEST_F(GpdHttp, UnknownThingsAre404And400) {
  EXPECT_EQ(call("GET", kBase + "/NOPE").status, 404);
  Answer other = call("GET", "/comune/gpd/organizations/00765430848/debtpositions");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body.at("error"), "gpd.organization");
  Answer malformed = call("GET", "/comune/gpd/organizations/8001235084X/debtpositions");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body.at("error"), "gpd.organization_fiscal_code");
  EXPECT_EQ(call("PATCH", kBase + "/NOPE").status, 405);
}

TEST_F(GpdHttp, StateChangesFollowTheSimulatedClock) {
  json::object b = validPosition("VGT-CLOCK");
  b["validityDate"] = "2026-11-23T00:00:00Z";
  b["switchToExpired"] = true;
  ASSERT_EQ(post(kBase + "?toPublish=true", b).status, 201);
  EXPECT_EQ(call("GET", kBase + "/VGT-CLOCK").body.at("status"), "PUBLISHED");
  clock->set(*parseDateTime("2026-11-23T00:00:00Z"), true);
  EXPECT_EQ(call("GET", kBase + "/VGT-CLOCK").body.at("status"), "VALID");
  clock->set(*parseDateTime("2027-01-01T00:00:00Z"), true);
  EXPECT_EQ(call("GET", kBase + "/VGT-CLOCK").body.at("status"), "EXPIRED");
  EXPECT_EQ(call("POST", kBase + "/VGT-CLOCK/invalidate").status, 409);
}

TEST_F(GpdHttp, ListsWithFiltersAndPages) {
  for (int i = 1; i <= 4; ++i) {
    ASSERT_EQ(
        post(kBase + (i % 2 ? "?toPublish=true" : ""), validPosition("VGT-L" + std::to_string(i))).status,
        201);
  }
  Answer all = call("GET", kBase + "?limit=3");
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_EQ(all.body.at("payment_position_list").as_array().size(), 3u);
  EXPECT_EQ(all.body.at("page_info").at("items_found"), 4);
  EXPECT_EQ(all.body.at("page_info").at("total_pages"), 2);
  Answer second = call("GET", kBase + "?limit=3&page=1");
  ASSERT_EQ(second.body.at("payment_position_list").as_array().size(), 1u);
  EXPECT_EQ(second.body.at("payment_position_list").at(0).at("iupd"), "VGT-L4");
  Answer drafts = call("GET", kBase + "?status=DRAFT");
  EXPECT_EQ(drafts.body.at("page_info").at("items_found"), 2);
  EXPECT_EQ(call("GET", kBase + "?status=NEW").status, 400);
  EXPECT_EQ(call("GET", kBase + "?limit=0").status, 400);
  EXPECT_EQ(call("GET", kBase + "?limit=51").status, 400);
  EXPECT_EQ(call("GET", kBase + "?page=-1").status, 400);
}

TEST_F(GpdHttp, ApiKeyWhenConfigured) {
  start("s3greta");
  EXPECT_EQ(call("GET", kBase).status, 401);
  EXPECT_EQ(call("GET", kBase, "", {{"Ocp-Apim-Subscription-Key", "sbagliata"}}).status, 401);
  EXPECT_EQ(call("GET", kBase, "", {{"Ocp-Apim-Subscription-Key", "s3greta"}}).status, 200);
}

TEST_F(GpdHttp, AdminSeedsAndListsReceipts) {
  Answer seeded = call("POST", "/_admin/comune/seed");
  ASSERT_EQ(seeded.status, 200) << seeded.text;
  EXPECT_EQ(seeded.body.at("created"), 4);
  EXPECT_EQ(call("POST", "/_admin/comune/seed").body.at("existing"), 4);
  Answer list = call("GET", kBase + "?status=VALID");
  ASSERT_EQ(list.body.at("page_info").at("items_found"), 4);

  auto tari = positions->get(kVigata, "VGT-TARI-2026-RSSMRA82C15H501O");
  ASSERT_TRUE(tari);
  Receipt r;
  r.receipt_id = "c2f1e6a0b7d84b0f9d3a";
  r.notice_number = tari->options[0].nav;
  r.fiscal_code = kVigata;
  r.amount = tari->options[0].amount;
  r.payment_date_time = fixedNow();
  r.id_psp = "BCITITMM";
  r.raw_xml = "<paSendRTV2Request/>";
  ASSERT_TRUE(positions->bookReceipt(kVigata, r));
  Answer receipts = call("GET", "/_admin/comune/receipts?raw=true");
  ASSERT_EQ(receipts.status, 200) << receipts.text;
  ASSERT_EQ(receipts.body.at("receipts").as_array().size(), 1u);
  const auto& first = receipts.body.at("receipts").at(0);
  EXPECT_EQ(first.at("verdict"), "booked");
  EXPECT_EQ(first.at("amount"), 24860);
  EXPECT_EQ(first.at("rawXml"), "<paSendRTV2Request/>");
  EXPECT_EQ(call("GET", "/_admin/comune/receipts?ec=" + std::string(kMontelusa))
                .body.at("receipts")
                .as_array()
                .size(),
            0u);
  EXPECT_EQ(call("GET", "/_admin/comune/receipts?limit=0").status, 400);
  EXPECT_EQ(call("GET", kBase + "/VGT-TARI-2026-RSSMRA82C15H501O").body.at("status"), "PAID");
}

}  // namespace
