#include "mocks/idp/idp.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "core/saml/authn_rules.hpp"
#include "core/saml/binding.hpp"
#include "core/saml/idp_metadata.hpp"
#include "core/saml/logout.hpp"
#include "core/saml/response.hpp"
#include "mocks/idp/pages.hpp"

namespace sportello::idp {

using saml::TimePoint;

namespace {

constexpr std::chrono::minutes kLoginLifetime{10};
constexpr std::size_t kMaxPendingLogins = 10'000;
constexpr int kMaxPasswordAttempts = 3;

std::string slurp(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

http::Response htmlPage(int status, std::string body) {
  http::Response r = http::Response::html(status, std::move(body));
  // The pages carry one-time transaction ids and test credentials: never cache, never frame.
  r.headers.set("Cache-Control", "no-store");
  r.headers.set("X-Frame-Options", "DENY");
  r.headers.set("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'; "
                "script-src 'unsafe-inline'");
  return r;
}

std::string randomToken() {
  return saml::newId().substr(1);
}

}  // namespace

// One configured IdP with its signing key.
struct IdpInstance {
  config::Idp cfg;
  saml::Profile profile = saml::Profile::spid;
  xml::SigningKey key;
  std::string base;  // public_url + /idp/<name>
  PageIdp page;
  std::string metadata_xml;  // signed, built once
};

// A login between the AuthnRequest and the Response.
struct PendingLogin {
  std::string idp;
  std::shared_ptr<const RegisteredSp> sp;
  std::string request_id;  // AuthnRequest ID
  std::string acs_url;
  saml::Opt relay_state;
  saml::Level level = saml::Level::L2;
  saml::Comparison comparison = saml::Comparison::minimum;
  std::vector<std::string> requested;  // attribute names of the requested AttributeConsumingService
  int attempts = 0;
  std::string username;  // set once the credentials are right
  saml::Level granted = saml::Level::L2;
  saml::Report report;
  TimePoint expires;
};

// A completed login, until the SP or the IdP ends it with Single Logout.
struct SsoSession {
  std::string idp;
  std::string sp;
  std::string name_id;
  std::string username;
};

struct IdentityProviders::Impl {
  Options o;
  UserDirectory users;
  SpRegistry registry;
  std::unique_ptr<Journal> journal;
  std::map<std::string, IdpInstance, std::less<>> idps;

  std::mutex mu;
  std::map<std::string, PendingLogin> pending;  // by transaction token
  std::map<std::string, SsoSession> sessions;   // by SessionIndex

  Counter* logins_ok = nullptr;
  Counter* logins_error = nullptr;
  Counter* requests_rejected = nullptr;

  TimePoint now() const { return o.clock->now(); }

  const IdpInstance* instance(const http::Request& req) const {
    auto name = req.param("name");
    if (!name) return nullptr;
    auto it = idps.find(*name);
    return it == idps.end() ? nullptr : &it->second;
  }

  void record(const IdpInstance& idp, const http::Request& req, std::string direction, std::string kind,
              std::string binding, std::string sp, std::string outcome, std::string xmlText,
              std::string verdicts = "[]") {
    JournalEntry e;
    e.time = saml::formatDateTime(now());
    e.idp = idp.cfg.name;
    e.direction = std::move(direction);
    e.kind = std::move(kind);
    e.binding = std::move(binding);
    e.sp = std::move(sp);
    e.outcome = std::move(outcome);
    e.xml = std::move(xmlText);
    e.verdicts_json = std::move(verdicts);
    e.request_id = req.request_id;
    journal->add(std::move(e));
  }

  http::Response errorPage(const IdpInstance& idp, const http::Request& req, int status,
                           const std::string& title, const std::string& message,
                           const saml::Report* report = nullptr) {
    return htmlPage(status, renderError(idp.page, title, message, report, req.request_id));
  }

  // ---- The AuthnRequest: decode, verify, judge. ----

  struct Judged {
    std::optional<http::Response> refusal;  // an error page or an error Response to send instead
    PendingLogin login;
  };

