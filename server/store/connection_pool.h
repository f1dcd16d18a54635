// ConnectionPool: a fixed set of database connections, lent to one caller at a time, shared by
// SqliteDatabase and PostgresDatabase.
//
// A read borrows any idle connection (blocking while all are busy), so reads run in parallel.
// A write transaction first takes the pool's write mutex, then a connection: writes in this
// process run one at a time, and a waiting writer holds no connection that readers could use.
//
// Threading: every method is safe to call from any thread. Every lease must end before the pool
// is destroyed.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace wreg::store {

template <typename Connection>
class ConnectionPool {
 public:
  // A connection borrowed from the pool, returned when the lease ends.
  class Lease {
   public:
    Lease(ConnectionPool& pool, Connection* connection) : pool_(&pool), connection_(connection) {}
    ~Lease() {
      if (connection_ != nullptr) pool_->give_back(connection_);
    }
    Lease(Lease&& other) noexcept
        : pool_(other.pool_), connection_(std::exchange(other.connection_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_; }

   private:
    ConnectionPool* pool_;
    Connection* connection_;
  };

  // A connection and the write mutex, held together for one write transaction.
  class WriteLease {
   public:
    WriteLease(std::unique_lock<std::mutex> write, Lease lease)
        : write_(std::move(write)), lease_(std::move(lease)) {}
    Connection& operator*() const { return *lease_; }
    Connection* operator->() const { return &*lease_; }

   private:
    std::unique_lock<std::mutex> write_;  // taken before the connection, released after it
    Lease lease_;
  };

  ConnectionPool() = default;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Adds a connection; only while the pool is being filled, before the first acquire().
  void add(std::unique_ptr<Connection> connection) {
    idle_.push_back(connection.get());
    all_.push_back(std::move(connection));
  }
  std::size_t size() const { return all_.size(); }

  // Borrows a connection for reading (blocks while all are busy).
  Lease acquire() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !idle_.empty(); });
    Connection* connection = idle_.back();
    idle_.pop_back();
    return Lease(*this, connection);
  }
  // Takes the write mutex, then borrows a connection: for every transaction that writes.
  WriteLease acquire_for_write() {
    std::unique_lock write(write_mutex_);
    return WriteLease(std::move(write), acquire());
  }

 private:
  void give_back(Connection* connection) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(connection);
    }
    ready_.notify_one();
  }

  std::mutex mutex_;                              // guards idle_
  std::condition_variable ready_;                 // signalled when a lease ends
  std::vector<Connection*> idle_;                 // guarded by mutex_
  std::vector<std::unique_ptr<Connection>> all_;  // owned; fixed once filled
  std::mutex write_mutex_;                        // held for every write transaction
};

}  // namespace wreg::store
