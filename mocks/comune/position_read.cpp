// Reading and judging GPD debt position bodies (position.hpp: readPosition, validatePosition).
// Where the limits come from: GPD's OpenAPI (companyName, officeName, description <= 140; idTransfer
// "1".."5"; stamp fields) and the pagoPA XSD the same data is later sent in (paGetPayment: debtor
// fullName stText70, streetName stText70, civicNumber/postalCode stText16, city/province stText35,
// country [A-Z]{2}, remittanceInformation stText140, at most 5 transfers, amounts up to 999999999.99).
#include "mocks/comune/position.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <set>

#include "core/identity/codice_fiscale.hpp"
#include "core/pagopa/notice.hpp"

namespace sportello::comune {

namespace json = boost::json;

namespace {

constexpr std::int64_t kMaxAmountCents = 99'999'999'999;  // 999999999.99
constexpr std::size_t kMaxOptions = 100;
constexpr std::size_t kMaxTransfers = 5;
constexpr std::size_t kMaxIupd = 70;

struct ContactField {
  std::string_view key;
  std::size_t max;
};
constexpr ContactField kContactFields[] = {{"streetName", 70}, {"civicNumber", 16}, {"postalCode", 16},
                                           {"city", 35},       {"province", 35},    {"region", 35},
                                           {"country", 2},     {"email", 256},      {"phone", 50}};

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isUpper(char c) {
  return c >= 'A' && c <= 'Z';
}

// Characters, not bytes: the XSD's stText lengths count characters (the body is valid UTF-8: Boost.JSON
// refuses anything else).
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string at(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}
std::string dot(std::string_view base, std::string_view key) {
  return base.empty() ? std::string(key) : std::string(base) + "." + std::string(key);
}

// Collects problems, at most one per field: the first one found is the one that explains the others.
class Problems {
 public:
  void add(const std::string& field, std::string rule, std::string message) {
    if (fields_.insert(field).second) list_.push_back({field, std::move(rule), std::move(message)});
  }
  bool has(const std::string& field) const { return fields_.count(field) != 0; }
  std::vector<Problem> take() { return std::move(list_); }
  bool empty() const { return list_.empty(); }

 private:
  std::set<std::string> fields_;
  std::vector<Problem> list_;
};

// Typed access to the members of a JSON object, recording a problem for every wrong type. JSON null
// counts as absent.
class Reader {
 public:
  explicit Reader(Problems& p) : p_(p) {}

  const json::value* member(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v == nullptr || v->is_null() ? nullptr : v;
  }
  void missing(const std::string& field) { p_.add(field, "gpd.required", "required"); }

  std::optional<std::string> string(const json::object& o, std::string_view key, const std::string& path,
                                    bool required) {
    const json::value* v = member(o, key);
    std::string field = dot(path, key);
    if (v == nullptr) {
      if (required) missing(field);
      return std::nullopt;
    }
    if (!v->is_string()) {
      p_.add(field, "gpd.type_mismatch", "must be a string");
      return std::nullopt;
    }
    return std::string(v->as_string());
  }

  std::optional<std::int64_t> integer(const json::object& o, std::string_view key, const std::string& path,
                                      bool required) {
    const json::value* v = member(o, key);
    std::string field = dot(path, key);
    if (v == nullptr) {
      if (required) missing(field);
      return std::nullopt;
    }
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) {
      p_.add(field, "gpd.amount", "too large");
      return std::nullopt;
    }
    p_.add(field, "gpd.type_mismatch",
           v->is_double() ? "must be an integer (euro cents)" : "must be a number");
    return std::nullopt;
  }

  std::optional<bool> boolean(const json::object& o, std::string_view key, const std::string& path,
                              bool required) {
    const json::value* v = member(o, key);
    std::string field = dot(path, key);
    if (v == nullptr) {
      if (required) missing(field);
      return std::nullopt;
    }
    if (!v->is_bool()) {
      p_.add(field, "gpd.type_mismatch", "must be true or false");
      return std::nullopt;
    }
    return v->as_bool();
  }

  std::optional<TimePoint> dateTime(const json::object& o, std::string_view key, const std::string& path,
                                    bool required) {
    auto s = string(o, key, path, required);
    if (!s) return std::nullopt;
    auto t = parseDateTime(*s);
    if (!t)
      p_.add(dot(path, key), "gpd.date", "not an ISO 8601 date-time (2026-07-31T23:59:59Z): \"" + *s + "\"");
    return t;
  }

