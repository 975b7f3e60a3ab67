#include "core/http/router.hpp"

#include <gtest/gtest.h>

using namespace sportello::http;

namespace {
Handler named(std::string name) {
  return [name](Request&) { return Response::text(200, name); };
}
std::string call(const Router& r, std::string_view method, std::string_view path) {
  auto m = r.match(method, path);
  if (!m.route) return std::to_string(m.status) + (m.allow.empty() ? "" : " allow=" + m.allow);
  Request req;
  req.params = m.params;
  return std::get<Handler>(m.route->handler)(req).body;
}
}  // namespace

TEST(Router, LiteralParameterWildcard) {
  Router r;
  r.get("/idp/{name}/sso", named("sso"));
  r.get("/idp/aurora/sso", named("aurora-literal"));
  r.get("/static/*", named("static"));
  r.post("/idp/{name}/sso", named("sso-post"));
  EXPECT_EQ(call(r, "GET", "/idp/borgo/sso"), "sso");
  EXPECT_EQ(call(r, "GET", "/idp/aurora/sso"), "aurora-literal");  // literal beats parameter
  EXPECT_EQ(call(r, "POST", "/idp/aurora/sso"), "sso-post");
  EXPECT_EQ(call(r, "GET", "/static/css/app.css"), "static");
  EXPECT_EQ(call(r, "GET", "/static/"), "static");
  EXPECT_EQ(call(r, "GET", "/idp//sso"), "404");  // a parameter is never empty
  EXPECT_EQ(call(r, "GET", "/idp/borgo/sso/extra"), "404");
  EXPECT_EQ(call(r, "GET", "/nowhere"), "404");
}

TEST(Router, ParametersAreCaptured) {
  Router r;
  r.get("/organizations/{cf}/debtpositions/{iupd}", named("x"));
  r.get("/files/*", named("f"));
  auto m = r.match("GET", "/organizations/00000000001/debtpositions/IUPD-7");
  ASSERT_NE(m.route, nullptr);
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"cf", "00000000001"}));
  EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"iupd", "IUPD-7"}));
  auto f = r.match("GET", "/files/a/b/c");
  ASSERT_EQ(f.params.size(), 1u);
  EXPECT_EQ(f.params[0].second, "a/b/c");
}

TEST(Router, MethodNotAllowedListsAllow) {
  Router r;
  r.get("/x", named("get"));
  r.post("/x", named("post"));
  EXPECT_EQ(call(r, "DELETE", "/x"), "405 allow=GET, HEAD, POST");
  EXPECT_EQ(call(r, "HEAD", "/x"), "get");  // GET answers HEAD
}

TEST(Router, AnyMethodAndRouteNames) {
  Router r;
  r.add("*", "/proxy/*", named("proxy"));
  EXPECT_EQ(call(r, "PATCH", "/proxy/a"), "proxy");
  EXPECT_EQ(r.routes()[0].name, "* /proxy/*");
  EXPECT_EQ(r.routes()[0].id, 0u);
}
