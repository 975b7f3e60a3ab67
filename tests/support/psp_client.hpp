// A PSP and an EC back office as scripts: what the pagoPA crash test and the payments benchmark do to a
// running `sportello serve` over HTTPS. Blocking calls; one http::Client per thread.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "core/http/client.hpp"
#include "core/pagopa/messages.hpp"
#include "core/pagopa/soap.hpp"

namespace sportello::test::psp {

inline constexpr const char* kComune = "80012350841";

// A payable position of 10.00 EUR for the comune; returns its notice number.
inline std::string createNotice(http::Client& c, const http::Origin& origin, int i,
                                const std::string& iupd_prefix = "CRASH-") {
  boost::json::object transfer{{"idTransfer", "1"},
                               {"amount", 1000},
                               {"organizationFiscalCode", kComune},
                               {"remittanceInformation", "Diritti di segreteria " + std::to_string(i)},
                               {"category", "9/0101108TS/"},
                               {"iban", "IT95Z0103016600000000147258"}};
  boost::json::object option{{"amount", 1000},
                             {"description", "Diritti di segreteria"},
                             {"isPartialPayment", false},
                             {"dueDate", "2099-12-31T23:59:59Z"},
                             {"fee", 0},
                             {"transfer", boost::json::array{transfer}}};
  boost::json::object position{{"iupd", iupd_prefix + std::to_string(i)},    {"type", "F"},
                               {"fiscalCode", "RSSMRA82C15H501O"},           {"fullName", "Mario Rossi"},
                               {"companyName", "Comune di Vigata"},          {"switchToExpired", false},
                               {"paymentOption", boost::json::array{option}}};
  http::Request r;
  r.method = "POST";
  r.target = std::string("/comune/gpd/organizations/") + kComune + "/debtpositions?toPublish=true";
  r.headers.add("Content-Type", "application/json");
  r.body = boost::json::serialize(position);
  auto resp = c.sendSync(origin, r);
  if (!resp || resp->status != 201) {
    return {};
  }
  auto created = boost::json::parse(resp->body).as_object();
  return std::string(created["paymentOption"].as_array()[0].as_object()["nav"].as_string());
}

template <class T>
std::optional<std::string> soap(http::Client& c, const http::Origin& origin, const T& message) {
  http::Request r;
  r.method = "POST";
  r.target = "/pagopa/node";
  r.headers.add("Content-Type", "text/xml; charset=utf-8");
  r.headers.add("SOAPAction", std::string(pagopa::info(T::operation).soap_action));
  r.body = pagopa::write(message);
  auto resp = c.sendSync(origin, r);
  if (!resp) return std::nullopt;
  return resp->body;
}

template <class T>
std::optional<T> answer(const std::optional<std::string>& body) {
  if (!body) return std::nullopt;
  auto env = pagopa::readEnvelope(*body);
  if (!env) return std::nullopt;
  auto m = pagopa::read<T>(*env);
  if (!m) return std::nullopt;
  return *m;
}

inline pagopa::PspCredentials credentials() {
  return {"SPRTLPSP", "SPRTLPSP", "SPRTLPSP_01", "sportello"};
}

// A run-unique idempotency key prefix ([a-zA-Z0-9]{2,18}): keys must not repeat across runs on one node.
inline std::string keyPrefix() {
  static const std::string p = [] {
    auto n = static_cast<unsigned long long>(std::chrono::system_clock::now().time_since_epoch().count());
    std::string s = "PSP";
    for (int i = 0; i < 12; ++i, n /= 36) s += "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36];
    return s;
  }();
  return p;
}

// activate -> outcome OK; true only when the outcome was answered OK.
inline bool pay(http::Client& c, const http::Origin& origin, const std::string& notice, int attempt) {
  pagopa::ActivatePaymentNoticeV2Request act;
  act.credentials = credentials();
  act.idempotency_key =
      keyPrefix() + "_" + std::string(10 - std::to_string(attempt).size(), '0') + std::to_string(attempt);
  act.qr_code = {kComune, notice};
  act.amount = 1000;
  auto activated = answer<pagopa::ActivatePaymentNoticeV2Response>(soap(c, origin, act));
  if (!activated || activated->outcome != pagopa::Outcome::ok || !activated->payment_token) return false;
  pagopa::SendPaymentOutcomeV2Request out;
  out.credentials = credentials();
  out.payment_tokens = {*activated->payment_token};
  out.outcome = pagopa::Outcome::ok;
  pagopa::OutcomeDetailsV2 d;
  d.payment_method = pagopa::PaymentMethod::credit_card;
  d.fee = 100;
  const auto today =
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
  d.application_date = today;
  d.transfer_date = today;
  out.details = d;
  auto done = answer<pagopa::SendPaymentOutcomeV2Response>(soap(c, origin, out));
  return done && done->outcome == pagopa::Outcome::ok;
}

}  // namespace sportello::test::psp
