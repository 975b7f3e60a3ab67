// Checkout end to end: the real HTTPS server on port 0 with the checkout's routes and a fake nodeForPsp
// (checkout_fake_node.hpp) reached over real HTTPS, walked with the scripted browser.
#include "mocks/pagopa/checkout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "core/http/server.hpp"
#include "core/pagopa/notice.hpp"
#include "core/xml/document.hpp"
#include "tests/mocks/pagopa/checkout_fake_node.hpp"
#include "tests/support/browser.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::test {
namespace {

using pagopa::Operation;
using ::testing::HasSubstr;
using ::testing::Not;
namespace f = pagopa::fault;

constexpr const char* kEc = "80012350841";
const std::string kOk = "https://ec.example/esito/ok";
const std::string kCancel = "https://ec.example/esito/annullato";
const std::string kError = "https://ec.example/esito/errore";

std::string notice(int segregation, const char* base) {
  auto n = pagopa::makeNoticeNumber(3, segregation, base);
  EXPECT_TRUE(n);
  return n ? n->digits : std::string();
}

class CheckoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    xml::initialise();
    auto loaded = config::loadString("[[server.listeners]]\nname = \"main\"\naddress = \"127.0.0.1:0\"\n",
                                     "test.toml", ".");
    ASSERT_TRUE(loaded) << loaded.error().front().format();
    cfg = *loaded;
    router = std::make_shared<http::Router>();
    http::ServerOptions o;
    o.listeners = cfg->server.listeners;
    o.tls = {testPki().tls.cert, testPki().tls.key, ""};
    o.threads = 2;
    o.access_log = false;
    o.drain_idle = std::chrono::milliseconds(50);
    server = std::make_unique<http::Server>(o, router, log.logger(), metrics);
    ASSERT_TRUE(server->bind());
    port = server->bound().front().port;
    node.addRoutes(*router);
    auto c = checkout::Checkout::create({cfg,
                                         "https://localhost:" + std::to_string(port) + "/pagopa/node",
                                         {testPki().ca.cert, "", ""},
                                         clock,
                                         log.logger(),
                                         metrics});
    ASSERT_TRUE(c) << c.error();
    checkout = std::move(*c);
    checkout->addRoutes(*router);
    ASSERT_TRUE(server->run());
    browser = std::make_unique<Browser>(origin(), testPki().ca.cert);

    tari = notice(47, "0000000000101");
    mensa = notice(47, "0000000000102");
    node.add(tari, {kEc, 123456, "Comune di Vigata", "TARI 2026, rata unica",
                    pagopa::Date{std::chrono::year(2026) / 12 / 31}});
    node.add(mensa, {kEc, 4550, "Comune di Vigata", "Mensa scolastica, marzo", std::nullopt});
  }

  void TearDown() override {
    if (server) {
      server->shutdown();
      server->wait();
    }
  }

  http::Origin origin() const { return {true, "127.0.0.1", port}; }

  // POST /pagopa/checkout/ec/v1/carts with `body`, not following the redirect.
  http::Response postCart(const std::string& body) {
    http::Request r;
    r.method = "POST";
    r.target = "/pagopa/checkout/ec/v1/carts";
    r.headers.add("Content-Type", "application/json");
    r.body = body;
    auto resp = browser->client().sendSync(origin(), r);
    EXPECT_TRUE(resp) << resp.error().message();
    return resp ? *resp : http::Response{};
  }

  std::string cartJson(const std::vector<std::string>& notices, const std::string& email = "") {
    boost::json::array list;
    for (const auto& n : notices) {
      list.push_back({{"noticeNumber", n},
                      {"fiscalCode", kEc},
                      {"amount", n == tari ? 123456 : 4550},
                      {"companyName", "Comune di Vigata"},
                      {"description", n == tari ? "TARI 2026" : "Mensa scolastica"}});
    }
    boost::json::object cart{
        {"paymentNotices", list},
        {"returnUrls", {{"returnOkUrl", kOk}, {"returnCancelUrl", kCancel}, {"returnErrorUrl", kError}}}};
    if (!email.empty()) cart["emailNotice"] = email;
    return boost::json::serialize(cart);
  }

  // A cart of `notices` opened through the API; returns its page path.
  std::string openCart(const std::vector<std::string>& notices) {
    auto resp = postCart(cartJson(notices));
    EXPECT_EQ(resp.status, 302) << resp.body;
    return std::string(resp.headers.get("Location").value_or(""));
  }

  Browser::Page payWith(const Browser::Page& page, const std::string& card, Browser* b = nullptr) {
    return (b ? b : browser.get())
        ->submit(page,
                 {{"titolare", "Mario Rossi"}, {"numeroCarta", card}, {"scadenza", "12/39"}, {"cvv", "123"}},
                 "/paga");
  }

  static std::string text(const Browser::Page& p) { return htmlUnescape(p.body); }

  CapturingLog log;
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  std::shared_ptr<Clock> clock = std::make_shared<Clock>();
  std::shared_ptr<const config::Config> cfg;
  std::shared_ptr<http::Router> router;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<checkout::Checkout> checkout;
  std::unique_ptr<Browser> browser;
  FakeNode node;
  std::uint16_t port = 0;
  std::string tari, mensa;
};