  Judged judge(const IdpInstance& idp, const http::Request& req, bool redirect, std::string_view payload) {
    Judged j;
    const char* bindingName = redirect ? "HTTP-Redirect" : "HTTP-POST";
    std::string xmlText;
    saml::Opt relay;
    std::optional<saml::RedirectMessage> redirectMessage;
    if (redirect) {
      auto m = saml::decodeRedirect(payload);
      if (!m) {
        j.refusal =
            errorPage(idp, req, 400, "Richiesta non valida", m.error().rule + ": " + m.error().message);
        return j;
      }
      xmlText = m->xml;
      relay = m->relay_state;
      redirectMessage = std::move(*m);
    } else {
      auto m = saml::decodePost(payload);
      if (!m) {
        j.refusal =
            errorPage(idp, req, 400, "Richiesta non valida", m.error().rule + ": " + m.error().message);
        return j;
      }
      xmlText = m->xml;
      relay = m->relay_state;
    }
    auto doc = xml::Document::parse(xmlText);
    if (!doc) {
      record(idp, req, "in", "AuthnRequest", bindingName, "", "rejected: " + doc.error().rule, xmlText);
      j.refusal =
          errorPage(idp, req, 400, "Richiesta non valida", doc.error().rule + ": " + doc.error().message);
      return j;
    }
    auto view = saml::readAuthnRequest(*doc);
    if (!view) {
      record(idp, req, "in", "AuthnRequest", bindingName, "", "rejected: " + view.error().rule, xmlText);
      j.refusal = errorPage(idp, req, 400, "Richiesta non valida", view.error().message);
      return j;
    }
    auto sp = view->issuer.value ? registry.find(*view->issuer.value) : nullptr;

    saml::AuthnRequestContext ctx;
    ctx.profile = idp.profile;
    ctx.now = now();
    ctx.skew = o.config->mock_idp.clock_skew;
    ctx.idp_entity_id = idp.cfg.entity_id;
    ctx.sso_locations = {idp.base + "/sso"};
    ctx.sp = sp ? &sp->metadata : nullptr;
    ctx.development = o.config->mock_idp.development;
    ctx.binding = bindingName;
    ctx.relay_state = relay;
    if (sp) {
      if (redirect) {
        ctx.signature_present = !redirectMessage->signature.empty();
        for (const auto& cert : sp->metadata.signing_certificates) {
          auto v = saml::verifyRedirect(*redirectMessage, cert);
          ctx.signature_detail = v ? "query signature " + std::string(xml::uri(*v)) + " verified with " +
                                         cert.subject() + " [" + cert.sha256Fingerprint() + "]"
                                   : v.error().rule + ": " + v.error().message;
          if (v) {
            ctx.signature_valid = true;
            break;
          }
        }
      } else {
        xmlNodePtr sig = xml::signatureOf(doc->root());
        ctx.signature_present = sig != nullptr;
        for (const auto& cert : sp->metadata.signing_certificates) {
          if (sig == nullptr) break;
          auto v = xml::verify(*doc, doc->root(), sig, cert);
          ctx.signature_detail =
              v ? "XML signature verified with " + cert.subject() + " [" + cert.sha256Fingerprint() + "]"
                : v.error().rule + ": " + v.error().message;
          if (v) {
            ctx.signature_valid = true;
            break;
          }
        }
      }
    }
    saml::Report report = saml::authnRequestPolicy().evaluate(*view, ctx);
    const std::string spName = sp ? sp->entity_id : view->issuer.value.value_or("");

    // Where an answer would go: the ACS the request names, if the SP and the ACS are trustworthy.
    const saml::MdEndpoint* acs = nullptr;
    if (sp) {
      if (auto idx = saml::parseIndex(view->acs_index)) {
        acs = sp->metadata.acsByIndex(*idx);
      } else if (view->acs_url && !view->acs_index) {
        acs = sp->metadata.acsByLocation(*view->acs_url);
      }
    }

    if (const saml::Verdict* bad = report.firstFailure()) {
      requests_rejected->inc();
      o.log->warn("authn_request_rejected", {{"request_id", req.request_id},
                                             {"idp", idp.cfg.name},
                                             {"sp", spName},
                                             {"rule", bad->rule},
                                             {"detail", bad->detail}});
      saml::SpidError err = saml::spidErrorFor(bad->rule);
      bool signatureOk = sp && ctx.signature_valid;
      if (err.page_only || acs == nullptr || !signatureOk) {
        record(idp, req, "in", "AuthnRequest", bindingName, spName, "rejected: " + bad->rule, xmlText,
               report.toJson());
        j.refusal = errorPage(idp, req, 400, "Richiesta di autenticazione rifiutata",
                              "La richiesta non rispetta la regola " + bad->rule + ": " + bad->detail +
                                  ". Non è possibile rispondere al servizio in modo sicuro.",
                              &report);
        return j;
      }
      record(idp, req, "in", "AuthnRequest", bindingName, spName, "error nr" + std::to_string(err.code),
             xmlText, report.toJson());
      saml::ErrorSpec es;
      es.profile = idp.profile;
      es.idp_entity_id = idp.cfg.entity_id;
      es.acs_url = acs->location;
      es.in_response_to = view->id.value_or("");
      es.now = now();
      es.top_status = std::string(err.status);
      es.sub_status = "";
      es.error_code = err.code;
      j.refusal = sendError(idp, req, es, spName, relay);
      return j;
    }

    auto acsIndex = saml::parseIndex(view->attribute_consuming_service_index);
    const auto* service = acsIndex ? sp->metadata.attributeService(*acsIndex) : nullptr;
    if (acs == nullptr || service == nullptr) {  // the rules passed, so this is a bug: say so, do not crash
      o.log->error("idp_inconsistent",
                   {{"request_id", req.request_id}, {"detail", "rules passed without ACS"}});
      j.refusal = errorPage(idp, req, 500, "Errore interno", "Stato incoerente del gestore di identità.");
      return j;
    }
    record(idp, req, "in", "AuthnRequest", bindingName, spName, "ok", xmlText, report.toJson());
    PendingLogin& p = j.login;
    p.idp = idp.cfg.name;
    p.sp = sp;
    p.request_id = *view->id;
    p.acs_url = acs->location;
    p.relay_state = relay;
    p.level = *saml::levelFromUri(view->class_refs.front());
    p.comparison = view->comparison
                       ? saml::comparisonFromString(*view->comparison).value_or(saml::Comparison::exact)
                       : saml::Comparison::exact;
    p.requested = service->requested;
    p.report = std::move(report);
    p.expires = now() + kLoginLifetime;
    return j;
  }

