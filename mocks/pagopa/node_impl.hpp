// Internal to mocks/pagopa: the node's shared state, held by every route and by the outbox worker.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/http/message.hpp"
#include "core/pagopa/messages.hpp"
#include "mocks/pagopa/node.hpp"
#include "mocks/pagopa/node_ec.hpp"
#include "mocks/pagopa/node_scenarios.hpp"
#include "mocks/pagopa/outbox.hpp"
#include "mocks/pagopa/tokens.hpp"

namespace sportello::node {

// What one nodeForPsp call gave, for the answer, the log line and the metrics.
struct OpResult {
  std::string body;  // the complete response envelope
  std::string notice;
  std::string token;
  std::string fault_code;  // "" when OK
  std::string description;
  std::chrono::milliseconds hold{0};  // a timeout scenario: wait this long before answering
};

struct Node::Impl {
  Options o;
  std::shared_ptr<store::Database> db;
  std::unique_ptr<TokenStore> tokens;
  std::shared_ptr<Outbox> outbox;
  std::unique_ptr<EcGateway> ec;
  Scenarios scenarios;
  std::shared_ptr<OutboxWorker> worker;

  // Notices whose activation is calling the EC right now: a second activate meets PPT_PAGAMENTO_IN_CORSO
  // instead of racing the first to the EC.
  std::mutex activating_mu;
  std::set<std::string> activating;

  std::int64_t nowMs() const;
};

// nodeForPsp operations (node_psp.cpp). `message` is the read envelope, `op` its operation. References:
// the caller's coroutine keeps both alive (g++ 12: no temporaries in a co_await full-expression).
boost::asio::awaitable<OpResult> verifyPaymentNotice(const std::shared_ptr<Node::Impl>& self,
                                                     const pagopa::SoapMessage& message);
boost::asio::awaitable<OpResult> activatePaymentNotice(const std::shared_ptr<Node::Impl>& self,
                                                       const pagopa::SoapMessage& message,
                                                       pagopa::Operation op);
boost::asio::awaitable<OpResult> sendPaymentOutcome(const std::shared_ptr<Node::Impl>& self,
                                                    const pagopa::SoapMessage& message, pagopa::Operation op);

// The admin routes (node_admin.cpp).
void addAdminRoutes(const std::shared_ptr<Node::Impl>& self, http::Router& router, const http::Admin& admin);

// A KO answer to `op` with `fault`, as an OpResult.
OpResult koResult(pagopa::Operation op, const pagopa::FaultBean& fault, std::string notice = {});

}  // namespace sportello::node
