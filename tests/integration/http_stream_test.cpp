// Stream routes through real sockets: bodies in pieces both ways, limits and timeouts on streamed bodies,
// handlers that answer early or fail half-way, and the connection's state after each.
#include <thread>

#include "tests/integration/http_stream_fixture.hpp"

using namespace sportello;
using namespace sportello::test;

namespace {

std::string post(std::string_view target, std::string_view body, std::string_view extra = "") {
  std::string s = "POST ";
  s.append(target);
  s += " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  s.append(extra);
  s += "\r\n";
  s.append(body);
  return s;
}

std::string chunked(std::string_view target, std::string_view body, std::size_t chunk) {
  std::string s = "POST ";
  s.append(target);
  s += " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  char size[32];
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    auto piece = body.substr(at, chunk);
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    s += size;
    s.append(piece);
    s += "\r\n";
  }
  s += "0\r\n\r\n";
  return s;
}

// Sends `bytes` from another thread while this one reads the answer, so that an echo of any size
// cannot deadlock on full socket buffers. Plain connections only (OpenSSL objects are not shared
// between threads).
std::optional<RawResponse> sendWhileReading(RawConn& c, const std::string& bytes,
                                            std::chrono::milliseconds timeout = 20s) {
  std::thread sender([&] { c.send(bytes); });
  auto r = c.readResponse(timeout);
  sender.join();
  return r;
}

std::uint64_t logged(const CapturingLog& log, std::string_view route, std::string_view field) {
  for (const auto& line : log.lines()) {
    if (line.find("\"event\":\"access\"") == std::string::npos) continue;
    if (line.find(route) == std::string::npos) continue;
    auto at = line.find(std::string("\"") + std::string(field) + "\":");
    if (at == std::string::npos) return 0;
    return std::stoull(line.substr(at + field.size() + 3));
  }
  return 0;
}

// As in http_limits_test: one answer with `status` naming `rule`, then the connection closed.
void expectRefusedAndClosed(StreamServer& s, const std::string& bytes, int status, const char* rule) {
  for (bool tls : {false, true}) {
    auto c = tls ? s.tls() : s.plain();
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
  EXPECT_GE(s.log.waitFor({"request_refused", ruleField}, 2), 2u) << rule;
}

}  // namespace

TEST(HttpStream, EchoesTwentyMegabytesPieceByPieceUnderAOneMegabyteServerLimit) {
  StreamServer s(StreamServer::bulkLimits());  // max_body_bytes = 1 MiB: a normal route would refuse this
  const std::string body = patternBody(20 * 1024 * 1024);
  auto c = s.plain();
  ASSERT_TRUE(c);
  auto r = sendWhileReading(*c, post("/stream/echo", body));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Length"), std::to_string(body.size()));
  EXPECT_TRUE(r->body == body) << "echo differs (" << r->body.size() << " bytes back)";
  EXPECT_EQ(s.probe.total.load(), body.size());
  // Never more than one piece in the handler, and the answer began long before the body was all in.
  EXPECT_LE(s.probe.max_held.load(), kPiece);
  EXPECT_GE(s.probe.pieces.load(), body.size() / kPiece);
  EXPECT_LE(s.probe.first_write_after.load(), kPiece);
  // The connection stays usable.
  c->send(get("/hello"));
  auto next = c->readResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
}

