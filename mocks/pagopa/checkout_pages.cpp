#include "mocks/pagopa/checkout_pages.hpp"

#include <chrono>
#include <cstdio>

#include "core/pagopa/notice.hpp"
#include "core/web/page.hpp"

namespace sportello::checkout {

using web::escape;

namespace {

// page.hpp styles buttons, cards and tables; fields are styled here, inline, so pages stay self-contained.
constexpr std::string_view kLabel = " style=\"display:block;font-weight:600;margin:.9rem 0 .2rem\"";
constexpr std::string_view kInput =
    " style=\"display:block;width:100%;max-width:26rem;padding:.5rem;font-size:1.05rem;border:1px solid "
    "#5c6f82;border-radius:4px;font-family:inherit\"";
constexpr std::string_view kHint = " style=\"display:block;color:#5c6f82;font-size:.9rem\"";
constexpr std::string_view kFieldError = " style=\"display:block;color:#cc334d;font-weight:600\"";

std::string wrap(const Site& site, std::string_view title, const std::string& body) {
  return web::page({std::string(title), site.administration, site.service, "pagopa"}, body);
}

const FieldProblem* problemFor(const std::vector<FieldProblem>& problems, std::string_view field) {
  for (const auto& p : problems) {
    if (p.field == field) return &p;
  }
  return nullptr;
}

struct Field {
  std::string_view name;
  std::string_view label;
  std::string_view hint;  // may be empty
  std::string value;
  std::string_view attributes;  // type, autocomplete, inputmode...
  bool required = true;
};

std::string field(const Field& f, const std::vector<FieldProblem>& problems) {
  const std::string name(f.name);
  const FieldProblem* p = problemFor(problems, f.name);
  std::string describedBy;
  std::string h = "<label for=\"" + name + "\"" + std::string(kLabel) + ">" + escape(f.label);
  if (!f.required) h += " <span class=\"small\">(facoltativo)</span>";
  h += "</label>\n";
  if (!f.hint.empty()) {
    h += "<span id=\"" + name + "-aiuto\"" + std::string(kHint) + ">" + escape(f.hint) + "</span>\n";
    describedBy += name + "-aiuto";
  }
  if (p != nullptr) {
    h += "<span id=\"" + name + "-errore\"" + std::string(kFieldError) + ">" + escape(p->message) +
         "</span>\n";
    describedBy += (describedBy.empty() ? "" : " ") + name + "-errore";
  }
  h += "<input id=\"" + name + "\" name=\"" + name + "\" " + std::string(f.attributes) + " value=\"" +
       escape(f.value) + "\"" + (f.required ? " required" : "");
  if (!describedBy.empty()) h += " aria-describedby=\"" + describedBy + "\"";
  if (p != nullptr) h += " aria-invalid=\"true\"";
  h += std::string(kInput) + ">\n";
  return h;
}

std::string problemSummary(const std::vector<FieldProblem>& problems) {
  if (problems.empty()) return {};
  std::string h =
      "<div class=\"alert\" role=\"alert\"><p><strong>Controlla i dati inseriti:</strong></p><ul>\n";
  for (const auto& p : problems) {
    h += "<li><a href=\"#" + escape(p.field) + "\">" + escape(p.message) + "</a></li>\n";
  }
  return h + "</ul></div>\n";
}

std::string refusalAlert(const Explanation& x) {
  std::string h = "<div class=\"alert\" role=\"alert\"><p><strong>" + escape(x.message) + "</strong></p>\n";
  if (!x.advice.empty()) h += "<p>" + escape(x.advice) + "</p>\n";
  h += "<p class=\"small\">Per sviluppatori: <code>" + escape(x.code) + "</code></p></div>\n";
  return h;
}

std::string noticeTable(const Cart& cart, bool receipt) {
  std::string h = "<table>\n<caption class=\"small\" style=\"text-align:left\">" +
                  std::string(cart.notices.size() == 1 ? "L'avviso" : "Gli avvisi") +
                  " da pagare</caption>\n<thead><tr><th scope=\"col\">Ente creditore</th><th "
                  "scope=\"col\">Oggetto</th><th scope=\"col\">Codice avviso</th>";
  h += receipt ? "<th scope=\"col\">Codice IUV</th><th scope=\"col\">Identificativo del pagamento</th>"
               : "<th scope=\"col\">Scadenza</th>";
  h += "<th scope=\"col\" style=\"text-align:right\">Importo</th></tr></thead>\n<tbody>\n";
  for (const auto& n : cart.notices) {
    h += "<tr><td>" + escape(n.company_name) + "<br><span class=\"small\">C.F. " + escape(n.fiscal_code) +
         "</span></td><td>" + escape(n.description) + "</td><td><code>" +
         escape(printedNotice(n.notice_number)) + "</code></td>";
    if (receipt) {
      h += "<td><code>" + escape(n.creditor_reference_id) + "</code></td><td><code>" +
           escape(n.payment_token) + "</code></td>";
    } else {
      h += "<td>" + (n.due_date ? formatDay(*n.due_date) : std::string("—")) + "</td>";
    }
    h += "<td style=\"text-align:right;white-space:nowrap\">" + escape(formatEuro(n.amount)) + "</td></tr>\n";
  }
  return h + "</tbody>\n</table>\n";
}

std::string totals(const Cart& cart, std::int64_t fee, bool paid) {
  return "<dl class=\"identity\" style=\"margin-top:1rem\">\n<dt>Importo</dt><dd>" +
         escape(formatEuro(cart.total())) + "</dd>\n<dt>Commissione del servizio (simulata)</dt><dd>" +
         escape(formatEuro(fee)) + "</dd>\n<dt>" + (paid ? "Totale pagato" : "Totale da pagare") +
         "</dt><dd><strong>" + escape(formatEuro(cart.total() + fee)) + "</strong></dd>\n</dl>\n";
}

// The developer's note when the EC's cart said another amount than its own node answer.
std::string amountNotes(const Cart& cart) {
  std::string h;
  for (const auto& n : cart.notices) {
    if (!n.cart_amount) continue;
    h += "<li>Avviso <code>" + escape(printedNotice(n.notice_number)) + "</code>: il carrello indicava " +
         escape(formatEuro(*n.cart_amount)) + ", l'ente ha confermato " + escape(formatEuro(n.amount)) +
         ".</li>\n";
  }
  if (h.empty()) return {};
  return "<details class=\"card\"><summary>Per sviluppatori</summary><p>Si paga l'importo confermato "
         "dall'ente "
         "(verifyPaymentNotice):</p><ul>\n" +
         h + "</ul></details>\n";
}

std::string cancelForm(const Cart& cart, std::string_view label) {
  return "<form method=\"post\" action=\"" + cartPath(cart.id) +
         "/annulla\">\n<button class=\"btn outline\" type=\"submit\">" + std::string(label) +
         "</button>\n</form>\n";
}

std::string backLink(const Cart& cart, const std::string& url, std::string_view label) {
  if (cart.origin == CartOrigin::api && !url.empty()) {
    return "<p><a class=\"btn\" href=\"" + escape(url) + "\">" + std::string(label) + "</a></p>\n";
  }
  return "<p><a class=\"btn\" href=\"" + std::string(kPrefix) + "/\">Paga un avviso</a></p>\n";
}

}  // namespace

std::string cartPath(std::string_view cart_id) {
  return std::string(kPrefix) + "/carrello/" + std::string(cart_id);
}

std::string formatEuro(std::int64_t cents) {
  const bool negative = cents < 0;
  std::uint64_t v = negative ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  std::string whole = std::to_string(v / 100);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += '.';
    grouped += whole[i];
  }
  char frac[4];
  std::snprintf(frac, sizeof frac, "%02u", static_cast<unsigned>(v % 100));
  return (negative ? "-" : "") + grouped + "," + frac + " €";
}

