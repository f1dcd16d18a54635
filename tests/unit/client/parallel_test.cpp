#include "client/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace wreg::client {
namespace {

TEST(ParallelForTest, RunsEveryIndexOnce) {
  for (std::size_t threads : {0, 1, 4, 100}) {
    std::vector<std::atomic<int>> hits(37);
    parallel_for(hits.size(), threads, [&](std::size_t i) { hits[i]++; });
    for (const auto& hit : hits) EXPECT_EQ(hit.load(), 1) << threads << " threads";
  }
}

TEST(ParallelForTest, NothingToDoCallsNothing) {
  std::atomic<int> calls{0};
  parallel_for(0, 4, [&](std::size_t) { calls++; });
  EXPECT_EQ(calls.load(), 0);
}

// Each call waits until all three are running at once, which happens only if the work really
// runs on three threads; the calling thread is one of them.
TEST(ParallelForTest, RunsOnAsManyThreadsAsAskedIncludingTheCaller) {
  constexpr std::size_t kThreads = 3;
  std::mutex mutex;
  std::condition_variable all_running;
  std::size_t running = 0;
  std::set<std::thread::id> ids;
  parallel_for(kThreads, kThreads, [&](std::size_t) {
    std::unique_lock lock(mutex);
    ids.insert(std::this_thread::get_id());
    ++running;
    all_running.notify_all();
    // Bounded, so that work run on fewer threads fails the test instead of hanging it.
    all_running.wait_for(lock, std::chrono::seconds(20), [&] { return running == kThreads; });
  });
  EXPECT_EQ(ids.size(), kThreads);
  EXPECT_TRUE(ids.contains(std::this_thread::get_id()));
}

TEST(ParallelForTest, OneThreadRunsInOrderOnTheCaller) {
  const auto caller = std::this_thread::get_id();
  std::vector<std::size_t> order;
  parallel_for(5, 1, [&](std::size_t i) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

}  // namespace
}  // namespace wreg::client