  // ---- Answers to the SP ----

  http::Response sendError(const IdpInstance& idp, const http::Request& req, const saml::ErrorSpec& es,
                           const std::string& spName, const saml::Opt& relay) {
    auto doc = saml::buildErrorResponse(es, idp.key);
    if (!doc) return errorPage(idp, req, 500, "Errore interno", doc.error().message);
    std::string x = doc->serialize();
    logins_error->inc();
    record(idp, req, "out", "Response", "HTTP-POST", spName,
           es.error_code ? "error nr" + std::to_string(es.error_code) : "error", x);
    return htmlPage(200, saml::postForm(es.acs_url, false, x, relay));
  }

  http::Response endWithError(const IdpInstance& idp, const http::Request& req, const PendingLogin& p,
                              int code) {
    saml::ErrorSpec es;
    es.profile = idp.profile;
    es.idp_entity_id = idp.cfg.entity_id;
    es.acs_url = p.acs_url;
    es.in_response_to = p.request_id;
    es.now = now();
    es.error_code = code;
    return sendError(idp, req, es, p.sp->entity_id, p.relay_state);
  }

  Result<std::string, std::string> successResponse(const IdpInstance& idp, const PendingLogin& p,
                                                   const TestUser& user) {
    saml::ResponseSpec s;
    s.profile = idp.profile;
    s.idp_entity_id = idp.cfg.entity_id;
    s.sp_entity_id = p.sp->entity_id;
    s.acs_url = p.acs_url;
    s.in_response_to = p.request_id;
    s.now = now();
    s.validity = o.config->mock_idp.assertion_validity;
    s.level = p.granted;
    s.attributes = releasedAttributes(user, p.requested);
    s.session_index = saml::newId();
    s.name_id = saml::newId();
    auto doc = saml::buildResponse(s, idp.key);
    if (!doc) return fail(doc.error().rule + ": " + doc.error().message);
    {
      std::lock_guard lock(mu);
      if (sessions.size() >= kMaxPendingLogins)
        sessions.erase(sessions.begin());  // bounded; oldest ids first
      sessions[s.session_index] = SsoSession{idp.cfg.name, p.sp->entity_id, s.name_id, user.username};
    }
    return doc->serialize();
  }

  // The level to assert for `user`, or nullopt when the user cannot satisfy the request (nr20).
  static std::optional<saml::Level> grant(saml::Level requested, saml::Comparison cmp, saml::Level userMax) {
    using saml::Level;
    if (cmp == saml::Comparison::better) {
      if (requested == Level::L3 || static_cast<int>(userMax) <= static_cast<int>(requested))
        return std::nullopt;
      return static_cast<Level>(static_cast<int>(requested) + 1);
    }
    if (userMax >= requested) return requested;
    if (cmp == saml::Comparison::maximum) return userMax;
    return std::nullopt;
  }

  // Checks credentials and level; on success fills p.username/p.granted. Returns the SPID error to end
  // with (0 = go on to consent; -1 = wrong credentials, ask again).
  int authenticate(const IdpInstance& idp, PendingLogin& p, const std::string& username,
                   const std::string& password, std::string& message) {
    const TestUser* u = users.find(username);
    bool known =
        u != nullptr && (!u->idp || *u->idp == idp.cfg.name) && (!u->sp || *u->sp == p.sp->entity_id);
    if (!known || u->password != password) {
      ++p.attempts;
      if (p.attempts >= kMaxPasswordAttempts) return 19;
      message = "Credenziali non valide (tentativo " + std::to_string(p.attempts) + " di " +
                std::to_string(kMaxPasswordAttempts) + ").";
      return -1;
    }
    if (u->status != TestUser::Status::active) return 23;
    auto level = grant(p.level, p.comparison, u->level);
    if (!level) return 20;
    p.username = u->username;
    p.granted = *level;
    return 0;
  }

  static std::string formField(const std::vector<std::pair<std::string, std::string>>& form,
                               std::string_view name) {
    for (const auto& [k, v] : form) {
      if (k == name) return v;
    }
    return {};
  }

  std::optional<PendingLogin> findPending(const std::string& tx) {
    std::lock_guard lock(mu);
    auto it = pending.find(tx);
    if (it == pending.end()) return std::nullopt;
    if (it->second.expires < now()) {
      pending.erase(it);
      return std::nullopt;
    }
    return it->second;
  }

  void storePending(const std::string& tx, PendingLogin p) {
    std::lock_guard lock(mu);
    if (pending.size() >= kMaxPendingLogins) {
      // Expired ones first; if that is not enough, the oldest (map order is arbitrary, so drop by expiry).
      std::erase_if(pending, [&](const auto& e) { return e.second.expires < now(); });
      while (pending.size() >= kMaxPendingLogins) {
        auto oldest = std::min_element(pending.begin(), pending.end(), [](const auto& a, const auto& b) {
          return a.second.expires < b.second.expires;
        });
        pending.erase(oldest);
      }
    }
    pending[tx] = std::move(p);
  }

