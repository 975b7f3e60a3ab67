#include "core/store/database.hpp"

#include <sqlite3.h>

#include <cassert>

namespace sportello::store {
namespace {

StoreErrc classify(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StoreErrc::busy;
    case SQLITE_CONSTRAINT:
      return StoreErrc::constraint;
    case SQLITE_NOTADB:
      return StoreErrc::not_a_database;
    case SQLITE_CORRUPT:
      return StoreErrc::corrupt;
    case SQLITE_READONLY:
      return StoreErrc::read_only;
    case SQLITE_CANTOPEN:
      return StoreErrc::cannot_open;
    case SQLITE_IOERR:
      return StoreErrc::io;
    case SQLITE_FULL:
      return StoreErrc::full;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return StoreErrc::misuse;
    case SQLITE_ERROR:
    case SQLITE_SCHEMA:
      return StoreErrc::sql;
    default:
      return StoreErrc::other;
  }
}

// The error of the last call on `db` that returned `rc`; `context` says what was being done.
StoreError errorOf(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return StoreError{classify(rc), rc, std::move(message)};
}

StoreError misuse(std::string message) {
  return StoreError{StoreErrc::misuse, 0, std::move(message)};
}

StoreResult<void> execOn(sqlite3* db, std::string_view sql) {
  std::string text(sql);
  char* msg = nullptr;
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &msg);
  if (rc == SQLITE_OK) return {};
  std::string detail = msg != nullptr ? msg : sqlite3_errstr(rc);
  sqlite3_free(msg);
  // sqlite3_exec's message is the one of the failing statement; keep the start of the script for context.
  std::string head = text.substr(0, 60);
  return fail(StoreError{classify(sqlite3_extended_errcode(db)), sqlite3_extended_errcode(db),
                         head + (text.size() > 60 ? "...: " : ": ") + detail});
}

// The first column of the first row of a PRAGMA, as text.
StoreResult<std::string> pragmaText(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
  if (rc != SQLITE_OK) {
    auto e = errorOf(db, rc, sql);
    sqlite3_finalize(st);
    return fail(std::move(e));
  }
  rc = sqlite3_step(st);
  std::string out;
  if (rc == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    if (t != nullptr) out.assign(reinterpret_cast<const char*>(t));
  } else if (rc != SQLITE_DONE) {
    auto e = errorOf(db, rc, sql);
    sqlite3_finalize(st);
    return fail(std::move(e));
  }
  sqlite3_finalize(st);
  return out;
}

}  // namespace

std::string_view StoreError::name() const {
  switch (code) {
    case StoreErrc::cannot_open:
      return "cannot_open";
    case StoreErrc::not_a_database:
      return "not_a_database";
    case StoreErrc::corrupt:
      return "corrupt";
    case StoreErrc::read_only:
      return "read_only";
    case StoreErrc::busy:
      return "busy";
    case StoreErrc::constraint:
      return "constraint";
    case StoreErrc::sql:
      return "sql";
    case StoreErrc::schema:
      return "schema";
    case StoreErrc::io:
      return "io";
    case StoreErrc::full:
      return "full";
    case StoreErrc::misuse:
      return "misuse";
    case StoreErrc::other:
      break;
  }
  return "other";
}

bool StoreError::uniqueViolation() const {
  return sqlite_code == SQLITE_CONSTRAINT_UNIQUE || sqlite_code == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bind_error_(std::move(other.bind_error_)) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    bind_error_ = std::move(other.bind_error_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);  // a no-op on nullptr
}

void Statement::noteBind(int rc, int index) {
  if (rc != SQLITE_OK && !bind_error_) {
    bind_error_ = errorOf(db_, rc, "bind parameter " + std::to_string(index));
  }
}

int Statement::parameterIndex(std::string_view name) {
  int i = sqlite3_bind_parameter_index(stmt_, std::string(name).c_str());
  if (i == 0 && !bind_error_) bind_error_ = misuse("no parameter named " + std::string(name));
  return i;
}

Statement& Statement::bind(int index, std::int64_t v) {
  noteBind(sqlite3_bind_int64(stmt_, index, v), index);
  return *this;
}

