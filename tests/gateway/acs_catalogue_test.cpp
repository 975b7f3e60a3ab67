// The SP response test catalogue (spec/spid-cie.md) and the attacks of spec/security.md against the REAL
// ACS over HTTPS: a login is started through the gateway (its AuthnRequest read from the redirect to the
// IdP, never followed), each case's Response is built for that request by saml::buildCase(), signed with
// the test PKI's IdP key, and posted with the login's RelayState and cookie. Accepted cases must give a
// 200 and a session; refused ones a 4xx Italian error page naming the rule, an "acs_rejected" log line
// and no session; the IdP's error Responses (nrNN) a 401 page that says what the error means.
//
// One server per TEST and many cases per TEST (SCOPED_TRACE names the case): the test PKI is generated
// once per process and a server starts in milliseconds, so the whole file runs in seconds.
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/base/base64.hpp"
#include "core/saml/authn_request.hpp"
#include "core/saml/binding.hpp"
#include "core/saml/response.hpp"
#include "core/saml/response_catalogue.hpp"
#include "core/web/page.hpp"
#include "core/xml/document.hpp"
#include "tests/gateway/gateway_fixture.hpp"

using namespace sportello;
using namespace std::chrono_literals;

namespace {

using Page = test::Browser::Page;

constexpr const char* kFiscalNumber = "TINIT-RSSMRA85T10A562S";

// A value for each attribute the SP may ask for; the catalogue only needs them present and well formed.
std::string attributeValue(const std::string& name) {
  static const std::map<std::string, std::string> values = {
      {"spidCode", "AGID-0012345678"},
      {"name", "Mario"},
      {"familyName", "Rossi"},
      {"placeOfBirth", "A562"},
      {"countyOfBirth", "AG"},
      {"dateOfBirth", "1985-12-10"},
      {"gender", "M"},
      {"fiscalNumber", kFiscalNumber},
      {"email", "mario.rossi@example.it"},
      {"mobilePhone", "+393331234567"},
      {"address", "Via Roma 1 92100 Vigata AG"},
      {"digitalAddress", "mario.rossi@pec.example.it"},
  };
  auto it = values.find(name);
  return it == values.end() ? "valore" : it->second;
}

// The rule whose failure each refused case must show in the report (others may fail too); mirrors
// tests/core/saml/response_catalogue_test.cpp, here judged through the ACS's error page.
const std::map<std::string, std::string>& expectedRule() {
  static const std::map<std::string, std::string> m = [] {
    std::map<std::string, std::string> t = {
        {"2", "assertion.signature"},    {"3", "assertion.signature"},   {"4", "assertion.signature"},
        {"5", "assertion.signature"},    {"xsw1", "response.signature"}, {"xsw2", "response.signature"},
        {"xsw3", "assertion.present"},   {"xsw4", "assertion.present"},  {"xsw5", "assertion.present"},
        {"xsw6", "assertion.present"},   {"xsw7", "assertion.present"},  {"xsw8", "assertion.present"},
        {"xslt", "assertion.signature"}, {"8", "response.id"},           {"9", "response.id"},
        {"10", "response.version"},      {"32", "assertion.present"},    {"33", "assertion.id"},
        {"34", "assertion.id"},          {"35", "assertion.version"},    {"94", "assertion.level"},
        {"97", "assertion.level"},       {"98", "assertion.attributes"}, {"99", "assertion.attributes"},
        {"100", "assertion.signature"},  {"112", "assertion.present"},   {"113", "assertion.present"},
    };
    auto range = [&](int from, int to, const char* rule) {
      for (int i = from; i <= to; ++i) t[std::to_string(i)] = rule;
    };
    range(11, 15, "response.issue_instant");
    range(16, 18, "response.in_response_to");
    range(19, 21, "response.destination");
    range(22, 26, "response.status");
    range(27, 30, "response.issuer");
    range(36, 40, "assertion.issue_instant");
    range(41, 42, "assertion.subject");
    range(43, 49, "assertion.name_id");
    range(51, 56, "assertion.subject_confirmation");
    range(57, 59, "assertion.recipient");
    range(60, 62, "assertion.in_response_to");
    range(63, 66, "assertion.not_on_or_after");
    range(67, 72, "assertion.issuer");
    range(73, 82, "assertion.conditions");
    range(83, 87, "assertion.audience");
    range(88, 93, "assertion.authn_context");
    range(104, 108, "response.status");
    t["111"] = "response.status";
    return t;
  }();
  return m;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// The page's report table shows `rule` as failed.
bool pageShowsFailed(const Page& p, const std::string& rule) {
  return contains(p.body, "<code>" + rule + "</code></td><td class=\"fail\">");
}

class AcsCatalogue : public test::GatewayFixture {
 protected:
  struct Login {
    std::string relay_state, request_id;
    saml::TimePoint issued;
  };

  static const xml::SigningKey& idpKey(const std::string& name) {
    static std::map<std::string, xml::SigningKey> keys;  // tests of one binary run on one thread
    auto it = keys.find(name);
    if (it == keys.end()) {
      const auto& pair = test::testPki().idp_signing.at(name);
      auto k = xml::SigningKey::fromPemFiles(pair.key, pair.cert);
      if (!k) throw std::runtime_error("IdP key " + name + ": " + k.error());
      it = keys.emplace(name, std::move(*k)).first;
    }
    return it->second;
  }

  std::unique_ptr<test::Browser> newBrowser() const {
    return std::make_unique<test::Browser>(http::Origin{true, "127.0.0.1", port}, test::testPki().ca.cert);
  }

  // Starts a login at `idp` in `b` and reads the AuthnRequest the gateway sends, without going there:
  // the login cookie goes into b's jar (it is reused when b already has one, as a browser would).
  std::optional<Login> begin(test::Browser& b, const std::string& idp, const std::string& next = "/sessione",
                             int level = 2) {
    http::Request r;
    r.method = "GET";
    r.target = "/login?idp=" + idp + "&next=" + http::percentEncode(next) + "&level=" + std::to_string(level);
    if (auto c = b.cookie("sportello_login")) r.headers.add("Cookie", "sportello_login=" + *c);
    auto resp = b.client().sendSync({true, "127.0.0.1", port}, r);
    if (!resp) {
      ADD_FAILURE() << "GET " << r.target << ": " << resp.error().message();
      return std::nullopt;
    }
    for (auto sc : resp->headers.all("Set-Cookie")) {
      std::string s(sc);
      if (!s.starts_with("sportello_login=")) continue;
      auto end = s.find(';');
      b.setCookie("sportello_login", s.substr(16, end == std::string::npos ? end : end - 16));
    }
    std::string requestXml;
    Login login;
    if (resp->status == 302) {
      std::string location(resp->headers.get("Location").value_or(""));
      auto q = location.find('?');
      if (q == std::string::npos) {
        ADD_FAILURE() << "redirect without a query: " << location;
        return std::nullopt;
      }
      auto m = saml::decodeRedirect(std::string_view(location).substr(q + 1));
      if (!m || !m->is_request || !m->relay_state) {
        ADD_FAILURE() << "not a SAMLRequest with RelayState: " << location;
        return std::nullopt;
      }
      requestXml = m->xml;
      login.relay_state = *m->relay_state;
    } else if (resp->status == 200) {  // HTTP-POST binding: the auto-submitting form
      auto form = test::findForm(resp->body);
      std::map<std::string, std::string> fields;
      if (form) fields.insert(form->fields.begin(), form->fields.end());
      auto xml = saml::base64Decode(fields["SAMLRequest"]);
      if (!xml || fields["RelayState"].empty()) {
        ADD_FAILURE() << "no SAMLRequest form: " << resp->body.substr(0, 500);
        return std::nullopt;
      }
      requestXml = *xml;
      login.relay_state = fields["RelayState"];
    } else {
      ADD_FAILURE() << "login answered " << resp->status << ": " << resp->body.substr(0, 500);
      return std::nullopt;
    }
    auto doc = xml::Document::parse(requestXml);
    if (!doc) {
      ADD_FAILURE() << "AuthnRequest does not parse";
      return std::nullopt;
    }
    auto request = saml::readAuthnRequest(*doc);
    if (!request || !request->id || !request->issue_instant) {
      ADD_FAILURE() << "AuthnRequest without ID or IssueInstant";
      return std::nullopt;
    }
    auto issued = saml::parseDateTime(*request->issue_instant);
    if (!issued) {
      ADD_FAILURE() << "AuthnRequest IssueInstant: " << issued.error();
      return std::nullopt;
    }
    login.request_id = *request->id;
    login.issued = *issued;
    return login;
  }

  // The inputs of buildCase() answering `login`: SPID at aurora-id (level 2, the service 0 attributes)
  // or CIE at cie-test (level 3, the CIE attribute set), the other profile's IdP key as the stranger.
  saml::CaseInputs inputs(const Login& login, saml::Profile profile = saml::Profile::spid) {
    const bool cie = profile == saml::Profile::cie;
    const std::string idp = cie ? "cie-test" : "aurora-id";
    auto trusted = gateway->trust().find(idp);
    EXPECT_TRUE(trusted) << idp;
    saml::ResponseSpec s;
    s.profile = profile;
    s.idp_entity_id = trusted ? trusted->entity_id : "";
    s.sp_entity_id = gateway->sp().entityId(profile);
    s.acs_url = url + (cie ? "/cie/acs" : "/spid/acs");
    s.in_response_to = login.request_id;
    s.now = clock->now();
    s.level = cie ? saml::Level::L3 : saml::Level::L2;
    const std::vector<std::string> asked =
        cie ? std::vector<std::string>{"name", "familyName", "dateOfBirth", "fiscalNumber"}
            : cfg->sp.attribute_services.at(0).attributes;
    for (const auto& a : asked) s.attributes.emplace_back(a, attributeValue(a));
    return saml::CaseInputs{s,
                            idpKey(idp),
                            idpKey(cie ? "aurora-id" : "cie-test"),
                            login.issued,
                            s.level,
                            saml::Comparison::minimum};
  }

  // Posts `xml` as a browser's form would, tagged with `request_id` to find its log line.
  Page post(test::Browser& b, const std::string& acs, const std::string& xml, const std::string& relay_state,
            const std::string& request_id) {
    test::Browser::Fields form = {{"SAMLResponse", saml::base64Encode(xml)}};
    if (!relay_state.empty()) form.emplace_back("RelayState", relay_state);
    return b.post(acs, form, {{"X-Request-Id", request_id}});
  }

  // The "rule" of the `event` line logged for `request_id` ("" when there is none).
  std::string loggedRule(const std::string& request_id, std::string_view event = "acs_rejected") {
    const std::string tag = "\"request_id\":\"" + request_id + "\"";
    const std::string ev = "\"event\":\"" + std::string(event) + "\"";
    log.waitFor({ev, tag});
    for (const auto& line : log.lines()) {
      if (!contains(line, ev) || !contains(line, tag)) continue;
      auto at = line.find("\"rule\":\"");
      if (at == std::string::npos) return "";
      at += 8;
      return line.substr(at, line.find('"', at) - at);
    }
    return "";
  }

  void expectNoSession(test::Browser& b) {
    EXPECT_FALSE(b.cookie("sportello_session")) << "a refused Response set a session cookie";
    EXPECT_EQ(b.get("/sessione", {{"Accept", "application/json"}}).status, 401);
  }

  // A refusal as the issue wants it: 400/401/403, an Italian page naming the logged rule, no redirect,
  // no session. Returns the logged rule.
  std::string expectRefused(test::Browser& b, const Page& p, const std::string& request_id) {
    EXPECT_TRUE(p.status == 400 || p.status == 401 || p.status == 403) << p.status << "\n"
                                                                       << p.body.substr(0, 2000);
    EXPECT_TRUE(contains(p.body, "lang=\"it\"")) << p.body.substr(0, 500);
    EXPECT_FALSE(p.headers.has("Location"));
    EXPECT_FALSE(test::Browser::refreshTarget(p)) << "an error page moves the browser on";
    std::string rule = loggedRule(request_id);
    EXPECT_FALSE(rule.empty()) << "no acs_rejected line naming a rule for " << request_id;
    if (!rule.empty()) {
      EXPECT_TRUE(contains(p.body, "Regola non superata: <code>" + rule + "</code>")) << rule;
    }
    expectNoSession(b);
    return rule;
  }

  void expectSession(test::Browser& b, const Page& p, const std::string& request_id, int level,
                     const std::string& next = "/sessione") {
    EXPECT_EQ(p.status, 200) << p.body.substr(0, 6000);
    EXPECT_EQ(test::Browser::refreshTarget(p).value_or(""), next);
    EXPECT_TRUE(b.cookie("sportello_session"));
    EXPECT_EQ(log.waitFor({"\"event\":\"acs_accepted\"", "\"request_id\":\"" + request_id + "\""}), 1u);
    auto me = b.get("/sessione", {{"Accept", "application/json"}});
    EXPECT_EQ(me.status, 200) << me.body;
    EXPECT_TRUE(contains(me.body, "\"fiscal_code\":\"RSSMRA85T10A562S\"")) << me.body;
    EXPECT_TRUE(contains(me.body, "\"fiscalNumber\":\"" + std::string(kFiscalNumber) + "\"")) << me.body;
    EXPECT_TRUE(contains(me.body, "\"level\":" + std::to_string(level))) << me.body;
  }

  std::string build(std::string_view id, const saml::CaseInputs& in) {
    auto x = saml::buildCase(id, in);
    EXPECT_TRUE(x) << id << ": " << (x ? "" : x.error());
    return x ? *x : std::string();
  }

  int counter_ = 0;
  std::string requestId(std::string_view what) {
    std::string s = "acs-";
    for (char c : what) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
    return s + "-" + std::to_string(++counter_);
  }
};

TEST_F(AcsCatalogue, EverySpidCaseGetsItsVerdictAtTheRealAcs) {
  start();
  std::size_t accepted = 0, refused = 0, errors = 0, reported = 0, refusals = 0;
  for (const auto& c : saml::responseCatalogue()) {
    SCOPED_TRACE("case " + c.id + ": " + c.title);
    auto b = newBrowser();
    auto login = begin(*b, "aurora-id");
    ASSERT_TRUE(login);
    const std::string xml = build(c.id, inputs(*login));
    ASSERT_FALSE(xml.empty());
    const std::string rid = requestId(c.id);
    Page p = post(*b, "/spid/acs", xml, login->relay_state, rid);
    const saml::Expect expect = saml::expectFor(c, saml::Level::L2, saml::Comparison::minimum);
    if (expect == saml::Expect::accept) {
      ++accepted;
      expectSession(*b, p, rid, c.returned_level ? static_cast<int>(*c.returned_level) : 2);
    } else if (expect == saml::Expect::report) {
      ++reported;
      // No fixed verdict: whichever the ACS gives, its state must agree with its answer.
      if (p.status == 200) {
        ++accepted;
        expectSession(*b, p, rid, 2);
      } else {
        ++refusals;
        expectRefused(*b, p, rid);
      }
    } else if (c.spid_error != 0) {
      ++errors;
      ++refusals;
      EXPECT_EQ(p.status, 401);
      std::string rule = expectRefused(*b, p, rid);
      EXPECT_EQ(rule, "idp.error_nr" + std::to_string(c.spid_error));
      EXPECT_TRUE(contains(p.body, web::escape(saml::spidErrorDescription(c.spid_error))))
          << p.body.substr(0, 3000);
      EXPECT_TRUE(pageShowsFailed(p, "response.status"));
    } else {
      ++refused;
      ++refusals;
      expectRefused(*b, p, rid);
      auto it = expectedRule().find(c.id);
      ASSERT_NE(it, expectedRule().end()) << "no expected rule for case " << c.id;
      EXPECT_TRUE(pageShowsFailed(p, it->second)) << "expected " << it->second << " to fail\n"
                                                  << p.body.substr(0, 8000);
    }
  }
  EXPECT_EQ(reported, 1u);
  EXPECT_EQ(errors, 6u);
  EXPECT_GE(refused, 90u);
  EXPECT_EQ(gateway->sessions().size(), accepted) << "one session per accepted case, none for the others";
  EXPECT_EQ(log.count({"\"event\":\"acs_rejected\""}), refusals);
}

TEST_F(AcsCatalogue, CieResponsesAreJudgedAtTheCieAcs) {
  start();
  {
    SCOPED_TRACE("case 1 at /cie/acs");
    auto b = newBrowser();
    auto login = begin(*b, "cie-test", "/sessione", 3);
    ASSERT_TRUE(login);
    const std::string rid = requestId("cie-1");
    Page p = post(*b, "/cie/acs", build("1", inputs(*login, saml::Profile::cie)), login->relay_state, rid);
    expectSession(*b, p, rid, 3);
    auto me = b->get("/sessione", {{"Accept", "application/json"}});
    EXPECT_TRUE(contains(me.body, "\"profile\":\"cie\"")) << me.body;
  }
  for (std::string id : {"2", "4", "5", "xsw1", "xsw2", "xsw3", "xsw4", "xsw5", "xsw6", "xsw7", "xsw8",
                         "xslt", "100", "112"}) {
    SCOPED_TRACE("CIE case " + id);
    auto b = newBrowser();
    auto login = begin(*b, "cie-test", "/sessione", 3);
    ASSERT_TRUE(login);
    const std::string rid = requestId("cie-" + id);
    Page p = post(*b, "/cie/acs", build(id, inputs(*login, saml::Profile::cie)), login->relay_state, rid);
    expectRefused(*b, p, rid);
    EXPECT_TRUE(pageShowsFailed(p, expectedRule().at(id))) << p.body.substr(0, 8000);
  }
  {
    SCOPED_TRACE("a CIE login answered at the SPID ACS");
    auto b = newBrowser();
    auto login = begin(*b, "cie-test", "/sessione", 3);
    ASSERT_TRUE(login);
    const std::string rid = requestId("cie-at-spid");
    Page p = post(*b, "/spid/acs", build("1", inputs(*login, saml::Profile::cie)), login->relay_state, rid);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*b, p, rid), "acs.endpoint");
  }
  EXPECT_EQ(gateway->sessions().size(), 1u);
}

