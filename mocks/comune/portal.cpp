#include "mocks/comune/portal.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <map>

#include "core/pagopa/notice.hpp"
#include "core/web/page.hpp"

namespace sportello::comune {

namespace {

using web::escape;

// Who the gateway says the citizen is (values percent-encoded UTF-8, README "Identity headers").
struct Citizen {
  std::string fiscal_code, name, family_name, auth;
  int level = 0;
  std::map<std::string, std::string> attributes;
  bool known() const { return !fiscal_code.empty(); }
  std::string display() const { return name + (name.empty() ? "" : " ") + family_name; }
};

std::string header(const http::Request& req, std::string_view name) {
  auto v = req.headers.get(name);
  if (!v) return {};
  return http::percentDecode(*v, false).value_or("");
}

Citizen citizenOf(const http::Request& req) {
  Citizen c;
  c.fiscal_code = header(req, "X-Sportello-Fiscal-Number");
  c.name = header(req, "X-Sportello-Name");
  c.family_name = header(req, "X-Sportello-Family-Name");
  c.auth = header(req, "X-Sportello-Auth");
  std::string level = header(req, "X-Sportello-Level");
  c.level = level.size() == 1 && level[0] >= '1' && level[0] <= '3' ? level[0] - '0' : 0;
  for (const auto& h : req.headers.items()) {
    constexpr std::string_view prefix = "X-Sportello-Attr-";
    if (h.name.size() > prefix.size() &&
        http::iequals(std::string_view(h.name).substr(0, prefix.size()), prefix)) {
      c.attributes[h.name.substr(prefix.size())] = http::percentDecode(h.value, false).value_or("");
    }
  }
  return c;
}

// 123456 -> "1.234,56 €"
std::string euro(std::int64_t cents) {
  std::string units = std::to_string(cents / 100);
  std::string grouped;
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (i > 0 && (units.size() - i) % 3 == 0) grouped += '.';
    grouped += units[i];
  }
  char dec[4];
  std::snprintf(dec, sizeof dec, "%02d", static_cast<int>(cents % 100));
  return grouped + "," + dec + " €";
}

// "31/12/2026" in Italian time is close enough for a due date shown to a citizen: dates are UTC days here.
std::string day(TimePoint t) {
  auto d = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
  return buf;
}

std::string loginLink(const std::string& next) {
  return "/login?next=" + http::percentEncode(next);
}

}  // namespace

Portal::Portal(Options options) : o_(std::move(options)) {
  http::ClientOptions co;
  co.tls = o_.checkout_tls;
  co.connect_timeout = std::chrono::seconds(5);
  co.read_timeout = std::chrono::seconds(15);
  client_ = std::make_unique<http::Client>(co);
}

Portal::~Portal() = default;

