// `wreg add` killed with SIGKILL at random moments, against the real wreg-server.
//
// The project starts with wasi:io 0.2.0 locked and fetched. The killed command is
// `wreg add wasi:cli@0.2.8`, which adds five packages and moves wasi:io to 0.2.8, so it writes six
// files in wit/deps/, wreg.lock and wreg.toml, and removes wit/deps/wasi-io-0.2.0.wasm.
//
// The contract checked (client/project.cpp, install()): every file is replaced by temp file and
// rename, so each is either its old bytes or its new bytes, never partial; and the files change in
// one order: the new wit/deps/ files, then wreg.lock, then wreg.toml, then the removal of the
// dependency files no longer locked. So a kill leaves a prefix of that order: a lock never names a
// dependency file that is not there, a new manifest never sits beside an old lock, and a stale
// dependency file is removed only after both are new. Running the same `wreg add` again completes
// the change. Leftover temp files (hidden `.NAME.tmp-*`) are allowed and counted.
//
// WREG_CLIENT_KILL_RUNS sets the number of kills (default 60); WREG_CLIENT_KILL_SEED the seed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/reliability/crash/publishing.h"

namespace wreg::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string wreg_binary() {
  const char* other = std::getenv("WREG_BINARY");
  return other && *other ? other : WREG_BINARY;
}

std::optional<std::string> slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text && *text ? std::strtoull(text, nullptr, 10) : fallback;
}

// A project folder's files that `wreg add` writes: relative path -> bytes.
using Snapshot = std::map<std::string, std::string>;

// Every regular file of the project, and the hidden temp files apart.
Snapshot snapshot(const fs::path& project, std::vector<std::string>* temps = nullptr) {
  Snapshot out;
  for (const auto& entry : fs::recursive_directory_iterator(project)) {
    if (!entry.is_regular_file()) continue;
    std::string relative = fs::relative(entry.path(), project).string();
    std::string name = entry.path().filename().string();
    if (name.starts_with(".") && name.find(".tmp-") != std::string::npos) {
      if (temps) temps->push_back(relative);
      continue;
    }
    out[relative] = slurp(entry.path()).value_or("<unreadable>");
  }
  return out;
}