  void dropPending(const std::string& tx) {
    std::lock_guard lock(mu);
    pending.erase(tx);
  }

  LoginPageData loginPage(const IdpInstance& idp, const std::string& tx, const PendingLogin& p) {
    LoginPageData d;
    d.idp = idp.page;
    d.tx = tx;
    d.sp_name = p.sp->metadata.organization_display_name.value_or(p.sp->entity_id);
    d.level_uri = std::string(saml::levelUri(p.level));
    d.users = users.forIdp(idp.cfg.name);
    d.report = &p.report;
    d.development = o.config->mock_idp.development;
    return d;
  }

  // ---- Handlers ----

  http::Response sso(http::Request& req) {
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    bool redirect = req.method == "GET" || req.method == "HEAD";
    if (!redirect) {
      auto ct = req.headers.get("Content-Type");
      if (!ct || !ct->starts_with("application/x-www-form-urlencoded")) {
        return errorPage(*idp, req, 415, "Richiesta non valida",
                         "Il binding HTTP-POST richiede un form application/x-www-form-urlencoded.");
      }
    }
    Judged j = judge(*idp, req, redirect, redirect ? req.query() : std::string_view(req.body));
    if (j.refusal) return std::move(*j.refusal);
    std::string tx = randomToken();
    LoginPageData page = loginPage(*idp, tx, j.login);
    http::Response r = htmlPage(200, renderLogin(page));
    storePending(tx, std::move(j.login));
    return r;
  }

  http::Response login(http::Request& req) {
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    auto form = http::parseForm(req.body);
    const std::string tx = formField(form, "tx"), action = formField(form, "action");
    const std::string username = formField(form, "username"), password = formField(form, "password");
    auto p = findPending(tx);
    if (!p || p->idp != idp->cfg.name) {
      return errorPage(*idp, req, 400, "Sessione di accesso scaduta",
                       "La sessione di accesso non esiste più. Torna al servizio e riprova.");
    }
    if (action == "cancel") {
      dropPending(tx);
      return endWithError(*idp, req, *p, 25);
    }
    if (action.starts_with("error-")) {
      int code = saml::parseIndex(action.substr(6)).value_or(0);
      static constexpr int kAllowed[] = {19, 20, 21, 22, 23, 25, 30};
      if (std::find(std::begin(kAllowed), std::end(kAllowed), code) == std::end(kAllowed)) {
        return errorPage(*idp, req, 400, "Richiesta non valida", "Esito di errore sconosciuto.");
      }
      dropPending(tx);
      return endWithError(*idp, req, *p, code);
    }
    std::string message;
    int outcome = authenticate(*idp, *p, username, password, message);
    if (outcome < 0) {
      LoginPageData page = loginPage(*idp, tx, *p);
      page.error = message;
      storePending(tx, *p);
      return htmlPage(200, renderLogin(page));
    }
    if (outcome > 0) {
      dropPending(tx);
      return endWithError(*idp, req, *p, outcome);
    }
    const TestUser* user = users.find(p->username);
    ConsentPageData c;
    c.idp = idp->page;
    c.tx = tx;
    c.sp_name = p->sp->metadata.organization_display_name.value_or(p->sp->entity_id);
    c.user_name = user->displayName();
    c.attributes = releasedAttributes(*user, p->requested);
    c.missing = missingAttributes(*user, p->requested);
    storePending(tx, *p);
    return htmlPage(200, renderConsent(c));
  }

  http::Response consent(http::Request& req) {
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    auto form = http::parseForm(req.body);
    const std::string tx = formField(form, "tx"), decision = formField(form, "decision");
    auto p = findPending(tx);
    if (!p || p->idp != idp->cfg.name || p->username.empty()) {
      return errorPage(*idp, req, 400, "Sessione di accesso scaduta",
                       "La sessione di accesso non esiste più. Torna al servizio e riprova.");
    }
    dropPending(tx);
    if (decision != "accept") return endWithError(*idp, req, *p, 22);
    const TestUser* user = users.find(p->username);
    auto xmlText = successResponse(*idp, *p, *user);
    if (!xmlText) return errorPage(*idp, req, 500, "Errore interno", xmlText.error());
    logins_ok->inc();
    record(*idp, req, "out", "Response", "HTTP-POST", p->sp->entity_id, "ok", *xmlText);
    o.log->info("login", {{"request_id", req.request_id},
                          {"idp", idp->cfg.name},
                          {"sp", p->sp->entity_id},
                          {"user", user->username},
                          {"level", std::string(saml::levelUri(p->granted))}});
    return htmlPage(200, saml::postForm(p->acs_url, false, *xmlText, p->relay_state));
  }

  http::Response metadata(http::Request& req) {
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    http::Response r;
    r.headers.set("Content-Type", "application/samlmetadata+xml");
    r.body = idp->metadata_xml;
    return r;
  }

  // ---- Single Logout ----