void Portal::addRoutes(http::Router& router) {
  // Only on the listener the gateway forwards to: elsewhere these paths do not exist.
  auto only = [this](http::Response (Portal::*fn)(http::Request&) const) {
    return [this, fn](http::Request& req) {
      if (req.listener != o_.listener) return http::Response::error(404, "not_found", "no such resource");
      return (this->*fn)(req);
    };
  };
  // The router is shared by every listener: the upstream paths live under their own prefix, so that the
  // gateway's routes for the public paths (/portale/, /servizi/...) are never shadowed by these.
  const std::string p(kUpstreamPrefix);
  router.get(p + "/portale/", only(&Portal::home));
  router.get(p + "/servizi/anagrafe/", only(&Portal::registry));
  router.get(p + "/servizi/anagrafe/certificato", only(&Portal::certificate));
  router.get(p + "/servizi/tributi/", only(&Portal::charges));
  router.addAsync(
      "POST", p + "/servizi/tributi/paga",
      [this](http::Request& req) -> boost::asio::awaitable<http::Response> {
        if (req.listener != o_.listener)
          co_return http::Response::error(404, "not_found", "no such resource");
        Citizen who = citizenOf(req);
        std::string nav, ec;
        for (auto& [k, v] : http::parseForm(req.body)) {
          if (k == "nav") nav = v;
          if (k == "ec") ec = v;
        }
        if (!who.known()) co_return http::Response::redirect(303, loginLink("/servizi/tributi/"));
        if (!o_.positions) co_return http::Response::error(404, "not_found", "no tributi service here");
        auto notice = o_.positions->lookupByNotice(ec, nav);
        if (!notice) {
          co_return http::Response::redirect(303, "/servizi/tributi/?esito=non_pagabile");
        }
        if (notice->position.fiscal_code != who.fiscal_code) {
          o_.log->warn("portal_pay_refused",
                       {{"request_id", req.request_id}, {"rule", "portal.owner"}, {"nav", nav}});
          co_return http::Response::error(403, "not_yours", "this notice belongs to someone else");
        }
        const auto& option = notice->option();
        boost::json::object notices{{"noticeNumber", option.nav},
                                    {"fiscalCode", notice->ec.fiscal_code},
                                    {"amount", option.amount},
                                    {"companyName", notice->ec.company_name},
                                    {"description", option.description}};
        const std::string back = o_.public_url + "/servizi/tributi/?esito=";
        boost::json::object cart{{"paymentNotices", boost::json::array{notices}},
                                 {"returnUrls",
                                  {{"returnOkUrl", back + "ok"},
                                   {"returnCancelUrl", back + "annullato"},
                                   {"returnErrorUrl", back + "errore"}}}};
        if (auto mail = who.attributes.find("email"); mail != who.attributes.end() && !mail->second.empty()) {
          cart["emailNotice"] = mail->second;
        }
        auto url = http::parseUrl(o_.checkout_carts_url);
        if (!url) co_return http::Response::error(500, "checkout_url", "the checkout URL is not configured");
        http::Request post;
        post.method = "POST";
        post.target = url->target;
        post.headers.add("Content-Type", "application/json");
        post.headers.add("X-Request-Id", req.request_id);
        post.body = boost::json::serialize(cart);
        auto answer = co_await client_->send(url->origin, std::move(post));
        if (!answer || answer->status != 302 || !answer->headers.get("Location")) {
          o_.log->warn("portal_checkout", {{"request_id", req.request_id},
                                           {"rule", "portal.checkout"},
                                           {"detail", answer ? "HTTP " + std::to_string(answer->status) +
                                                                   " " + answer->body.substr(0, 200)
                                                             : answer.error().message()}});
          co_return http::Response::redirect(303, "/servizi/tributi/?esito=checkout_non_disponibile");
        }
        o_.log->info("portal_cart",
                     {{"request_id", req.request_id}, {"nav", nav}, {"amount", option.amount}});
        co_return http::Response::redirect(303, std::string(*answer->headers.get("Location")));
      });
}

http::Response Portal::home(http::Request& req) const {
  Citizen who = citizenOf(req);
  std::string b;
  if (who.known()) {
    b += "<div class=\"alert ok\" role=\"status\">Buongiorno, " + escape(who.display()) +
         ". Hai effettuato l'accesso con " + (who.auth == "cie" ? std::string("CIE") : std::string("SPID")) +
         ".</div>\n";
  } else {
    b += "<div class=\"card\"><p>Accedi con la tua identità digitale per vedere i tuoi documenti e i tuoi "
         "pagamenti.</p><p><a class=\"btn\" href=\"" +
         escape(loginLink("/portale/")) + "\">Accedi</a></p></div>\n";
  }
  b += "<div class=\"card\"><h2>Certificati anagrafici</h2><p>Residenza, nascita, stato di famiglia: pronti "
       "da stampare, senza andare allo sportello.</p><p><a class=\"btn outline\" "
       "href=\"/servizi/anagrafe/\">Vai "
       "ai certificati</a></p></div>\n";
  b += "<div class=\"card\"><h2>Tributi e pagamenti</h2><p>TARI, mensa scolastica, sanzioni: vedi cosa devi "
       "pagare e paga con pagoPA.</p><p><a class=\"btn outline\" href=\"/servizi/tributi/\">Vai ai "
       "tributi</a></p>"
       "</div>\n";
  b +=
      "<div class=\"card\"><h2>Hai un avviso di pagamento?</h2><p>Paga qualsiasi avviso pagoPA con il codice "
      "avviso e il codice fiscale dell'ente.</p><p><a class=\"btn outline\" href=\"/pagopa/checkout/\">Paga "
      "un "
      "avviso</a></p></div>\n";
  if (who.known()) b += "<p><a href=\"/sessione\">La tua sessione</a> · <a href=\"/logout\">Esci</a></p>\n";
  return http::Response::html(200,
                              web::page({"Servizi online", o_.administration, "Servizi online", "spid"}, b));
}

