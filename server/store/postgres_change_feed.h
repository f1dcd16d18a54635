// PostgresChangeFeed: how a replica hears of the package changes the other replicas commit, so
// that its document cache (server/api/document_cache.h) never serves a document another replica
// has changed for longer than a stated bound.
//
// Every publish, yank and unyank on PostgreSQL queues `NOTIFY wreg_package_changed, 'ns:name'`
// in its transaction (postgres_stores.cpp), which PostgreSQL delivers to every listening session
// when, and only if, the transaction commits. The feed holds one connection of its own that
// LISTENs, and a thread that tells the store's listeners of each name it hears
// (MetadataStore::changed_elsewhere), so a publish on one replica is seen on the others at once.
//
// Notifications are delivered to a live session; those sent while the feed's connection is down
// are lost. So: when the connection breaks, the feed tells the listeners that anything may have
// changed, reconnects (every `retry` until it succeeds), and tells them again once it listens;
// and every `recheck` it tells them anyway, so that even a notification lost in a way nobody
// noticed (a half-open TCP connection) makes a document stale for at most `recheck`. A document
// cache then revalidates each package's ETag once (one indexed query) before serving it again.
//
// Threading: the feed runs one thread of its own; its constructor and destructor are called from
// one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/result.h"
#include "server/store/log_sink.h"
#include "server/store/metadata_store.h"

namespace wreg::store {

namespace pg {
class Connection;  // postgres_connection.h
}

// The channel of the notifications (postgres_stores.cpp sends, the feed listens).
inline constexpr const char* kPackageChangedChannel = "wreg_package_changed";

struct ChangeFeedOptions {
  // The bound on how long a lost notification may leave a document stale.
  std::chrono::milliseconds recheck{2000};
  // How often a broken connection is tried again.
  std::chrono::milliseconds retry{500};
  LogSink log;  // stderr_log_sink() when empty
};

class PostgresChangeFeed {
 public:
  // Starts listening on `conninfo` for `store`, which must outlive the feed. kUnavailable when
  // PostgreSQL cannot be reached now (the server is starting: it must not serve without the
  // feed).
  static Result<std::unique_ptr<PostgresChangeFeed>> start(const std::string& conninfo,
                                                           MetadataStore& store,
                                                           ChangeFeedOptions options = {});
  // Stops the thread and closes the connection.
  ~PostgresChangeFeed();
  PostgresChangeFeed(const PostgresChangeFeed&) = delete;
  PostgresChangeFeed& operator=(const PostgresChangeFeed&) = delete;

  // How many notifications it heard (tests read it).
  std::uint64_t heard() const { return heard_.load(std::memory_order_relaxed); }

 private:
  PostgresChangeFeed(std::string conninfo, MetadataStore& store, ChangeFeedOptions options);
  void run();

  const std::string conninfo_;
  MetadataStore& store_;
  const ChangeFeedOptions options_;
  int wake_[2] = {-1, -1};  // a pipe: the destructor writes to stop the thread
  std::atomic<std::uint64_t> heard_{0};
  std::unique_ptr<pg::Connection> connection_;  // the LISTENing one; null while there is none
  std::thread thread_;
};

}  // namespace wreg::store
