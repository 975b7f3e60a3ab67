// A real Server on port 0 (plain and TLS) with stream routes (core/http/stream.hpp) next to the usual
// test routes, and a probe that records what the stream handlers saw.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>
#include <vector>

#include "tests/integration/http_fixture.hpp"

namespace sportello::test {

constexpr std::size_t kPiece = 64 * 1024;

// Byte i of every generated body, so that any loss, duplication or reordering shows.
inline char patternByte(std::uint64_t i) {
  return static_cast<char>('a' + (i * 7 + i / 997) % 26);
}
inline std::string patternBody(std::uint64_t n, std::uint64_t from = 0) {
  std::string s(n, '\0');
  for (std::uint64_t i = 0; i < n; ++i) s[i] = patternByte(from + i);
  return s;
}

struct StreamProbe {
  std::atomic<std::uint64_t> pieces{0};             // reads that returned bytes
  std::atomic<std::uint64_t> max_piece{0};          // largest single read
  std::atomic<std::uint64_t> max_held{0};           // most body bytes the handler held at once
  std::atomic<std::uint64_t> total{0};              // body bytes seen by the last echo
  std::atomic<std::uint64_t> first_write_after{0};  // body bytes read when the echo wrote its first piece

  void sawPiece(std::uint64_t n, std::uint64_t held) {
    ++pieces;
    if (n > max_piece) max_piece = n;
    if (held > max_held) max_held = held;
  }
};

inline std::uint64_t queryNumber(const http::Request& req, std::string_view name, std::uint64_t fallback) {
  auto v = req.queryParam(name);
  if (!v || v->empty()) return fallback;
  std::uint64_t n = 0;
  for (char c : *v) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  return n;
}

inline boost::asio::awaitable<void> sleepFor(std::chrono::milliseconds d) {
  boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, d);
  co_await t.async_wait(boost::asio::use_awaitable);
}

