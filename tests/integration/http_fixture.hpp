// A real Server on 127.0.0.1 port 0 with one plain and one TLS listener and a few test routes.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>

#include "core/http/admin.hpp"
#include "core/http/server.hpp"
#include "tests/support/raw_client.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::test {

using namespace std::chrono_literals;

inline config::Limits testLimits() {
  config::Limits l;
  l.max_header_bytes = 4096;
  l.max_body_bytes = 64 * 1024;
  l.header_timeout = 400ms;
  l.body_timeout = 400ms;
  l.idle_timeout = 600ms;
  l.write_timeout = 2s;
  l.max_connections = 100;
  return l;
}

inline void addTestRoutes(http::Router& r) {
  using http::Request;
  using http::Response;
  r.get("/hello", [](Request&) { return Response::text(200, "hello"); });
  r.post("/echo", [](Request& req) { return Response::text(200, req.body); });
  r.get("/query", [](Request& req) { return Response::text(200, std::string(req.query())); });
  r.get("/id", [](Request& req) { return Response::text(200, req.request_id); });
  r.get("/big", [](Request& req) {
    return Response::text(200, std::string(std::stoul(req.queryParam("n").value_or("1000")), 'x'));
  });
  r.get("/throws", [](Request&) -> Response { throw std::runtime_error("bug"); });
  r.addAsync("GET", "/slow", [](Request& req) -> boost::asio::awaitable<Response> {
    auto ms = std::stoi(req.queryParam("ms").value_or("100"));
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(boost::asio::use_awaitable);
    co_return Response::text(200, "slow");
  });
}

struct TestServer {
  std::shared_ptr<http::Router> router = std::make_shared<http::Router>();
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  CapturingLog log;
  std::unique_ptr<http::Admin> admin;
  std::unique_ptr<http::Server> server;

  explicit TestServer(config::Limits limits = testLimits(),
                      const std::function<void(http::ServerOptions&)>& tweak = {}) {
    addTestRoutes(*router);
    admin = std::make_unique<http::Admin>(config::Admin{}, metrics);
    admin->addRoutes(*router);
    http::ServerOptions o;
    o.listeners = {config::Listener{"plain", {"127.0.0.1", 0}, false, {}},
                   config::Listener{"tls", {"127.0.0.1", 0}, true, {}}};
    o.tls = {testPki().tls.cert, testPki().tls.key, ""};
    o.limits = limits;
    o.threads = 2;
    o.shutdown_grace = 3s;
    o.drain_idle = 500ms;
    if (tweak) tweak(o);
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