std::string formatDay(const pagopa::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(d.day()),
                static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
  return buf;
}

namespace {

// Italian wall-clock time: summer time from 01:00 UTC of the last Sunday of March to 01:00 UTC of the
// last Sunday of October (the EU rule), CET otherwise.
Clock::time_point italianWallClock(Clock::time_point t) {
  using namespace std::chrono;
  const year y = year_month_day{floor<days>(t)}.year();
  const auto start = sys_days{y / March / Sunday[last]} + hours(1);
  const auto end = sys_days{y / October / Sunday[last]} + hours(1);
  return t + hours(t >= start && t < end ? 2 : 1);
}

}  // namespace

pagopa::Date italianDay(Clock::time_point t) {
  return pagopa::Date{std::chrono::floor<std::chrono::days>(italianWallClock(t))};
}

std::string formatItalianTime(Clock::time_point t) {
  using namespace std::chrono;
  const auto local = italianWallClock(t);
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<minutes>(local - day)};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d alle %02d:%02d", static_cast<unsigned>(ymd.day()),
                static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()));
  return buf;
}

std::string printedNotice(std::string_view digits18) {
  auto n = pagopa::parseNoticeNumber(digits18);
  return n ? n->printed() : std::string(digits18);
}

std::string noticeFormPage(const Site& site, const NoticeForm& form) {
  std::string b;
  if (form.refusal != nullptr) b += refusalAlert(*form.refusal);
  b += problemSummary(form.problems);
  b += "<div class=\"card\">\n<p>Trovi il <strong>codice avviso</strong> (18 cifre) e il <strong>codice "
       "fiscale "
       "dell'ente</strong> (11 cifre) sull'avviso di pagamento, accanto al codice QR.</p>\n"
       "<form method=\"post\" action=\"" +
       std::string(kPrefix) + "/avviso\" novalidate>\n";
  b +=
      field({"codiceAvviso", "Codice avviso", "18 cifre; puoi copiarlo con gli spazi, come è stampato.",
             form.notice_number, "type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"30\""},
            form.problems);
  b += field({"cfEnte", "Codice fiscale dell'ente creditore", "11 cifre.", form.fiscal_code,
              "type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" maxlength=\"11\""},
             form.problems);
  b += field({"email", "Indirizzo e-mail per la ricevuta", "", form.email,
              "type=\"email\" autocomplete=\"email\"", false},
             form.problems);
  b += "<p style=\"margin-top:1.2rem\"><button class=\"btn\" "
       "type=\"submit\">Continua</button></p>\n</form>\n</div>\n";
  return wrap(site, "Paga un avviso", b);
}