TEST(HttpStream, ChunkedUploadIsEchoedChunked) {
  StreamServer s(StreamServer::bulkLimits());
  const std::string body = patternBody(300 * 1000 + 17);
  auto c = s.plain();
  ASSERT_TRUE(c);
  auto r = sendWhileReading(*c, chunked("/stream/echo", body, 7000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Transfer-Encoding"), "chunked");
  EXPECT_FALSE(r->header("Content-Length"));
  EXPECT_TRUE(r->body == body);
  c->send(get("/hello"));
  ASSERT_TRUE(c->readResponse());
}

TEST(HttpStream, UploadsWithContentLengthAndChunkedAreCounted) {
  StreamServer s;
  const std::string body = patternBody(700);
  for (bool tls : {false, true}) {
    auto c = tls ? s.tls() : s.plain();
    ASSERT_TRUE(c);
    c->send(post("/stream/count", body) + chunked("/stream/count", body, 33) + post("/stream/count", ""));
    for (const char* want : {"700", "700", "0"}) {
      auto r = c->readResponse();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, want);
    }
  }
}

TEST(HttpStream, DownloadsWithContentLengthAndChunked) {
  StreamServer s(StreamServer::bulkLimits());
  const std::uint64_t n = 1024 * 1024 + 5;
  for (bool tls : {false, true}) {
    auto c = tls ? s.tls() : s.plain();
    ASSERT_TRUE(c);
    c->send(get("/stream/download?n=" + std::to_string(n)));
    auto a = c->readResponse();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 200);
    EXPECT_EQ(a->header("Content-Length"), std::to_string(n));
    EXPECT_TRUE(a->body == patternBody(n));
    // Hop-by-hop headers set by the handler are not forwarded; the end-to-end ones are.
    EXPECT_EQ(a->header("Content-Type"), "application/octet-stream");
    EXPECT_FALSE(a->header("X-Hop"));
    EXPECT_FALSE(a->header("Upgrade"));
    EXPECT_TRUE(a->header("X-Request-Id"));
    EXPECT_TRUE(a->header("Date"));
    EXPECT_EQ(a->header("Strict-Transport-Security").has_value(), tls);

    c->send(get("/stream/download?chunked=1&n=" + std::to_string(n)));
    auto b = c->readResponse();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->header("Transfer-Encoding"), "chunked");
    EXPECT_TRUE(b->body == patternBody(n));
  }
}

TEST(HttpStream, HeadAndHttp10) {
  StreamServer s;
  auto c = s.plain();
  c->send("HEAD /stream/download?n=5000 HTTP/1.1\r\nHost: x\r\n\r\n" + get("/hello"));
  auto h = c->readResponse(5s, true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->header("Content-Length"), "5000");
  EXPECT_TRUE(h->body.empty());
  auto next = c->readResponse();  // nothing of the body came between the two answers
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");

  // HTTP/1.0 cannot take chunks: the body ends with the connection.
  auto old = s.plain();
  old->send("GET /stream/download?chunked=1&n=70000 HTTP/1.0\r\n\r\n");
  auto all = old->readAll(5s);
  EXPECT_TRUE(all.starts_with("HTTP/1.0 200 OK\r\n")) << all.substr(0, 100);
  EXPECT_EQ(all.find("Transfer-Encoding"), std::string::npos);
  auto end = all.find("\r\n\r\n");
  ASSERT_NE(end, std::string::npos);
  EXPECT_TRUE(all.substr(end + 4) == patternBody(70000));
}

TEST(HttpStream, ContentLengthOverTheRouteLimitIs413BeforeTheBody) {
  StreamServer s;
  expectRefusedAndClosed(s, "POST /stream/count HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n", 413,
                         "body_too_large");
}

TEST(HttpStream, ChunkedBodyOverTheRouteLimitIs413) {
  StreamServer s;
  expectRefusedAndClosed(s, chunked("/stream/count", patternBody(3000), 400), 413, "body_too_large");
}

TEST(HttpStream, RouteLimitsDefaultToTheServersAndZeroMeansNone) {
  StreamServer s(StreamServer::bulkLimits());
  const std::string body = patternBody(1024 * 1024 + 1);  // one byte over the server's limit
  auto c = s.plain();
  c->send("POST /stream/count-default HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n");
  auto refused = c->readResponse();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);

  auto d = s.plain();
  auto r = sendWhileReading(*d, post("/stream/count-any", body));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, std::to_string(body.size()));
}

TEST(HttpStream, SlowBodyIs408) {
  StreamServer s;  // body_timeout 400 ms, per read
  expectRefusedAndClosed(s, "POST /stream/count HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc", 408,
                         "body_timeout");
}

TEST(HttpStream, SlowChunkedBodyIs408) {
  StreamServer s;
  expectRefusedAndClosed(
      s, "POST /stream/count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 408,
      "body_timeout");
}

TEST(HttpStream, MalformedChunkIs400) {
  StreamServer s;
  expectRefusedAndClosed(
      s, "POST /stream/count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
      400, "malformed");
}

TEST(HttpStream, FramingChecksStillApplyToStreamRoutes) {
  StreamServer s;
  expectRefusedAndClosed(
      s,
      "POST /stream/count HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc",
      400, "malformed");  // Beast refuses this pair itself, as for other routes
  expectRefusedAndClosed(
      s, "POST /stream/count HTTP/1.1\r\nHost: x\r\nHost: y\r\nContent-Length: 3\r\n\r\nabc", 400, "host");
  expectRefusedAndClosed(
      s, "POST /stream/count HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nContent-Length: 3\r\n\r\n", 417,
      "expectation");
}

