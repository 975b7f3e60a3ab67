// The comune's station: its paForNode SOAP service, which the pagoPA node calls (spec/pagopa.md
// "Operations", "Faults", "State"). POST /comune/station, SOAP 1.1, for paVerifyPaymentNotice,
// paGetPayment, paGetPaymentV2, paSendRT and paSendRTV2 (station_operations.hpp says what each answers).
//
// Contract, in the order the checks run:
//  1. Client certificate: with [ec] require_client_cert, a request must have arrived on a listener with
//     client_cert = true (config.server.listeners, by Request::listener); otherwise HTTP 403 with a SOAP
//     Fault (Client) and rule "station.client_cert", before the body is read.
//  2. Envelope (soap.hpp readEnvelope): refused -> when SOAPAction names a paForNode operation, the KO
//     <op>Res with PAA_SINTASSI_EXTRAXSD ("<rule>: <message>"), as pagoPA answers an envelope it cannot
//     read for a known operation; otherwise a SOAP Fault with the envelope rule (nothing to name a
//     response by).
//  3. Operation: the payload's element names it. SOAPAction, when present and not empty, must name the
//     same operation: else a SOAP Fault, rule "station.soap_action". A payload that is no paForNode
//     request: with a SOAPAction naming one, read as that operation (so PAA_SINTASSI_XSD names the
//     element); without, a SOAP Fault, rule "station.operation".
//  4. read<T>() (strict): its FaultBean (PAA_SINTASSI_XSD / PAA_SEMANTICA, description starting with the
//     element path) answered as the KO <op>Res, with the station's id filled in.
//  5. Scenarios (scenarios.hpp): the first rule matching the operation and notice number acts now.
//  6. The operation itself (station_operations.hpp).
// HTTP status: 200 for every pagoPA answer, OK or KO (pagoPA's convention); 500 for SOAP Faults; 403 for
// the certificate refusal. Content-Type text/xml; charset=utf-8.
//
// The route is a stream route (Router::addStream): asynchronous like an AsyncHandler, so delays and
// timeouts wait on an asio timer and never hold an I/O thread, and it is the only kind of handler the
// server lets drop a connection: "down" (and a timeout's end) writes a response head announcing a body
// that never comes and returns, so the server cuts the connection and HTTP clients (core/http's
// included) report the peer as closed ("closed the connection mid-body"). A true close before any byte
// would need a server feature that does not exist yet.
//
// Observability: one log line "station_operation" per request {request_id, operation, id_pa, notice,
// outcome (OK, KO, soap_fault, refused, garbage, down, timeout), fault_code, description, rule, scenario,
// booking}, plus "station_scenario" when a rule acts (before a delay or hold starts); counter
// sportello_comune_station_requests_total{operation, outcome}.
#pragma once

#include <memory>

#include "core/base/clock.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/config/config.hpp"
#include "core/http/admin.hpp"
#include "core/http/router.hpp"
#include "mocks/comune/debt_positions.hpp"
#include "mocks/comune/scenarios.hpp"

namespace sportello::comune {

class Station {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;  // [ec] and server.listeners
    std::shared_ptr<DebtPositions> positions;
    std::shared_ptr<Clock> clock;      // optional: the positions' clock rules every date decision
    std::shared_ptr<Logger> log;       // optional
    std::shared_ptr<Metrics> metrics;  // optional
  };
  explicit Station(Options options);

  // POST /comune/station, and the scenario admin routes (scenarios.hpp) guarded by `admin`.
  void addRoutes(http::Router& router, const http::Admin& admin) const;
  // The rules the station consults (shared with the admin routes).
  Scenarios& scenarios() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace sportello::comune