std::string paymentPage(const Site& site, const Cart& cart, const PaymentForm& form) {
  std::string b;
  if (form.refusal != nullptr) b += refusalAlert(*form.refusal);
  b += problemSummary(form.problems);
  b += "<div class=\"card\">\n<h2>Riepilogo</h2>\n" + noticeTable(cart, false) +
       totals(cart, site.fee, false) + "</div>\n";
  b += amountNotes(cart);
  b += "<div class=\"card\">\n<h2>Paga con carta</h2>\n"
       "<div class=\"alert ok\"><p><strong>Ambiente di prova: nessun addebito reale.</strong> Usa una delle "
       "carte "
       "di prova, con qualsiasi titolare, una scadenza futura e un CVV di 3 cifre:</p><ul>\n"
       "<li><code>4242 4242 4242 4242</code>: il pagamento viene autorizzato;</li>\n"
       "<li><code>4000 0000 0000 0002</code>: il pagamento viene rifiutato.</li>\n</ul></div>\n"
       "<form method=\"post\" action=\"" +
       cartPath(cart.id) + "/paga\" novalidate>\n";
  b += field({"titolare", "Titolare della carta", "", form.holder, "type=\"text\" autocomplete=\"cc-name\""},
             form.problems);
  b += field({"numeroCarta", "Numero della carta", "", "",
              "type=\"text\" inputmode=\"numeric\" autocomplete=\"cc-number\" maxlength=\"23\""},
             form.problems);
  b += field({"scadenza", "Scadenza", "Mese e anno, come MM/AA.", "",
              "type=\"text\" inputmode=\"numeric\" autocomplete=\"cc-exp\" maxlength=\"7\""},
             form.problems);
  b += field({"cvv", "Codice di sicurezza (CVV)", "Le 3 cifre sul retro della carta.", "",
              "type=\"password\" inputmode=\"numeric\" autocomplete=\"cc-csc\" maxlength=\"4\""},
             form.problems);
  b += "<p style=\"margin-top:1.2rem\"><button class=\"btn\" type=\"submit\">Paga " +
       escape(formatEuro(cart.total() + site.fee)) + "</button></p>\n</form>\n";
  b += cancelForm(cart, "Annulla");
  b += "<p class=\"small\">Il pagamento scade il " + escape(formatItalianTime(cart.expires)) +
       ".</p>\n</div>\n";
  return wrap(site, "Il tuo pagamento", b);
}

std::string verifyRetryPage(const Site& site, const Cart& cart, const Explanation& why) {
  std::string b = refusalAlert(why);
  b += "<div class=\"card\">\n<h2>Riepilogo</h2>\n" + noticeTable(cart, false) +
       "<p><a class=\"btn\" href=\"" + cartPath(cart.id) + "\">Riprova</a></p>\n" +
       cancelForm(cart, "Annulla") + "</div>\n";
  return wrap(site, "Il tuo pagamento", b);
}

