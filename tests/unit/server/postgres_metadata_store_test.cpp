// The PostgreSQL engine: the conformance suite every store passes (metadata_store_conformance.h)
// on a real PostgreSQL server (tests/support/postgres_server.h), and what only PostgreSQL has:
// migrations under an advisory lock, several servers (replicas) on one database, and a database
// that goes away and comes back.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/store/migrations.h"
#include "server/store/postgres_change_feed.h"
#include "server/store/postgres_stores.h"
#include "tests/support/postgres_server.h"
#include "tests/support/test_database.h"
#include "tests/unit/server/metadata_store_conformance.h"
#include "tests/unit/server/store_values.h"

namespace wreg::store {
namespace {

using testing::component;
using testing::new_postgres_database;
using testing::pv;

// One PostgresDatabase with both stores on it: what one wreg-server replica opens.
struct Replica {
  std::unique_ptr<PostgresDatabase> database;
  std::unique_ptr<PostgresMetadataStore> metadata;  // on `database`
  std::unique_ptr<PostgresTokenStore> tokens;       // on `database`
};

Result<Replica> open_replica(const std::string& url, PostgresOptions options = {}) {
  auto database = PostgresDatabase::open(url, std::move(options));
  if (!database) return std::move(database).error();
  Replica replica;
  replica.database = std::move(*database);
  replica.metadata = std::make_unique<PostgresMetadataStore>(*replica.database);
  replica.tokens = std::make_unique<PostgresTokenStore>(*replica.database);
  return replica;
}

// The first column of the first row `sql` returns on `url`, "" when none (failing the test).
std::string first_value(const std::string& url, const std::string& sql) {
  const LogSink log = [](std::string_view line) { ADD_FAILURE() << line; };
  auto connection = pg::Connection::open(url, log);
  if (!connection) return "";
  auto query = pg::Query::make(**connection, sql);
  if (!query) return "";
  auto row = query->step("a test's query");
  return row && *row ? query->text(0) : "";
}

// --- The conformance suite on PostgreSQL -------------------------------------------------------

class PostgresStoresUnderTest final : public StoresUnderTest {
 public:
  MetadataStore& metadata() override { return *replica.metadata; }
  TokenStore& tokens() override { return *replica.tokens; }

  Replica replica;
};

std::unique_ptr<StoresUnderTest> open_postgres(const StoreSetup& setup) {
  PostgresOptions options;
  options.now = setup.now;
  options.log = setup.log;
  auto replica = open_replica(new_postgres_database(), options);
  if (!replica) {
    ADD_FAILURE() << replica.error().message;
    return nullptr;
  }
  auto opened = std::make_unique<PostgresStoresUnderTest>();
  opened->replica = std::move(*replica);
  return opened;
}

INSTANTIATE_TEST_SUITE_P(Postgres, MetadataStoreConformance,
                         ::testing::Values(StoreFactory{"postgres", open_postgres}), engine_name);

// --- PostgreSQL only ---------------------------------------------------------------------------

// Lines a store logged, for the tests that check what reached the operator.
class LogLines {
 public:
  LogSink sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    };
  }
  std::string joined() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const std::string& line : lines_) out += line + "\n";
    return out;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

TEST(PostgresStoreTest, ReplicasStartingTogetherMigrateOnce) {
  const std::string url = new_postgres_database();
  constexpr int kReplicas = 4;
  std::vector<Result<Replica>> opened;
  for (int i = 0; i < kReplicas; ++i) opened.emplace_back(Replica{});
  std::vector<LogLines> logs(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      PostgresOptions options;
      options.log = logs[i].sink();
      opened[i] = open_replica(url, options);
    });
  }
  for (std::thread& thread : threads) thread.join();
  int migrated = 0;
  for (int i = 0; i < kReplicas; ++i) {
    ASSERT_TRUE(opened[i]) << opened[i].error().message;
    EXPECT_EQ((*opened[i]).database->schema_version(),
              static_cast<int>(embedded_postgres_migrations().size()));
    if (logs[i].joined().find("applied schema migration") != std::string::npos) ++migrated;
  }
  EXPECT_EQ(migrated, 1);
  EXPECT_EQ(first_value(url, "SELECT count(*) FROM wreg_schema"), "1");
}

TEST(PostgresStoreTest, ADatabaseOfANewerServerIsRefused) {
  const std::string url = new_postgres_database();
  ASSERT_TRUE(open_replica(url));
  first_value(url, "UPDATE wreg_schema SET version = 999 RETURNING version");
  auto refused = open_replica(url);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message.find("newer wreg-server"), std::string::npos)
      << refused.error().message;
}

