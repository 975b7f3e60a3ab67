// core/store: durable settings, typed statements, transactions that roll back unless committed,
// errors as values on bad files, and several threads and connections on one file.
#include "core/store/database.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/support/test_env.hpp"

using namespace sportello;
using namespace sportello::store;

namespace {

std::unique_ptr<Database> openOk(const std::string& path) {
  auto db = Database::open({path});
  EXPECT_TRUE(db) << (db ? "" : db.error().message);
  return db ? std::move(*db) : nullptr;
}

void execOk(Database& db, std::string_view sql) {
  auto tx = db.write();
  ASSERT_TRUE(tx) << tx.error().message;
  ASSERT_TRUE(tx->exec(sql)) << sql;
  ASSERT_TRUE(tx->commit());
}

std::int64_t count(Database& db, std::string_view table) {
  auto tx = db.read();
  EXPECT_TRUE(tx);
  auto st = tx->prepare("SELECT COUNT(*) FROM " + std::string(table));
  EXPECT_TRUE(st) << st.error().message;
  auto row = st->step();
  EXPECT_TRUE(row && *row);
  return st->int64(0);
}

std::string pragma(Database& db, const std::string& name) {
  auto tx = db.read();
  EXPECT_TRUE(tx);
  auto st = tx->prepare("PRAGMA " + name);
  EXPECT_TRUE(st);
  auto row = st->step();
  EXPECT_TRUE(row && *row);
  return st->text(0);
}

TEST(Database, OpensDurably) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  ASSERT_TRUE(db);
  EXPECT_EQ(pragma(*db, "journal_mode"), "wal");
  EXPECT_EQ(pragma(*db, "synchronous"), "2");  // FULL
  EXPECT_EQ(pragma(*db, "foreign_keys"), "1");
  EXPECT_EQ(pragma(*db, "busy_timeout"), "5000");
}

TEST(Database, TypedBindingAndReading) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  execOk(*db, "CREATE TABLE t (i INTEGER, r REAL, s TEXT, n TEXT)");
  auto tx = db->write();
  ASSERT_TRUE(tx);
  {
    auto ins = tx->prepare("INSERT INTO t VALUES (?, ?, :s, ?)");
    ASSERT_TRUE(ins);
    std::string withNul("a\0b", 3);
    ASSERT_TRUE(ins->bind(1, std::int64_t{9'007'199'254'740'993})
                    .bind(2, 2.5)
                    .bind(":s", withNul)
                    .bind(4, std::optional<std::string>{})
                    .run());
    EXPECT_EQ(tx->changes(), 1);
    EXPECT_EQ(tx->lastInsertRowId(), 1);
    auto sel = tx->prepare("SELECT i, r, s, n FROM t");
    ASSERT_TRUE(sel);
    auto row = sel->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(sel->columns(), 4);
    EXPECT_EQ(sel->int64(0), 9'007'199'254'740'993);
    EXPECT_DOUBLE_EQ(sel->real(1), 2.5);
    EXPECT_EQ(sel->text(2), withNul);
    EXPECT_TRUE(sel->isNull(3));
    EXPECT_EQ(sel->optText(3), std::nullopt);
    EXPECT_EQ(sel->optInt64(0), std::optional<std::int64_t>(9'007'199'254'740'993));
    auto end = sel->step();
    ASSERT_TRUE(end);
    EXPECT_FALSE(*end);
  }
  ASSERT_TRUE(tx->commit());
}

TEST(Database, BindErrorsAreReportedByStep) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  auto tx = db->write();
  ASSERT_TRUE(tx);
  auto st = tx->prepare("SELECT ?");
  ASSERT_TRUE(st);
  auto r = st->bind(7, 1).step();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::misuse);
  auto named = st->bind(":missing", 1).step();
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().code, StoreErrc::misuse);
  EXPECT_NE(named.error().message.find(":missing"), std::string::npos);
}

TEST(Database, SqlErrorsAreValues) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  auto tx = db->write();
  ASSERT_TRUE(tx);
  auto st = tx->prepare("SELECT * FROM nowhere");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, StoreErrc::sql);
  EXPECT_NE(st.error().message.find("no such table"), std::string::npos);
  auto ex = tx->exec("CREATE TABLE x (a); SELEC 1");
  ASSERT_FALSE(ex);
  EXPECT_EQ(ex.error().code, StoreErrc::sql);
}

