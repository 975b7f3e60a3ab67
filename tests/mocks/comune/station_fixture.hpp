// The comune's station through the real router and server on port 0: three listeners (plain HTTP, TLS,
// TLS with client certificates), clients for each, the node's side of every exchange (answers read with
// read<T>() as the node reads them, PPT_ prefix, and validated against pagoPA's official XSDs), and
// builders for requests and receipts from the store's own notices.
#pragma once

#include <chrono>

#include "core/http/client.hpp"
#include "core/http/server.hpp"
#include "core/pagopa/messages.hpp"
#include "core/pagopa/notice.hpp"
#include "mocks/comune/station.hpp"
#include "tests/core/pagopa/xsd_validator.hpp"
#include "tests/mocks/comune/comune_fixtures.hpp"

namespace sportello::test {

inline const char* kBroker = "80012350841";
inline const char* kStationId = "80012350841_01";

class StationHttp : public ComuneStore {
 protected:
  void SetUp() override {
    // Before any server thread parses XML: loading swaps libxml2's entity loader process-wide.
    const auto& schemas = pagopa::testing::PagopaSchemas::get();
    ASSERT_TRUE(schemas.loaded()) << schemas.loadError();
    ComuneStore::SetUp();
    positions = std::shared_ptr<comune::DebtPositions>(std::move(store));
    start(false);
  }
  void TearDown() override { stop(); }

  void start(bool requireClientCert) {
    stop();
    auto cfg = std::make_shared<config::Config>();
    cfg->server.listeners = {config::Listener{"plain", {"127.0.0.1", 0}, false, {}, false},
                             config::Listener{"tls", {"127.0.0.1", 0}, true, {}, false},
                             config::Listener{"mtls", {"127.0.0.1", 0}, true, {}, true}};
    cfg->ec.require_client_cert = requireClientCert;
    cfg->ec.creditors = {
        config::Creditor{kVigata, "Comune di Vigata", "Ufficio Tributi", 3, 47, 0, {}},
        config::Creditor{
            kMontelusa, "Libero Consorzio Comunale di Montelusa", "Servizio Tributi", 3, 48, 0, {}}};
    config = cfg;
    router = std::make_shared<http::Router>();
    http::Admin admin(config::Admin{}, metrics);
    admin.addRoutes(*router);
    station = std::make_unique<comune::Station>(
        comune::Station::Options{config, positions, clock, log.logger(), metrics});
    station->addRoutes(*router, admin);
    http::ServerOptions o;
    o.listeners = cfg->server.listeners;
    o.tls = {testPki().tls.cert, testPki().tls.key, ""};
    o.listener_client_ca = testPki().ca.cert;
    o.threads = 2;
    o.shutdown_grace = std::chrono::milliseconds(500);  // a held request (timeout scenario) is cut soon
    server = std::make_unique<http::Server>(o, router, log.logger(), metrics);
    auto r = server->start();
    ASSERT_TRUE(r) << r.error();
  }
  void stop() {
    if (server) {
      server->shutdown();
      server->wait();
      server.reset();
    }
  }

  http::Origin origin(const std::string& listener) const {
    for (const auto& b : server->bound()) {
      if (b.name == listener) return {b.tls, "127.0.0.1", b.port};
    }
    ADD_FAILURE() << "no listener " << listener;
    return {};
  }

  static http::ClientOptions clientOptions(bool withCert,
                                           std::chrono::milliseconds readTimeout = std::chrono::seconds(10)) {
    http::ClientOptions o;
    o.tls.ca = testPki().ca.cert;
    if (withCert) {
      o.tls.cert = testPki().node_client.cert;
      o.tls.key = testPki().node_client.key;
    }
    o.read_timeout = readTimeout;
    return o;
  }

  // POSTs `body` to the station; `action` is sent as SOAPAction when not empty.
  Result<http::Response, http::ClientError> send(std::string body, const std::string& action = "",
                                                 const std::string& listener = "plain",
                                                 http::Client* through = nullptr) {
    http::Request r;
    r.method = "POST";
    r.target = "/comune/station";
    r.headers.add("Content-Type", "text/xml; charset=utf-8");
    if (!action.empty()) r.headers.add("SOAPAction", action);
    r.body = std::move(body);
    return (through != nullptr ? *through : client).sendSync(origin(listener), std::move(r));
  }
  http::Response post(std::string body, const std::string& action = "") {
    auto r = send(std::move(body), action);
    EXPECT_TRUE(r) << r.error().message();
    return r ? *r : http::Response{};
  }

