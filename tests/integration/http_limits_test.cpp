// Every limit and every ambiguous-framing case of the front door, through a real socket.
#include "tests/integration/http_fixture.hpp"

using namespace sportello;
using namespace sportello::test;

namespace {

// Sends `bytes`, expects one answer with `status`, then the connection closed by the server.
void expectRefusedAndClosed(TestServer& ts, const std::string& bytes, int status, const char* rule) {
  for (bool tls : {false, true}) {
    auto c = tls ? ts.tls() : ts.plain();
    ASSERT_TRUE(c);
    c->send(bytes);
    auto r = c->readResponse();
    ASSERT_TRUE(r) << rule << (tls ? " (tls)" : " (plain)");
    EXPECT_EQ(r->status, status) << rule;
    EXPECT_NE(r->body.find(rule), std::string::npos) << r->body;
    EXPECT_EQ(r->header("Connection"), "close") << rule;
    EXPECT_TRUE(c->closedByPeer(2s)) << rule;
  }
  const std::string ruleField = std::string("\"rule\":\"") + rule + "\"";
  EXPECT_GE(ts.log.waitFor({"request_refused", ruleField}, 2), 2u) << rule;
}

}  // namespace

TEST(HttpLimits, HeadersOverLimitGet431) {
  TestServer ts;
  expectRefusedAndClosed(ts, get("/hello", "X-Big: " + std::string(5000, 'a') + "\r\n"), 431,
                         "header_too_large");
}

TEST(HttpLimits, RequestLineOverLimitGets431) {
  TestServer ts;
  expectRefusedAndClosed(ts, get("/hello?" + std::string(5000, 'q')), 431, "header_too_large");
}

TEST(HttpLimits, ContentLengthOverLimitGets413BeforeTheBodyIsSent) {
  TestServer ts;
  // Only the headers are sent: the answer must come without waiting for a body.
  expectRefusedAndClosed(ts, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 413,
                         "body_too_large");
}

TEST(HttpLimits, ChunkedBodyGrowingOverLimitGets413) {
  TestServer ts;
  std::string chunk(32 * 1024, 'z');
  std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) req += "8000\r\n" + chunk + "\r\n";
  expectRefusedAndClosed(ts, req, 413, "body_too_large");
}

TEST(HttpLimits, SlowHeadersGet408) {
  TestServer ts;
  expectRefusedAndClosed(ts, "GET /hello HTTP/1.1\r\nHost: x\r\n", 408, "header_timeout");
}

TEST(HttpLimits, SlowBodyGets408) {
  TestServer ts;
  expectRefusedAndClosed(ts, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 408,
                         "body_timeout");
}

TEST(HttpLimits, IdleKeepAliveIsClosed) {
  TestServer ts;
  auto c = ts.plain();
  c->send(get("/hello"));
  ASSERT_TRUE(c->readResponse());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->closedByPeer(3s));
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 500ms);  // idle_timeout is 600 ms
}

TEST(HttpLimits, ContentLengthWithTransferEncodingIs400) {
  TestServer ts;
  expectRefusedAndClosed(
      ts,
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n",
      400, "malformed");  // Beast itself refuses this pair; the rule name says where
}

TEST(HttpLimits, TransferEncodingThenContentLengthIs400) {
  TestServer ts;
  expectRefusedAndClosed(
      ts,
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
      "0\r\n\r\n",
      400, "malformed");
}

TEST(HttpLimits, DuplicateIdenticalContentLengthIs400) {
  TestServer ts;
  expectRefusedAndClosed(
      ts, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400,
      "duplicate_content_length");
}

TEST(HttpLimits, ConflictingContentLengthIs400) {
  TestServer ts;
  expectRefusedAndClosed(
      ts, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
      "malformed");
}

TEST(HttpLimits, UnknownTransferCodingIs400) {
  TestServer ts;
  expectRefusedAndClosed(ts, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabc", 400,
                         "transfer_coding");
  expectRefusedAndClosed(
      ts, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400,
      "transfer_coding");
}

TEST(HttpLimits, ObsFoldIs400) {
  TestServer ts;
  expectRefusedAndClosed(ts, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", 400, "obs_fold");
}

TEST(HttpLimits, BareLfIs400) {
  TestServer ts;
  expectRefusedAndClosed(ts, "GET /hello HTTP/1.1\nHost: x\n\n", 400, "bare_lf");
}

TEST(HttpLimits, MissingOrDuplicateHostIs400) {
  TestServer ts;
  expectRefusedAndClosed(ts, "GET /hello HTTP/1.1\r\n\r\n", 400, "host");
  expectRefusedAndClosed(ts, "GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "host");
}

TEST(HttpLimits, MaxConnectionsClosesTheExtraOnes) {
  auto lim = testLimits();
  lim.max_connections = 2;
  TestServer ts(lim);
  auto a = ts.plain();
  auto b = ts.plain();
  // Make sure both are accepted and counted before the third arrives.
  a->send(get("/hello"));
  ASSERT_TRUE(a->readResponse());
  b->send(get("/hello"));
  ASSERT_TRUE(b->readResponse());
  auto extra = ts.plain();
  ASSERT_TRUE(extra);
  EXPECT_TRUE(extra->closedByPeer(2s));
  EXPECT_EQ(ts.log.waitFor({"connection_refused", "max_connections"}), 1u);
  a.reset();
  // Once one closes, new connections are served again.
  for (int i = 0; i < 50; ++i) {
    auto again = ts.plain();
    again->send(get("/hello"));
    if (auto r = again->readResponse(500ms); r && r->status == 200) return;
  }
  FAIL() << "no connection accepted after one closed";
}