TEST(Database, UniqueViolationIsRecognised) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  execOk(*db, "CREATE TABLE t (k TEXT UNIQUE NOT NULL)");
  auto tx = db->write();
  ASSERT_TRUE(tx);
  auto ins = tx->prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE(ins);
  ASSERT_TRUE(ins->bind(1, "a").run());
  auto again = ins->bind(1, "a").run();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, StoreErrc::constraint);
  EXPECT_TRUE(again.error().uniqueViolation());
  auto null = ins->bind(1, nullptr).run();
  ASSERT_FALSE(null);
  EXPECT_EQ(null.error().code, StoreErrc::constraint);
  EXPECT_FALSE(null.error().uniqueViolation());
}

TEST(Database, ForeignKeysAreEnforced) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  execOk(*db,
         "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER NOT NULL REFERENCES p(id))");
  auto tx = db->write();
  ASSERT_TRUE(tx);
  auto r = tx->exec("INSERT INTO c VALUES (42)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::constraint);
}

TEST(Database, CommitMakesChangesVisible) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  execOk(*db, "CREATE TABLE t (v INTEGER)");
  {
    auto tx = db->write();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->exec("INSERT INTO t VALUES (1)"));
    ASSERT_TRUE(tx->commit());
    auto again = tx->commit();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, StoreErrc::misuse);
    EXPECT_FALSE(tx->prepare("SELECT 1"));
  }
  EXPECT_EQ(count(*db, "t"), 1);
}

TEST(Database, RollsBackUnlessCommitted) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  execOk(*db, "CREATE TABLE t (v INTEGER)");
  {
    auto tx = db->write();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)"));
  }  // dropped without commit
  EXPECT_EQ(count(*db, "t"), 0);
  {
    // A failure halfway: the first insert must not survive either.
    auto tx = db->write();
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->exec("INSERT INTO t VALUES (3)"));
    ASSERT_FALSE(tx->exec("INSERT INTO nowhere VALUES (4)"));
  }
  EXPECT_EQ(count(*db, "t"), 0);
}

TEST(Database, MovedTransactionKeepsItsWork) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  execOk(*db, "CREATE TABLE t (v INTEGER)");
  auto make = [&]() -> StoreResult<Transaction> {
    auto tx = db->write();
    if (!tx) return tx;
    if (auto r = tx->exec("INSERT INTO t VALUES (1)"); !r) return fail(r.error());
    return tx;
  };
  {
    auto tx = make();
    ASSERT_TRUE(tx);
    Transaction moved = std::move(*tx);
    ASSERT_TRUE(moved.commit());
  }
  EXPECT_EQ(count(*db, "t"), 1);
}

TEST(Database, ReopenKeepsCommittedData) {
  test::TempDir dir;
  std::string path = dir.path() + "/a.db";
  {
    auto db = openOk(path);
    execOk(*db, "CREATE TABLE t (v TEXT)");
    execOk(*db, "INSERT INTO t VALUES ('ricevuta')");
    auto tx = db->write();  // uncommitted at close
    ASSERT_TRUE(tx);
    ASSERT_TRUE(tx->exec("INSERT INTO t VALUES ('persa')"));
  }
  auto db = openOk(path);
  ASSERT_TRUE(db);
  auto tx = db->read();
  ASSERT_TRUE(tx);
  auto st = tx->prepare("SELECT group_concat(v) FROM t");
  ASSERT_TRUE(st);
  ASSERT_TRUE(st->step());
  EXPECT_EQ(st->text(0), "ricevuta");
}

TEST(Database, RefusesAFileThatIsNotADatabase) {
  test::TempDir dir;
  std::string path = dir.path() + "/junk.db";
  std::ofstream(path) << std::string(4096, 'x');
  auto db = Database::open({path});
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, StoreErrc::not_a_database);
  EXPECT_NE(db.error().message.find(path), std::string::npos);
}

TEST(Database, QuickCheckFindsADamagedFile) {
  test::TempDir dir;
  std::string path = dir.path() + "/a.db";
  {
    auto db = openOk(path);
    execOk(*db, "CREATE TABLE t (v TEXT); CREATE INDEX t_v ON t(v)");
    auto tx = db->write();
    ASSERT_TRUE(tx);
    auto ins = tx->prepare("INSERT INTO t VALUES (?)");
    ASSERT_TRUE(ins);
    for (int i = 0; i < 2000; ++i) ASSERT_TRUE(ins->bind(1, "valore " + std::to_string(i)).run());
    ASSERT_TRUE(tx->commit());
  }  // closing checkpoints the WAL into the file
  {
    // Scribble over the pages after the schema page (the header stays valid).
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 2);
    std::string junk(4096 * 3, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  Database::Options o{path};
  o.quick_check = true;
  auto db = Database::open(o);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, StoreErrc::corrupt) << db.error().message;
}

