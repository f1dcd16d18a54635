#include "tests/unit/server/metadata_store_conformance.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/server/store_values.h"

namespace wreg::store {
namespace {

using testing::component;
using testing::iface;
using testing::pn;
using testing::pv;
using testing::versions;

Digest digest_of(std::string_view bytes) { return Digest::of(bytes); }

std::vector<wasm::InterfaceName> ifaces(const std::vector<std::string>& texts) {
  std::vector<wasm::InterfaceName> out;
  for (const std::string& text : texts) out.push_back(iface(text));
  return out;
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
  Filter& in_namespace(std::string value) { return set(query_.namespace_name, std::move(value)); }
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

void publish_with(MetadataStore& store, std::string_view id, std::string description,
                  std::vector<std::string> imports, std::vector<std::string> exports) {
  NewRelease release = component(id, id);
  release.description = std::move(description);
  release.imports = ifaces(imports);
  release.exports = ifaces(exports);
  ASSERT_TRUE(store.publish(release)) << id;
}

std::vector<std::string> names(MetadataStore& store, const Filter& filter) {
  auto page = store.search(make_query(filter));
  EXPECT_TRUE(page) << page.error().message;
  std::vector<std::string> out;
  if (page) {
    for (const auto& summary : page->packages) out.push_back(summary.name.to_string());
  }
  return out;
}

// Counts what a store announces (metadata_store.h, ChangeListener).
class CountingListener final : public ChangeListener {
 public:
  void package_changed(const PackageName& name) override {
    std::lock_guard lock(mutex_);
    heard_.push_back(name.to_string());
  }
  void any_package_changed() override {
    std::lock_guard lock(mutex_);
    heard_.push_back("*");
  }
  std::vector<std::string> heard() {
    std::lock_guard lock(mutex_);
    return heard_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> heard_;
};

}  // namespace

void MetadataStoreConformance::SetUp() {
  StoreSetup setup;
  setup.now = [this] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(now_seconds_.load()));
  };
  setup.log = [this](std::string_view line) {
    std::lock_guard lock(log_mutex_);
    log_.emplace_back(line);
  };
  stores_ = GetParam().open(setup);
  ASSERT_TRUE(stores_) << "the " << GetParam().name << " stores did not open";
  store_ = &stores_->metadata();
  tokens_ = &stores_->tokens();
  ASSERT_TRUE(store_->create_namespace("demo"));
  ASSERT_TRUE(store_->create_namespace("wasi"));
  std::lock_guard lock(log_mutex_);
  log_.clear();
}

void MetadataStoreConformance::publish_search_packages() {
  ASSERT_TRUE(store_->create_namespace("toolsku"));
  publish_with(*store_, "demo:proxy@1.0.0", "Forwards HTTP requests",
               {"wasi:http/outgoing-handler@0.2.0"}, {"wasi:http/incoming-handler@0.2.0"});
  publish_with(*store_, "demo:hello@0.1.0", "Says hello over HTTP", {},
               {"wasi:http/incoming-handler@0.2.3"});
  publish_with(*store_, "demo:cli@2.0.0", "A command line tool", {"wasi:cli/stdout@0.2.0"},
               {"wasi:cli/run@0.2.0"});
  publish_with(*store_, "toolsku:math-tools@1.2.0", "Math helpers for analytics", {}, {});
  publish_with(*store_, "toolsku:analytics@0.4.0", "Event analytics", {},
               {"toolsku:analytics/ingest"});
}

std::vector<std::string> MetadataStoreConformance::log_lines() {
  std::lock_guard lock(log_mutex_);
  return log_;
}

namespace {

// --- Namespaces, publish and the package document ---------------------------------------------

TEST_P(MetadataStoreConformance, NamespaceCreatedTwiceIsAlreadyExists) {
  auto again = store_->create_namespace("demo");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->create_namespace("Bad_NS").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(*store_->list_namespaces(), (std::vector<std::string>{"demo", "wasi"}));
}

TEST_P(MetadataStoreConformance, PublishCreatesThenSameBytesAgainIsAlreadyPresent) {
  auto first = store_->publish(component("demo:app@1.0.0", "bytes-1"));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->status, PublishStatus::kCreated);
  auto again = store_->publish(component("demo:app@1.0.0", "bytes-1"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->status, PublishStatus::kAlreadyPresent);
  EXPECT_EQ(again->revision, first->revision) << "a retry changes nothing";
}

TEST_P(MetadataStoreConformance, PublishOtherBytesIsConflictNamingTheExistingDigest) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "bytes-1")));
  auto other = store_->publish(component("demo:app@1.0.0", "bytes-2"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  EXPECT_NE(other.error().message.find(digest_of("bytes-1").to_string()), std::string::npos)
      << other.error().message;
}

TEST_P(MetadataStoreConformance, BuildMetadataTwinIsRefused) {
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

TEST_P(MetadataStoreConformance, PublishIntoAMissingNamespaceIsNotFound) {
  auto refused = store_->publish(component("nowhere:app@1.0.0", "x"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_NE(refused.error().message.find("namespace create"), std::string::npos);
}

TEST_P(MetadataStoreConformance, DetailsMustBeAJsonObject) {
  auto release = component("demo:app@1.0.0", "x");
  release.details_json = "[1, 2";
  EXPECT_EQ(store_->publish(release).error().code, ErrorCode::kInvalidArgument);
  release.details_json = "[]";
  EXPECT_EQ(store_->publish(release).error().code, ErrorCode::kInvalidArgument);
}

TEST_P(MetadataStoreConformance, DocumentListsVersionsNewestFirstWithDependenciesAndYanked) {
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

TEST_P(MetadataStoreConformance, MissingPackageIsNotFound) {
  EXPECT_EQ(store_->package(pn("demo:none")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->package_etag(pn("demo:none")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->release(pv("demo:none@1.0.0")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->set_yanked(pv("demo:none@1.0.0"), true).error().code, ErrorCode::kNotFound);
}

TEST_P(MetadataStoreConformance, EtagChangesOnPublishAndYankButNotOnRetryOrRepeatedYank) {
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

TEST_P(MetadataStoreConformance, ReleaseInFullKeepsDetailsAndInterfaces) {
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

TEST_P(MetadataStoreConformance, ConcurrentPublishesOfSameBytesMakeOneRelease) {
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

TEST_P(MetadataStoreConformance, ConcurrentPublishesOfDifferentBytesHaveOneWinner) {
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

TEST_P(MetadataStoreConformance, ConflictMessageHoldsNoSqlOrPaths) {
  auto refused = store_->publish(component("demo:app@1.0.0", "a"));
  ASSERT_TRUE(refused);
  auto conflict = store_->publish(component("demo:app@1.0.0", "b"));
  ASSERT_FALSE(conflict);
  for (const char* word : {"SELECT", "INSERT", "sqlite", "postgres"}) {
    EXPECT_EQ(conflict.error().message.find(word), std::string::npos) << word;
  }
}

TEST_P(MetadataStoreConformance, TextMatchesNameOrDescriptionCaseInsensitively) {
  publish_search_packages();
  EXPECT_EQ(names(*store_, Filter().text("analytics")),
            (std::vector<std::string>{"toolsku:analytics", "toolsku:math-tools"}));
  EXPECT_EQ(names(*store_, Filter().text("HTTP")),
            (std::vector<std::string>{"demo:hello", "demo:proxy"}));
  EXPECT_EQ(names(*store_, Filter().text("math-t")),
            (std::vector<std::string>{"toolsku:math-tools"}));
  EXPECT_EQ(names(*store_, Filter().text("zzz")), std::vector<std::string>{});
}

TEST_P(MetadataStoreConformance, ShortTextAndQuotesAreMatchedLiterally) {
  publish_search_packages();
  EXPECT_EQ(names(*store_, Filter().text("cl")), (std::vector<std::string>{"demo:cli"}));
  EXPECT_EQ(names(*store_, Filter().text("%")), std::vector<std::string>{});
  EXPECT_EQ(names(*store_, Filter().text("\"a\" OR b")), std::vector<std::string>{});
  EXPECT_EQ(names(*store_, Filter().text("NEAR(")), std::vector<std::string>{});
  EXPECT_EQ(names(*store_, Filter().text("***")), std::vector<std::string>{});
  EXPECT_EQ(names(*store_, Filter().text("a\\b")), std::vector<std::string>{});
  EXPECT_EQ(names(*store_, Filter().text("_")), std::vector<std::string>{});
  EXPECT_EQ(log_lines(), std::vector<std::string>{}) << "no query failed";
}

TEST_P(MetadataStoreConformance, ExportsMatchesWithOrWithoutVersion) {
  publish_search_packages();
  EXPECT_EQ(names(*store_, Filter().exports("wasi:http/incoming-handler")),
            (std::vector<std::string>{"demo:hello", "demo:proxy"}));
  EXPECT_EQ(names(*store_, Filter().exports("wasi:http/incoming-handler@0.2.3")),
            (std::vector<std::string>{"demo:hello"}));
  EXPECT_EQ(names(*store_, Filter().imports("wasi:http/outgoing-handler")),
            (std::vector<std::string>{"demo:proxy"}));
  EXPECT_EQ(names(*store_, Filter().imports("wasi:http/incoming-handler")),
            std::vector<std::string>{});
  EXPECT_EQ(names(*store_, Filter().text("hello").exports("wasi:http/incoming-handler")),
            (std::vector<std::string>{"demo:hello"}));
}

TEST_P(MetadataStoreConformance, YankedReleasesDoNotCountForInterfaces) {
  publish_search_packages();
  ASSERT_TRUE(store_->set_yanked(pv("demo:hello@0.1.0"), true));
  EXPECT_EQ(names(*store_, Filter().exports("wasi:http/incoming-handler")),
            (std::vector<std::string>{"demo:proxy"}));
}

TEST_P(MetadataStoreConformance, ANamespaceFilterKeepsToThatNamespace) {
  publish_search_packages();
  EXPECT_EQ(names(*store_, Filter().in_namespace("toolsku")),
            (std::vector<std::string>{"toolsku:analytics", "toolsku:math-tools"}));
  EXPECT_EQ(names(*store_, Filter().in_namespace("demo").text("analytics")),
            std::vector<std::string>{});
  EXPECT_EQ(names(*store_, Filter().in_namespace("tool")), std::vector<std::string>{})
      << "the whole namespace, not a prefix";
  EXPECT_EQ(names(*store_, Filter().in_namespace("nowhere")), std::vector<std::string>{});
  SearchQuery query = Filter().in_namespace("demo").limit(2).query();
  auto first = store_->search(query);
  ASSERT_TRUE(first) << first.error().message;
  query.cursor = first->next_cursor;
  EXPECT_EQ(names(*store_, Filter().in_namespace("demo").cursor(query.cursor)),
            std::vector<std::string>{"demo:proxy"})
      << "the cursor pages within the namespace";
}

TEST_P(MetadataStoreConformance, RecentReleasesAreTheNewestReceivedLeavingOutYanked) {
  publish_search_packages();
  auto ids = [&](std::size_t limit) {
    std::vector<std::string> out;
    auto recent = store_->recent_releases(limit);
    EXPECT_TRUE(recent) << recent.error().message;
    if (recent) {
      for (const RecentRelease& release : *recent) out.push_back(release.id.to_string());
    }
    return out;
  };
  EXPECT_EQ(ids(3), (std::vector<std::string>{"toolsku:analytics@0.4.0", "toolsku:math-tools@1.2.0",
                                              "demo:cli@2.0.0"}));
  ASSERT_TRUE(store_->set_yanked(pv("toolsku:math-tools@1.2.0"), true));
  EXPECT_EQ(ids(3), (std::vector<std::string>{"toolsku:analytics@0.4.0", "demo:cli@2.0.0",
                                              "demo:hello@0.1.0"}));
  EXPECT_EQ(ids(100).size(), 4u);
  auto recent = store_->recent_releases(1);
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].description, "Event analytics");
  EXPECT_EQ((*recent)[0].kind, api::ReleaseKind::kComponent);
  EXPECT_EQ((*recent)[0].published, "2027-01-15T08:00:00Z");
}

TEST_P(MetadataStoreConformance, DependentsAreThePackagesWithALiveReleaseThatNamesIt) {
  auto publish_depending = [&](const char* id, std::vector<const char*> on) {
    NewRelease release = component(id, id);
    for (const char* name : on) {
      release.dependencies.push_back(api::Dependency{pn(name), *VersionReq::parse("^0.2.0")});
    }
    ASSERT_TRUE(store_->publish(release)) << id;
  };
  publish_depending("wasi:io@0.2.0", {});
  publish_depending("demo:proxy@1.0.0", {"wasi:io", "wasi:clocks"});
  publish_depending("demo:proxy@1.1.0", {"wasi:io"});
  publish_depending("demo:cli@1.0.0", {"wasi:io"});
  publish_depending("demo:old@1.0.0", {"wasi:io"});
  ASSERT_TRUE(store_->set_yanked(pv("demo:old@1.0.0"), true));
  auto dependents = [&](const char* name, std::size_t limit) {
    std::vector<std::string> out;
    auto found = store_->dependents(pn(name), limit);
    EXPECT_TRUE(found) << found.error().message;
    if (found) {
      for (const PackageName& dependent : *found) out.push_back(dependent.to_string());
    }
    return out;
  };
  EXPECT_EQ(dependents("wasi:io", 10), (std::vector<std::string>{"demo:cli", "demo:proxy"}))
      << "each package once, sorted, the yanked one left out";
  EXPECT_EQ(dependents("wasi:io", 1), std::vector<std::string>{"demo:cli"});
  EXPECT_EQ(dependents("wasi:clocks", 10), std::vector<std::string>{"demo:proxy"});
  EXPECT_EQ(dependents("demo:proxy", 10), std::vector<std::string>{});
}

TEST_P(MetadataStoreConformance, MalformedCursorIsInvalidArgument) {
  publish_search_packages();
  for (const char* cursor : {"xyz", "c1zz", "c1", "c1616263"}) {
    auto page = store_->search(make_query(Filter().cursor(cursor)));
    ASSERT_FALSE(page) << cursor;
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST_P(MetadataStoreConformance, CursorPagesThroughEveryPackageOnce) {
  publish_search_packages();
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

TEST_P(MetadataStoreConformance, CountsAndReferencedBlobs) {
  publish_search_packages();
  // The same bytes under a second name count once in blob bytes.
  publish_with(*store_, "toolsku:copy@1.0.0", "", {}, {});
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

TEST_P(MetadataStoreConformance, YankFindsTheReleaseByPrecedence) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0+build.1", "bytes-1")));
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.0.0"), true));
  EXPECT_TRUE(store_->release(pv("demo:app@1.0.0+build.1"))->summary.yanked);
  EXPECT_EQ(store_->set_yanked(pv("demo:app@1.0.0+build.9"), false).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(store_->release(pv("demo:app@1.0.0"))->summary.yanked) << "left as it was";
}

TEST_P(MetadataStoreConformance, ListenersHearEveryWriteButNoRead) {
  CountingListener listener;
  store_->add_listener(listener);
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "a")));
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "a")));   // already present
  ASSERT_FALSE(store_->publish(component("demo:app@1.0.0", "b")));  // a conflict
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.0.0"), true));
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.0.0"), false));
  ASSERT_FALSE(store_->set_yanked(pv("wasi:none@1.0.0"), true));
  ASSERT_TRUE(store_->package(pn("demo:app")));
  ASSERT_TRUE(store_->search(SearchQuery{}));
  EXPECT_EQ(listener.heard(), (std::vector<std::string>{"demo:app", "demo:app", "demo:app",
                                                        "demo:app", "demo:app", "wasi:none"}));
  store_->remove_listener(listener);
  ASSERT_TRUE(store_->publish(component("demo:app@1.1.0", "c")));
  EXPECT_EQ(listener.heard().size(), 6u) << "a removed listener hears nothing";
}

// --- Tokens -----------------------------------------------------------------------------------

TEST_P(MetadataStoreConformance, AClaimedBlobIsReferencedUntilReleasedOrExpired) {
  const Digest digest = Digest::of("claimed bytes");
  EXPECT_FALSE(store_->is_referenced(digest).value());
  auto claim = store_->claim_blob(digest);
  ASSERT_TRUE(claim);
  EXPECT_TRUE(store_->is_referenced(digest).value());
  ASSERT_TRUE(store_->release_blob_claim(*claim));
  EXPECT_FALSE(store_->is_referenced(digest).value());

  // One that a crash left behind counts for kBlobClaimLifetime, then gc forgets it.
  ASSERT_TRUE(store_->claim_blob(digest));
  now_seconds_ +=
      std::chrono::duration_cast<std::chrono::seconds>(MetadataStore::kBlobClaimLifetime).count() -
      1;
  EXPECT_TRUE(store_->is_referenced(digest).value());
  now_seconds_ += 2;
  EXPECT_FALSE(store_->is_referenced(digest).value());
  ASSERT_TRUE(store_->forget_expired_blob_claims());
  EXPECT_FALSE(store_->is_referenced(digest).value());
  // Claims are not releases: the package listing and counts know nothing of them.
  EXPECT_EQ(store_->counts().value().releases, 0u);
}

TEST_P(MetadataStoreConformance, TokenIsFoundByItsHashWithItsScopes) {
  const Digest hash = digest_of("token one");
  auto id = tokens_->add_token(hash, false, {"wasi", "demo"}, "ci", std::nullopt);
  ASSERT_TRUE(id) << id.error().message;
  auto found = tokens_->find_token(hash);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->id, *id);
  EXPECT_FALSE((*found)->admin);
  EXPECT_EQ((*found)->namespaces, (std::vector<std::string>{"demo", "wasi"}));
  EXPECT_EQ((*found)->note, "ci");
  EXPECT_EQ((*found)->created, "2027-01-15T08:00:00Z");
  EXPECT_FALSE((*found)->revoked);
  EXPECT_FALSE(*tokens_->find_token(digest_of("another token")));
  auto admin = tokens_->add_token(digest_of("token two"), true, {}, "", std::nullopt);
  ASSERT_TRUE(admin);
  EXPECT_NE(*admin, *id);
  EXPECT_TRUE((*tokens_->find_token(digest_of("token two")))->admin);
}

TEST_P(MetadataStoreConformance, RevokedTokenIsNotFoundButListed) {
  const Digest hash = digest_of("token");
  auto id = tokens_->add_token(hash, false, {"demo"}, "ci", std::nullopt);
  ASSERT_TRUE(id);
  ASSERT_TRUE(tokens_->revoke_token(*id));
  ASSERT_TRUE(tokens_->revoke_token(*id)) << "revoking twice is fine";
  EXPECT_FALSE(*tokens_->find_token(hash));
  EXPECT_EQ(tokens_->revoke_token(*id + 9999).error().code, ErrorCode::kNotFound);

  auto listed = tokens_->list_tokens();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, *id);
  EXPECT_EQ((*listed)[0].namespaces, (std::vector<std::string>{"demo"}));
  EXPECT_EQ((*listed)[0].note, "ci");
  EXPECT_EQ((*listed)[0].revoked, "2027-01-15T08:00:00Z");
}

TEST_P(MetadataStoreConformance, LiveTokenIsFoundByItsIdUntilRevoked) {
  auto id = tokens_->add_token(digest_of("token"), false, {"wasi", "demo"}, "ci", std::nullopt);
  ASSERT_TRUE(id);
  auto found = tokens_->find_live_token(*id);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->id, *id);
  EXPECT_FALSE((*found)->admin);
  EXPECT_EQ((*found)->namespaces, (std::vector<std::string>{"demo", "wasi"}));
  EXPECT_FALSE(*tokens_->find_live_token(*id + 9999));
  ASSERT_TRUE(tokens_->revoke_token(*id));
  EXPECT_FALSE(*tokens_->find_live_token(*id));
}

TEST_P(MetadataStoreConformance, TokenScopeMustNameExistingNamespaces) {
  auto refused =
      tokens_->add_token(digest_of("token"), false, {"demo", "missing"}, "", std::nullopt);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_NE(refused.error().message.find("\"missing\""), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(tokens_->list_tokens()->empty()) << "nothing stored for a refused token";
}

TEST_P(MetadataStoreConformance, TheSameHashTwiceIsAlreadyExists) {
  ASSERT_TRUE(tokens_->add_token(digest_of("token"), false, {"demo"}, "", std::nullopt));
  EXPECT_EQ(tokens_->add_token(digest_of("token"), true, {}, "", std::nullopt).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(tokens_->list_tokens()->size(), 1u);
}

TEST_P(MetadataStoreConformance, ATokensExpiryIsKeptToTheSecond) {
  using namespace std::chrono;
  const sys_seconds expires = sys_days(year(2027) / February / 14) + hours(9) + seconds(5);
  auto id = tokens_->add_token(digest_of("expiring"), false, {"demo"}, "ci", expires);
  ASSERT_TRUE(id) << id.error().message;
  auto forever = tokens_->add_token(digest_of("forever"), true, {}, "", std::nullopt);
  ASSERT_TRUE(forever);

  EXPECT_EQ((*tokens_->find_token(digest_of("expiring")))->expires, expires);
  EXPECT_EQ((*tokens_->find_live_token(*id))->expires, expires);
  EXPECT_EQ((*tokens_->find_token(digest_of("forever")))->expires, std::nullopt);
  // The store hands out expired tokens too: refusing them, saying why, is the Authorizer's.
  now_seconds_ = duration_cast<seconds>(expires.time_since_epoch()).count() + 3600;
  ASSERT_TRUE(*tokens_->find_token(digest_of("expiring")));
  auto listed = tokens_->list_tokens();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].expires, expires);
  EXPECT_EQ((*listed)[1].expires, std::nullopt);
}

TEST_P(MetadataStoreConformance, ATokensLastUseMovesOnlyForward) {
  using namespace std::chrono;
  auto id = tokens_->add_token(digest_of("used"), false, {"demo"}, "", std::nullopt);
  auto idle = tokens_->add_token(digest_of("idle"), false, {"demo"}, "", std::nullopt);
  ASSERT_TRUE(id && idle);
  auto last_used = [&](std::int64_t token) -> std::optional<sys_seconds> {
    const std::vector<TokenRecord> records = tokens_->list_tokens().value();
    for (const TokenRecord& record : records) {
      if (record.id == token) return record.last_used;
    }
    ADD_FAILURE() << "token " << token << " is not listed";
    return std::nullopt;
  };
  EXPECT_EQ(last_used(*id), std::nullopt) << "never used";

  const sys_seconds first = sys_days(year(2027) / January / 15) + hours(8);
  ASSERT_TRUE(tokens_->record_token_use(*id, first));
  EXPECT_EQ(last_used(*id), first);
  // Another replica's older record arriving late changes nothing.
  ASSERT_TRUE(tokens_->record_token_use(*id, first - minutes(5)));
  EXPECT_EQ(last_used(*id), first);
  ASSERT_TRUE(tokens_->record_token_use(*id, first + minutes(1)));
  EXPECT_EQ(last_used(*id), first + minutes(1));
  // Across a day and a year, where text and time must still sort alike.
  const sys_seconds later = sys_days(year(2028) / January / 1);
  ASSERT_TRUE(tokens_->record_token_use(*id, later));
  EXPECT_EQ(last_used(*id), later);
  EXPECT_EQ(last_used(*idle), std::nullopt) << "only the used token changed";
  EXPECT_TRUE(tokens_->record_token_use(*id + 9999, later)) << "an unknown id is no error";
}

// --- OCI manifests ----------------------------------------------------------------------------

// A manifest whose bytes are `content` and whose config blob is `config`.
OciManifest manifest(std::string content, std::string_view config) {
  return OciManifest{Digest::of(content), "application/vnd.oci.image.manifest.v1+json",
                     std::move(content), Digest::of(config), config.size()};
}

void expect_same_manifest(const OciManifest& actual, const OciManifest& expected) {
  EXPECT_EQ(actual.digest.to_string(), expected.digest.to_string());
  EXPECT_EQ(actual.media_type, expected.media_type);
  EXPECT_EQ(actual.content, expected.content);
  EXPECT_EQ(actual.config.to_string(), expected.config.to_string());
  EXPECT_EQ(actual.config_size, expected.config_size);
}

TEST_P(MetadataStoreConformance, ANativeReleaseHasNoManifestUntilOneIsRecordedThenKeepsTheFirst) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "bytes-1")));
  auto none = store_->manifest_of(pv("demo:app@1.0.0"));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(*none);

  const OciManifest first = manifest("{\"first\": 1}", "config-1");
  const OciManifest second = manifest("{\"second\": 2}", "config-2");
  auto recorded = store_->record_manifest(pv("demo:app@1.0.0"), first);
  ASSERT_TRUE(recorded) << recorded.error().message;
  expect_same_manifest(*recorded, first);
  // A second synthesis (another server version, a race) never replaces what was served.
  auto kept = store_->record_manifest(pv("demo:app@1.0.0"), second);
  ASSERT_TRUE(kept) << kept.error().message;
  expect_same_manifest(*kept, first);
  auto stored = store_->manifest_of(pv("demo:app@1.0.0"));
  ASSERT_TRUE(stored && *stored);
  expect_same_manifest(**stored, first);

  auto found = store_->manifest_by_digest(pn("demo:app"), first.digest);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->version.to_string(), "1.0.0");
  expect_same_manifest((*found)->manifest, first);
  EXPECT_FALSE(*store_->manifest_by_digest(pn("demo:app"), second.digest));
  EXPECT_FALSE(*store_->manifest_by_digest(pn("demo:other"), first.digest))
      << "a digest is found only in its own repository";
}

