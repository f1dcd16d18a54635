#include "client/transport/connection_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace wreg::client::transport {
namespace {

using Reuse = ConnectionPool::Reuse;

// Real connections that are never connected: the pool only holds them.
class ConnectionPoolTest : public ::testing::Test {
 protected:
  ConnectionPool::Factory factory() {
    return [this] {
      ++made_;
      return std::make_unique<Connection>(settings_);
    };
  }

  ConnectionSettings settings_;
  std::atomic<int> made_{0};
};

TEST_F(ConnectionPoolTest, AWaitingCallerGetsTheConnectionReleasedAndNoMoreAreOpened) {
  ConnectionPool pool(2, factory());
  auto first = pool.acquire();
  auto second = pool.acquire();
  EXPECT_EQ(pool.open(), 2u);

  Connection* released = first.get();
  std::atomic<bool> done{false};
  std::unique_ptr<Connection> third;
  std::thread waiter([&] {
    third = pool.acquire();
    done = true;
  });
  // The third caller waits: the pool is at its bound. (Were it not, `done` would come first.)
  while (pool.waiting() == 0 && !done) std::this_thread::yield();
  EXPECT_FALSE(done);
  EXPECT_EQ(pool.waiting(), 1u);

  pool.release(std::move(first), Reuse::kKeep);
  waiter.join();
  EXPECT_EQ(third.get(), released);
  EXPECT_EQ(pool.open(), 2u);
  EXPECT_EQ(made_.load(), 2);
  pool.release(std::move(second), Reuse::kClose);
  pool.release(std::move(third), Reuse::kClose);
  EXPECT_EQ(pool.open(), 0u);
}

TEST_F(ConnectionPoolTest, AClosedConnectionFreesItsPlaceForANewOne) {
  ConnectionPool pool(1, factory());
  auto first = pool.acquire();
  pool.release(std::move(first), Reuse::kClose);
  EXPECT_EQ(pool.open(), 0u);
  EXPECT_EQ(pool.idle(), 0u);
  auto next = pool.acquire();
  EXPECT_EQ(made_.load(), 2);
  EXPECT_EQ(pool.open(), 1u);
  pool.release(std::move(next), Reuse::kClose);
}

TEST_F(ConnectionPoolTest, TheIdleConnectionReleasedLastIsTakenFirst) {
  ConnectionPool pool(3, factory());
  auto a = pool.acquire();
  auto b = pool.acquire();
  Connection* a_raw = a.get();
  Connection* b_raw = b.get();
  pool.release(std::move(a), Reuse::kKeep);
  pool.release(std::move(b), Reuse::kKeep);
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_EQ(pool.open(), 2u);
  auto first = pool.acquire();
  auto second = pool.acquire();
  EXPECT_EQ(first.get(), b_raw);
  EXPECT_EQ(second.get(), a_raw);
  EXPECT_EQ(made_.load(), 2);
  pool.release(std::move(first), Reuse::kClose);
  pool.release(std::move(second), Reuse::kClose);
}

TEST_F(ConnectionPoolTest, ABoundOfZeroIsOne) {
  ConnectionPool pool(0, factory());
  auto only = pool.acquire();
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    auto next = pool.acquire();
    done = true;
    pool.release(std::move(next), Reuse::kClose);
  });
  while (pool.waiting() == 0 && !done) std::this_thread::yield();
  EXPECT_FALSE(done);
  pool.release(std::move(only), Reuse::kClose);
  waiter.join();
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace wreg::client::transport