// `wreg args...` in `cwd` with its own HOME / XDG dirs; returns its pid.
pid_t spawn_wreg(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& home,
                 const std::string& registry, const fs::path& errors = {}) {
  std::vector<std::string> argv_text{wreg_binary()};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<std::string> env_text{"HOME=" + home.string(),
                                    "XDG_CONFIG_HOME=" + (home / "config").string(),
                                    "XDG_CACHE_HOME=" + (home / "cache").string(),
                                    "WREG_REGISTRY=" + registry, "PATH=/usr/bin:/bin"};
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& entry : env_text) envp.push_back(entry.data());
    envp.push_back(nullptr);
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    int err = errors.empty()
                  ? null
                  : ::open(errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ::dup2(err < 0 ? null : err, 2);
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Watches a project folder and its wit/deps/ for the first file `wreg` creates there (its first
// temp file): the moment its writing starts, waited on with inotify rather than guessed.
class FirstWrite {
 public:
  explicit FirstWrite(const fs::path& project) : fd_(::inotify_init1(IN_CLOEXEC)) {
    for (const fs::path& dir : {project, project / "wit" / "deps"}) {
      ::inotify_add_watch(fd_, dir.c_str(), IN_CREATE | IN_MOVED_TO);
    }
  }
  ~FirstWrite() { ::close(fd_); }
  FirstWrite(const FirstWrite&) = delete;
  FirstWrite& operator=(const FirstWrite&) = delete;
  // True once a file was created, false when `limit` passed first.
  bool wait(std::chrono::milliseconds limit) {
    pollfd descriptor{fd_, POLLIN, 0};
    return ::poll(&descriptor, 1, static_cast<int>(limit.count())) == 1;
  }

 private:
  int fd_;
};

void copy_project(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

class ClientKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() / "data";
    std::string error;
    token_ = prepare_registry(data_, "wasi", error);
    ASSERT_FALSE(token_.empty()) << error;
    server_ = std::make_unique<ServerProcess>(data_);
    ASSERT_TRUE(server_->start()) << server_->log();
    registry_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void publish_fixture(const std::string& name, const std::string& version) {
    auto bytes = slurp(fs::path(WREG_TEST_FIXTURES) / "packages" /
                       ("wasi-" + name + "@" + version + ".wasm"));
    ASSERT_TRUE(bytes);
    auto response = publish(server_->port(), "wasi", name, version, token_, *bytes);
    ASSERT_EQ(response.status, 201) << response.body;
  }

  // Runs `wreg args...` to the end in `project` with a fresh cache.
  int run_wreg(const std::vector<std::string>& args, const fs::path& project,
               const fs::path& home) {
    return wait_exit(spawn_wreg(args, project, home, registry_));
  }

  TempDir dir_;
  fs::path data_;
  std::string token_;
  std::unique_ptr<ServerProcess> server_;
  std::string registry_;
};

TEST_F(ClientKillTest, KilledAddLeavesOldOrNewFilesInWriteOrder) {
  const fs::path work = dir_.path();
  const fs::path original = work / "original";
  fs::create_directories(original);
  publish_fixture("io", "0.2.0");
  ASSERT_EQ(run_wreg({"add", "wasi:io@0.2.0"}, original, work / "home-original"), 0);
  const Snapshot before = snapshot(original);
  ASSERT_TRUE(before.contains("wreg.lock"));
  ASSERT_TRUE(before.contains("wit/deps/wasi-io-0.2.0.wasm"));

  for (const char* name : {"io", "clocks", "random", "filesystem", "sockets", "cli"}) {
    publish_fixture(name, "0.2.8");
  }
  const std::vector<std::string> add{"add", "wasi:cli@0.2.8"};

  // The complete new state, how long the command takes and how long its writing takes (from its
  // first file to its exit; medians of three).
  std::vector<double> durations;
  std::vector<double> writing;
  Snapshot after;
  for (int i = 0; i < 3; ++i) {
    fs::path project = work / ("reference-" + std::to_string(i));
    copy_project(original, project);
    FirstWrite first_write(project);
    auto started = Clock::now();
    pid_t pid = spawn_wreg(add, project, work / ("home-reference-" + std::to_string(i)), registry_);
    ASSERT_TRUE(first_write.wait(std::chrono::seconds(30)));
    auto first = Clock::now();
    ASSERT_EQ(wait_exit(pid), 0);
    durations.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
    writing.push_back(std::chrono::duration<double, std::micro>(Clock::now() - first).count());
    after = snapshot(project);
  }
  std::sort(durations.begin(), durations.end());
  std::sort(writing.begin(), writing.end());
  const double window = durations[1];
  const double write_window = 1.2 * writing[1];
  ASSERT_FALSE(after.contains("wit/deps/wasi-io-0.2.0.wasm"));
  ASSERT_NE(after.at("wreg.lock"), before.at("wreg.lock"));
  ASSERT_NE(after.at("wreg.toml"), before.at("wreg.toml"));
  std::set<std::string> new_deps;
  for (const auto& [path, bytes] : after) {
    if (path.starts_with("wit/deps/") && !before.contains(path)) new_deps.insert(path);
  }
  ASSERT_EQ(new_deps.size(), 6u);

  const std::uint64_t runs = env_number("WREG_CLIENT_KILL_RUNS", 60);
  const std::uint64_t seed = env_number("WREG_CLIENT_KILL_SEED", std::random_device{}());
  std::cout << "client kill: seed " << seed << " (WREG_CLIENT_KILL_SEED), " << runs
            << " runs; a quarter of the kills spread over 0-" << static_cast<long>(window)
            << " us from the start, the rest over 0-" << static_cast<long>(write_window)
            << " us from the first file written" << std::endl;
  std::mt19937_64 random(seed);

  // How many kills left each state (named by how far the write order got), and temp files.
  std::map<std::string, int> states;
  int leftover_temps = 0;
  const fs::path project = work / "project";
  const fs::path home = work / "home";
  for (std::uint64_t run = 0; run < runs; ++run) {
    SCOPED_TRACE("run " + std::to_string(run) + ", seed " + std::to_string(seed));
    copy_project(original, project);
    // A cold cache half the time, so that kills also land during downloads.
    if (random() % 2 == 0) fs::remove_all(home / "cache");
    const bool from_first_write = random() % 4 != 0;
    auto delay = std::chrono::microseconds(
        random() % static_cast<std::uint64_t>((from_first_write ? write_window : window) + 1));
    FirstWrite first_write(project);
    pid_t pid = spawn_wreg(add, project, home, registry_);
    ASSERT_GT(pid, 0);
    if (from_first_write) first_write.wait(std::chrono::seconds(30));
    std::this_thread::sleep_for(delay);  // a random kill moment, not synchronisation
    ::kill(pid, SIGKILL);
    int exit_status = wait_exit(pid);

    std::vector<std::string> temps;
    Snapshot now = snapshot(project, &temps);
    leftover_temps += static_cast<int>(temps.size());
    // Each file is its old bytes or its new bytes.
    std::size_t deps_written = 0;
    for (const auto& [path, bytes] : now) {
      bool is_old = before.contains(path) && before.at(path) == bytes;
      bool is_new = after.contains(path) && after.at(path) == bytes;
      ASSERT_TRUE(is_old || is_new)
          << path << " is neither its old nor its new content (" << bytes.size() << " bytes)";
      if (new_deps.contains(path)) ++deps_written;
    }
    const bool lock_new = now.at("wreg.lock") == after.at("wreg.lock");
    const bool manifest_new = now.at("wreg.toml") == after.at("wreg.toml");
    const bool stale_removed = !now.contains("wit/deps/wasi-io-0.2.0.wasm");
    // The write order: deps, lock, manifest, removals.
    if (lock_new) {
      EXPECT_EQ(deps_written, new_deps.size()) << "wreg.lock is new but wit/deps/ is not complete";
    }
    if (manifest_new) {
      EXPECT_TRUE(lock_new) << "wreg.toml is new but wreg.lock is old";
    }
    if (stale_removed) {
      EXPECT_TRUE(manifest_new) << "wasi-io-0.2.0.wasm removed before wreg.toml was written";
    }
    if (exit_status == 0) {
      EXPECT_EQ(now, after) << "exited 0 but the new state is incomplete";
    }
    std::string state = exit_status == 0   ? "finished before the kill"
                        : stale_removed    ? "all files new (killed at the end)"
                        : manifest_new     ? "lock and manifest new, stale dep not removed"
                        : lock_new         ? "deps and lock new, manifest old"
                        : deps_written > 0 ? "some new deps written, lock and manifest old"
                                           : "nothing changed";
    ++states[state];

    // The same command again completes the change.
    const fs::path errors = work / "rerun-stderr";
    ASSERT_EQ(wait_exit(spawn_wreg(add, project, home, registry_, errors)), 0)
        << "re-running wreg add after the kill (state: " << state
        << ") failed: " << slurp(errors).value_or("");
    std::vector<std::string> temps_after;
    EXPECT_EQ(snapshot(project, &temps_after), after) << "re-running wreg add did not converge";
    if (::testing::Test::HasFailure()) break;
  }
  std::cout << "client kill: " << runs << " runs of `wreg add wasi:cli@0.2.8` killed:\n";
  for (const auto& [state, count] : states) std::cout << "  " << count << "  " << state << "\n";
  std::cout << "  leftover hidden temp files: " << leftover_temps << std::endl;
  EXPECT_GT(states.size(), 1u) << "every kill landed in the same state: the window is wrong";
}

}  // namespace
}  // namespace wreg::testing
