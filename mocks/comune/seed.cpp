// The people, companies and accounts below are fictional; the fiscal codes and IBANs are made valid
// (check characters, check digits) so that every rule passes. Taxonomy codes (transfer category) are
// illustrative, in pagoPA's "9/<code>/" form.
#include "mocks/comune/seed.hpp"

#include <chrono>

namespace sportello::comune {

namespace {

using namespace std::chrono_literals;

constexpr const char* kComuneIban = "IT95Z0103016600000000147258";        // tesoreria comunale
constexpr const char* kComunePostalIban = "IT90B0760116600000012345678";  // conto corrente postale
constexpr const char* kProvinciaIban = "IT70L0200816601000104857361";

constexpr const char* kCategoryTari = "9/0101108TS/";
constexpr const char* kCategoryTefa = "9/0201133IM/";
constexpr const char* kCategoryMensa = "9/0201102SE/";
constexpr const char* kCategorySanzioni = "9/0301109AP/";
constexpr const char* kCategoryCosap = "9/0101109TS/";

// The end of the day (23:59:59 UTC) `days` after `now`.
TimePoint dayEnd(TimePoint now, int days) {
  auto day = std::chrono::floor<std::chrono::days>(now) + std::chrono::days(days);
  return TimePoint(day) + 23h + 59min + 59s;
}

int yearOf(TimePoint t) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  return static_cast<int>(ymd.year());
}

int monthOf(TimePoint t) {
  std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  return static_cast<int>(static_cast<unsigned>(ymd.month()));
}

Transfer transfer(std::string id, std::int64_t amount, const std::string& org, std::string remittance,
                  std::string category, std::string iban) {
  Transfer t;
  t.id_transfer = std::move(id);
  t.amount = amount;
  t.organization_fiscal_code = org;
  t.remittance_information = std::move(remittance);
  t.category = std::move(category);
  t.iban = std::move(iban);
  return t;
}

PaymentOption option(std::string description, std::int64_t amount, bool partial, TimePoint due) {
  PaymentOption o;
  o.description = std::move(description);
  o.amount = amount;
  o.is_partial_payment = partial;
  o.due_date = due;
  o.retention_date = due + std::chrono::days(365);
  return o;
}

DebtPosition position(const EcConfig& ec, std::string iupd, char type, std::string fiscalCode,
                      std::string fullName) {
  DebtPosition d;
  d.organization = ec.fiscal_code;
  d.iupd = std::move(iupd);
  d.type = type;
  d.fiscal_code = std::move(fiscalCode);
  d.full_name = std::move(fullName);
  d.company_name = ec.company_name;
  d.office_name = ec.office_name;
  return d;
}

DebtPosition tari(const EcConfig& ec, TimePoint now) {
  const std::string y = std::to_string(yearOf(now));
  const EcConfig prov = demoProvincia();
  DebtPosition d =
      position(ec, "VGT-TARI-" + y + "-RSSMRA82C15H501O", 'F', "RSSMRA82C15H501O", "Mario Rossi");
  d.contact = {{"streetName", "Via Lungomare"},
               {"civicNumber", "8"},
               {"postalCode", "92014"},
               {"city", "Vigata"},
               {"province", "AG"},
               {"country", "IT"},
               {"email", "mario.rossi@example.com"}};
  // TARI 236.76 + TEFA 5% 11.84 = 248.60; each instalment TARI 118.38 + TEFA 5.92 = 124.30.
  struct Part {
    std::string label;
    std::int64_t tari, tefa;
    bool partial;
    int dueInDays;
  };
  const Part parts[] = {{"unica soluzione", 23676, 1184, false, 30},
                        {"rata 1 di 2", 11838, 592, true, 30},
                        {"rata 2 di 2", 11838, 592, true, 150}};
  for (const auto& p : parts) {
    PaymentOption o =
        option("TARI " + y + " - " + p.label, p.tari + p.tefa, p.partial, dayEnd(now, p.dueInDays));
    o.transfers.push_back(transfer("1", p.tari, ec.fiscal_code, "TARI " + y + " quota comunale - " + p.label,
                                   kCategoryTari, kComuneIban));
    Transfer tefa = transfer("2", p.tefa, prov.fiscal_code, "TEFA " + y + " tributo provinciale - " + p.label,
                             kCategoryTefa, kProvinciaIban);
    tefa.company_name = prov.company_name;
    o.transfers.push_back(std::move(tefa));
    d.options.push_back(std::move(o));
  }
  return d;
}

DebtPosition mensa(const EcConfig& ec, TimePoint now) {
  // The school year starts in September.
  int start = monthOf(now) >= 9 ? yearOf(now) : yearOf(now) - 1;
  std::string as = std::to_string(start) + "/" + std::to_string(start + 1);
  DebtPosition d = position(ec, "VGT-MENSA-" + std::to_string(start) + "-BNCGLI90L62F205R", 'F',
                            "BNCGLI90L62F205R", "Giulia Bianchi");
  d.contact = {{"email", "giulia.bianchi@example.com"}};
  // 40 meals at 4.60 euro.
  PaymentOption o =
      option("Mensa scolastica a.s. " + as + " - 1° quadrimestre, 40 pasti", 18400, false, dayEnd(now, 20));
  Transfer t =
      transfer("1", 18400, ec.fiscal_code, "Refezione scolastica a.s. " + as + " - 40 pasti x 4,60 euro",
               kCategoryMensa, kComuneIban);
  t.postal_iban = kComunePostalIban;  // the EC answers with it when the node asks for transferType=POSTAL
  o.transfers.push_back(std::move(t));
  d.options.push_back(std::move(o));
  return d;
}

DebtPosition sanzione(const EcConfig& ec, TimePoint now) {
  const std::string y = std::to_string(yearOf(now));
  const std::string verbale = "Verbale n. 4512/" + y + " - sosta vietata (art. 7 CdS)";
  DebtPosition d = position(ec, "VGT-CDS-" + y + "-004512", 'F', "VRDLCU78S03F839G", "Luca Verdi");
  d.office_name = "Polizia Municipale";
  d.contact = {{"email", "luca.verdi@example.com"}};
  // 42.00 euro (29.40 within 5 days: -30%) plus 11.50 of notification costs; either option pays it.
  PaymentOption reduced = option(verbale + " - ridotto entro 5 giorni", 4090, false, dayEnd(now, 5));
  reduced.transfers.push_back(transfer("1", 4090, ec.fiscal_code,
                                       verbale + ", importo ridotto 29,40 + spese 11,50", kCategorySanzioni,
                                       kComuneIban));
  PaymentOption full = option(verbale + " - entro 60 giorni", 5350, false, dayEnd(now, 60));
  full.transfers.push_back(transfer("1", 5350, ec.fiscal_code, verbale + ", importo 42,00 + spese 11,50",
                                    kCategorySanzioni, kComuneIban));
  d.options.push_back(std::move(reduced));
  d.options.push_back(std::move(full));
  return d;
}

DebtPosition cosap(const EcConfig& ec, TimePoint now) {
  const std::string y = std::to_string(yearOf(now));
  DebtPosition d = position(ec, "VGT-COSAP-" + y + "-0087", 'G', "07654320154", "Russo Costruzioni S.r.l.");
  d.switch_to_expired = true;  // not payable once due: the concession lapses
  // 30 square metres for 45 days at 0.70 euro per square metre per day.
  const std::string what = "Occupazione suolo pubblico - ponteggio Via Roma 12, 30 mq x 45 gg";
  PaymentOption o = option("COSAP " + y + " - " + what, 94500, false, dayEnd(now, 30));
  o.transfers.push_back(
      transfer("1", 94500, ec.fiscal_code, "Canone " + what + " x 0,70 euro", kCategoryCosap, kComuneIban));
  d.options.push_back(std::move(o));
  return d;
}

}  // namespace

