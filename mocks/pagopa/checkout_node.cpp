#include "mocks/pagopa/checkout_node.hpp"

namespace sportello::checkout {

namespace asio = boost::asio;
namespace f = pagopa::fault;

std::string_view toString(NodeErrorKind k) {
  switch (k) {
    case NodeErrorKind::transport:
      return "transport";
    case NodeErrorKind::soap_fault:
      return "soap_fault";
    case NodeErrorKind::unreadable:
      return "unreadable";
    case NodeErrorKind::fault:
      return "fault";
  }
  return "unknown";
}

namespace {

// The answer as the expected response type: whatever the HTTP status, the body decides.
template <class Res>
Result<Res, NodeError> readAnswer(const http::Response& answer) {
  const std::string status = "HTTP " + std::to_string(answer.status);
  auto envelope = pagopa::readEnvelope(answer.body);
  if (!envelope) {
    return fail(NodeError{
        NodeErrorKind::unreadable,
        {},
        status + ", not a SOAP envelope: " + envelope.error().rule + ": " + envelope.error().message});
  }
  if (pagopa::isSoapFault(*envelope)) {
    auto sf = pagopa::readSoapFault(*envelope);
    std::string what = sf ? sf->code + ": " + sf->string : "malformed SOAP Fault";
    return fail(NodeError{NodeErrorKind::soap_fault, {}, status + ", SOAP Fault " + what});
  }
  auto res = pagopa::read<Res>(*envelope);
  if (!res) {
    const auto& fb = res.error();
    return fail(NodeError{NodeErrorKind::unreadable,
                          {},
                          status + ", unreadable " + std::string(pagopa::info(Res::operation).response) +
                              ": " + fb.fault_code + ": " + fb.description.value_or(fb.fault_string)});
  }
  if (res->outcome == pagopa::Outcome::ko) {
    pagopa::FaultBean fb = res->fault ? *res->fault
                                      : pagopa::makeFault(f::ppt_system_error, std::string(f::node_id),
                                                          "KO without a fault bean");
    std::string detail = fb.fault_code;
    if (fb.original_fault_code) detail += " (" + *fb.original_fault_code + ")";
    if (fb.description) detail += ": " + *fb.description;
    return fail(NodeError{NodeErrorKind::fault, std::move(fb), std::move(detail)});
  }
  return std::move(*res);
}

bool isOneOf(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (auto c : codes) {
    if (c == code) return true;
  }
  return false;
}

constexpr std::string_view kStationDown = "Il servizio dell'ente non risponde, riprova più tardi.";
constexpr std::string_view kNodeDown =
    "Il servizio pagoPA non è raggiungibile in questo momento, riprova più tardi.";

// The EC's own fault, as the node relays it (PPT_ERRORE_EMESSO_DA_PAA, original*).
Explanation explainEc(std::string_view original, std::string code) {
  Explanation x;
  x.code = std::move(code);
  if (original == f::paa_pagamento_scaduto) {
    x.message = "L'avviso è scaduto.";
    x.advice = "Non è più possibile pagarlo: rivolgiti all'ente che lo ha emesso.";
  } else if (original == f::paa_pagamento_duplicato) {
    x.message = "L'avviso risulta già pagato.";
    x.advice = "Se hai già pagato non devi fare altro; la ricevuta è disponibile presso l'ente.";
  } else if (original == f::paa_pagamento_sconosciuto) {
    x.message = "Avviso non trovato.";
    x.advice = "Controlla il codice avviso e il codice fiscale dell'ente riportati sull'avviso.";
  } else if (original == f::paa_pagamento_annullato) {
    x.message = "L'avviso è stato annullato dall'ente.";
    x.advice = "Rivolgiti all'ente che lo ha emesso.";
  } else if (original == f::paa_pagamento_in_corso) {
    x.message = "Pagamento già in corso.";
    x.advice = "Un pagamento per questo avviso è già stato avviato: attendi qualche minuto e riprova.";
    x.retry = true;
  } else if (original == f::paa_system_error) {
    x.message = std::string(kStationDown);
    x.retry = true;
  } else {
    x.message = "L'ente ha rifiutato la richiesta di pagamento.";
    x.advice = "Controlla i dati dell'avviso; se il problema continua rivolgiti all'ente.";
  }
  return x;
}

}  // namespace

Result<std::unique_ptr<NodeClient>, std::string> NodeClient::create(Options options) {
  auto url = http::parseUrl(options.url);
  if (!url) return fail("checkout: the node URL: " + url.error().message());
  return std::unique_ptr<NodeClient>(new NodeClient(std::move(options), std::move(*url)));
}

NodeClient::NodeClient(Options options, http::Url url) : o_(std::move(options)), url_(std::move(url)) {
  http::ClientOptions co;
  co.tls = o_.tls;
  co.connect_timeout = std::chrono::milliseconds(5'000);
  co.read_timeout = o_.timeout;
  client_ = std::make_unique<http::Client>(co);
}

NodeClient::~NodeClient() = default;

asio::awaitable<Result<http::Response, NodeError>> NodeClient::post(std::string_view action,
                                                                    const std::string& body) {
  http::Request req;
  req.method = "POST";
  req.target = url_.target;
  req.headers.add("Content-Type", "text/xml; charset=utf-8");
  req.headers.add("SOAPAction", "\"" + std::string(action) + "\"");
  req.body = body;
  auto answer = co_await client_->send(url_.origin, std::move(req));
  if (!answer) co_return fail(NodeError{NodeErrorKind::transport, {}, answer.error().message()});
  co_return std::move(*answer);
}

asio::awaitable<Result<pagopa::VerifyPaymentNoticeRes, NodeError>> NodeClient::verify(
    const pagopa::QrCode& qr) {
  pagopa::VerifyPaymentNoticeReq m;
  m.credentials = o_.credentials;
  m.qr_code = qr;
  const std::string body = pagopa::write(m);
  auto answer = co_await post("verifyPaymentNotice", body);
  if (!answer) co_return fail(std::move(answer).error());
  co_return readAnswer<pagopa::VerifyPaymentNoticeRes>(*answer);
}

asio::awaitable<Result<pagopa::ActivatePaymentNoticeV2Response, NodeError>> NodeClient::activate(
    const pagopa::ActivatePaymentNoticeV2Request& request) {
  const std::string body = pagopa::write(request);
  auto answer = co_await post("activatePaymentNoticeV2", body);
  if (!answer) co_return fail(std::move(answer).error());
  co_return readAnswer<pagopa::ActivatePaymentNoticeV2Response>(*answer);
}

asio::awaitable<Result<pagopa::SendPaymentOutcomeV2Response, NodeError>> NodeClient::sendOutcome(
    const pagopa::SendPaymentOutcomeV2Request& request) {
  const std::string body = pagopa::write(request);
  auto answer = co_await post("sendPaymentOutcomeV2", body);
  if (!answer) co_return fail(std::move(answer).error());
  co_return readAnswer<pagopa::SendPaymentOutcomeV2Response>(*answer);
}

Explanation explain(const NodeError& e) {
  if (e.kind != NodeErrorKind::fault) {
    return {std::string(kNodeDown), "", true, std::string(toString(e.kind))};
  }
  const std::string& code = e.fault.fault_code;
  if (code == f::ppt_errore_emesso_da_paa) {
    std::string original = e.fault.original_fault_code.value_or("");
    return explainEc(original, code + " / " + (original.empty() ? "?" : original));
  }
  Explanation x;
  x.code = code;
  if (code == f::ppt_pagamento_in_corso) {
    x.message = "Pagamento già in corso.";
    x.advice = "Un pagamento per questo avviso è già stato avviato: attendi qualche minuto e riprova.";
    x.retry = true;
  } else if (code == f::ppt_pagamento_duplicato) {
    x.message = "L'avviso risulta già pagato.";
    x.advice = "Se hai già pagato non devi fare altro; la ricevuta è disponibile presso l'ente.";
  } else if (isOneOf(code,
                     {f::ppt_stazione_int_pa_irraggiungibile, f::ppt_stazione_int_pa_timeout,
                      f::ppt_stazione_int_pa_servizio_nonattivo, f::ppt_stazione_int_pa_errore_response})) {
    x.message = std::string(kStationDown);
    x.retry = true;
  } else if (code == f::ppt_dominio_sconosciuto) {
    x.message = "Ente creditore non trovato.";
    x.advice = "Controlla il codice fiscale dell'ente riportato sull'avviso.";
  } else if (code == f::ppt_dominio_disabilitato) {
    x.message = "L'ente non accetta pagamenti pagoPA in questo momento.";
    x.advice = "Rivolgiti all'ente che ha emesso l'avviso.";
  } else if (isOneOf(code, {f::ppt_token_scaduto, f::ppt_token_scaduto_ko, f::ppt_token_sconosciuto})) {
    x.message = "Il tempo a disposizione per completare il pagamento è scaduto.";
    x.advice = "Non ti è stato addebitato nulla: puoi ricominciare il pagamento.";
  } else if (isOneOf(code, {f::ppt_autenticazione, f::ppt_autorizzazione, f::ppt_psp_sconosciuto,
                            f::ppt_canale_sconosciuto})) {
    x.message = "Il servizio di pagamento non è abilitato dal nodo pagoPA.";
    x.advice = "Il prestatore di servizi di pagamento deve controllare le proprie credenziali ([pagopa]).";
  } else if (isOneOf(code, {f::ppt_sintassi_xsd, f::ppt_sintassi_extraxsd, f::ppt_semantica})) {
    x.message = "Il nodo pagoPA ha rifiutato i dati del pagamento.";
    x.advice = "Controlla i dati dell'avviso.";
  } else {
    x.message = std::string(kNodeDown);
    x.retry = true;
  }
  return x;
}

}  // namespace sportello::checkout
