// HTTP(S) client for the reverse proxy, SOAP calls between mocks and ECs, and metadata fetches.
//
// - Connections are pooled per origin (scheme, host, port) AND per io_context: a pooled connection is
//   only ever used from the thread that created it, so requests need no locks beyond the pool lookup.
// - TLS: trust only the configured CA when one is given (pinning), verify the host name, optional client
//   certificate for mutual TLS; TLS 1.2/1.3 only.
// - Every failure is a typed ClientError; nothing throws. A pooled connection the peer has closed is
//   detected before reuse; an idempotent request that fails on a reused connection before any byte of
//   the answer arrived is retried once on a new connection.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/http/message.hpp"
#include "core/http/tls.hpp"

namespace sportello::http {

enum class ClientErrc {
  bad_url,          // not an absolute http(s) URL
  resolve,          // host name did not resolve
  connect_refused,  // nobody listening
  connect_timeout,  // no answer to the connection attempt in time
  tls_handshake,    // TLS failed: untrusted certificate, wrong host name, no common protocol
  write_failed,     // the request could not be sent
  read_timeout,     // the answer did not arrive in time
  protocol,         // the answer was not valid HTTP/1.1
  too_large,        // the answer was over max_response_bytes
  closed,           // the peer closed before answering
};

struct ClientError {
  ClientErrc code;
  std::string detail;
  std::string_view name() const;  // "connect_refused", ...
  std::string message() const;    // "connect_refused: 127.0.0.1:9: Connection refused"
};

struct Origin {
  bool tls = false;
  std::string host;  // IPv6 without brackets
  std::uint16_t port = 0;
  std::string key() const;         // "https://host:port"
  std::string hostHeader() const;  // "host:port" (brackets for IPv6)
};

struct Url {
  Origin origin;
  std::string target;  // path and query, at least "/"
};
Result<Url, ClientError> parseUrl(std::string_view url);

struct ClientOptions {
  ClientTlsFiles tls;
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds read_timeout{30'000};  // from the request sent to the whole answer read
  std::size_t max_response_bytes = 16 * 1024 * 1024;
  std::size_t max_idle_per_origin = 32;
  std::chrono::milliseconds idle_ttl{30'000};  // pooled connections idle longer are not reused
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `req` (method, target, headers, body; Host and Content-Length are set here) to `origin`.
  // Must be awaited from a coroutine running on an io_context (the connection pool is per context).
  boost::asio::awaitable<Result<Response, ClientError>> send(const Origin& origin, Request req);

  // Blocking convenience for tools and tests: runs its own io_context for the one request (so no
  // connection is reused across calls).
  Result<Response, ClientError> sendSync(const Origin& origin, Request req);
  Result<Response, ClientError> getSync(std::string_view url);

  struct Stats {
    std::uint64_t connects = 0;  // new connections opened
    std::uint64_t reused = 0;    // requests sent on a pooled connection
  };
  Stats stats() const;

  // Used only by client.cpp.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sportello::http
