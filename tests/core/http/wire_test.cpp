#include "core/http/wire.hpp"

#include <gtest/gtest.h>

using namespace sportello::http;

namespace {
WireOptions opts() {
  WireOptions o;
  o.date = "Sun, 22 Nov 2026 10:00:00 GMT";
  o.request_id = "rid1";
  return o;
}
}  // namespace

TEST(Wire, SerialisesStatusHeadersAndBody) {
  Response r = Response::text(200, "ciao");
  std::string out;
  EXPECT_TRUE(serializeResponse(r, opts(), out).empty());
  EXPECT_EQ(
      out,
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: Sun, 22 Nov 2026 10:00:00 GMT\r\n"
      "X-Request-Id: rid1\r\nContent-Length: 4\r\n\r\nciao");
}

TEST(Wire, ServerOwnsFramingAndCloses) {
  Response r = Response::text(404, "x");
  r.headers.add("Content-Length", "999");
  r.headers.add("Transfer-Encoding", "chunked");
  r.headers.add("Connection", "keep-alive");
  auto o = opts();
  o.close = true;
  o.hsts_max_age = 60;
  std::string out;
  serializeResponse(r, o, out);
  EXPECT_EQ(out.find("999"), std::string::npos);
  EXPECT_EQ(out.find("chunked"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(out.find("Strict-Transport-Security: max-age=60\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 1\r\n"), std::string::npos);
}

TEST(Wire, HeaderInjectionIsDroppedAndReported) {
  Response r = Response::text(200, "ok");
  r.headers.add("Location", "/a\r\nSet-Cookie: sid=evil");
  r.headers.add("Bad Name", "v");
  r.headers.add("X-Ok", "fine");
  std::string out;
  auto dropped = serializeResponse(r, opts(), out);
  EXPECT_EQ(dropped, (std::vector<std::string>{"Location", "Bad Name"}));
  EXPECT_EQ(out.find("evil"), std::string::npos);
  EXPECT_NE(out.find("X-Ok: fine\r\n"), std::string::npos);
}

TEST(Wire, HeadAnd204AndHttp10) {
  Response r = Response::text(200, "body");
  auto o = opts();
  o.head = true;
  std::string out;
  serializeResponse(r, o, out);
  EXPECT_TRUE(out.ends_with("Content-Length: 4\r\n\r\n"));

  Response nc;
  nc.status = 204;
  out.clear();
  serializeResponse(nc, opts(), out);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);

  auto o10 = opts();
  o10.version = 10;
  out.clear();
  serializeResponse(r, o10, out);
  EXPECT_TRUE(out.starts_with("HTTP/1.0 200 OK\r\n"));
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
}