TEST_P(MetadataStoreConformance, ManifestOfAMissingReleaseIsNotFound) {
  EXPECT_EQ(store_->manifest_of(pv("demo:app@1.0.0")).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->record_manifest(pv("demo:app@1.0.0"), manifest("{}", "c")).error().code,
            ErrorCode::kNotFound);
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0+build.1", "bytes-1")));
  EXPECT_EQ(store_->manifest_of(pv("demo:app@1.0.0+build.2")).error().code, ErrorCode::kNotFound)
      << "a version with build metadata names only itself";
  EXPECT_TRUE(store_->manifest_of(pv("demo:app@1.0.0")))
      << "a version without build metadata names the release of equal precedence, as release()";
}

TEST_P(MetadataStoreConformance, APublishWithAManifestKeepsItAndRefusesAnotherForTheSameTag) {
  const NewRelease pushed = component("demo:app@1.0.0", "bytes-1");
  const OciManifest first = manifest("{\"pushed\": true}", "config-1");
  auto created = store_->publish(pushed, first);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->status, PublishStatus::kCreated);
  auto again = store_->publish(pushed, first);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->status, PublishStatus::kAlreadyPresent);

  auto refused = store_->publish(pushed, manifest("{\"pushed\": false}", "config-1"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find(first.digest.to_string()), std::string::npos)
      << refused.error().message;
  expect_same_manifest(**store_->manifest_of(pv("demo:app@1.0.0")), first);
}

