// Streaming routes: handlers that take the request body as it arrives and write the answer as it is
// produced, so that neither is ever held whole in memory (the reverse proxy, large uploads/downloads).
//
// A stream route is dispatched as soon as the request head has passed every check of the front door
// (framing, Host, header size, Content-Length against the route's max_body_bytes); the body is NOT read
// before the handler runs. The handler gets the request head (Request::body stays empty), a BodyReader
// and a ResponseWriter. Contract:
//   - Reads and writes must not overlap: at most one read() or write call at a time, from one coroutine
//     (the connection has one deadline, armed per operation).
//   - read() arms body_timeout per call (inactivity, not the whole body). Expect: 100-continue is
//     answered by the first read(), so a handler that never reads never asks for the body.
//   - When read() fails with body_too_large, body_timeout or malformed and no head was written, the
//     server answers the client itself (413/408/400 with that rule, connection closed) and ignores what
//     the handler returns. With rule "closed" the peer is gone.
//   - Returning a Response (head not written) has the server write it as for any route. Returning
//     nullopt means the handler answered through the writer; if it did not finish() successfully, the
//     connection is closed so the client sees a truncated answer, never a hang.
//   - A body the handler left unread is drained after the answer when small (Content-Length), otherwise
//     the connection is closed ("Connection: close" announced when that is known in time).
//   - A handler that throws is answered 500 when no head was written, else the connection is closed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/http/message.hpp"

namespace sportello::http {

struct StreamError {
  std::string rule;  // "body_timeout", "body_too_large", "malformed", "closed"
  std::string message;
};

// The request body as it arrives.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // The declared Content-Length (0 included); nullopt when chunked or when no length was declared.
  virtual std::optional<std::uint64_t> contentLength() const = 0;
  virtual bool hasBody() const = 0;
  // The next piece of the body into `out` (which must not be empty); 0 = end of body. Every error is
  // final: later calls return it again.
  virtual boost::asio::awaitable<Result<std::size_t, StreamError>> read(std::span<char> out) = 0;
};

// The answer, written as it is produced.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  // Writes the status line and headers of `head` (its body is ignored). With content_length:
  // Content-Length framing; else chunked (HTTP/1.1) or delimited by the close of the connection
  // (HTTP/1.0). The server adds Date, X-Request-Id, Strict-Transport-Security and Connection, and drops
  // framing and hop-by-hop headers (Connection, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade,
  // Proxy-Connection and those named in Connection) and headers with CR/LF/NUL. HEAD requests and
  // 204/304 answers get the head only (writeBody accepts and discards bytes). 1xx heads are refused.
  // False when the head could not be written (the connection will be closed).
  virtual boost::asio::awaitable<bool> writeHead(const Response& head,
                                                 std::optional<std::uint64_t> content_length) = 0;
  // A piece of the body (write_timeout per call). False on a write error, before writeHead, after
  // finish(), or past the declared Content-Length.
  virtual boost::asio::awaitable<bool> writeBody(std::string_view bytes) = 0;
  // Ends the body: the last chunk, or the check that the declared length was written in full.
  virtual boost::asio::awaitable<bool> finish() = 0;
  virtual bool headWritten() const = 0;
};

// Returns a Response for the server to write (answers decided before streaming began), or nullopt when
// the handler answered through the writer.
using StreamHandler =
    std::function<boost::asio::awaitable<std::optional<Response>>(Request&, BodyReader&, ResponseWriter&)>;

struct StreamRouteOptions {
  // Largest request body accepted: nullopt = the server's limits.max_body_bytes, 0 = no limit.
  std::optional<std::uint64_t> max_body_bytes;
};

}  // namespace sportello::http
