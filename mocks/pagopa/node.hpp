// The mock pagoPA node (Nodo dei Pagamenti): the PSP side (nodeForPsp SOAP), the calls to the ECs'
// stations (paForNode), payment tokens, and the receipts outbox (spec/pagopa.md).
//
//   POST /pagopa/node        nodeForPsp SOAP 1.1: verifyPaymentNotice, activatePaymentNotice(V2),
//                            sendPaymentOutcome(V2). pagoPA errors are KO answers with HTTP 200; what is
//                            not a readable envelope gets a SOAP Fault with 500 (or, when SOAPAction names
//                            an operation, its KO with PPT_SINTASSI_EXTRAXSD).
// Admin (guarded like every /_admin route):
//   GET    /_admin/pagopa/payments?notice=&limit=     attempts, newest first, with their effective state
//   GET    /_admin/pagopa/outbox?state=pending|done&token=&limit=&raw=true   receipts to deliver
//   POST   /_admin/pagopa/outbox/flush                 tries every pending row now; {"attempted",...}
//   GET    /_admin/pagopa/scenarios                    scenario hooks (node_scenarios.hpp)
//   POST   /_admin/pagopa/scenarios                    adds one: 201 {"id",...}
//   DELETE /_admin/pagopa/scenarios?id=                removes one, or all without id
//
// Every request: credentials ([pagopa] id_psp, id_broker_psp, id_channel, password:
// PPT_PSP_SCONOSCIUTO, PPT_INTERMEDIARIO_PSP_SCONOSCIUTO, PPT_CANALE_SCONOSCIUTO, PPT_AUTENTICAZIONE),
// then the strict reader (PPT_SINTASSI_XSD / PPT_SEMANTICA, core/pagopa read<T>()).
//   verify     notice paid: PPT_PAGAMENTO_DUPLICATO; token active: PPT_PAGAMENTO_IN_CORSO; otherwise
//              paVerifyPaymentNotice to the notice's station (node_ec.hpp for routing and EC faults).
//   activate   idempotencyKey first (same request: the same answer and token; another request while
//              the key lives: PPT_ERRORE_IDEMPOTENZA); notice paid / in progress as above (also for a
//              second activate racing the first); paGetPayment(V2) per the station's version; a token of
//              32 hex characters valid min(expirationTime, [pagopa] token_validity_s) on the simulated
//              clock, committed before the answer.
//   outcome    tokens.hpp recordOutcome(): OK -> PAID and the receipts in the outbox in the same
//              transaction, then the answer; KO -> FAILED (payable again); unknown token
//              PPT_TOKEN_SCONOSCIUTO; second outcome PPT_ESITO_GIA_ACQUISITO; expired token: KO ->
//              PPT_TOKEN_SCADUTO_KO, OK -> PPT_TOKEN_SCADUTO and accepted late as PAID_NORPT when the
//              notice is free (refused with PPT_PAGAMENTO_DUPLICATO / PPT_PAGAMENTO_IN_CORSO when another
//              token paid or holds it). V2: 1-5 tokens, one transaction. An OK needs details
//              (PPT_SEMANTICA).
// Each operation logs one line (event "pagopa_node": op, notice, outcome, fault, token, request_id) and
// counts sportello_pagopa_node_operations_total{operation,outcome}.
#pragma once

#include <memory>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "core/config/config.hpp"
#include "core/http/admin.hpp"
#include "core/http/router.hpp"
#include "core/pki/pki.hpp"

namespace sportello::http {
class Server;
}

namespace sportello::node {

class Node {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;  // [pagopa], [[pagopa.stations]], [ec.creditors]
    pki::Materials materials;                      // ca (trusted for stations), node_client (mutual TLS)
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
    std::string database_path;  // the SQLite file (payments, tokens, idempotency keys, outbox)
  };
  // Opens (creating when missing) and migrates the database; receipts left pending by an earlier run
  // are delivered once start() runs. Errors name the file.
  static Result<std::unique_ptr<Node>, std::string> create(Options options);
  ~Node();  // stop()s; routes already registered keep the node's state alive while the router lives
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void addRoutes(http::Router& router, const http::Admin& admin);
  // Spawns the outbox worker on server.context(0) (it polls once the server runs). Once.
  void start(http::Server& server);
  // Stops the worker (deliveries in flight finish). Idempotent; call before the server stops.
  void stop();

  struct Impl;

 private:
  explicit Node(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace sportello::node
