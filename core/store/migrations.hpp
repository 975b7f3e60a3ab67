// Schema migrations: an ordered list of SQL scripts, each applied once. The versions applied are kept
// in the table schema_version (version, name, applied_at), so reopening a database applies only what
// is new. All pending scripts run in ONE write transaction: the database moves to the latest version
// or stays where it was.
#pragma once

#include <span>
#include <string_view>

#include "core/store/database.hpp"

namespace sportello::store {

struct Migration {
  int version;            // 1, 2, 3, ...: strictly increasing in the list
  std::string_view name;  // "debt positions": recorded, and checked on reopen
  std::string_view sql;   // one or more statements
};

// Applies the migrations above the database's version; returns how many were applied. Fails with
// StoreErrc::schema (changing nothing) when the list is not strictly increasing, when the database
// is at a version the list does not know (written by a newer Sportello), or when a recorded version
// has another name (the file belongs to something else).
StoreResult<int> migrate(Database& db, std::span<const Migration> migrations);

// The highest version applied; 0 for a database that never saw migrate().
StoreResult<int> schemaVersion(Database& db);

}  // namespace sportello::store
