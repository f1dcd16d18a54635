#include "tests/support/postgres_server.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "tests/support/fixtures.h"

namespace wreg::testing {

namespace {

// With no TCP listener, the port only names the socket file (.s.PGSQL.5432).
constexpr int kPort = 5432;
constexpr auto kExitWait = std::chrono::seconds(60);

[[noreturn]] void fail(const std::string& message) {
  std::cerr << "PostgresServer: " << message << "\n";
  std::abort();
}

std::string errno_text() { return std::strerror(errno); }

// The last `count` lines of the file at `path`, each indented; "  (empty)" when there are none.
std::string tail(const std::filesystem::path& path, int count = 30) {
  std::string text = file_bytes(path);
  std::size_t start = text.size();
  for (int lines = 0; start > 0 && lines <= count;) {
    if (text[--start] == '\n') ++lines;
  }
  if (start > 0) ++start;
  std::istringstream rest(text.substr(start));
  std::string out;
  for (std::string line; std::getline(rest, line);) out += "  " + line + "\n";
  return out.empty() ? "  (empty)\n" : out;
}

std::filesystem::path find_bindir() {
  if (const char* named = std::getenv("WREG_POSTGRES_BINDIR"); named != nullptr && *named) {
    if (::access((std::filesystem::path(named) / "initdb").c_str(), X_OK) != 0) {
      fail(std::string("WREG_POSTGRES_BINDIR is ") + named + ", which has no initdb");
    }
    return named;
  }
  std::filesystem::path newest;
  int newest_major = -1;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", error)) {
    const std::string name = entry.path().filename().string();
    int major = 0;
    auto [end, parsed] = std::from_chars(name.data(), name.data() + name.size(), major);
    if (parsed != std::errc{} || end != name.data() + name.size() || major <= newest_major) {
      continue;
    }
    if (::access((entry.path() / "bin" / "initdb").c_str(), X_OK) != 0) continue;
    newest = entry.path() / "bin";
    newest_major = major;
  }
  if (newest_major < 0) {
    fail(
        "no PostgreSQL server: no /usr/lib/postgresql/<major>/bin/initdb; install the postgresql "
        "package (deploy/install-deps.sh --test) or name the folder of initdb, pg_ctl, postgres "
        "and psql in WREG_POSTGRES_BINDIR");
  }
  return newest;
}

// RFC 3986: all but the unreserved characters as %XX, for a URI's path or query value.
std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
  }
  return out;
}

