// HTTP/1.1 response serialisation into one contiguous buffer: one write, one TLS record, no per-request
// allocation once the connection's buffer has grown (Asio's TLS stream writes only the first buffer of
// a sequence per SSL_write, so Beast's multi-buffer serializer costs several records per response).
//
// The server owns framing: Content-Length, Transfer-Encoding, Connection and Date from a handler are
// ignored. A header whose name is not a token or whose value holds CR, LF or NUL is dropped (response
// splitting) and reported, so that a handler bug can never inject a header or a second response.
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
};

// Appends to `out`; returns the names of dropped headers (empty when all were fine).
std::vector<std::string> serializeResponse(const Response& resp, const WireOptions& o, std::string& out);

// True when a status never carries a body (1xx, 204, 304).
bool statusHasNoBody(int status) noexcept;

}  // namespace sportello::http