TEST(Database, CannotOpenInAMissingDirectory) {
  test::TempDir dir;
  auto db = Database::open({dir.path() + "/no/such/dir/a.db"});
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, StoreErrc::cannot_open);
  Database::Options o{dir.path() + "/absent.db"};
  o.create = false;
  auto absent = Database::open(o);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, StoreErrc::cannot_open);
}

TEST(Database, ReadOnlyConnectionRefusesWrites) {
  test::TempDir dir;
  std::string path = dir.path() + "/a.db";
  {
    auto db = openOk(path);
    execOk(*db, "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)");
  }
  Database::Options o{path};
  o.read_only = true;
  auto db = Database::open(o);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(count(**db, "t"), 1);
  auto tx = (*db)->write();
  if (tx) {  // BEGIN IMMEDIATE may already refuse; otherwise the write itself must
    auto r = tx->exec("INSERT INTO t VALUES (2)");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, StoreErrc::read_only);
  } else {
    EXPECT_EQ(tx.error().code, StoreErrc::read_only);
  }
}

TEST(Database, RefusesAReadOnlyFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes read-only files anyway";
  test::TempDir dir;
  std::string path = dir.path() + "/a.db";
  {
    auto db = openOk(path);
    execOk(*db, "CREATE TABLE t (v INTEGER)");
  }
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  auto db = Database::open({path});
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, StoreErrc::read_only);
}

TEST(Database, ThreadsOfOneDatabaseDoNotInterleave) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/a.db");
  execOk(*db, "CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0)");
  // Read-modify-write in separate statements: lost updates would show if transactions interleaved.
  constexpr int kThreads = 4, kRounds = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        auto tx = db->write();
        if (!tx) {
          ++failures;
          continue;
        }
        auto sel = tx->prepare("SELECT n FROM counter");
        if (!sel || !sel->step()) {
          ++failures;
          continue;
        }
        std::int64_t n = sel->int64(0);
        auto upd = tx->prepare("UPDATE counter SET n = ?");
        if (!upd || !upd->bind(1, n + 1).run() || !tx->commit()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = db->read();
  auto st = tx->prepare("SELECT n FROM counter");
  ASSERT_TRUE(st->step());
  EXPECT_EQ(st->int64(0), kThreads * kRounds);
}

TEST(Database, TwoConnectionsOnOneFileSerialiseWriters) {
  test::TempDir dir;
  std::string path = dir.path() + "/a.db";
  auto a = openOk(path);
  auto b = openOk(path);
  execOk(*a, "CREATE TABLE counter (n INTEGER); INSERT INTO counter VALUES (0)");
  constexpr int kRounds = 100;
  std::atomic<int> failures{0};
  auto work = [&](Database& db) {
    for (int i = 0; i < kRounds; ++i) {
      auto tx = db.write();  // BEGIN IMMEDIATE: waits for the other connection's writer
      if (!tx) {
        ++failures;
        continue;
      }
      auto sel = tx->prepare("SELECT n FROM counter");
      if (!sel || !sel->step()) {
        ++failures;
        continue;
      }
      std::int64_t n = sel->int64(0);
      auto upd = tx->prepare("UPDATE counter SET n = ?");
      if (!upd || !upd->bind(1, n + 1).run() || !tx->commit()) ++failures;
    }
  };
  std::thread t1([&] { work(*a); });
  std::thread t2([&] { work(*b); });
  t1.join();
  t2.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count(*a, "counter"), 1);
  auto tx = b->read();
  auto st = tx->prepare("SELECT n FROM counter");
  ASSERT_TRUE(st->step());
  EXPECT_EQ(st->int64(0), 2 * kRounds);
}

TEST(Database, BusyTimeoutGivesATypedError) {
  test::TempDir dir;
  std::string path = dir.path() + "/a.db";
  auto a = openOk(path);
  Database::Options o{path};
  o.busy_timeout = std::chrono::milliseconds(50);
  auto b = Database::open(o);
  ASSERT_TRUE(b);
  auto held = a->write();
  ASSERT_TRUE(held);
  auto blocked = (*b)->write();
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, StoreErrc::busy);
}

}  // namespace