Statement& Statement::bind(int index, double v) {
  noteBind(sqlite3_bind_double(stmt_, index, v), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view v) {
  noteBind(sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  noteBind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

StoreResult<bool> Statement::step() {
  if (bind_error_) {
    StoreError e = std::move(*bind_error_);
    bind_error_.reset();
    return fail(std::move(e));
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  StoreError e = errorOf(db_, rc, sqlite3_sql(stmt_));
  sqlite3_reset(stmt_);
  return fail(std::move(e));
}

StoreResult<void> Statement::run() {
  for (;;) {
    auto r = step();
    if (!r) return fail(std::move(r).error());
    if (!*r) return {};
  }
}

int Statement::columns() const {
  return sqlite3_column_count(stmt_);
}

bool Statement::isNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::int64_t Statement::int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::real(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string Statement::text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  if (t == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(t),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::optional<std::int64_t> Statement::optInt64(int col) const {
  if (isNull(col)) return std::nullopt;
  return int64(col);
}

std::optional<std::string> Statement::optText(int col) const {
  if (isNull(col)) return std::nullopt;
  return text(col);
}

// ---- Transaction ----

Transaction::Transaction(Transaction&& other) noexcept
    : lock_(std::move(other.lock_)), db_(other.db_), open_(other.open_) {
  other.db_ = nullptr;
  other.open_ = false;
}

Transaction::~Transaction() {
  if (open_) rollback();
}

void Transaction::rollback() noexcept {
  open_ = false;
  // Some errors (I/O, disk full, out of memory) already rolled the transaction back.
  if (db_ != nullptr && sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

StoreResult<Statement> Transaction::prepare(std::string_view sql) {
  if (!open_) return fail(misuse("prepare on a finished transaction"));
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &st, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(st);
    return fail(errorOf(db_, rc, sql.substr(0, 80)));
  }
  if (st == nullptr) return fail(misuse("empty SQL statement"));
  return Statement(db_, st);
}

StoreResult<void> Transaction::exec(std::string_view sql) {
  if (!open_) return fail(misuse("exec on a finished transaction"));
  return execOn(db_, sql);
}

StoreResult<void> Transaction::commit() {
  if (!open_) return fail(misuse("commit on a finished transaction"));
  auto r = execOn(db_, "COMMIT");
  if (!r) {
    rollback();
    return r;
  }
  open_ = false;
  return {};
}

std::int64_t Transaction::lastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Transaction::changes() const {
  return sqlite3_changes(db_);
}

// ---- Database ----

StoreResult<std::unique_ptr<Database>> Database::open(const Options& o) {
  int flags = SQLITE_OPEN_FULLMUTEX;
  if (o.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE | (o.create ? SQLITE_OPEN_CREATE : 0);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(o.path.c_str(), &raw, flags, nullptr);
  // From here the connection is closed on every failure path.
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close_v2);
  if (rc != SQLITE_OK) return fail(errorOf(db.get(), rc, "open " + o.path));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), static_cast<int>(o.busy_timeout.count()));

  if (!o.read_only && sqlite3_db_readonly(db.get(), "main") == 1) {
    // SQLite silently falls back to reading only when the file or its directory is not writable.
    return fail(
        StoreError{StoreErrc::read_only, SQLITE_READONLY, "open " + o.path + ": the file is read-only"});
  }
  // The first statement reads the header: a file that is not a database fails here.
  auto mode = pragmaText(db.get(), o.read_only ? "PRAGMA journal_mode" : "PRAGMA journal_mode=WAL");
  if (!mode) {
    StoreError e = std::move(mode).error();
    e.message = "open " + o.path + ": " + e.message;
    return fail(std::move(e));
  }
  if (!o.read_only && *mode != "wal" && o.path != ":memory:") {
    return fail(StoreError{StoreErrc::io, 0, "open " + o.path + ": cannot use WAL mode (got " + *mode + ")"});
  }
  if (auto r = execOn(db.get(), "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"); !r)
    return fail(r.error());
  auto fk = pragmaText(db.get(), "PRAGMA foreign_keys");
  if (!fk || *fk != "1") {
    return fail(StoreError{StoreErrc::other, 0, "open " + o.path + ": SQLite built without foreign keys"});
  }
  if (o.quick_check) {
    auto check = pragmaText(db.get(), "PRAGMA quick_check");
    if (!check) {
      StoreError e = std::move(check).error();
      e.message = "open " + o.path + ": " + e.message;
      return fail(std::move(e));
    }
    if (*check != "ok") {
      return fail(
          StoreError{StoreErrc::corrupt, SQLITE_CORRUPT, "open " + o.path + ": quick_check: " + *check});
    }
  }
  return std::unique_ptr<Database>(new Database(db.release(), o.path));
}

Database::~Database() {
  // Closing the last connection checkpoints the WAL into the main file.
  sqlite3_close_v2(db_);
}

StoreResult<Transaction> Database::begin(Transaction::Mode mode) {
  std::unique_lock lock(mu_);
  assert(sqlite3_get_autocommit(db_) != 0 && "a transaction of this Database outlived its destructor?");
  auto r = execOn(db_, mode == Transaction::Mode::write ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!r) return fail(r.error());
  return Transaction(std::move(lock), db_);
}

}  // namespace sportello::store
