// The comune's online services behind the gateway: the upstreams a citizen reaches through the
// identity-aware proxy, served on their own loopback listener ("comune" in the default configuration).
// Upstream paths are the public ones under kUpstreamPrefix ("/_comune/portale/" is what the gateway's
// route "/portale/" forwards to with upstream = "listener:comune/_comune"); links in pages are public.
//
//   GET  /portale/                      the comune's home page (personalised when the gateway sends an
//   identity) GET  /servizi/anagrafe/             registry certificates of the logged-in citizen GET
//   /servizi/anagrafe/certificato?tipo=residenza|nascita|famiglia   one certificate, ready to print GET
//   /servizi/tributi/              the citizen's local charges (TARI, canteen, fines...) from the EC POST
//   /servizi/tributi/paga          nav=<notice>&ec=<fiscal code>: opens a pagoPA checkout cart for it
//                                       (the cart API over HTTPS, as an EC back end does) and sends the
//                                       browser there; the return URLs come back to /servizi/tributi/
//
// Who the citizen is comes ONLY from the gateway's X-Sportello-* headers, so these routes answer only on
// the listener named in Options::listener (a request for them reaching another listener gets 404): the
// gateway strips those headers from what clients send, and nothing else reaches that listener.
#pragma once

#include <memory>
#include <string>

#include "core/base/clock.hpp"
#include "core/base/log.hpp"
#include "core/http/client.hpp"
#include "core/http/router.hpp"
#include "mocks/comune/debt_positions.hpp"

namespace sportello::comune {

inline constexpr std::string_view kUpstreamPrefix = "/_comune";

class Portal {
 public:
  struct Options {
    std::string administration = "Comune di Vigata";
    std::string listener = "comune";           // the only listener these routes answer on
    std::string public_url;                    // how browsers reach the gateway ("https://localhost:8443")
    std::string checkout_carts_url;            // the cart API: <public_url>/pagopa/checkout/ec/v1/carts
    http::ClientTlsFiles checkout_tls;         // trust the test CA
    std::vector<std::string> creditors;        // fiscal codes whose positions the citizen may see
    std::shared_ptr<DebtPositions> positions;  // null: no tributi page
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Logger> log;
  };
  explicit Portal(Options options);
  ~Portal();

  void addRoutes(http::Router& router);

 private:
  http::Response home(http::Request& req) const;
  http::Response registry(http::Request& req) const;
  http::Response certificate(http::Request& req) const;
  http::Response charges(http::Request& req) const;

  Options o_;
  std::unique_ptr<http::Client> client_;
};

}  // namespace sportello::comune