TEST_P(MetadataStoreConformance, PushingTheBytesOfANativeReleaseGivesItTheManifest) {
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "bytes-1")));
  const std::string etag = *store_->package_etag(pn("demo:app"));
  const OciManifest pushed = manifest("{\"pushed\": true}", "config-1");
  auto outcome = store_->publish(component("demo:app@1.0.0", "bytes-1"), pushed);
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_EQ(outcome->status, PublishStatus::kAlreadyPresent);
  expect_same_manifest(**store_->manifest_of(pv("demo:app@1.0.0")), pushed);
  EXPECT_EQ(*store_->package_etag(pn("demo:app")), etag) << "the package document is unchanged";
}

TEST_P(MetadataStoreConformance, AManifestsConfigIsAReferencedBlob) {
  const OciManifest pushed = manifest("{}", "the config");
  ASSERT_TRUE(store_->publish(component("demo:app@1.0.0", "bytes-1"), pushed));
  EXPECT_TRUE(*store_->is_referenced(digest_of("the config")));
  auto blobs = store_->referenced_blobs();
  ASSERT_TRUE(blobs);
  ASSERT_EQ(blobs->size(), 2u);
  EXPECT_TRUE(std::any_of(blobs->begin(), blobs->end(), [](const ReferencedBlob& blob) {
    return blob.digest == digest_of("the config") && blob.size == 10;
  }));
  auto all = store_->manifests();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].release.to_string(), "demo:app@1.0.0");
  EXPECT_EQ((*all)[0].release_digest.to_string(), digest_of("bytes-1").to_string());
  expect_same_manifest((*all)[0].manifest, pushed);
}

