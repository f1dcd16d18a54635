// Drives the real binaries for the CLI integration tests: a wreg-server on 127.0.0.1 port 0
// with a temp data dir, and wreg runs with their own HOME / XDG dirs, working folder and
// standard input. No fixed ports, no sleeps but the bounded poll of the server's port file.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wreg::cli_test {

struct RunResult {
  int status = -1;  // exit status; -1 when killed by a signal or not started
  std::string out;
  std::string err;
};

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& label = "wreg-cli");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `program args...` in `cwd` with exactly `env` as its environment (plus PATH), feeding it
// `input` on standard input; captures standard output and error.
RunResult run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const std::filesystem::path& cwd,
              const std::string& input = "");

std::string read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

// wreg-server serve on 127.0.0.1:0; stop() or the destructor sends SIGTERM and waits.
class Server {
 public:
  explicit Server(std::filesystem::path data);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Starts it and waits (bounded) for the port file. False when it exits or never listens.
  bool start();
  void stop();
  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;

 private:
  std::filesystem::path data_;
  TempDir run_dir_{"wreg-cli-server"};
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace wreg::cli_test
