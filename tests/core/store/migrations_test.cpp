// core/store migrations: applied once, in order, in one transaction; a newer or foreign schema refused.
#include "core/store/migrations.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_env.hpp"

using namespace sportello;
using namespace sportello::store;

namespace {

const Migration kV1{1, "people", "CREATE TABLE person (name TEXT NOT NULL)"};
const Migration kV2{2, "emails", "ALTER TABLE person ADD COLUMN email TEXT"};
const Migration kV3{3, "cities", "CREATE TABLE city (name TEXT); INSERT INTO city VALUES ('Vigata')"};

std::unique_ptr<Database> openOk(const std::string& path) {
  auto db = Database::open({path});
  EXPECT_TRUE(db) << (db ? "" : db.error().message);
  return db ? std::move(*db) : nullptr;
}

TEST(Migrations, AppliedOnceAndInOrder) {
  test::TempDir dir;
  std::string path = dir.path() + "/m.db";
  {
    auto db = openOk(path);
    EXPECT_EQ(*schemaVersion(*db), 0);
    const Migration first[] = {kV1, kV2};
    auto r = migrate(*db, first);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, 2);
    auto again = migrate(*db, first);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, 0);
    EXPECT_EQ(*schemaVersion(*db), 2);
  }
  // Reopened with one more migration: only the new one runs (the INSERT would duplicate otherwise).
  auto db = openOk(path);
  const Migration all[] = {kV1, kV2, kV3};
  auto r = migrate(*db, all);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, 1);
  EXPECT_EQ(*migrate(*db, all), 0);
  EXPECT_EQ(*schemaVersion(*db), 3);
  auto tx = db->read();
  auto st = tx->prepare("SELECT COUNT(*) FROM city");
  ASSERT_TRUE(st->step());
  EXPECT_EQ(st->int64(0), 1);
  auto cols = tx->prepare("SELECT name, email FROM person");
  EXPECT_TRUE(cols) << "migration 2 applied";
}

TEST(Migrations, AFailingScriptChangesNothing) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/m.db");
  const Migration broken[] = {kV1, {2, "broken", "CREATE TABLE ok (a); CREATE TABLE person (dup)"}};
  auto r = migrate(*db, broken);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("migration 2 (broken)"), std::string::npos);
  EXPECT_EQ(*schemaVersion(*db), 0);
  auto tx = db->read();
  EXPECT_FALSE(tx->prepare("SELECT * FROM person")) << "migration 1 rolled back with 2";
}

TEST(Migrations, RefusesVersionsOutOfOrder) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/m.db");
  const Migration bad[] = {kV2, kV1};
  auto r = migrate(*db, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::schema);
  const Migration dup[] = {kV1, kV1};
  EXPECT_FALSE(migrate(*db, dup));
}

TEST(Migrations, RefusesADatabaseFromANewerVersion) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/m.db");
  const Migration all[] = {kV1, kV2, kV3};
  ASSERT_TRUE(migrate(*db, all));
  const Migration older[] = {kV1, kV2};
  auto r = migrate(*db, older);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::schema);
  EXPECT_NE(r.error().message.find("newer"), std::string::npos);
}

TEST(Migrations, RefusesAForeignSchema) {
  test::TempDir dir;
  auto db = openOk(dir.path() + "/m.db");
  const Migration mine[] = {kV1};
  ASSERT_TRUE(migrate(*db, mine));
  const Migration theirs[] = {{1, "something else", "CREATE TABLE other (a)"}};
  auto r = migrate(*db, theirs);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::schema);
  EXPECT_NE(r.error().message.find("belongs to something else"), std::string::npos);
}

}  // namespace