EcConfig demoComune() {
  EcConfig ec;
  ec.fiscal_code = "80012350841";
  ec.company_name = "Comune di Vigata";
  ec.office_name = "Ufficio Tributi";
  ec.aux_digit = 3;
  ec.segregation_code = 47;
  return ec;
}

EcConfig demoProvincia() {
  EcConfig ec;
  ec.fiscal_code = "80002490847";
  ec.company_name = "Libero Consorzio Comunale di Montelusa";
  ec.office_name = "Servizio Tributi";
  ec.aux_digit = 3;
  ec.segregation_code = 48;
  return ec;
}

std::vector<DebtPosition> demoPositions(const EcConfig& comune, TimePoint now) {
  return {tari(comune, now), mensa(comune, now), sanzione(comune, now), cosap(comune, now)};
}

Result<SeedReport, std::string> seedDemo(DebtPositions& store, const EcConfig& comune, const Clock& clock) {
  TimePoint now = clock.now();
  SeedReport report;
  for (auto& d : demoPositions(comune, now)) {
    report.iupds.push_back(d.iupd);
    auto existing = store.get(comune.fiscal_code, d.iupd);
    if (existing) {
      ++report.existing;
      continue;
    }
    if (existing.error().code != GpdErrc::not_found)
      return fail("seeding " + d.iupd + ": " + existing.error().message);
    auto problems = validatePosition(d, comune, now);
    if (!problems.empty()) {
      return fail("seeding " + d.iupd + ": " + problems.front().field + ": " + problems.front().rule + ": " +
                  problems.front().message);
    }
    auto created = store.create(comune.fiscal_code, std::move(d), true);
    if (!created) return fail("seeding: " + created.error().message);
    ++report.created;
  }
  return report;
}

}  // namespace sportello::comune
