// The SQL side of DebtPositions: schema, reading and writing rows, IUV/NAV assignment.
#include <boost/json.hpp>
#include <set>

#include "core/pagopa/notice.hpp"
#include "mocks/comune/storage.hpp"

namespace sportello::comune::detail {

namespace json = boost::json;

namespace {

// VALID and EXPIRED are never stored: they follow from the clock (see debt_positions.hpp).
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE debt_position (
  id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  iupd TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('F', 'G')),
  fiscal_code TEXT NOT NULL,
  full_name TEXT NOT NULL,
  contact TEXT NOT NULL DEFAULT '{}',
  company_name TEXT NOT NULL,
  office_name TEXT NOT NULL DEFAULT '',
  validity_date INTEGER,
  switch_to_expired INTEGER NOT NULL,
  max_due_date INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('DRAFT', 'PUBLISHED', 'INVALID', 'PARTIALLY_PAID', 'PAID', 'REPORTED')),
  inserted_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  published_at INTEGER,
  payment_date INTEGER,
  UNIQUE (organization, iupd)
);
CREATE TABLE payment_option (
  id INTEGER PRIMARY KEY,
  position_id INTEGER NOT NULL REFERENCES debt_position (id) ON DELETE CASCADE,
  organization TEXT NOT NULL,
  position_index INTEGER NOT NULL,
  iuv TEXT NOT NULL,
  nav TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  description TEXT NOT NULL,
  is_partial_payment INTEGER NOT NULL,
  due_date INTEGER NOT NULL,
  retention_date INTEGER,
  fee INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'PO_UNPAID',
  payment_date INTEGER,
  receipt_id TEXT,
  psp_company TEXT,
  UNIQUE (organization, iuv),
  UNIQUE (organization, nav)
);
CREATE INDEX payment_option_position ON payment_option (position_id);
CREATE TABLE transfer (
  option_id INTEGER NOT NULL REFERENCES payment_option (id) ON DELETE CASCADE,
  id_transfer TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  organization_fiscal_code TEXT NOT NULL,
  company_name TEXT NOT NULL DEFAULT '',
  remittance_information TEXT NOT NULL,
  category TEXT NOT NULL,
  iban TEXT,
  postal_iban TEXT,
  stamp_hash_document TEXT,
  stamp_type TEXT,
  stamp_provincial_residence TEXT,
  PRIMARY KEY (option_id, id_transfer)
);
CREATE TABLE receipt (
  id INTEGER PRIMARY KEY,
  recipient TEXT NOT NULL,
  receipt_id TEXT NOT NULL,
  notice_number TEXT NOT NULL,
  fiscal_code TEXT NOT NULL,
  amount INTEGER NOT NULL,
  content TEXT NOT NULL,
  raw_xml TEXT NOT NULL DEFAULT '',
  option_id INTEGER REFERENCES payment_option (id) ON DELETE SET NULL,
  verdict TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (recipient, receipt_id)
);
CREATE TABLE code_sequence (
  organization TEXT PRIMARY KEY,
  last_base INTEGER NOT NULL
);
)sql";

constexpr store::Migration kMigrations[] = {{1, "comune debt positions and receipts", kSchemaV1}};

GpdError error(GpdErrc code, std::string rule, std::string message) {
  return GpdError{code, std::move(rule), std::move(message), {}};
}

std::optional<TimePoint> optTime(const store::Statement& st, int col) {
  auto v = st.optInt64(col);
  return v ? std::optional<TimePoint>(fromMillis(*v)) : std::nullopt;
}

}  // namespace

// The effective status of position `p`, evaluated in SQL so that lists filter and page on it; binds
// :now (milliseconds).
const std::string kEffectiveStatus =
    "(CASE WHEN p.status = 'PUBLISHED' AND p.switch_to_expired = 1 AND p.max_due_date < :now THEN 'EXPIRED'"
    " WHEN p.status = 'PUBLISHED' AND COALESCE(p.validity_date, p.published_at) <= :now THEN 'VALID'"
    " ELSE p.status END)";

const std::string kPositionColumns =
    "SELECT p.id, p.organization, p.iupd, p.type, p.fiscal_code, p.full_name, p.contact, p.company_name,"
    " p.office_name, p.validity_date, p.switch_to_expired, " +
    kEffectiveStatus + ", p.inserted_at, p.updated_at, p.published_at, p.payment_date FROM debt_position p ";

std::span<const store::Migration> migrations() {
  return kMigrations;
}

DebtPosition readPositionRow(const store::Statement& st) {
  DebtPosition d;
  d.organization = st.text(1);
  d.iupd = st.text(2);
  std::string type = st.text(3);
  d.type = type.empty() ? 'F' : type[0];
  d.fiscal_code = st.text(4);
  d.full_name = st.text(5);
  boost::system::error_code ec;
  json::value contact = json::parse(st.text(6), ec);
  if (!ec && contact.is_object()) {
    for (const auto& kv : contact.as_object()) {
      if (kv.value().is_string())
        d.contact.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    }
  }
  d.company_name = st.text(7);
  d.office_name = st.text(8);
  d.validity_date = optTime(st, 9);
  d.switch_to_expired = st.int64(10) != 0;
  d.status = parsePositionStatus(st.text(11)).value_or(PositionStatus::draft);
  d.inserted_at = fromMillis(st.int64(12));
  d.updated_at = fromMillis(st.int64(13));
  d.published_at = optTime(st, 14);
  d.payment_date = optTime(st, 15);
  return d;
}