TEST_P(MetadataStoreConformance, PackageNamesPageInOrder) {
  publish_search_packages();
  auto first = store_->package_names("", 3);
  ASSERT_TRUE(first) << first.error().message;
  std::vector<std::string> seen;
  for (const auto& name : *first) seen.push_back(name.to_string());
  EXPECT_EQ(seen, (std::vector<std::string>{"demo:cli", "demo:hello", "demo:proxy"}));
  auto rest = store_->package_names("demo:proxy", 10);
  ASSERT_TRUE(rest);
  seen.clear();
  for (const auto& name : *rest) seen.push_back(name.to_string());
  EXPECT_EQ(seen, (std::vector<std::string>{"toolsku:analytics", "toolsku:math-tools"}));
}

// --- The transparency log's entries and checkpoints ----------------------------------------------

// Every publish, yank and unyank appends its entry in its own transaction, in order; a publish
// of the same bytes again, a yank of a yanked release and a refused publish append nothing.
TEST_P(MetadataStoreConformance, EveryReleaseEventAppendsOneEntryInOrder) {
  ASSERT_EQ(*store_->log_size(), 0u);
  auto first = store_->publish(component("demo:app@1.0.0+build.1", "bytes-1"));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->log_index, std::optional<std::uint64_t>(0));
  auto second = store_->publish(component("wasi:io@0.2.0", "io"));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->log_index, std::optional<std::uint64_t>(1));
  auto again = store_->publish(component("demo:app@1.0.0+build.1", "bytes-1"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, PublishStatus::kAlreadyPresent);
  EXPECT_EQ(again->log_index, std::optional<std::uint64_t>(0)) << "the release's own entry";
  EXPECT_FALSE(store_->publish(component("demo:app@1.0.0+build.1", "other bytes")));
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.0.0"), true));
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.0.0"), true));
  ASSERT_TRUE(store_->set_yanked(pv("demo:app@1.0.0"), false));

  auto entries = store_->log_entries(0, 100);
  ASSERT_TRUE(entries) << entries.error().message;
  const std::string app = " demo:app@1.0.0+build.1 " +
                          Digest::of(std::string_view("bytes-1")).to_string() +
                          " 7 component 2027-01-15T08:00:00Z\n";
  EXPECT_EQ(*entries,
            (std::vector<std::string>{
                "wreg/v1 publish" + app,
                "wreg/v1 publish wasi:io@0.2.0 " + Digest::of(std::string_view("io")).to_string() +
                    " 2 component 2027-01-15T08:00:00Z\n",
                "wreg/v1 yank" + app,
                "wreg/v1 unyank" + app,
            }));
  EXPECT_EQ(*store_->log_size(), 4u);
  EXPECT_EQ(*store_->log_entries(3, 100), (std::vector<std::string>{"wreg/v1 unyank" + app}));
  EXPECT_TRUE(store_->log_entries(4, 100)->empty());
  EXPECT_EQ(store_->release(pv("demo:app@1.0.0"))->log_index, std::optional<std::uint64_t>(0));
  EXPECT_EQ(store_->release(pv("wasi:io@0.2.0"))->log_index, std::optional<std::uint64_t>(1));
}

