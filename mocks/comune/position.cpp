// Names, JSON writing, dates, IBANs and NAVs of debt positions (position.hpp); reading and rules are
// in position_read.cpp.
#include "mocks/comune/position.hpp"

#include <boost/json.hpp>
#include <chrono>

namespace sportello::comune {

namespace json = boost::json;

namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isUpper(char c) {
  return c >= 'A' && c <= 'Z';
}

}  // namespace

// ---- Names ----

namespace {
constexpr std::pair<PositionStatus, std::string_view> kPositionNames[] = {
    {PositionStatus::draft, "DRAFT"},     {PositionStatus::published, "PUBLISHED"},
    {PositionStatus::valid, "VALID"},     {PositionStatus::invalid, "INVALID"},
    {PositionStatus::expired, "EXPIRED"}, {PositionStatus::partially_paid, "PARTIALLY_PAID"},
    {PositionStatus::paid, "PAID"},       {PositionStatus::reported, "REPORTED"}};
constexpr std::pair<OptionStatus, std::string_view> kOptionNames[] = {
    {OptionStatus::unpaid, "PO_UNPAID"},
    {OptionStatus::paid, "PO_PAID"},
    {OptionStatus::partially_reported, "PO_PARTIALLY_REPORTED"},
    {OptionStatus::reported, "PO_REPORTED"}};
}  // namespace

std::string_view toString(PositionStatus s) {
  for (const auto& [v, n] : kPositionNames) {
    if (v == s) return n;
  }
  return "?";
}
std::optional<PositionStatus> parsePositionStatus(std::string_view s) {
  for (const auto& [v, n] : kPositionNames) {
    if (n == s) return v;
  }
  return std::nullopt;
}
std::string_view toString(OptionStatus s) {
  for (const auto& [v, n] : kOptionNames) {
    if (v == s) return n;
  }
  return "?";
}
std::optional<OptionStatus> parseOptionStatus(std::string_view s) {
  for (const auto& [v, n] : kOptionNames) {
    if (n == s) return v;
  }
  return std::nullopt;
}

const PaymentOption* DebtPosition::option(std::string_view nav) const {
  for (const auto& o : options) {
    if (o.nav == nav) return &o;
  }
  return nullptr;
}

TimePoint DebtPosition::maxDueDate() const {
  TimePoint m{};
  for (const auto& o : options) m = std::max(m, o.due_date);
  return m;
}

// ---- Writing ----

namespace {

void putOptionalTime(json::object& o, std::string_view key, const std::optional<TimePoint>& t) {
  if (t) o[key] = formatDateTime(*t);
}

json::object transferJson(const Transfer& t) {
  json::object o{{"idTransfer", t.id_transfer},
                 {"amount", t.amount},
                 {"organizationFiscalCode", t.organization_fiscal_code}};
  if (!t.company_name.empty()) o["companyName"] = t.company_name;
  o["remittanceInformation"] = t.remittance_information;
  o["category"] = t.category;
  if (t.iban) o["iban"] = *t.iban;
  if (t.postal_iban) o["postalIban"] = *t.postal_iban;
  if (t.stamp) {
    o["stamp"] = json::object{{"hashDocument", t.stamp->hash_document},
                              {"stampType", t.stamp->stamp_type},
                              {"provincialResidence", t.stamp->provincial_residence}};
  }
  o["status"] = "T_UNREPORTED";
  return o;
}

json::object optionJson(const PaymentOption& op) {
  json::object o{{"iuv", op.iuv},
                 {"nav", op.nav},
                 {"amount", op.amount},
                 {"description", op.description},
                 {"isPartialPayment", op.is_partial_payment},
                 {"dueDate", formatDateTime(op.due_date)}};
  putOptionalTime(o, "retentionDate", op.retention_date);
  o["fee"] = op.fee;
  o["status"] = toString(op.status);
  putOptionalTime(o, "paymentDate", op.payment_date);
  if (!op.receipt_id.empty()) o["idReceipt"] = op.receipt_id;
  if (!op.psp_company.empty()) o["pspCompany"] = op.psp_company;
  json::array ts;
  for (const auto& t : op.transfers) ts.push_back(transferJson(t));
  o["transfer"] = std::move(ts);
  return o;
}

}  // namespace