// A postgresql.conf string: in single quotes, each quote doubled.
std::string conf_string(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Spawns `argv` (argv[0] a full path) with `env` as its whole environment. Standard input is
// `input` when it is not -1, else /dev/null; stdout goes to `out` and stderr to `err`, or to
// `out` too when `err` is empty. With `new_session` the child is in a session of its own, out of
// reach of signals to the test's process group. -1, with errno set, when it cannot be spawned.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::filesystem::path& out, const std::filesystem::path& err, int input = -1,
            bool new_session = false) {
  std::vector<std::string> texts = argv;
  std::vector<char*> args;
  for (auto& arg : texts) args.push_back(arg.data());
  args.push_back(nullptr);
  std::vector<std::string> env_texts = env;
  std::vector<char*> envp;
  for (auto& entry : env_texts) envp.push_back(entry.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (input >= 0) {
    posix_spawn_file_actions_adddup2(&actions, input, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (err.empty()) {
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (new_session) posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) errno = rc;
  return rc == 0 ? pid : -1;
}

// The fields of /proc/PID/stat after the command name: state first, then the parent's id.
// "" when there is no such process.
std::string stat_fields(pid_t pid) {
  std::string stat = file_bytes("/proc/" + std::to_string(pid) + "/stat");
  std::size_t name_end = stat.rfind(')');
  return name_end == std::string::npos ? "" : stat.substr(name_end + 2);
}

// Whether `pid` is a process that has not exited. A zombie has: only its parent's wait is due.
bool running(pid_t pid) {
  std::string fields = stat_fields(pid);
  return !fields.empty() && fields[0] != 'Z';
}

// The processes whose parent is `parent`.
std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> children;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    pid_t pid = 0;
    auto [end, parsed] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (parsed != std::errc{} || end != name.data() + name.size()) continue;
    std::istringstream fields(stat_fields(pid));
    char state = 0;
    pid_t ppid = 0;
    if (fields >> state >> ppid && ppid == parent) children.push_back(pid);
  }
  return children;
}

// Waits (up to kExitWait) until `pid` has exited, and reaps it when it is this process's child,
// as the subreaper makes the postmaster and its orphans. False when it is still running.
bool await_exit(pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + kExitWait;
  for (;;) {
    int status = 0;
    pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) return true;
    if (reaped < 0 && errno == ECHILD && !running(pid)) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Waits (up to kExitWait) until `pid` is stopped by a signal; false when it is not by then.
bool await_stopped(pid_t pid) {
  auto deadline = std::chrono::steady_clock::now() + kExitWait;
  for (;;) {
    std::string fields = stat_fields(pid);
    if (!fields.empty() && fields[0] == 'T') return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// The postmaster's id, the first line of DATA/postmaster.pid; -1 when there is none.
pid_t read_postmaster_pid(const std::filesystem::path& data) {
  std::istringstream lines(file_bytes(data / "postmaster.pid"));
  pid_t pid = -1;
  return lines >> pid && pid > 0 ? pid : -1;
}

void make_dir(const std::filesystem::path& path) {
  if (::mkdir(path.c_str(), 0700) != 0) fail("cannot make " + path.string() + ": " + errno_text());
}

}  // namespace

PostgresServer::PostgresServer()
    : bindir_(find_bindir()), dir_(std::make_unique<TempDir>("/tmp")), owner_(::getpid()) {
  const std::string socket = (socket_dir() / (".s.PGSQL." + std::to_string(kPort))).string();
  if (socket.size() >= sizeof(sockaddr_un{}.sun_path)) {
    fail("the socket path " + socket + " is longer than a Unix socket's " +
         std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes");
  }
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    fail("prctl(PR_SET_CHILD_SUBREAPER): " + errno_text());
  }
  // HOME in the TempDir: no client or server reads or writes the real one.
  environment_ = {"PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=" + dir_->path().string()};

  make_dir(data_dir());
  make_dir(socket_dir());
  std::ofstream(log_file()).close();
  if (::geteuid() == 0) {
    const passwd* nobody = ::getpwnam("nobody");
    if (nobody == nullptr) {
      fail("running as root, and there is no user nobody to run PostgreSQL as");
    }
    if (::access("/usr/bin/setpriv", X_OK) != 0) {
      fail("running as root needs /usr/bin/setpriv (util-linux) to run PostgreSQL as nobody");
    }
    server_user_ = {"/usr/bin/setpriv", "--reuid=" + std::to_string(nobody->pw_uid),
                    "--regid=" + std::to_string(nobody->pw_gid), "--clear-groups"};
    // mkdtemp made the TempDir 0700; nobody must pass through it.
    if (::chmod(dir_->path().c_str(), 0755) != 0) {
      fail("chmod 0755 " + dir_->path().string() + ": " + errno_text());
    }
    for (const auto& path : {data_dir(), socket_dir(), log_file()}) {
      if (::chown(path.c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
        fail("chown " + path.string() + " to nobody: " + errno_text());
      }
    }
  }

  if (run(as_server_user({(bindir_ / "initdb").string(), "-D", data_dir().string(), "-U", "wreg",
                          "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"})) != 0) {
    fail_command("initdb");
  }
  // In postgresql.conf rather than pg_ctl -o: pg_ctl runs the postmaster through /bin/sh -c with
  // its options pasted into the command line.
  std::ofstream conf(data_dir() / "postgresql.conf", std::ios::app);
  conf << "\n# tests/support/postgres_server.cpp\n"
       << "listen_addresses = ''\n"
       << "port = " << kPort << "\n"
       << "unix_socket_directories = " << conf_string(socket_dir().string()) << "\n"
       << "unix_socket_permissions = 0700\n"
       << "dynamic_shared_memory_type = mmap\n"
       << "fsync = off\n"
       << "full_page_writes = off\n"
       << "timezone = 'UTC'\n";
  conf.close();
  if (!conf) fail("cannot write " + (data_dir() / "postgresql.conf").string());

  start_watchdog();
  start();
}

PostgresServer::~PostgresServer() {
  // A child forked from the test process (a death test's) leaves its parent's server and folder
  // alone.
  if (::getpid() != owner_) {
    // Not destroyed, so its folder stays; kept where LeakSanitizer still reaches it, so that the
    // child's exit is not reported as a leak.
    static TempDir* parents_folder = nullptr;
    parents_folder = dir_.release();
    static_cast<void>(parents_folder);
    return;
  }
  stop();
  remove_stale_segment();
  stop_watchdog();
}

std::string postgres_url(const std::filesystem::path& socket_dir, std::string_view database,
                         std::string_view options) {
  std::string url = "postgresql://wreg@/" + percent_encoded(database) +
                    "?host=" + percent_encoded(socket_dir.string()) +
                    "&port=" + std::to_string(kPort);
  if (!options.empty()) url += "&options=" + percent_encoded(options);
  return url;
}

std::string PostgresServer::url(std::string_view database) const {
  return postgres_url(socket_dir(), database);
}

std::string PostgresServer::create_database() {
  const std::string name = "wreg_" + std::to_string(++databases_);
  if (run(psql_argv(url("postgres"), "CREATE DATABASE " + name)) != 0) {
    fail_command("psql CREATE DATABASE " + name);
  }
  return url(name);
}

std::string PostgresServer::psql(std::string_view url, std::string_view sql) {
  int status = run(psql_argv(url, sql));
  if (status != 0) {
    ADD_FAILURE() << "psql failed (exit " << status << ") on " << url << " running " << sql << ":\n"
                  << file_bytes(dir_->path() / "command.err");
    return "";
  }
  std::string out = file_bytes(dir_->path() / "command.out");
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void PostgresServer::start() {
  if (postmaster_ > 0) return;
  if (run(as_server_user({(bindir_ / "pg_ctl").string(), "-D", data_dir().string(), "-l",
                          log_file().string(), "-w", "start"})) != 0) {
    fail_command("pg_ctl start");
  }
  postmaster_ = read_postmaster_pid(data_dir());
  if (postmaster_ < 0) fail_command("pg_ctl start (then reading postmaster.pid)");
}

void PostgresServer::stop() {
  if (postmaster_ < 0) return;
  auto pg_ctl_stop = [&](const char* mode) {
    return run(as_server_user(
        {(bindir_ / "pg_ctl").string(), "-D", data_dir().string(), "-m", mode, "-w", "stop"}));
  };
  if (pg_ctl_stop("fast") != 0 && pg_ctl_stop("immediate") != 0) {
    fail_command("pg_ctl stop (-m fast, then -m immediate)");
  }
  if (!await_exit(postmaster_)) fail_command("the postmaster's exit after pg_ctl stop");
  postmaster_ = -1;
}

void PostgresServer::kill_hard() {
  if (postmaster_ < 0) return;
  // Stopped, the postmaster starts no child while its children are listed.
  ::kill(postmaster_, SIGSTOP);
  if (!await_stopped(postmaster_)) fail_command("SIGSTOP to the postmaster");
  std::vector<pid_t> processes = children_of(postmaster_);
  processes.insert(processes.begin(), postmaster_);
  for (pid_t pid : processes) ::kill(pid, SIGKILL);
  // The postmaster first: when it is gone, its children are this process's to reap.
  for (pid_t pid : processes) {
    if (!await_exit(pid)) fail("process " + std::to_string(pid) + " outlived SIGKILL");
  }
  postmaster_ = -1;
}

std::filesystem::path PostgresServer::log_file() const { return dir_->path() / "server.log"; }

std::filesystem::path PostgresServer::data_dir() const { return dir_->path() / "data"; }

std::filesystem::path PostgresServer::socket_dir() const { return dir_->path() / "socket"; }

std::vector<std::string> PostgresServer::as_server_user(std::vector<std::string> argv) const {
  argv.insert(argv.begin(), server_user_.begin(), server_user_.end());
  return argv;
}

std::vector<std::string> PostgresServer::psql_argv(std::string_view url,
                                                   std::string_view sql) const {
  std::vector<std::string> argv = {(bindir_ / "psql").string(), "-v", "ON_ERROR_STOP=1", "-X",
                                   "-q"};
  // The rows as unaligned lines, without a header or a footer.
  argv.insert(argv.end(), {"-A", "-t", "-d", std::string(url), "-c", std::string(sql)});
  return argv;
}

int PostgresServer::run(const std::vector<std::string>& argv) {
  pid_t pid = spawn(argv, environment_, dir_->path() / "command.out", dir_->path() / "command.err");
  if (pid < 0) {
    fail("cannot run " + argv[0] + " with its output in " +
         (dir_->path() / "command.out").string() + ": " + errno_text());
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid for " + argv[0] + ": " + errno_text());
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void PostgresServer::fail_command(std::string_view what) const {
  fail(std::string(what) + " failed. Its output:\n" + tail(dir_->path() / "command.out") +
       "and its errors:\n" + tail(dir_->path() / "command.err") + "The server's log (" +
       log_file().string() + "):\n" + tail(log_file()));
}

// The watchdog is /bin/sh blocked reading the pipe; end of file, when every write end is closed,
// means the test process is gone. The script is constant: the command comes as its arguments.
void PostgresServer::start_watchdog() {
  int pipe[2];
  if (::pipe2(pipe, O_CLOEXEC) != 0) fail("pipe2: " + errno_text());
  std::vector<std::string> argv = {"/bin/sh", "-c", "read -r line; exec \"$@\"",
                                   "wreg-postgres-watchdog"};
  for (auto& arg : as_server_user({(bindir_ / "pg_ctl").string(), "-D", data_dir().string(), "-m",
                                   "immediate", "-w", "stop"})) {
    argv.push_back(std::move(arg));
  }
  watchdog_ = spawn(argv, environment_, dir_->path() / "watchdog.out", {}, pipe[0], true);
  ::close(pipe[0]);
  if (watchdog_ < 0) fail("cannot start the watchdog /bin/sh: " + errno_text());
  watchdog_pipe_ = pipe[1];
}

void PostgresServer::stop_watchdog() {
  if (watchdog_ < 0) return;
  ::kill(watchdog_, SIGKILL);
  int status = 0;
  while (::waitpid(watchdog_, &status, 0) < 0 && errno == EINTR) {
  }
  ::close(watchdog_pipe_);
  watchdog_ = -1;
  watchdog_pipe_ = -1;
}

// After a kill_hard() with no start() since: the killed postmaster's System V interlock segment,
// which the next postmaster would have removed and nothing else will. Its key and id are the
// seventh line of postmaster.pid; it is removed only while nothing is attached to it.
void PostgresServer::remove_stale_segment() const {
  std::istringstream lines(file_bytes(data_dir() / "postmaster.pid"));
  std::string line;
  for (int number = 1; number <= 7; ++number) {
    if (!std::getline(lines, line)) return;
  }
  key_t key = 0;
  int id = -1;
  if (!(std::istringstream(line) >> key >> id)) return;
  shmid_ds segment{};
  if (::shmctl(id, IPC_STAT, &segment) != 0) return;
  if (segment.shm_perm.__key == key && segment.shm_nattch == 0) ::shmctl(id, IPC_RMID, nullptr);
}

PostgresServer& shared_postgres_server() {
  static PostgresServer server;
  return server;
}

}  // namespace wreg::testing
