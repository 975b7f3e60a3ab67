// The nodeForPsp operations: verifyPaymentNotice, activatePaymentNotice(V2), sendPaymentOutcome(V2).
#include <openssl/rand.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "mocks/pagopa/node_faults.hpp"
#include "mocks/pagopa/node_impl.hpp"
#include "mocks/pagopa/node_receipts.hpp"

namespace sportello::node {

namespace asio = boost::asio;
using pagopa::FaultBean;
using pagopa::Operation;

namespace {

std::optional<FaultBean> checkCredentials(const config::Pagopa& p, const pagopa::PspCredentials& c) {
  if (c.id_psp != p.id_psp) {
    return nodeFault(pagopa::fault::ppt_psp_sconosciuto, "idPSP " + c.id_psp + " is not known to this node");
  }
  if (c.id_broker_psp != p.id_broker_psp) {
    return nodeFault(ppt_intermediario_psp_sconosciuto,
                     "idBrokerPSP " + c.id_broker_psp + " is not known to this node");
  }
  if (c.id_channel != p.id_channel) {
    return nodeFault(pagopa::fault::ppt_canale_sconosciuto,
                     "idChannel " + c.id_channel + " is not known to this node");
  }
  if (c.password != p.password) {
    return nodeFault(pagopa::fault::ppt_autenticazione, "wrong password for idChannel " + c.id_channel);
  }
  return std::nullopt;
}

asio::awaitable<void> sleepFor(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// A scenario for (op, notice): a fault to answer at once, or how long to hold the answer; delays are
// served here.
struct ScenarioEffect {
  std::optional<FaultBean> fault;
  std::chrono::milliseconds hold{0};
};

asio::awaitable<ScenarioEffect> applyScenario(const std::shared_ptr<Node::Impl>& self, Operation op,
                                              const std::string& notice) {
  ScenarioEffect e;
  auto sc = self->scenarios.take(pagopa::info(op).soap_action, notice);
  if (!sc) co_return e;
  switch (sc->action) {
    case ScenarioAction::fault:
      e.fault =
          nodeFault(sc->fault_code, "scenario " + std::to_string(sc->id) + " (/_admin/pagopa/scenarios)");
      break;
    case ScenarioAction::delay:
      co_await sleepFor(sc->delay);
      break;
    case ScenarioAction::timeout:
      e.hold = sc->delay;
      break;
  }
  co_return e;
}

// 32 hexadecimal characters (128 random bits), well within paymentToken's 35.
std::string newToken() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

FaultBean systemError(const std::string& what) {
  return nodeFault(pagopa::fault::ppt_system_error, what);
}

std::optional<FaultBean> noticeBusy(const NoticeStatus& s, const std::string& notice) {
  if (s.state == NoticeState::paid) {
    return nodeFault(pagopa::fault::ppt_pagamento_duplicato, "notice " + notice + " is paid");
  }
  if (s.state == NoticeState::in_progress) {
    return nodeFault(pagopa::fault::ppt_pagamento_in_corso,
                     "notice " + notice + " has an active payment token");
  }
  return std::nullopt;
}

// The notice is being activated by this call; a concurrent activate of it meets PPT_PAGAMENTO_IN_CORSO.
class ActivationGuard {
 public:
  ActivationGuard(Node::Impl& self, std::string key) : self_(self), key_(std::move(key)) {
    std::lock_guard lock(self_.activating_mu);
    held_ = self_.activating.insert(key_).second;
  }
  ~ActivationGuard() {
    if (!held_) return;
    std::lock_guard lock(self_.activating_mu);
    self_.activating.erase(key_);
  }
  ActivationGuard(const ActivationGuard&) = delete;
  ActivationGuard& operator=(const ActivationGuard&) = delete;
  bool held() const { return held_; }

 private:
  Node::Impl& self_;
  std::string key_;
  bool held_ = false;
};

// What activatePaymentNotice and activatePaymentNoticeV2 share.
struct ActivateInput {
  pagopa::PspCredentials credentials;
  std::optional<std::string> idempotency_key;
  pagopa::QrCode qr;
  std::optional<std::chrono::milliseconds> expiration_time;
  std::int64_t amount = 0;
  std::optional<pagopa::Date> due_date;
  std::optional<std::string> payment_note;
  std::string canonical;  // the request as write() puts it: what an idempotencyKey is compared on
};

template <class Req>
ActivateInput inputOf(const Req& r) {
  return ActivateInput{r.credentials, r.idempotency_key, r.qr_code,      r.expiration_time,
                       r.amount,      r.due_date,        r.payment_note, pagopa::write(r)};
}

std::string outcomeAnswer(Operation op, const std::vector<TokenOutcome>& tokens) {
  for (const auto& t : tokens) {
    if (t.fault) return pagopa::writeKo(op, nodeFault(*t.fault, t.description));
  }
  if (op == Operation::send_payment_outcome_v2) return pagopa::write(pagopa::SendPaymentOutcomeV2Response{});
  return pagopa::write(pagopa::SendPaymentOutcomeRes{});
}

}  // namespace

asio::awaitable<OpResult> verifyPaymentNotice(const std::shared_ptr<Node::Impl>& self,
                                              const pagopa::SoapMessage& message) {
  const Operation op = Operation::verify_payment_notice;
  auto req = pagopa::read<pagopa::VerifyPaymentNoticeReq>(message);
  if (!req) co_return koResult(op, req.error());
  const pagopa::QrCode qr = req->qr_code;
  if (auto f = checkCredentials(self->o.config->pagopa, req->credentials))
    co_return koResult(op, *f, qr.notice_number);
  ScenarioEffect scenario = co_await applyScenario(self, op, qr.notice_number);
  if (scenario.fault) co_return koResult(op, *scenario.fault, qr.notice_number);

  auto status = self->tokens->noticeStatus(qr.fiscal_code, qr.notice_number, self->nowMs());
  if (!status) co_return koResult(op, systemError(status.error()), qr.notice_number);
  if (auto busy = noticeBusy(*status, qr.notice_number)) co_return koResult(op, *busy, qr.notice_number);
  auto station = self->ec->route(qr);
  if (!station) co_return koResult(op, station.error(), qr.notice_number);
  auto ec = co_await self->ec->verify(**station, qr);
  if (!ec) co_return koResult(op, ec.error(), qr.notice_number);

  OpResult r;
  r.body = pagopa::write(verifyAnswer(qr, *ec));
  r.notice = qr.notice_number;
  r.hold = scenario.hold;
  co_return r;
}

asio::awaitable<OpResult> activatePaymentNotice(const std::shared_ptr<Node::Impl>& self,
                                                const pagopa::SoapMessage& message, Operation op) {
  const bool v2 = op == Operation::activate_payment_notice_v2;
  ActivateInput in;
  if (v2) {
    auto req = pagopa::read<pagopa::ActivatePaymentNoticeV2Request>(message);
    if (!req) co_return koResult(op, req.error());
    in = inputOf(*req);
  } else {
    auto req = pagopa::read<pagopa::ActivatePaymentNoticeReq>(message);
    if (!req) co_return koResult(op, req.error());
    in = inputOf(*req);
  }
  const std::string notice = in.qr.notice_number;
  const auto& cfg = self->o.config->pagopa;
  if (auto f = checkCredentials(cfg, in.credentials)) co_return koResult(op, *f, notice);
  ScenarioEffect scenario = co_await applyScenario(self, op, notice);
  if (scenario.fault) co_return koResult(op, *scenario.fault, notice);
  const std::string opName(pagopa::info(op).soap_action);

  if (in.idempotency_key) {
    auto hit = self->tokens->findKey(in.credentials.id_psp, *in.idempotency_key, opName, self->nowMs());
    if (!hit) co_return koResult(op, systemError(hit.error()), notice);
    if (*hit) {
      if ((*hit)->request != in.canonical) {
        co_return koResult(
            op,
            nodeFault(ppt_errore_idempotenza, "idempotencyKey " + *in.idempotency_key +
                                                  " was used for another request that is still valid"),
            notice);
      }
      OpResult r;
      r.body = (*hit)->response;
      r.notice = notice;
      r.description = "the answer kept for idempotencyKey " + *in.idempotency_key;
      r.hold = scenario.hold;
      co_return r;
    }
  }
  auto status = self->tokens->noticeStatus(in.qr.fiscal_code, notice, self->nowMs());
  if (!status) co_return koResult(op, systemError(status.error()), notice);
  if (auto busy = noticeBusy(*status, notice)) co_return koResult(op, *busy, notice);
  ActivationGuard guard(*self, in.qr.fiscal_code + "/" + notice);
  if (!guard.held()) {
    co_return koResult(op,
                       nodeFault(pagopa::fault::ppt_pagamento_in_corso,
                                 "notice " + notice + " is being activated right now"),
                       notice);
  }
  auto station = self->ec->route(in.qr);
  if (!station) co_return koResult(op, station.error(), notice);
  const config::Station& s = **station;
  GetPaymentInput get{in.qr, in.amount, in.payment_note, in.due_date};
  auto payment = co_await self->ec->getPayment(s, get);
  if (!payment) co_return koResult(op, payment.error(), notice);

  const std::string token = newToken();
  const std::int64_t now = self->nowMs();
  std::chrono::milliseconds validity = cfg.token_validity;
  if (in.expiration_time && *in.expiration_time < validity) validity = *in.expiration_time;

  std::string body;
  if (v2) {
    body = pagopa::write(activateAnswerV2(in.qr, payment->data, token));
  } else {
    auto answer = activateAnswerV1(in.qr, payment->data, token);
    if (!answer) co_return koResult(op, answer.error(), notice);
    body = pagopa::write(*answer);
  }

  Attempt a;
  a.token = token;
  a.ec_fiscal_code = in.qr.fiscal_code;
  a.notice_number = notice;
  a.id_psp = in.credentials.id_psp;
  a.id_broker_psp = in.credentials.id_broker_psp;
  a.id_channel = in.credentials.id_channel;
  a.operation = opName;
  a.id_station = s.id_station;
  a.station_version = s.version >= 2 ? 2 : 1;
  a.amount = payment->data.payment_amount;
  a.creditor_reference_id = payment->data.creditor_reference_id;
  a.payment_xml = std::move(payment->xml);
  a.payment_note = in.payment_note;
  a.activated_at = now;
  a.expires_at = now + validity.count();
  std::optional<TokenStore::NewKey> key;
  if (in.idempotency_key) key = TokenStore::NewKey{a.id_psp, *in.idempotency_key, opName, in.canonical, body};
  if (auto stored = self->tokens->activate(a, key, now); !stored)
    co_return koResult(op, stored.error(), notice);

  OpResult r;
  r.body = std::move(body);
  r.notice = notice;
  r.token = token;
  r.hold = scenario.hold;
  co_return r;
}

asio::awaitable<OpResult> sendPaymentOutcome(const std::shared_ptr<Node::Impl>& self,
                                             const pagopa::SoapMessage& message, Operation op) {
  OutcomeRequest out;
  out.operation = std::string(pagopa::info(op).soap_action);
  pagopa::PspCredentials credentials;
  std::optional<pagopa::OutcomeDetailsV2> details;
  if (op == Operation::send_payment_outcome_v2) {
    auto req = pagopa::read<pagopa::SendPaymentOutcomeV2Request>(message);
    if (!req) co_return koResult(op, req.error());
    credentials = req->credentials;
    out.idempotency_key = req->idempotency_key;
    out.tokens = req->payment_tokens;
    out.ok = req->outcome == pagopa::Outcome::ok;
    details = req->details;
    out.canonical = pagopa::write(*req);
  } else {
    auto req = pagopa::read<pagopa::SendPaymentOutcomeReq>(message);
    if (!req) co_return koResult(op, req.error());
    credentials = req->credentials;
    out.idempotency_key = req->idempotency_key;
    out.tokens = {req->payment_token};
    out.ok = req->outcome == pagopa::Outcome::ok;
    if (req->details) details = toV2(*req->details);
    out.canonical = pagopa::write(*req);
  }
  out.id_psp = credentials.id_psp;

  // The notice, for scenarios and the log line: the first token's, when it is known.
  std::string notice;
  if (auto first = self->tokens->find(out.tokens.front()); first && *first) notice = (*first)->notice_number;
  if (auto f = checkCredentials(self->o.config->pagopa, credentials)) co_return koResult(op, *f, notice);
  if (out.ok && !details) {
    co_return koResult(op, nodeFault(pagopa::fault::ppt_semantica, "details are required with outcome OK"),
                       notice);
  }
  ScenarioEffect scenario = co_await applyScenario(self, op, notice);
  if (scenario.fault) co_return koResult(op, *scenario.fault, notice);

  const pagopa::OutcomeDetailsV2 paid = details.value_or(pagopa::OutcomeDetailsV2{});
  const ReceiptContext cx{*self->o.config, *self->ec, self->o.clock->now()};
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(cx.now.time_since_epoch()).count();
  auto result = self->tokens->recordOutcome(
      out, now,
      std::chrono::duration_cast<std::chrono::milliseconds>(self->o.config->pagopa.token_validity).count(),
      [&](const Attempt& a) { return buildReceipts(a, paid, cx); },
      [op](const std::vector<TokenOutcome>& tokens) { return outcomeAnswer(op, tokens); });
  if (!result) co_return koResult(op, result.error(), notice);
  if (result->receipts > 0) {
    self->o.metrics
        ->counter("sportello_pagopa_node_receipts_total", "Receipts generated (one per EC of each payment).")
        .inc(result->receipts);
    self->worker->wake();
  }

  OpResult r;
  r.body = std::move(result->response);
  r.notice = notice;
  for (const auto& t : out.tokens) r.token += (r.token.empty() ? "" : ",") + t;
  for (const auto& t : result->tokens) {
    if (t.fault && r.fault_code.empty()) {
      r.fault_code = *t.fault;
      r.description = t.description;
    }
  }
  if (result->replayed)
    r.description = "the answer kept for idempotencyKey " + out.idempotency_key.value_or("");
  r.hold = scenario.hold;
  co_return r;
}

}  // namespace sportello::node
