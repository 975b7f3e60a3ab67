// The HTTP client against the real server: pooling, pinning, mutual TLS, typed failures.
#include "core/http/client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "tests/integration/http_fixture.hpp"

using namespace sportello;
using namespace sportello::test;

namespace {
http::Request getReq(std::string target) {
  http::Request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}
http::ClientOptions pinned() {
  http::ClientOptions o;
  o.tls.ca = testPki().ca.cert;
  return o;
}
}  // namespace

TEST(HttpClient, ParsesUrls) {
  auto u = http::parseUrl("https://[::1]:8443/a?b=1#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->origin.tls);
  EXPECT_EQ(u->origin.host, "::1");
  EXPECT_EQ(u->origin.port, 8443);
  EXPECT_EQ(u->target, "/a?b=1");
  EXPECT_EQ(u->origin.hostHeader(), "[::1]:8443");
  EXPECT_EQ(http::parseUrl("http://example.org")->target, "/");
  EXPECT_EQ(http::parseUrl("http://example.org")->origin.port, 80);
  EXPECT_FALSE(http::parseUrl("ftp://x/"));
  EXPECT_FALSE(http::parseUrl("http://user:pw@x/"));
  EXPECT_FALSE(http::parseUrl("http://x:99999/"));
}

TEST(HttpClient, ReusesPooledConnections) {
  TestServer ts;
  http::Client client(pinned());
  boost::asio::io_context io;
  int ok = 0;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        for (bool tls : {false, true}) {
          http::Origin o{tls, "127.0.0.1", ts.port(tls ? "tls" : "plain")};
          for (int i = 0; i < 10; ++i) {
            auto req = getReq("/hello");  // named: g++ 12 mishandles temporaries inside co_await
            auto r = co_await client.send(o, std::move(req));
            if (r && r->status == 200 && r->body == "hello") ++ok;
          }
        }
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(client.stats().connects, 2u);  // one per origin
  EXPECT_EQ(client.stats().reused, 18u);
}

TEST(HttpClient, RetriesAnIdempotentRequestWhenThePooledConnectionWasClosed) {
  TestServer ts;  // idle_timeout 600 ms: the server closes pooled connections behind the client's back
  http::Client client(pinned());
  boost::asio::io_context io;
  std::vector<int> statuses;
  boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<void> {
        http::Origin o{false, "127.0.0.1", ts.port()};
        auto first = getReq("/hello");
        auto a = co_await client.send(o, std::move(first));
        statuses.push_back(a ? a->status : -1);
        boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, 900ms);
        co_await t.async_wait(boost::asio::use_awaitable);
        auto second = getReq("/hello");
        auto b = co_await client.send(o, std::move(second));
        statuses.push_back(b ? b->status : -1);
      },
      boost::asio::detached);
  io.run();
  EXPECT_EQ(statuses, (std::vector<int>{200, 200}));
  EXPECT_EQ(client.stats().connects, 2u);
}

TEST(HttpClient, TypedFailures) {
  TestServer ts;
  {
    http::Client client(pinned());
    // A port nobody listens on: one a server bound and then released.
    auto closedPort = [] {
      TestServer tmp;
      auto p = tmp.port();
      tmp.server->shutdown();
      tmp.server->wait();
      return p;
    }();
    auto r = client.sendSync({false, "127.0.0.1", closedPort}, getReq("/"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, http::ClientErrc::connect_refused) << r.error().message();
  }
  {
    http::ClientOptions o = pinned();
    o.read_timeout = 200ms;
    http::Client client(o);
    auto r = client.sendSync({false, "127.0.0.1", ts.port()}, getReq("/slow?ms=2000"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, http::ClientErrc::read_timeout) << r.error().message();
  }
  {
    http::ClientOptions o = pinned();
    o.max_response_bytes = 1000;
    http::Client client(o);
    auto r = client.sendSync({false, "127.0.0.1", ts.port()}, getReq("/big?n=5000"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, http::ClientErrc::too_large);
  }
  {
    http::Client client;  // the system store does not know the test CA: pinning matters
    auto r = client.sendSync({true, "127.0.0.1", ts.port("tls")}, getReq("/hello"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, http::ClientErrc::tls_handshake) << r.error().message();
  }
  {
    http::Client client(pinned());
    // The certificate is for localhost/127.0.0.1/::1; "127.0.0.2" is not among its names.
    auto r = client.sendSync({true, "127.0.0.2", ts.port("tls")}, getReq("/hello"));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().code == http::ClientErrc::tls_handshake ||
                r.error().code == http::ClientErrc::connect_refused)
        << r.error().message();
  }
}

TEST(HttpClient, MutualTls) {
  TestServer ts(testLimits(), [](http::ServerOptions& o) { o.tls.client_ca = testPki().ca.cert; });
  {
    http::Client anonymous(pinned());
    auto r = anonymous.sendSync({true, "127.0.0.1", ts.port("tls")}, getReq("/hello"));
    EXPECT_FALSE(r && r->status == 200) << "a client without certificate was served";
  }
  {
    http::ClientOptions o = pinned();
    o.tls.cert = testPki().node_client.cert;
    o.tls.key = testPki().node_client.key;
    http::Client node(o);
    auto r = node.sendSync({true, "127.0.0.1", ts.port("tls")}, getReq("/hello"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200);
  }
}

TEST(HttpClient, MutualTlsOnOneListenerOnly) {
  TestServer ts(testLimits(), [](http::ServerOptions& o) {
    o.listeners.push_back(config::Listener{"station", {"127.0.0.1", 0}, true, {}, true});
    o.listener_client_ca = testPki().ca.cert;
  });
  http::Client anonymous(pinned());
  auto open = anonymous.sendSync({true, "127.0.0.1", ts.port("tls")}, getReq("/hello"));
  ASSERT_TRUE(open) << open.error().message();
  EXPECT_EQ(open->status, 200);
  auto refused = anonymous.sendSync({true, "127.0.0.1", ts.port("station")}, getReq("/hello"));
  EXPECT_FALSE(refused && refused->status == 200) << "a client without certificate was served";
  http::ClientOptions o = pinned();
  o.tls.cert = testPki().node_client.cert;
  o.tls.key = testPki().node_client.key;
  http::Client node(o);
  auto r = node.sendSync({true, "127.0.0.1", ts.port("station")}, getReq("/hello"));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200);
}