// ---- The cart API --------------------------------------------------------------------------------------

TEST_F(CheckoutTest, CartApiRedirectsToTheCartPage) {
  auto resp = postCart(cartJson({tari, mensa}, "mario.rossi@example.it"));
  EXPECT_EQ(resp.status, 302);
  EXPECT_TRUE(std::regex_match(std::string(resp.headers.get("Location").value_or("")),
                               std::regex("/pagopa/checkout/carrello/[0-9a-f]{32}")))
      << resp.headers.get("Location").value_or("(none)");
}

TEST_F(CheckoutTest, CartApiRefusesWhatIsNotAJsonObject) {
  for (std::string body : {"not json", "[1,2]", ""}) {
    auto resp = postCart(body);
    EXPECT_EQ(resp.status, 400) << body;
    EXPECT_THAT(resp.body, HasSubstr("cart.json"));
  }
}

TEST_F(CheckoutTest, CartApiListsEveryProblem) {
  std::string badCheck = tari.substr(0, 16) + (tari.substr(16) == "00" ? "01" : "00");
  boost::json::object cart{
      {"paymentNotices",
       boost::json::array{
           {{"noticeNumber", "12345"},
            {"fiscalCode", "8001235084"},
            {"amount", 0},
            {"companyName", ""},
            {"description", std::string(141, 'x')}},
           {{"noticeNumber", badCheck},
            {"fiscalCode", kEc},
            {"amount", 12.5},
            {"companyName", "Comune"},
            {"description", "x"}},
           {{"noticeNumber", tari},
            {"fiscalCode", kEc},
            {"amount", 100},
            {"companyName", "Comune"},
            {"description", "x"}},
           {{"noticeNumber", tari},
            {"fiscalCode", kEc},
            {"amount", 100},
            {"companyName", "Comune"},
            {"description", "x"}},
           {{"fiscalCode", kEc}, {"amount", "100"}, {"companyName", 7}, {"description", "x"}},
       }},
      {"returnUrls", {{"returnOkUrl", "/relative"}, {"returnCancelUrl", "ftp://ec.example/x"}}},
      {"emailNotice", "not-an-address"}};
  auto resp = postCart(boost::json::serialize(cart));
  ASSERT_EQ(resp.status, 422) << resp.body;
  auto body = boost::json::parse(resp.body).as_object();
  EXPECT_EQ(body["error"].as_string(), "cart.validation");
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& p : body["problems"].as_array()) {
    got.emplace(std::string(p.at("field").as_string()), std::string(p.at("rule").as_string()));
  }
  const std::set<std::pair<std::string, std::string>> want = {
      {"paymentNotices[0].noticeNumber", "cart.notice_number"},
      {"paymentNotices[0].fiscalCode", "cart.fiscal_code"},
      {"paymentNotices[0].amount", "cart.amount"},
      {"paymentNotices[0].companyName", "cart.company_name"},
      {"paymentNotices[0].description", "cart.description"},
      {"paymentNotices[1].noticeNumber", "cart.notice_number"},
      {"paymentNotices[1].amount", "cart.amount"},
      {"paymentNotices[3].noticeNumber", "cart.duplicate_notice"},
      {"paymentNotices[4].noticeNumber", "cart.notice_number"},
      {"paymentNotices[4].amount", "cart.amount"},
      {"paymentNotices[4].companyName", "cart.company_name"},
      {"returnUrls.returnOkUrl", "cart.return_url"},
      {"returnUrls.returnCancelUrl", "cart.return_url"},
      {"returnUrls.returnErrorUrl", "cart.return_url"},
      {"emailNotice", "cart.email"},
  };
  EXPECT_EQ(got, want) << resp.body;
  EXPECT_THAT(resp.body, HasSubstr("notice.check"));  // the check digits' own rule is in the message
  EXPECT_TRUE(node.calls().empty());
}

