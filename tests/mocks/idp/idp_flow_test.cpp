// The mock IdP through real HTTPS: an SP's signed AuthnRequest, the login page, credentials, consent,
// and the signed Response; every error ending; requests that break rules; attacks; headless login.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>

#include "core/http/client.hpp"
#include "core/http/server.hpp"
#include "core/saml/authn_request.hpp"
#include "core/saml/binding.hpp"
#include "core/saml/logout.hpp"
#include "mocks/idp/idp.hpp"
#include "tests/core/saml/saml_fixtures.hpp"

using namespace sportello;
using namespace std::chrono_literals;

namespace {

const std::string kPublic = "https://localhost:8443";
const std::string kSso = kPublic + "/idp/aurora-id/sso";

std::shared_ptr<const config::Config> testConfig(bool headless) {
  std::string toml = R"toml(
[server]
public_url = "https://localhost:8443"
[[server.listeners]]
name = "main"
address = "127.0.0.1:0"
[mock_idp]
users_file = ")toml" +
                     std::string(SPORTELLO_SOURCE_DIR) + R"toml(/config/idp-users.json"
headless_login = )toml" +
                     (headless ? "true" : "false") + R"toml(
[[idps]]
name = "aurora-id"
display_name = "Aurora ID (test)"
[[idps]]
name = "cie-test"
profile = "cie"
)toml";
  auto c = config::loadString(toml, "test.toml", ".");
  EXPECT_TRUE(c);
  return *c;
}

struct Page {
  int status = 0;
  std::string body;
};

// The value of a hidden form field in a page.
std::string field(const std::string& html, const std::string& name) {
  std::smatch m;
  std::regex re("name=\"" + name + "\" value=\"([^\"]*)\"");
  return std::regex_search(html, m, re) ? m[1].str() : std::string();
}

class IdpFlow : public ::testing::Test {
 protected:
  void start(bool headless = false) {
    xml::initialise();
    cfg = testConfig(headless);
    clock = std::make_shared<Clock>();
    auto idps = idp::IdentityProviders::create({cfg, test::testPki(), clock, log.logger(), metrics});
    ASSERT_TRUE(idps) << idps.error();
    provider = std::move(*idps);
    auto sp = provider->registry().add(test::spMetadataXml(test::spKey().certificate().base64Der()), "test",
                                       saml::Profile::spid, true);
    ASSERT_TRUE(sp) << sp.error();
    http::Admin admin(config::Admin{}, metrics);
    admin.addRoutes(*router);
    provider->addRoutes(*router, admin);
    http::ServerOptions o;
    o.listeners = cfg->server.listeners;
    o.tls = {test::testPki().tls.cert, test::testPki().tls.key, ""};
    o.threads = 2;
    server = std::make_unique<http::Server>(o, router, log.logger(), metrics);
    ASSERT_TRUE(server->start());
    origin = {true, "127.0.0.1", server->bound().front().port};
    http::ClientOptions co;
    co.tls.ca = test::testPki().ca.cert;
    client = std::make_unique<http::Client>(co);
  }
  void TearDown() override {
    if (server) {
      server->shutdown();
      server->wait();
    }
  }

  Page get(const std::string& target) {
    http::Request r;
    r.method = "GET";
    r.target = target;
    auto resp = client->sendSync(origin, r);
    EXPECT_TRUE(resp) << resp.error().message();
    return resp ? Page{resp->status, resp->body} : Page{};
  }
  Page post(const std::string& target, const std::string& body,
            const std::string& type = "application/x-www-form-urlencoded") {
    http::Request r;
    r.method = "POST";
    r.target = target;
    r.headers.add("Content-Type", type);
    r.body = body;
    auto resp = client->sendSync(origin, r);
    EXPECT_TRUE(resp) << resp.error().message();
    return resp ? Page{resp->status, resp->body} : Page{};
  }

  saml::AuthnRequestSpec spec() {
    saml::AuthnRequestSpec s;
    s.id = "_req" + saml::newId().substr(1, 8);
    s.issue_instant = clock->now();
    s.destination = kSso;
    s.issuer = test::kSpEntity;
    return s;
  }
  // The SSO query for `s`, signed by the SP (or not), after `mutate`.
  std::string ssoQuery(const saml::AuthnRequestSpec& s, bool sign = true,
                       const std::function<void(xmlNodePtr)>& mutate = {}) {
    auto doc = saml::buildAuthnRequest(s);
    if (mutate) mutate(doc.root());
    auto key = test::spKey();
    return saml::encodeRedirect(doc.serialize(), true, std::string("rs-4f2a9c"), sign ? &key : nullptr);
  }

