#include "server/store/sqlite_metadata_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/store/migrations.h"
#include "tests/unit/server/sqlite_stores.h"
#include "tests/unit/server/temp_dir.h"

namespace wreg::store {
namespace {

PackageVersion pv(std::string_view text) { return *PackageVersion::parse(text); }
PackageName pn(std::string_view text) { return *PackageName::parse(text); }
Digest digest_of(std::string_view bytes) { return Digest::of(bytes); }
wasm::InterfaceName iface(std::string_view text) { return **wasm::parse_interface_name(text, ""); }
std::vector<wasm::InterfaceName> ifaces(const std::vector<std::string>& texts) {
  std::vector<wasm::InterfaceName> out;
  for (const std::string& text : texts) out.push_back(iface(text));
  return out;
}

std::vector<std::string> versions(const api::PackageDocument& document) {
  std::vector<std::string> out;
  for (const auto& release : document.versions) out.push_back(release.version.to_string());
  return out;
}

NewRelease component(std::string_view id, std::string_view bytes) {
  return NewRelease{
      pv(id), digest_of(bytes), bytes.size(), api::ReleaseKind::kComponent, "", {}, {}, {}, "{}"};
}

// Builds a SearchQuery one field at a time: Filter().text("http").exports("wasi:cli/run").
class Filter {
 public:
  Filter& text(std::string value) { return set(query_.text, std::move(value)); }
  Filter& exports(std::string_view value) {
    query_.exports = iface(value);
    return *this;
  }
  Filter& imports(std::string_view value) {
    query_.imports = iface(value);
    return *this;
  }
  Filter& cursor(std::string value) { return set(query_.cursor, std::move(value)); }
  Filter& limit(std::size_t value) {
    query_.limit = value;
    return *this;
  }
  const SearchQuery& query() const { return query_; }

 private:
  Filter& set(std::string& field, std::string value) {
    field = std::move(value);
    return *this;
  }
  SearchQuery query_;
};

SearchQuery make_query(const Filter& filter) { return filter.query(); }

class MetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions options;
    options.now = [] {
      return std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    };
    options.log = [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    };
    auto opened = testing::open_sqlite_stores(dir_ / "wreg.db", options);
    ASSERT_TRUE(opened) << opened.error().message;
    stores_ = std::move(*opened);
    store_ = stores_.metadata.get();
    ASSERT_TRUE(store_->create_namespace("demo"));
    ASSERT_TRUE(store_->create_namespace("wasi"));
  }

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

TEST_F(MetadataStoreTest, NamespaceCreatedTwiceIsAlreadyExists) {
  auto again = store_->create_namespace("demo");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->create_namespace("Bad_NS").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store_->list_namespaces(), (std::vector<std::string>{"demo", "wasi"}));
}

TEST_F(MetadataStoreTest, PublishCreatesThenSameBytesAgainIsAlreadyPresent) {
  auto first = store_->publish(component("demo:app@1.0.0", "bytes-1"));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->status, PublishStatus::kCreated);
  auto again = store_->publish(component("demo:app@1.0.0", "bytes-1"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->status, PublishStatus::kAlreadyPresent);
  EXPECT_EQ(again->revision, first->revision) << "a retry changes nothing";
}

TEST_F(MetadataStoreTest, PublishOtherBytesIsConflictNamingTheExistingDigest) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "bytes-1")));
  auto other = store_->publish(component("demo:app@1.0.0", "bytes-2"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  EXPECT_NE(other.error().message.find(digest_of("bytes-1").to_string()), std::string::npos)
      << other.error().message;
}

TEST_F(MetadataStoreTest, BuildMetadataTwinIsRefused) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0+build.1", "bytes-1")));
  for (const char* twin : {"demo:app@1.0.0+build.2", "demo:app@1.0.0"}) {
    auto refused = store_->publish(component(twin, "bytes-2"));
    ASSERT_FALSE(refused) << twin;
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    EXPECT_NE(refused.error().message.find("same precedence"), std::string::npos);
  }
  // A bare version finds the release of equal precedence; other build metadata does not.
  auto found = store_->release(pv("demo:app@1.0.0"));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->summary.version.to_string(), "1.0.0+build.1");
  EXPECT_EQ(store_->release(pv("demo:app@1.0.0+build.9")).error().code, ErrorCode::kNotFound);
}