TEST_F(AcsCatalogue, ReplayedResponsesAndAssertionIdsAreRefused) {
  start();
  auto b = newBrowser();
  auto first = begin(*b, "aurora-id");
  ASSERT_TRUE(first);
  auto in = inputs(*first);
  in.base.response_id = saml::newId();
  in.base.assertion_id = saml::newId();
  const std::string xml = build("1", in);
  const std::string rid = requestId("replay-original");
  expectSession(*b, post(*b, "/spid/acs", xml, first->relay_state, rid), rid, 2);
  // The same browser from here on (its login cookie), without the session the first login gave it.
  const std::string loginCookie = b->cookie("sportello_login").value_or("");
  b = newBrowser();
  b->setCookie("sportello_login", loginCookie);

  {
    SCOPED_TRACE("the same Response with the same RelayState: that login is over");
    const std::string r = requestId("replay-same-relay");
    Page p = post(*b, "/spid/acs", xml, first->relay_state, r);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*b, p, r), "acs.relay_state");
  }
  {
    // The RelayState of a new login in the same browser gets the message past the browser checks; the
    // Response then fails twice: it answers the old request, and its IDs were already accepted.
    SCOPED_TRACE("the same Response with a new login's RelayState");
    auto second = begin(*b, "aurora-id");
    ASSERT_TRUE(second);
    const std::string r = requestId("replay-new-login");
    Page p = post(*b, "/spid/acs", xml, second->relay_state, r);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*b, p, r), "response.in_response_to");
    EXPECT_TRUE(pageShowsFailed(p, "response.replay")) << p.body.substr(0, 8000);
    EXPECT_TRUE(pageShowsFailed(p, "assertion.in_response_to"));
  }
  {
    // An IdP (or whoever holds its key) answering a new request with the IDs of an accepted message:
    // everything else is right, so response.replay is the rule that refuses it.
    SCOPED_TRACE("a Response for a new login reusing the accepted Response and Assertion IDs");
    auto third = begin(*b, "aurora-id");
    ASSERT_TRUE(third);
    auto again = inputs(*third);
    again.base.response_id = in.base.response_id;
    again.base.assertion_id = in.base.assertion_id;
    const std::string r = requestId("replay-ids");
    Page p = post(*b, "/spid/acs", build("1", again), third->relay_state, r);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*b, p, r), "response.replay");
  }
  {
    SCOPED_TRACE("a new Response ID around the accepted Assertion ID");
    auto fourth = begin(*b, "aurora-id");
    ASSERT_TRUE(fourth);
    auto again = inputs(*fourth);
    again.base.assertion_id = in.base.assertion_id;
    const std::string r = requestId("replay-assertion-id");
    Page p = post(*b, "/spid/acs", build("1", again), fourth->relay_state, r);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*b, p, r), "response.replay");
  }
  EXPECT_EQ(gateway->sessions().size(), 1u);
}