  // Where to send an SLO message for `sp`: its POST endpoint if it has one, else its Redirect one.
  static const saml::MdEndpoint* sloEndpoint(const RegisteredSp& sp) {
    const saml::MdEndpoint* redirect = nullptr;
    for (const auto& e : sp.metadata.single_logout_services) {
      if (e.binding == saml::binding::post) return &e;
      if (e.binding == saml::binding::redirect && redirect == nullptr) redirect = &e;
    }
    return redirect;
  }

  // Sends a LogoutRequest/LogoutResponse to the SP's SLO endpoint: auto-submitting form for POST,
  // signed query and 302 for Redirect.
  http::Response sendSlo(
      const IdpInstance& idp, const saml::MdEndpoint& to, bool request,
      const std::function<Result<xml::Document, xml::SignError>(const xml::SigningKey*)>& build,
      const saml::Opt& relay) {
    bool post = to.binding == saml::binding::post;
    auto doc = build(post ? &idp.key : nullptr);
    if (!doc) return http::Response::error(500, "signing_failed", doc.error().message);
    std::string x = doc->serialize();
    if (post) return htmlPage(200, saml::postForm(to.location, request, x, relay));
    std::string q = saml::encodeRedirect(x, request, relay, &idp.key);
    return http::Response::redirect(302, saml::redirectUrl(to.location, q));
  }

  // Decodes either binding; verifies the sender's signature with its registered certificates.
  struct SloMessage {
    std::optional<xml::Document> doc;
    std::string xml;
    saml::Opt relay;
    std::shared_ptr<const RegisteredSp> sp;
    std::string error;  // rule: message, when the message cannot be trusted
  };
  SloMessage decodeSlo(const http::Request& req) {
    SloMessage m;
    bool redirect = req.method == "GET";
    std::optional<saml::RedirectMessage> rm;
    if (redirect) {
      auto d = saml::decodeRedirect(req.query());
      if (!d) {
        m.error = d.error().rule + ": " + d.error().message;
        return m;
      }
      m.xml = d->xml;
      m.relay = d->relay_state;
      rm = std::move(*d);
    } else {
      auto d = saml::decodePost(req.body);
      if (!d) {
        m.error = d.error().rule + ": " + d.error().message;
        return m;
      }
      m.xml = d->xml;
      m.relay = d->relay_state;
    }
    auto doc = xml::Document::parse(m.xml);
    if (!doc) {
      m.error = doc.error().rule + ": " + doc.error().message;
      return m;
    }
    const xmlNode* issuer = xml::child(doc->root(), saml::ns::assertion, "Issuer");
    auto issuerText = issuer ? xml::text(issuer) : std::nullopt;
    m.sp = issuerText ? registry.find(*issuerText) : nullptr;
    if (!m.sp) {
      m.error = "slo.sp_known: no registered SP has entityID " + issuerText.value_or("(none)");
      return m;
    }
    std::string last = "slo.signature: the message is not signed";
    bool ok = false;
    for (const auto& cert : m.sp->metadata.signing_certificates) {
      if (redirect) {
        auto v = saml::verifyRedirect(*rm, cert);
        ok = static_cast<bool>(v);
        if (!v) last = v.error().rule + ": " + v.error().message;
      } else if (xmlNodePtr sig = xml::signatureOf(doc->root())) {
        auto v = xml::verify(*doc, doc->root(), sig, cert);
        ok = static_cast<bool>(v);
        if (!v) last = v.error().rule + ": " + v.error().message;
      }
      if (ok) break;
    }
    if (!ok) {
      m.error = last;
      return m;
    }
    m.doc = std::move(*doc);
    return m;
  }

  // An SP's LogoutRequest (SP-initiated SLO) or its LogoutResponse (to an IdP-initiated one).
  http::Response slo(http::Request& req) {
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    const char* bindingName = req.method == "GET" ? "HTTP-Redirect" : "HTTP-POST";
    SloMessage m = decodeSlo(req);
    if (!m.doc) {
      record(*idp, req, "in", "Logout", bindingName, m.sp ? m.sp->entity_id : "", "rejected: " + m.error,
             m.xml);
      o.log->warn("slo_rejected",
                  {{"request_id", req.request_id}, {"idp", idp->cfg.name}, {"detail", m.error}});
      return errorPage(*idp, req, 400, "Richiesta di disconnessione rifiutata", m.error);
    }
    if (auto lr = saml::readLogoutResponse(*m.doc)) {
      record(*idp, req, "in", "LogoutResponse", bindingName, m.sp->entity_id,
             lr->status.value_or("(no status)"), m.xml);
      bool success = lr->status == saml::status::success;
      return htmlPage(
          success ? 200 : 400,
          renderInfo(idp->page, success ? "Disconnessione completata" : "Disconnessione non riuscita",
                     success ? "Il servizio ha confermato la disconnessione."
                             : "Il servizio ha risposto con " + lr->status.value_or("nessuno stato") + "."));
    }
    auto lq = saml::readLogoutRequest(*m.doc);
    if (!lq) return errorPage(*idp, req, 400, "Richiesta non valida", lq.error().message);
    const saml::MdEndpoint* to = sloEndpoint(*m.sp);
    if (to == nullptr) {
      return errorPage(*idp, req, 400, "Richiesta di disconnessione rifiutata",
                       "slo.endpoint: the SP metadata has no SingleLogoutService to answer to");
    }
    // Destination must be this IdP's SLO location; otherwise answer Requester (the SP can fix it).
    std::string status{saml::status::success};
    std::string outcome = "ok";
    if (lq->destination != idp->base + "/slo") {
      status = std::string(saml::status::requester);
      outcome = "error: slo.destination";
    } else {
      std::lock_guard lock(mu);
      for (const auto& si : lq->session_indexes) {
        auto it = sessions.find(si);
        if (it != sessions.end() && it->second.sp == m.sp->entity_id && it->second.idp == idp->cfg.name) {
          sessions.erase(it);
        }
      }
    }
    record(*idp, req, "in", "LogoutRequest", bindingName, m.sp->entity_id, outcome, m.xml);
    saml::LogoutResponseSpec spec;
    spec.now = now();
    spec.destination = to->location;
    spec.issuer = idp->cfg.entity_id;
    spec.in_response_to = lq->id.value_or("");
    spec.status = status;
    record(*idp, req, "out", "LogoutResponse",
           to->binding == saml::binding::post ? "HTTP-POST" : "HTTP-Redirect", m.sp->entity_id, outcome, "");
    return sendSlo(
        *idp, *to, false, [&](const xml::SigningKey* k) { return saml::buildLogoutResponse(spec, k); },
        m.relay);
  }

