#include "gateway/pages.hpp"

#include <algorithm>
#include <random>

#include "core/saml/names.hpp"
#include "core/web/page.hpp"

namespace sportello::gateway {

namespace {

using web::escape;

std::string wrap(const std::string& administration, const std::string& title, const std::string& body) {
  return web::page({title, administration, "Servizi online", "spid"}, body);
}

std::string identityList(const Identity& who) {
  std::string h = "<dl class=\"identity\">\n";
  for (const auto& [name, value] : who.attributes) {
    // The codice fiscale as citizens know it, without the "TINIT-" of the SAML attribute.
    std::string_view shown = value;
    if (name == "fiscalNumber" && shown.starts_with("TINIT-")) shown.remove_prefix(6);
    h += "<dt>" + escape(saml::attributeLabel(name)) + "</dt><dd>" + escape(shown) + "</dd>\n";
  }
  h += "<dt>Livello di autenticazione</dt><dd>" +
       std::string(who.profile == saml::Profile::cie ? "CIE, " : "SPID ") + "livello " +
       std::to_string(static_cast<int>(who.level)) + "</dd>\n";
  h += "</dl>\n";
  return h;
}

std::string displayName(const Identity& who) {
  std::string n = who.attribute("name"), f = who.attribute("familyName");
  if (n.empty() && f.empty()) return "cittadino";
  return n + (n.empty() ? "" : " ") + f;
}

}  // namespace

std::string discoveryPage(const DiscoveryData& d) {
  std::string b;
  if (!d.notice.empty()) b += "<div class=\"alert\" role=\"status\">" + escape(d.notice) + "</div>\n";
  b += "<div class=\"card\">\n<p>Per accedere ai servizi online del comune usa la tua identità "
       "digitale.</p>\n";
  if (!d.spid.empty()) {
    // The official button lists the identity providers in random order, so that none is favoured.
    std::vector<IdpChoice> spid = d.spid;
    thread_local std::mt19937 rng{std::random_device{}()};
    std::shuffle(spid.begin(), spid.end(), rng);
    b += "<h2>SPID, il Sistema Pubblico di Identità Digitale</h2>\n"
         "<details class=\"idp-menu\" id=\"spid-button\">\n<summary class=\"btn\" aria-haspopup=\"true\">"
         "<span class=\"spid-mark\" aria-hidden=\"true\">ID</span> Entra con SPID</summary>\n"
         "<ul class=\"idp-list\" aria-label=\"Scegli il tuo gestore di identità SPID\">\n";
    for (const auto& c : spid) {
      b += "<li><a href=\"" + escape(c.login_url) + "\">" + escape(c.display_name) + "</a></li>\n";
    }
    b += "</ul>\n</details>\n<p class=\"small\"><a href=\"https://www.spid.gov.it\">Maggiori informazioni su "
         "SPID</a> · <a href=\"https://www.spid.gov.it/cos-e-spid/come-attivare-spid/\">Non hai SPID?</a> · "
         "<a href=\"https://www.spid.gov.it/serve-aiuto\">Serve aiuto?</a></p>\n";
  }
  if (!d.cie.empty()) {
    b += "<h2>CIE, la Carta d'Identità Elettronica</h2>\n";
    for (const auto& c : d.cie) {
      b += "<p><a class=\"btn\" id=\"cie-button\" href=\"" + escape(c.login_url) +
           "\"><span class=\"spid-mark\" aria-hidden=\"true\">CIE</span> Entra con CIE</a>" +
           (d.cie.size() > 1 ? " <span class=\"small\">" + escape(c.display_name) + "</span>" : "") +
           "</p>\n";
    }
  }
  if (d.spid.empty() && d.cie.empty()) {
    b += "<p>Nessun gestore di identità è configurato: aggiungi [[idps]] o [[external_idps]] alla "
         "configurazione.</p>\n";
  }
  b += "<p class=\"small\">Livello di sicurezza richiesto: SPID " + std::to_string(d.level) +
       ".</p>\n</div>\n";
  return wrap(d.administration, "Accedi ai servizi", b);
}

std::string loggedInPage(const std::string& administration, const Identity& who, const std::string& next) {
  // A 200 with a refresh rather than a redirect: validators read 200 as "accepted", and the page still
  // takes the browser on at once.
  std::string b = "<meta http-equiv=\"refresh\" content=\"0;url=" + escape(next) +
                  "\">\n<div class=\"alert ok\" role=\"status\">Accesso effettuato: benvenuto, " +
                  escape(displayName(who)) + ".</div>\n<p><a class=\"btn\" href=\"" + escape(next) +
                  "\">Continua</a></p>\n";
  return wrap(administration, "Accesso effettuato", b);
}

std::string sessionPage(const std::string& administration, const Session& s) {
  std::string b = "<div class=\"card\">\n<p>Hai effettuato l'accesso come <strong>" +
                  escape(displayName(s.identity)) + "</strong>.</p>\n" + identityList(s.identity) +
                  "<p class=\"small\">Gestore dell'identità: " + escape(s.identity.idp_entity_id) +
                  "</p>\n<p><a class=\"btn outline\" href=\"/logout\">Esci</a></p>\n</div>\n";
  return wrap(administration, "La tua sessione", b);
}

std::string logoutConfirmPage(const std::string& administration, const Identity& who) {
  std::string b =
      "<div class=\"card\">\n<p>Stai per uscire, " + escape(displayName(who)) +
      ".</p>\n<form method=\"post\" action=\"/logout\">\n"
      "<button class=\"btn\" type=\"submit\" name=\"scope\" value=\"global\">Esci da tutti i servizi "
      "(anche dal gestore dell'identità)</button>\n"
      "<button class=\"btn outline\" type=\"submit\" name=\"scope\" value=\"local\">Esci solo da "
      "questo sito</button>\n</form>\n</div>\n";
  return wrap(administration, "Esci", b);
}

std::string loggedOutPage(const std::string& administration, bool everywhere, const std::string& note) {
  std::string b = "<div class=\"alert ok\" role=\"status\">" +
                  std::string(everywhere ? "Sei uscito dal servizio e dal gestore dell'identità."
                                         : "Sei uscito dal servizio.") +
                  "</div>\n";
  if (!note.empty()) b += "<p>" + escape(note) + "</p>\n";
  b += "<p><a class=\"btn\" href=\"/login\">Accedi di nuovo</a></p>\n";
  return wrap(administration, "Disconnessione completata", b);
}

std::string errorPage(const ErrorData& d) {
  std::string b = "<div class=\"alert\" role=\"alert\"><p>" + escape(d.message) + "</p></div>\n";
  b += "<p><a class=\"btn\" href=\"" + escape(d.retry_url) + "\">Riprova l'accesso</a></p>\n";
  b += "<details class=\"card\"><summary>Per sviluppatori</summary>\n";
  if (!d.rule.empty()) b += "<p>Regola non superata: <code>" + escape(d.rule) + "</code></p>\n";
  if (!d.request_id.empty())
    b += "<p>Identificativo della richiesta: <code>" + escape(d.request_id) + "</code></p>\n";
  if (d.report != nullptr) {
    b += "<table><thead><tr><th>Regola</th><th>Esito</th><th>Dettaglio</th></tr></thead><tbody>\n";
    for (const auto& v : d.report->verdicts) {
      const char* cls = v.outcome == saml::Outcome::pass   ? "pass"
                        : v.outcome == saml::Outcome::fail ? "fail"
                                                           : "na";
      const char* label = v.outcome == saml::Outcome::pass   ? "superata"
                          : v.outcome == saml::Outcome::fail ? "NON superata"
                                                             : "non applicabile";
      b += "<tr><td><code>" + escape(v.rule) + "</code></td><td class=\"" + cls + "\">" + label +
           "</td><td>" + escape(v.detail) + "</td></tr>\n";
    }
    b += "</tbody></table>\n";
  }
  b += "</details>\n";
  return wrap(d.administration, d.title, b);
}

}  // namespace sportello::gateway