// One per size: the later note of a size (cosignatures added, or signed again after a key
// rotation) replaces the earlier.
TEST_P(MetadataStoreConformance, CheckpointsAreKeptOncePerSizeAndTheLargestIsLatest) {
  EXPECT_FALSE(*store_->latest_checkpoint());
  ASSERT_TRUE(store_->record_checkpoint(2, "two"));
  ASSERT_TRUE(store_->record_checkpoint(5, "five"));
  ASSERT_TRUE(store_->record_checkpoint(2, "two, cosigned"));
  EXPECT_EQ(*store_->latest_checkpoint(), std::optional<std::string>("five"));
  EXPECT_EQ(*store_->checkpoints(), (std::vector<std::string>{"two, cosigned", "five"}));
  ASSERT_TRUE(store_->record_checkpoint(5, "five, cosigned"));
  EXPECT_EQ(*store_->latest_checkpoint(), std::optional<std::string>("five, cosigned"));
}

// record_witnessed(), failing the test when the store failed: whether it recorded.
bool record_witnessed(MetadataStore& store, const std::string& origin, std::uint64_t size,
                      const std::string& note, const std::optional<std::string>& replacing) {
  auto recorded = store.record_witnessed(origin, size, note, replacing);
  EXPECT_TRUE(recorded) << recorded.error().message;
  return recorded && *recorded;
}