TEST_F(MetadataStoreTest, PublishIntoAMissingNamespaceIsNotFound) {
  auto refused = store_->publish(component("nowhere:app@1.0.0", "x"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_NE(refused.error().message.find("namespace create"), std::string::npos);
}

TEST_F(MetadataStoreTest, DetailsMustBeAJsonObject) {
  auto release = component("demo:app@1.0.0", "x");
  release.details_json = "[1, 2";
  EXPECT_EQ(store_->publish(release).error().code, ErrorCode::kInvalidArgument);
  release.details_json = "[]";
  EXPECT_EQ(store_->publish(release).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(MetadataStoreTest, DocumentListsVersionsNewestFirstWithDependenciesAndYanked) {
  for (const char* id :
       {"wasi:io@0.2.0", "wasi:io@0.2.8", "wasi:io@0.10.0", "wasi:io@0.2.8-rc.1"}) {
    NewRelease release = component(id, id);
    release.kind = api::ReleaseKind::kWit;
    release.description = std::string("I/O ") + id;
    release.dependencies = {api::Dependency{pn("wasi:clocks"), *VersionReq::parse("^0.2.0")},
                            api::Dependency{pn("wasi:poll"), *VersionReq::parse("^0.2.1")}};
    ASSERT_TRUE(store_->publish(release)) << id;
  }
  ASSERT_TRUE(store_->set_yanked(pv("wasi:io@0.10.0"), true));

  auto record = store_->package(pn("wasi:io"));
  ASSERT_TRUE(record) << record.error().message;
  const auto& document = record->document;
  EXPECT_EQ(versions(document),
            (std::vector<std::string>{"0.10.0", "0.2.8", "0.2.8-rc.1", "0.2.0"}));
  EXPECT_TRUE(document.versions[0].yanked);
  EXPECT_FALSE(document.versions[1].yanked);
  EXPECT_EQ(document.versions[1].kind, api::ReleaseKind::kWit);
  EXPECT_EQ(document.versions[1].digest, digest_of("wasi:io@0.2.8"));
  EXPECT_EQ(document.versions[1].size, std::string("wasi:io@0.2.8").size());
  EXPECT_EQ(document.versions[1].published, "2027-01-15T08:00:00Z");
  ASSERT_EQ(document.versions[1].dependencies.size(), 2u);
  EXPECT_EQ(document.versions[1].dependencies[0].name.to_string(), "wasi:clocks");
  EXPECT_EQ(document.versions[1].dependencies[1].requirement.to_string(), "^0.2.1");
  // The description is the newest release's that has one, yanked or not.
  EXPECT_EQ(document.description, "I/O wasi:io@0.10.0");

  auto listed = store_->search(SearchQuery{});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->packages.size(), 1u);
  EXPECT_EQ(listed->packages[0].latest.to_string(), "0.2.8") << "yanked and pre-releases skipped";
}

TEST_F(MetadataStoreTest, MissingPackageIsNotFound) {
  EXPECT_EQ(store_->package(pn("demo:none")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->package_etag(pn("demo:none")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->release(pv("demo:none@1.0.0")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->set_yanked(pv("demo:none@1.0.0"), true).error().code, ErrorCode::kNotFound);
}

TEST_F(MetadataStoreTest, EtagChangesOnPublishAndYankButNotOnRetryOrRepeatedYank) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "a")));
  const std::string first = *store_->package_etag(pn("demo:app"));
  EXPECT_EQ(store_->package(pn("demo:app"))->etag, first);
  EXPECT_EQ(first.front(), '"');
  EXPECT_EQ(first.back(), '"');

  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "a")));
  EXPECT_EQ(*store_->package_etag(pn("demo:app")), first);

  ASSERT_TRUE(store_->publish(component("demo:app@1.1.0", "b")));
  const std::string second = *store_->package_etag(pn("demo:app"));
  EXPECT_NE(second, first);

  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.1.0"), true));
  const std::string third = *store_->package_etag(pn("demo:app"));
  EXPECT_NE(third, second);
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.1.0"), true));
  EXPECT_EQ(*store_->package_etag(pn("demo:app")), third);
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.1.0"), false));
  EXPECT_NE(*store_->package_etag(pn("demo:app")), third);
}

TEST_F(MetadataStoreTest, ReleaseInFullKeepsDetailsAndInterfaces) {
  NewRelease release = component("demo:server@0.3.0", "server");
  release.description = "an HTTP server";
  release.imports = {iface("wasi:io/streams@0.2.0")};
  release.exports = {iface("wasi:http/incoming-handler@0.2.0")};
  release.details_json = R"({"worlds":[],"producers":{"language":["Rust"]}})";
  ASSERT_TRUE(store_->publish(release));
  auto found = store_->release(pv("demo:server@0.3.0"));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->name.to_string(), "demo:server");
  EXPECT_EQ(found->description, "an HTTP server");
  EXPECT_EQ(found->details_json, release.details_json);
  EXPECT_EQ(found->imports, (std::vector<std::string>{"wasi:io/streams@0.2.0"}));
  EXPECT_EQ(found->exports, (std::vector<std::string>{"wasi:http/incoming-handler@0.2.0"}));
  EXPECT_EQ(found->summary.kind, api::ReleaseKind::kComponent);
}