  const json::array* array(const json::object& o, std::string_view key, const std::string& path,
                           bool required) {
    const json::value* v = member(o, key);
    std::string field = dot(path, key);
    if (v == nullptr) {
      if (required) missing(field);
      return nullptr;
    }
    if (!v->is_array()) {
      p_.add(field, "gpd.type_mismatch", "must be an array");
      return nullptr;
    }
    return &v->as_array();
  }

  const json::object* object(const json::value& v, const std::string& field) {
    if (!v.is_object()) {
      p_.add(field, "gpd.type_mismatch", "must be an object");
      return nullptr;
    }
    return &v.as_object();
  }

 private:
  Problems& p_;
};

Transfer readTransfer(Reader& r, const json::object& o, const std::string& path, const EcConfig& ec) {
  Transfer t;
  t.id_transfer = r.string(o, "idTransfer", path, true).value_or("");
  t.amount = r.integer(o, "amount", path, true).value_or(0);
  t.organization_fiscal_code = r.string(o, "organizationFiscalCode", path, false).value_or(ec.fiscal_code);
  t.company_name = r.string(o, "companyName", path, false).value_or("");
  t.remittance_information = r.string(o, "remittanceInformation", path, true).value_or("");
  t.category = r.string(o, "category", path, true).value_or("");
  t.iban = r.string(o, "iban", path, false);
  t.postal_iban = r.string(o, "postalIban", path, false);
  if (const json::value* s = r.member(o, "stamp")) {
    std::string sp = dot(path, "stamp");
    if (const json::object* so = r.object(*s, sp)) {
      Stamp st;
      st.hash_document = r.string(*so, "hashDocument", sp, true).value_or("");
      st.stamp_type = r.string(*so, "stampType", sp, true).value_or("");
      st.provincial_residence = r.string(*so, "provincialResidence", sp, true).value_or("");
      t.stamp = std::move(st);
    }
  }
  return t;
}

PaymentOption readOption(Reader& r, const json::object& o, const std::string& path, const EcConfig& ec) {
  PaymentOption op;
  op.iuv = r.string(o, "iuv", path, false).value_or("");
  op.nav = r.string(o, "nav", path, false).value_or("");
  op.amount = r.integer(o, "amount", path, true).value_or(0);
  op.description = r.string(o, "description", path, true).value_or("");
  op.is_partial_payment = r.boolean(o, "isPartialPayment", path, true).value_or(false);
  op.due_date = r.dateTime(o, "dueDate", path, true).value_or(TimePoint{});
  op.retention_date = r.dateTime(o, "retentionDate", path, false);
  op.fee = r.integer(o, "fee", path, false).value_or(0);
  std::string tp = dot(path, "transfer");
  if (const json::array* ts = r.array(o, "transfer", path, true)) {
    for (std::size_t i = 0; i < ts->size(); ++i) {
      if (const json::object* to = r.object((*ts)[i], at(tp, i))) {
        op.transfers.push_back(readTransfer(r, *to, at(tp, i), ec));
      } else {
        op.transfers.emplace_back();  // keeps the indexes of the paths right
      }
    }
  }
  return op;
}

// ---- Rules ----

void checkText(Problems& p, const std::string& field, std::string_view value, std::size_t max,
               bool required) {
  if (value.empty()) {
    if (required) p.add(field, "gpd.required", "must not be empty");
    return;
  }
  if (characters(value) > max) {
    p.add(field, "gpd.text_length",
          "at most " + std::to_string(max) + " characters, got " + std::to_string(characters(value)));
  }
}

void checkOrganization(Problems& p, const std::string& field, std::string_view cf) {
  auto v = identity::validatePartitaIva(cf);
  if (!v) p.add(field, "gpd.organization_fiscal_code", v.error().rule + ": " + v.error().message);
}

void checkDebtor(Problems& p, const DebtPosition& d) {
  if (d.type != 'F' && d.type != 'G')
    p.add("type", "gpd.type", "must be \"F\" (person) or \"G\" (legal person)");
  if (d.fiscal_code.empty()) {
    p.add("fiscalCode", "gpd.required", "must not be empty");
  } else if (d.fiscal_code == "ANONIMO") {
    // pagoPA's placeholder for a debtor the EC does not know.
  } else if (d.fiscal_code.size() == 11) {
    auto v = identity::validatePartitaIva(d.fiscal_code);
    if (!v) p.add("fiscalCode", "gpd.fiscal_code", v.error().rule + ": " + v.error().message);
  } else {
    auto v = identity::validateCodiceFiscale(d.fiscal_code);
    if (!v) p.add("fiscalCode", "gpd.fiscal_code", v.error().rule + ": " + v.error().message);
  }
  checkText(p, "fullName", d.full_name, 70, true);
  for (const auto& [key, value] : d.contact) {
    for (const auto& f : kContactFields) {
      if (f.key != key) continue;
      if (key == "country") {
        if (value.size() != 2 || !isUpper(value[0]) || !isUpper(value[1])) {
          p.add(key, "gpd.country", "two upper-case letters (ISO 3166-1 alpha-2), got \"" + value + "\"");
        }
      } else {
        checkText(p, key, value, f.max, false);
      }
    }
  }
}

void checkAccounts(Problems& p, const Transfer& t, const std::string& path) {
  bool bank = t.iban || t.postal_iban;
  if (t.stamp && bank) {
    p.add(path, "gpd.transfer_account",
          "a transfer credits either a stamp or an account (iban/postalIban), not both");
  } else if (!t.stamp && !bank) {
    p.add(path, "gpd.transfer_account", "a transfer needs an iban, a postalIban or a stamp");
  }
  if (t.iban && !validIban(*t.iban)) {
    p.add(dot(path, "iban"), "gpd.iban", "not a valid IBAN (format or check digits): \"" + *t.iban + "\"");
  }
  if (t.postal_iban) {
    if (!validIban(*t.postal_iban)) {
      p.add(dot(path, "postalIban"), "gpd.postal_iban",
            "not a valid IBAN (format or check digits): \"" + *t.postal_iban + "\"");
    } else if (t.postal_iban->compare(0, 2, "IT") != 0 || t.postal_iban->compare(5, 5, "07601") != 0) {
      p.add(dot(path, "postalIban"), "gpd.postal_iban",
            "a postal IBAN is Italian with ABI 07601 (Poste Italiane)");
    }
  }
  if (t.stamp) {
    const Stamp& s = *t.stamp;
    std::string sp = dot(path, "stamp");
    if (s.hash_document.empty() || s.hash_document.size() > 72) {
      p.add(dot(sp, "hashDocument"), "gpd.stamp", "1 to 72 characters (base64 of the document hash)");
    }
    if (s.stamp_type.size() != 2) p.add(dot(sp, "stampType"), "gpd.stamp", "exactly 2 characters");
    if (s.provincial_residence.size() != 2 || !isUpper(s.provincial_residence[0]) ||
        !isUpper(s.provincial_residence[1])) {
      p.add(dot(sp, "provincialResidence"), "gpd.stamp", "two upper-case letters (a province: \"AG\")");
    }
  }
}

void checkAmount(Problems& p, const std::string& field, std::int64_t amount) {
  if (amount <= 0) {
    p.add(field, "gpd.amount", "must be a positive number of euro cents");
  } else if (amount > kMaxAmountCents) {
    p.add(field, "gpd.amount", "at most 99999999999 cents (999999999.99 euro)");
  }
}

void checkTransfers(Problems& p, const PaymentOption& op, const std::string& path) {
  std::string tp = dot(path, "transfer");
  if (op.transfers.empty() || op.transfers.size() > kMaxTransfers) {
    p.add(tp, "gpd.transfer_count", "1 to 5 transfers, got " + std::to_string(op.transfers.size()));
  }
  std::set<std::string> ids;
  std::int64_t sum = 0;
  bool amountsOk = true;
  for (std::size_t j = 0; j < op.transfers.size(); ++j) {
    const Transfer& t = op.transfers[j];
    std::string path_j = at(tp, j);
    if (p.has(path_j)) continue;  // not an object at all
    const std::string& id = t.id_transfer;
    if (id.size() != 1 || id[0] < '1' || id[0] > '5') {
      p.add(dot(path_j, "idTransfer"), "gpd.transfer_id", "one of \"1\"..\"5\", got \"" + id + "\"");
    } else if (!ids.insert(id).second) {
      p.add(dot(path_j, "idTransfer"), "gpd.transfer_id", "idTransfer \"" + id + "\" used twice");
    }
    checkAmount(p, dot(path_j, "amount"), t.amount);
    if (t.amount <= 0 || t.amount > kMaxAmountCents) amountsOk = false;
    sum += t.amount;
    checkOrganization(p, dot(path_j, "organizationFiscalCode"), t.organization_fiscal_code);
    checkText(p, dot(path_j, "companyName"), t.company_name, 140, false);
    checkText(p, dot(path_j, "remittanceInformation"), t.remittance_information, 140, true);
    checkText(p, dot(path_j, "category"), t.category, 140, true);
    checkAccounts(p, t, path_j);
  }
  if (amountsOk && !op.transfers.empty() && op.amount > 0 && sum != op.amount) {
    p.add(tp, "gpd.transfer_sum",
          "the transfers add up to " + std::to_string(sum) + " cents, the option is " +
              std::to_string(op.amount));
  }
}

void checkCodes(Problems& p, const PaymentOption& op, const std::string& path, const EcConfig& ec) {
  if (op.iuv.empty() && op.nav.empty()) return;  // generated
  std::size_t iuvLength = ec.aux_digit == 0 ? 15 : 17;
  if (!op.iuv.empty() && op.iuv.size() != iuvLength) {
    p.add(dot(path, "iuv"), "gpd.iuv",
          "an IUV of aux " + std::to_string(ec.aux_digit) + " has " + std::to_string(iuvLength) +
              " digits, got " + std::to_string(op.iuv.size()) + " characters");
    return;
  }
  std::string nav = op.nav;
  std::string navField = dot(path, op.nav.empty() ? "iuv" : "nav");
  if (nav.empty()) nav = navOf(ec, op.iuv);
  auto parsed = pagopa::parseNoticeNumber(nav);
  if (!parsed) {
    std::string rule = op.nav.empty() ? "gpd.iuv" : "gpd.nav";
    p.add(navField, rule, parsed.error().rule + ": " + parsed.error().message + " (notice " + nav + ")");
    return;
  }
  if (!op.iuv.empty() && !op.nav.empty() && parsed->iuv != op.iuv) {
    p.add(dot(path, "nav"), "gpd.nav", "the NAV carries IUV " + parsed->iuv + ", not " + op.iuv);
    return;
  }
  if (parsed->aux != ec.aux_digit) {
    p.add(navField, "gpd.nav",
          "aux digit " + std::to_string(parsed->aux) + ", but this EC issues aux " +
              std::to_string(ec.aux_digit));
  } else if (parsed->segregation_code && *parsed->segregation_code != ec.segregation_code) {
    p.add(navField, "gpd.nav",
          "segregation code " + std::to_string(*parsed->segregation_code) + ", but this EC's station has " +
              std::to_string(ec.segregation_code) + ": the node would route the notice elsewhere");
  } else if (parsed->application_code && *parsed->application_code != ec.application_code) {
    p.add(navField, "gpd.nav",
          "application code " + std::to_string(*parsed->application_code) + ", but this EC's is " +
              std::to_string(ec.application_code));
  }
}

}  // namespace