TEST_P(MetadataStoreConformance, AWitnessKeepsTheNewestCheckpointOfEachLog) {
  const std::optional<std::string> none;
  EXPECT_FALSE(*store_->witnessed_checkpoint("a.example/log"));
  EXPECT_TRUE(record_witnessed(*store_, "a.example/log", 3, "a at 3", none));
  EXPECT_TRUE(record_witnessed(*store_, "b.example/log", 1, "b at 1", none));
  EXPECT_TRUE(record_witnessed(*store_, "a.example/log", 7, "a at 7", "a at 3"));
  EXPECT_EQ(*store_->witnessed_checkpoint("a.example/log"), std::optional<std::string>("a at 7"));
  EXPECT_EQ(*store_->witnessed_checkpoint("b.example/log"), std::optional<std::string>("b at 1"));
  EXPECT_FALSE(*store_->witnessed_checkpoint("c.example/log"));
}

// What makes a witness safe on several replicas: a checkpoint checked against a kept one that
// another request has since replaced is not recorded.
TEST_P(MetadataStoreConformance, AWitnessedCheckpointReplacesOnlyTheOneItWasCheckedAgainst) {
  const std::optional<std::string> none;
  ASSERT_TRUE(record_witnessed(*store_, "a.example/log", 3, "a at 3", none));
  EXPECT_FALSE(record_witnessed(*store_, "a.example/log", 4, "a at 4, checked against none", none));
  ASSERT_TRUE(record_witnessed(*store_, "a.example/log", 7, "a at 7", "a at 3"));
  EXPECT_FALSE(
      record_witnessed(*store_, "a.example/log", 5, "a at 5, checked against 3", "a at 3"));
  EXPECT_FALSE(record_witnessed(*store_, "b.example/log", 2, "b at 2", "a at 7"))
      << "another log's note";
  EXPECT_EQ(*store_->witnessed_checkpoint("a.example/log"), std::optional<std::string>("a at 7"));
  EXPECT_FALSE(*store_->witnessed_checkpoint("b.example/log"));
}

TEST_P(MetadataStoreConformance, ConcurrentPublishesTakeDistinctIndexesWithoutGaps) {
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string id = "demo:p" + std::to_string(t) + "@1.0." + std::to_string(i);
        if (!store_->publish(component(id, id))) ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  ASSERT_EQ(*store_->log_size(), 40u);
  std::set<std::uint64_t> indexes;
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 10; ++i) {
      auto release =
          store_->release(pv("demo:p" + std::to_string(t) + "@1.0." + std::to_string(i)));
      ASSERT_TRUE(release && release->log_index);
      indexes.insert(*release->log_index);
      auto entry = store_->log_entries(*release->log_index, 1);
      ASSERT_TRUE(entry && entry->size() == 1);
      EXPECT_NE(entry->front().find(release->summary.digest.to_string()), std::string::npos);
    }
  }
  EXPECT_EQ(indexes.size(), 40u);
  EXPECT_EQ(*indexes.rbegin(), 39u);
}

}  // namespace
}  // namespace wreg::store
