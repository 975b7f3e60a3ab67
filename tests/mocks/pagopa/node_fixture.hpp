// The node through the real router and server on port 0: a plain listener "psp" for the PSP's calls and
// the admin API, a TLS listener "ec" that requires client certificates from the test CA, the fake EC
// station behind it (fake_ec.hpp), a frozen simulated clock, and typed PSP calls whose answers are
// validated against pagoPA's official XSDs and read strictly.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <functional>
#include <thread>

#include "core/http/client.hpp"
#include "core/http/server.hpp"
#include "core/pagopa/notice.hpp"
#include "mocks/pagopa/node.hpp"
#include "tests/core/pagopa/xsd_validator.hpp"
#include "tests/mocks/comune/comune_fixtures.hpp"
#include "tests/mocks/pagopa/fake_ec.hpp"

namespace sportello::test {

inline const char* kV1Ec = "77777777777";           // a creditor whose station speaks V1
inline const char* kUnreachableEc = "11111111111";  // its station's port is closed
inline const char* kNoCertEc = "22222222222";       // its station does not present the client certificate
inline const char* kStrangerEc = "33333333333";     // no station at all

inline pagopa::PspCredentials pspCredentials() {
  return {"SPRTLPSP", "SPRTLPSP", "SPRTLPSP_01", "sportello"};
}

inline pagopa::OutcomeDetailsV2 paidDetails(std::int64_t fee = 100) {
  pagopa::OutcomeDetailsV2 d;
  d.payment_method = pagopa::PaymentMethod::credit_card;
  d.payment_channel = pagopa::PaymentChannel::on_line;
  d.fee = fee;
  d.application_date = pagopa::Date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{22}};
  d.transfer_date = pagopa::Date{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{23}};
  return d;
}

// A notice with aux digit 3, segregation code `seg` and base `n`.
inline std::string notice(int n, int seg = 47) {
  std::string base = std::to_string(n);
  base.insert(0, 13 - base.size(), '0');
  return pagopa::makeNoticeNumber(3, seg, base)->digits;
}

class NodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Before any server thread parses XML: loading swaps libxml2's entity loader process-wide.
    const auto& schemas = pagopa::testing::PagopaSchemas::get();
    ASSERT_TRUE(schemas.loaded()) << schemas.loadError();
    clock->set(fixedNow(), true);
    closed_port = closedPort();
    startAll();
  }
  void TearDown() override { stopAll(); }

  // A loopback port nobody listens on.
  static std::uint16_t closedPort() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
  }

  // The EC side, on the "ec" listener (mutual TLS): the fake station by default.
  virtual void addEc(http::Router& r, const http::Admin&) { ec->addRoutes(r, "/ec/station"); }

  virtual std::string configToml(std::uint16_t ecPort) const {
    const std::string url = "https://127.0.0.1:" + std::to_string(ecPort) + "/ec/station";
    auto station = [&](const std::string& cf, const std::string& u, int version, const std::string& extra) {
      return "[[pagopa.stations]]\nec_fiscal_code = \"" + cf + "\"\nid_broker_pa = \"" + cf +
             "\"\nid_station = \"" + cf + "_01\"\nurl = \"" + u + "\"\nversion = " + std::to_string(version) +
             "\ntimeout_ms = 1000\n" + extra + "\n";
    };
    return "[pagopa]\ntoken_validity_s = 1800\nretry_initial_s = 2\nretry_max_s = 8\n" +
           station(kVigata, url, 2, "segregation_codes = [47]") + station(kMontelusa, url, 2, "") +
           station(kV1Ec, url, 1, "") +
           station(kUnreachableEc, "https://127.0.0.1:" + std::to_string(closed_port) + "/ec/station", 2,
                   "") +
           station(kNoCertEc, url, 2, "client_cert = false") + extra_toml;
  }

  void startAll(bool startWorker = true) {
    router = std::make_shared<http::Router>();
    admin = std::make_unique<http::Admin>(config::Admin{}, metrics);
    admin->addRoutes(*router);
    http::ServerOptions o;
    o.listeners = {config::Listener{"psp", {"127.0.0.1", 0}, false, {}, false},
                   config::Listener{"ec", {"127.0.0.1", 0}, true, {}, true}};
    o.tls = {testPki().tls.cert, testPki().tls.key, ""};
    o.listener_client_ca = testPki().ca.cert;
    o.threads = 2;
    o.shutdown_grace = std::chrono::milliseconds(500);
    server = std::make_unique<http::Server>(o, router, log.logger(), metrics);
    auto bound = server->bind();
    ASSERT_TRUE(bound) << bound.error();
    std::uint16_t ecPort = 0;
    for (const auto& b : server->bound()) {
      if (b.name == "psp") psp = {false, "127.0.0.1", b.port};
      if (b.name == "ec") ecPort = b.port;
    }
    auto loaded = config::loadString(configToml(ecPort), "node-test.toml", dir.path());
    ASSERT_TRUE(loaded) << (loaded ? "" : loaded.error().front().format());
    config = *loaded;
    auto created =
        node::Node::create({config, testPki(), clock, log.logger(), metrics, dir.path() + "/pagopa.db"});
    ASSERT_TRUE(created) << created.error();
    node = std::move(*created);
    addEc(*router, *admin);
    node->addRoutes(*router, *admin);
    auto run = server->run();
    ASSERT_TRUE(run) << run.error();
    if (startWorker) node->start(*server);
  }
  void stopAll() {
    if (node) node->stop();
    if (server) {
      server->shutdown();
      server->wait();
      server.reset();
    }
    node.reset();
  }

  // ---- The PSP's side ----

  http::Response post(const std::string& body, const std::string& action, http::Client* through = nullptr) {
    http::Request r;
    r.method = "POST";
    r.target = "/pagopa/node";
    r.headers.add("Content-Type", "text/xml; charset=utf-8");
    if (!action.empty()) r.headers.add("SOAPAction", action);
    r.body = body;
    auto resp = (through != nullptr ? *through : client).sendSync(psp, std::move(r));
    EXPECT_TRUE(resp) << resp.error().message();
    return resp ? *resp : http::Response{};
  }

  // The typed call: HTTP 200, valid against the XSD, read strictly.
  template <class Res, class Req>
  Res call(const Req& req, http::Client* through = nullptr) {
    http::Response resp = post(pagopa::write(req),
                               "\"" + std::string(pagopa::info(Req::operation).soap_action) + "\"", through);
    return readAnswer<Res>(resp);
  }
  template <class Res>
  static Res readAnswer(const http::Response& resp) {
    EXPECT_EQ(resp.status, 200) << resp.body;
    EXPECT_EQ(pagopa::testing::PagopaSchemas::get().validate(resp.body), "") << resp.body;
    auto env = pagopa::readEnvelope(resp.body);
    EXPECT_TRUE(env) << resp.body;
    Res failed;
    failed.outcome = pagopa::Outcome::ko;
    if (!env) return failed;
    auto res = pagopa::read<Res>(*env);
    EXPECT_TRUE(res) << res.error().fault_code << ": " << res.error().description.value_or("") << "\n"
                     << resp.body;
    if (!res) return failed;
    return *res;
  }

  static pagopa::VerifyPaymentNoticeReq verifyReq(const std::string& cf, const std::string& nav) {
    return {pspCredentials(), {cf, nav}};
  }
  static pagopa::ActivatePaymentNoticeV2Request activateReq(const std::string& cf, const std::string& nav,
                                                            std::int64_t amount = 10000,
                                                            std::optional<std::string> key = std::nullopt) {
    pagopa::ActivatePaymentNoticeV2Request r;
    r.credentials = pspCredentials();
    r.idempotency_key = std::move(key);
    r.qr_code = {cf, nav};
    r.amount = amount;
    return r;
  }
  static pagopa::SendPaymentOutcomeV2Request outcomeReq(std::vector<std::string> tokens, bool ok = true,
                                                        std::optional<std::string> key = std::nullopt) {
    pagopa::SendPaymentOutcomeV2Request r;
    r.credentials = pspCredentials();
    r.idempotency_key = std::move(key);
    r.payment_tokens = std::move(tokens);
    r.outcome = ok ? pagopa::Outcome::ok : pagopa::Outcome::ko;
    if (ok) r.details = paidDetails();
    return r;
  }

  pagopa::VerifyPaymentNoticeRes verify(const std::string& cf, const std::string& nav) {
    return call<pagopa::VerifyPaymentNoticeRes>(verifyReq(cf, nav));
  }
  pagopa::ActivatePaymentNoticeV2Response activate(const std::string& cf, const std::string& nav,
                                                   std::int64_t amount = 10000,
                                                   std::optional<std::string> key = std::nullopt) {
    return call<pagopa::ActivatePaymentNoticeV2Response>(activateReq(cf, nav, amount, std::move(key)));
  }
  // Activates and returns the token (empty, with a test failure, when the node said KO).
  std::string token(const std::string& cf, const std::string& nav, std::int64_t amount = 10000) {
    auto r = activate(cf, nav, amount);
    EXPECT_EQ(r.outcome, pagopa::Outcome::ok) << (r.fault ? r.fault->fault_code : "");
    return r.payment_token.value_or("");
  }
  pagopa::SendPaymentOutcomeV2Response outcome(std::vector<std::string> tokens, bool ok = true,
                                               std::optional<std::string> key = std::nullopt) {
    return call<pagopa::SendPaymentOutcomeV2Response>(outcomeReq(std::move(tokens), ok, std::move(key)));
  }

  template <class Res>
  static std::string faultOf(const Res& r) {
    return r.fault ? r.fault->fault_code
                   : std::string("(no fault, outcome ") + std::string(toString(r.outcome)) + ")";
  }

  // ---- The admin API ----

  boost::json::value adminGet(const std::string& target) {
    http::Request r;
    r.method = "GET";
    r.target = target;
    auto resp = client.sendSync(psp, std::move(r));
    EXPECT_TRUE(resp && resp->status == 200) << (resp ? resp->body : resp.error().message());
    boost::system::error_code err;
    return resp ? boost::json::parse(resp->body, err) : boost::json::value{};
  }
  http::Response adminPost(const std::string& target, const std::string& body = "") {
    http::Request r;
    r.method = "POST";
    r.target = target;
    r.body = body;
    if (!body.empty()) r.headers.add("Content-Type", "application/json");
    auto resp = client.sendSync(psp, std::move(r));
    EXPECT_TRUE(resp) << resp.error().message();
    return resp ? *resp : http::Response{};
  }
  boost::json::object flush() {
    auto r = adminPost("/_admin/pagopa/outbox/flush");
    EXPECT_EQ(r.status, 200) << r.body;
    boost::system::error_code err;
    auto v = boost::json::parse(r.body, err);
    return v.is_object() ? v.as_object() : boost::json::object{};
  }
  // The attempt of `token` as /_admin/pagopa/payments shows it.
  boost::json::object payment(const std::string& token) {
    auto v = adminGet("/_admin/pagopa/payments?limit=1000");
    for (const auto& p : v.at("payments").as_array()) {
      if (p.at("token").as_string() == token) return p.as_object();
    }
    ADD_FAILURE() << "no payment with token " << token;
    return {};
  }
  std::string stateOf(const std::string& token) {
    auto p = payment(token);
    return p.contains("state") ? std::string(p.at("state").as_string()) : std::string();
  }
  boost::json::array outboxRows(const std::string& token = "") {
    auto v = adminGet("/_admin/pagopa/outbox?raw=true&token=" + token);
    return v.is_object() ? v.at("rows").as_array() : boost::json::array{};
  }

  // Polls `done` every 20 ms for up to 10 s (the worker runs on its own thread).
  static bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 500; ++i) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
  }

  TempDir dir;
  std::shared_ptr<Clock> clock = std::make_shared<Clock>();
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  CapturingLog log;
  std::shared_ptr<FakeEc> ec = std::make_shared<FakeEc>();
  std::string extra_toml;
  std::uint16_t closed_port = 0;
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<http::Router> router;
  std::unique_ptr<http::Admin> admin;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<node::Node> node;
  http::Origin psp;
  http::Client client;
};

}  // namespace sportello::test