// ---- Reading and checking ----

namespace {

void checkIupd(Problems& probs, std::string_view iupd) {
  if (iupd.empty()) {
    probs.add("iupd", "gpd.required", "must not be empty");
    return;
  }
  bool charsetOk = true;
  for (char c : iupd) {
    charsetOk =
        charsetOk && (isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.');
  }
  if (!charsetOk || iupd.size() > kMaxIupd) {
    probs.add("iupd", "gpd.iupd", "1 to 70 characters among A-Z a-z 0-9 - _ . (it is part of URLs)");
  }
}

void checkOption(Problems& probs, const PaymentOption& op, const std::string& path, TimePoint from,
                 bool fromValidity, const EcConfig& ec) {
  checkAmount(probs, dot(path, "amount"), op.amount);
  checkText(probs, dot(path, "description"), op.description, 140, true);
  if (op.fee < 0) probs.add(dot(path, "fee"), "gpd.fee", "must not be negative");
  if (op.due_date < from) {
    probs.add(dot(path, "dueDate"), "gpd.due_date",
              std::string("must not be before ") + (fromValidity ? "validityDate" : "now") + " (" +
                  formatDateTime(from) + ")");
  }
  if (op.retention_date && *op.retention_date < op.due_date) {
    probs.add(dot(path, "retentionDate"), "gpd.retention_date", "must not be before dueDate");
  }
  checkCodes(probs, op, path, ec);
  checkTransfers(probs, op, path);
}

// Every rule; fields that already have a problem in `probs` are not judged again.
void check(Problems& probs, const DebtPosition& d, const EcConfig& ec, TimePoint now) {
  checkIupd(probs, d.iupd);
  checkDebtor(probs, d);
  checkText(probs, "companyName", d.company_name, 140, true);
  checkText(probs, "officeName", d.office_name, 140, false);
  if (d.validity_date && *d.validity_date < now) {
    probs.add("validityDate", "gpd.validity_date",
              "must not be in the past (now is " + formatDateTime(now) + ")");
  }
  if (d.options.empty() || d.options.size() > kMaxOptions) {
    probs.add("paymentOption", "gpd.payment_options",
              "1 to 100 payment options, got " + std::to_string(d.options.size()));
  }
  std::set<std::string> iuvs, navs;
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    const PaymentOption& op = d.options[i];
    std::string path = at("paymentOption", i);
    if (probs.has(path)) continue;  // not an object at all
    checkOption(probs, op, path, d.validity_date.value_or(now), d.validity_date.has_value(), ec);
    if (!op.iuv.empty() && !iuvs.insert(op.iuv).second) {
      probs.add(dot(path, "iuv"), "gpd.duplicate_code", "used by another payment option of this position");
    }
    if (!op.nav.empty() && !navs.insert(op.nav).second) {
      probs.add(dot(path, "nav"), "gpd.duplicate_code", "used by another payment option of this position");
    }
  }
}

}  // namespace