  http::Response sessionsPage(http::Request& req) {
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    std::vector<SessionRow> rows;
    {
      std::lock_guard lock(mu);
      for (const auto& [index, session] : sessions) {
        if (session.idp != idp->cfg.name) continue;
        const TestUser* u = users.find(session.username);
        rows.push_back({index, u ? u->displayName() : session.username, session.sp});
      }
    }
    return htmlPage(200, renderSessions(idp->page, rows));
  }

  // IdP-initiated SLO: a signed LogoutRequest to the SP of the chosen session.
  http::Response startLogout(http::Request& req) {
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    std::string index = formField(http::parseForm(req.body), "session");
    std::optional<SsoSession> session;
    {
      std::lock_guard lock(mu);
      auto it = sessions.find(index);
      if (it != sessions.end() && it->second.idp == idp->cfg.name) {
        session = it->second;
        sessions.erase(it);
      }
    }
    if (!session)
      return errorPage(*idp, req, 404, "Sessione non trovata", "La sessione non esiste o è già chiusa.");
    auto sp = registry.find(session->sp);
    const saml::MdEndpoint* to = sp ? sloEndpoint(*sp) : nullptr;
    if (to == nullptr) {
      return errorPage(*idp, req, 400, "Disconnessione non possibile",
                       "slo.endpoint: the SP has no SingleLogoutService in its metadata");
    }
    saml::LogoutRequestSpec spec;
    spec.now = now();
    spec.destination = to->location;
    spec.issuer = idp->cfg.entity_id;
    spec.name_id = session->name_id;
    spec.name_qualifier = idp->cfg.entity_id;
    spec.session_index = index;
    record(*idp, req, "out", "LogoutRequest",
           to->binding == saml::binding::post ? "HTTP-POST" : "HTTP-Redirect", session->sp, "sent", "");
    return sendSlo(
        *idp, *to, true, [&](const xml::SigningKey* k) { return saml::buildLogoutRequest(spec, k); },
        std::string(randomToken()));
  }

  // ---- Admin ----

  http::Response adminSps(http::Request&) {
    boost::json::array out;
    for (const auto& sp : registry.all()) {
      out.push_back({{"entity_id", sp->entity_id},
                     {"source", sp->source},
                     {"signature_valid", sp->signature_valid},
                     {"signature", sp->signature_detail},
                     {"failures", sp->report.failures()},
                     {"verdicts", boost::json::parse(sp->report.toJson())}});
    }
    return http::Response::json(200, boost::json::serialize(boost::json::object{{"sps", out}}));
  }

  http::Response adminRegisterSp(http::Request& req) {
    // The profile decides which metadata rules apply: ?profile=cie for CIE SPs.
    auto profile = req.queryParam("profile") == "cie" ? saml::Profile::cie : saml::Profile::spid;
    auto sp = registry.add(req.body, "admin API", profile, o.config->mock_idp.development);
    if (!sp) return http::Response::error(422, "metadata_refused", sp.error());
    o.log->info("sp_registered", {{"request_id", req.request_id},
                                  {"entity_id", (*sp)->entity_id},
                                  {"failures", static_cast<std::uint64_t>((*sp)->report.failures())}});
    boost::json::object body{{"entity_id", (*sp)->entity_id},
                             {"signature_valid", (*sp)->signature_valid},
                             {"signature", (*sp)->signature_detail},
                             {"failures", (*sp)->report.failures()},
                             {"development", o.config->mock_idp.development},
                             {"verdicts", boost::json::parse((*sp)->report.toJson())}};
    return http::Response::json(201, boost::json::serialize(body));
  }

