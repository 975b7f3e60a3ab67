// The whole front door in one process for tests: the real HTTPS server on port 0, the mock IdPs and the
// gateway (SP, sessions, proxy) built with the URL the server actually got, and a scripted browser.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/http/admin.hpp"
#include "core/http/server.hpp"
#include "core/xml/document.hpp"
#include "gateway/gateway.hpp"
#include "mocks/idp/idp.hpp"
#include "tests/support/browser.hpp"
#include "tests/support/test_env.hpp"

namespace sportello::test {

class GatewayFixture : public ::testing::Test {
 protected:
  // `extra` is appended to a config with the mock IdPs aurora-id (SPID) and cie-test (CIE).
  void start(const std::string& extra = "") {
    xml::initialise();
    std::string toml = R"toml(
[[server.listeners]]
name = "main"
address = "127.0.0.1:0"
[mock_idp]
users_file = ")toml" + std::string(SPORTELLO_SOURCE_DIR) +
                       R"toml(/config/idp-users.json"
[[idps]]
name = "aurora-id"
display_name = "Aurora ID (test)"
[[idps]]
name = "cie-test"
profile = "cie"
display_name = "CIE (test)"
)toml" + extra;
    auto loaded = config::loadString(toml, "test.toml", ".");
    ASSERT_TRUE(loaded) << loaded.error().front().format();
    router = std::make_shared<http::Router>();
    http::ServerOptions o;
    o.listeners = (*loaded)->server.listeners;
    o.tls = {testPki().tls.cert, testPki().tls.key, ""};
    o.threads = 2;
    server = std::make_unique<http::Server>(o, router, log.logger(), metrics);
    ASSERT_TRUE(server->bind());
    port = server->bound().front().port;
    url = "https://localhost:" + std::to_string(port);
    cfg = config::withPublicUrl(**loaded, url);
    clock = std::make_shared<Clock>();

    http::Admin admin(config::Admin{}, metrics);
    admin.addRoutes(*router);
    auto idps = idp::IdentityProviders::create({cfg, testPki(), clock, log.logger(), metrics});
    ASSERT_TRUE(idps) << idps.error();
    mockIdps = std::move(*idps);
    mockIdps->addRoutes(*router, admin);
    beforeGateway();
    auto listenerUrl = [this](std::string_view name) -> std::string {
      for (const auto& b : server->bound()) {
        if (b.name == name) return b.url();
      }
      return {};
    };
    auto gw = gateway::Gateway::create({cfg, testPki(), clock, log.logger(), metrics, listenerUrl});
    ASSERT_TRUE(gw) << gw.error();
    gateway = std::move(*gw);
    gateway->addRoutes(*router, admin);
    for (auto p : {saml::Profile::spid, saml::Profile::cie}) {
      ASSERT_TRUE(mockIdps->registry().add(gateway->sp().metadata(p), "gateway", p, true));
    }
    beforeRun();
    ASSERT_TRUE(server->run());
    browser = std::make_unique<Browser>(http::Origin{true, "127.0.0.1", port}, testPki().ca.cert);
  }
  virtual void beforeRun() {}
  virtual void beforeGateway() {}  // cfg, clock and router exist; the server is bound, not running

  void TearDown() override {
    if (server) {
      server->shutdown();
      server->wait();
    }
  }

  // Walks a login at `idp` as `user` through the real pages and returns the page the ACS answered.
  Browser::Page loginAs(const std::string& user, const std::string& idp = "aurora-id",
                        const std::string& next = "/sessione", int level = 2) {
    auto login = browser->get("/login?idp=" + idp + "&next=" + http::percentEncode(next) +
                              "&level=" + std::to_string(level));
    EXPECT_EQ(login.status, 200) << login.body.substr(0, 400);
    auto consent = browser->submit(
        login, {{"username", user}, {"password", "password123"}, {"action", "login"}}, "login");
    EXPECT_EQ(consent.status, 200) << consent.body.substr(0, 400);
    auto form = browser->submit(consent, {{"decision", "accept"}}, "consent");
    EXPECT_EQ(form.status, 200);
    return browser->submit(form);  // the auto-submitting form to the ACS
  }

  CapturingLog log;
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  std::shared_ptr<http::Router> router;
  std::unique_ptr<http::Server> server;
  std::shared_ptr<const config::Config> cfg;
  std::shared_ptr<Clock> clock;
  std::unique_ptr<idp::IdentityProviders> mockIdps;
  std::unique_ptr<gateway::Gateway> gateway;
  std::unique_ptr<Browser> browser;
  std::uint16_t port = 0;
  std::string url;
};

}  // namespace sportello::test