  // The Response carried by an auto-submitting form, parsed and with both signatures checked.
  struct Answer {
    std::string action, relay_state, xml;
    bool signatures_ok = false;
  };
  Answer answer(const Page& p) {
    Answer a;
    std::smatch m;
    if (std::regex_search(p.body, m, std::regex("action=\"([^\"]*)\""))) a.action = m[1].str();
    a.relay_state = field(p.body, "RelayState");
    auto decoded = saml::base64Decode(field(p.body, "SAMLResponse"));
    if (!decoded) return a;
    a.xml = *decoded;
    auto doc = xml::Document::parse(a.xml);
    if (!doc) return a;
    auto cert = test::idpKey().certificate();
    bool ok = static_cast<bool>(xml::verify(*doc, doc->root(), xml::signatureOf(doc->root()), cert));
    if (xmlNodePtr as = xml::child(doc->root(), saml::ns::assertion, "Assertion")) {
      ok = ok && static_cast<bool>(xml::verify(*doc, as, xml::signatureOf(as), cert));
    }
    a.signatures_ok = ok;
    return a;
  }

  // Runs the browser flow up to the login page; returns the transaction id.
  std::string loginPage(const saml::AuthnRequestSpec& s) {
    Page p = get("/idp/aurora-id/sso?" + ssoQuery(s));
    EXPECT_EQ(p.status, 200) << p.body;
    EXPECT_NE(p.body.find("Utenti di prova"), std::string::npos);
    return field(p.body, "tx");
  }

  test::CapturingLog log;
  std::shared_ptr<Metrics> metrics = std::make_shared<Metrics>();
  std::shared_ptr<http::Router> router = std::make_shared<http::Router>();
  std::shared_ptr<const config::Config> cfg;
  std::shared_ptr<Clock> clock;
  std::unique_ptr<idp::IdentityProviders> provider;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Client> client;
  http::Origin origin;
};

}  // namespace

TEST_F(IdpFlow, BrowserLoginReturnsASignedResponseWithExactlyTheRequestedAttributes) {
  start();
  auto s = spec();
  s.attribute_consuming_service_index = 1;  // fiscalNumber and email
  std::string tx = loginPage(s);
  ASSERT_FALSE(tx.empty());
  Page consent =
      post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=mario.rossi&password=password123");
  ASSERT_EQ(consent.status, 200);
  EXPECT_NE(consent.body.find("Codice fiscale"), std::string::npos);
  EXPECT_NE(consent.body.find("Indirizzo email"), std::string::npos);
  Page form = post("/idp/aurora-id/consent", "tx=" + tx + "&decision=accept");
  ASSERT_EQ(form.status, 200);
  Answer a = answer(form);
  EXPECT_EQ(a.action, test::kAcs0);
  EXPECT_EQ(a.relay_state, "rs-4f2a9c");
  EXPECT_TRUE(a.signatures_ok) << a.xml;
  EXPECT_NE(a.xml.find("InResponseTo=\"" + s.id + "\""), std::string::npos);
  EXPECT_NE(a.xml.find("Name=\"fiscalNumber\""), std::string::npos);
  EXPECT_NE(a.xml.find("Name=\"email\""), std::string::npos);
  EXPECT_EQ(a.xml.find("Name=\"name\""), std::string::npos);  // not in service 1
  EXPECT_NE(a.xml.find("https://www.spid.gov.it/SpidL2"), std::string::npos);
  // The transaction is spent: replaying the consent gets an error page, not a second Response.
  EXPECT_EQ(post("/idp/aurora-id/consent", "tx=" + tx + "&decision=accept").status, 400);
  EXPECT_NE(provider->journal().toJson(5).find("\"kind\":\"Response\""), std::string::npos);
}

TEST_F(IdpFlow, HttpPostBindingWithAnEmbeddedSignature) {
  start();
  auto s = spec();
  auto doc = saml::buildAuthnRequest(s);
  ASSERT_TRUE(xml::sign(doc, doc.root(), test::spKey(), xml::SignatureAlgorithm::rsa_sha256,
                        xml::child(doc.root(), saml::ns::assertion, "Issuer")));
  Page p =
      post("/idp/aurora-id/sso",
           "SAMLRequest=" + http::percentEncode(saml::base64Encode(doc.serialize())) + "&RelayState=rs-post");
  EXPECT_EQ(p.status, 200) << p.body;
  EXPECT_FALSE(field(p.body, "tx").empty());
}

