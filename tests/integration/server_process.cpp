#include "tests/integration/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/file_descriptor.h"
#include "tests/support/test_database.h"
#include "tests/unit/wasm/wasm_builder.h"

extern char** environ;

namespace wreg::testing {

namespace {

// Spawns the binary with stdout and stderr redirected to files; standard input from `in` when
// given, the working folder `cwd` when given, and `env` as the whole environment when given.
pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::filesystem::path& out, const std::filesystem::path& err,
            const std::filesystem::path& in = {}, const std::filesystem::path& cwd = {},
            const std::vector<std::string>* env = nullptr) {
  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = env ? *env : std::vector<std::string>{};
  std::vector<char*> envp;
  for (auto& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!in.empty()) posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), env ? envp.data() : environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

int exit_status_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// SIGTERM to `pid`, then waits for its exit and sets `pid` to -1. Its exit status, -1 when it
// died by a signal or was not running.
int stop_process(pid_t& pid) {
  if (pid < 0) return -1;
  ::kill(pid, SIGTERM);
  int status = 0;
  // A graceful stop is quick; a server that hangs is killed so the test run ends.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid = -1;
  return exit_status_of(status);
}

}  // namespace

std::string with_custom_section(const std::string& wasm, const std::string& tag,
                                const std::string& name) {
  return wasm::testing::with_custom_section(wasm, name, tag);
}

std::string create_token(const std::filesystem::path& data, const std::vector<std::string>& scope) {
  std::vector<std::string> args{"token", "create", "--data", data.string()};
  args.insert(args.end(), scope.begin(), scope.end());
  auto created = run_server_command(args);
  if (created.exit_status != 0) return "";
  std::string token = created.out.substr(0, created.out.find('\n'));
  while (!token.empty() && (token.back() == ' ' || token.back() == '\r')) token.pop_back();
  return token;
}

std::string server_binary() {
  // WREG_SERVER_BINARY in the environment runs the tests against another build or an
  // installed binary.
  const char* other = std::getenv("WREG_SERVER_BINARY");
  return other && *other ? other : WREG_SERVER_BINARY;
}

CommandResult run_command(const std::string& program, const std::vector<std::string>& args) {
  return run_command(program, args, RunOptions{});
}

CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const RunOptions& options) {
  TempDir dir;
  CommandResult result;
  {
    std::ofstream in(dir.path() / "in", std::ios::binary);
    in << options.input;
  }
  std::vector<std::string> env;
  if (options.env) {
    const char* path = std::getenv("PATH");
    env.push_back(std::string("PATH=") + (path ? path : "/usr/bin:/bin"));
    for (const auto& [key, value] : *options.env) env.push_back(key + "=" + value);
  }
  // A wreg-server command on a data dir runs on that dir's database (test_database.h).
  const std::vector<std::string> command =
      program == server_binary() ? with_test_database(args) : args;
  pid_t pid = spawn(program, command, dir.path() / "out", dir.path() / "err", dir.path() / "in",
                    options.cwd, options.env ? &env : nullptr);
  if (pid < 0) return result;
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_status = exit_status_of(status);
  result.out = file_bytes(dir.path() / "out");
  result.err = file_bytes(dir.path() / "err");
  return result;
}

CommandResult run_server_command(const std::vector<std::string>& args) {
  return run_command(server_binary(), args);
}

ServerProcess::ServerProcess(std::filesystem::path data, std::vector<std::string> extra_args)
    : data_(std::move(data)), extra_args_(std::move(extra_args)) {}

ServerProcess::~ServerProcess() { stop(); }

bool ServerProcess::start() {
  auto port_file = run_dir_.path() / "port";
  std::filesystem::remove(port_file);
  std::vector<std::string> args{"serve",       "--data",      data_.string(),    "--listen",
                                "127.0.0.1:0", "--port-file", port_file.string()};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  pid_ = spawn(server_binary(), with_test_database(std::move(args)), run_dir_.path() / "stdout",
               run_dir_.path() / "stderr");
  if (pid_ < 0) return false;
  // Bounded wait for the port file, checking that the server is still alive.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = file_bytes(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

int ServerProcess::stop() { return stop_process(pid_); }

void ServerProcess::kill_hard() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::log() const { return file_bytes(run_dir_.path() / "stderr"); }

SuiteServer::SuiteServer(std::vector<std::string> extra_args)
    : server_(dir_ / "data", std::move(extra_args)) {}

bool SuiteServer::start(const std::vector<std::string>& namespaces) {
  for (const std::string& ns : namespaces) {
    auto created = run_server_command({"namespace", "create", "--data", data_dir().string(), ns});
    if (created.exit_status != 0) {
      error_ = "cannot create namespace " + ns + ": " + created.err;
      return false;
    }
  }
  if (!server_.start()) {
    error_ = "wreg-server did not start:\n" + server_.log();
    return false;
  }
  return true;
}

PeerProcess::PeerProcess(std::string program, std::vector<std::string> args)
    : program_(std::move(program)), args_(std::move(args)) {}

PeerProcess::~PeerProcess() { stop(); }

bool PeerProcess::start() {
  pid_ = spawn(program_, args_, run_dir_.path() / "stdout", run_dir_.path() / "stderr");
  return pid_ >= 0;
}

int PeerProcess::stop() { return stop_process(pid_); }

std::string PeerProcess::log() const {
  return file_bytes(run_dir_.path() / "stdout") + file_bytes(run_dir_.path() / "stderr");
}

std::uint16_t free_port() {
  FileDescriptor fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd.get() < 0 || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return 0;
  }
  return ntohs(address.sin_port);
}

}  // namespace wreg::testing
