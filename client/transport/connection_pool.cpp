#include "client/transport/connection_pool.h"

#include <algorithm>

namespace wreg::client::transport {

ConnectionPool::ConnectionPool(std::size_t max_connections, Factory make)
    : max_connections_(std::max<std::size_t>(1, max_connections)), make_(std::move(make)) {}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<Connection> ConnectionPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    ++waiting_;
    released_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    --waiting_;
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;
  }
  return make_();
}

void ConnectionPool::release(std::unique_ptr<Connection> connection, Reuse reuse) {
  {
    std::lock_guard lock(mutex_);
    if (reuse == Reuse::kKeep) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  // A closed connection's socket is closed here, outside the lock.
  connection.reset();
  released_.notify_one();
}

std::size_t ConnectionPool::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t ConnectionPool::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace wreg::client::transport
