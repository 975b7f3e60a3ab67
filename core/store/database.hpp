// SQLite access for everything Sportello must not forget (receipts, payment state, debt positions).
//
// - Durability ("Nothing paid is ever lost", design.md): every database is opened in WAL mode with
//   synchronous=FULL, so a commit that returned OK survives a crash or a power cut; foreign keys are on;
//   a busy timeout makes writers from other connections (another process, the sqlite3 CLI) wait instead
//   of failing at once.
// - Threads: a Database is ONE connection guarded by a mutex. All access goes through a Transaction,
//   which holds that mutex from begin to destruction, so transactions of one Database never interleave
//   (the simplest correct design for a server with a couple of I/O threads; SQLite serialises writers
//   anyway). Several Database objects (or processes) on the same file are fine too: writers use
//   BEGIN IMMEDIATE and wait up to the busy timeout for each other.
// - A Statement belongs to the Transaction that prepared it and must be destroyed before it (declare
//   it after the transaction). Statements are prepared per use: no cache, nothing shared.
// - Nothing throws: every operation returns a StoreResult with a typed StoreError.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sportello::store {

enum class StoreErrc {
  cannot_open,     // the file cannot be opened or created (missing directory, permissions)
  not_a_database,  // the file is not an SQLite database
  corrupt,         // the database is damaged
  read_only,       // writing to a read-only file or connection
  busy,            // another connection held the lock past the busy timeout
  constraint,      // UNIQUE, NOT NULL, CHECK or FOREIGN KEY violated
  sql,             // error in the SQL text or schema (no such table, ...)
  schema,          // migrations: unknown or inconsistent schema version
  io,              // disk I/O error
  full,            // disk full
  misuse,          // wrong use of the API (bad bind index, statement used after its transaction)
  other,
};

struct StoreError {
  StoreErrc code = StoreErrc::other;
  int sqlite_code = 0;  // SQLite's extended result code (0 when the error is Sportello's own)
  std::string message;

  std::string_view name() const;  // "constraint", "busy", ...
  bool uniqueViolation() const;   // a UNIQUE or PRIMARY KEY constraint failed
};

template <class T>
using StoreResult = Result<T, StoreError>;

class Database;

// A prepared statement. Parameters are 1-based (or named ":now"), columns 0-based. A binding error is
// kept and reported by the next step()/run(), so that bind chains stay readable. Text is copied.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Statement& bind(int index, bool v) { return bind(index, static_cast<std::int64_t>(v ? 1 : 0)); }
  Statement& bind(int index, double v);
  Statement& bind(int index, std::string_view v);
  Statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  Statement& bind(int index, std::nullptr_t);
  template <class T>
  Statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind(index, nullptr);
  }
  template <class T>
  Statement& bind(std::string_view name, const T& v) {
    return bind(parameterIndex(name), v);
  }

  // Advances to the next row: true when one is available, false when done. At the end (or on an
  // error) the statement is reset, keeping its bindings, so it can run again and holds no lock.
  StoreResult<bool> step();
  // Steps to the end, ignoring rows: for INSERT, UPDATE, DELETE.
  StoreResult<void> run();

  // Columns of the current row.
  int columns() const;
  bool isNull(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::optional<std::int64_t> optInt64(int col) const;
  std::optional<std::string> optText(int col) const;

 private:
  friend class Transaction;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  int parameterIndex(std::string_view name);
  void noteBind(int rc, int index);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::optional<StoreError> bind_error_;
};

// A transaction on a Database: holds the Database's mutex until destroyed, and rolls back unless
// commit() succeeded. Writers begin with BEGIN IMMEDIATE (the write lock is taken up front, so two
// writers never deadlock halfway through); readers with a deferred BEGIN (a consistent snapshot).
class Transaction {
 public:
  enum class Mode { read, write };

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  StoreResult<Statement> prepare(std::string_view sql);
  // One or more statements without results (DDL, scripts).
  StoreResult<void> exec(std::string_view sql);
  // Makes the changes durable. After a failed commit the transaction is rolled back.
  StoreResult<void> commit();

  std::int64_t lastInsertRowId() const;
  int changes() const;  // rows changed by the last INSERT/UPDATE/DELETE

 private:
  friend class Database;
  Transaction(std::unique_lock<std::mutex> lock, sqlite3* db) : lock_(std::move(lock)), db_(db) {}
  void rollback() noexcept;

  std::unique_lock<std::mutex> lock_;
  sqlite3* db_ = nullptr;
  bool open_ = true;  // BEGIN done, neither committed nor rolled back
};

class Database {
 public:
  struct Options {
    std::string path;  // a file; ":memory:" gives a private in-memory database (NOT durable)
    std::chrono::milliseconds busy_timeout{5'000};
    bool create = true;        // create the file when missing
    bool read_only = false;    // open for reading only (inspection tools); writes fail with read_only
    bool quick_check = false;  // run PRAGMA quick_check at open (cost grows with the file's size)
  };
  // Opens and configures the connection (WAL, synchronous=FULL, foreign keys, busy timeout). Fails
  // on a file that is not a database, is damaged (with quick_check), or cannot be written (unless
  // read_only was asked for).
  static StoreResult<std::unique_ptr<Database>> open(const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Blocks until no other transaction of this Database is open, then begins one. A thread that holds
  // a transaction must not begin another on the same Database: it would wait for itself.
  StoreResult<Transaction> begin(Transaction::Mode mode);
  StoreResult<Transaction> write() { return begin(Transaction::Mode::write); }
  StoreResult<Transaction> read() { return begin(Transaction::Mode::read); }

  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
  std::mutex mu_;
};

}  // namespace sportello::store