// SQLite 3.40's integrity_check misread WITHOUT ROWID tables whose key columns were not first,
// so fsck failed on every registry holding a component with interfaces.
TEST_F(MetadataStoreTest, IntegrityCheckIsCleanWithInterfaces) {
  NewRelease release = component("demo:server@0.3.0", "server");
  release.imports = {iface("wasi:io/streams@0.2.0")};
  release.exports = {iface("wasi:http/incoming-handler@0.2.0")};
  ASSERT_TRUE(store_->publish(release));
  auto problems = stores_.database->check_integrity();
  ASSERT_TRUE(problems) << problems.error().message;
  EXPECT_EQ(*problems, std::vector<std::string>{});
}

class SearchTest : public MetadataStoreTest {
 protected:
  void SetUp() override {
    MetadataStoreTest::SetUp();
    ASSERT_TRUE(store_->create_namespace("toolsku"));
    publish("demo:proxy@1.0.0", "Forwards HTTP requests", {"wasi:http/outgoing-handler@0.2.0"},
            {"wasi:http/incoming-handler@0.2.0"});
    publish("demo:hello@0.1.0", "Says hello over HTTP", {}, {"wasi:http/incoming-handler@0.2.3"});
    publish("demo:cli@2.0.0", "A command line tool", {"wasi:cli/stdout@0.2.0"},
            {"wasi:cli/run@0.2.0"});
    publish("toolsku:math-tools@1.2.0", "Math helpers for analytics", {}, {});
    publish("toolsku:analytics@0.4.0", "Event analytics", {}, {"toolsku:analytics/ingest"});
  }

  void publish(std::string_view id, std::string description, std::vector<std::string> imports,
               std::vector<std::string> exports) {
    NewRelease release = component(id, id);
    release.description = std::move(description);
    release.imports = ifaces(imports);
    release.exports = ifaces(exports);
    ASSERT_TRUE(store_->publish(release)) << id;
  }

  std::vector<std::string> names(const Filter& filter) {
    auto page = store_->search(make_query(filter));
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> out;
    if (page) {
      for (const auto& summary : page->packages) out.push_back(summary.name.to_string());
    }
    return out;
  }
};

TEST_F(SearchTest, TextMatchesNameOrDescriptionCaseInsensitively) {
  EXPECT_EQ(names(Filter().text("analytics")),
            (std::vector<std::string>{"toolsku:analytics", "toolsku:math-tools"}));
  EXPECT_EQ(names(Filter().text("HTTP")), (std::vector<std::string>{"demo:hello", "demo:proxy"}));
  EXPECT_EQ(names(Filter().text("math-t")), (std::vector<std::string>{"toolsku:math-tools"}));
  EXPECT_EQ(names(Filter().text("zzz")), std::vector<std::string>{});
}

TEST_F(SearchTest, ShortTextAndQuotesAreMatchedLiterally) {
  EXPECT_EQ(names(Filter().text("cl")), (std::vector<std::string>{"demo:cli"}));
  EXPECT_EQ(names(Filter().text("%")), std::vector<std::string>{});
  EXPECT_EQ(names(Filter().text("\"a\" OR b")), std::vector<std::string>{});
  EXPECT_EQ(names(Filter().text("NEAR(")), std::vector<std::string>{});
  EXPECT_EQ(names(Filter().text("***")), std::vector<std::string>{});
  EXPECT_EQ(names(Filter().text("a\\b")), std::vector<std::string>{});
  EXPECT_EQ(names(Filter().text("_")), std::vector<std::string>{});
  for (const std::string& line : log_) {
    EXPECT_FALSE(line.starts_with("sqlite:")) << "no query failed: " << line;
  }
}

TEST_F(SearchTest, ExportsMatchesWithOrWithoutVersion) {
  EXPECT_EQ(names(Filter().exports("wasi:http/incoming-handler")),
            (std::vector<std::string>{"demo:hello", "demo:proxy"}));
  EXPECT_EQ(names(Filter().exports("wasi:http/incoming-handler@0.2.3")),
            (std::vector<std::string>{"demo:hello"}));
  EXPECT_EQ(names(Filter().imports("wasi:http/outgoing-handler")),
            (std::vector<std::string>{"demo:proxy"}));
  EXPECT_EQ(names(Filter().imports("wasi:http/incoming-handler")), std::vector<std::string>{});
  EXPECT_EQ(names(Filter().text("hello").exports("wasi:http/incoming-handler")),
            (std::vector<std::string>{"demo:hello"}));
}

