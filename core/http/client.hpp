// HTTP(S) client for the reverse proxy, SOAP calls between mocks and ECs, and metadata fetches.
//
// - Connections are pooled per origin (scheme, host, port) AND per io_context: a pooled connection is
//   only ever used from the thread that created it, so requests need no locks beyond the pool lookup.
// - TLS: trust only the configured CA when one is given (pinning), verify the host name, optional client
//   certificate for mutual TLS; TLS 1.2/1.3 only.
// - Every failure is a typed ClientError; nothing throws. A pooled connection the peer has closed is
//   detected before reuse; an idempotent request that fails on a reused connection before any byte of
//   the answer arrived is retried once on a new connection.
// - Streaming (open()): one request/response on one pooled connection, bodies written and read piece
//   by piece, never held whole (the reverse proxy).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
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
  // send(): from the request sent to the whole answer read. open(): the default response_timeout and
  // idle_timeout.
  std::chrono::milliseconds read_timeout{30'000};
  std::size_t max_response_bytes = 16 * 1024 * 1024;
  std::size_t max_idle_per_origin = 32;
  std::chrono::milliseconds idle_ttl{30'000};  // pooled connections idle longer are not reused
};

// Per-call timeouts; unset ones come from ClientOptions.
struct CallOptions {
  std::optional<std::chrono::milliseconds> connect_timeout;   // TCP connect and TLS handshake
  std::optional<std::chrono::milliseconds> response_timeout;  // readHead() waiting for the response head
  std::optional<std::chrono::milliseconds> idle_timeout;      // each body write and each body read
};

// One request/response exchange on one connection, bodies streamed both ways. Use it from the
// io_context it was opened on; destroy it before that context and before its Client.
// The request head is sent with the first writeBody(), endRequest() or readHead(), together with the
// first piece of body when that is small. Calls must not overlap. Every error is final for the
// exchange, and the connection is then closed.
class ClientStream {
 public:
  struct Impl;
  explicit ClientStream(std::unique_ptr<Impl> impl);
  // Returns the connection to the pool only if the exchange completed cleanly (request ended, response
  // read to its end, nothing left over) and both sides allow keep-alive; otherwise closes it.
  ~ClientStream();
  ClientStream(const ClientStream&) = delete;
  ClientStream& operator=(const ClientStream&) = delete;

  // A piece of the request body (chunk or Content-Length bytes); write_failed past the declared length
  // or when the request has no body, read_timeout when the peer does not take the bytes in time.
  boost::asio::awaitable<Result<void, ClientError>> writeBody(std::string_view bytes);
  // Ends the request: the last chunk, or the check that the declared length was sent in full.
  boost::asio::awaitable<Result<void, ClientError>> endRequest();
  // Status and headers of the final response (1xx skipped; 101 is a protocol error); body left empty.
  // An idempotent request without body whose pooled connection proves closed before any answer byte is
  // sent once more on a new connection, as send() does.
  // May be called before endRequest() to see an early answer (the connection is then not reused unless
  // the request is still ended cleanly).
  boost::asio::awaitable<Result<Response, ClientError>> readHead();
  // The next piece of the response body into `out` (non-empty); 0 = end of body. Bytes read before an
  // error are returned first, the error on the next call. A peer that closes mid-body gives `closed`.
  boost::asio::awaitable<Result<std::size_t, ClientError>> readBody(std::span<char> out);

  // The response's Content-Length once its head is read; nullopt when chunked, delimited by close, or
  // when the answer has no body (HEAD, 204, 304).
  std::optional<std::uint64_t> contentLength() const;
  bool reusedConnection() const;  // taken from the pool rather than newly connected

 private:
  std::unique_ptr<Impl> impl_;
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

  // Opens a streamed exchange: a pooled or new connection to `origin` (connect errors are reported
  // here), the request head prepared from `head` (method, target, headers; Host and framing set here,
  // hop-by-hop headers dropped; head.body ignored). `request_body_length`: the exact Content-Length, or
  // nullopt for a chunked body when the method carries one (POST, PUT, PATCH) and no body otherwise.
  // Must be awaited on an io_context (the pool is per context). Counted in stats() like send().
  boost::asio::awaitable<Result<std::unique_ptr<ClientStream>, ClientError>> open(
      const Origin& origin, Request head, std::optional<std::uint64_t> request_body_length,
      CallOptions options = {});

  // Blocking convenience for tools and tests: runs its own io_context for the one request (so no
  // connection is reused across calls).
  Result<Response, ClientError> sendSync(const Origin& origin, Request req);
  Result<Response, ClientError> getSync(std::string_view url);

  struct Stats {
    std::uint64_t connects = 0;  // new connections opened
    std::uint64_t reused = 0;    // requests (sent or opened) on a pooled connection
  };
  Stats stats() const;

  // Used only by client.cpp.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sportello::http
