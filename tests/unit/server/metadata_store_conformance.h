// The behaviour every MetadataStore and TokenStore must show (server/store/metadata_store.h), as
// one parameterised suite. An engine's test file instantiates it with a factory that opens a
// fresh, empty pair of stores on one database:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, MetadataStoreConformance,
//                            ::testing::Values(StoreFactory{"sqlite", open_sqlite}),
//                            engine_name);
//
// What only one engine has (SQLite's migrations, pool, pragmas, backup, integrity check, corrupt
// rows written behind its back) is tested in that engine's own test file.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "server/store/log_sink.h"
#include "server/store/metadata_store.h"

namespace wreg::store {

// What the suite asks of the stores it opens.
struct StoreSetup {
  // The clock for `published` and `created` times.
  std::function<std::chrono::system_clock::time_point()> now;
  LogSink log;
};

// A fresh, empty MetadataStore and TokenStore on one database, kept for one test.
class StoresUnderTest {
 public:
  virtual ~StoresUnderTest() = default;
  virtual MetadataStore& metadata() = 0;
  virtual TokenStore& tokens() = 0;
};

struct StoreFactory {
  std::string name;  // the engine, in test names: `Sqlite/MetadataStoreConformance.X/sqlite`
  // Opens the stores, or fails the test (with ADD_FAILURE) and returns null.
  std::function<std::unique_ptr<StoresUnderTest>(const StoreSetup&)> open;
};

inline void PrintTo(const StoreFactory& factory, std::ostream* out) { *out << factory.name; }
inline std::string engine_name(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

// Each test starts with the namespaces `demo` and `wasi` and an empty log.
class MetadataStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override;

  // The packages the search tests look through (see the .cpp).
  void publish_search_packages();

  // Lines the stores logged since SetUp.
  std::vector<std::string> log_lines();

  // The stores' clock, in seconds since the epoch; tests move it on.
  std::atomic<std::int64_t> now_seconds_{1'800'000'000};
  std::unique_ptr<StoresUnderTest> stores_;
  MetadataStore* store_ = nullptr;
  TokenStore* tokens_ = nullptr;

 private:
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

}  // namespace wreg::store
