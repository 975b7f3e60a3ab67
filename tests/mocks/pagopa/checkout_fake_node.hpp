// A fake nodeForPsp for checkout's tests: answers verifyPaymentNotice, activatePaymentNoticeV2 and
// sendPaymentOutcomeV2 from a table of notices, with core/pagopa's messages, over the real HTTP server.
// Faults are configurable per notice and operation; every call is recorded. Idempotency as the node's:
// the same idempotencyKey gets the same token.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/http/router.hpp"
#include "core/pagopa/messages.hpp"

namespace sportello::test {

class FakeNode {
 public:
  struct Notice {
    std::string fiscal_code;
    std::int64_t amount = 0;
    std::string company_name;
    std::string description;
    std::optional<pagopa::Date> due_date{};
    std::optional<pagopa::FaultBean> verify_fault{};
    std::optional<pagopa::FaultBean> activate_fault{};
    int activate_fault_times = -1;  // how many activations fail; -1 = all
  };
  struct Call {
    pagopa::Operation operation;
    pagopa::PspCredentials credentials;
    std::string notice_number;                      // verify, activate
    std::optional<std::string> key;                 // activate, outcome
    std::string token;                              // activate: the token answered ("" when KO)
    std::vector<std::string> tokens;                // outcome
    pagopa::Outcome outcome = pagopa::Outcome::ok;  // outcome
    std::optional<std::int64_t> fee;                // outcome details
  };

  void add(const std::string& notice_number, Notice n) {
    std::lock_guard lock(mu_);
    notices_[notice_number] = std::move(n);
  }
  void setVerifyFault(const std::string& notice_number, std::optional<pagopa::FaultBean> f) {
    std::lock_guard lock(mu_);
    notices_[notice_number].verify_fault = std::move(f);
  }
  void setActivateFault(const std::string& notice_number, pagopa::FaultBean f, int times = -1) {
    std::lock_guard lock(mu_);
    notices_[notice_number].activate_fault = std::move(f);
    notices_[notice_number].activate_fault_times = times;
  }
  void setOutcomeFault(std::optional<pagopa::FaultBean> f) {
    std::lock_guard lock(mu_);
    outcome_fault_ = std::move(f);
  }
  void setGarbage(bool on) {
    std::lock_guard lock(mu_);
    garbage_ = on;
  }
  void setActivateDelay(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    activate_delay_ = d;
  }

  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<Call> calls(pagopa::Operation op) const {
    std::vector<Call> out;
    for (auto& c : calls()) {
      if (c.operation == op) out.push_back(c);
    }
    return out;
  }

  void addRoutes(http::Router& router) {
    router.addAsync(
        "POST", "/pagopa/node", [this](http::Request& req) -> boost::asio::awaitable<http::Response> {
          std::chrono::milliseconds delay{0};
          {
            std::lock_guard lock(mu_);
            if (req.headers.get("SOAPAction").value_or("").find("activate") != std::string_view::npos)
              delay = activate_delay_;
          }
          if (delay.count() > 0) {
            boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, delay);
            co_await t.async_wait(boost::asio::use_awaitable);
          }
          co_return answer(req);
        });
  }

 private:
  static http::Response xml(std::string body) {
    http::Response r;
    r.status = 200;
    r.headers.set("Content-Type", "text/xml; charset=utf-8");
    r.body = std::move(body);
    return r;
  }

  static bool knownPsp(const pagopa::PspCredentials& c) {
    return c.id_psp == "SPRTLPSP" && c.id_broker_psp == "SPRTLPSP" && c.id_channel == "SPRTLPSP_01" &&
           c.password == "sportello";
  }

  static pagopa::FaultBean ecFault(std::string_view code) {
    return pagopa::faultFromEc(pagopa::makeFault(code, "80012350841"));
  }