TEST_F(AcsCatalogue, AResponseForOneLoginIsRefusedWithAnotherLoginsRelayState) {
  start();
  auto b = newBrowser();
  auto a = begin(*b, "aurora-id");
  auto other = begin(*b, "aurora-id");
  ASSERT_TRUE(a && other);
  EXPECT_NE(a->request_id, other->request_id);
  const std::string forA = build("1", inputs(*a));
  const std::string r = requestId("swap");
  Page p = post(*b, "/spid/acs", forA, other->relay_state, r);
  EXPECT_EQ(p.status, 403);
  EXPECT_EQ(expectRefused(*b, p, r), "response.in_response_to");
  EXPECT_TRUE(pageShowsFailed(p, "assertion.in_response_to"));
  // The refusal used up only the RelayState it came with: login A still completes.
  const std::string ok = requestId("swap-then-right");
  expectSession(*b, post(*b, "/spid/acs", forA, a->relay_state, ok), ok, 2);
}

TEST_F(AcsCatalogue, AResponsePostedFromABrowserWithoutTheLoginCookieIsRefused) {
  start();
  auto b = newBrowser();
  for (std::string cookie : {"", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    SCOPED_TRACE("login cookie \"" + cookie + "\"");
    auto thief = newBrowser();
    if (!cookie.empty()) thief->setCookie("sportello_login", cookie);
    auto again = begin(*b, "aurora-id");  // each attempt uses up the login it names
    ASSERT_TRUE(again);
    const std::string r = requestId("thief");
    Page p = post(*thief, "/spid/acs", build("1", inputs(*again)), again->relay_state, r);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*thief, p, r), "acs.browser_binding");
  }
  EXPECT_EQ(gateway->sessions().size(), 0u);
}

