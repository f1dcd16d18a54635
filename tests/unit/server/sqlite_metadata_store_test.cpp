// The SQLite engine: the conformance suite every store passes (metadata_store_conformance.h),
// and what only SQLite has: migrations, pragmas, the pool, parameter numbering, corrupt rows,
// backup and the integrity check.
#include "server/store/sqlite_stores.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/store/migrations.h"
#include "server/store/sqlite_connection.h"
#include "tests/support/registry_tampering.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/server/metadata_store_conformance.h"
#include "tests/unit/server/sqlite_stores.h"
#include "tests/unit/server/store_values.h"

namespace wreg::store {
namespace {

using testing::component;
using testing::iface;
using testing::pn;
using testing::pv;
using testing::versions;

// --- The conformance suite on SQLite ---------------------------------------------------------

class SqliteStoresUnderTest final : public StoresUnderTest {
 public:
  MetadataStore& metadata() override { return *stores.metadata; }
  TokenStore& tokens() override { return *stores.tokens; }

  testing::TempDir dir;  // declared first, so that it outlives the stores
  testing::SqliteStores stores;
};

std::unique_ptr<StoresUnderTest> open_sqlite(const StoreSetup& setup) {
  auto opened = std::make_unique<SqliteStoresUnderTest>();
  SqliteOptions options;
  options.now = setup.now;
  options.log = setup.log;
  auto stores = testing::open_sqlite_stores(opened->dir / "wreg.db", options);
  if (!stores) {
    ADD_FAILURE() << stores.error().message;
    return nullptr;
  }
  opened->stores = std::move(*stores);
  return opened;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataStoreConformance,
                         ::testing::Values(StoreFactory{"sqlite", open_sqlite}), engine_name);

// --- SQLite only -----------------------------------------------------------------------------

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.log = [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    };
    options.connections = connections_;
    auto opened = testing::open_sqlite_stores(dir_ / "wreg.db", options);
    ASSERT_TRUE(opened) << opened.error().message;
    stores_ = std::move(*opened);
    store_ = stores_.metadata.get();
    ASSERT_TRUE(store_->create_namespace("demo"));
  }

  std::size_t connections_ = 4;
  testing::TempDir dir_;
  testing::SqliteStores stores_;
  SqliteMetadataStore* store_ = nullptr;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST(MigrationsTest, FreshDatabaseGetsEveryMigration) {
  testing::TempDir dir;
  auto store = SqliteDatabase::open(dir / "wreg.db");
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ((*store)->schema_version(), static_cast<int>(embedded_migrations().size()));
  EXPECT_GE((*store)->schema_version(), 1);
}

TEST(MigrationsTest, ReopeningAMigratedDatabaseKeepsItsData) {
  testing::TempDir dir;
  {
    auto stores = testing::open_sqlite_stores(dir / "wreg.db");
    ASSERT_TRUE(stores);
    ASSERT_TRUE(stores->metadata->create_namespace("demo"));
  }
  std::vector<std::string> log;
  SqliteOptions options;
  options.log = [&](std::string_view line) { log.emplace_back(line); };
  auto again = testing::open_sqlite_stores(dir / "wreg.db", options);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->database->schema_version(), static_cast<int>(embedded_migrations().size()));
  EXPECT_TRUE(*again->metadata->namespace_exists("demo"));
  EXPECT_TRUE(log.empty()) << "no migration should run again: " << log.front();
}

TEST(MigrationsTest, NewerDatabaseIsRefused) {
  const auto newest = static_cast<int>(embedded_migrations().size());
  auto pending = pending_migrations(newest + 1, embedded_migrations());
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(pending.error().message.find("newer wreg-server"), std::string::npos);
}

TEST(MigrationsTest, PendingStartsAfterTheCurrentVersion) {
  static constexpr Migration kAll[] = {{1, "0001_a.sql", "SELECT 1;"},
                                       {2, "0002_b.sql", "SELECT 2;"},
                                       {3, "0003_c.sql", "SELECT 3;"}};
  auto pending = pending_migrations(1, kAll);
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].version, 2);
  static constexpr Migration kGap[] = {{1, "0001_a.sql", ""}, {3, "0003_c.sql", ""}};
  EXPECT_EQ(pending_migrations(0, kGap).error().code, ErrorCode::kInternal);
}

TEST(MigrationsTest, AFileThatIsNotADatabaseIsReportedAsCorrupt) {
  testing::TempDir dir;
  {
    std::ofstream junk(dir / "wreg.db");
    junk << "this is not a database, just some text that is long enough to fill a header......";
  }
  SqliteOptions options;
  options.log = [](std::string_view) {};
  auto store = SqliteDatabase::open(dir / "wreg.db", options);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(store.error().message.find("wreg.db"), std::string::npos) << "no paths in messages";
}

