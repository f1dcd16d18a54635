#include "tests/cli/cli_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace wreg::cli_test {
namespace {

int exit_status_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

// fork + exec with everything prepared before the fork, so the child only calls
// async-signal-safe functions.
pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::vector<std::string>& env, const std::filesystem::path& cwd,
            const std::filesystem::path& in, const std::filesystem::path& out,
            const std::filesystem::path& err) {
  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_text) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text = env;
  std::vector<char*> envp;
  for (auto& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string cwd_text = cwd.string();
  std::string in_text = in.string();
  std::string out_text = out.string();
  std::string err_text = err.string();

  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int in_fd = ::open(in_text.c_str(), O_RDONLY);
  int out_fd = ::open(out_text.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int err_fd = ::open(err_text.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0 || ::chdir(cwd_text.c_str()) != 0) ::_exit(127);
  ::dup2(in_fd, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  ::execve(argv[0], argv.data(), envp.data());
  ::_exit(127);
}

}  // namespace

TempDir::TempDir(const std::string& label) {
  static std::atomic<unsigned> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          (label + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

RunResult run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const std::filesystem::path& cwd,
              const std::string& input) {
  TempDir io("wreg-cli-io");
  write_bytes(io.path() / "in", input);
  std::vector<std::string> env_list;
  const char* path = std::getenv("PATH");
  env_list.push_back(std::string("PATH=") + (path ? path : "/usr/bin:/bin"));
  for (const auto& [key, value] : env) env_list.push_back(key + "=" + value);
  RunResult result;
  pid_t pid =
      spawn(program, args, env_list, cwd, io.path() / "in", io.path() / "out", io.path() / "err");
  if (pid < 0) return result;
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.status = exit_status_of(status);
  result.out = read_bytes(io.path() / "out");
  result.err = read_bytes(io.path() / "err");
  return result;
}

Server::Server(std::filesystem::path data) : data_(std::move(data)) {}

Server::~Server() { stop(); }

bool Server::start() {
  auto port_file = run_dir_.path() / "port";
  std::filesystem::remove(port_file);
  std::vector<std::string> env;
  pid_ = spawn(WREG_SERVER_BINARY,
               {"serve", "--data", data_.string(), "--listen", "127.0.0.1:0", "--port-file",
                port_file.string()},
               env, run_dir_.path(), "/dev/null", run_dir_.path() / "stdout",
               run_dir_.path() / "stderr");
  if (pid_ < 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_bytes(port_file);
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

void Server::stop() {
  if (pid_ < 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

std::string Server::log() const { return read_bytes(run_dir_.path() / "stderr"); }

}  // namespace wreg::cli_test