TEST_F(SearchTest, YankedReleasesDoNotCountForInterfaces) {
  ASSERT_TRUE(store_->set_yanked(pv("demo:hello@0.1.0"), true));
  EXPECT_EQ(names(Filter().exports("wasi:http/incoming-handler")),
            (std::vector<std::string>{"demo:proxy"}));
}

TEST_F(SearchTest, MalformedCursorIsInvalidArgument) {
  for (const char* cursor : {"xyz", "c1zz", "c1", "c1616263"}) {
    auto page = store_->search(make_query(Filter().cursor(cursor)));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_F(SearchTest, CursorPagesThroughEveryPackageOnce) {
  std::vector<std::string> seen;
  SearchQuery query = Filter().limit(2).query();
  int pages = 0;
  for (;;) {
    auto page = store_->search(query);
    ASSERT_TRUE(page) << page.error().message;
    ++pages;
    for (const auto& summary : page->packages) seen.push_back(summary.name.to_string());
    if (page->next_cursor.empty()) break;
    query.cursor = page->next_cursor;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"demo:cli", "demo:hello", "demo:proxy",
                                            "toolsku:analytics", "toolsku:math-tools"}));
}

TEST_F(SearchTest, CountsAndReferencedBlobs) {
  // The same bytes under a second name count once in blob bytes.
  publish("toolsku:copy@1.0.0", "", {}, {});
  NewRelease twin = component("demo:twin@1.0.0", "demo:cli@2.0.0");
  ASSERT_TRUE(store_->publish(twin));
  auto counts = store_->counts();
  ASSERT_TRUE(counts);
  EXPECT_EQ(counts->namespaces, 3u);
  EXPECT_EQ(counts->packages, 7u);
  EXPECT_EQ(counts->releases, 7u);
  std::uint64_t bytes = 0;
  for (const char* id :
       {"demo:proxy@1.0.0", "demo:hello@0.1.0", "demo:cli@2.0.0", "toolsku:math-tools@1.2.0",
        "toolsku:analytics@0.4.0", "toolsku:copy@1.0.0"}) {
    bytes += std::string_view(id).size();
  }
  EXPECT_EQ(counts->blob_bytes, bytes);
  auto blobs = store_->referenced_blobs();
  ASSERT_TRUE(blobs);
  EXPECT_EQ(blobs->size(), 6u);
  EXPECT_TRUE(std::is_sorted(blobs->begin(), blobs->end(),
                             [](const auto& a, const auto& b) { return a.digest < b.digest; }));
  EXPECT_TRUE(*store_->is_referenced(digest_of("demo:cli@2.0.0")));
  EXPECT_FALSE(*store_->is_referenced(digest_of("nothing")));
}

TEST_F(MetadataStoreTest, ConcurrentPublishesOfSameBytesMakeOneRelease) {
  constexpr int kThreads = 16;
  std::atomic<int> created = 0;
  std::atomic<int> present = 0;
  std::atomic<int> failed = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto outcome = store_->publish(component("demo:race@1.0.0", "same bytes"));
      if (!outcome) {
        ++failed;
      } else if (outcome->status == PublishStatus::kCreated) {
        ++created;
      } else {
        ++present;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(present, kThreads - 1);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(store_->package(pn("demo:race"))->document.versions.size(), 1u);
}

TEST_F(MetadataStoreTest, ConcurrentPublishesOfDifferentBytesHaveOneWinner) {
  constexpr int kThreads = 16;
  std::atomic<int> created = 0;
  std::atomic<int> conflicts = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto outcome = store_->publish(component("demo:race@1.0.0", "bytes " + std::to_string(i)));
      if (outcome && outcome->status == PublishStatus::kCreated) ++created;
      if (!outcome && outcome.error().code == ErrorCode::kConflict) ++conflicts;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, kThreads - 1);
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

TEST_F(MetadataStoreTest, BackupIsAReadableDatabase) {
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

TEST_F(MetadataStoreTest, ConflictMessageHoldsNoSqlOrPaths) {
  auto refused = store_->publish(component("demo:app@1.0.0", "a"));
  ASSERT_TRUE(refused);
  auto conflict = store_->publish(component("demo:app@1.0.0", "b"));
  ASSERT_FALSE(conflict);
  for (const char* word : {"SELECT", "INSERT", "sqlite", dir_.path().c_str()}) {
    EXPECT_EQ(conflict.error().message.find(word), std::string::npos) << word;
  }
}

}  // namespace
}  // namespace wreg::store