TEST_F(CheckoutTest, CartApiCountsNoticesAndNeedsReturnUrls) {
  auto six = boost::json::parse(cartJson({tari, tari, tari, tari, tari, tari})).as_object();
  six.erase("returnUrls");
  auto resp = postCart(boost::json::serialize(six));
  ASSERT_EQ(resp.status, 422);
  EXPECT_THAT(resp.body, HasSubstr("\"field\":\"paymentNotices\",\"rule\":\"cart.notices\""));
  EXPECT_THAT(resp.body, HasSubstr("\"field\":\"returnUrls\",\"rule\":\"cart.return_urls\""));
  resp = postCart(R"({"paymentNotices": [], "returnUrls": {}})");
  ASSERT_EQ(resp.status, 422);
  EXPECT_THAT(resp.body, HasSubstr("cart.notices"));
  EXPECT_THAT(resp.body, HasSubstr("returnUrls.returnOkUrl"));
}

// ---- Paying a cart --------------------------------------------------------------------------------------

TEST_F(CheckoutTest, CartPaidWithTheTestCardEndsOnTheReceipt) {
  auto page = browser->get(openCart({tari, mensa}));
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string summary = text(page);
  EXPECT_THAT(summary, HasSubstr("Comune di Vigata"));
  EXPECT_THAT(summary, HasSubstr("1.234,56 €"));
  EXPECT_THAT(summary, HasSubstr("45,50 €"));
  EXPECT_THAT(summary, HasSubstr("1,00 €"));      // the fee
  EXPECT_THAT(summary, HasSubstr("1.281,06 €"));  // total with the fee
  EXPECT_THAT(summary, HasSubstr("31/12/2026"));  // due date from verify
  EXPECT_THAT(summary, HasSubstr("4242 4242 4242 4242"));
  EXPECT_THAT(summary, HasSubstr("4000 0000 0000 0002"));
  EXPECT_EQ(node.calls(Operation::verify_payment_notice).size(), 2u);

  auto receipt = payWith(page, "4242 4242 4242 4242");
  ASSERT_EQ(receipt.status, 200) << receipt.body;
  const std::string r = text(receipt);
  EXPECT_THAT(r, HasSubstr("<h1>Ricevuta di pagamento</h1>"));
  EXPECT_THAT(r, HasSubstr("Totale pagato"));
  EXPECT_THAT(r, HasSubstr("termina con 4242"));
  EXPECT_THAT(r, HasSubstr("href=\"" + kOk + "\""));

  auto activations = node.calls(Operation::activate_payment_notice_v2);
  ASSERT_EQ(activations.size(), 2u);
  std::set<std::string> keys, tokens;
  for (const auto& a : activations) {
    ASSERT_TRUE(a.key);
    EXPECT_TRUE(std::regex_match(*a.key, std::regex("SPRTLPSP_[a-zA-Z0-9]{10}"))) << *a.key;
    keys.insert(*a.key);
    tokens.insert(a.token);
    EXPECT_THAT(r, HasSubstr(a.token));  // the receipt names each payment token
    EXPECT_EQ(a.credentials.password, "sportello");
  }
  EXPECT_EQ(keys.size(), 2u);  // one key per notice
  auto outcomes = node.calls(Operation::send_payment_outcome_v2);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].outcome, pagopa::Outcome::ok);
  EXPECT_EQ(std::set<std::string>(outcomes[0].tokens.begin(), outcomes[0].tokens.end()), tokens);
  EXPECT_EQ(outcomes[0].fee, 100);
  EXPECT_THAT(metrics->render(), HasSubstr("sportello_checkout_payments_total{result=\"paid\"} 1"));
  EXPECT_EQ(log.count({"checkout_node_error"}), 0u);
  EXPECT_EQ(log.count({"checkout_paid", "\"notices\":2", "\"amount\":128006"}), 1u);
}

