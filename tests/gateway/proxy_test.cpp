// The identity-aware reverse proxy against a real upstream server on loopback: identity headers (and
// spoofing attempts), authentication per route, upstream down and slow, large bodies both ways, and
// connection reuse to the upstream.
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "core/http/stream.hpp"
#include "tests/gateway/gateway_fixture.hpp"

using namespace sportello;
using namespace std::chrono_literals;

namespace {

// The comune's service stand-in: tells what it received, streams big answers, counts uploads, dawdles.
class Upstream {
 public:
  Upstream() {
    router_ = std::make_shared<http::Router>();
    router_->get("/svc/echo", [](http::Request& req) {
      boost::json::object headers;
      for (const auto& h : req.headers.items()) headers[h.name] = h.value;
      boost::json::object o{{"target", req.target}, {"headers", headers}};
      return http::Response::json(200, boost::json::serialize(o));
    });
    router_->addStream(
        "GET", "/svc/big",
        [](http::Request& req, http::BodyReader&,
           http::ResponseWriter& out) -> boost::asio::awaitable<std::optional<http::Response>> {
          std::size_t n = std::stoul(req.queryParam("n").value_or("0"));
          http::Response head;
          head.headers.set("Content-Type", "application/octet-stream");
          std::optional<std::uint64_t> length;
          if (!req.queryParam("chunked")) length = n;
          if (!co_await out.writeHead(head, length)) co_return std::nullopt;
          std::string piece(32 * 1024, 'x');
          for (std::size_t sent = 0; sent < n;) {
            std::size_t k = std::min(piece.size(), n - sent);
            if (!co_await out.writeBody(std::string_view(piece.data(), k))) co_return std::nullopt;
            sent += k;
          }
          co_await out.finish();
          co_return std::nullopt;
        });
    router_->addStream(
        "POST", "/svc/upload",
        [](http::Request&, http::BodyReader& body,
           http::ResponseWriter&) -> boost::asio::awaitable<std::optional<http::Response>> {
          std::array<char, 16 * 1024> buf;
          std::uint64_t total = 0;
          for (;;) {
            auto n = co_await body.read(std::span<char>(buf));
            if (!n || *n == 0) break;
            total += *n;
          }
          co_return http::Response::json(200, "{\"received\":" + std::to_string(total) + "}");
        },
        http::StreamRouteOptions{0});
    router_->addAsync("GET", "/svc/slow", [](http::Request& req) -> boost::asio::awaitable<http::Response> {
      boost::asio::steady_timer t(co_await boost::asio::this_coro::executor);
      t.expires_after(std::chrono::milliseconds(std::stoi(req.queryParam("ms").value_or("1000"))));
      co_await t.async_wait(boost::asio::use_awaitable);
      co_return http::Response::text(200, "finally");
    });
    http::ServerOptions o;
    o.listeners = {config::Listener{"up", {"127.0.0.1", 0}, false, {}}};
    o.threads = 1;
    o.access_log = false;
    server_ = std::make_unique<http::Server>(o, router_, std::make_shared<Logger>(-1), metrics_);
    EXPECT_TRUE(server_->start());
  }
  ~Upstream() {
    server_->shutdown();
    server_->wait();
  }
  std::uint16_t port() const { return server_->bound().front().port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::uint64_t connections() const {
    return metrics_
        ->counter("sportello_http_connections_total", "Connections accepted.", {{"listener", "up"}})
        .value();
  }

 private:
  std::shared_ptr<Metrics> metrics_ = std::make_shared<Metrics>();
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<http::Server> server_;
};

class Proxy : public test::GatewayFixture {
 protected:
  void startWith(const std::string& upstreamUrl, const std::string& extra = "") {
    start(R"(
[[routes]]
prefix = "/pubblico/"
upstream = ")" +
          upstreamUrl + R"(/svc"
strip_prefix = true
timeout_ms = 400
[[routes]]
prefix = "/servizi/"
upstream = ")" +
          upstreamUrl + R"(/svc"
strip_prefix = true
auth = "any"
min_level = 2
[[routes]]
prefix = "/tributi/"
upstream = ")" +
          upstreamUrl + R"(/svc"
strip_prefix = true
auth = "spid"
min_level = 3
)" + extra);
  }
  boost::json::object echoed(const test::Browser::Page& p) {
    boost::system::error_code ec;
    auto v = boost::json::parse(p.body, ec);
    EXPECT_FALSE(ec) << p.body.substr(0, 500);
    return ec ? boost::json::object{} : v.as_object();
  }
  Upstream upstream;
};

TEST_F(Proxy, IdentityReachesTheUpstreamAndSpoofedHeadersNeverDo) {
  startWith(upstream.url());
  ASSERT_EQ(loginAs("mario.rossi").status, 200);
  auto p = browser->get("/servizi/echo?x=1", {{"X-Sportello-Fiscal-Number", "FAKE"},
                                              {"x-sportello-level", "3"},
                                              {"X-Sportello-Attr-email", "evil@example.org"},
                                              {"X-Forwarded-For", "6.6.6.6"},
                                              {"Forwarded", "for=6.6.6.6"}});
  ASSERT_EQ(p.status, 200) << p.body;
  auto o = echoed(p);
  EXPECT_EQ(o["target"].as_string(), "/svc/echo?x=1");
  const auto& h = o["headers"].as_object();
  auto get = [&](const char* name) -> std::string {
    for (const auto& [k, v] : h) {
      if (http::iequals(k, name)) return std::string(v.as_string());
    }
    return "(absent)";
  };
  EXPECT_EQ(get("X-Sportello-Fiscal-Number"), "RSSMRA82C15H501O");
  EXPECT_EQ(get("X-Sportello-Level"), "2");
  EXPECT_EQ(get("X-Sportello-Auth"), "spid");
  EXPECT_EQ(get("X-Sportello-Name"), "Mario");
  EXPECT_NE(get("X-Sportello-Attr-email"), "evil@example.org");
  EXPECT_EQ(get("X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(get("X-Forwarded-Proto"), "https");
  EXPECT_EQ(get("Forwarded"), "(absent)");
  EXPECT_NE(get("X-Request-Id"), "(absent)");
  // The gateway's session cookie stays at the gateway.
  EXPECT_EQ(get("Cookie").find("sportello_session"), std::string::npos);
  std::size_t fiscal = 0;
  for (const auto& [k, v] : h) fiscal += http::iequals(k, "X-Sportello-Fiscal-Number") ? 1 : 0;
  EXPECT_EQ(fiscal, 1u);
}

TEST_F(Proxy, PublicRoutesStripSpoofedIdentityToo) {
  startWith(upstream.url());
  auto p = browser->get("/pubblico/echo", {{"X-Sportello-Fiscal-Number", "RSSMRA80A01H501U"}});
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.body.find("X-Sportello"), std::string::npos) << p.body;
}

TEST_F(Proxy, ProtectedRouteWithoutSessionStartsTheLoginAndComesBack) {
  startWith(upstream.url());
  auto api = browser->get("/servizi/echo", {{"Accept", "application/json"}});
  EXPECT_EQ(api.status, 401);
  EXPECT_NE(api.headers.get("Location").value_or("").find("/login?next=%2Fservizi%2Fecho"),
            std::string::npos);
  auto page = browser->get("/servizi/echo?anno=2026", {{"Accept", "text/html"}});
  ASSERT_EQ(page.status, 200);  // the discovery page, after the redirect
  EXPECT_NE(page.body.find("Entra con SPID"), std::string::npos);
  // Pick the IdP from the page and finish the login: the ACS sends the browser back to the original path.
  auto at = page.body.find("/login?idp=aurora-id");
  ASSERT_NE(at, std::string::npos);
  std::string link = test::htmlUnescape(page.body.substr(at, page.body.find('"', at) - at));
  auto login = browser->get(link);
  auto consent = browser->submit(login, {{"username", "mario.rossi"}, {"password", "password123"}}, "login");
  auto form = browser->submit(consent, {{"decision", "accept"}}, "consent");
  auto acs = browser->submit(form);
  ASSERT_EQ(acs.status, 200);
  EXPECT_EQ(test::Browser::refreshTarget(acs).value_or(""), "/servizi/echo?anno=2026");
  EXPECT_EQ(browser->get("/servizi/echo?anno=2026").status, 200);
}

TEST_F(Proxy, LevelAndProfileRequirementsAreEnforced) {
  startWith(upstream.url());
  ASSERT_EQ(loginAs("mario.rossi").status, 200);  // SPID level 2
  auto low = browser->get("/tributi/echo", {{"Accept", "application/json"}});
  EXPECT_EQ(low.status, 401);
  EXPECT_NE(low.headers.get("Location").value_or("").find("level=3"), std::string::npos);
  ASSERT_EQ(loginAs("giulia.bianchi", "aurora-id", "/tributi/echo", 3).status, 200);
  EXPECT_EQ(browser->get("/tributi/echo").status, 200);
}

TEST_F(Proxy, UpstreamDownIs502AndSlowIs504InItalianForBrowsers) {
  std::string dead;
  {
    Upstream gone;
    dead = gone.url();
  }
  startWith(upstream.url(), R"(
[[routes]]
prefix = "/morto/"
upstream = ")" + dead + R"("
)");
  auto down = browser->get("/morto/x", {{"Accept", "text/html"}});
  EXPECT_EQ(down.status, 502);
  EXPECT_NE(down.body.find("non è raggiungibile"), std::string::npos);
  auto downApi = browser->get("/morto/x", {{"Accept", "application/json"}});
  EXPECT_EQ(downApi.status, 502);
  EXPECT_NE(downApi.body.find("upstream_unreachable"), std::string::npos);
  auto slow = browser->get("/pubblico/slow?ms=1500", {{"Accept", "text/html"}});
  EXPECT_EQ(slow.status, 504);
  EXPECT_NE(slow.body.find("non ha risposto in tempo"), std::string::npos);
  EXPECT_EQ(log.count({"proxy_error", "upstream_timeout"}), 1u);
  // The gateway is still fine after both.
  EXPECT_EQ(browser->get("/pubblico/echo").status, 200);
}

TEST_F(Proxy, LargeBodiesStreamBothWays) {
  startWith(upstream.url());
  const std::size_t n = 12 * 1024 * 1024 + 7;  // over the server's 1 MiB default body limit
  auto down = browser->get("/pubblico/big?n=" + std::to_string(n));
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body.size(), n);
  auto chunked = browser->get("/pubblico/big?chunked=1&n=" + std::to_string(n));
  ASSERT_EQ(chunked.status, 200);
  EXPECT_EQ(chunked.body.size(), n);
  http::Request up;
  up.method = "POST";
  up.target = "/pubblico/upload";
  up.body.assign(20 * 1024 * 1024, 'u');
  auto resp = browser->client().sendSync({true, "127.0.0.1", port}, up);
  ASSERT_TRUE(resp) << resp.error().message();
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(resp->body, "{\"received\":20971520}");
}

TEST_F(Proxy, UpstreamConnectionsAreReused) {
  startWith(upstream.url());
  const auto before = upstream.connections();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(browser->get("/pubblico/echo").status, 200);
  const auto opened = upstream.connections() - before;
  // Two server threads, each with its own pool: at most one connection each for sequential requests.
  EXPECT_LE(opened, 2u);
  EXPECT_GE(gateway->proxy().upstreamStats().reused, 18u);
}

}  // namespace
