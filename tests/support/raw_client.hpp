// A deliberately low-level test client: raw bytes over a blocking socket (optionally TLS with chosen
// protocol versions), so tests can send what no well-behaved client library would.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sportello::test {

struct RawResponse {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  std::optional<std::string> header(std::string_view name) const;
};

class RawConn {
 public:
  // nullptr when the connection cannot be made (the reason in *error).
  static std::unique_ptr<RawConn> plain(std::uint16_t port, std::string* error = nullptr);
  // TLS with protocol versions limited to [minVersion, maxVersion] (0 = library default), trusting `caFile`.
  static std::unique_ptr<RawConn> tls(std::uint16_t port, const std::string& caFile, int minVersion = 0,
                                      int maxVersion = 0, std::string* error = nullptr);
  ~RawConn();

  bool send(std::string_view bytes);
  // One HTTP response (body by Content-Length or chunked, or up to close); nullopt on timeout or close
  // before it is complete.
  // `toHead`: the request was HEAD, so the answer has no body whatever its Content-Length says.
  std::optional<RawResponse> readResponse(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                                          bool toHead = false);
  // True if the peer closes (or resets) within `timeout` without sending anything more.
  bool closedByPeer(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Every byte until the peer closes or `timeout`.
  std::string readAll(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  std::string negotiatedVersion() const;

 private:
  RawConn() = default;
  // Appends what arrives within `timeout` to buf_; 0 on close, -1 on timeout/error.
  long fill(std::chrono::milliseconds timeout);

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buf_;
};

// A GET request with Host and optional extra header lines (each ending in \r\n).
std::string get(std::string_view target, std::string_view extra = "");

}  // namespace sportello::test
