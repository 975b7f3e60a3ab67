// A small EC station for the node's tests: paVerifyPaymentNotice, paGetPayment(V2) and paSendRT(V2)
// answered from a fixed table with core/pagopa messages, every paSendRT counted per (idPA, receiptId) and
// kept, and switches to misbehave (down, slow, garbage, KO, SOAP Fault) per notice or for everything.
#pragma once

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/http/router.hpp"
#include "core/pagopa/messages.hpp"

namespace sportello::test {

struct FakeNotice {
  enum class Mode { ok, ko, garbage, slow, soap_fault, wrong_answer };
  FakeNotice() = default;
  FakeNotice(std::string ec_, std::string notice_, std::int64_t amount_ = 10000,
             std::string description_ = "TARI 2026 - unica soluzione",
             std::vector<std::pair<std::string, std::int64_t>> transfers_ = {})
      : ec(std::move(ec_)),
        notice(std::move(notice_)),
        amount(amount_),
        description(std::move(description_)),
        transfers(std::move(transfers_)) {}

  std::string ec;
  std::string notice;
  std::int64_t amount = 10000;
  std::string description = "TARI 2026 - unica soluzione";
  // (EC, amount) of each transfer; default: all to `ec`.
  std::vector<std::pair<std::string, std::int64_t>> transfers;
  Mode mode = Mode::ok;
  std::string ko_code = "PAA_PAGAMENTO_SCADUTO";
  std::chrono::milliseconds slow{3'000};
};

struct ReceivedReceipt {
  std::string recipient;  // idPA
  std::string receipt_id;
  int version = 2;
  std::string body;
};

class FakeEc {
 public:
  void add(FakeNotice n) {
    if (n.transfers.empty()) n.transfers = {{n.ec, n.amount}};
    std::lock_guard lock(mu_);
    notices_[n.ec + "/" + n.notice] = std::move(n);
  }
  void setMode(const std::string& ec, const std::string& notice, FakeNotice::Mode m) {
    std::lock_guard lock(mu_);
    auto it = notices_.find(ec + "/" + notice);
    if (it != notices_.end()) it->second.mode = m;
  }

  std::atomic<bool> down{false};         // every request: HTTP 503, not SOAP
  std::atomic<bool> receipts_ko{false};  // paSendRT: recorded, then answered KO PAA_SYSTEM_ERROR

  int receiptsFor(const std::string& recipient, const std::string& receiptId) const {
    std::lock_guard lock(mu_);
    int n = 0;
    for (const auto& r : accepted_) n += r.recipient == recipient && r.receipt_id == receiptId;
    return n;
  }
  std::vector<ReceivedReceipt> accepted() const {
    std::lock_guard lock(mu_);
    return accepted_;
  }
  std::vector<ReceivedReceipt> refused() const {
    std::lock_guard lock(mu_);
    return refused_;
  }
  int getPayments(const std::string& notice) const {
    std::lock_guard lock(mu_);
    auto it = get_payments_.find(notice);
    return it == get_payments_.end() ? 0 : it->second;
  }

  void addRoutes(http::Router& router, const std::string& path) {
    router.addAsync("POST", path, [this](http::Request& req) { return handle(req); });
  }

 private:
  static http::Response soap(std::string body, int status = 200) {
    http::Response r;
    r.status = status;
    r.headers.set("Content-Type", "text/xml; charset=utf-8");
    r.body = std::move(body);
    return r;
  }

  static pagopa::FaultBean ecFault(const FakeNotice& n) {
    return pagopa::makeFault(n.ko_code, n.ec, "the fake EC says " + n.ko_code);
  }

  std::optional<FakeNotice> lookup(const pagopa::QrCode& qr) {
    std::lock_guard lock(mu_);
    auto it = notices_.find(qr.fiscal_code + "/" + qr.notice_number);
    if (it == notices_.end()) return std::nullopt;
    return it->second;
  }

  template <class Payment, class Transfer>
  static Payment payment(const FakeNotice& n) {
    Payment p;
    p.creditor_reference_id = n.notice.substr(1);
    p.payment_amount = n.amount;
    p.due_date = pagopa::Date{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{31}};
    p.description = n.description;
    p.company_name = "Comune di Vigata";
    p.office_name = "Ufficio Tributi";
    p.debtor.entity_id = "RSSMRA82C15H501O";
    p.debtor.full_name = "Mario Rossi";
    int id = 1;
    for (const auto& [ec, amount] : n.transfers) {
      Transfer t;
      t.id_transfer = id++;
      t.transfer_amount = amount;
      t.fiscal_code_pa = ec;
      if constexpr (std::is_same_v<Transfer, pagopa::TransferPa>) {
        t.iban = "IT95Z0103016600000000147258";
      } else {
        t.account = pagopa::Iban{"IT95Z0103016600000000147258"};
      }
      t.remittance_information = "TARI 2026 quota " + std::to_string(t.id_transfer);
      t.transfer_category = "9/0101108TS/";
      p.transfer_list.push_back(std::move(t));
    }
    return p;
  }

