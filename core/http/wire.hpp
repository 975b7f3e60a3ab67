// HTTP/1.1 response serialisation into one contiguous buffer: one write, one TLS record, no per-request
// allocation once the connection's buffer has grown (Asio's TLS stream writes only the first buffer of
// a sequence per SSL_write, so Beast's multi-buffer serializer costs several records per response).
//
// The server owns framing: Content-Length, Transfer-Encoding, Connection and Date from a handler are
// ignored. A header whose name is not a token or whose value holds CR, LF or NUL is dropped (response
// splitting) and reported, so that a handler bug can never inject a header or a second response.
// Streamed answers (stream.hpp) and client requests also lose the hop-by-hop headers a proxy must not
// forward (RFC 9110 7.6.1): Connection and the fields it names, Keep-Alive, Proxy-Connection, TE,
// Trailer, Transfer-Encoding, Upgrade.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/message.hpp"

namespace sportello::http {

struct WireOptions {
  unsigned version = 11;          // of the request: 10 answers as HTTP/1.0
  bool close = false;             // Connection: close (HTTP/1.1) / no keep-alive (HTTP/1.0)
  bool head = false;              // HEAD: Content-Length of the body, but no body
  bool include_body = true;       // false: the caller writes the body as a second buffer
  std::string_view date;          // IMF-fixdate
  std::string_view request_id;    // X-Request-Id unless the handler set one
  std::int64_t hsts_max_age = 0;  // > 0: Strict-Transport-Security unless the handler set one

  // How the body is framed. inline_body: Content-Length of resp.body. The others are for streamed
  // answers whose body the caller writes afterwards (resp.body is ignored, hop-by-hop headers dropped):
  // content_length (Content-Length: `content_length`), chunked (Transfer-Encoding: chunked; HTTP/1.1),
  // until_close (no length: the body ends with the connection, so `close` must be set).
  // 1xx/204/304 answers get no framing header in any mode.
  enum class Framing { inline_body, content_length, chunked, until_close };
  Framing framing = Framing::inline_body;
  std::uint64_t content_length = 0;
};

// Appends to `out`; returns the names of dropped headers (empty when all were fine).
std::vector<std::string> serializeResponse(const Response& resp, const WireOptions& o, std::string& out);

// True when a status never carries a body (1xx, 204, 304).
bool statusHasNoBody(int status) noexcept;

// A request head as the client sends it: "METHOD target HTTP/1.1", the caller's headers except Host,
// Content-Length and the hop-by-hop ones, then Host and the framing. Framing none sends no length
// header. Returns the names of dropped invalid headers; the caller has checked method and target
// (validToken, validTarget).
enum class RequestFraming { none, content_length, chunked };
std::vector<std::string> serializeRequestHead(const Request& req, std::string_view host,
                                              RequestFraming framing, std::uint64_t content_length,
                                              std::string& out);

// "1a2b\r\n": the size line of one chunk.
void appendChunkSize(std::string& out, std::size_t n);

bool validToken(std::string_view s) noexcept;       // a header name or method (RFC 9110 5.6.2)
bool validFieldValue(std::string_view s) noexcept;  // no CR, LF or NUL
bool validTarget(std::string_view s) noexcept;      // origin-form or "*": visible ASCII, no spaces

}  // namespace sportello::http