inline void addStreamRoutes(http::Router& r, StreamProbe& probe) {
  using http::BodyReader;
  using http::Request;
  using http::Response;
  using http::ResponseWriter;
  using Answer = boost::asio::awaitable<std::optional<Response>>;

  // Echo: each piece is written back as soon as it is read; one 64 KiB buffer, nothing else held.
  // Content-Length upload -> Content-Length answer; chunked -> chunked.
  r.addStream(
      "POST", "/stream/echo",
      [&probe](Request&, BodyReader& body, ResponseWriter& out) -> Answer {
        std::vector<char> piece(kPiece);
        std::uint64_t total = 0;
        bool headDone = false;
        for (;;) {
          auto n = co_await body.read(piece);
          if (!n) co_return std::nullopt;  // the server answers or closes
          if (!headDone) {
            Response head;
            head.headers.add("Content-Type", "application/octet-stream");
            auto length = body.contentLength();
            if (!co_await out.writeHead(head, length)) co_return std::nullopt;
            headDone = true;
            probe.first_write_after = total + *n;
          }
          if (*n == 0) break;
          total += *n;
          probe.sawPiece(*n, *n);
          if (!co_await out.writeBody(std::string_view(piece.data(), *n))) co_return std::nullopt;
        }
        probe.total = total;
        co_await out.finish();
        co_return std::nullopt;
      },
      http::StreamRouteOptions{0});

  // Reads the whole body and answers "<bytes>" (route limit 1000 bytes).
  auto count = [](Request&, BodyReader& body, ResponseWriter&) -> Answer {
    std::vector<char> piece(4096);
    std::uint64_t total = 0;
    for (;;) {
      auto n = co_await body.read(piece);
      if (!n) co_return Response::text(499, n.error().rule);  // never sent: the server answers itself
      if (*n == 0) break;
      total += *n;
    }
    co_return Response::text(200, std::to_string(total));
  };
  r.addStream("POST", "/stream/count", count, http::StreamRouteOptions{1000});
  // The same under the server's own limit, and with no limit.
  r.addStream("POST", "/stream/count-default", count);
  r.addStream("POST", "/stream/count-any", count, http::StreamRouteOptions{0});

  // Answers at once without reading the body.
  r.addStream("POST", "/stream/early",
              [](Request&, BodyReader&, ResponseWriter&) -> Answer { co_return Response::text(403, "no"); });

  // n pattern bytes in 64 KiB pieces, with Content-Length unless chunked=1; pause_ms between the first
  // piece and the rest.
  r.addStream("GET", "/stream/download", [](Request& req, BodyReader&, ResponseWriter& out) -> Answer {
    std::uint64_t n = queryNumber(req, "n", 1000);
    bool chunked = queryNumber(req, "chunked", 0) == 1;
    auto pause = std::chrono::milliseconds(queryNumber(req, "pause_ms", 0));
    Response head;
    head.headers.add("Content-Type", "application/octet-stream");
    head.headers.add("Connection", "X-Hop");  // named hop-by-hop: must not reach the client
    head.headers.add("X-Hop", "1");
    head.headers.add("Upgrade", "h2c");
    std::optional<std::uint64_t> length;
    if (!chunked) length = n;
    if (!co_await out.writeHead(head, length)) co_return std::nullopt;
    for (std::uint64_t at = 0; at < n;) {
      std::uint64_t k = std::min<std::uint64_t>(kPiece, n - at);
      std::string piece = patternBody(k, at);
      if (!co_await out.writeBody(piece)) co_return std::nullopt;
      at += k;
      if (pause.count() > 0 && at == k) co_await sleepFor(pause);
    }
    co_await out.finish();
    co_return std::nullopt;
  });

  // Declares 100000 bytes (or chunked), writes 1000, then fails: returns without finish(), or throws.
  r.addStream("GET", "/stream/fail", [](Request& req, BodyReader&, ResponseWriter& out) -> Answer {
    bool chunked = queryNumber(req, "chunked", 0) == 1;
    std::optional<std::uint64_t> length;
    if (!chunked) length = 100000;
    Response head;
    if (!co_await out.writeHead(head, length)) co_return std::nullopt;
    std::string piece = patternBody(1000);
    co_await out.writeBody(piece);
    if (queryNumber(req, "throw", 0) == 1) throw std::runtime_error("upstream went away");
    co_return std::nullopt;
  });

  // Neither a response nor a head: a handler bug, answered 500.
  r.addStream("GET", "/stream/nothing",
              [](Request&, BodyReader&, ResponseWriter&) -> Answer { co_return std::nullopt; });
}

struct StreamServer {
  StreamProbe probe;
  std::shared_ptr<http::Router> router = std::make_shared<http::Router>();
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  CapturingLog log;
  std::unique_ptr<http::Server> server;

  // testLimits() but with the server's usual 1 MiB body limit.
  static config::Limits limits() {
    auto l = testLimits();
    l.max_body_bytes = 1024 * 1024;
    return l;
  }

  // For tests that move megabytes: timeouts generous enough for a loaded machine (ctest -j2).
  static config::Limits bulkLimits() {
    auto l = limits();
    l.body_timeout = 5s;
    l.write_timeout = 5s;
    return l;
  }

  explicit StreamServer(config::Limits l = limits()) {
    addTestRoutes(*router);
    addStreamRoutes(*router, probe);
    http::ServerOptions o;
    o.listeners = {config::Listener{"plain", {"127.0.0.1", 0}, false, {}},
                   config::Listener{"tls", {"127.0.0.1", 0}, true, {}}};
    o.tls = {testPki().tls.cert, testPki().tls.key, ""};
    o.limits = l;
    o.threads = 2;
    o.shutdown_grace = 3s;
    server = std::make_unique<http::Server>(o, router, log.logger(), metrics);
    auto r = server->start();
    if (!r) throw std::runtime_error(r.error());
  }

  std::uint16_t port(std::string_view listener = "plain") const {
    for (const auto& b : server->bound()) {
      if (b.name == listener) return b.port;
    }
    return 0;
  }
  std::unique_ptr<RawConn> plain() const { return RawConn::plain(port("plain")); }
  std::unique_ptr<RawConn> tls() const { return RawConn::tls(port("tls"), testPki().ca.cert); }
};

}  // namespace sportello::test