TEST_F(CheckoutTest, DeclinedCardSendsKoAndOffersTheErrorUrl) {
  auto page = browser->get(openCart({tari}));
  auto failed = payWith(page, "4000000000000002");
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_THAT(text(failed), HasSubstr("La carta è stata rifiutata"));
  EXPECT_THAT(text(failed), HasSubstr("href=\"" + kError + "\""));
  auto activations = node.calls(Operation::activate_payment_notice_v2);
  auto outcomes = node.calls(Operation::send_payment_outcome_v2);
  ASSERT_EQ(activations.size(), 1u);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].outcome, pagopa::Outcome::ko);
  EXPECT_EQ(outcomes[0].tokens, std::vector<std::string>{activations[0].token});
  // Sent again, the form shows the same end and calls nobody.
  auto again = payWith(page, "4242424242424242");
  EXPECT_THAT(text(again), HasSubstr("La carta è stata rifiutata"));
  EXPECT_EQ(node.calls().size(), 3u);
}

TEST_F(CheckoutTest, CardFormProblemsAreListedAndNothingIsActivated) {
  auto page = browser->get(openCart({tari}));
  auto refused = browser->submit(
      page, {{"titolare", ""}, {"numeroCarta", "4242 4242 4242 4241"}, {"scadenza", "13/30"}, {"cvv", "1"}},
      "/paga");
  EXPECT_EQ(refused.status, 422);
  const std::string t = text(refused);
  EXPECT_THAT(t, HasSubstr("role=\"alert\""));
  EXPECT_THAT(t, HasSubstr("Inserisci il nome del titolare"));
  EXPECT_THAT(t, HasSubstr("Il numero della carta non è valido"));
  EXPECT_THAT(t, HasSubstr("MM/AA"));
  EXPECT_THAT(t, HasSubstr("3 o 4 cifre"));
  EXPECT_THAT(t, HasSubstr("aria-invalid=\"true\""));
  auto unknown = payWith(page, "5555 5555 5555 4444");  // Luhn-valid, not a test card
  EXPECT_EQ(unknown.status, 422);
  EXPECT_THAT(text(unknown), HasSubstr("Carta non riconosciuta"));
  EXPECT_TRUE(node.calls(Operation::activate_payment_notice_v2).empty());
}