TEST_F(AcsCatalogue, ANameIdSplitByACommentAfterSigningIsRefused) {
  start();
  auto b = newBrowser();
  auto login = begin(*b, "aurora-id");
  ASSERT_TRUE(login);
  auto in = inputs(*login);
  in.base.name_id = "_0123456789abcdef0123456789abcdef";
  std::string xml = build("1", in);
  // Exclusive c14n drops comments, so both signatures still verify: only the NameID rule can stop it.
  const std::string text = ">" + in.base.name_id + "</";
  auto at = xml.find(text);
  ASSERT_NE(at, std::string::npos) << xml;
  xml.insert(at + 1 + 10, "<!---->");
  ASSERT_NE(xml.find("_012345678<!---->9abcdef"), std::string::npos);
  const std::string r = requestId("comment-split");
  Page p = post(*b, "/spid/acs", xml, login->relay_state, r);
  EXPECT_EQ(p.status, 403);
  EXPECT_EQ(expectRefused(*b, p, r), "assertion.name_id");
  EXPECT_TRUE(contains(p.body, "<code>assertion.signature</code></td><td class=\"pass\">"))
      << p.body.substr(0, 8000);
}

TEST_F(AcsCatalogue, RelayStatePointingElsewhereIsNeverFollowed) {
  start();
  auto b = newBrowser();
  auto login = begin(*b, "aurora-id");
  ASSERT_TRUE(login);
  const std::string xml = build("1", inputs(*login));
  for (std::string relay : {"https://evil.example/", "//evil.example", "/\\evil.example",
                            "javascript:alert(1)", "/sessione\r\nLocation: https://evil.example/"}) {
    SCOPED_TRACE("RelayState " + relay);
    const std::string r = requestId("relay");
    Page p = post(*b, "/spid/acs", xml, relay, r);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*b, p, r), "acs.relay_state");
    EXPECT_FALSE(contains(p.body, "evil.example")) << p.body.substr(0, 4000);
    EXPECT_FALSE(contains(p.body, "javascript:"));
  }
  // Nothing was used up by those: the real RelayState still completes the login.
  const std::string r = requestId("relay-real");
  expectSession(*b, post(*b, "/spid/acs", xml, login->relay_state, r), r, 2);
}