  // The typed call as the node makes it: SOAPAction quoted, answer HTTP 200, valid against the XSD, read
  // strictly with the node's prefix.
  template <class Res, class Req>
  Res call(const Req& req) {
    std::string action = "\"" + std::string(pagopa::info(Req::operation).soap_action) + "\"";
    http::Response resp = post(pagopa::write(req), action);
    return readAnswer<Res>(resp);
  }
  template <class Res>
  Res readAnswer(const http::Response& resp) {
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

  // A position of the demo comune, published (VALID) unless told otherwise; returns its first notice.
  std::string addPosition(comune::DebtPosition d, bool publish = true) {
    auto created = positions->create(kVigata, std::move(d), publish);
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->options.front().nav : std::string();
  }
  std::string addPosition(const std::string& iupd, bool publish = true) {
    return addPosition(positionValue(iupd), publish);
  }

  template <class Req>
  static Req getPaymentRequest(const std::string& notice, const std::string& idPA = kVigata) {
    Req r;
    r.id_pa = idPA;
    r.id_broker_pa = kBroker;
    r.id_station = kStationId;
    r.qr_code = {idPA, notice};
    return r;
  }
  static pagopa::PaVerifyPaymentNoticeReq verifyRequest(const std::string& notice,
                                                        const std::string& idPA = kVigata) {
    return getPaymentRequest<pagopa::PaVerifyPaymentNoticeReq>(notice, idPA);
  }

  static pagopa::Subject debtor(const comune::DebtPosition& d) {
    pagopa::Subject s;
    s.entity_type = pagopa::EntityType::physical_person;
    s.entity_id = d.fiscal_code;
    s.full_name = d.full_name;
    return s;
  }

  // A receipt paying `notice` of EC `ec` in full (built while the notice is payable).
  template <class Receipt>
  Receipt receiptFor(const std::string& notice, const std::string& receiptId,
                     const std::string& ec = kVigata) {
    auto n = positions->lookupByNotice(ec, notice);
    EXPECT_TRUE(n) << n.error().description;
    Receipt r;
    if (!n) return r;
    const comune::PaymentOption& o = n->option();
    r.receipt_id = receiptId;
    r.notice_number = notice;
    r.fiscal_code = ec;
    r.outcome = pagopa::Outcome::ok;
    r.creditor_reference_id = o.iuv;
    r.payment_amount = o.amount;
    r.description = o.description;
    r.company_name = n->position.company_name;
    r.debtor = debtor(n->position);
    for (std::size_t i = 0; i < o.transfers.size(); ++i) {
      const comune::Transfer& t = o.transfers[i];
      typename decltype(r.transfer_list)::value_type x;
      x.id_transfer = static_cast<int>(i) + 1;
      x.transfer_amount = t.amount;
      x.fiscal_code_pa = t.organization_fiscal_code.empty() ? ec : t.organization_fiscal_code;
      std::string account = t.iban.value_or(t.postal_iban.value_or(""));
      if constexpr (requires { x.iban; }) {
        x.iban = account;
      } else {
        x.account = pagopa::Iban{account};
      }
      x.remittance_information = t.remittance_information;
      x.transfer_category = t.category;
      r.transfer_list.push_back(std::move(x));
    }
    r.id_psp = "SPRTLPSP";
    r.psp_company_name = "PSP di Sportello";
    r.id_channel = "SPRTLPSP_01";
    r.channel_description = "app";
    r.payment_method = "creditCard";
    r.fee = 100;
    using namespace std::chrono;
    r.payment_date_time = pagopa::DateTime{local_days{year{2026} / November / day{22}} + 11h, std::nullopt};
    return r;
  }

  pagopa::PaSendRTReq sendRtRequest(const std::string& notice, const std::string& receiptId) {
    pagopa::PaSendRTReq r;
    r.id_pa = kVigata;
    r.id_broker_pa = kBroker;
    r.id_station = kStationId;
    r.receipt = receiptFor<pagopa::Receipt>(notice, receiptId);
    return r;
  }

  std::size_t receiptsBooked() {
    auto list = positions->receipts(kVigata, 100);
    EXPECT_TRUE(list);
    std::size_t n = 0;
    if (list) {
      for (const auto& s : *list) n += s.verdict == "booked" ? 1 : 0;
    }
    return n;
  }

  // POSTs JSON to the scenario admin route.
  http::Response admin(const std::string& method, const std::string& body, const std::string& target = "") {
    http::Request r;
    r.method = method;
    r.target = "/_admin/comune/scenarios" + target;
    if (!body.empty()) {
      r.headers.add("Content-Type", "application/json");
      r.body = body;
    }
    auto resp = client.sendSync(origin("plain"), std::move(r));
    EXPECT_TRUE(resp) << resp.error().message();
    return resp ? *resp : http::Response{};
  }

  CapturingLog log;
  std::shared_ptr<comune::DebtPositions> positions;
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<http::Router> router;
  std::unique_ptr<comune::Station> station;
  std::unique_ptr<http::Server> server;
  http::Client client{clientOptions(false)};
};

template <class Res>
void expectFault(const Res& res, std::string_view code, std::string_view inDescription = "") {
  EXPECT_EQ(res.outcome, pagopa::Outcome::ko);
  ASSERT_TRUE(res.fault.has_value());
  EXPECT_EQ(res.fault->fault_code, code) << res.fault->description.value_or("");
  if (!inDescription.empty()) {
    ASSERT_TRUE(res.fault->description);
    EXPECT_NE(res.fault->description->find(inDescription), std::string::npos) << *res.fault->description;
  }
}

}  // namespace sportello::test