store::StoreResult<void> loadOptions(store::Transaction& tx, std::int64_t positionId, DebtPosition& d) {
  auto st = tx.prepare(
      "SELECT id, iuv, nav, amount, description, is_partial_payment, due_date, retention_date, fee, status,"
      " payment_date, receipt_id, psp_company FROM payment_option WHERE position_id = ? ORDER BY "
      "position_index");
  if (!st) return fail(std::move(st).error());
  auto tst = tx.prepare(
      "SELECT id_transfer, amount, organization_fiscal_code, company_name, remittance_information, category, "
      "iban,"
      " postal_iban, stamp_hash_document, stamp_type, stamp_provincial_residence FROM transfer WHERE "
      "option_id = ?"
      " ORDER BY rowid");
  if (!tst) return fail(std::move(tst).error());
  st->bind(1, positionId);
  for (;;) {
    auto row = st->step();
    if (!row) return fail(std::move(row).error());
    if (!*row) break;
    PaymentOption op;
    op.iuv = st->text(1);
    op.nav = st->text(2);
    op.amount = st->int64(3);
    op.description = st->text(4);
    op.is_partial_payment = st->int64(5) != 0;
    op.due_date = fromMillis(st->int64(6));
    op.retention_date = optTime(*st, 7);
    op.fee = st->int64(8);
    op.status = parseOptionStatus(st->text(9)).value_or(OptionStatus::unpaid);
    op.payment_date = optTime(*st, 10);
    op.receipt_id = st->optText(11).value_or("");
    op.psp_company = st->optText(12).value_or("");
    tst->bind(1, st->int64(0));
    for (;;) {
      auto trow = tst->step();
      if (!trow) return fail(std::move(trow).error());
      if (!*trow) break;
      Transfer t;
      t.id_transfer = tst->text(0);
      t.amount = tst->int64(1);
      t.organization_fiscal_code = tst->text(2);
      t.company_name = tst->text(3);
      t.remittance_information = tst->text(4);
      t.category = tst->text(5);
      t.iban = tst->optText(6);
      t.postal_iban = tst->optText(7);
      if (auto hash = tst->optText(8)) t.stamp = Stamp{*hash, tst->text(9), tst->text(10)};
      op.transfers.push_back(std::move(t));
    }
    d.options.push_back(std::move(op));
  }
  return {};
}

std::string contactJson(const DebtPosition& d) {
  json::object o;
  for (const auto& [k, v] : d.contact) o[k] = v;
  return json::serialize(o);
}

// Fills in missing IUV/NAV pairs (IUVs from the EC's counter, which never goes back) and refuses codes
// another position of the EC already uses.
Result<void, GpdError> assignCodes(store::Transaction& tx, const EcConfig& ec, DebtPosition& d) {
  auto used = tx.prepare(
      "SELECT p.iupd, o.iuv, o.nav FROM payment_option o JOIN debt_position p ON p.id = o.position_id"
      " WHERE o.organization = ? AND (o.iuv = ? OR o.nav = ?)");
  if (!used) return fail(storageError(used.error()));
  auto inUse = [&](const std::string& iuv,
                   const std::string& nav) -> Result<std::optional<std::string>, GpdError> {
    used->bind(1, ec.fiscal_code).bind(2, iuv).bind(3, nav);
    auto row = used->step();
    if (!row) return fail(storageError(row.error()));
    if (!*row) return std::optional<std::string>{};
    std::string what = used->text(1) == iuv ? "IUV " + iuv : "notice number " + nav;
    std::string iupd = used->text(0);
    while (*row) {  // finish the statement so that it holds nothing
      row = used->step();
      if (!row) return fail(storageError(row.error()));
    }
    return std::optional<std::string>(what + " is already used by position " + iupd);
  };

  std::set<std::string> mine;  // codes of this request, given or generated
  for (auto& op : d.options) {
    if (!op.nav.empty() && op.iuv.empty()) {
      auto n = pagopa::parseNoticeNumber(op.nav);
      if (n) op.iuv = n->iuv;
    } else if (op.nav.empty() && !op.iuv.empty()) {
      op.nav = navOf(ec, op.iuv);
    }
    if (!op.iuv.empty()) mine.insert(op.iuv);
  }

  std::int64_t last = 0;
  bool counterRead = false;
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    auto& op = d.options[i];
    if (op.iuv.empty()) {
      if (!counterRead) {
        auto st = tx.prepare("SELECT last_base FROM code_sequence WHERE organization = ?");
        if (!st) return fail(storageError(st.error()));
        auto row = st->bind(1, ec.fiscal_code).step();
        if (!row) return fail(storageError(row.error()));
        if (*row) last = st->int64(0);
        counterRead = true;
      }
      std::size_t width = ec.aux_digit == 2 ? 15 : 13;
      int code = ec.aux_digit == 0 ? ec.application_code : ec.segregation_code;
      for (;;) {
        std::string base = std::to_string(++last);
        if (base.size() > width) return fail(error(GpdErrc::conflict, "gpd.codes_exhausted", "no IUV left"));
        base.insert(0, width - base.size(), '0');
        auto n = pagopa::makeNoticeNumber(ec.aux_digit, code, base);
        if (!n)
          return fail(error(GpdErrc::storage, "gpd.ec_config", "cannot make IUVs: " + n.error().message));
        if (mine.count(n->iuv) != 0) continue;
        auto taken = inUse(n->iuv, n->digits);
        if (!taken) return fail(std::move(taken).error());
        if (*taken) continue;
        op.iuv = n->iuv;
        op.nav = n->digits;
        mine.insert(op.iuv);
        break;
      }
    } else {
      auto taken = inUse(op.iuv, op.nav);
      if (!taken) return fail(std::move(taken).error());
      if (*taken) {
        std::string rule = taken->value().rfind("IUV", 0) == 0 ? "gpd.duplicate_iuv" : "gpd.duplicate_nav";
        return fail(error(GpdErrc::conflict, rule, **taken));
      }
    }
  }
  if (counterRead) {
    auto st = tx.prepare(
        "INSERT INTO code_sequence (organization, last_base) VALUES (?, ?)"
        " ON CONFLICT (organization) DO UPDATE SET last_base = excluded.last_base");
    if (!st) return fail(storageError(st.error()));
    if (auto r = st->bind(1, ec.fiscal_code).bind(2, last).run(); !r) return fail(storageError(r.error()));
  }
  return {};
}