json::object toJson(const DebtPosition& d) {
  json::object o{{"iupd", d.iupd},
                 {"organizationFiscalCode", d.organization},
                 {"type", std::string(1, d.type)},
                 {"fiscalCode", d.fiscal_code},
                 {"fullName", d.full_name}};
  for (const auto& [k, v] : d.contact) o[k] = v;
  o["companyName"] = d.company_name;
  if (!d.office_name.empty()) o["officeName"] = d.office_name;
  putOptionalTime(o, "validityDate", d.validity_date);
  o["switchToExpired"] = d.switch_to_expired;
  o["status"] = toString(d.status);
  o["insertedDate"] = formatDateTime(d.inserted_at);
  putOptionalTime(o, "publishDate", d.published_at);
  o["lastUpdatedDate"] = formatDateTime(d.updated_at);
  putOptionalTime(o, "paymentDate", d.payment_date);
  json::array ops;
  for (const auto& op : d.options) ops.push_back(optionJson(op));
  o["paymentOption"] = std::move(ops);
  return o;
}

// ---- Dates, IBANs, NAVs ----

std::optional<TimePoint> parseDateTime(std::string_view s) {
  using namespace std::chrono;
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (!isDigit(s[i])) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (s.size() < 19 || !num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
      s[10] != 'T' || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) || s[16] != ':' || !num(17, 2, se)) {
    return std::nullopt;
  }
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return std::nullopt;
  std::size_t i = 19;
  int ms = 0;
  if (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && isDigit(s[i])) {
      if (i - start < 3) ms = ms * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start || i - start > 9) return std::nullopt;
    for (std::size_t k = i - start; k < 3; ++k) ms *= 10;
  }
  minutes offset{0};
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh = 0, om = 0;
      if (!num(i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !num(i + 4, 2, om) || oh > 23 ||
          om > 59) {
        return std::nullopt;
      }
      offset = minutes(oh * 60 + om) * (s[i] == '-' ? -1 : 1);
      i += 6;
    }
  }
  if (i != s.size()) return std::nullopt;
  return TimePoint(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(se) + milliseconds(ms) - offset;
}

std::string formatDateTime(TimePoint t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  return formatUtc(t, ms != 0);
}

bool validIban(std::string_view s) {
  if (s.size() < 15 || s.size() > 34) return false;
  auto letter = [](char c) { return isUpper(c) || (c >= 'a' && c <= 'z'); };
  if (!letter(s[0]) || !letter(s[1]) || !isDigit(s[2]) || !isDigit(s[3])) return false;
  for (char c : s.substr(4)) {
    if (!isDigit(c) && !letter(c)) return false;
  }
  bool italian = (s[0] == 'I' || s[0] == 'i') && (s[1] == 'T' || s[1] == 't');
  if (italian && s.size() != 27) return false;
  // ISO 7064 MOD 97-10 over the IBAN with its first four characters moved to the end.
  int r = 0;
  auto feed = [&](char c) {
    if (isDigit(c)) {
      r = (r * 10 + (c - '0')) % 97;
    } else {
      int v = (c >= 'a' ? c - 'a' : c - 'A') + 10;
      r = (r * 100 + v) % 97;
    }
  };
  for (char c : s.substr(4)) feed(c);
  for (char c : s.substr(0, 4)) feed(c);
  return r == 1;
}

std::string navOf(const EcConfig& ec, std::string_view iuv) {
  std::string nav = std::to_string(ec.aux_digit);
  if (ec.aux_digit == 0) {
    nav += static_cast<char>('0' + ec.application_code / 10 % 10);
    nav += static_cast<char>('0' + ec.application_code % 10);
  }
  return nav + std::string(iuv);
}

}  // namespace sportello::comune
