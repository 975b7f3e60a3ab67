// The node's side of paForNode: which station serves a notice, and the SOAP calls to it over HTTPS.
//
// Routing (route()): the [[pagopa.stations]] of qrCode.fiscalCode (none: PPT_DOMINIO_SCONOSCIUTO); among
// them, for an aux-3 notice the station listing its segregation code, else one with no segregation codes;
// for aux 0 the same with application codes; aux 1 and 2: the first. None left:
// PPT_STAZIONE_INT_PA_SCONOSCIUTA.
//
// Calls: POST to the station's URL, SOAPAction = the operation, one http::Client per station (pooled
// connections, the station's timeout for the answer, the test CA trusted, the node's client certificate
// presented when the station says client_cert). What goes wrong becomes the fault the PSP hears:
//   connection refused, unresolvable, TLS refused, peer closed  PPT_STAZIONE_INT_PA_IRRAGGIUNGIBILE
//   no answer within the station's timeout                     PPT_STAZIONE_INT_PA_TIMEOUT
//   HTTP 503 without a SOAP body                               PPT_STAZIONE_INT_PA_SERVIZIO_NONATTIVO
//   not a SOAP envelope, a SOAP Fault, not the expected response
//   or refused by the strict reader (read<T>())                PPT_STAZIONE_INT_PA_ERRORE_RESPONSE
//   outcome KO                                                 PPT_ERRORE_EMESSO_DA_PAA, the EC's fault
//                                                              copied into original* (faultFromEc())
// Each fault's description says which station and what happened. Arguments are references to objects
// that outlive the call (g++ 12: no temporaries in a co_await full-expression).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "core/config/config.hpp"
#include "core/http/client.hpp"
#include "core/pagopa/messages.hpp"
#include "core/pki/pki.hpp"
#include "mocks/pagopa/outbox.hpp"

namespace sportello::node {

struct GetPaymentInput {
  pagopa::QrCode qr;
  std::int64_t amount = 0;
  std::optional<std::string> payment_note;
  std::optional<pagopa::Date> due_date;
};

// The EC's answer to paGetPayment(V2): as a V2 payment (V1 answers converted), and as received.
struct EcPayment {
  pagopa::PaymentPaV2 data;
  std::string xml;
};

class EcGateway {
 public:
  EcGateway(std::shared_ptr<const config::Config> config, const pki::Materials& materials,
            std::shared_ptr<Metrics> metrics);
  ~EcGateway();

  Result<const config::Station*, pagopa::FaultBean> route(const pagopa::QrCode& qr) const;
  // The station (ec, id_station); nullptr when the configuration has none.
  const config::Station* station(std::string_view ec, std::string_view id_station) const;
  // The first station of `ec`; nullptr when none.
  const config::Station* anyStation(std::string_view ec) const;

  boost::asio::awaitable<Result<pagopa::PaVerifyPaymentNoticeRes, pagopa::FaultBean>> verify(
      const config::Station& s, const pagopa::QrCode& qr);
  // paGetPaymentV2 or paGetPayment, as the station's version says.
  boost::asio::awaitable<Result<EcPayment, pagopa::FaultBean>> getPayment(const config::Station& s,
                                                                          const GetPaymentInput& in);
  // Sends a prepared paSendRT(V2) envelope; ok when the EC answered OK.
  boost::asio::awaitable<DeliveryResult> sendReceipt(const config::Station& s, const OutboxEntry& e);

 private:
  boost::asio::awaitable<Result<std::string, pagopa::FaultBean>> post(const config::Station& s,
                                                                      std::string_view action,
                                                                      const std::string& body);
  http::Client* clientFor(const config::Station& s);
  void count(std::string_view operation, std::string_view result);

  std::shared_ptr<const config::Config> config_;
  std::vector<std::unique_ptr<http::Client>> clients_;  // parallel to config_->pagopa.stations
  std::shared_ptr<Metrics> metrics_;
};

}  // namespace sportello::node
