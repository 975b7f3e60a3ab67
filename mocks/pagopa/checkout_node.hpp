// Checkout's side of nodeForPsp: the PSP talks to the node only through SOAP over HTTPS, with the PSP's
// credentials ([pagopa] id_psp, id_broker_psp, id_channel, password) in every request
// (spec/pagopa.md, "Operations"). Used from the checkout's request coroutines.
//
// Contract:
//  - Each call sends one envelope (messages.hpp write()) with SOAPAction = the operation name and reads
//    the answer strictly (read<T>()), whatever the HTTP status (pagoPA answers KO with 200, SOAP Faults
//    often with 500).
//  - A KO answer is an error of kind `fault` carrying the node's FaultBean; nothing else is judged here.
//  - Nothing throws; every failure is a NodeError whose `detail` says what happened, for logs and the
//    "Per sviluppatori" section of pages.
//  - Arguments are taken by reference (g++ 12: no temporaries in a co_await full-expression): callers
//    pass named objects that outlive the call.
//  - explain() turns a NodeError into what the citizen reads (Italian), and says whether trying again
//    later can help (station down, token still active) or not (already paid, expired, unknown).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/http/client.hpp"
#include "core/pagopa/messages.hpp"

namespace sportello::checkout {

enum class NodeErrorKind {
  transport,   // no answer: connection refused, TLS, timeout (http::ClientError)
  soap_fault,  // a SOAP Fault instead of a pagoPA response
  unreadable,  // not an envelope, or not the expected response (read<T>() refused it)
  fault,       // outcome KO with a fault bean
};
std::string_view toString(NodeErrorKind k);  // "transport", "soap_fault", "unreadable", "fault"

struct NodeError {
  NodeErrorKind kind = NodeErrorKind::transport;
  pagopa::FaultBean fault;  // kind == fault: the node's fault, as received
  std::string detail;       // what went wrong, in English, for logs and developers
};

class NodeClient {
 public:
  struct Options {
    std::string url;  // the node's nodeForPsp endpoint, "https://localhost:8443/pagopa/node"
    http::ClientTlsFiles tls;
    pagopa::PspCredentials credentials;
    std::chrono::milliseconds timeout{20'000};  // the node waits up to a station's timeout (5 s default)
  };
  // Fails when `url` is not an absolute http(s) URL.
  static Result<std::unique_ptr<NodeClient>, std::string> create(Options options);
  ~NodeClient();

  const pagopa::PspCredentials& credentials() const { return o_.credentials; }

  boost::asio::awaitable<Result<pagopa::VerifyPaymentNoticeRes, NodeError>> verify(const pagopa::QrCode& qr);
  boost::asio::awaitable<Result<pagopa::ActivatePaymentNoticeV2Response, NodeError>> activate(
      const pagopa::ActivatePaymentNoticeV2Request& request);
  boost::asio::awaitable<Result<pagopa::SendPaymentOutcomeV2Response, NodeError>> sendOutcome(
      const pagopa::SendPaymentOutcomeV2Request& request);

 private:
  explicit NodeClient(Options options, http::Url url);
  boost::asio::awaitable<Result<http::Response, NodeError>> post(std::string_view action,
                                                                 const std::string& body);

  Options o_;
  http::Url url_;
  std::unique_ptr<http::Client> client_;
};

// What the citizen is told about a failed node call.
struct Explanation {
  std::string message;  // Italian, one sentence: "L'avviso è scaduto."
  std::string advice;   // Italian, what to do next; may be empty
  bool retry = false;   // trying again later may succeed (the cart stays payable)
  std::string code;     // for developers: "PPT_ERRORE_EMESSO_DA_PAA / PAA_PAGAMENTO_SCADUTO", "transport"
};
Explanation explain(const NodeError& e);

}  // namespace sportello::checkout
