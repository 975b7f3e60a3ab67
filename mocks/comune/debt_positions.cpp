#include "mocks/comune/debt_positions.hpp"

#include "core/store/migrations.hpp"
#include "mocks/comune/storage.hpp"

namespace sportello::comune {

using detail::assignCodes;
using detail::contactJson;
using detail::insertOptions;
using detail::kEffectiveStatus;
using detail::kPositionColumns;
using detail::loadOptions;
using detail::readPositionRow;
using detail::storageError;
using detail::toMillis;

namespace {

GpdError error(GpdErrc code, std::string rule, std::string message) {
  return GpdError{code, std::move(rule), std::move(message), {}};
}

GpdError notFound(std::string_view org, std::string_view iupd) {
  return error(GpdErrc::not_found, "gpd.not_found",
               "no debt position " + std::string(iupd) + " for organization " + std::string(org));
}

GpdError wrongState(const DebtPosition& d, std::string_view action, std::string_view allowed) {
  return error(GpdErrc::conflict, "gpd.state",
               "cannot " + std::string(action) + " position " + d.iupd + ": it is " +
                   std::string(toString(d.status)) + ", and only " + std::string(allowed) + " ones can be");
}

}  // namespace

// ---- Errors and names ----

int GpdError::httpStatus() const {
  switch (code) {
    case GpdErrc::validation:
      return 400;
    case GpdErrc::not_found:
      return 404;
    case GpdErrc::conflict:
      return 409;
    case GpdErrc::storage:
      break;
  }
  return 500;
}

// ---- DebtPositions ----

DebtPositions::DebtPositions(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DebtPositions::~DebtPositions() = default;

Result<std::unique_ptr<DebtPositions>, std::string> DebtPositions::open(Options options) {
  if (options.ecs.empty()) return fail(std::string("debt positions: no EC configured"));
  if (!options.clock) return fail(std::string("debt positions: no clock"));
  auto impl = std::make_unique<Impl>();
  impl->o = std::move(options);
  store::Database::Options dbo;
  dbo.path = impl->o.database;
  dbo.quick_check = true;  // a small file: a damaged one is better found at start than at payment time
  auto db = store::Database::open(dbo);
  if (!db) return fail("debt positions: " + db.error().message);
  impl->db = std::move(*db);
  auto m = store::migrate(*impl->db, detail::migrations());
  if (!m) return fail("debt positions: " + impl->o.database + ": " + m.error().message);
  if (impl->o.metrics) {
    auto& metrics = *impl->o.metrics;
    const std::string name = "sportello_comune_receipts_total";
    const std::string help = "Receipts (paSendRT) delivered to the comune's back end, by outcome.";
    impl->receipts_booked = &metrics.counter(name, help, {{"outcome", "booked"}});
    impl->receipts_duplicate = &metrics.counter(name, help, {{"outcome", "duplicate"}});
    impl->receipts_copy = &metrics.counter(name, help, {{"outcome", "copy"}});
    impl->receipts_refused = &metrics.counter(name, help, {{"outcome", "refused"}});
  }
  return std::unique_ptr<DebtPositions>(new DebtPositions(std::move(impl)));
}

const EcConfig* DebtPositions::ec(std::string_view fiscalCode) const {
  return impl_->ec(fiscalCode);
}

const std::vector<EcConfig>& DebtPositions::ecs() const {
  return impl_->o.ecs;
}

const Clock& DebtPositions::clock() const {
  return *impl_->o.clock;
}

Result<DebtPosition, GpdError> DebtPositions::create(std::string_view org, DebtPosition p, bool publish) {
  const EcConfig* ec = impl_->ec(org);
  if (ec == nullptr) {
    return fail(error(GpdErrc::not_found, "gpd.organization",
                      "organization " + std::string(org) + " is not served here"));
  }
  TimePoint now = impl_->now();
  p.organization = ec->fiscal_code;
  auto tx = impl_->db->write();
  if (!tx) return fail(storageError(tx.error()));
  {
    auto existing = tx->prepare("SELECT 1 FROM debt_position WHERE organization = ? AND iupd = ?");
    if (!existing) return fail(storageError(existing.error()));
    auto row = existing->bind(1, org).bind(2, p.iupd).step();
    if (!row) return fail(storageError(row.error()));
    if (*row) {
      return fail(error(GpdErrc::conflict, "gpd.duplicate_iupd",
                        "organization " + std::string(org) + " already has a debt position " + p.iupd));
    }
  }
  if (auto r = assignCodes(*tx, *ec, p); !r) return fail(r.error());
  auto ins = tx->prepare(
      "INSERT INTO debt_position (organization, iupd, type, fiscal_code, full_name, contact, company_name,"
      " office_name, validity_date, switch_to_expired, max_due_date, status, inserted_at, updated_at, "
      "published_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!ins) return fail(storageError(ins.error()));
  std::optional<std::int64_t> validity, published;
  if (p.validity_date) validity = toMillis(*p.validity_date);
  if (publish) published = toMillis(now);
  auto r = ins->bind(1, p.organization)
               .bind(2, p.iupd)
               .bind(3, std::string(1, p.type))
               .bind(4, p.fiscal_code)
               .bind(5, p.full_name)
               .bind(6, contactJson(p))
               .bind(7, p.company_name)
               .bind(8, p.office_name)
               .bind(9, validity)
               .bind(10, p.switch_to_expired)
               .bind(11, toMillis(p.maxDueDate()))
               .bind(12, publish ? "PUBLISHED" : "DRAFT")
               .bind(13, toMillis(now))
               .bind(14, toMillis(now))
               .bind(15, published)
               .run();
  if (!r) return fail(storageError(r.error()));
  if (auto o = insertOptions(*tx, tx->lastInsertRowId(), p); !o) return fail(storageError(o.error()));
  auto loaded = detail::loadPosition(*tx, org, p.iupd, now);
  if (!loaded || !*loaded)
    return fail(error(GpdErrc::storage, "gpd.storage", "the new position cannot be read back"));
  if (auto c = tx->commit(); !c) return fail(storageError(c.error()));
  return std::move(**loaded);
}

Result<DebtPosition, GpdError> DebtPositions::get(std::string_view org, std::string_view iupd) {
  auto tx = impl_->db->read();
  if (!tx) return fail(storageError(tx.error()));
  auto loaded = detail::loadPosition(*tx, org, iupd, impl_->now());
  if (!loaded) return fail(storageError(loaded.error()));
  if (!*loaded) return fail(notFound(org, iupd));
  return std::move(**loaded);
}

Result<PositionPage, GpdError> DebtPositions::list(std::string_view org, const PositionQuery& q) {
  if (q.page < 0 || q.limit < 1 || q.limit > 50) {
    GpdError e = error(GpdErrc::validation, "gpd.paging", "page from 0, limit 1 to 50");
    if (q.page < 0) e.problems.push_back({"page", "gpd.paging", "must be 0 or more"});
    if (q.limit < 1 || q.limit > 50) e.problems.push_back({"limit", "gpd.paging", "must be 1 to 50"});
    return fail(std::move(e));
  }
  TimePoint now = impl_->now();
  auto tx = impl_->db->read();
  if (!tx) return fail(storageError(tx.error()));
  std::optional<std::string> status;
  if (q.status) status = std::string(toString(*q.status));
  PositionPage page;
  page.page = q.page;
  page.limit = q.limit;
  {
    auto st = tx->prepare(
        "SELECT COUNT(*) FROM debt_position p WHERE p.organization = :org AND (:status IS NULL OR " +
        kEffectiveStatus + " = :status)");
    if (!st) return fail(storageError(st.error()));
    auto row = st->bind(":now", toMillis(now)).bind(":org", org).bind(":status", status).step();
    if (!row) return fail(storageError(row.error()));
    page.items_found = st->int64(0);
    if (auto end = st->step(); !end) return fail(storageError(end.error()));
  }
  page.total_pages = (page.items_found + q.limit - 1) / q.limit;
  std::vector<std::pair<std::int64_t, DebtPosition>> rows;
  {
    auto st = tx->prepare(kPositionColumns + "WHERE p.organization = :org AND (:status IS NULL OR " +
                          kEffectiveStatus + " = :status) ORDER BY p.id LIMIT :limit OFFSET :offset");
    if (!st) return fail(storageError(st.error()));
    st->bind(":now", toMillis(now))
        .bind(":org", org)
        .bind(":status", status)
        .bind(":limit", q.limit)
        .bind(":offset", static_cast<std::int64_t>(q.page) * q.limit);
    for (;;) {
      auto row = st->step();
      if (!row) return fail(storageError(row.error()));
      if (!*row) break;
      rows.emplace_back(st->int64(0), readPositionRow(*st));
    }
  }
  for (auto& [id, d] : rows) {
    if (auto r = loadOptions(*tx, id, d); !r) return fail(storageError(r.error()));
    page.positions.push_back(std::move(d));
  }
  return page;
}

Result<DebtPosition, GpdError> DebtPositions::update(std::string_view org, std::string_view iupd,
                                                     DebtPosition p, bool publish) {
  const EcConfig* ec = impl_->ec(org);
  if (ec == nullptr) return fail(notFound(org, iupd));
  TimePoint now = impl_->now();
  auto tx = impl_->db->write();
  if (!tx) return fail(storageError(tx.error()));
  std::int64_t id = 0;
  auto current = detail::loadPosition(*tx, org, iupd, now, &id);
  if (!current) return fail(storageError(current.error()));
  if (!*current) return fail(notFound(org, iupd));
  const DebtPosition& old = **current;
  if (old.status != PositionStatus::draft && old.status != PositionStatus::published) {
    return fail(wrongState(old, "update", "DRAFT or PUBLISHED"));
  }
  if (p.iupd != iupd) {
    GpdError e = error(GpdErrc::validation, "gpd.iupd", "the body's iupd differs from the path's");
    e.problems.push_back({"iupd", "gpd.iupd", "must be " + std::string(iupd) + " (the path's)"});
    return fail(std::move(e));
  }
  p.organization = ec->fiscal_code;
  // The options are replaced: drop the old ones first so that their codes may be kept.
  auto del = tx->prepare("DELETE FROM payment_option WHERE position_id = ?");
  if (!del) return fail(storageError(del.error()));
  if (auto r = del->bind(1, id).run(); !r) return fail(storageError(r.error()));
  if (auto r = assignCodes(*tx, *ec, p); !r) return fail(r.error());
  auto upd = tx->prepare(
      "UPDATE debt_position SET type = ?, fiscal_code = ?, full_name = ?, contact = ?, company_name = ?,"
      " office_name = ?, validity_date = ?, switch_to_expired = ?, max_due_date = ?, status = ?, updated_at "
      "= ?,"
      " published_at = ? WHERE id = ?");
  if (!upd) return fail(storageError(upd.error()));
  std::optional<std::int64_t> validity, published;
  if (p.validity_date) validity = toMillis(*p.validity_date);
  if (publish) published = toMillis(now);
  auto r = upd->bind(1, std::string(1, p.type))
               .bind(2, p.fiscal_code)
               .bind(3, p.full_name)
               .bind(4, contactJson(p))
               .bind(5, p.company_name)
               .bind(6, p.office_name)
               .bind(7, validity)
               .bind(8, p.switch_to_expired)
               .bind(9, toMillis(p.maxDueDate()))
               .bind(10, publish ? "PUBLISHED" : "DRAFT")
               .bind(11, toMillis(now))
               .bind(12, published)
               .bind(13, id)
               .run();
  if (!r) return fail(storageError(r.error()));
  if (auto o = insertOptions(*tx, id, p); !o) return fail(storageError(o.error()));
  auto loaded = detail::loadPosition(*tx, org, iupd, now);
  if (!loaded || !*loaded)
    return fail(error(GpdErrc::storage, "gpd.storage", "the position cannot be read back"));
  if (auto c = tx->commit(); !c) return fail(storageError(c.error()));
  return std::move(**loaded);
}

Result<void, GpdError> DebtPositions::remove(std::string_view org, std::string_view iupd) {
  auto tx = impl_->db->write();
  if (!tx) return fail(storageError(tx.error()));
  std::int64_t id = 0;
  auto current = detail::loadPosition(*tx, org, iupd, impl_->now(), &id);
  if (!current) return fail(storageError(current.error()));
  if (!*current) return fail(notFound(org, iupd));
  if ((*current)->status != PositionStatus::draft && (*current)->status != PositionStatus::published) {
    return fail(wrongState(**current, "delete", "DRAFT or PUBLISHED"));
  }
  auto del = tx->prepare("DELETE FROM debt_position WHERE id = ?");
  if (!del) return fail(storageError(del.error()));
  if (auto r = del->bind(1, id).run(); !r) return fail(storageError(r.error()));
  if (auto c = tx->commit(); !c) return fail(storageError(c.error()));
  return {};
}

Result<DebtPosition, GpdError> DebtPositions::publish(std::string_view org, std::string_view iupd) {
  TimePoint now = impl_->now();
  auto tx = impl_->db->write();
  if (!tx) return fail(storageError(tx.error()));
  std::int64_t id = 0;
  auto current = detail::loadPosition(*tx, org, iupd, now, &id);
  if (!current) return fail(storageError(current.error()));
  if (!*current) return fail(notFound(org, iupd));
  const DebtPosition& d = **current;
  if (d.status != PositionStatus::draft) return fail(wrongState(d, "publish", "DRAFT"));
  for (std::size_t i = 0; i < d.options.size(); ++i) {
    if (d.options[i].due_date < now) {
      return fail(error(GpdErrc::conflict, "gpd.due_date",
                        "cannot publish position " + d.iupd + ": paymentOption[" + std::to_string(i) +
                            "] was due " + formatDateTime(d.options[i].due_date)));
    }
  }
  auto upd = tx->prepare(
      "UPDATE debt_position SET status = 'PUBLISHED', published_at = ?, updated_at = ? WHERE id = ?");
  if (!upd) return fail(storageError(upd.error()));
  if (auto r = upd->bind(1, toMillis(now)).bind(2, toMillis(now)).bind(3, id).run(); !r) {
    return fail(storageError(r.error()));
  }
  auto loaded = detail::loadPosition(*tx, org, iupd, now);
  if (!loaded || !*loaded)
    return fail(error(GpdErrc::storage, "gpd.storage", "the position cannot be read back"));
  if (auto c = tx->commit(); !c) return fail(storageError(c.error()));
  return std::move(**loaded);
}

Result<DebtPosition, GpdError> DebtPositions::invalidate(std::string_view org, std::string_view iupd) {
  TimePoint now = impl_->now();
  auto tx = impl_->db->write();
  if (!tx) return fail(storageError(tx.error()));
  std::int64_t id = 0;
  auto current = detail::loadPosition(*tx, org, iupd, now, &id);
  if (!current) return fail(storageError(current.error()));
  if (!*current) return fail(notFound(org, iupd));
  if ((*current)->status != PositionStatus::valid) return fail(wrongState(**current, "invalidate", "VALID"));
  auto upd = tx->prepare("UPDATE debt_position SET status = 'INVALID', updated_at = ? WHERE id = ?");
  if (!upd) return fail(storageError(upd.error()));
  if (auto r = upd->bind(1, toMillis(now)).bind(2, id).run(); !r) return fail(storageError(r.error()));
  auto loaded = detail::loadPosition(*tx, org, iupd, now);
  if (!loaded || !*loaded)
    return fail(error(GpdErrc::storage, "gpd.storage", "the position cannot be read back"));
  if (auto c = tx->commit(); !c) return fail(storageError(c.error()));
  return std::move(**loaded);
}

Result<void, GpdError> DebtPositions::reset() {
  auto tx = impl_->db->write();
  if (!tx) return fail(storageError(tx.error()));
  if (auto r = tx->exec(
          "DELETE FROM receipt; DELETE FROM transfer; DELETE FROM payment_option; DELETE FROM debt_position;"
          " DELETE FROM code_sequence");
      !r) {
    return fail(storageError(r.error()));
  }
  if (auto c = tx->commit(); !c) return fail(storageError(c.error()));
  return {};
}

}  // namespace sportello::comune