http::Response Portal::registry(http::Request& req) const {
  Citizen who = citizenOf(req);
  if (!who.known()) return http::Response::redirect(303, loginLink("/servizi/anagrafe/"));
  std::string b = "<div class=\"card\"><p>Certificati per <strong>" + escape(who.display()) +
                  "</strong>, codice fiscale <code>" + escape(who.fiscal_code) + "</code>.</p>\n<ul>\n";
  for (auto [tipo, label] :
       {std::pair{"residenza", "Certificato di residenza"}, std::pair{"nascita", "Certificato di nascita"},
        std::pair{"famiglia", "Certificato di stato di famiglia"}}) {
    b += std::string("<li><a href=\"/servizi/anagrafe/certificato?tipo=") + tipo + "\">" + label +
         "</a></li>\n";
  }
  b += "</ul>\n<p class=\"small\">Servizio simulato: i certificati non hanno valore legale.</p></div>\n";
  return http::Response::html(
      200, web::page({"Certificati anagrafici", o_.administration, "Servizi online", "spid"}, b));
}

http::Response Portal::certificate(http::Request& req) const {
  Citizen who = citizenOf(req);
  if (!who.known()) return http::Response::redirect(303, loginLink(std::string(req.target)));
  std::string tipo = req.queryParam("tipo").value_or("residenza");
  std::string title = tipo == "nascita"    ? "Certificato di nascita"
                      : tipo == "famiglia" ? "Certificato di stato di famiglia"
                                           : "Certificato di residenza";
  if (tipo != "nascita" && tipo != "famiglia") tipo = "residenza";
  auto attr = [&](const char* n) {
    auto it = who.attributes.find(n);
    return it == who.attributes.end() ? std::string() : it->second;
  };
  std::string b =
      "<div class=\"card\"><p>L'Ufficiale d'anagrafe, visti gli atti d'ufficio,</p><h2>certifica "
      "che</h2>\n<dl class=\"identity\"><dt>Cognome e nome</dt><dd>" +
      escape(who.family_name + " " + who.name) + "</dd><dt>Codice fiscale</dt><dd>" +
      escape(who.fiscal_code) + "</dd>";
  if (!attr("dateOfBirth").empty())
    b += "<dt>Data di nascita</dt><dd>" + escape(attr("dateOfBirth")) + "</dd>";
  if (!attr("placeOfBirth").empty())
    b += "<dt>Luogo di nascita</dt><dd>" + escape(attr("placeOfBirth")) + "</dd>";
  if (!attr("address").empty()) b += "<dt>Indirizzo</dt><dd>" + escape(attr("address")) + "</dd>";
  b +=
      "</dl>\n<p>" +
      std::string(tipo == "residenza" ? "risulta residente in questo Comune."
                  : tipo == "nascita" ? "risulta iscritto/a nei registri di nascita."
                                      : "risulta iscritto/a nell'anagrafe della popolazione residente con la "
                                        "famiglia anagrafica qui indicata.") +
      "</p>\n<p class=\"small\">Rilasciato il " + day(o_.clock->now()) +
      " per via telematica a seguito di autenticazione " + escape(who.auth == "cie" ? "CIE" : "SPID") +
      " di livello " + std::to_string(who.level) +
      ". Servizio simulato: documento senza valore legale.</p></div>\n";
  return http::Response::html(200, web::page({title, o_.administration, "Servizi online", "spid"}, b));
}

