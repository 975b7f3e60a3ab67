// Checkout: the PSP of Sportello's pagoPA, where the citizen pays. It talks to the node ONLY through
// nodeForPsp SOAP over HTTPS (checkout_node.hpp), as the PSP of [pagopa] (id_psp, id_broker_psp,
// id_channel, password); spec/pagopa.md "Checkout", "Operations", "Faults".
//
//   POST <p>/ec/v1/carts              an EC's cart (JSON, checkout_cart.hpp readCartRequest()): 302 to
//                                     <p>/carrello/{cartId}; 400 not JSON, 422 every problem listed
//                                     ({"error", "message", "problems": [{"field", "rule", "message"}]}),
//                                     503 when the in-memory store is full
//   GET  <p>/                         "Paga un avviso": notice number (spaces allowed, as printed),
//                                     the EC's fiscal code, e-mail (optional)
//   POST <p>/avviso                   verifyPaymentNotice; refused -> the form with the node's fault in
//                                     Italian; OK -> a one-notice cart, 303 to its page
//   GET  <p>/carrello/{id}            the cart by state: NEW (verifies its notices first) and ACTIVATED ->
//                                     summary, fee and card form; PAID -> 303 to the receipt; FAILED,
//                                     CANCELLED, expired (410), unknown (404) -> their pages
//   POST <p>/carrello/{id}/paga       activatePaymentNoticeV2 per notice (idempotencyKey fixed per notice
//                                     per attempt, the request kept and resent unchanged on a retry), the
//                                     simulated card authorisation, sendPaymentOutcomeV2 OK (every token)
//                                     or KO (declined); 303 to the receipt or the cart page
//   POST <p>/carrello/{id}/annulla    sendPaymentOutcomeV2 KO when tokens were issued; 303 to
//                                     returnCancelUrl (EC carts) or the "annullato" page
//   GET  <p>/carrello/{id}/ricevuta   "Ricevuta di pagamento" (PAID only)
// with <p> = /pagopa/checkout. A request that finds its cart busy (double click) gets a "Pagamento in
// corso" page and changes nothing; a form sent again to a final cart shows that end again.
// Carts are in memory, bounded, and expire 30 minutes after creation by the simulated clock
// (checkout_cart.hpp).
#pragma once

#include <memory>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "core/config/config.hpp"
#include "core/http/router.hpp"
#include "core/http/tls.hpp"

namespace sportello::checkout {

class Checkout {
 public:
  struct Options {
    std::shared_ptr<const config::Config> config;  // [pagopa]: the PSP's identity and credentials
    std::string node_url;                          // nodeForPsp SOAP endpoint, <public_url>/pagopa/node
    http::ClientTlsFiles node_tls;                 // trust the test CA (and a client certificate, if any)
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Logger> log;
    std::shared_ptr<Metrics> metrics;
    std::size_t max_carts = 10'000;
    std::chrono::minutes cart_validity{30};
    std::int64_t fee_cents = 100;  // the simulated PSP fee, shown and sent in the outcome
  };
  // Fails when node_url is not an absolute http(s) URL or a required option is missing.
  static Result<std::unique_ptr<Checkout>, std::string> create(Options options);
  ~Checkout();

  void addRoutes(http::Router& router);

  struct State;

 private:
  explicit Checkout(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace sportello::checkout