std::string receiptPage(const Site& site, const Cart& cart) {
  std::string b = "<div class=\"alert ok\" role=\"status\"><p><strong>Pagamento eseguito il " +
                  escape(formatItalianTime(cart.paid_at)) + ".</strong></p></div>\n";
  b += "<div class=\"card\">\n<dl class=\"identity\">\n<dt>Data del pagamento</dt><dd>" +
       escape(formatItalianTime(cart.paid_at)) + "</dd>\n<dt>Codice della transazione</dt><dd><code>" +
       escape(cart.id) + "</code></dd>\n<dt>Metodo di pagamento</dt><dd>Carta che termina con " +
       escape(cart.card_last4) + " (titolare " + escape(cart.card_holder) +
       ")</dd>\n<dt>Prestatore del servizio di pagamento</dt><dd>" + escape(site.psp_id) +
       " (simulato)</dd>\n</dl>\n";
  b += noticeTable(cart, true) + totals(cart, cart.fee, true);
  if (!cart.email.empty()) {
    b += "<p class=\"small\">La ricevuta sarebbe inviata a " + escape(cart.email) +
         " (in questo ambiente di prova non si spediscono e-mail).</p>\n";
  }
  b +=
      "<p class=\"small\">L'ente creditore riceve la ricevuta telematica dal nodo pagoPA: l'avviso risulterà "
      "pagato.</p>\n</div>\n";
  b += backLink(cart, cart.return_urls.ok, "Torna al sito dell'ente");
  return wrap(site, "Ricevuta di pagamento", b);
}

std::string failedPage(const Site& site, const Cart& cart) {
  std::string b = "<div class=\"alert\" role=\"alert\"><p><strong>" +
                  escape(cart.failure.empty() ? "Il pagamento non è andato a buon fine." : cart.failure) +
                  "</strong></p>\n";
  if (!cart.failure_advice.empty()) b += "<p>" + escape(cart.failure_advice) + "</p>\n";
  if (!cart.failure_code.empty())
    b += "<p class=\"small\">Per sviluppatori: <code>" + escape(cart.failure_code) + "</code></p>\n";
  b += "</div>\n<div class=\"card\">\n" + noticeTable(cart, false) + "</div>\n";
  b += backLink(cart, cart.return_urls.error, "Torna al sito dell'ente");
  return wrap(site, "Pagamento non riuscito", b);
}

std::string cancelledPage(const Site& site, const Cart& cart) {
  std::string b =
      "<div class=\"alert ok\" role=\"status\"><p>Hai annullato il pagamento: non ti è stato addebitato "
      "nulla.</p></div>\n";
  b += backLink(cart, cart.return_urls.cancel, "Torna al sito dell'ente");
  return wrap(site, "Pagamento annullato", b);
}

std::string expiredPage(const Site& site, const Cart& cart) {
  std::string b =
      "<div class=\"alert\" role=\"alert\"><p><strong>Il tempo per completare il pagamento è "
      "scaduto.</strong></p><p>Un pagamento va completato entro 30 minuti: non ti è stato addebitato "
      "nulla. Ricomincia dal sito dell'ente.</p></div>\n";
  b += backLink(cart, cart.return_urls.error, "Torna al sito dell'ente");
  return wrap(site, "Pagamento scaduto", b);
}

std::string unknownCartPage(const Site& site) {
  std::string b =
      "<div class=\"alert\" role=\"alert\"><p>Non troviamo questo pagamento: il collegamento potrebbe "
      "essere incompleto, oppure il pagamento è di molto tempo fa.</p></div>\n"
      "<p><a class=\"btn\" href=\"" +
      std::string(kPrefix) + "/\">Paga un avviso</a></p>\n";
  return wrap(site, "Pagamento non trovato", b);
}

std::string busyPage(const Site& site, const Cart& cart) {
  std::string url = cartPath(cart.id);
  std::string b =
      "<meta http-equiv=\"refresh\" content=\"2;url=" + url +
      "\">\n<div class=\"alert ok\" role=\"status\"><p>Stiamo elaborando il pagamento: non chiudere "
      "la pagina e non ripetere l'operazione.</p></div>\n<p><a class=\"btn outline\" href=\"" +
      url + "\">Aggiorna</a></p>\n";
  return wrap(site, "Pagamento in corso", b);
}

std::string capacityPage(const Site& site) {
  std::string b =
      "<div class=\"alert\" role=\"alert\"><p>Il servizio è molto richiesto in questo momento: riprova "
      "tra qualche minuto.</p></div>\n";
  return wrap(site, "Servizio occupato", b);
}

}  // namespace sportello::checkout