TEST_F(IdpFlow, LevelRuleAndUserStates) {
  start();
  auto s = spec();
  s.level = saml::Level::L3;
  s.comparison = saml::Comparison::exact;
  std::string tx = loginPage(s);
  // luca.verdi only has SpidL1: nr20.
  Answer a = answer(
      post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=luca.verdi&password=password123"));
  EXPECT_NE(a.xml.find("ErrorCode nr20"), std::string::npos) << a.xml;
  EXPECT_TRUE(a.signatures_ok);
  // A suspended identity: nr23.
  tx = loginPage(spec());
  a = answer(post("/idp/aurora-id/login",
                  "tx=" + tx + "&action=login&username=giovanni.ferrari&password=password123"));
  EXPECT_NE(a.xml.find("ErrorCode nr23"), std::string::npos);
}

TEST_F(IdpFlow, ThreeWrongPasswordsEndWithNr19) {
  start();
  std::string tx = loginPage(spec());
  for (int i = 1; i <= 2; ++i) {
    Page again =
        post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=mario.rossi&password=nope");
    EXPECT_EQ(again.status, 200);
    EXPECT_NE(again.body.find("tentativo " + std::to_string(i) + " di 3"), std::string::npos);
    EXPECT_NE(again.body.find("role=\"alert\""), std::string::npos);
  }
  Answer a =
      answer(post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=mario.rossi&password=nope"));
  EXPECT_NE(a.xml.find("ErrorCode nr19"), std::string::npos);
  EXPECT_NE(a.xml.find("urn:oasis:names:tc:SAML:2.0:status:AuthnFailed"), std::string::npos);
}

TEST_F(IdpFlow, EveryChosenErrorEnding) {
  start();
  for (int code : {19, 20, 21, 22, 23, 25, 30}) {
    std::string tx = loginPage(spec());
    Answer a = answer(post("/idp/aurora-id/login", "tx=" + tx + "&action=error-" + std::to_string(code)));
    EXPECT_NE(a.xml.find("ErrorCode nr" + std::to_string(code)), std::string::npos) << code;
    EXPECT_EQ(a.xml.find("Assertion"), std::string::npos);
    EXPECT_TRUE(a.signatures_ok);
  }
  std::string tx = loginPage(spec());
  EXPECT_NE(answer(post("/idp/aurora-id/login", "tx=" + tx + "&action=cancel")).xml.find("ErrorCode nr25"),
            std::string::npos);
  tx = loginPage(spec());
  post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=mario.rossi&password=password123");
  EXPECT_NE(answer(post("/idp/aurora-id/consent", "tx=" + tx + "&decision=deny")).xml.find("ErrorCode nr22"),
            std::string::npos);
}

TEST_F(IdpFlow, ARuleViolationIsAnsweredWithTheSpidErrorTheRulesPrescribe) {
  start();
  Page p = get("/idp/aurora-id/sso?" +
               ssoQuery(spec(), true, [](xmlNodePtr r) { xml::setAttribute(r, "IsPassive", "true"); }));
  Answer a = answer(p);
  EXPECT_EQ(a.action, test::kAcs0);
  EXPECT_NE(a.xml.find("ErrorCode nr15"), std::string::npos) << p.body;
  EXPECT_NE(a.xml.find("urn:oasis:names:tc:SAML:2.0:status:Requester"), std::string::npos);
  Page v = get("/idp/aurora-id/sso?" +
               ssoQuery(spec(), true, [](xmlNodePtr r) { xml::setAttribute(r, "Version", "1.0"); }));
  EXPECT_NE(answer(v).xml.find("urn:oasis:names:tc:SAML:2.0:status:VersionMismatch"), std::string::npos);
  EXPECT_EQ(log.waitFor({"authn_request_rejected", "authn.is_passive"}), 1u);
}

TEST_F(IdpFlow, NoSamlAnswerWhereNoneMayBeSent) {
  start();
  // Unsigned: the ACS cannot be trusted, so the user gets an error page, not a Response.
  Page unsignedReq = get("/idp/aurora-id/sso?" + ssoQuery(spec(), false));
  EXPECT_EQ(unsignedReq.status, 400);
  EXPECT_NE(unsignedReq.body.find("authn.signature"), std::string::npos);
  EXPECT_EQ(unsignedReq.body.find("SAMLResponse"), std::string::npos);
  // Unknown SP.
  auto s = spec();
  s.issuer = "https://unknown.example/metadata";
  Page unknown = get("/idp/aurora-id/sso?" + ssoQuery(s));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("authn.sp_known"), std::string::npos);
  // Signed by another key than the registered one.
  auto doc = saml::buildAuthnRequest(spec());
  auto other = test::idpKey();
  Page forged =
      get("/idp/aurora-id/sso?" + saml::encodeRedirect(doc.serialize(), true, std::string("r"), &other));
  EXPECT_EQ(forged.status, 400);
  EXPECT_NE(forged.body.find("binding.signature"), std::string::npos);
}

TEST_F(IdpFlow, HostileRequestsAreRefusedWithTheirRule) {
  start();
  std::string doctype =
      "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><samlp:AuthnRequest "
      "xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">&a;</samlp:AuthnRequest>";
  Page p = get("/idp/aurora-id/sso?" + saml::encodeRedirect(doctype, true, std::string("r"), nullptr));
  EXPECT_EQ(p.status, 400);
  EXPECT_NE(p.body.find("xml.doctype"), std::string::npos);
  // A bomb small enough to pass the front door's 16 KiB request-line limit (a bigger one gets 431 there)
  // inflates to 5 MB: the binding's 256 KiB cap stops it.
  std::string bomb = saml::deflateRaw(std::string(5 * 1024 * 1024, 'A'));
  Page b = get("/idp/aurora-id/sso?SAMLRequest=" + http::percentEncode(saml::base64Encode(bomb)));
  EXPECT_EQ(b.status, 400);
  EXPECT_NE(b.body.find("binding.too_large"), std::string::npos);
  EXPECT_EQ(get("/idp/aurora-id/sso?RelayState=x").status, 400);
  EXPECT_EQ(post("/idp/aurora-id/sso", "<xml/>", "text/xml").status, 415);
  EXPECT_EQ(get("/idp/nobody/sso?x=1").status, 404);
}

TEST_F(IdpFlow, PendingLoginsExpireOnTheSimulatedClock) {
  start();
  std::string tx = loginPage(spec());
  clock->advance(11min);
  Page p =
      post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=mario.rossi&password=password123");
  EXPECT_EQ(p.status, 400);
  EXPECT_NE(p.body.find("scaduta"), std::string::npos);
  // And a request issued before the clock moved is now stale for the IdP too.
  auto s = spec();
  s.issue_instant = clock->now() - 10min;
  Answer a = answer(get("/idp/aurora-id/sso?" + ssoQuery(s)));
  EXPECT_NE(a.xml.find("ErrorCode nr13"), std::string::npos);
}

TEST_F(IdpFlow, MetadataIsSignedWithTheIdpKey) {
  start();
  Page p = get("/idp/aurora-id/metadata");
  ASSERT_EQ(p.status, 200);
  auto doc = xml::Document::parse(p.body);
  ASSERT_TRUE(doc);
  EXPECT_TRUE(xml::verify(*doc, doc->root(), xml::signatureOf(doc->root()), test::idpKey().certificate()));
  EXPECT_NE(p.body.find(kSso), std::string::npos);
  auto endpoints = boost::json::parse(provider->endpointsJson()).as_array();
  ASSERT_EQ(endpoints.size(), 2u);
  EXPECT_EQ(endpoints[0].at("metadata").as_string(), kPublic + "/idp/aurora-id/metadata");
}

TEST_F(IdpFlow, HeadlessLoginForCi) {
  start(/*headless=*/true);
  auto s = spec();
  boost::json::object body{
      {"request", ssoQuery(s)}, {"binding", "HTTP-Redirect"}, {"user", "giulia.bianchi"}};
  Page p = post("/_admin/idp/aurora-id/login", boost::json::serialize(body), "application/json");
  if (p.status != 200) {
    for (const auto& l : log.lines()) {
      if (l.find("exception") != std::string::npos) ADD_FAILURE() << l;
    }
  }
  ASSERT_EQ(p.status, 200) << p.body;
  auto j = boost::json::parse(p.body).as_object();
  EXPECT_EQ(j.at("acs_url").as_string(), test::kAcs0);
  EXPECT_EQ(j.at("outcome").as_string(), "ok");
  auto x = saml::base64Decode(std::string(j.at("SAMLResponse").as_string()));
  ASSERT_TRUE(x);
  EXPECT_NE(x->find("InResponseTo=\"" + s.id + "\""), std::string::npos);
  // Refusing consent headlessly gives nr22.
  body["request"] = ssoQuery(spec());
  body["consent"] = false;
  auto denied = boost::json::parse(
      post("/_admin/idp/aurora-id/login", boost::json::serialize(body), "application/json").body);
  EXPECT_EQ(denied.at("outcome").as_string(), "error nr22");
}

TEST_F(IdpFlow, HeadlessLoginIsOffUnlessEnabled) {
  start(/*headless=*/false);
  boost::json::object body{{"request", ssoQuery(spec())}, {"user", "mario.rossi"}};
  EXPECT_EQ(post("/_admin/idp/aurora-id/login", boost::json::serialize(body), "application/json").status,
            403);
}

TEST_F(IdpFlow, AdminRegistersAnSpAndReportsItsMetadataVerdicts) {
  start();
  std::string md = test::spMetadataXml(test::spKey().certificate().base64Der());
  size_t pos = md.find(test::kSpEntity);
  md.replace(pos, test::kSpEntity.size(), "https://altro.example.it/metadata");
  Page p = post("/_admin/sps", md, "application/samlmetadata+xml");
  ASSERT_EQ(p.status, 201) << p.body;
  auto j = boost::json::parse(p.body).as_object();
  EXPECT_EQ(j.at("entity_id").as_string(), "https://altro.example.it/metadata");
  EXPECT_FALSE(j.at("signature_valid").as_bool());  // the fixture is not signed: reported, not refused
  EXPECT_GT(j.at("verdicts").as_array().size(), 5u);
  EXPECT_EQ(post("/_admin/sps", "<not-metadata/>", "application/xml").status, 422);
  auto list = boost::json::parse(get("/_admin/sps").body).as_object();
  EXPECT_EQ(list.at("sps").as_array().size(), 2u);
  auto journal = boost::json::parse(get("/_admin/journal?limit=3").body).as_object();
  EXPECT_LE(journal.at("entries").as_array().size(), 3u);
  EXPECT_EQ(get("/_admin/journal?limit=abc").status, 400);
}

// ---- Single Logout ----

namespace {
const std::string kSlo = kPublic + "/idp/aurora-id/slo";
}  // namespace

TEST_F(IdpFlow, SpInitiatedLogoutIsAnsweredWithASignedLogoutResponse) {
  start();
  // Log in first, to have a session to end.
  std::string tx = loginPage(spec());
  post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=mario.rossi&password=password123");
  Answer login = answer(post("/idp/aurora-id/consent", "tx=" + tx + "&decision=accept"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(login.xml, m, std::regex("SessionIndex=\"([^\"]+)\"")));
  const std::string sessionIndex = m[1].str();
  EXPECT_NE(get("/idp/aurora-id/logout").body.find(sessionIndex), std::string::npos);

  saml::LogoutRequestSpec lr;
  lr.id = "_logout1";
  lr.now = clock->now();
  lr.destination = kSlo;
  lr.issuer = test::kSpEntity;
  lr.name_id = "_whatever";
  lr.name_qualifier = test::kIdpEntity;
  lr.session_index = sessionIndex;
  auto doc = saml::buildLogoutRequest(lr, nullptr);
  ASSERT_TRUE(doc);
  auto key = test::spKey();
  Page p =
      get("/idp/aurora-id/slo?" + saml::encodeRedirect(doc->serialize(), true, std::string("slo-rs"), &key));
  ASSERT_EQ(p.status, 200) << p.body;
  // The fixture SP has an HTTP-POST SingleLogoutService: the answer is an auto-submitting form.
  std::smatch action;
  ASSERT_TRUE(std::regex_search(p.body, action, std::regex("action=\"([^\"]*)\"")));
  EXPECT_EQ(action[1].str(), "https://comune.example.it/spid/slo");
  auto x = saml::base64Decode(field(p.body, "SAMLResponse"));
  ASSERT_TRUE(x);
  auto resp = xml::Document::parse(*x);
  ASSERT_TRUE(resp);
  EXPECT_TRUE(xml::verify(*resp, resp->root(), xml::signatureOf(resp->root()), test::idpKey().certificate()));
  auto view = saml::readLogoutResponse(*resp);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->in_response_to, "_logout1");
  EXPECT_EQ(view->status, saml::status::success);
  EXPECT_EQ(field(p.body, "RelayState"), "slo-rs");
  // The session is gone.
  EXPECT_EQ(get("/idp/aurora-id/logout").body.find(sessionIndex), std::string::npos);
}

TEST_F(IdpFlow, UnsignedOrForeignLogoutRequestsAreRefused) {
  start();
  saml::LogoutRequestSpec lr;
  lr.now = clock->now();
  lr.destination = kSlo;
  lr.issuer = test::kSpEntity;
  lr.name_id = "_x";
  lr.session_index = "_y";
  auto doc = saml::buildLogoutRequest(lr, nullptr);
  Page unsignedReq =
      get("/idp/aurora-id/slo?" + saml::encodeRedirect(doc->serialize(), true, std::nullopt, nullptr));
  EXPECT_EQ(unsignedReq.status, 400);
  EXPECT_NE(unsignedReq.body.find("binding.signature_missing"), std::string::npos);
  auto other = test::idpKey();
  Page forged =
      get("/idp/aurora-id/slo?" + saml::encodeRedirect(doc->serialize(), true, std::nullopt, &other));
  EXPECT_EQ(forged.status, 400);
  EXPECT_NE(forged.body.find("binding.signature"), std::string::npos);
  // A wrong Destination is answered (signed) with Requester, so the SP learns what to fix.
  lr.destination = "https://elsewhere.example/slo";
  auto wrong = saml::buildLogoutRequest(lr, nullptr);
  auto key = test::spKey();
  Page p = get("/idp/aurora-id/slo?" + saml::encodeRedirect(wrong->serialize(), true, std::nullopt, &key));
  auto x = saml::base64Decode(field(p.body, "SAMLResponse"));
  ASSERT_TRUE(x);
  EXPECT_NE(x->find(std::string(saml::status::requester)), std::string::npos);
}

TEST_F(IdpFlow, IdpInitiatedLogoutSendsASignedLogoutRequestAndTakesTheAnswer) {
  start();
  std::string tx = loginPage(spec());
  post("/idp/aurora-id/login", "tx=" + tx + "&action=login&username=giulia.bianchi&password=password123");
  Answer login = answer(post("/idp/aurora-id/consent", "tx=" + tx + "&decision=accept"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(login.xml, m, std::regex("SessionIndex=\"([^\"]+)\"")));
  Page p = post("/idp/aurora-id/logout", "session=" + http::percentEncode(m[1].str()));
  ASSERT_EQ(p.status, 200) << p.body;
  auto x = saml::base64Decode(field(p.body, "SAMLRequest"));
  ASSERT_TRUE(x);
  auto doc = xml::Document::parse(*x);
  ASSERT_TRUE(doc);
  EXPECT_TRUE(xml::verify(*doc, doc->root(), xml::signatureOf(doc->root()), test::idpKey().certificate()));
  auto req = saml::readLogoutRequest(*doc);
  ASSERT_TRUE(req);
  ASSERT_EQ(req->session_indexes.size(), 1u);
  EXPECT_EQ(req->session_indexes[0], m[1].str());
  EXPECT_EQ(req->name_id_qualifier, test::kIdpEntity);
  // The SP answers; the IdP verifies it and says so.
  saml::LogoutResponseSpec rs;
  rs.now = clock->now();
  rs.destination = kSlo;
  rs.issuer = test::kSpEntity;
  rs.in_response_to = *req->id;
  auto key = test::spKey();
  auto answerDoc = saml::buildLogoutResponse(rs, &key);
  ASSERT_TRUE(answerDoc);
  Page done = post("/idp/aurora-id/slo",
                   "SAMLResponse=" + http::percentEncode(saml::base64Encode(answerDoc->serialize())));
  EXPECT_EQ(done.status, 200) << done.body;
  EXPECT_NE(done.body.find("Disconnessione completata"), std::string::npos);
  EXPECT_EQ(post("/idp/aurora-id/logout", "session=" + http::percentEncode(m[1].str())).status, 404);  // gone
}