TEST_F(CheckoutTest, CancelBeforePayingGoesToTheCancelUrlWithoutOutcome) {
  auto page = browser->get(openCart({tari}));
  auto cancelled = browser->submit(page, {}, "/annulla");
  EXPECT_EQ(cancelled.status, 303);
  EXPECT_EQ(cancelled.headers.get("Location").value_or(""), kCancel);
  EXPECT_TRUE(node.calls(Operation::send_payment_outcome_v2).empty());
  // The cart now says so, and paying it is no longer possible.
  auto after = payWith(page, "4242424242424242");
  EXPECT_THAT(text(after), HasSubstr("Hai annullato il pagamento"));
  EXPECT_TRUE(node.calls(Operation::activate_payment_notice_v2).empty());
}

TEST_F(CheckoutTest, CancelAfterAPartialActivationSendsKoForTheTokensIssued) {
  node.setActivateFault(mensa, pagopa::makeFault(f::ppt_stazione_int_pa_timeout, std::string(f::node_id)));
  auto page = browser->get(openCart({tari, mensa}));
  auto retry = payWith(page, "4242424242424242");
  ASSERT_EQ(retry.status, 200);
  EXPECT_THAT(text(retry), HasSubstr("Il servizio dell'ente non risponde, riprova più tardi"));
  auto cancelled = browser->submit(retry, {}, "/annulla");
  EXPECT_EQ(cancelled.status, 303);
  EXPECT_EQ(cancelled.headers.get("Location").value_or(""), kCancel);
  auto activations = node.calls(Operation::activate_payment_notice_v2);
  ASSERT_EQ(activations.size(), 2u);
  ASSERT_FALSE(activations[0].token.empty());
  auto outcomes = node.calls(Operation::send_payment_outcome_v2);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].outcome, pagopa::Outcome::ko);
  EXPECT_EQ(outcomes[0].tokens, std::vector<std::string>{activations[0].token});
}

TEST_F(CheckoutTest, RetryAfterATransientFaultReusesTheIdempotencyKey) {
  node.setActivateFault(
      mensa, pagopa::makeFault(f::ppt_stazione_int_pa_irraggiungibile, std::string(f::node_id)), 1);
  auto page = browser->get(openCart({tari, mensa}));
  auto retry = payWith(page, "4242424242424242");
  EXPECT_THAT(text(retry), HasSubstr("Il servizio dell'ente non risponde"));
  auto receipt = payWith(retry, "4242424242424242");
  ASSERT_EQ(receipt.status, 200) << receipt.body;
  EXPECT_THAT(text(receipt), HasSubstr("Ricevuta di pagamento"));
  auto activations = node.calls(Operation::activate_payment_notice_v2);
  ASSERT_EQ(activations.size(), 3u);  // tari once, mensa twice
  EXPECT_EQ(activations[0].notice_number, tari);
  EXPECT_EQ(activations[1].notice_number, mensa);
  EXPECT_EQ(activations[2].notice_number, mensa);
  EXPECT_EQ(activations[1].key, activations[2].key);
  EXPECT_NE(activations[0].key, activations[1].key);
  auto outcomes = node.calls(Operation::send_payment_outcome_v2);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].tokens, (std::vector<std::string>{activations[0].token, activations[2].token}));
}

TEST_F(CheckoutTest, ASecondSubmissionShowsTheReceiptAndCallsNobody) {
  auto page = browser->get(openCart({tari, mensa}));
  auto first = payWith(page, "4242424242424242");
  ASSERT_THAT(text(first), HasSubstr("Ricevuta di pagamento"));
  auto second = payWith(page, "4242424242424242");
  EXPECT_EQ(second.status, 200);
  EXPECT_THAT(text(second), HasSubstr("Ricevuta di pagamento"));
  auto cancel = browser->submit(page, {}, "/annulla");  // too late to cancel: the receipt again
  EXPECT_THAT(text(cancel), HasSubstr("Ricevuta di pagamento"));
  EXPECT_EQ(node.calls(Operation::activate_payment_notice_v2).size(), 2u);
  EXPECT_EQ(node.calls(Operation::send_payment_outcome_v2).size(), 1u);
}

