// The station's transport: certificate, envelope, operation, scenarios; then station_operations.cpp.
#include "mocks/comune/station.hpp"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <span>
#include <variant>

#include "core/pagopa/messages.hpp"
#include "core/xml/document.hpp"
#include "mocks/comune/station_operations.hpp"

namespace sportello::comune {

namespace asio = boost::asio;
using http::Request;
using http::Response;
using pagopa::Operation;

namespace {

constexpr std::string_view kPath = "/comune/station";
constexpr std::string_view kXml = "text/xml; charset=utf-8";
// What "garbage" answers: bytes no XML parser takes (not UTF-8, no element).
constexpr std::string_view kGarbage = "\xde\xad\xbe\xef garbage from the comune's station {{{ \xff\xfe";
// The body length a cut answer announces and never sends.
constexpr std::uint64_t kPromised = 1024;

using TypedRequest =
    std::variant<pagopa::PaVerifyPaymentNoticeReq, pagopa::PaGetPaymentReq, pagopa::PaGetPaymentV2Request,
                 pagopa::PaSendRTReq, pagopa::PaSendRTV2Request>;

struct Parsed {
  Operation operation;
  TypedRequest request;
};

// The facts of the one log line a request gets.
struct Exchange {
  std::string operation = "-";
  std::string id_pa;
  std::string notice;
  std::string outcome;
  std::string fault_code;
  std::string description;
  std::string rule;
  std::string booking;
  std::uint64_t scenario = 0;  // 0: none
};

Response xmlResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::string(kXml));
  r.body = std::move(body);
  return r;
}

Response soapFault(int status, const pagopa::SoapFault& f) {
  return xmlResponse(status, pagopa::writeSoapFault(f));
}

Response soapFault(int status, std::string_view rule, std::string message) {
  pagopa::SoapFault f;
  f.code = pagopa::soap_code::client;
  f.string = std::move(message);
  f.rule = std::string(rule);
  return soapFault(status, f);
}

bool isPaForNode(Operation op) {
  return pagopa::info(op).ns == pagopa::ns::pa_for_node;
}

template <class T>
Result<TypedRequest, pagopa::FaultBean> readAs(const pagopa::SoapMessage& m) {
  auto r = pagopa::read<T>(m);
  if (!r) return fail(std::move(r).error());
  return TypedRequest{std::move(*r)};
}

Result<TypedRequest, pagopa::FaultBean> readTyped(Operation op, const pagopa::SoapMessage& m) {
  switch (op) {
    case Operation::pa_verify_payment_notice:
      return readAs<pagopa::PaVerifyPaymentNoticeReq>(m);
    case Operation::pa_get_payment:
      return readAs<pagopa::PaGetPaymentReq>(m);
    case Operation::pa_get_payment_v2:
      return readAs<pagopa::PaGetPaymentV2Request>(m);
    case Operation::pa_send_rt:
      return readAs<pagopa::PaSendRTReq>(m);
    case Operation::pa_send_rt_v2:
      return readAs<pagopa::PaSendRTV2Request>(m);
    default:
      break;
  }
  return fail(pagopa::makeFault(pagopa::fault::paa_system_error, "", "not a paForNode operation"));
}

// The creditor and notice a request is about (the receipt's notice for paSendRT).
void describe(const TypedRequest& r, Exchange& x) {
  std::visit(
      [&](const auto& m) {
        x.id_pa = m.id_pa;
        using M = std::decay_t<decltype(m)>;
        if constexpr (requires { m.qr_code; }) {
          x.notice = m.qr_code.notice_number;
        } else {
          static_assert(std::is_same_v<M, pagopa::PaSendRTReq> ||
                        std::is_same_v<M, pagopa::PaSendRTV2Request>);
          x.notice = m.receipt.notice_number;
        }
      },
      r);
}

asio::awaitable<bool> readBody(http::BodyReader& body, std::string& out) {
  std::array<char, 16 * 1024> buf{};
  for (;;) {
    auto n = co_await body.read(std::span<char>(buf));
    if (!n) co_return false;
    if (*n == 0) co_return true;
    out.append(buf.data(), *n);
  }
}

// Waits on a timer of the connection's own executor: no thread is held. False when the wait was cut
// short: the server cancels what a connection waits on when its shutdown grace runs out.
asio::awaitable<bool> pause(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

// What a handler cut short by the server returns: never written, since the connection's next write
// fails at once and the server closes it quietly (no I/O may be started once it was cancelled).
Response cancelled() {
  return Response::error(503, "shutting_down", "the server is shutting down");
}

// Drops the connection without a usable answer: a head promising kPromised bytes, then nothing. The
// handler returns without finishing, so the server cuts the connection (stream.hpp).
asio::awaitable<void> cut(http::ResponseWriter& writer) {
  Response head;
  head.status = 200;
  head.headers.set("Content-Type", std::string(kXml));
  bool written = co_await writer.writeHead(head, kPromised);
  (void)written;
}

}  // namespace

