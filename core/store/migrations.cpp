#include "core/store/migrations.hpp"

#include <map>
#include <string>

namespace sportello::store {
namespace {

constexpr std::string_view kVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))";

StoreError schemaError(std::string message) {
  return StoreError{StoreErrc::schema, 0, std::move(message)};
}

}  // namespace

StoreResult<int> migrate(Database& db, std::span<const Migration> migrations) {
  int previous = 0;
  for (const auto& m : migrations) {
    if (m.version <= previous) {
      return fail(schemaError("migration versions must increase strictly from 1: " +
                              std::to_string(m.version) + " after " + std::to_string(previous)));
    }
    previous = m.version;
  }
  auto tx = db.write();
  if (!tx) return fail(std::move(tx).error());
  if (auto r = tx->exec(kVersionTable); !r) return fail(r.error());

  std::map<int, std::string> applied;
  {
    auto st = tx->prepare("SELECT version, name FROM schema_version");
    if (!st) return fail(std::move(st).error());
    for (;;) {
      auto row = st->step();
      if (!row) return fail(std::move(row).error());
      if (!*row) break;
      applied.emplace(static_cast<int>(st->int64(0)), st->text(1));
    }
  }
  for (const auto& [version, name] : applied) {
    const Migration* known = nullptr;
    for (const auto& m : migrations) {
      if (m.version == version) known = &m;
    }
    if (known == nullptr) {
      return fail(schemaError("the database has schema version " + std::to_string(version) + " (" + name +
                              "), which this program does not know: was it written by a newer version?"));
    }
    if (known->name != name) {
      return fail(schemaError("schema version " + std::to_string(version) + " is \"" + name +
                              "\" in the database but \"" + std::string(known->name) +
                              "\" here: the file belongs to something else"));
    }
  }

  int count = 0;
  for (const auto& m : migrations) {
    if (applied.count(m.version) != 0) continue;
    if (auto r = tx->exec(m.sql); !r) {
      StoreError e = r.error();
      e.message = "migration " + std::to_string(m.version) + " (" + std::string(m.name) + "): " + e.message;
      return fail(std::move(e));
    }
    auto ins = tx->prepare("INSERT INTO schema_version (version, name) VALUES (?, ?)");
    if (!ins) return fail(std::move(ins).error());
    if (auto r = ins->bind(1, m.version).bind(2, m.name).run(); !r) return fail(r.error());
    ++count;
  }
  if (auto r = tx->commit(); !r) return fail(r.error());
  return count;
}

StoreResult<int> schemaVersion(Database& db) {
  auto tx = db.read();
  if (!tx) return fail(std::move(tx).error());
  auto exists = tx->prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'");
  if (!exists) return fail(std::move(exists).error());
  auto row = exists->step();
  if (!row) return fail(std::move(row).error());
  if (!*row) return 0;
  auto st = tx->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
  if (!st) return fail(std::move(st).error());
  auto r = st->step();
  if (!r) return fail(std::move(r).error());
  return static_cast<int>(st->int64(0));
}

}  // namespace sportello::store
