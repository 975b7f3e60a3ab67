// The node's life cycle, the /pagopa/node endpoint (envelope, dispatch, log line, metrics) and the
// outbox's delivery function.
#include "mocks/pagopa/node.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/http/server.hpp"
#include "mocks/pagopa/node_faults.hpp"
#include "mocks/pagopa/node_impl.hpp"

namespace sportello::node {

namespace asio = boost::asio;
using pagopa::Operation;

namespace {

http::Response soap(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.set("Content-Type", "text/xml; charset=utf-8");
  r.body = std::move(body);
  return r;
}

bool isNodeForPsp(Operation op) {
  const auto& i = pagopa::info(op);
  return i.ns == pagopa::ns::node_for_psp;
}

void record(Node::Impl& self, const http::Request& req, std::string_view op, const OpResult& r) {
  const std::string outcome = r.fault_code.empty() ? std::string("OK") : r.fault_code;
  self.o.metrics
      ->counter("sportello_pagopa_node_operations_total",
                "nodeForPsp operations answered, by outcome or fault code.",
                {{"operation", std::string(op)}, {"outcome", outcome}})
      .inc();
  self.o.log->log(r.fault_code.empty() ? LogLevel::info : LogLevel::warn, "pagopa_node",
                  {{"request_id", req.request_id},
                   {"op", op},
                   {"notice", r.notice},
                   {"outcome", r.fault_code.empty() ? "OK" : "KO"},
                   {"fault", r.fault_code},
                   {"token", r.token},
                   {"description", r.description}});
}

asio::awaitable<http::Response> handleSoap(std::shared_ptr<Node::Impl> self, http::Request& req) {
  std::optional<Operation> fromAction;
  if (auto action = req.headers.get("SOAPAction")) fromAction = pagopa::operationForSoapAction(*action);
  auto env = pagopa::readEnvelope(req.body);
  if (!env) {
    if (fromAction && isNodeForPsp(*fromAction)) {
      OpResult r = koResult(*fromAction, pagopa::envelopeFault(env.error(), pagopa::FaultPrefix::ppt));
      record(*self, req, pagopa::info(*fromAction).soap_action, r);
      co_return soap(200, std::move(r.body));
    }
    record(*self, req, "unknown", OpResult{{}, {}, {}, env.error().rule, env.error().message, {}});
    co_return soap(500, pagopa::writeSoapFault(pagopa::toSoapFault(env.error())));
  }
  auto op = pagopa::requestOperation(*env);
  if (!op || !isNodeForPsp(*op)) {
    pagopa::SoapFault f;
    f.code = pagopa::soap_code::client;
    f.string = "not a nodeForPsp request: <" + env->name + "> in namespace \"" + env->ns + "\"";
    f.rule = "node.operation";
    record(*self, req, "unknown", OpResult{{}, {}, {}, "node.operation", f.string, {}});
    co_return soap(500, pagopa::writeSoapFault(f));
  }
  OpResult r;
  switch (*op) {
    case Operation::verify_payment_notice:
      r = co_await verifyPaymentNotice(self, *env);
      break;
    case Operation::activate_payment_notice:
    case Operation::activate_payment_notice_v2:
      r = co_await activatePaymentNotice(self, *env, *op);
      break;
    default:
      r = co_await sendPaymentOutcome(self, *env, *op);
      break;
  }
  record(*self, req, pagopa::info(*op).soap_action, r);
  if (r.hold.count() > 0) {
    asio::steady_timer t(co_await asio::this_coro::executor, r.hold);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return soap(200, std::move(r.body));
}

// One delivery of the outbox: the paSendRT scenarios, then the station the row was written for (or,
// if the configuration changed, any station of its EC).
asio::awaitable<DeliveryResult> deliverRow(std::weak_ptr<Node::Impl> weak, const OutboxRow& row) {
  auto self = weak.lock();
  if (!self) co_return fail(std::string("the node is gone"));
  const std::string op = row.entry.version >= 2 ? "paSendRTV2" : "paSendRT";
  if (auto sc = self->scenarios.take(op, row.entry.notice_number)) {
    if (sc->delay.count() > 0) {
      asio::steady_timer t(co_await asio::this_coro::executor, sc->delay);
      co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (sc->action == ScenarioAction::fault) co_return fail("scenario: fault " + sc->fault_code);
    if (sc->action == ScenarioAction::timeout) co_return fail(std::string("scenario: timeout"));
  }
  const config::Station* s = self->ec->station(row.entry.recipient, row.entry.id_station);
  if (s == nullptr) s = self->ec->anyStation(row.entry.recipient);
  if (s == nullptr) co_return fail("no station for the EC " + row.entry.recipient + " in the configuration");
  co_return co_await self->ec->sendReceipt(*s, row.entry);
}

}  // namespace

std::int64_t Node::Impl::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(o.clock->now().time_since_epoch()).count();
}

OpResult koResult(Operation op, const pagopa::FaultBean& fault, std::string notice) {
  OpResult r;
  r.body = pagopa::writeKo(op, fault);
  r.notice = std::move(notice);
  r.fault_code = fault.fault_code;
  r.description = fault.description.value_or("");
  return r;
}

Node::Node(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  stop();
}

Result<std::unique_ptr<Node>, std::string> Node::create(Options options) {
  if (!options.config) return fail(std::string("pagopa node: no configuration"));
  if (!options.clock) options.clock = std::make_shared<Clock>();
  if (!options.log) options.log = Logger::null();
  if (!options.metrics) options.metrics = std::make_shared<Metrics>();
  auto db = openNodeDatabase(options.database_path);
  if (!db) return fail("pagopa node database " + db.error());

  auto impl = std::make_shared<Impl>();
  impl->o = std::move(options);
  impl->db = std::move(*db);
  impl->tokens = std::make_unique<TokenStore>(impl->db);
  impl->outbox = std::make_shared<Outbox>(impl->db);
  impl->ec = std::make_unique<EcGateway>(impl->o.config, impl->o.materials, impl->o.metrics);

  const auto& p = impl->o.config->pagopa;
  OutboxWorker::Options w;
  w.outbox = impl->outbox;
  w.now = [clock = impl->o.clock] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock->now().time_since_epoch()).count();
  };
  // Weak: the worker belongs to the node's state, which must not keep itself alive through it.
  std::weak_ptr<Impl> weak = impl;
  w.deliver = [weak](const OutboxRow& row) { return deliverRow(weak, row); };
  w.retry_initial = p.retry_initial;
  w.retry_max = p.retry_max;
  w.log = impl->o.log;
  w.metrics = impl->o.metrics;
  impl->worker = std::make_shared<OutboxWorker>(std::move(w));
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

void Node::addRoutes(http::Router& router, const http::Admin& admin) {
  auto self = impl_;
  router.addAsync("POST", "/pagopa/node", [self](http::Request& req) { return handleSoap(self, req); });
  addAdminRoutes(self, router, admin);
}

void Node::start(http::Server& server) {
  impl_->worker->start(server.context(0));
}

void Node::stop() {
  if (impl_ && impl_->worker) impl_->worker->stop();
}

}  // namespace sportello::node