  // What misbehaviour a notice asks for, once its operation is known; nullopt to answer normally.
  boost::asio::awaitable<std::optional<http::Response>> misbehave(const FakeNotice& n, pagopa::Operation op) {
    switch (n.mode) {
      case FakeNotice::Mode::garbage:
        co_return soap("this is not XML at all");
      case FakeNotice::Mode::soap_fault: {
        pagopa::SoapFault f;
        f.code = "Server";
        f.string = "the fake EC crashed";
        co_return soap(pagopa::writeSoapFault(f), 500);
      }
      case FakeNotice::Mode::wrong_answer:
        // A well-formed answer of another operation.
        co_return soap(pagopa::write(pagopa::PaSendRTV2Response{}));
      case FakeNotice::Mode::ko:
        co_return soap(pagopa::writeKo(op, ecFault(n)));
      case FakeNotice::Mode::slow: {
        boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, n.slow);
        co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        co_return std::nullopt;
      }
      case FakeNotice::Mode::ok:
        break;
    }
    co_return std::nullopt;
  }

  boost::asio::awaitable<http::Response> handle(http::Request& req) {
    if (down.load()) co_return http::Response::text(503, "down for maintenance");
    auto env = pagopa::readEnvelope(req.body);
    if (!env) co_return soap(pagopa::writeSoapFault(pagopa::toSoapFault(env.error())), 500);
    auto op = pagopa::requestOperation(*env);
    if (!op) co_return soap("unknown operation", 500);
    using pagopa::Operation;
    if (*op == Operation::pa_send_rt || *op == Operation::pa_send_rt_v2) co_return receive(*env, *op);

    pagopa::QrCode qr;
    if (*op == Operation::pa_verify_payment_notice) {
      auto r = pagopa::read<pagopa::PaVerifyPaymentNoticeReq>(*env);
      if (!r) co_return soap(pagopa::writeKo(*op, r.error()));
      qr = r->qr_code;
    } else if (*op == Operation::pa_get_payment) {
      auto r = pagopa::read<pagopa::PaGetPaymentReq>(*env);
      if (!r) co_return soap(pagopa::writeKo(*op, r.error()));
      qr = r->qr_code;
    } else if (*op == Operation::pa_get_payment_v2) {
      auto r = pagopa::read<pagopa::PaGetPaymentV2Request>(*env);
      if (!r) co_return soap(pagopa::writeKo(*op, r.error()));
      qr = r->qr_code;
    } else {
      co_return soap("not a paForNode request", 500);
    }
    auto n = lookup(qr);
    if (!n) {
      co_return soap(
          pagopa::writeKo(*op, pagopa::makeFault(pagopa::fault::paa_pagamento_sconosciuto, qr.fiscal_code)));
    }
    auto bad = co_await misbehave(*n, *op);
    if (bad) co_return std::move(*bad);
    if (*op == Operation::pa_verify_payment_notice) {
      pagopa::PaVerifyPaymentNoticeRes res;
      res.payment_list = pagopa::PaymentOptionDescriptionPa{n->amount, pagopa::AmountOption::eq, std::nullopt,
                                                            std::nullopt, false};
      res.payment_description = n->description;
      res.fiscal_code_pa = n->ec;
      res.company_name = "Comune di Vigata";
      res.office_name = "Ufficio Tributi";
      co_return soap(pagopa::write(res));
    }
    {
      std::lock_guard lock(mu_);
      ++get_payments_[qr.notice_number];
    }
    if (*op == Operation::pa_get_payment) {
      pagopa::PaGetPaymentRes res;
      res.data = payment<pagopa::PaymentPa, pagopa::TransferPa>(*n);
      co_return soap(pagopa::write(res));
    }
    pagopa::PaGetPaymentV2Response res;
    res.data = payment<pagopa::PaymentPaV2, pagopa::TransferPaV2>(*n);
    co_return soap(pagopa::write(res));
  }

  http::Response receive(const pagopa::SoapMessage& env, pagopa::Operation op) {
    ReceivedReceipt r;
    if (op == pagopa::Operation::pa_send_rt_v2) {
      auto m = pagopa::read<pagopa::PaSendRTV2Request>(env);
      if (!m) return soap(pagopa::writeKo(op, m.error()));
      r = {m->id_pa, m->receipt.receipt_id, 2, {}};
    } else {
      auto m = pagopa::read<pagopa::PaSendRTReq>(env);
      if (!m) return soap(pagopa::writeKo(op, m.error()));
      r = {m->id_pa, m->receipt.receipt_id, 1, {}};
    }
    r.body = env.document.serialize();
    std::lock_guard lock(mu_);
    if (receipts_ko.load()) {
      refused_.push_back(std::move(r));
      return soap(pagopa::writeKo(op, pagopa::makeFault(pagopa::fault::paa_system_error, "80012350841")));
    }
    accepted_.push_back(std::move(r));
    if (op == pagopa::Operation::pa_send_rt_v2) return soap(pagopa::write(pagopa::PaSendRTV2Response{}));
    return soap(pagopa::write(pagopa::PaSendRTRes{}));
  }

  mutable std::mutex mu_;
  std::map<std::string, FakeNotice> notices_;
  std::map<std::string, int> get_payments_;
  std::vector<ReceivedReceipt> accepted_;
  std::vector<ReceivedReceipt> refused_;
};

}  // namespace sportello::test