TEST_F(SqliteStoreTest, EveryConnectionIsInWalModeWithForeignKeysAndTheBusyTimeout) {
  std::vector<SqliteDatabase::Lease> leases;
  for (int i = 0; i < 4; ++i) leases.push_back(stores_.database->acquire());
  for (const auto& lease : leases) {
    for (const auto& [pragma, value] :
         {std::pair{"PRAGMA journal_mode", "wal"}, std::pair{"PRAGMA foreign_keys", "1"},
          std::pair{"PRAGMA busy_timeout", "5000"}}) {
      auto query = sqlite::Query::make(*lease, pragma);
      ASSERT_TRUE(query);
      ASSERT_TRUE(*query->step("test"));
      EXPECT_EQ(query->text(0), value) << pragma;
    }
  }
}

class SqlitePoolOfOneTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    connections_ = 1;
    SqliteStoreTest::SetUp();
  }
};

// With one connection, every caller waits its turn instead of failing or deadlocking, readers
// and writers alike.
TEST_F(SqlitePoolOfOneTest, ManyThreadsShareOneConnection) {
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      const std::string id = "demo:app@1." + std::to_string(i) + ".0";
      if (!store_->publish(component(id, id))) ++failures;
      if (!store_->package(pn("demo:app"))) ++failures;
      if (!store_->search(SearchQuery{})) ++failures;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store_->package(pn("demo:app"))->document.versions.size(), 8u);
}

// Statements number their values $1, $2, ... in order of first use (metadata_sql.h), so that
// `$n` is SQLite's parameter n; any other numbering is refused before it can bind wrongly.
TEST_F(SqliteStoreTest, ParametersOutOfOrderAreRefused) {
  auto lease = stores_.database->acquire();
  EXPECT_TRUE(sqlite::Query::make(*lease, "SELECT $1, $2, $1"));
  for (const char* sql : {"SELECT $2, $1", "SELECT $2", "SELECT ?1", "SELECT :name", "SELECT ?"}) {
    auto query = sqlite::Query::make(*lease, sql);
    ASSERT_FALSE(query) << sql;
    EXPECT_EQ(query.error().code, ErrorCode::kInternal) << sql;
  }
}

// A row changed behind the store's back (a bad restore, a hand edit) is refused as corrupt, with
// the value in the log and not in the message.
TEST_F(SqliteStoreTest, ACorruptRowIsReportedNotServed) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "a")));
  ASSERT_TRUE(store_->publish(component("demo:lib@1.0.0", "b")));
  auto release =
      testing::corrupt_release_version(dir_.path(), pv("demo:app@1.0.0"), "one point oh");
  ASSERT_TRUE(release) << release.error().message;
  auto latest = testing::corrupt_latest_version(dir_.path(), pn("demo:lib"), "x.y");
  ASSERT_TRUE(latest) << latest.error().message;
  for (const Error& error :
       {store_->package(pn("demo:app")).error(), store_->release(pv("demo:app@1.0.0")).error(),
        store_->referenced_blobs().error(), store_->search(SearchQuery{}).error()}) {
    EXPECT_EQ(error.code, ErrorCode::kCorrupt);
    EXPECT_NE(error.message.find("holds an invalid version"), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find("one point oh"), std::string::npos) << error.message;
  }
  std::lock_guard lock(log_mutex_);
  EXPECT_TRUE(std::any_of(log_.begin(), log_.end(), [](const std::string& line) {
    return line.find("\"one point oh\"") != std::string::npos;
  }));
}

// SQLite 3.40's integrity_check misread WITHOUT ROWID tables whose key columns were not first,
// so fsck failed on every registry holding a component with interfaces.
TEST_F(SqliteStoreTest, IntegrityCheckIsCleanWithInterfaces) {
  NewRelease release = component("demo:server@0.3.0", "server");
  release.imports = {iface("wasi:io/streams@0.2.0")};
  release.exports = {iface("wasi:http/incoming-handler@0.2.0")};
  ASSERT_TRUE(store_->publish(release));
  auto problems = stores_.database->check_integrity();
  ASSERT_TRUE(problems) << problems.error().message;
  EXPECT_EQ(*problems, std::vector<std::string>{});
}

TEST(MetadataStoreProcessesTest, TwoStoresOnOneFileSeeEachOthersWrites) {
  // Two instances stand for the server and an admin command on the same data dir.
  testing::TempDir dir;
  auto server = testing::open_sqlite_stores(dir / "wreg.db");
  auto admin = testing::open_sqlite_stores(dir / "wreg.db");
  ASSERT_TRUE(server && admin);
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto& store = (i % 2 == 0) ? *server->metadata : *admin->metadata;
      if (!store.create_namespace("ns" + std::string(1, static_cast<char>('a' + i)))) ++failures;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(server->metadata->list_namespaces()->size(), 8u);
}

TEST_F(SqliteStoreTest, BackupIsAReadableDatabase) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "a")));
  const auto target = dir_ / "backup.db";
  auto done = stores_.database->backup_to(target);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(stores_.database->backup_to(target).error().code, ErrorCode::kAlreadyExists);
  auto copy = testing::open_sqlite_stores(target);
  ASSERT_TRUE(copy) << copy.error().message;
  auto record = copy->metadata->package(pn("demo:app"));
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(versions(record->document), (std::vector<std::string>{"1.0.0"}));
  EXPECT_TRUE(copy->database->check_integrity()->empty());
}

}  // namespace
}  // namespace wreg::store