struct Station::State {
  Options o;
  std::shared_ptr<Scenarios> scenarios = std::make_shared<Scenarios>();

  const config::Ec& ec() const { return o.config->ec; }

  std::optional<Response> refuseClientCert(const Request& req, Exchange& x) const {
    if (!ec().require_client_cert) return std::nullopt;
    const config::Listener* l = o.config->listener(req.listener);
    if (l != nullptr && l->tls && l->client_cert && req.tls) return std::nullopt;
    x.outcome = "refused";
    x.rule = "station.client_cert";
    return soapFault(403, x.rule,
                     "this station answers only clients that present a certificate of the test CA (mutual "
                     "TLS); listener \"" +
                         req.listener + "\" does not ask for one");
  }

  // Steps 2-4 of the contract: the typed request, or the answer that refuses it.
  Result<Parsed, Response> parse(const Request& req, std::string_view body, Exchange& x) const {
    std::optional<Operation> action;
    bool actionGiven = false;
    if (auto h = req.headers.get("SOAPAction")) {
      std::string_view v = *h;
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      actionGiven = !v.empty();  // "" means "the Request-URI says it" (SOAP 1.1 section 6.1.1)
      auto op = pagopa::operationForSoapAction(v);
      if (op && isPaForNode(*op)) action = op;
    }

    auto envelope = pagopa::readEnvelope(body);
    if (!envelope) {
      x.rule = envelope.error().rule;
      x.description = envelope.error().message;
      if (action) {
        x.operation = pagopa::info(*action).soap_action;
        pagopa::FaultBean fb = pagopa::envelopeFault(envelope.error(), pagopa::FaultPrefix::paa);
        fb.id = ec().id_broker_pa;
        x.outcome = "KO";
        x.fault_code = fb.fault_code;
        return fail(xmlResponse(200, pagopa::writeKo(*action, fb)));
      }
      x.outcome = "soap_fault";
      return fail(soapFault(500, pagopa::toSoapFault(envelope.error())));
    }

    std::optional<Operation> payload = pagopa::requestOperation(*envelope);
    if (payload && !isPaForNode(*payload)) payload.reset();
    if (payload && actionGiven && action != payload) {
      x.operation = pagopa::info(*payload).soap_action;
      x.outcome = "soap_fault";
      x.rule = "station.soap_action";
      std::string given(*req.headers.get("SOAPAction"));
      x.description = "SOAPAction " + given + " does not name the payload's operation";
      return fail(soapFault(500, x.rule,
                            "SOAPAction " + given + " does not match the payload, " +
                                std::string(pagopa::info(*payload).request)));
    }
    if (!payload && !action) {
      x.outcome = "soap_fault";
      x.rule = "station.operation";
      x.description = "{" + envelope->ns + "}" + envelope->name;
      return fail(
          soapFault(500, x.rule,
                    "the Body holds {" + envelope->ns + "}" + envelope->name +
                        ", not a paForNode request (paVerifyPaymentNotice, paGetPayment, paGetPaymentV2, "
                        "paSendRT, paSendRTV2)"));
    }
    const Operation op = payload ? *payload : *action;
    x.operation = pagopa::info(op).soap_action;

    auto typed = readTyped(op, *envelope);
    if (!typed) {
      pagopa::FaultBean fb = std::move(typed).error();
      fb.id = ec().id_broker_pa;  // the request could not be read: no creditor to speak for
      x.outcome = "KO";
      x.fault_code = fb.fault_code;
      x.description = fb.description.value_or("");
      return fail(xmlResponse(200, pagopa::writeKo(op, fb)));
    }
    describe(*typed, x);
    return Parsed{op, std::move(*typed)};
  }

