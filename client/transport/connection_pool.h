// ConnectionPool: the connections to one registry, at most max_connections at once, and the
// idle ones kept alive for the next request.
//
// A caller takes a connection with acquire(), uses it alone, and hands it back with release():
// to be kept (it is connected and has no answer left unread) or closed. While max_connections
// are taken or being opened, acquire() waits for a release, which bounds how many downloads run
// at once however many threads ask. The pool starts no threads and does no I/O: a new
// connection comes unconnected from the factory, and closing one is destroying it.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "client/transport/connection.h"

namespace wreg::client::transport {

class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<Connection>()>;
  enum class Reuse { kKeep, kClose };

  // `max_connections` below 1 is taken as 1. `make` is called under no lock.
  ConnectionPool(std::size_t max_connections, Factory make);
  // Closes the idle connections; every taken one must have been released.
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // The connection released last with kKeep, else a new one (not connected yet); waits while
  // max_connections are taken.
  std::unique_ptr<Connection> acquire();
  // Hands back what acquire() gave: kKeep for the next acquire(), kClose to close it.
  void release(std::unique_ptr<Connection> connection, Reuse reuse);

  // For tests: connections open or being opened (idle and taken), idle ones, and callers of
  // acquire() waiting for one.
  std::size_t open() const;
  std::size_t idle() const;
  std::size_t waiting() const;

 private:
  const std::size_t max_connections_;
  const Factory make_;

  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;                           // guarded by mutex_: idle and taken
  std::size_t waiting_ = 0;                        // guarded by mutex_
};

}  // namespace wreg::client::transport