  http::Response adminUsers(http::Request&) {
    boost::json::array out;
    for (const auto& u : users.users) {
      boost::json::object attrs;
      for (const auto& [k, v] : u.attributes) attrs[k] = v;
      out.push_back({{"username", u.username},
                     {"level", std::string(saml::levelUri(u.level))},
                     {"idp", u.idp ? boost::json::value(*u.idp) : boost::json::value(nullptr)},
                     {"status", std::string(toString(u.status))},
                     {"kind", std::string(toString(u.kind))},
                     {"attributes", attrs}});
    }
    return http::Response::json(200, boost::json::serialize(boost::json::object{{"users", out}}));
  }

  http::Response adminJournal(http::Request& req) {
    std::size_t limit = 50;
    if (auto l = req.queryParam("limit")) {
      auto v = saml::parseIndex(*l);
      if (!v) return http::Response::error(400, "bad_limit", "limit must be a number up to 99999");
      limit = static_cast<std::size_t>(*v);
    }
    return http::Response::json(200, journal->toJson(limit));
  }

  http::Response adminHeadlessLogin(http::Request& req) {
    if (!o.config->mock_idp.headless_login) {
      return http::Response::error(
          403, "headless_login_disabled",
          "set [mock_idp] headless_login = true to complete logins without a browser");
    }
    const IdpInstance* idp = instance(req);
    if (idp == nullptr) return http::Response::error(404, "unknown_idp", "no such identity provider");
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body, ec);
    if (ec || !v.is_object()) return http::Response::error(400, "bad_json", "the body must be a JSON object");
    const auto& obj = v.as_object();
    auto str = [&](const char* k) -> std::string {
      const auto* p = obj.if_contains(k);
      return p && p->is_string() ? std::string(p->as_string()) : std::string();
    };
    std::string request = str("request"), binding = str("binding"), username = str("user");
    bool consentGiven = true;
    if (const auto* c = obj.if_contains("consent"); c && c->is_bool()) consentGiven = c->as_bool();
    if (request.empty() || username.empty()) {
      return http::Response::error(400, "missing_fields", "\"request\" and \"user\" are required");
    }
    bool redirect = binding.empty() || binding == "HTTP-Redirect";
    Judged j = judge(*idp, req, redirect, request);
    if (j.refusal) {
      // The same verdicts a browser would see, as JSON for the CI log.
      return http::Response::json(422,
                                  "{\"error\":\"request_rejected\",\"journal\":" + journal->toJson(1) + "}");
    }
    PendingLogin& p = j.login;
    const TestUser* user = users.find(username);
    if (user == nullptr) return http::Response::error(404, "unknown_user", "no test user " + username);
    std::string message;
    int outcome = authenticate(*idp, p, user->username, user->password, message);
    if (outcome == 0 && !consentGiven) outcome = 22;
    std::string xmlText;
    if (outcome != 0) {
      saml::ErrorSpec es;
      es.profile = idp->profile;
      es.idp_entity_id = idp->cfg.entity_id;
      es.acs_url = p.acs_url;
      es.in_response_to = p.request_id;
      es.now = now();
      es.error_code = outcome;
      auto doc = saml::buildErrorResponse(es, idp->key);
      if (!doc) return http::Response::error(500, "signing_failed", doc.error().message);
      xmlText = doc->serialize();
      logins_error->inc();
    } else {
      auto r = successResponse(*idp, p, *user);
      if (!r) return http::Response::error(500, "signing_failed", r.error());
      xmlText = std::move(*r);
      logins_ok->inc();
    }
    record(*idp, req, "out", "Response", "admin", p.sp->entity_id,
           outcome ? "error nr" + std::to_string(outcome) : "ok", xmlText);
    boost::json::object body{
        {"acs_url", p.acs_url},
        {"SAMLResponse", saml::base64Encode(xmlText)},
        {"RelayState", p.relay_state ? boost::json::value(*p.relay_state) : boost::json::value(nullptr)},
        {"outcome", outcome ? "error nr" + std::to_string(outcome) : std::string("ok")},
        {"verdicts", boost::json::parse(p.report.toJson())}};
    return http::Response::json(200, boost::json::serialize(body));
  }
};

IdentityProviders::IdentityProviders(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IdentityProviders::~IdentityProviders() = default;
SpRegistry& IdentityProviders::registry() {
  return impl_->registry;
}
Journal& IdentityProviders::journal() {
  return *impl_->journal;
}
const UserDirectory& IdentityProviders::users() const {
  return impl_->users;
}

Result<std::unique_ptr<IdentityProviders>, std::string> IdentityProviders::create(Options options) {
  auto impl = std::make_unique<Impl>();
  impl->o = std::move(options);
  const config::Config& cfg = *impl->o.config;
  impl->journal = std::make_unique<Journal>(cfg.mock_idp.journal_size);
  auto& m = *impl->o.metrics;
  impl->logins_ok = &m.counter("sportello_idp_logins_total", "Logins the mock IdPs completed, by outcome.",
                               {{"outcome", "ok"}});
  impl->logins_error = &m.counter("sportello_idp_logins_total", "Logins the mock IdPs completed, by outcome.",
                                  {{"outcome", "error"}});
  impl->requests_rejected =
      &m.counter("sportello_idp_authn_requests_rejected_total", "AuthnRequests that broke a rule.");

  auto users = loadUsersFile(cfg.mock_idp.users_file);
  if (!users) {
    std::string all;
    for (const auto& p : users.error()) all += "\n  " + p;
    return fail("test users: " + all);
  }
  impl->users = std::move(*users);

  for (const auto& c : cfg.idps) {
    if (!c.enabled) continue;
    auto pair = impl->o.materials.idp_signing.find(c.name);
    if (pair == impl->o.materials.idp_signing.end())
      return fail("no signing key generated for IdP " + c.name);
    auto key = xml::SigningKey::fromPemFiles(pair->second.key, pair->second.cert);
    if (!key) return fail("IdP " + c.name + ": " + key.error());
    IdpInstance inst{c,
                     c.profile == "cie" ? saml::Profile::cie : saml::Profile::spid,
                     std::move(*key),
                     cfg.server.public_url + "/idp/" + c.name,
                     PageIdp{c.name, c.display_name, c.profile == "cie"},
                     ""};
    saml::IdpMetadataSpec spec;
    spec.profile = inst.profile;
    spec.entity_id = c.entity_id;
    spec.sso = {saml::MdBindingLocation{std::string(saml::binding::redirect), inst.base + "/sso"},
                saml::MdBindingLocation{std::string(saml::binding::post), inst.base + "/sso"}};
    spec.slo = {saml::MdBindingLocation{std::string(saml::binding::redirect), inst.base + "/slo"},
                saml::MdBindingLocation{std::string(saml::binding::post), inst.base + "/slo"}};
    spec.organization_name = c.display_name;
    spec.display_name = c.display_name;
    spec.url = inst.base;
    auto md = saml::buildIdpMetadata(spec, inst.key);
    if (!md) return fail("IdP " + c.name + " metadata: " + md.error().message);
    inst.metadata_xml = md->serialize();
    impl->idps.emplace(c.name, std::move(inst));
  }

  for (const auto& file : cfg.mock_idp.sp_metadata) {
    bool ok = false;
    std::string text = slurp(file, ok);
    if (!ok) return fail("SP metadata " + file + ": cannot read the file");
    // A file under a "cie" name or with the CIE extensions namespace is judged by the CIE rules.
    bool cie = text.find("cartaidentita.interno.gov.it/saml-extensions") != std::string::npos;
    auto sp = impl->registry.add(text, file, cie ? saml::Profile::cie : saml::Profile::spid,
                                 cfg.mock_idp.development);
    if (!sp) return fail(sp.error());
    impl->o.log->info("sp_registered", {{"entity_id", (*sp)->entity_id},
                                        {"source", file},
                                        {"failures", static_cast<std::uint64_t>((*sp)->report.failures())}});
  }
  return std::unique_ptr<IdentityProviders>(new IdentityProviders(std::move(impl)));
}

void IdentityProviders::addRoutes(http::Router& r, const http::Admin& admin) {
  Impl* s = impl_.get();
  r.get("/idp/{name}/metadata", [s](http::Request& req) { return s->metadata(req); });
  r.get("/idp/{name}/sso", [s](http::Request& req) { return s->sso(req); });
  r.post("/idp/{name}/sso", [s](http::Request& req) { return s->sso(req); });
  r.post("/idp/{name}/login", [s](http::Request& req) { return s->login(req); });
  r.post("/idp/{name}/consent", [s](http::Request& req) { return s->consent(req); });
  r.get("/idp/{name}/slo", [s](http::Request& req) { return s->slo(req); });
  r.post("/idp/{name}/slo", [s](http::Request& req) { return s->slo(req); });
  r.get("/idp/{name}/logout", [s](http::Request& req) { return s->sessionsPage(req); });
  r.post("/idp/{name}/logout", [s](http::Request& req) { return s->startLogout(req); });
  r.get("/_admin/sps", admin.guard([s](http::Request& req) { return s->adminSps(req); }));
  r.post("/_admin/sps", admin.guard([s](http::Request& req) { return s->adminRegisterSp(req); }));
  r.get("/_admin/users", admin.guard([s](http::Request& req) { return s->adminUsers(req); }));
  r.get("/_admin/journal", admin.guard([s](http::Request& req) { return s->adminJournal(req); }));
  r.post("/_admin/idp/{name}/login",
         admin.guard([s](http::Request& req) { return s->adminHeadlessLogin(req); }));
}

std::string IdentityProviders::endpointsJson() const {
  boost::json::array out;
  for (const auto& [name, idp] : impl_->idps) {
    out.push_back({{"name", name},
                   {"profile", std::string(saml::toString(idp.profile))},
                   {"display_name", idp.cfg.display_name},
                   {"entity_id", idp.cfg.entity_id},
                   {"metadata", idp.base + "/metadata"},
                   {"sso", {{"HTTP-Redirect", idp.base + "/sso"}, {"HTTP-POST", idp.base + "/sso"}}},
                   {"slo", {{"HTTP-Redirect", idp.base + "/slo"}, {"HTTP-POST", idp.base + "/slo"}}},
                   {"sessions", idp.base + "/logout"},
                   {"headless_login", impl_->o.config->mock_idp.headless_login
                                          ? boost::json::value("/_admin/idp/" + name + "/login")
                                          : boost::json::value(nullptr)}});
  }
  return boost::json::serialize(out);
}

}  // namespace sportello::idp
