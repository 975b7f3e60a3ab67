// The HTTP(S) server every Sportello component is served by.
//
// One io_context per I/O thread, each connection pinned to one of them (no strands, no locks on the
// request path); one coroutine per connection; a deadline before every read and write. HTTP/1.1
// keep-alive and pipelining (answers in order). On TLS listeners the first bytes decide: a TLS hello is
// handshaken (TLS 1.2/1.3 only), plain HTTP gets a 400 that says to use https.
//
// What a client gets wrong, and what it gets back (each logged with the rule's name):
//   request line + headers over max_header_bytes        431  header_too_large
//   Content-Length over max_body_bytes                  413  body_too_large (before reading the body)
//   chunked body growing over max_body_bytes            413  body_too_large
//   headers not complete within header_timeout          408  header_timeout
//   body not complete within body_timeout               408  body_timeout
//     (stream routes, stream.hpp: the route's own max_body_bytes, and body_timeout per read of the
//     handler; their bodies are never read whole)
//   Content-Length with Transfer-Encoding, two
//   Content-Length fields, a transfer coding other than
//   "chunked", obs-fold, bare LF, no/duplicate Host     400  framing (and the connection is closed)
//   idle keep-alive beyond idle_timeout                 connection closed
//   more than max_connections open on a listener        connection closed at accept
//
// Graceful shutdown (shutdown(), or SIGINT/SIGTERM after stopOnSignals()): listeners close at once;
// requests in flight finish and are answered with "Connection: close"; idle keep-alive connections get
// a short window (drain_idle) for a request already on its way, then close; whatever is still open when
// shutdown_grace runs out is cut. wait() returns once every thread has stopped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/log.hpp"
#include "core/base/metrics.hpp"
#include "core/base/result.hpp"
#include "core/config/config.hpp"
#include "core/http/router.hpp"
#include "core/http/tls.hpp"

namespace boost::asio {
class io_context;
}

namespace sportello::http {

struct ServerOptions {
  std::vector<config::Listener> listeners;
  ServerTlsFiles
      tls;  // for the TLS listeners (with tls.client_ca set, every one requires client certificates)
  // The CA that listeners with client_cert = true verify client certificates against (mutual TLS).
  std::string listener_client_ca;
  config::Limits limits;
  unsigned threads = 0;  // 0 = one per core
  std::chrono::milliseconds shutdown_grace{10'000};
  std::chrono::milliseconds drain_idle{500};
  std::int64_t hsts_max_age = 31'536'000;  // 0 = no Strict-Transport-Security on TLS responses
  bool access_log = true;

  static ServerOptions fromConfig(const config::Config& cfg, ServerTlsFiles tls);
};

struct BoundListener {
  std::string name;
  std::string host;  // as bound; IPv6 without brackets
  std::uint16_t port = 0;
  bool tls = false;
  std::string url() const;  // "https://127.0.0.1:8443"
};

class Server {
 public:
  Server(ServerOptions options, std::shared_ptr<const Router> router, std::shared_ptr<Logger> log,
         std::shared_ptr<Metrics> metrics);
  ~Server();  // shuts down (graceful, bounded by shutdown_grace) and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listener and starts the I/O threads. Errors name the listener and the address.
  // The same as bind() then run().
  Result<void, std::string> start();
  // Binds every listener (port 0 gets its port here) without serving yet, so that components can be
  // built with the real addresses; routes may still be added to the router until run().
  Result<void, std::string> bind();
  // Starts accepting and the I/O threads. The router must not change from here on.
  Result<void, std::string> run();
  const std::vector<BoundListener>& bound() const;

  void stopOnSignals();  // SIGINT and SIGTERM call shutdown()
  void shutdown();       // thread-safe and idempotent
  void wait();           // blocks until every I/O thread has stopped
  bool ready() const;    // started and not draining

  // For components that run their own asynchronous work (HTTP clients, timers) on the server's threads.
  boost::asio::io_context& context(std::size_t i);
  std::size_t contextCount() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sportello::http