TEST_F(AcsCatalogue, NextPointingOutsideIsNeutralisedOnTheSuccessPage) {
  start();
  for (std::string next : {"https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example",
                           "javascript:alert(1)", " //evil.example", "/\t/evil.example",
                           "/ok\r\nSet-Cookie: x=y", "HTTPS://evil.example"}) {
    SCOPED_TRACE("next " + next);
    auto b = newBrowser();
    auto login = begin(*b, "aurora-id", next);
    ASSERT_TRUE(login);
    const std::string r = requestId("next");
    Page p = post(*b, "/spid/acs", build("1", inputs(*login)), login->relay_state, r);
    expectSession(*b, p, r, 2, "/");
    EXPECT_FALSE(contains(p.body, "evil.example")) << p.body.substr(0, 4000);
    EXPECT_FALSE(contains(p.body, "javascript:"));
    EXPECT_FALSE(b->cookie("x"));
  }
  // A relative path goes through as it is.
  auto b = newBrowser();
  auto login = begin(*b, "aurora-id", "/servizi/tributi?anno=2026");
  ASSERT_TRUE(login);
  const std::string r = requestId("next-ok");
  Page p = post(*b, "/spid/acs", build("1", inputs(*login)), login->relay_state, r);
  expectSession(*b, p, r, 2, "/servizi/tributi?anno=2026");
}

