// Framing of streamed answers and of client request heads (wire.hpp).
#include <gtest/gtest.h>

#include "core/http/wire.hpp"

using namespace sportello::http;

namespace {
WireOptions streamed(WireOptions::Framing f) {
  WireOptions o;
  o.date = "Sun, 22 Nov 2026 10:00:00 GMT";
  o.request_id = "rid1";
  o.framing = f;
  return o;
}
}  // namespace

TEST(WireStream, ContentLengthFramingWritesTheHeadOnly) {
  Response r = Response::text(200, "ignored body");
  auto o = streamed(WireOptions::Framing::content_length);
  o.content_length = 20'000'000;
  std::string out;
  EXPECT_TRUE(serializeResponse(r, o, out).empty());
  EXPECT_EQ(
      out,
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: Sun, 22 Nov 2026 10:00:00 GMT\r\n"
      "X-Request-Id: rid1\r\nContent-Length: 20000000\r\n\r\n");
}

TEST(WireStream, ChunkedAndUntilClose) {
  Response r;
  std::string out;
  serializeResponse(r, streamed(WireOptions::Framing::chunked), out);
  EXPECT_NE(out.find("Transfer-Encoding: chunked\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_TRUE(out.ends_with("\r\n\r\n"));

  auto o = streamed(WireOptions::Framing::until_close);
  o.version = 10;
  o.close = true;
  out.clear();
  serializeResponse(r, o, out);
  EXPECT_TRUE(out.starts_with("HTTP/1.0 200 OK\r\n"));
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_EQ(out.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(out.find("Connection"), std::string::npos);
}

TEST(WireStream, NoFramingHeaderWhenTheStatusHasNoBody) {
  Response r;
  r.status = 304;
  std::string out;
  serializeResponse(r, streamed(WireOptions::Framing::chunked), out);
  EXPECT_EQ(out.find("Transfer-Encoding"), std::string::npos);
  auto o = streamed(WireOptions::Framing::content_length);
  o.content_length = 10;
  out.clear();
  serializeResponse(r, o, out);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
}

TEST(WireStream, StreamedHeadsDropHopByHopHeaders) {
  Response r;
  r.headers.add("Connection", "close, X-Private");
  r.headers.add("X-Private", "secret");
  r.headers.add("Keep-Alive", "timeout=5");
  r.headers.add("Proxy-Connection", "keep-alive");
  r.headers.add("TE", "trailers");
  r.headers.add("Trailer", "X-Sum");
  r.headers.add("Upgrade", "h2c");
  r.headers.add("Transfer-Encoding", "gzip");
  r.headers.add("X-Kept", "yes");
  r.headers.add("X-Bad", "a\r\nSet-Cookie: x=1");
  std::string out;
  auto dropped = serializeResponse(r, streamed(WireOptions::Framing::chunked), out);
  EXPECT_EQ(dropped, std::vector<std::string>{"X-Bad"});
  for (const char* gone : {"X-Private", "Keep-Alive", "Proxy-Connection", "TE:", "Trailer", "Upgrade", "gzip",
                           "Set-Cookie", "Connection"}) {
    EXPECT_EQ(out.find(gone), std::string::npos) << gone << " in\n" << out;
  }
  EXPECT_NE(out.find("X-Kept: yes\r\n"), std::string::npos);
}

TEST(WireStream, ChunkSizes) {
  std::string out;
  appendChunkSize(out, 0);
  appendChunkSize(out, 10);
  appendChunkSize(out, 65536);
  appendChunkSize(out, 0x1a2b3c);
  EXPECT_EQ(out, "0\r\na\r\n10000\r\n1a2b3c\r\n");
}

TEST(WireStream, ClientRequestHeads) {
  Request req;
  req.method = "POST";
  req.target = "/upload?x=1";
  req.headers.add("Host", "spoofed");
  req.headers.add("Content-Length", "999");
  req.headers.add("Connection", "X-Hop");
  req.headers.add("X-Hop", "1");
  req.headers.add("Transfer-Encoding", "chunked");
  req.headers.add("X-Forwarded-For", "10.0.0.1");
  req.headers.add("Bad Name", "v");
  std::string out;
  auto dropped = serializeRequestHead(req, "up:8080", RequestFraming::content_length, 42, out);
  EXPECT_EQ(dropped, std::vector<std::string>{"Bad Name"});
  EXPECT_EQ(out,
            "POST /upload?x=1 HTTP/1.1\r\nX-Forwarded-For: 10.0.0.1\r\nHost: up:8080\r\nContent-Length: "
            "42\r\n\r\n");

  out.clear();
  serializeRequestHead(req, "up", RequestFraming::chunked, 0, out);
  EXPECT_TRUE(out.ends_with("Host: up\r\nTransfer-Encoding: chunked\r\n\r\n")) << out;
  out.clear();
  req.method = "GET";
  serializeRequestHead(req, "up", RequestFraming::none, 0, out);
  EXPECT_TRUE(out.ends_with("Host: up\r\n\r\n")) << out;
}

TEST(WireStream, TokensAndTargets) {
  EXPECT_TRUE(validToken("GET"));
  EXPECT_TRUE(validToken("X-Custom_1"));
  EXPECT_FALSE(validToken(""));
  EXPECT_FALSE(validToken("GE T"));
  EXPECT_FALSE(validToken("A:B"));
  EXPECT_TRUE(validFieldValue("text/html; q=0.9"));
  EXPECT_FALSE(validFieldValue(std::string_view("a\0b", 3)));
  EXPECT_TRUE(validTarget("/a?b=c%20d"));
  EXPECT_TRUE(validTarget("*"));
  EXPECT_FALSE(validTarget("/a b"));
  EXPECT_FALSE(validTarget("/a\r\nX: y"));
  EXPECT_FALSE(validTarget(""));
}
