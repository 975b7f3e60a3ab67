#include "mocks/idp/pages.hpp"

#include <map>

#include "core/saml/binding.hpp"

namespace sportello::idp {

namespace {

using saml::htmlEscape;

constexpr std::string_view kStyle = R"(<style>
body{font-family:"Titillium Web",system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f5f5f0}
header{background:#0066cc;color:#fff;padding:1rem 1.5rem}
header.cie{background:#004d99}
header h1{margin:0;font-size:1.4rem}
main{max-width:40rem;margin:1.5rem auto;padding:0 1rem}
section{background:#fff;border-radius:4px;padding:1rem 1.25rem;margin-bottom:1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:1.15rem;color:#0066cc;margin-top:0}
label{display:block;font-weight:600;margin:.6rem 0 .2rem}
input[type=text],input[type=password],select{width:100%;padding:.5rem;font-size:1rem;border:1px solid #5c6f82;border-radius:4px;box-sizing:border-box}
button{background:#0066cc;color:#fff;border:0;border-radius:4px;padding:.6rem 1.1rem;font-size:1rem;margin:.6rem .4rem 0 0;cursor:pointer}
button.secondary{background:#fff;color:#0066cc;border:2px solid #0066cc}
button.danger{background:#fff;color:#a61919;border:2px solid #a61919}
button:focus,input:focus,select:focus{outline:3px solid #ffbf47;outline-offset:2px}
.alert{border-left:6px solid #a61919;background:#fdecec;padding:.75rem 1rem;margin-bottom:1rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .4rem;border-bottom:1px solid #e6e9f2;vertical-align:top}
.pass{color:#00805c}.fail{color:#a61919;font-weight:600}.na{color:#5c6f82}
code{background:#eef3fb;padding:.05rem .25rem;border-radius:3px;overflow-wrap:anywhere}
details summary{cursor:pointer;font-weight:600}
</style>)";

std::string head(const PageIdp& idp, const std::string& title) {
  return "<!doctype html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         htmlEscape(title) + " — " + htmlEscape(idp.display_name) + "</title>\n" + std::string(kStyle) +
         "\n</head>\n<body>\n<header class=\"" + (idp.cie ? "cie" : "spid") + "\"><h1>" +
         htmlEscape(idp.display_name) + "</h1><p>" +
         (idp.cie ? "Identity provider CIE di prova" : "Identity provider SPID di prova") +
         " — solo per test, non usare credenziali reali</p></header>\n<main>\n";
}

constexpr std::string_view kFoot = "</main>\n</body>\n</html>\n";

std::string verdicts(const saml::Report* report, bool development) {
  if (report == nullptr) return "";
  std::string h = "<section>\n<details" + std::string(report->ok() ? "" : " open") +
                  "><summary>Per sviluppatori: verifiche sulla richiesta (" +
                  std::to_string(report->verdicts.size()) + " regole, " + std::to_string(report->failures()) +
                  " non superate)</summary>\n";
  if (development) {
    h += "<p>Profilo di sviluppo attivo: i controlli solo di produzione (https, porte) sono segnalati ma non "
         "bloccano.</p>\n";
  }
  h += "<table><thead><tr><th>Regola</th><th>Esito</th><th>Dettaglio</th></tr></thead><tbody>\n";
  for (const auto& v : report->verdicts) {
    const char* cls = v.outcome == saml::Outcome::pass   ? "pass"
                      : v.outcome == saml::Outcome::fail ? "fail"
                                                         : "na";
    const char* label = v.outcome == saml::Outcome::pass   ? "superata"
                        : v.outcome == saml::Outcome::fail ? "NON superata"
                                                           : "non applicabile";
    h += "<tr><td><code>" + htmlEscape(v.rule) + "</code><br>" + htmlEscape(v.description) +
         "</td><td class=\"" + cls + "\">" + label + "</td><td>" + htmlEscape(v.detail) + "</td></tr>\n";
  }
  h += "</tbody></table>\n</details>\n</section>\n";
  return h;
}

}  // namespace

std::string renderLogin(const LoginPageData& d) {
  std::string h = head(d.idp, "Accedi");
  if (!d.error.empty()) h += "<div class=\"alert\" role=\"alert\">" + htmlEscape(d.error) + "</div>\n";
  h += "<section>\n<h2>Accedi a " + htmlEscape(d.sp_name) + "</h2>\n<p>Livello richiesto: <code>" +
       htmlEscape(d.level_uri) +
       "</code></p>\n<form method=\"post\" action=\"login\">\n"
       "<input type=\"hidden\" name=\"tx\" value=\"" +
       htmlEscape(d.tx) +
       "\">\n"
       "<label for=\"username\">Nome utente</label>\n"
       "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required "
       "list=\"utenti\">\n"
       "<datalist id=\"utenti\">";
  for (const TestUser* u : d.users) h += "<option value=\"" + htmlEscape(u->username) + "\">";
  h += "</datalist>\n<label for=\"password\">Password</label>\n"
       "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\">\n"
       "<button type=\"submit\" name=\"action\" value=\"login\">Entra</button>\n"
       "<button type=\"submit\" name=\"action\" value=\"cancel\" class=\"secondary\" "
       "formnovalidate>Annulla</button>\n"
       "</form>\n</section>\n";
  h += "<section>\n<h2>Utenti di "
       "prova</h2>\n<table><thead><tr><th>Utente</th><th>Password</th><th>Livello</th>"
       "<th>Nome</th></tr></thead><tbody>\n";
  for (const TestUser* u : d.users) {
    h += "<tr><td><code>" + htmlEscape(u->username) + "</code></td><td><code>" + htmlEscape(u->password) +
         "</code></td><td>SpidL" + std::to_string(static_cast<int>(u->level)) + "</td><td>" +
         htmlEscape(u->displayName()) + (u->status != TestUser::Status::active ? " (sospeso/revocato)" : "") +
         "</td></tr>\n";
  }
  h += "</tbody></table>\n</section>\n";
  h += "<section>\n<h2>Concludi con un errore SPID</h2>\n<p>Per verificare come il servizio gestisce gli "
       "errori, termina il login con uno degli esiti previsti dalle regole tecniche.</p>\n"
       "<form method=\"post\" action=\"login\">\n<input type=\"hidden\" name=\"tx\" value=\"" +
       htmlEscape(d.tx) + "\">\n";
  for (auto [code, label] : std::vector<std::pair<int, const char*>>{{19, "nr19 credenziali errate ripetute"},
                                                                     {20, "nr20 livello non disponibile"},
                                                                     {21, "nr21 tempo scaduto"},
                                                                     {22, "nr22 consenso negato"},
                                                                     {23, "nr23 identità sospesa o revocata"},
                                                                     {25, "nr25 annullato dall'utente"},
                                                                     {30, "nr30 tipo di identità errato"}}) {
    h += "<button type=\"submit\" class=\"danger\" name=\"action\" value=\"error-" + std::to_string(code) +
         "\">" + label + "</button>\n";
  }
  h += "</form>\n</section>\n";
  h += verdicts(d.report, d.development);
  h += kFoot;
  return h;
}

std::string renderConsent(const ConsentPageData& d) {
  std::string h = head(d.idp, "Consenso");
  h += "<section>\n<h2>" + htmlEscape(d.sp_name) + " chiede questi dati</h2>\n<p>Utente: <strong>" +
       htmlEscape(d.user_name) + "</strong></p>\n<table><tbody>\n";
  for (const auto& [name, value] : d.attributes) {
    h += "<tr><th scope=\"row\">" + htmlEscape(std::string(saml::attributeLabel(name))) + "</th><td>" +
         htmlEscape(value) + "</td></tr>\n";
  }
  h += "</tbody></table>\n";
  if (!d.missing.empty()) {
    h += "<p>Richiesti ma non disponibili per questo utente: ";
    for (std::size_t i = 0; i < d.missing.size(); ++i) {
      if (i > 0) h += ", ";
      h += htmlEscape(std::string(saml::attributeLabel(d.missing[i])));
    }
    h += ".</p>\n";
  }
  h +=
      "<form method=\"post\" action=\"consent\">\n<input type=\"hidden\" name=\"tx\" value=\"" +
      htmlEscape(d.tx) +
      "\">\n<button type=\"submit\" name=\"decision\" value=\"accept\">Acconsento</button>\n"
      "<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\">Non acconsento</button>\n"
      "</form>\n</section>\n";
  h += kFoot;
  return h;
}

std::string renderError(const PageIdp& idp, const std::string& title, const std::string& message,
                        const saml::Report* report, const std::string& request_id) {
  std::string h = head(idp, title);
  h += "<div class=\"alert\" role=\"alert\"><h2>" + htmlEscape(title) + "</h2><p>" + htmlEscape(message) +
       "</p><p>Codice richiesta: <code>" + htmlEscape(request_id) + "</code></p></div>\n";
  h += verdicts(report, false);
  h += kFoot;
  return h;
}

std::string renderSessions(const PageIdp& idp, const std::vector<SessionRow>& sessions) {
  std::string h = head(idp, "Sessioni attive");
  h += "<section>\n<h2>Sessioni attive</h2>\n";
  if (sessions.empty()) {
    h += "<p>Nessuna sessione attiva presso questo gestore di identità.</p>\n";
  } else {
    h += "<p>Avvia la disconnessione dal gestore di identità (Single Logout avviato dall'IdP).</p>\n"
         "<table><thead><tr><th>Utente</th><th>Servizio</th><th></th></tr></thead><tbody>\n";
    for (const auto& row : sessions) {
      h += "<tr><td>" + htmlEscape(row.user_name) + "</td><td><code>" + htmlEscape(row.sp) +
           "</code></td><td><form method=\"post\" action=\"logout\"><input type=\"hidden\" name=\"session\" "
           "value=\"" +
           htmlEscape(row.session_index) +
           "\"><button type=\"submit\">Disconnetti</button></form></td></tr>\n";
    }
    h += "</tbody></table>\n";
  }
  h += "</section>\n";
  h += kFoot;
  return h;
}

std::string renderInfo(const PageIdp& idp, const std::string& title, const std::string& message) {
  std::string h = head(idp, title);
  h += "<section>\n<h2>" + htmlEscape(title) + "</h2>\n<p>" + htmlEscape(message) + "</p>\n</section>\n";
  h += kFoot;
  return h;
}

}  // namespace sportello::idp