TEST_F(AcsCatalogue, UnreadablePostsAreRefusedWith400) {
  start();
  auto b = newBrowser();
  {
    SCOPED_TRACE("a SAMLResponse over the binding's limit");
    auto login = begin(*b, "aurora-id");
    ASSERT_TRUE(login);
    std::string huge = build("1", inputs(*login));
    huge += "<!--" + std::string(100 * 1024, 'x') + "-->";  // 136 KiB of base64 > the 64 KiB limit
    const std::string r = requestId("huge");
    Page p = post(*b, "/spid/acs", huge, login->relay_state, r);
    EXPECT_EQ(p.status, 400);
    EXPECT_EQ(expectRefused(*b, p, r), "binding.too_large");
  }
  {
    SCOPED_TRACE("base64 garbage");
    auto login = begin(*b, "aurora-id");
    ASSERT_TRUE(login);
    const std::string r = requestId("garbage");
    Page p = b->post("/spid/acs", {{"SAMLResponse", "%%%not*base64!"}, {"RelayState", login->relay_state}},
                     {{"X-Request-Id", r}});
    EXPECT_EQ(p.status, 400);
    EXPECT_EQ(expectRefused(*b, p, r), "binding.base64");
  }
  {
    SCOPED_TRACE("a SAMLRequest posted to the ACS");
    auto login = begin(*b, "aurora-id");
    ASSERT_TRUE(login);
    const std::string r = requestId("request");
    Page p = b->post(
        "/spid/acs",
        {{"SAMLRequest", saml::base64Encode(build("1", inputs(*login)))}, {"RelayState", login->relay_state}},
        {{"X-Request-Id", r}});
    EXPECT_EQ(p.status, 400);
    EXPECT_EQ(expectRefused(*b, p, r), "acs.binding");
  }
  {
    SCOPED_TRACE("no SAMLResponse at all");
    const std::string r = requestId("empty");
    Page p = b->post("/spid/acs", {{"RelayState", "x"}}, {{"X-Request-Id", r}});
    EXPECT_EQ(p.status, 400);
    EXPECT_FALSE(expectRefused(*b, p, r).empty());
  }
  {
    SCOPED_TRACE("a signed valid Response behind an external-entity DOCTYPE");
    auto login = begin(*b, "aurora-id");
    ASSERT_TRUE(login);
    std::string xml = build("1", inputs(*login));
    auto root = xml.find("<samlp:Response");
    ASSERT_NE(root, std::string::npos);
    xml.insert(root, "<!DOCTYPE samlp:Response [<!ENTITY x SYSTEM \"https://evil.example/x\">]>\n");
    const std::string r = requestId("doctype");
    Page p = post(*b, "/spid/acs", xml, login->relay_state, r);
    EXPECT_EQ(p.status, 403);
    EXPECT_EQ(expectRefused(*b, p, r), "response.xml");
  }
  EXPECT_EQ(gateway->sessions().size(), 0u);
}

}  // namespace
