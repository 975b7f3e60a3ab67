// The gateway's Service Provider end to end over HTTPS with the mock IdPs: discovery, login on both
// bindings, the session and its cookie, the identity, error endings, and the protections of the ACS that
// depend on the browser (RelayState, login cookie, replay).
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.hpp"

using namespace sportello;

namespace {

class SpFlow : public test::GatewayFixture {};

TEST_F(SpFlow, DiscoveryListsSpidAndCieIdps) {
  start();
  auto p = browser->get("/login");
  ASSERT_EQ(p.status, 200);
  EXPECT_NE(p.body.find("Entra con SPID"), std::string::npos);
  EXPECT_NE(p.body.find("Aurora ID (test)"), std::string::npos);
  EXPECT_NE(p.body.find("Entra con CIE"), std::string::npos);
  EXPECT_NE(p.body.find("/login?idp=aurora-id"), std::string::npos);
  EXPECT_NE(p.body.find("lang=\"it\""), std::string::npos);
}

TEST_F(SpFlow, MetadataIsServedSignedForBothProfiles) {
  start();
  auto spid = browser->get("/spid/metadata");
  ASSERT_EQ(spid.status, 200);
  EXPECT_EQ(spid.headers.get("Content-Type").value_or(""), "application/samlmetadata+xml");
  EXPECT_NE(spid.body.find("<ds:Signature"), std::string::npos);
  EXPECT_NE(spid.body.find(url + "/spid/acs"), std::string::npos);
  auto cie = browser->get("/cie/metadata");
  ASSERT_EQ(cie.status, 200);
  EXPECT_NE(cie.body.find("cartaidentita"), std::string::npos);
  // The mock IdPs judged both at registration: nothing failed (development profile).
  for (const auto& sp : mockIdps->registry().all())
    EXPECT_TRUE(sp->report.ok()) << sp->entity_id << sp->report.toJson();
}

TEST_F(SpFlow, SpidLoginCreatesASessionWithTheIdentity) {
  start();
  auto acs = loginAs("mario.rossi");
  ASSERT_EQ(acs.status, 200) << acs.body;
  EXPECT_EQ(test::Browser::refreshTarget(acs).value_or(""), "/sessione");
  auto sessionCookie = browser->cookie("sportello_session");
  ASSERT_TRUE(sessionCookie);
  // Cookie attributes as the issue asks.
  auto me = browser->get("/sessione", {{"Accept", "application/json"}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_NE(me.body.find("\"fiscal_code\":\"RSSMRA"), std::string::npos) << me.body;
  EXPECT_NE(me.body.find("\"level\":2"), std::string::npos);
  EXPECT_EQ(gateway->sessions().size(), 1u);
  EXPECT_EQ(log.count({"acs_accepted", "aurora-id"}), 1u);
}

TEST_F(SpFlow, SessionCookieIsSecureHttpOnlyLaxAndRenewedAtLogin) {
  start();
  browser->setCookie("sportello_session", "fixated-by-an-attacker-0000000000000000000");
  auto login = browser->get("/login?idp=aurora-id");
  auto consent = browser->submit(login, {{"username", "mario.rossi"}, {"password", "password123"}}, "login");
  auto form = browser->submit(consent, {{"decision", "accept"}}, "consent");
  auto fields = test::findForm(form.body);
  ASSERT_TRUE(fields);
  http::Request r;
  r.method = "POST";
  r.target = "/spid/acs";
  r.headers.add("Content-Type", "application/x-www-form-urlencoded");
  r.headers.add("Cookie", "sportello_login=" + browser->cookie("sportello_login").value_or(""));
  for (const auto& [k, v] : fields->fields)
    r.body += (r.body.empty() ? "" : "&") + k + "=" + http::percentEncode(v);
  auto resp = browser->client().sendSync({true, "127.0.0.1", port}, r);
  ASSERT_TRUE(resp);
  ASSERT_EQ(resp->status, 200);
  auto setCookies = resp->headers.all("Set-Cookie");
  ASSERT_EQ(setCookies.size(), 1u);
  std::string c(setCookies.front());
  EXPECT_NE(c.find("Secure"), std::string::npos);
  EXPECT_NE(c.find("HttpOnly"), std::string::npos);
  EXPECT_NE(c.find("SameSite=Lax"), std::string::npos);
  EXPECT_EQ(c.find("fixated-by-an-attacker"), std::string::npos);
}

TEST_F(SpFlow, PostBindingLoginWorksToo) {
  start("[sp]\nauthn_binding = \"HTTP-POST\"\n");
  auto login = browser->get("/login?idp=aurora-id");
  ASSERT_EQ(login.status, 200);
  ASSERT_NE(login.body.find("SAMLRequest"), std::string::npos);
  auto idpPage = browser->submit(login);  // the auto-submitting form to the IdP
  ASSERT_EQ(idpPage.status, 200) << idpPage.body.substr(0, 500);
  auto consent =
      browser->submit(idpPage, {{"username", "mario.rossi"}, {"password", "password123"}}, "login");
  auto form = browser->submit(consent, {{"decision", "accept"}}, "consent");
  auto acs = browser->submit(form);
  EXPECT_EQ(acs.status, 200) << acs.body.substr(0, 2000);
  EXPECT_EQ(gateway->sessions().size(), 1u);
}

TEST_F(SpFlow, CieLogin) {
  start();
  auto acs = loginAs("sofia.romano", "cie-test", "/sessione", 3);
  ASSERT_EQ(acs.status, 200) << acs.body.substr(0, 3000);
  auto me = browser->get("/sessione", {{"Accept", "application/json"}});
  EXPECT_NE(me.body.find("\"profile\":\"cie\""), std::string::npos) << me.body;
}

TEST_F(SpFlow, IdpErrorEndingsShowAnItalianPageWithoutSession) {
  start();
  auto login = browser->get("/login?idp=aurora-id");
  auto form = browser->submit(login, {{"action", "cancel"}}, "login");
  auto acs = browser->submit(form);
  EXPECT_EQ(acs.status, 401);
  EXPECT_NE(acs.body.find("lang=\"it\""), std::string::npos);
  EXPECT_NE(acs.body.find("idp.error_nr25"), std::string::npos) << acs.body.substr(0, 3000);
  EXPECT_FALSE(browser->cookie("sportello_session"));
  EXPECT_EQ(gateway->sessions().size(), 0u);
  EXPECT_EQ(log.count({"acs_rejected", "idp.error_nr25"}), 1u);
}

TEST_F(SpFlow, AResponseReplayedOrPostedFromAnotherBrowserIsRefused) {
  start();
  auto login = browser->get("/login?idp=aurora-id");
  auto consent = browser->submit(login, {{"username", "mario.rossi"}, {"password", "password123"}}, "login");
  auto form = browser->submit(consent, {{"decision", "accept"}}, "consent");
  // Another browser (no login cookie) posts the same Response first: refused, and it uses up the login.
  test::Browser thief({true, "127.0.0.1", port}, test::testPki().ca.cert);
  auto stolen = thief.submit(form);
  EXPECT_EQ(stolen.status, 403);
  EXPECT_NE(stolen.body.find("acs.browser_binding"), std::string::npos);
  auto mine = browser->submit(form);
  EXPECT_EQ(mine.status, 403);
  EXPECT_NE(mine.body.find("acs.relay_state"), std::string::npos);
  EXPECT_EQ(gateway->sessions().size(), 0u);
}

TEST_F(SpFlow, UnsolicitedResponsesAreRefused) {
  start();
  auto acs = browser->post("/spid/acs", {{"SAMLResponse", "PHg+PC94Pg=="}});
  EXPECT_EQ(acs.status, 403);
  EXPECT_NE(acs.body.find("acs.relay_state"), std::string::npos);
  auto junk = browser->post("/spid/acs", {{"SAMLResponse", "%%%"}, {"RelayState", "x"}});
  EXPECT_EQ(junk.status, 400);
}

TEST_F(SpFlow, OpenRedirectsThroughNextAreNeutralised) {
  start();
  for (const char* evil : {"https://evil.example/", "//evil.example/x", "/\\evil.example",
                           "javascript:alert(1)", "/ok\r\nSet-Cookie: x=y"}) {
    EXPECT_EQ(gateway::ServiceProvider::safeNext(evil), "/") << evil;
  }
  EXPECT_EQ(gateway::ServiceProvider::safeNext("/servizi/tributi?anno=2026"), "/servizi/tributi?anno=2026");
  auto acs = loginAs("mario.rossi", "aurora-id", "//evil.example/");
  ASSERT_EQ(acs.status, 200);
  EXPECT_EQ(test::Browser::refreshTarget(acs).value_or(""), "/");
}

TEST_F(SpFlow, SessionsExpireOnTheSimulatedClock) {
  start("[sessions]\nidle_timeout_s = 60\nabsolute_timeout_s = 120\n");
  ASSERT_EQ(loginAs("mario.rossi").status, 200);
  EXPECT_EQ(browser->get("/sessione", {{"Accept", "application/json"}}).status, 200);
  clock->advance(std::chrono::seconds(50));
  EXPECT_EQ(browser->get("/sessione", {{"Accept", "application/json"}}).status, 200);
  clock->advance(std::chrono::seconds(50));  // 100 s: idle 50 < 60, but keep touching
  EXPECT_EQ(browser->get("/sessione", {{"Accept", "application/json"}}).status, 200);
  clock->advance(std::chrono::seconds(30));  // 130 s > absolute 120
  EXPECT_EQ(browser->get("/sessione", {{"Accept", "application/json"}}).status, 401);
}

TEST_F(SpFlow, LocalAndSingleLogout) {
  start();
  ASSERT_EQ(loginAs("mario.rossi").status, 200);
  auto out = browser->post("/logout", {{"scope", "local"}});
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(gateway->sessions().size(), 0u);
  EXPECT_EQ(browser->get("/sessione", {{"Accept", "application/json"}}).status, 401);

  ASSERT_EQ(loginAs("mario.rossi").status, 200);
  // Global: the LogoutRequest goes to the IdP, which answers to our SLO endpoint.
  auto global = browser->post("/logout", {{"scope", "global"}});
  if (auto f = test::findForm(global.body); f && global.body.find("SAMLResponse") != std::string::npos) {
    global = browser->submit(global);
  }
  EXPECT_EQ(global.status, 200) << global.body.substr(0, 3000);
  EXPECT_NE(global.body.find("dal gestore dell'identità"), std::string::npos) << global.body.substr(0, 3000);
  EXPECT_EQ(log.count({"logout_completed", "Success"}), 1u);
}

TEST_F(SpFlow, IdpInitiatedLogoutEndsTheSession) {
  start();
  ASSERT_EQ(loginAs("mario.rossi").status, 200);
  auto sessions = browser->get("/idp/aurora-id/logout");
  ASSERT_EQ(sessions.status, 200);
  auto toSp = browser->submit(sessions, {}, "logout");
  // The IdP sends a LogoutRequest to our SLO (form or redirect); we answer with a LogoutResponse.
  if (toSp.body.find("SAMLRequest") != std::string::npos) toSp = browser->submit(toSp);
  EXPECT_EQ(gateway->sessions().size(), 0u) << toSp.body.substr(0, 2000);
  EXPECT_EQ(log.count({"idp_logout", "\"sessions_ended\":1"}), 1u);
}

TEST_F(SpFlow, ExternalIdpsCanBeTrustedAtRunTime) {
  start();
  // The mock IdP's own metadata stands in for an external IdP's.
  auto md = browser->get("/idp/aurora-id/metadata");
  ASSERT_EQ(md.status, 200);
  http::Request r;
  r.method = "POST";
  r.target = "/_admin/idps?name=esterno&profile=spid&display_name=Esterno";
  r.headers.add("Content-Type", "application/samlmetadata+xml");
  r.body = md.body;
  auto added = browser->client().sendSync({true, "127.0.0.1", port}, r);
  ASSERT_TRUE(added);
  // Same entityID as aurora-id: it replaces that entry, under the new name.
  EXPECT_EQ(added->status, 201) << added->body;
  auto list = browser->get("/_admin/idps");
  EXPECT_NE(list.body.find("\"esterno\""), std::string::npos);
  r.body = "<x/>";
  auto bad = browser->client().sendSync({true, "127.0.0.1", port}, r);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto endpoints = gateway->endpointsJson();
  EXPECT_NE(endpoints.find("/login?idp="), std::string::npos);
}

}  // namespace