TEST(PostgresStoreTest, AnUnreachableDatabaseIsUnavailableAndNamesNoPassword) {
  LogLines log;
  PostgresOptions options;
  options.log = log.sink();
  auto refused = open_replica(
      "postgresql://wreg:s3cret-pass@/nowhere?host=%2Fnonexistent-dir&port=5432", options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(refused.error().message.find("s3cret"), std::string::npos);
  EXPECT_NE(log.joined().find("cannot connect"), std::string::npos) << log.joined();
  EXPECT_EQ(log.joined().find("s3cret"), std::string::npos) << log.joined();
}

// Replicas race to publish the versions of one package: each version is created exactly once,
// the log's entries are numbered 0, 1, 2, ... without a gap or a twin, and every replica reads
// the same document.
TEST(PostgresStoreTest, ReplicasRacingToPublishCreateEachVersionOnce) {
  const std::string url = new_postgres_database();
  std::vector<Replica> replicas;
  for (int i = 0; i < 3; ++i) {
    auto replica = open_replica(url);
    ASSERT_TRUE(replica) << replica.error().message;
    replicas.push_back(std::move(*replica));
  }
  ASSERT_TRUE(replicas[0].metadata->create_namespace("demo"));
  constexpr int kVersions = 8;
  constexpr int kAttemptsPerVersion = 6;
  std::atomic<int> created{0};
  std::atomic<int> present{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kAttemptsPerVersion; ++t) {
    threads.emplace_back([&, t] {
      MetadataStore& store = *replicas[t % replicas.size()].metadata;
      for (int v = 0; v < kVersions; ++v) {
        const std::string id = "demo:raced@1.0." + std::to_string(v);
        auto outcome = store.publish(component(id, "bytes of " + id));
        if (!outcome) {
          ++failed;
        } else if (outcome->status == PublishStatus::kCreated) {
          ++created;
        } else {
          ++present;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(created, kVersions);
  EXPECT_EQ(present, kVersions * (kAttemptsPerVersion - 1));
  auto size = replicas[2].metadata->log_size();
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, static_cast<std::uint64_t>(kVersions));
  std::set<std::uint64_t> indexes;
  for (int v = 0; v < kVersions; ++v) {
    auto index = replicas[1].metadata->release_log_index(pv("demo:raced@1.0." + std::to_string(v)));
    ASSERT_TRUE(index);
    ASSERT_TRUE(index->second);
    indexes.insert(*index->second);
  }
  EXPECT_EQ(indexes.size(), static_cast<std::size_t>(kVersions));
  EXPECT_EQ(*indexes.rbegin(), static_cast<std::uint64_t>(kVersions - 1));
  auto first = replicas[0].metadata->package(testing::pn("demo:raced"));
  auto second = replicas[2].metadata->package(testing::pn("demo:raced"));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->etag, second->etag);
  EXPECT_EQ(testing::versions(first->document).size(), static_cast<std::size_t>(kVersions));
}

TEST(PostgresStoreTest, AYankOnOneReplicaIsSeenByAnother) {
  const std::string url = new_postgres_database();
  auto a = open_replica(url);
  auto b = open_replica(url);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->metadata->create_namespace("demo"));
  ASSERT_TRUE(a->metadata->publish(component("demo:app@1.0.0", "one")));
  auto before = b->metadata->package_etag(testing::pn("demo:app"));
  ASSERT_TRUE(b->metadata->set_yanked(pv("demo:app@1.0.0"), true));
  auto document = a->metadata->package(testing::pn("demo:app"));
  ASSERT_TRUE(document);
  EXPECT_TRUE(document->document.versions.at(0).yanked);
  EXPECT_NE(document->etag, *before);
}

// PostgreSQL restarted under a running server: calls fail with kUnavailable while it is down,
// and work again once it is back, on the same store objects (no restart of the replica).
TEST(PostgresStoreTest, ADatabaseRestartFailsCallsCleanlyAndTheStoreRecovers) {
  // A server of this test's own: stopping the shared one would break the other tests' stores.
  testing::PostgresServer server;
  const std::string url = server.create_database();
  LogLines log;
  PostgresOptions options;
  options.log = log.sink();
  options.connections = 2;
  auto replica = open_replica(url, options);
  ASSERT_TRUE(replica) << replica.error().message;
  MetadataStore& store = *replica->metadata;
  ASSERT_TRUE(store.create_namespace("demo"));
  ASSERT_TRUE(store.publish(component("demo:app@1.0.0", "one")));

  server.stop();
  for (int i = 0; i < 4; ++i) {  // every pooled connection meets the restart
    auto down = store.package(testing::pn("demo:app"));
    ASSERT_FALSE(down);
    EXPECT_EQ(down.error().code, ErrorCode::kUnavailable) << down.error().message;
    EXPECT_NE(down.error().message.find("unreachable"), std::string::npos);
    auto publish = store.publish(component("demo:app@1.0.1", "two"));
    ASSERT_FALSE(publish);
    EXPECT_EQ(publish.error().code, ErrorCode::kUnavailable);
  }

  server.start();
  auto again = store.publish(component("demo:app@1.0.1", "two"));
  ASSERT_TRUE(again) << again.error().message << "\n" << log.joined();
  auto document = store.package(testing::pn("demo:app"));
  ASSERT_TRUE(document) << document.error().message;
  EXPECT_EQ(testing::versions(document->document), (std::vector<std::string>{"1.0.1", "1.0.0"}));
  EXPECT_NE(log.joined().find("connected again"), std::string::npos) << log.joined();
}

// What a store tells its listeners: package names, and "*" for "anything may have changed".
class HeardChanges final : public ChangeListener {
 public:
  void package_changed(const PackageName& name) override { add(name.to_string()); }
  void any_package_changed() override { add("*"); }

  // Waits (at most `wait`) until `what` was heard; whether it was.
  bool await(const std::string& what,
             std::chrono::milliseconds wait = std::chrono::milliseconds(5000)) {
    std::unique_lock lock(mutex_);
    return heard_changed_.wait_for(
        lock, wait, [&] { return std::find(heard_.begin(), heard_.end(), what) != heard_.end(); });
  }
  void forget() {
    std::lock_guard lock(mutex_);
    heard_.clear();
  }

 private:
  void add(std::string what) {
    {
      std::lock_guard lock(mutex_);
      heard_.push_back(std::move(what));
    }
    heard_changed_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable heard_changed_;
  std::vector<std::string> heard_;
};

TEST(PostgresChangeFeedTest, AReplicaHearsTheOthersWrites) {
  const std::string url = new_postgres_database();
  auto writer = open_replica(url);
  auto reader = open_replica(url);
  ASSERT_TRUE(writer && reader);
  HeardChanges heard;
  reader->metadata->add_listener(heard);
  ChangeFeedOptions options;
  options.recheck = std::chrono::minutes(10);  // only notifications count here
  auto feed = PostgresChangeFeed::start(url, *reader->metadata, options);
  ASSERT_TRUE(feed) << feed.error().message;

  ASSERT_TRUE(writer->metadata->create_namespace("demo"));
  ASSERT_TRUE(writer->metadata->publish(component("demo:app@1.0.0", "one")));
  EXPECT_TRUE(heard.await("demo:app"));
  heard.forget();
  ASSERT_TRUE(writer->metadata->set_yanked(pv("demo:app@1.0.0"), true));
  EXPECT_TRUE(heard.await("demo:app"));
  // A publish that changes nothing (a retry) commits nothing, so tells nobody.
  heard.forget();
  ASSERT_TRUE(writer->metadata->publish(component("demo:app@1.0.0", "one")));
  ASSERT_TRUE(writer->metadata->publish(component("demo:other@1.0.0", "two")));
  EXPECT_TRUE(heard.await("demo:other"));
  EXPECT_GE((*feed)->heard(), 3u);
  reader->metadata->remove_listener(heard);
}

// However a notification might be lost, a document is stale for at most `recheck`: the feed says
// "anything may have changed" that often, when its connection breaks, and again once it listens.
TEST(PostgresChangeFeedTest, RechecksAndListensAgainAfterADatabaseRestart) {
  testing::PostgresServer server;
  const std::string url = server.create_database();
  auto writer = open_replica(url);
  auto reader = open_replica(url);
  ASSERT_TRUE(writer && reader);
  HeardChanges heard;
  reader->metadata->add_listener(heard);
  LogLines log;
  ChangeFeedOptions options;
  options.recheck = std::chrono::milliseconds(50);
  options.retry = std::chrono::milliseconds(50);
  options.log = log.sink();
  auto feed = PostgresChangeFeed::start(url, *reader->metadata, options);
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_TRUE(heard.await("*"));

  server.stop();
  heard.forget();
  EXPECT_TRUE(heard.await("*"));
  server.start();
  ASSERT_TRUE(writer->metadata->create_namespace("demo")) << log.joined();
  // The feed may still be connecting: publish until it hears one (each publish is new).
  bool heard_one = false;
  for (int i = 0; i < 50 && !heard_one; ++i) {
    heard.forget();
    ASSERT_TRUE(writer->metadata->publish(
        component("demo:app@1.0." + std::to_string(i), "bytes " + std::to_string(i))));
    heard_one = heard.await("demo:app", std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(heard_one) << log.joined();
  EXPECT_NE(log.joined().find("listening again"), std::string::npos) << log.joined();
  reader->metadata->remove_listener(heard);
}

}  // namespace
}  // namespace wreg::store
