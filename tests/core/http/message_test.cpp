#include "core/http/message.hpp"

#include <gtest/gtest.h>

using namespace sportello::http;

TEST(Headers, CaseInsensitiveAndOrdered) {
  Headers h;
  h.add("Set-Cookie", "a=1");
  h.add("set-cookie", "b=2");
  h.add("X-Spid-Level", "2");
  EXPECT_EQ(h.get("SET-COOKIE"), "a=1");
  EXPECT_EQ(h.all("Set-Cookie").size(), 2u);
  h.set("set-cookie", "c=3");
  EXPECT_EQ(h.all("Set-Cookie").size(), 1u);
  EXPECT_EQ(h.removePrefix("x-spid-"), 1u);
  EXPECT_FALSE(h.has("X-Spid-Level"));
}

TEST(Request, PathQueryAndParams) {
  Request r;
  r.target = "/acs?SAMLResponse=a%2Bb%3D&RelayState=x+y&bad=%zz";
  EXPECT_EQ(r.path(), "/acs");
  EXPECT_EQ(r.queryParam("SAMLResponse"), "a+b=");
  EXPECT_EQ(r.queryParam("RelayState"), "x y");
  EXPECT_EQ(r.queryParam("bad"), std::nullopt);  // malformed escape
  EXPECT_EQ(r.queryParam("absent"), std::nullopt);
}

TEST(Percent, DecodeRejectsTruncatedEscapes) {
  EXPECT_EQ(percentDecode("%41%42"), "AB");
  EXPECT_EQ(percentDecode("%4"), std::nullopt);
  EXPECT_EQ(percentDecode("%"), std::nullopt);
  EXPECT_EQ(percentDecode("a%"), std::nullopt);
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
  EXPECT_EQ(percentEncode("a b/é"), "a%20b%2F%C3%A9");
}

TEST(Form, ParsesPairs) {
  auto f = parseForm("a=1&&b=%20x&c&d=%zz");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1], (std::pair<std::string, std::string>{"b", " x"}));
  EXPECT_EQ(f[2], (std::pair<std::string, std::string>{"c", ""}));
}

TEST(Request, Loopback) {
  Request r;
  for (auto ip : {"127.0.0.1", "127.8.0.3", "::1", "::ffff:127.0.0.1"}) {
    r.remote_ip = ip;
    EXPECT_TRUE(r.isLoopback()) << ip;
  }
  for (auto ip : {"10.0.0.1", "::2", "1.127.0.0"}) {
    r.remote_ip = ip;
    EXPECT_FALSE(r.isLoopback()) << ip;
  }
}