TEST_F(CheckoutTest, ConcurrentDoubleClickActivatesEachNoticeOnce) {
  auto path = openCart({tari, mensa});
  auto page = browser->get(path);
  node.setActivateDelay(std::chrono::milliseconds(300));
  Browser other(origin(), testPki().ca.cert);
  Browser::Page a, b;
  std::thread t1([&] { a = payWith(page, "4242424242424242"); });
  std::thread t2([&] { b = payWith(page, "4242424242424242", &other); });
  t1.join();
  t2.join();
  int busy = 0;
  for (const auto* p : {&a, &b}) {
    if (text(*p).find("Pagamento in corso") != std::string::npos) ++busy;
    const std::string t = text(*p);
    EXPECT_TRUE(t.find("Ricevuta di pagamento") != std::string::npos ||
                t.find("Pagamento in corso") != std::string::npos)
        << t.substr(0, 600);
  }
  EXPECT_EQ(node.calls(Operation::activate_payment_notice_v2).size(), 2u);
  EXPECT_EQ(node.calls(Operation::send_payment_outcome_v2).size(), 1u);
  EXPECT_THAT(text(browser->get(path)), HasSubstr("Ricevuta di pagamento"));
  RecordProperty("busy_pages", busy);  // 1 when the clicks overlapped (the usual case), 0 otherwise
}

TEST_F(CheckoutTest, OutcomeRefusedForGoodFailsTheCart) {
  node.setOutcomeFault(pagopa::makeFault(f::ppt_token_scaduto, std::string(f::node_id)));
  auto page = browser->get(openCart({tari}));
  auto failed = payWith(page, "4242424242424242");
  EXPECT_THAT(text(failed), HasSubstr("Il pagamento non è stato completato"));
  EXPECT_THAT(text(failed), HasSubstr("PPT_TOKEN_SCADUTO"));
  EXPECT_THAT(text(failed), HasSubstr("href=\"" + kError + "\""));
}

TEST_F(CheckoutTest, OutcomeAlreadyAcquiredCountsAsPaid) {
  node.setOutcomeFault(pagopa::makeFault(f::ppt_esito_gia_acquisito, std::string(f::node_id)));
  auto page = browser->get(openCart({tari}));
  EXPECT_THAT(text(payWith(page, "4242424242424242")), HasSubstr("Ricevuta di pagamento"));
}

TEST_F(CheckoutTest, ANoticeAlreadyPaidFailsTheCartWhenOpened) {
  node.setVerifyFault(mensa, pagopa::faultFromEc(pagopa::makeFault(f::paa_pagamento_duplicato, kEc)));
  auto page = browser->get(openCart({tari, mensa}));
  ASSERT_EQ(page.status, 200);
  EXPECT_THAT(text(page), HasSubstr("L'avviso risulta già pagato"));
  EXPECT_THAT(text(page), HasSubstr("href=\"" + kError + "\""));
  EXPECT_THAT(page.body, Not(HasSubstr("/paga\"")));
  EXPECT_TRUE(node.calls(Operation::activate_payment_notice_v2).empty());
}

TEST_F(CheckoutTest, AStationDownWhenOpeningOffersARetry) {
  node.setVerifyFault(tari, pagopa::makeFault(f::ppt_stazione_int_pa_timeout, std::string(f::node_id)));
  auto path = openCart({tari});
  auto page = browser->get(path);
  EXPECT_THAT(text(page), HasSubstr("Il servizio dell'ente non risponde"));
  EXPECT_THAT(page.body, HasSubstr("Riprova"));
  node.setVerifyFault(tari, std::nullopt);
  auto again = browser->get(path);
  EXPECT_THAT(again.body, HasSubstr("/paga\""));
}

