// PostgresServer: a real PostgreSQL server of the test process's own, for the tests of the
// PostgreSQL metadata store.
//
// The constructor makes a cluster with initdb in a new TempDir and starts it with pg_ctl. The
// server listens on a Unix socket in that TempDir and never on TCP, so the servers of test
// processes that ctest runs at once never meet: all of them use port 5432, which then only names
// the socket file. Clients connect as the superuser `wreg` without a password (trust), through a
// socket folder that only the server's user (and root) may enter. The TempDir is always under
// /tmp, not $TMPDIR: a Unix socket's path is at most 107 bytes.
//
// The server is set up for tests: fsync and full_page_writes are off, which only a machine crash
// could notice. synchronous_commit stays on: with it off, a commit returns before its WAL leaves
// the server's memory, and kill_hard() would lose it. Everything the server writes stays in the
// TempDir, its dynamic shared memory too (mmap, not /dev/shm). The binaries are those in
// $WREG_POSTGRES_BINDIR when set, else in the newest /usr/lib/postgresql/<major>/bin that has
// initdb (Debian's layout; `pg_config --bindir` is libpq-dev's, whose version need not be an
// installed server's). psql is the one beside them, of the server's version.
//
// PostgreSQL refuses to run as root. When the test runs as root, initdb and pg_ctl run as
// `nobody` (setpriv(1)), which then owns the data and socket folders; otherwise they run as the
// test's user. psql runs as the test's user.
//
// Processes: pg_ctl leaves the postmaster behind as an orphan. The constructor makes the test
// process a child subreaper (prctl(2) PR_SET_CHILD_SUBREAPER, for the rest of its life), so the
// postmaster, and its children after a kill_hard(), become the test process's children and are
// reaped here, not left as zombies to an init that may never reap them (a container's). A
// watchdog process, in a session of its own and blocked reading a pipe that only the test process
// holds open, stops the server (pg_ctl stop -m immediate) if the test process dies without
// running the destructor: a crash, an abort, ctest's kill at a timeout. The TempDir is then left
// behind, as any TempDir of a crashed test is.
//
// Failures: a test that needs PostgreSQL must not pass without it, so when making, starting or
// stopping the server or creating a database fails, the test process aborts with what failed,
// the tail of the command's output and the tail of the server's log.
//
// Not copyable. Not thread-safe: one thread calls its methods. Clients on other threads may use
// the server meanwhile; stop() and kill_hard() break their connections.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/temp_dir.h"

namespace wreg::testing {

class PostgresServer {
 public:
  // Makes the cluster and starts the server; aborts (see above) when it cannot.
  PostgresServer();
  // Stops the server (fast, else immediate) and removes its TempDir (unless WREG_KEEP_TEMP).
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // The libpq URI of `database` on this server:
  // postgresql://wreg@/DATABASE?host=SOCKET_DIR&port=5432, the values percent-encoded. The same
  // across stop() and start().
  std::string url(std::string_view database) const;
  // The folder of its Unix socket: postgres_url() with it reaches the server.
  std::filesystem::path socket_dir() const;

  // CREATE DATABASE with a name new to this server (wreg_1, wreg_2, ...); its url().
  std::string create_database();

  // Runs `sql` with `psql -v ON_ERROR_STOP=1 -X -q` (unaligned, tuples only) on `url` and returns
  // what it printed, without its last newline. A failure (a connection, an SQL error) fails the
  // running test (ADD_FAILURE, with psql's message) and reads as "".
  std::string psql(std::string_view url, std::string_view sql);

  // pg_ctl stop -m fast: clients are disconnected, and the server checkpoints and exits;
  // -m immediate when that fails. Nothing when it is not running.
  void stop();
  // Starts the server again on the same data and socket, so url() is unchanged; after a
  // kill_hard(), PostgreSQL's crash recovery runs first. Nothing when it is running.
  void start();
  // SIGKILL to the postmaster and every process it started, as an OOM kill or a crash of the
  // server would leave them, and waits until they are gone. Committed transactions survive
  // (their WAL is in the kernel's page cache); start() recovers.
  void kill_hard();

  // The postmaster's process id; -1 when the server is not running.
  pid_t pid() const { return postmaster_; }
  // The server's log (its stderr, appended to across restarts), kept in the TempDir.
  std::filesystem::path log_file() const;

 private:
  std::filesystem::path data_dir() const;
  // `argv` as the server's user: behind setpriv when the test runs as root.
  std::vector<std::string> as_server_user(std::vector<std::string> argv) const;
  std::vector<std::string> psql_argv(std::string_view url, std::string_view sql) const;
  // Runs `argv` to completion, stdout and stderr to files in the TempDir; its exit status.
  int run(const std::vector<std::string>& argv);
  [[noreturn]] void fail_command(std::string_view what) const;
  void start_watchdog();
  void stop_watchdog();
  void remove_stale_segment() const;

  std::filesystem::path bindir_;  // found first: without PostgreSQL, no TempDir is made
  std::unique_ptr<TempDir> dir_;
  std::vector<std::string> server_user_;  // the setpriv prefix; empty when not root
  std::vector<std::string> environment_;  // of every process started here
  pid_t owner_ = -1;                      // the process that made this server
  pid_t postmaster_ = -1;
  pid_t watchdog_ = -1;
  int watchdog_pipe_ = -1;  // the pipe's write end; closing it wakes the watchdog
  int databases_ = 0;
};

// The server the tests of one process share: made on first use and stopped when the process
// exits. A function-local static, not a gtest Environment: a test binary (or a --gtest_filter)
// that runs no PostgreSQL test starts no server, test discovery does not start one, and no main()
// need register it. Tests on it each take a database of their own (create_database()); a test
// that stops or kills the server makes a PostgresServer of its own instead.
PostgresServer& shared_postgres_server();

// The libpq URI of `database` on the server whose socket is in `socket_dir`, as the superuser
// `wreg`, with libpq's `options` (e.g. "-c search_path=s1") when given; every value
// percent-encoded.
std::string postgres_url(const std::filesystem::path& socket_dir, std::string_view database,
                         std::string_view options = {});

}  // namespace wreg::testing