store::StoreResult<void> insertOptions(store::Transaction& tx, std::int64_t positionId,
                                       const DebtPosition& d) {
  auto ins = tx.prepare(
      "INSERT INTO payment_option (position_id, organization, position_index, iuv, nav, amount, description,"
      " is_partial_payment, due_date, retention_date, fee) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!ins) return fail(std::move(ins).error());
  auto tins = tx.prepare(
      "INSERT INTO transfer (option_id, id_transfer, amount, organization_fiscal_code, company_name,"
      " remittance_information, category, iban, postal_iban, stamp_hash_document, stamp_type,"
      " stamp_provincial_residence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!tins) return fail(std::move(tins).error());
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    const PaymentOption& op = d.options[i];
    std::optional<std::int64_t> retention;
    if (op.retention_date) retention = toMillis(*op.retention_date);
    auto r = ins->bind(1, positionId)
                 .bind(2, d.organization)
                 .bind(3, static_cast<std::int64_t>(i))
                 .bind(4, op.iuv)
                 .bind(5, op.nav)
                 .bind(6, op.amount)
                 .bind(7, op.description)
                 .bind(8, op.is_partial_payment)
                 .bind(9, toMillis(op.due_date))
                 .bind(10, retention)
                 .bind(11, op.fee)
                 .run();
    if (!r) return r;
    std::int64_t optionId = tx.lastInsertRowId();
    for (const Transfer& t : op.transfers) {
      std::optional<std::string> hash, type, province;
      if (t.stamp) {
        hash = t.stamp->hash_document;
        type = t.stamp->stamp_type;
        province = t.stamp->provincial_residence;
      }
      auto tr = tins->bind(1, optionId)
                    .bind(2, t.id_transfer)
                    .bind(3, t.amount)
                    .bind(4, t.organization_fiscal_code)
                    .bind(5, t.company_name)
                    .bind(6, t.remittance_information)
                    .bind(7, t.category)
                    .bind(8, t.iban)
                    .bind(9, t.postal_iban)
                    .bind(10, hash)
                    .bind(11, type)
                    .bind(12, province)
                    .run();
      if (!tr) return tr;
    }
  }
  return {};
}

std::int64_t toMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint fromMillis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

GpdError storageError(const store::StoreError& e) {
  return GpdError{GpdErrc::storage, "gpd.storage", std::string(e.name()) + ": " + e.message, {}};
}

store::StoreResult<std::optional<DebtPosition>> loadPosition(store::Transaction& tx, std::string_view org,
                                                             std::string_view iupd, TimePoint now,
                                                             std::int64_t* id) {
  auto st = tx.prepare(kPositionColumns + "WHERE p.organization = :org AND p.iupd = :iupd");
  if (!st) return fail(std::move(st).error());
  auto row = st->bind(":now", toMillis(now)).bind(":org", org).bind(":iupd", iupd).step();
  if (!row) return fail(std::move(row).error());
  if (!*row) return std::optional<DebtPosition>{};
  DebtPosition d = readPositionRow(*st);
  std::int64_t rowId = st->int64(0);
  if (auto r = st->step(); !r) return fail(std::move(r).error());  // finish it (one row at most)
  if (auto r = loadOptions(tx, rowId, d); !r) return fail(r.error());
  if (id != nullptr) *id = rowId;
  return std::optional<DebtPosition>(std::move(d));
}

}  // namespace sportello::comune::detail