TEST_F(CheckoutTest, AnExpiredCartSaysSo) {
  auto path = openCart({tari});
  auto page = browser->get(path);
  ASSERT_EQ(page.status, 200);
  clock->advance(std::chrono::minutes(31));
  auto expired = browser->get(path);
  EXPECT_EQ(expired.status, 410);
  EXPECT_THAT(text(expired), HasSubstr("Il tempo per completare il pagamento è scaduto"));
  EXPECT_THAT(text(expired), HasSubstr("href=\"" + kError + "\""));
  auto paid = payWith(page, "4242424242424242");
  EXPECT_EQ(paid.status, 410);
  EXPECT_TRUE(node.calls(Operation::activate_payment_notice_v2).empty());
}

TEST_F(CheckoutTest, UnknownCart) {
  auto page = browser->get("/pagopa/checkout/carrello/0123456789abcdef0123456789abcdef");
  EXPECT_EQ(page.status, 404);
  EXPECT_THAT(text(page), HasSubstr("Non troviamo questo pagamento"));
}

// ---- "Paga un avviso" --------------------------------------------------------------------------------

TEST_F(CheckoutTest, NoticeFormIsAccessible) {
  auto form = browser->get("/pagopa/checkout/");
  ASSERT_EQ(form.status, 200);
  EXPECT_THAT(form.body, HasSubstr("<html lang=\"it\">"));
  EXPECT_EQ(std::count(form.body.begin(), form.body.end(), '\0'), 0);
  std::regex h1("<h1[ >]");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(form.body.begin(), form.body.end(), h1), std::sregex_iterator()), 1);
  EXPECT_THAT(form.body, HasSubstr("<h1>Paga un avviso</h1>"));
  for (std::string id : {"codiceAvviso", "cfEnte", "email"}) {
    EXPECT_THAT(form.body, HasSubstr("<label for=\"" + id + "\""));
    EXPECT_THAT(form.body, HasSubstr("<input id=\"" + id + "\""));
  }
  EXPECT_EQ(form.headers.get("Cache-Control").value_or(""), "no-store");
}

TEST_F(CheckoutTest, PrintedNoticeNumberIsVerifiedAndPaid) {
  auto form = browser->get("/pagopa/checkout/");
  auto printed = pagopa::parseNoticeNumber(tari)->printed();
  ASSERT_EQ(printed.size(), 22u);
  auto page = browser->submit(
      form, {{"codiceAvviso", printed}, {"cfEnte", kEc}, {"email", "m.rossi@example.it"}}, "/avviso");
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string t = text(page);
  EXPECT_THAT(t, HasSubstr("TARI 2026, rata unica"));
  EXPECT_THAT(t, HasSubstr("Comune di Vigata"));
  EXPECT_THAT(t, HasSubstr("1.234,56 €"));
  EXPECT_THAT(t, HasSubstr("31/12/2026"));
  EXPECT_THAT(t, HasSubstr(printed));
  auto verifies = node.calls(Operation::verify_payment_notice);
  ASSERT_EQ(verifies.size(), 1u);
  EXPECT_EQ(verifies[0].notice_number, tari);
  auto receipt = payWith(page, "4242424242424242");
  EXPECT_THAT(text(receipt), HasSubstr("Ricevuta di pagamento"));
  EXPECT_THAT(text(receipt), HasSubstr("m.rossi@example.it"));
  EXPECT_THAT(text(receipt), HasSubstr("Paga un avviso"));
  EXPECT_EQ(node.calls(Operation::verify_payment_notice).size(), 1u);  // not verified twice
}