http::Response Portal::charges(http::Request& req) const {
  Citizen who = citizenOf(req);
  if (!who.known()) return http::Response::redirect(303, loginLink("/servizi/tributi/"));
  std::string b;
  std::string esito = req.queryParam("esito").value_or("");
  if (esito == "ok") {
    b += "<div class=\"alert ok\" role=\"status\">Pagamento eseguito. La ricevuta arriva all'ufficio tributi "
         "dal nodo pagoPA: lo stato qui sotto si aggiorna appena è registrata.</div>\n";
  } else if (esito == "annullato") {
    b += "<div class=\"alert\" role=\"status\">Pagamento annullato: l'avviso resta da pagare.</div>\n";
  } else if (!esito.empty()) {
    b += "<div class=\"alert\" role=\"alert\">Il pagamento non è andato a buon fine (" + escape(esito) +
         "). Puoi riprovare.</div>\n";
  }
  if (!o_.positions) {
    b += "<p>Il servizio tributi non è attivo.</p>\n";
    return http::Response::html(
        200, web::page({"I tuoi tributi", o_.administration, "Servizi online", "spid"}, b));
  }
  std::string rows;
  std::size_t found = 0;
  for (const auto& ec : o_.creditors) {
    for (int page = 0; page < 20; ++page) {
      PositionQuery q;
      q.page = page;
      q.limit = 50;
      auto list = o_.positions->list(ec, q);
      if (!list) break;
      for (const auto& p : list->positions) {
        if (p.fiscal_code != who.fiscal_code) continue;
        if (p.status == PositionStatus::draft || p.status == PositionStatus::published ||
            p.status == PositionStatus::invalid) {
          continue;
        }
        for (const auto& o : p.options) {
          ++found;
          auto printed = pagopa::parseNoticeNumber(o.nav);
          bool paid = o.status != OptionStatus::unpaid;
          bool payable = !paid && p.status != PositionStatus::expired && p.status != PositionStatus::paid;
          rows += "<tr><td>" + escape(o.description) + "<br><span class=\"small\">" + escape(p.company_name) +
                  " · avviso <code>" + escape(printed ? printed->printed() : o.nav) +
                  "</code></span></td><td>" + euro(o.amount) + "</td><td>" + day(o.due_date) + "</td><td>" +
                  (paid                                  ? "<span class=\"pass\">Pagato</span>"
                   : p.status == PositionStatus::expired ? "<span class=\"na\">Scaduto</span>"
                                                         : "Da pagare") +
                  "</td><td>";
          if (payable) {
            rows +=
                "<form method=\"post\" action=\"/servizi/tributi/paga\"><input type=\"hidden\" name=\"nav\" "
                "value=\"" +
                escape(o.nav) + "\"><input type=\"hidden\" name=\"ec\" value=\"" + escape(p.organization) +
                "\"><button class=\"btn\" type=\"submit\">Paga con pagoPA</button></form>";
          }
          rows += "</td></tr>\n";
        }
      }
      if (page + 1 >= list->total_pages) break;
    }
  }
  if (found == 0) {
    b +=
        "<div class=\"card\"><p>Non risultano tributi a tuo nome, " + escape(who.display()) + ".</p></div>\n";
  } else {
    b += "<div class=\"card\"><p>Tributi intestati a <strong>" + escape(who.display()) + "</strong> (" +
         escape(who.fiscal_code) +
         ").</p>\n<table><thead><tr><th>Descrizione</th><th>Importo</th><th>Scadenza</th><th>Stato</th>"
         "<th><span class=\"small\">Azione</span></th></tr></thead><tbody>\n" +
         rows + "</tbody></table></div>\n";
  }
  return http::Response::html(200,
                              web::page({"I tuoi tributi", o_.administration, "Servizi online", "spid"}, b));
}

}  // namespace sportello::comune