  http::Response answer(http::Request& req) {
    std::lock_guard lock(mu_);
    if (garbage_) return http::Response::html(502, "<html><body>Bad Gateway</body></html>");
    auto env = pagopa::readEnvelope(req.body);
    if (!env) return http::Response::text(400, "not an envelope");
    auto op = pagopa::requestOperation(*env);
    if (!op) return http::Response::text(400, "not a nodeForPsp request");
    using pagopa::Operation;
    if (*op == Operation::verify_payment_notice) {
      auto m = pagopa::read<pagopa::VerifyPaymentNoticeReq>(*env);
      if (!m) return xml(pagopa::writeKo(*op, m.error()));
      calls_.push_back({*op, m->credentials, m->qr_code.notice_number, std::nullopt, "", {}, {}, {}});
      pagopa::VerifyPaymentNoticeRes res;
      auto it = notices_.find(m->qr_code.notice_number);
      if (!knownPsp(m->credentials)) {
        return xml(pagopa::writeKo(
            *op, pagopa::makeFault(pagopa::fault::ppt_autenticazione, "NodoDeiPagamentiSPC")));
      }
      if (it == notices_.end() || it->second.fiscal_code != m->qr_code.fiscal_code) {
        return xml(pagopa::writeKo(*op, ecFault(pagopa::fault::paa_pagamento_sconosciuto)));
      }
      if (it->second.verify_fault) return xml(pagopa::writeKo(*op, *it->second.verify_fault));
      const Notice& n = it->second;
      res.payment_list.push_back({n.amount, pagopa::AmountOption::eq, n.due_date, std::nullopt});
      res.payment_description = n.description;
      res.fiscal_code_pa = n.fiscal_code;
      res.company_name = n.company_name;
      return xml(pagopa::write(res));
    }
    if (*op == Operation::activate_payment_notice_v2) {
      auto m = pagopa::read<pagopa::ActivatePaymentNoticeV2Request>(*env);
      if (!m) return xml(pagopa::writeKo(*op, m.error()));
      Call call{*op, m->credentials, m->qr_code.notice_number, m->idempotency_key, "", {}, {}, {}};
      auto it = notices_.find(m->qr_code.notice_number);
      if (it == notices_.end()) {
        calls_.push_back(call);
        return xml(pagopa::writeKo(*op, ecFault(pagopa::fault::paa_pagamento_sconosciuto)));
      }
      Notice& n = it->second;
      if (n.activate_fault && n.activate_fault_times != 0) {
        if (n.activate_fault_times > 0) --n.activate_fault_times;
        calls_.push_back(call);
        return xml(pagopa::writeKo(*op, *n.activate_fault));
      }
      std::string token;
      if (m->idempotency_key) {
        auto k = by_key_.find(*m->idempotency_key);
        if (k != by_key_.end()) token = k->second;
      }
      if (token.empty()) {
        token = "tok" + std::to_string(++next_token_) + m->qr_code.notice_number.substr(10);
        if (m->idempotency_key) by_key_[*m->idempotency_key] = token;
      }
      call.token = token;
      calls_.push_back(call);
      pagopa::ActivatePaymentNoticeV2Response res;
      res.total_amount = n.amount;
      res.payment_description = n.description;
      res.fiscal_code_pa = n.fiscal_code;
      res.company_name = n.company_name;
      res.payment_token = token;
      pagopa::TransferPspV2 t;
      t.id_transfer = 1;
      t.transfer_amount = n.amount;
      t.fiscal_code_pa = n.fiscal_code;
      t.account = pagopa::Iban{"IT60X0542811101000000123456"};
      t.remittance_information = n.description;
      t.transfer_category = "9/0101100IM/";
      res.transfer_list.push_back(t);
      res.creditor_reference_id = m->qr_code.notice_number.substr(1);
      return xml(pagopa::write(res));
    }
    if (*op == Operation::send_payment_outcome_v2) {
      auto m = pagopa::read<pagopa::SendPaymentOutcomeV2Request>(*env);
      if (!m) return xml(pagopa::writeKo(*op, m.error()));
      Call call{*op, m->credentials, "", m->idempotency_key, "", m->payment_tokens, m->outcome, {}};
      if (m->details) call.fee = m->details->fee;
      calls_.push_back(call);
      if (outcome_fault_) return xml(pagopa::writeKo(*op, *outcome_fault_));
      pagopa::SendPaymentOutcomeV2Response res;
      return xml(pagopa::write(res));
    }
    return http::Response::text(400, "operation not faked");
  }

  mutable std::mutex mu_;
  std::map<std::string, Notice> notices_;
  std::vector<Call> calls_;
  std::map<std::string, std::string> by_key_;
  int next_token_ = 0;
  std::optional<pagopa::FaultBean> outcome_fault_;
  bool garbage_ = false;
  std::chrono::milliseconds activate_delay_{0};
};

}  // namespace sportello::test