TEST_F(CheckoutTest, NoticeFormProblemsInItalian) {
  auto form = browser->get("/pagopa/checkout/");
  std::string badCheck = tari.substr(0, 16) + (tari.substr(16) == "00" ? "01" : "00");
  auto page = browser->submit(form, {{"codiceAvviso", badCheck}, {"cfEnte", "8001235084"}, {"email", "x@"}},
                              "/avviso");
  EXPECT_EQ(page.status, 422);
  EXPECT_THAT(text(page), HasSubstr("Il codice avviso non è corretto"));
  EXPECT_THAT(text(page), HasSubstr("Il codice fiscale dell'ente ha 11 cifre"));
  EXPECT_THAT(text(page), HasSubstr("L'indirizzo e-mail non è valido"));
  EXPECT_THAT(page.body, HasSubstr("value=\"8001235084\""));  // what was typed is kept
  page = browser->submit(form, {{"codiceAvviso", "1234"}, {"cfEnte", ""}}, "/avviso");
  EXPECT_THAT(text(page), HasSubstr("Il codice avviso ha 18 cifre"));
  EXPECT_THAT(text(page), HasSubstr("Inserisci il codice fiscale"));
  EXPECT_TRUE(node.calls().empty());
}

TEST_F(CheckoutTest, EveryFaultHasItsItalianMessage) {
  struct Case {
    pagopa::FaultBean fault;
    std::string message;
  };
  auto ec = [](std::string_view code) { return pagopa::faultFromEc(pagopa::makeFault(code, kEc)); };
  auto node_ = [](std::string_view code) { return pagopa::makeFault(code, std::string(f::node_id)); };
  const std::vector<Case> cases = {
      {ec(f::paa_pagamento_scaduto), "L'avviso è scaduto."},
      {ec(f::paa_pagamento_duplicato), "L'avviso risulta già pagato."},
      {ec(f::paa_pagamento_sconosciuto), "Avviso non trovato."},
      {ec(f::paa_pagamento_annullato), "L'avviso è stato annullato dall'ente."},
      {node_(f::ppt_pagamento_in_corso), "Pagamento già in corso."},
      {node_(f::ppt_pagamento_duplicato), "L'avviso risulta già pagato."},
      {node_(f::ppt_stazione_int_pa_irraggiungibile),
       "Il servizio dell'ente non risponde, riprova più tardi."},
      {node_(f::ppt_stazione_int_pa_timeout), "Il servizio dell'ente non risponde, riprova più tardi."},
      {node_(f::ppt_dominio_sconosciuto), "Ente creditore non trovato."},
      {node_(f::ppt_autenticazione), "Il servizio di pagamento non è abilitato dal nodo pagoPA."},
      {node_(f::ppt_system_error), "Il servizio pagoPA non è raggiungibile in questo momento"},
  };
  auto form = browser->get("/pagopa/checkout/");
  for (const auto& c : cases) {
    node.setVerifyFault(tari, c.fault);
    auto page = browser->submit(form, {{"codiceAvviso", tari}, {"cfEnte", kEc}}, "/avviso");
    EXPECT_EQ(page.status, 200);
    EXPECT_THAT(text(page), HasSubstr(c.message))
        << c.fault.fault_code << " " << c.fault.original_fault_code.value_or("");
    EXPECT_THAT(text(page), HasSubstr(c.fault.original_fault_code.value_or(c.fault.fault_code)));
    EXPECT_THAT(text(page), HasSubstr("<h1>Paga un avviso</h1>"));
  }
  // The notice absent from the node's table: the EC's SCONOSCIUTO through the node.
  node.setVerifyFault(tari, std::nullopt);
  auto unknown =
      browser->submit(form, {{"codiceAvviso", notice(47, "0000000000999")}, {"cfEnte", kEc}}, "/avviso");
  EXPECT_THAT(text(unknown), HasSubstr("Avviso non trovato."));
  // A node that answers with something else than SOAP.
  node.setGarbage(true);
  auto down = browser->submit(form, {{"codiceAvviso", tari}, {"cfEnte", kEc}}, "/avviso");
  EXPECT_THAT(text(down), HasSubstr("Il servizio pagoPA non è raggiungibile"));
  EXPECT_GE(log.count({"checkout_node_error", "unreadable"}), 1u);
}

}  // namespace
}  // namespace sportello::test
