// Logout: local, and SAML Single Logout both ways (spec/spid-cie.md, "Single Logout").
// SP-initiated: the session ends here first (whatever the IdP answers, the citizen is out), then a signed
// LogoutRequest goes to the IdP and its LogoutResponse is matched by InResponseTo. IdP-initiated: a
// LogoutRequest signed by a trusted IdP ends the sessions of that NameID (and SessionIndex) and is answered
// with a signed LogoutResponse.
#include "core/saml/binding.hpp"
#include "core/saml/logout.hpp"
#include "core/xml/document.hpp"
#include "gateway/cookies.hpp"
#include "gateway/pages.hpp"
#include "gateway/sp.hpp"

namespace sportello::gateway {

namespace {

std::string formField(const std::string& body, std::string_view name) {
  for (auto& [k, v] : http::parseForm(body)) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

http::Response ServiceProvider::logoutPage(http::Request& req) {
  auto s = sessionOf(req);
  if (!s)
    return page(200, loggedOutPage(o_.config->sp.organization, false, "Non risulta un accesso attivo."));
  return page(200, logoutConfirmPage(o_.config->sp.organization, s->identity));
}

http::Response ServiceProvider::logout(http::Request& req) {
  const auto& cfg = *o_.config;
  auto s = sessionOf(req);
  const std::string cleared = clearCookie(cfg.sessions.cookie_name, "Lax");
  if (!s) {
    auto resp = page(200, loggedOutPage(cfg.sp.organization, false, "Non risulta un accesso attivo."));
    resp.headers.add("Set-Cookie", cleared);
    return resp;
  }
  o_.sessions->end(s->id);
  o_.log->info("logout", {{"request_id", req.request_id}, {"idp", s->identity.idp_name}});
  auto idp = o_.trust->find(s->identity.idp_name);
  bool global = formField(req.body, "scope") != "local";
  if (!global || !idp || (idp->slo_redirect.empty() && idp->slo_post.empty())) {
    std::string note = global
                           ? "Il gestore dell'identità non offre la disconnessione da qui: chiudi il browser "
                             "per uscire anche da lì."
                           : "";
    auto resp = page(200, loggedOutPage(cfg.sp.organization, false, note));
    resp.headers.add("Set-Cookie", cleared);
    return resp;
  }

  const bool post = idp->slo_redirect.empty();
  saml::LogoutRequestSpec spec;
  spec.id = saml::newId();
  spec.now = o_.clock->now();
  spec.destination = post ? idp->slo_post : idp->slo_redirect;
  spec.issuer = entityId(s->identity.profile);
  spec.name_id = s->identity.name_id;
  spec.name_qualifier = s->identity.name_qualifier.empty() ? idp->entity_id : s->identity.name_qualifier;
  spec.session_index = s->identity.session_index;
  auto doc = saml::buildLogoutRequest(spec, post ? &o_.key : nullptr);
  if (!doc) {
    o_.log->error("logout_request_sign", {{"request_id", req.request_id}, {"error", doc.error().message}});
    auto resp = page(200, loggedOutPage(cfg.sp.organization, false, ""));
    resp.headers.add("Set-Cookie", cleared);
    return resp;
  }
  {
    std::lock_guard lock(mu_);
    const auto now = o_.clock->now();
    std::erase_if(logouts_, [now](const auto& kv) { return kv.second.expires <= now; });
    if (logouts_.size() < 100'000) {
      logouts_[spec.id] = PendingLogout{idp->name, s->identity.profile, now + cfg.sessions.login_timeout};
    }
  }
  http::Response resp;
  if (post) {
    resp = page(200, saml::postForm(spec.destination, true, doc->serialize(), std::nullopt));
  } else {
    std::string q = saml::encodeRedirect(doc->serialize(), true, std::nullopt, &o_.key);
    resp = http::Response::redirect(302, saml::redirectUrl(spec.destination, q));
  }
  resp.headers.add("Set-Cookie", cleared);
  return resp;
}

http::Response ServiceProvider::slo(http::Request& req, saml::Profile profile) {
  const auto& cfg = *o_.config;
  const bool redirect = req.method == "GET";
  auto reject = [&](int status, const std::string& rule, const std::string& detail) {
    o_.log->warn("slo_rejected", {{"request_id", req.request_id}, {"rule", rule}, {"detail", detail}});
    return error(req, status, "Disconnessione non riuscita", "Il messaggio di disconnessione non è valido.",
                 rule);
  };

  std::string xmlText;
  saml::Opt relay;
  std::optional<saml::RedirectMessage> rm;
  if (redirect) {
    auto d = saml::decodeRedirect(req.query());
    if (!d) return reject(400, d.error().rule, d.error().message);
    xmlText = d->xml;
    relay = d->relay_state;
    rm = std::move(*d);
  } else {
    auto d = saml::decodePost(req.body);
    if (!d) return reject(400, d.error().rule, d.error().message);
    xmlText = d->xml;
    relay = d->relay_state;
  }
  auto doc = xml::Document::parse(xmlText);
  if (!doc) return reject(400, doc.error().rule, doc.error().message);
  const xmlNode* issuerNode = xml::child(doc->root(), saml::ns::assertion, "Issuer");
  auto issuer = issuerNode ? xml::text(issuerNode) : std::nullopt;
  auto idp = issuer ? o_.trust->find(*issuer) : nullptr;
  if (!idp) return reject(403, "slo.idp", "no trusted IdP has entityID " + issuer.value_or("(none)"));

  // The sender's signature: on the query for HTTP-Redirect, embedded for HTTP-POST; pinned certificates only.
  bool verified = false;
  std::string why = "the message is not signed";
  for (const auto& cert : idp->certificates) {
    if (redirect) {
      auto v = saml::verifyRedirect(*rm, cert);
      verified = static_cast<bool>(v);
      if (!v) why = v.error().rule + ": " + v.error().message;
    } else if (xmlNodePtr sig = xml::signatureOf(doc->root())) {
      auto v = xml::verify(*doc, doc->root(), sig, cert);
      verified = static_cast<bool>(v);
      if (!v) why = v.error().rule + ": " + v.error().message;
    }
    if (verified) break;
  }
  if (!verified) return reject(403, "slo.signature", why);

  if (auto lr = saml::readLogoutResponse(*doc)) {
    std::optional<PendingLogout> pending;
    {
      std::lock_guard lock(mu_);
      if (lr->in_response_to) {
        auto it = logouts_.find(*lr->in_response_to);
        if (it != logouts_.end()) {
          pending = it->second;
          logouts_.erase(it);
        }
      }
    }
    if (!pending || pending->idp_name != idp->name) {
      return reject(403, "slo.in_response_to",
                    "no logout in progress with ID " + lr->in_response_to.value_or("(none)"));
    }
    bool success = lr->status == saml::status::success;
    o_.log->info("logout_completed", {{"request_id", req.request_id},
                                      {"idp", idp->name},
                                      {"status", lr->status.value_or("")},
                                      {"sub_status", lr->sub_status.value_or("")}});
    return page(
        200, loggedOutPage(cfg.sp.organization, success,
                           success ? "" : "Il gestore dell'identità non ha confermato la disconnessione."));
  }

  auto lq = saml::readLogoutRequest(*doc);
  if (!lq) return reject(400, lq.error().rule, lq.error().message);
  const std::string expected = url_ + (profile == saml::Profile::cie ? "/cie/slo" : "/spid/slo");
  std::string status{saml::status::success};
  std::string sub;
  std::size_t ended = 0;
  if (lq->destination != expected) {
    status = std::string(saml::status::requester);
    o_.log->warn("slo_rejected",
                 {{"request_id", req.request_id},
                  {"rule", "slo.destination"},
                  {"detail", "Destination " + lq->destination.value_or("(none)") + " is not " + expected}});
  } else {
    std::string index = lq->session_indexes.empty() ? std::string() : lq->session_indexes.front();
    for (const auto& s : o_.sessions->byNameId(idp->entity_id, lq->name_id.value_or(""), index)) {
      ended += o_.sessions->end(s->id) ? 1 : 0;
    }
    o_.log->info("idp_logout", {{"request_id", req.request_id},
                                {"idp", idp->name},
                                {"sessions_ended", static_cast<std::uint64_t>(ended)}});
  }
  saml::LogoutResponseSpec spec;
  spec.now = o_.clock->now();
  const bool post = idp->slo_redirect.empty();
  spec.destination = post ? idp->slo_post : idp->slo_redirect;
  spec.issuer = entityId(profile);
  spec.in_response_to = lq->id.value_or("");
  spec.status = status;
  spec.sub_status = sub;
  auto answer = saml::buildLogoutResponse(spec, post ? &o_.key : nullptr);
  if (!answer) return reject(500, answer.error().rule, answer.error().message);
  if (post) return page(200, saml::postForm(spec.destination, false, answer->serialize(), relay));
  std::string q = saml::encodeRedirect(answer->serialize(), false, relay, &o_.key);
  return http::Response::redirect(302, saml::redirectUrl(spec.destination, q));
}

}  // namespace sportello::gateway
