#include "mocks/pagopa/node_ec.hpp"

#include <algorithm>

#include "core/pagopa/notice.hpp"
#include "mocks/pagopa/node_faults.hpp"
#include "mocks/pagopa/node_receipts.hpp"

namespace sportello::node {

namespace asio = boost::asio;
using pagopa::FaultBean;
using pagopa::Operation;

namespace {

std::string where(const config::Station& s) {
  return "station " + s.id_station + " of " + s.ec_fiscal_code + " at " + s.url;
}

FaultBean transportFault(const config::Station& s, const http::ClientError& e) {
  std::string_view code = pagopa::fault::ppt_stazione_int_pa_irraggiungibile;
  if (e.code == http::ClientErrc::read_timeout) code = pagopa::fault::ppt_stazione_int_pa_timeout;
  // With TLS 1.3 the server judges the client certificate after the client's handshake is over: its
  // refusal arrives as an alert in place of the answer, which the client reports as a protocol error
  // with OpenSSL's reason. That is a station refusing the connection, not a bad answer.
  const bool tlsAlert = e.detail.find("SSL routines") != std::string::npos;
  if ((e.code == http::ClientErrc::protocol && !tlsAlert) || e.code == http::ClientErrc::too_large) {
    code = pagopa::fault::ppt_stazione_int_pa_errore_response;
  }
  return nodeFault(code, where(s) + ": " + e.message());
}

bool contains(const std::vector<int>& v, std::optional<int> x) {
  return x && std::find(v.begin(), v.end(), *x) != v.end();
}

// The answer to `action`, read strictly; a KO is a fault of its own (the caller decides what it means).
template <class T>
Result<T, FaultBean> readAnswer(const config::Station& s, const std::string& body) {
  auto env = pagopa::readEnvelope(body);
  if (!env) {
    return fail(nodeFault(
        pagopa::fault::ppt_stazione_int_pa_errore_response,
        where(s) + ": not a SOAP envelope (" + env.error().rule + ": " + env.error().message + ")"));
  }
  if (pagopa::isSoapFault(*env)) {
    auto f = pagopa::readSoapFault(*env);
    std::string what = f ? f->code + ": " + f->string : std::string("malformed");
    return fail(
        nodeFault(pagopa::fault::ppt_stazione_int_pa_errore_response, where(s) + ": SOAP Fault " + what));
  }
  auto m = pagopa::read<T>(*env);
  if (!m) {
    return fail(
        nodeFault(pagopa::fault::ppt_stazione_int_pa_errore_response,
                  where(s) + ": " + m.error().fault_code + ": " + m.error().description.value_or("")));
  }
  return std::move(*m);
}

}  // namespace

EcGateway::EcGateway(std::shared_ptr<const config::Config> config, const pki::Materials& materials,
                     std::shared_ptr<Metrics> metrics)
    : config_(std::move(config)), metrics_(std::move(metrics)) {
  for (const auto& s : config_->pagopa.stations) {
    http::ClientOptions o;
    o.tls.ca = materials.ca.cert;
    if (s.client_cert) {
      o.tls.cert = materials.node_client.cert;
      o.tls.key = materials.node_client.key;
    }
    o.connect_timeout = std::min(s.timeout, std::chrono::milliseconds(5'000));
    o.read_timeout = s.timeout;
    o.max_response_bytes = 4 * 1024 * 1024;
    clients_.push_back(std::make_unique<http::Client>(o));
  }
}

EcGateway::~EcGateway() = default;

Result<const config::Station*, FaultBean> EcGateway::route(const pagopa::QrCode& qr) const {
  std::vector<const config::Station*> ofEc;
  for (const auto& s : config_->pagopa.stations) {
    if (s.ec_fiscal_code == qr.fiscal_code) ofEc.push_back(&s);
  }
  if (ofEc.empty()) {
    return fail(
        nodeFault(pagopa::fault::ppt_dominio_sconosciuto,
                  "no station serves the EC " + qr.fiscal_code + " on this node ([[pagopa.stations]])"));
  }
  auto notice = pagopa::parseNoticeNumber(qr.notice_number);
  if (!notice) {
    return fail(nodeFault(pagopa::fault::ppt_semantica, "noticeNumber: " + notice.error().message));
  }
  const config::Station* any = nullptr;
  for (const auto* s : ofEc) {
    if (notice->aux == 3) {
      if (contains(s->segregation_codes, notice->segregation_code)) return s;
      if (s->segregation_codes.empty() && !any) any = s;
    } else if (notice->aux == 0) {
      if (contains(s->application_codes, notice->application_code)) return s;
      if (s->application_codes.empty() && !any) any = s;
    } else if (!any) {
      any = s;
    }
  }
  if (any) return any;
  return fail(nodeFault(ppt_stazione_int_pa_sconosciuta,
                        "no station of the EC " + qr.fiscal_code + " serves notice " + qr.notice_number +
                            " (aux digit and segregation/application code)"));
}

const config::Station* EcGateway::station(std::string_view ec, std::string_view id_station) const {
  for (const auto& s : config_->pagopa.stations) {
    if (s.ec_fiscal_code == ec && s.id_station == id_station) return &s;
  }
  return nullptr;
}

const config::Station* EcGateway::anyStation(std::string_view ec) const {
  for (const auto& s : config_->pagopa.stations) {
    if (s.ec_fiscal_code == ec) return &s;
  }
  return nullptr;
}

http::Client* EcGateway::clientFor(const config::Station& s) {
  const auto& all = config_->pagopa.stations;
  if (all.empty() || &s < all.data() || &s >= all.data() + all.size()) return nullptr;
  return clients_[static_cast<std::size_t>(&s - all.data())].get();
}

void EcGateway::count(std::string_view operation, std::string_view result) {
  metrics_
      ->counter("sportello_pagopa_node_ec_calls_total",
                "paForNode calls of the node to EC stations, by result.",
                {{"operation", std::string(operation)}, {"result", std::string(result)}})
      .inc();
}

asio::awaitable<Result<std::string, FaultBean>> EcGateway::post(const config::Station& s,
                                                                std::string_view action,
                                                                const std::string& body) {
  http::Client* client = clientFor(s);
  auto url = http::parseUrl(s.url);
  if (client == nullptr || !url) {
    co_return fail(nodeFault(pagopa::fault::ppt_stazione_int_pa_irraggiungibile,
                             where(s) + ": " + (url ? std::string("no client") : url.error().message())));
  }
  http::Request req;
  req.method = "POST";
  req.target = url->target;
  req.headers.add("Content-Type", "text/xml; charset=utf-8");
  req.headers.add("SOAPAction", "\"" + std::string(action) + "\"");
  req.body = body;
  auto sending = client->send(url->origin, std::move(req));  // named: g++ 12 and temporaries in co_await
  auto answer = co_await std::move(sending);
  if (!answer) co_return fail(transportFault(s, answer.error()));
  if (answer->status == 503 && answer->body.find("Envelope") == std::string::npos) {
    co_return fail(nodeFault(pagopa::fault::ppt_stazione_int_pa_servizio_nonattivo, where(s) + ": HTTP 503"));
  }
  co_return std::move(answer->body);
}

asio::awaitable<Result<pagopa::PaVerifyPaymentNoticeRes, FaultBean>> EcGateway::verify(
    const config::Station& s, const pagopa::QrCode& qr) {
  pagopa::PaVerifyPaymentNoticeReq req{qr.fiscal_code, s.id_broker_pa, s.id_station, qr};
  const std::string body = pagopa::write(req);
  auto raw = co_await post(s, "paVerifyPaymentNotice", body);
  if (!raw) {
    count("paVerifyPaymentNotice", raw.error().fault_code);
    co_return fail(std::move(raw).error());
  }
  auto res = readAnswer<pagopa::PaVerifyPaymentNoticeRes>(s, *raw);
  if (res && res->outcome == pagopa::Outcome::ko) {
    count("paVerifyPaymentNotice", "KO");
    co_return fail(pagopa::faultFromEc(res->fault.value_or(pagopa::FaultBean{})));
  }
  if (res && !res->payment_list) {
    res = fail(nodeFault(pagopa::fault::ppt_stazione_int_pa_errore_response,
                         where(s) + ": outcome OK without paymentList"));
  }
  count("paVerifyPaymentNotice", res ? std::string_view("OK") : std::string_view(res.error().fault_code));
  co_return res;
}

asio::awaitable<Result<EcPayment, FaultBean>> EcGateway::getPayment(const config::Station& s,
                                                                    const GetPaymentInput& in) {
  const bool v2 = s.version >= 2;
  const std::string_view action = v2 ? "paGetPaymentV2" : "paGetPayment";
  std::string body;
  if (v2) {
    pagopa::PaGetPaymentV2Request req{in.qr.fiscal_code, s.id_broker_pa,  s.id_station, in.qr,
                                      in.amount,         in.payment_note, std::nullopt, in.due_date};
    body = pagopa::write(req);
  } else {
    pagopa::PaGetPaymentReq req{in.qr.fiscal_code, s.id_broker_pa,  s.id_station, in.qr,
                                in.amount,         in.payment_note, std::nullopt, in.due_date};
    body = pagopa::write(req);
  }
  auto raw = co_await post(s, action, body);
  if (!raw) {
    count(action, raw.error().fault_code);
    co_return fail(std::move(raw).error());
  }
  std::optional<FaultBean> ko;
  Result<EcPayment, FaultBean> out = fail(FaultBean{});
  const std::string company = companyOf(*config_, in.qr.fiscal_code);
  if (v2) {
    auto res = readAnswer<pagopa::PaGetPaymentV2Response>(s, *raw);
    if (!res) {
      out = fail(std::move(res).error());
    } else if (res->outcome == pagopa::Outcome::ko) {
      ko = res->fault.value_or(FaultBean{});
    } else if (!res->data) {
      out = fail(nodeFault(pagopa::fault::ppt_stazione_int_pa_errore_response,
                           where(s) + ": outcome OK without data"));
    } else {
      out = EcPayment{std::move(*res->data), std::move(*raw)};
    }
  } else {
    auto res = readAnswer<pagopa::PaGetPaymentRes>(s, *raw);
    if (!res) {
      out = fail(std::move(res).error());
    } else if (res->outcome == pagopa::Outcome::ko) {
      ko = res->fault.value_or(FaultBean{});
    } else if (!res->data) {
      out = fail(nodeFault(pagopa::fault::ppt_stazione_int_pa_errore_response,
                           where(s) + ": outcome OK without data"));
    } else {
      out = EcPayment{toV2(*res->data, company), std::move(*raw)};
    }
  }
  if (ko) {
    count(action, "KO");
    co_return fail(pagopa::faultFromEc(*ko));
  }
  // Every EC of the transfer list must be reachable by the node, or its receipt could never be sent.
  if (out) {
    for (const auto& t : out->data.transfer_list) {
      if (!anyStation(t.fiscal_code_pa)) {
        out = fail(nodeFault(pagopa::fault::ppt_stazione_int_pa_errore_response,
                             where(s) + ": transfer " + std::to_string(t.id_transfer) + " goes to the EC " +
                                 t.fiscal_code_pa +
                                 ", which has no station on this node to receive its receipt"));
        break;
      }
    }
  }
  count(action, out ? std::string_view("OK") : std::string_view(out.error().fault_code));
  co_return out;
}

asio::awaitable<DeliveryResult> EcGateway::sendReceipt(const config::Station& s, const OutboxEntry& e) {
  const std::string_view action = e.version >= 2 ? "paSendRTV2" : "paSendRT";
  auto raw = co_await post(s, action, e.body);
  if (!raw) {
    count(action, raw.error().fault_code);
    co_return fail(raw.error().fault_code + ": " + raw.error().description.value_or(""));
  }
  std::optional<FaultBean> ko;
  std::optional<FaultBean> unreadable;
  if (e.version >= 2) {
    auto res = readAnswer<pagopa::PaSendRTV2Response>(s, *raw);
    if (!res) unreadable = res.error();
    if (res && res->outcome == pagopa::Outcome::ko) ko = res->fault.value_or(FaultBean{});
  } else {
    auto res = readAnswer<pagopa::PaSendRTRes>(s, *raw);
    if (!res) unreadable = res.error();
    if (res && res->outcome == pagopa::Outcome::ko) ko = res->fault.value_or(FaultBean{});
  }
  if (unreadable) {
    count(action, unreadable->fault_code);
    co_return fail(unreadable->fault_code + ": " + unreadable->description.value_or(""));
  }
  if (ko) {
    count(action, "KO");
    co_return fail("KO " + ko->fault_code + ": " + ko->fault_string +
                   (ko->description ? " (" + *ko->description + ")" : std::string()));
  }
  count(action, "OK");
  co_return DeliveryResult{};
}

}  // namespace sportello::node