std::vector<Problem> validatePosition(const DebtPosition& d, const EcConfig& ec, TimePoint now) {
  Problems probs;
  check(probs, d, ec, now);
  return probs.take();
}

Result<DebtPosition, std::vector<Problem>> readPosition(std::string_view text, const EcConfig& ec,
                                                        TimePoint now) {
  boost::system::error_code ec_;
  json::value v = json::parse(text, ec_);
  if (ec_) return fail(std::vector<Problem>{{"", "gpd.json", "not JSON: " + ec_.message()}});
  if (!v.is_object()) return fail(std::vector<Problem>{{"", "gpd.json", "the body must be a JSON object"}});
  const json::object& o = v.as_object();

  Problems probs;
  Reader r(probs);
  DebtPosition d;
  d.organization = ec.fiscal_code;
  d.iupd = r.string(o, "iupd", "", true).value_or("");
  std::string type = r.string(o, "type", "", true).value_or("");
  if (type == "F" || type == "G") {
    d.type = type[0];
  } else if (!probs.has("type")) {
    probs.add("type", "gpd.type", "must be \"F\" (person) or \"G\" (legal person)");
  }
  d.fiscal_code = r.string(o, "fiscalCode", "", true).value_or("");
  for (char& c : d.fiscal_code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  d.full_name = r.string(o, "fullName", "", true).value_or("");
  for (const auto& f : kContactFields) {
    if (auto s = r.string(o, f.key, "", false)) d.contact.emplace_back(std::string(f.key), std::move(*s));
  }
  d.company_name = r.string(o, "companyName", "", true).value_or("");
  d.office_name = r.string(o, "officeName", "", false).value_or("");
  d.validity_date = r.dateTime(o, "validityDate", "", false);
  d.switch_to_expired = r.boolean(o, "switchToExpired", "", true).value_or(false);
  if (const json::array* ops = r.array(o, "paymentOption", "", true)) {
    for (std::size_t i = 0; i < ops->size(); ++i) {
      if (const json::object* oo = r.object((*ops)[i], at("paymentOption", i))) {
        d.options.push_back(readOption(r, *oo, at("paymentOption", i), ec));
      } else {
        d.options.emplace_back();
      }
    }
  }
  // The rules, skipping fields that already have a problem (a missing amount is not also "not positive").
  check(probs, d, ec, now);
  if (!probs.empty()) return fail(probs.take());
  return d;
}

}  // namespace sportello::comune
