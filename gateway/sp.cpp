#include "gateway/sp.hpp"

#include "core/saml/authn_request.hpp"
#include "core/saml/binding.hpp"
#include "core/saml/response.hpp"
#include "core/saml/response_rules.hpp"
#include "core/saml/sp_metadata.hpp"
#include "core/xml/document.hpp"
#include "gateway/cookies.hpp"
#include "gateway/pages.hpp"

namespace sportello::gateway {

namespace {

constexpr std::string_view kLoginCookie = "sportello_login";

std::string jsonString(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

bool isToken(std::string_view v) {
  if (v.size() != 43) return false;
  for (char c : v) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

saml::SpMetadataSpec metadataSpec(const config::Config& c, saml::Profile p, const std::string& url) {
  saml::SpMetadataSpec s;
  s.profile = p;
  const bool cie = p == saml::Profile::cie;
  s.entity_id = cie ? c.sp.cie_entity_id : c.sp.entity_id;
  s.acs = {url + (cie ? "/cie/acs" : "/spid/acs")};
  s.slo = url + (cie ? "/cie/slo" : "/spid/slo");
  if (cie) {
    s.attribute_services = {{0, "Servizi online", {"name", "familyName", "dateOfBirth", "fiscalNumber"}}};
  } else {
    for (const auto& a : c.sp.attribute_services)
      s.attribute_services.push_back({a.index, a.name, a.attributes});
  }
  s.organization_name = s.organization_display_name = c.sp.organization;
  s.organization_url = c.sp.organization_url;
  s.public_sector = c.sp.public_sector;
  s.ipa_code = c.sp.ipa_code;
  s.vat_number = c.sp.vat_number;
  s.contact_email = c.sp.contact_email;
  s.contact_phone = c.sp.contact_phone;
  return s;
}

// What the citizen reads when the ACS refuses a Response, by the first rule that failed.
std::string citizenMessage(std::string_view rule) {
  if (rule.find("signature") != std::string_view::npos || rule == "assertion.present") {
    return "La risposta del gestore dell'identità non è firmata come previsto: per sicurezza l'accesso è "
           "stato bloccato.";
  }
  if (rule == "response.replay") {
    return "Questa risposta di autenticazione è già stata usata. Per sicurezza ogni risposta vale una sola "
           "volta: "
           "ripeti l'accesso.";
  }
  if (rule.find("instant") != std::string_view::npos ||
      rule.find("not_on_or_after") != std::string_view::npos ||
      rule.find("not_before") != std::string_view::npos ||
      rule.find("conditions") != std::string_view::npos) {
    return "La risposta di autenticazione è scaduta o non ancora valida. Ripeti l'accesso; se succede "
           "ancora, "
           "controlla che l'orologio del computer sia corretto.";
  }
  if (rule.find("level") != std::string_view::npos || rule.find("authn_context") != std::string_view::npos) {
    return "Il livello di sicurezza dell'accesso non è quello richiesto dal servizio.";
  }
  return "La risposta del gestore dell'identità non rispetta le regole tecniche SPID/CIE e non può essere "
         "accettata.";
}

}  // namespace

std::string ServiceProvider::safeNext(std::string_view next) {
  if (next.empty() || next.front() != '/' || next.size() > 2048) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '\\') return "/";
  }
  return std::string(next);
}

ServiceProvider::ServiceProvider(Options o) : o_(std::move(o)) {
  url_ = o_.config->server.public_url;
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  spid_entity_ = o_.config->sp.entity_id;
  cie_entity_ = o_.config->sp.cie_entity_id;
}

Result<std::unique_ptr<ServiceProvider>, std::string> ServiceProvider::create(Options options) {
  std::unique_ptr<ServiceProvider> sp(new ServiceProvider(std::move(options)));
  for (auto p : {saml::Profile::spid, saml::Profile::cie}) {
    auto doc = saml::buildSpMetadata(metadataSpec(*sp->o_.config, p, sp->url_), sp->o_.key);
    if (!doc) return fail("SP metadata (" + std::string(saml::toString(p)) + "): " + doc.error().message);
    (p == saml::Profile::spid ? sp->spid_metadata_ : sp->cie_metadata_) = doc->serialize();
  }
  return sp;
}

const std::string& ServiceProvider::metadata(saml::Profile p) const {
  return p == saml::Profile::cie ? cie_metadata_ : spid_metadata_;
}

const std::string& ServiceProvider::entityId(saml::Profile p) const {
  return p == saml::Profile::cie ? cie_entity_ : spid_entity_;
}

void ServiceProvider::addRoutes(http::Router& r) {
  for (auto p : {saml::Profile::spid, saml::Profile::cie}) {
    const std::string base = p == saml::Profile::cie ? "/cie" : "/spid";
    r.get(base + "/metadata", [this, p](http::Request&) {
      auto resp = http::Response::text(200, metadata(p));
      resp.headers.set("Content-Type", "application/samlmetadata+xml");
      return resp;
    });
    r.post(base + "/acs", [this, p](http::Request& req) { return acs(req, p); });
    r.get(base + "/slo", [this, p](http::Request& req) { return slo(req, p); });
    r.post(base + "/slo", [this, p](http::Request& req) { return slo(req, p); });
  }
  r.get("/login", [this](http::Request& req) { return discoveryOrLogin(req); });
  r.get("/sessione", [this](http::Request& req) { return sessionInfo(req); });
  r.get("/logout", [this](http::Request& req) { return logoutPage(req); });
  r.post("/logout", [this](http::Request& req) { return logout(req); });
}

http::Response ServiceProvider::page(int status, std::string html) const {
  auto resp = http::Response::html(status, std::move(html));
  resp.headers.set("Cache-Control", "no-store");
  return resp;
}

http::Response ServiceProvider::error(http::Request& req, int status, std::string title, std::string message,
                                      std::string rule, const saml::Report* report) const {
  ErrorData d;
  d.administration = o_.config->sp.organization;
  d.title = std::move(title);
  d.message = std::move(message);
  d.rule = std::move(rule);
  d.request_id = req.request_id;
  d.report = report;
  return page(status, errorPage(d));
}

std::shared_ptr<const Session> ServiceProvider::sessionOf(const http::Request& req) const {
  auto id = cookie(req, o_.config->sessions.cookie_name);
  if (!id || !isToken(*id)) return nullptr;
  return o_.sessions->find(std::string(*id));
}

std::string ServiceProvider::loginUrl(std::string_view next, int level, std::string_view auth) const {
  return "/login?next=" + http::percentEncode(safeNext(next)) + "&level=" + std::to_string(level) +
         "&auth=" + std::string(auth);
}

http::Response ServiceProvider::discoveryOrLogin(http::Request& req) {
  std::string next = safeNext(req.queryParam("next").value_or("/sessione"));
  int level = o_.config->sp.default_level;
  if (auto l = req.queryParam("level"); l && l->size() == 1 && (*l)[0] >= '1' && (*l)[0] <= '3') {
    level = (*l)[0] - '0';
  }
  std::string auth = req.queryParam("auth").value_or("any");
  if (auth != "spid" && auth != "cie") auth = "any";

  if (auto which = req.queryParam("idp")) {
    auto idp = o_.trust->find(*which);
    if (!idp) {
      return error(req, 404, "Gestore dell'identità sconosciuto",
                   "Il gestore dell'identità scelto non è tra quelli accettati da questo servizio.",
                   "login.idp");
    }
    return startLogin(req, *idp, level, next);
  }

  DiscoveryData d;
  d.administration = o_.config->sp.organization;
  d.level = level;
  if (req.queryParam("next")) d.notice = "Per continuare è necessario accedere con la tua identità digitale.";
  for (const auto& idp : o_.trust->all()) {
    bool cie = idp->profile == saml::Profile::cie;
    if ((auth == "spid" && cie) || (auth == "cie" && !cie)) continue;
    IdpChoice c{idp->display_name, "/login?idp=" + http::percentEncode(idp->name) + "&next=" +
                                       http::percentEncode(next) + "&level=" + std::to_string(level)};
    (cie ? d.cie : d.spid).push_back(std::move(c));
  }
  return page(200, discoveryPage(d));
}

http::Response ServiceProvider::startLogin(http::Request& req, const TrustedIdp& idp, int level,
                                           const std::string& next) {
  const auto& cfg = *o_.config;
  const bool cie = idp.profile == saml::Profile::cie;
  bool post = cfg.sp.authn_binding == "HTTP-POST";
  if (post && idp.sso_post.empty()) post = false;
  if (!post && idp.sso_redirect.empty()) post = true;
  const std::string& destination = post ? idp.sso_post : idp.sso_redirect;

  saml::AuthnRequestSpec spec;
  spec.id = saml::newId();
  spec.issue_instant = o_.clock->now();
  spec.destination = destination;
  spec.issuer = entityId(idp.profile);
  spec.acs_index = 0;
  spec.attribute_consuming_service_index = cie ? 0 : cfg.sp.attribute_services.front().index;
  spec.level = static_cast<saml::Level>(level);
  spec.comparison = saml::Comparison::minimum;
  spec.force_authn = cie || level > 1;
  auto doc = saml::buildAuthnRequest(spec);

  std::string nonce;
  if (auto c = cookie(req, kLoginCookie); c && isToken(*c)) {
    nonce = std::string(*c);
  } else {
    nonce = randomToken();
  }
  PendingLogin login;
  login.browser_nonce = nonce;
  login.request_id = spec.id;
  login.request_issue_instant = spec.issue_instant;
  login.idp_name = idp.name;
  login.profile = idp.profile;
  login.level = spec.level;
  login.comparison = spec.comparison;
  login.attribute_service = *spec.attribute_consuming_service_index;
  login.return_to = next;
  std::string relay = o_.sessions->beginLogin(std::move(login));

  http::Response resp;
  if (post) {
    xmlNodePtr issuer = xml::child(doc.root(), saml::ns::assertion, "Issuer");
    if (auto s = xml::sign(doc, doc.root(), o_.key, xml::SignatureAlgorithm::rsa_sha256, issuer); !s) {
      o_.log->error("authn_request_sign", {{"request_id", req.request_id}, {"error", s.error().message}});
      return error(req, 500, "Errore interno", "Non è stato possibile preparare la richiesta di accesso.",
                   s.error().rule);
    }
    resp = page(200, saml::postForm(destination, true, doc.serialize(), relay));
  } else {
    std::string q = saml::encodeRedirect(doc.serialize(), true, relay, &o_.key);
    resp = http::Response::redirect(302, saml::redirectUrl(destination, q));
    resp.headers.set("Cache-Control", "no-store");
  }
  resp.headers.add("Set-Cookie", setCookie(kLoginCookie, nonce, "None", cfg.sessions.login_timeout));
  o_.log->info("login_started", {{"request_id", req.request_id},
                                 {"idp", idp.name},
                                 {"authn_request_id", spec.id},
                                 {"binding", post ? "HTTP-POST" : "HTTP-Redirect"},
                                 {"level", level}});
  o_.metrics->counter("sportello_sp_logins_started_total", "Logins started at an IdP", {{"idp", idp.name}})
      .inc();
  return resp;
}

http::Response ServiceProvider::acs(http::Request& req, saml::Profile profile) {
  auto refused = [&](int status, const std::string& rule, const std::string& detail, std::string title,
                     std::string message, const saml::Report* report = nullptr) {
    o_.log->warn("acs_rejected", {{"request_id", req.request_id},
                                  {"profile", saml::toString(profile)},
                                  {"rule", rule},
                                  {"detail", detail},
                                  {"status", status}});
    o_.metrics->counter("sportello_sp_acs_total", "Responses judged at the ACS", {{"outcome", "rejected"}})
        .inc();
    return error(req, status, std::move(title), std::move(message), rule, report);
  };

  auto posted = saml::decodePost(req.body);
  if (!posted || posted->is_request) {
    std::string detail = posted ? "a SAMLRequest was posted to the ACS" : posted.error().message;
    return refused(400, posted ? "acs.binding" : posted.error().rule, detail, "Accesso non riuscito",
                   "La risposta del gestore dell'identità non è leggibile.");
  }
  if (!posted->relay_state || posted->relay_state->empty()) {
    return refused(403, "acs.relay_state", "no RelayState: not an answer to a login started here",
                   "Accesso non riuscito",
                   "La risposta non corrisponde a un accesso avviato da questo servizio.");
  }
  auto login = o_.sessions->takeLogin(*posted->relay_state);
  if (!login) {
    return refused(
        403, "acs.relay_state", "no login in progress for this RelayState (unknown, used or expired)",
        "Accesso non riuscito",
        "La risposta non corrisponde a un accesso in corso: potrebbe essere già stata usata o scaduta. "
        "Ripeti l'accesso.");
  }
  if (login->profile != profile) {
    return refused(403, "acs.endpoint",
                   "a " + std::string(saml::toString(login->profile)) + " login answered at the " +
                       std::string(saml::toString(profile)) + " ACS",
                   "Accesso non riuscito", "La risposta è arrivata all'indirizzo sbagliato.");
  }
  auto nonce = cookie(req, kLoginCookie);
  if (!nonce || *nonce != login->browser_nonce) {
    return refused(403, "acs.browser_binding",
                   "the login was started in another browser (login cookie differs)", "Accesso non riuscito",
                   "La risposta non appartiene a un accesso avviato da questo browser. Ripeti l'accesso.");
  }
  auto idp = o_.trust->find(login->idp_name);
  if (!idp) {
    return refused(403, "acs.idp", "the IdP " + login->idp_name + " is no longer trusted",
                   "Accesso non riuscito", "Il gestore dell'identità non è più tra quelli accettati.");
  }

  const auto& cfg = *o_.config;
  saml::ResponseContext ctx;
  ctx.profile = profile;
  ctx.now = o_.clock->now();
  ctx.skew = cfg.sp.clock_skew;
  ctx.idp_entity_id = idp->entity_id;
  ctx.sp_entity_id = entityId(profile);
  ctx.acs_url = url_ + (profile == saml::Profile::cie ? "/cie/acs" : "/spid/acs");
  ctx.expected_in_response_to = login->request_id;
  ctx.request_issue_instant = login->request_issue_instant;
  ctx.requested_level = login->level;
  ctx.comparison = login->comparison;
  if (profile == saml::Profile::cie) {
    ctx.requested_attributes = std::vector<std::string>{"name", "familyName", "dateOfBirth", "fiscalNumber"};
  } else {
    for (const auto& a : cfg.sp.attribute_services) {
      if (a.index == login->attribute_service) ctx.requested_attributes = a.attributes;
    }
  }
  ctx.replay = &replay_;
  auto outcome = saml::checkResponse(posted->xml, ctx, idp->certificates);

  if (!outcome.accepted) {
    const saml::Verdict* first = outcome.report.firstFailure();
    std::string rule = first ? first->rule : "acs.rejected";
    std::string detail = first ? first->detail : "";
    // An error Response names its nrNN only when its own signature verified: an unsigned one could make
    // any page appear.
    bool signedError = false;
    for (const auto& v : outcome.report.verdicts) {
      if (v.rule == "response.signature") signedError = v.outcome == saml::Outcome::pass;
    }
    if (outcome.spid_error != 0 && signedError) {
      // The IdP ended the login with an error (nr19..nr30): say what it means, not "invalid response".
      o_.log->info("acs_idp_error", {{"request_id", req.request_id},
                                     {"idp", idp->name},
                                     {"spid_error", outcome.spid_error},
                                     {"rule", rule}});
      return refused(401, "idp.error_nr" + std::to_string(outcome.spid_error),
                     saml::spidErrorMessage(outcome.spid_error), "Accesso non completato",
                     std::string(saml::spidErrorDescription(outcome.spid_error)), &outcome.report);
    }
    return refused(403, rule, detail, "Accesso non riuscito", citizenMessage(rule), &outcome.report);
  }

  Identity who;
  who.profile = profile;
  who.idp_name = idp->name;
  who.idp_entity_id = idp->entity_id;
  who.name_id = outcome.identity.name_id;
  who.name_qualifier = outcome.identity.name_qualifier;
  who.session_index = outcome.identity.session_index;
  who.assertion_id = outcome.identity.assertion_id;
  who.level = outcome.identity.level;
  who.attributes = std::move(outcome.identity.attributes);
  auto session = o_.sessions->create(std::move(who));
  o_.log->info("acs_accepted", {{"request_id", req.request_id},
                                {"idp", idp->name},
                                {"assertion_id", session->identity.assertion_id},
                                {"level", static_cast<int>(session->identity.level)}});
  o_.metrics->counter("sportello_sp_acs_total", "Responses judged at the ACS", {{"outcome", "accepted"}})
      .inc();

  auto resp = page(200, loggedInPage(cfg.sp.organization, session->identity, login->return_to));
  resp.headers.add("Set-Cookie", setCookie(cfg.sessions.cookie_name, session->id, "Lax"));
  return resp;
}

http::Response ServiceProvider::sessionInfo(http::Request& req) {
  auto s = sessionOf(req);
  auto accept = req.headers.get("Accept");
  bool json = accept && accept->find("application/json") != std::string_view::npos;
  if (!s) {
    if (json) return http::Response::error(401, "no_session", "not logged in");
    return http::Response::redirect(303, loginUrl("/sessione", o_.config->sp.default_level, "any"));
  }
  if (json) {
    const Identity& i = s->identity;
    std::string j = "{\"profile\":" + jsonString(saml::toString(i.profile)) +
                    ",\"idp\":" + jsonString(i.idp_name) +
                    ",\"idp_entity_id\":" + jsonString(i.idp_entity_id) +
                    ",\"level\":" + std::to_string(static_cast<int>(i.level)) +
                    ",\"fiscal_code\":" + jsonString(i.fiscalCode()) + ",\"attributes\":{";
    for (std::size_t k = 0; k < i.attributes.size(); ++k) {
      if (k > 0) j += ",";
      j += jsonString(i.attributes[k].first) + ":" + jsonString(i.attributes[k].second);
    }
    j += "}}";
    auto resp = http::Response::json(200, std::move(j));
    resp.headers.set("Cache-Control", "no-store");
    return resp;
  }
  return page(200, sessionPage(o_.config->sp.organization, *s));
}

std::string ServiceProvider::endpointsJson() const {
  std::string j = "{";
  for (auto p : {saml::Profile::spid, saml::Profile::cie}) {
    const std::string base = url_ + (p == saml::Profile::cie ? "/cie" : "/spid");
    if (p == saml::Profile::cie) j += ",";
    j += jsonString(saml::toString(p)) + ":{\"entity_id\":" + jsonString(entityId(p)) +
         ",\"metadata\":" + jsonString(base + "/metadata") + ",\"acs\":" + jsonString(base + "/acs") +
         ",\"slo\":" + jsonString(base + "/slo") + "}";
  }
  j += ",\"discovery\":" + jsonString(url_ + "/login") + ",\"logout\":" + jsonString(url_ + "/logout") +
       ",\"session\":" + jsonString(url_ + "/sessione") + ",\"login\":[";
  bool first = true;
  for (const auto& idp : o_.trust->all()) {
    if (!first) j += ",";
    first = false;
    j += "{\"idp\":" + jsonString(idp->name) + ",\"entity_id\":" + jsonString(idp->entity_id) +
         ",\"profile\":" + jsonString(saml::toString(idp->profile)) +
         ",\"source\":" + jsonString(idp->source) +
         ",\"url\":" + jsonString(url_ + "/login?idp=" + http::percentEncode(idp->entity_id)) + "}";
  }
  j += "]}";
  return j;
}

}  // namespace sportello::gateway