  Response answer(const Parsed& p, std::string_view body, Exchange& x) const {
    station::Context ctx{ec(), *o.positions};
    station::Answer a = std::visit(
        [&](const auto& m) -> station::Answer {
          using M = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<M, pagopa::PaVerifyPaymentNoticeReq>) {
            return station::verifyPaymentNotice(ctx, m);
          } else if constexpr (std::is_same_v<M, pagopa::PaGetPaymentReq>) {
            return station::getPayment(ctx, m);
          } else if constexpr (std::is_same_v<M, pagopa::PaGetPaymentV2Request>) {
            return station::getPaymentV2(ctx, m);
          } else if constexpr (std::is_same_v<M, pagopa::PaSendRTReq>) {
            return station::sendRT(ctx, m, body);
          } else {
            return station::sendRTV2(ctx, m, body);
          }
        },
        p.request);
    x.outcome = a.ok ? "OK" : "KO";
    x.fault_code = a.fault_code;
    x.description = a.description;
    x.booking = a.booking;
    return xmlResponse(200, std::move(a.envelope));
  }

  Response scenarioFault(const Parsed& p, const ScenarioRule& rule, Exchange& x) const {
    x.outcome = "KO";
    x.fault_code = rule.fault_code;
    x.description = rule.description.value_or("");
    return xmlResponse(
        200, pagopa::writeKo(p.operation, pagopa::makeFault(rule.fault_code, station::faultId(ec(), x.id_pa),
                                                            rule.description)));
  }

  void finish(const Request& req, const Exchange& x) const {
    o.log->info("station_operation", {{"request_id", req.request_id},
                                      {"operation", x.operation},
                                      {"id_pa", x.id_pa},
                                      {"notice", x.notice},
                                      {"outcome", x.outcome},
                                      {"fault_code", x.fault_code},
                                      {"description", x.description},
                                      {"rule", x.rule},
                                      {"scenario", x.scenario},
                                      {"booking", x.booking}});
    if (o.metrics) {
      o.metrics
          ->counter("sportello_comune_station_requests_total",
                    "paForNode requests answered by the comune's station, by operation and outcome",
                    {{"operation", x.operation}, {"outcome", x.outcome}})
          .inc();
    }
  }

  static asio::awaitable<std::optional<Response>> serve(std::shared_ptr<const State> s, Request& req,
                                                        http::BodyReader& body,
                                                        http::ResponseWriter& writer) {
    Exchange x;
    if (auto refused = s->refuseClientCert(req, x)) {
      s->finish(req, x);
      co_return refused;
    }
    std::string bytes;
    const bool complete = co_await readBody(body, bytes);
    // The server answers a body it could not read (413, 408, 400) itself and ignores this.
    if (!complete) co_return Response::error(400, "body", "the request body could not be read");

    auto parsed = s->parse(req, bytes, x);
    if (!parsed) {
      s->finish(req, x);
      co_return std::move(parsed).error();
    }
    std::optional<ScenarioEntry> scenario = s->scenarios->take(x.operation, x.notice);
    if (scenario) {
      x.scenario = scenario->id;
      const ScenarioRule& rule = scenario->rule;
      s->o.log->info("station_scenario", {{"request_id", req.request_id},
                                          {"scenario", x.scenario},
                                          {"action", toString(rule.action)},
                                          {"operation", x.operation},
                                          {"notice", x.notice}});
      switch (rule.action) {
        case ScenarioAction::fault: {
          Response r = s->scenarioFault(*parsed, rule, x);
          s->finish(req, x);
          co_return r;
        }
        case ScenarioAction::garbage: {
          x.outcome = "garbage";
          s->finish(req, x);
          co_return xmlResponse(200, std::string(kGarbage));
        }
        case ScenarioAction::down: {
          x.outcome = "down";
          s->finish(req, x);
          co_await cut(writer);
          co_return std::nullopt;
        }
        case ScenarioAction::timeout: {
          x.outcome = "timeout";
          s->finish(req, x);
          const std::chrono::milliseconds hold = rule.delay.count() > 0 ? rule.delay : kDefaultTimeoutHold;
          const bool held = co_await pause(hold);
          if (!held) co_return cancelled();
          co_await cut(writer);
          co_return std::nullopt;
        }
        case ScenarioAction::delay: {
          const std::chrono::milliseconds delay = rule.delay;
          const bool waited = co_await pause(delay);
          if (!waited) co_return cancelled();
          break;
        }
      }
    }
    Response r = s->answer(*parsed, bytes, x);
    s->finish(req, x);
    co_return r;
  }
};

Station::Station(Options options) : state_(std::make_shared<State>()) {
  xml::initialise();
  state_->o = std::move(options);
  if (!state_->o.log) state_->o.log = Logger::null();
}

void Station::addRoutes(http::Router& router, const http::Admin& admin) const {
  std::shared_ptr<const State> s = state_;
  router.addStream("POST", std::string(kPath),
                   [s](Request& req, http::BodyReader& body,
                       http::ResponseWriter& writer) -> asio::awaitable<std::optional<Response>> {
                     return State::serve(s, req, body, writer);
                   });
  addScenarioRoutes(router, admin, state_->scenarios, state_->o.log);
}

Scenarios& Station::scenarios() const {
  return *state_->scenarios;
}

}  // namespace sportello::comune
