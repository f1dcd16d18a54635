#include "server/store/postgres_change_feed.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>

#include "common/package_name.h"
#include "server/store/postgres_connection.h"

namespace wreg::store {

namespace {

// A connection that LISTENs on the channel; null, with the reason logged, when there is none.
std::unique_ptr<pg::Connection> listen_on(const std::string& conninfo, const LogSink& log) {
  auto connection = pg::Connection::open(conninfo, log);
  if (!connection) return nullptr;
  if (!(*connection)->exec(std::string("LISTEN ") + kPackageChangedChannel, "listen for changes")) {
    return nullptr;
  }
  return std::move(*connection);
}

int milliseconds_until(std::chrono::steady_clock::time_point when) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      when - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

}  // namespace

PostgresChangeFeed::PostgresChangeFeed(std::string conninfo, MetadataStore& store,
                                       ChangeFeedOptions options)
    : conninfo_(std::move(conninfo)), store_(store), options_(std::move(options)) {}

Result<std::unique_ptr<PostgresChangeFeed>> PostgresChangeFeed::start(const std::string& conninfo,
                                                                      MetadataStore& store,
                                                                      ChangeFeedOptions options) {
  if (!options.log) options.log = stderr_log_sink();
  std::unique_ptr<PostgresChangeFeed> feed(
      new PostgresChangeFeed(conninfo, store, std::move(options)));
  feed->connection_ = listen_on(conninfo, feed->options_.log);
  if (feed->connection_ == nullptr) {
    return fail(ErrorCode::kUnavailable, pg::kDatabaseUnreachable);
  }
  if (::pipe2(feed->wake_, O_CLOEXEC) != 0) {
    return fail(ErrorCode::kIo, "cannot make the change feed's pipe");
  }
  feed->thread_ = std::thread([raw = feed.get()] { raw->run(); });
  return feed;
}

PostgresChangeFeed::~PostgresChangeFeed() {
  if (thread_.joinable()) {
    const char stop = 's';
    while (::write(wake_[1], &stop, 1) < 0 && errno == EINTR) {
    }
    thread_.join();
  }
  for (const int fd : wake_) {
    if (fd >= 0) ::close(fd);
  }
}

void PostgresChangeFeed::run() {
  using Clock = std::chrono::steady_clock;
  auto next_recheck = Clock::now() + options_.recheck;
  auto next_retry = Clock::now();
  for (;;) {
    const bool connected = connection_ != nullptr;
    pollfd fds[2] = {{wake_[0], POLLIN, 0},
                     {connected ? PQsocket(connection_->handle()) : -1, POLLIN, 0}};
    const int wait =
        milliseconds_until(connected ? next_recheck : std::min(next_recheck, next_retry));
    if (::poll(fds, connected ? 2 : 1, wait) < 0 && errno != EINTR) return;
    if (fds[0].revents != 0) return;  // the destructor
    // Every `recheck`, connected or not: the bound on a lost notification.
    if (Clock::now() >= next_recheck) {
      store_.anything_changed_elsewhere();
      next_recheck = Clock::now() + options_.recheck;
    }
    if (!connected) {
      if (Clock::now() < next_retry) continue;
      next_retry = Clock::now() + options_.retry;
      connection_ = listen_on(conninfo_, options_.log);
      if (connection_ != nullptr) {
        options_.log("postgresql change feed: listening again");
        // What was sent while nobody listened is lost: everything is checked again.
        store_.anything_changed_elsewhere();
      }
      continue;
    }
    if (fds[1].revents == 0) continue;
    pg_conn* handle = connection_->handle();
    if (PQconsumeInput(handle) == 0 || PQstatus(handle) != CONNECTION_OK) {
      options_.log("postgresql change feed: the connection broke (" +
                   pg::one_line(PQerrorMessage(handle)) +
                   "); documents are checked again until it listens again");
      connection_.reset();
      store_.anything_changed_elsewhere();
      next_retry = Clock::now() + options_.retry;
      continue;
    }
    while (PGnotify* notice = PQnotifies(handle)) {
      heard_.fetch_add(1, std::memory_order_relaxed);
      if (auto name = PackageName::parse(notice->extra)) {
        store_.changed_elsewhere(*name);
      } else {
        store_.anything_changed_elsewhere();
      }
      PQfreemem(notice);
    }
  }
}

}  // namespace wreg::store