TEST(HttpStream, EarlyAnswerWithoutReadingKeepsPipelinedRequestsInStep) {
  StreamServer s;
  for (bool tls : {false, true}) {
    auto c = tls ? s.tls() : s.plain();
    ASSERT_TRUE(c);
    // A small unread body is drained: the request after it is read correctly.
    c->send(post("/stream/early", "abcde") + get("/hello") + post("/stream/early", patternBody(3000)) +
            get("/query?q=2"));
    auto a = c->readResponse();
    ASSERT_TRUE(a);
    EXPECT_EQ(a->status, 403);
    EXPECT_FALSE(a->header("Connection"));
    auto b = c->readResponse();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->body, "hello");
    auto d = c->readResponse();
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, 403);
    auto e = c->readResponse();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->body, "q=2");
  }
}

TEST(HttpStream, EarlyAnswerWithALargeUnreadBodyCloses) {
  StreamServer s;
  auto c = s.plain();
  // 900 kB declared (under the limit), a little sent: draining it all would only delay the next request.
  c->send("POST /stream/early HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n" + patternBody(1000));
  auto r = c->readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->header("Connection"), "close");
  EXPECT_TRUE(c->closedByPeer(3s));

  // A client waiting for 100 Continue is not asked for the body and the connection is not reused.
  auto e = s.plain();
  e->send("POST /stream/early HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
  auto answer = e->readResponse();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 403);
  EXPECT_EQ(answer->header("Connection"), "close");
  EXPECT_TRUE(e->closedByPeer(3s));
}

TEST(HttpStream, ExpectContinueIsAnsweredByTheFirstRead) {
  StreamServer s;
  auto c = s.plain();
  c->send("POST /stream/count HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  auto cont = c->readResponse();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  c->send("abcd");
  auto r = c->readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "4");
}

TEST(HttpStream, HandlerFailingMidStreamClosesTheConnection) {
  StreamServer s;
  for (const char* target :
       {"/stream/fail", "/stream/fail?chunked=1", "/stream/fail?throw=1", "/stream/fail?chunked=1&throw=1"}) {
    for (bool tls : {false, true}) {
      auto c = tls ? s.tls() : s.plain();
      ASSERT_TRUE(c);
      c->send(get(target) + get("/hello"));
      auto all = c->readAll(5s);
      EXPECT_TRUE(c->closedByPeer(200ms)) << target << ": the server left the connection open";
      EXPECT_TRUE(all.starts_with("HTTP/1.1 200 OK\r\n")) << target;
      EXPECT_NE(all.find(patternBody(1000)), std::string::npos) << target;
      // Truncated: no final chunk, no second answer.
      auto headEnd = all.find("\r\n\r\n");
      ASSERT_NE(headEnd, std::string::npos);
      EXPECT_EQ(all.find("\r\n0\r\n\r\n", headEnd), std::string::npos) << target;
      EXPECT_EQ(all.find("hello"), std::string::npos) << target;
    }
  }
  EXPECT_GE(s.log.waitFor({"handler_exception", "upstream went away"}, 4), 4u);
  EXPECT_GE(s.log.waitFor({"\"event\":\"access\"", "GET /stream/fail", "did not finish"}, 4), 4u);
}

TEST(HttpStream, HandlerWithNoAnswerIs500) {
  StreamServer s;
  auto c = s.plain();
  c->send(get("/stream/nothing") + get("/hello"));
  auto r = c->readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  auto next = c->readResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "hello");
  EXPECT_EQ(s.log.waitFor({"stream_handler_no_answer"}), 1u);
}

TEST(HttpStream, AccessLogCountsStreamedBytes) {
  StreamServer s(StreamServer::bulkLimits());
  const std::string body = patternBody(200 * 1000);
  const std::string request = post("/stream/echo", body);
  auto c = s.plain();
  auto r = sendWhileReading(*c, request);
  ASSERT_TRUE(r);
  ASSERT_EQ(s.log.waitFor({"\"event\":\"access\"", "POST /stream/echo"}), 1u);
  EXPECT_EQ(logged(s.log, "POST /stream/echo", "bytes_in"), request.size());
  EXPECT_EQ(logged(s.log, "POST /stream/echo", "bytes_out"), r->head.size() + 4 + r->body.size());
  EXPECT_NE(s.metrics->render().find("route=\"POST /stream/echo\",status=\"200\""), std::string::npos);
}
