// Ordinary HTTP behaviour of the server: keep-alive, pipelining, routing answers, TLS versions.
#include "tests/integration/http_fixture.hpp"

using namespace sportello;
using namespace sportello::test;

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  TestServer ts;
  auto c = ts.plain();
  ASSERT_TRUE(c);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c->send(get("/hello")));
    auto r = c->readResponse();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
  }
}

TEST(HttpServer, PipelinedRequestsAreAnsweredInOrder) {
  TestServer ts;
  for (bool tls : {false, true}) {
    auto conn = tls ? ts.tls() : ts.plain();
    ASSERT_TRUE(conn);
    // The slow one first: its answer must still come first.
    std::string burst = get("/slow?ms=150") + get("/query?n=2") +
                        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nthree" +
                        get("/query?n=4");
    ASSERT_TRUE(conn->send(burst));
    std::vector<std::string> bodies;
    for (int i = 0; i < 4; ++i) {
      auto r = conn->readResponse();
      ASSERT_TRUE(r) << "answer " << i;
      bodies.push_back(r->body);
    }
    EXPECT_EQ(bodies, (std::vector<std::string>{"slow", "n=2", "three", "n=4"}));
  }
}

TEST(HttpServer, NotFoundMethodNotAllowedAndHead) {
  TestServer ts;
  auto c = ts.plain();
  c->send(get("/nope"));
  EXPECT_EQ(c->readResponse()->status, 404);
  c->send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c->readResponse();
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("Allow"), "GET, HEAD");
  c->send("HEAD /big?n=1234 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto h = c->readResponse(5s, /*toHead=*/true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->header("Content-Length"), "1234");
  c->send(get("/hello"));
  // The HEAD body must not be on the wire: the next bytes are the next answer.
  auto next = c->readResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST(HttpServer, HandlerExceptionIsA500AndTheConnectionLives) {
  TestServer ts;
  auto c = ts.plain();
  c->send(get("/throws"));
  EXPECT_EQ(c->readResponse()->status, 500);
  c->send(get("/hello"));
  EXPECT_EQ(c->readResponse()->status, 200);
  EXPECT_EQ(ts.log.waitFor({"handler_exception", "bug"}), 1u);
}

TEST(HttpServer, RequestIdKeptWhenSaneElseGenerated) {
  TestServer ts;
  auto c = ts.plain();
  c->send(get("/id", "X-Request-Id: ci-run-42.step:7\r\n"));
  auto r = c->readResponse();
  EXPECT_EQ(r->body, "ci-run-42.step:7");
  EXPECT_EQ(r->header("X-Request-Id"), "ci-run-42.step:7");
  c->send(get("/id", "X-Request-Id: <script>\r\n"));
  auto g = c->readResponse();
  EXPECT_NE(g->body, "<script>");
  EXPECT_EQ(g->body.size(), 16u);
  EXPECT_EQ(g->header("X-Request-Id"), g->body);
}

TEST(HttpServer, ExpectContinue) {
  TestServer ts;
  auto c = ts.plain();
  c->send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto cont = c->readResponse();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  c->send("ping");
  EXPECT_EQ(c->readResponse()->body, "ping");
}

TEST(HttpServer, ChunkedRequestBody) {
  TestServer ts;
  auto c = ts.plain();
  c->send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_EQ(c->readResponse()->body, "abcde");
}

TEST(HttpServer, Tls12And13AcceptedWithHsts) {
  TestServer ts;
  for (int v : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    std::string err;
    auto c = RawConn::tls(ts.port("tls"), testPki().ca.cert, v, v, &err);
    ASSERT_TRUE(c) << err;
    c->send(get("/hello"));
    auto r = c->readResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Strict-Transport-Security"), "max-age=31536000");
  }
}

TEST(HttpServer, Tls10And11Refused) {
  TestServer ts;
  for (int v : {TLS1_VERSION, TLS1_1_VERSION}) {
    std::string err;
    auto c = RawConn::tls(ts.port("tls"), testPki().ca.cert, v, v, &err);
    EXPECT_FALSE(c) << "TLS version " << v << " was accepted";
  }
  EXPECT_GE(ts.log.waitFor({"tls_handshake_failed"}, 2), 2u);
}

TEST(HttpServer, PlainHttpOnTlsPortIsToldToUseHttps) {
  TestServer ts;
  auto c = RawConn::plain(ts.port("tls"));
  c->send(get("/hello"));
  auto r = c->readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("https://"), std::string::npos);
}

TEST(HttpServer, MetricsCountRoutesStatusesAndHandshakes) {
  TestServer ts;
  auto c = ts.tls();
  for (int i = 0; i < 3; ++i) {
    c->send(get("/hello"));
    c->readResponse();
  }
  c->send(get("/_admin/metrics"));
  auto r = c->readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("sportello_http_requests_total{route=\"GET /hello\",status=\"200\"} 3"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("sportello_tls_handshakes_total{listener=\"tls\",result=\"ok\"} 1"),
            std::string::npos);
  EXPECT_NE(r->body.find("sportello_http_open_connections{listener=\"tls\"} 1"), std::string::npos);
  EXPECT_NE(
      r->body.find("sportello_http_request_duration_seconds_bucket{route=\"GET /hello\",le=\"+Inf\"} 3"),
      std::string::npos);
}

TEST(HttpServer, AccessLogRedactsSamlAndCredentials) {
  TestServer ts;
  auto c = ts.plain();
  c->send(get("/query?SAMLRequest=c2VjcmV0&password=hunter2&RelayState=r1"));
  c->readResponse();
  EXPECT_EQ(
      ts.log.waitFor({"\"event\":\"access\"", "SAMLRequest=[redacted:8]", "RelayState=r1", "\"status\":200"}),
      1u);
  auto lines = ts.log.lines();
  std::string all;
  for (auto& l : lines) all += l;
  EXPECT_EQ(all.find("c2VjcmV0"), std::string::npos);
  EXPECT_EQ(all.find("hunter2"), std::string::npos);
}

TEST(HttpServer, AdminAnswersLoopbackAndChecksToken) {
  auto metrics = std::make_shared<Metrics>();
  http::Router r;
  http::Admin admin(config::Admin{true, "s3cret"}, metrics);
  admin.addRoutes(r);
  auto m = r.match("GET", "/_admin/health");
  http::Request req;
  req.remote_ip = "127.0.0.1";
  EXPECT_EQ(std::get<http::Handler>(m.route->handler)(req).status, 401);
  req.headers.add("Authorization", "Bearer s3cret");
  EXPECT_EQ(std::get<http::Handler>(m.route->handler)(req).status, 200);
  req.remote_ip = "192.0.2.7";
  EXPECT_EQ(std::get<http::Handler>(m.route->handler)(req).status, 403);
}
