// Starts the real wreg-server binary for a test, and runs its admin commands.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/fixtures.h"
#include "tests/support/temp_dir.h"

namespace wreg::testing {

// The built binary (CMake passes $<TARGET_FILE:wreg-server>).
std::string server_binary();

struct CommandResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

// Runs `program args...` to completion, capturing stdout and stderr.
CommandResult run_command(const std::string& program, const std::vector<std::string>& args);
// How run_command() below starts a program.
struct RunOptions {
  // The whole environment (plus PATH) when set; the test's own environment otherwise.
  std::optional<std::map<std::string, std::string>> env;
  std::filesystem::path cwd;  // the working folder; empty: the test's own
  std::string input;          // standard input
};
CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                          const RunOptions& options);
// run_command() of the wreg-server binary.
CommandResult run_server_command(const std::vector<std::string>& args);

// `wasm` (a component or WIT package) with a custom section `name` holding `tag` appended:
// still valid, and different bytes (so a different digest) for each tag. With a metadata
// section's name ("description"), `tag` is what the binary says there.
std::string with_custom_section(const std::string& wasm, const std::string& tag,
                                const std::string& name = "wreg-test");

// `wreg-server token create --data DATA scope...` (e.g. {"--namespace", "wasi"}): the printed
// token, or "" when the command failed.
std::string create_token(const std::filesystem::path& data, const std::vector<std::string>& scope);

// `wreg-server serve --data DATA --listen 127.0.0.1:0 --port-file F extra...`, started by the
// constructor; start() waits (bounded) for the port file. The destructor stops it with SIGTERM.
class ServerProcess {
 public:
  ServerProcess(std::filesystem::path data, std::vector<std::string> extra_args = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits up to 20 s for it to listen. False (with the server's stderr in
  // `log()`) when it exits or does not listen in time.
  bool start();
  std::uint16_t port() const { return port_; }
  // SIGTERM, then waits for the exit. Returns the exit status (-1 if it died by a signal).
  int stop();
  // What the server wrote to stderr so far (access log and messages).
  std::string log() const;
  // The running server's process id, -1 when it is not running.
  pid_t pid() const { return pid_; }
  // SIGKILL, then reaps it: a crash, for the crash and fault tests. The data dir stays exactly
  // as the kill left it; start() may be called again on it.
  void kill_hard();

 private:
  std::filesystem::path data_;
  std::vector<std::string> extra_args_;
  TempDir run_dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// The wreg-server the tests of one suite share, on a data dir of its own (dir() / "data", the
// only thing in dir()): made in the suite's SetUpTestSuite, started with its namespaces, and
// stopped and deleted in its TearDownTestSuite.
class SuiteServer {
 public:
  // `extra_args` are added to `serve` (ServerProcess).
  explicit SuiteServer(std::vector<std::string> extra_args = {});

  // Creates `namespaces` (wreg-server namespace create), then starts the server. False, with the
  // reason in error(), when a namespace cannot be made or the server does not start.
  bool start(const std::vector<std::string>& namespaces);
  // ServerProcess::stop(): the exit status, 0 for a clean stop.
  int stop() { return server_.stop(); }

  ServerProcess& process() { return server_; }
  std::uint16_t port() const { return server_.port(); }
  std::string log() const { return server_.log(); }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  const std::string& error() const { return error_; }

 private:
  TempDir dir_;
  ServerProcess server_;
  std::string error_;
};

// Another server a test runs beside wreg-server (Debian's docker-registry, say): `program args...`
// spawned by start(), its output kept in a temp dir, stopped by stop() or the destructor (SIGTERM,
// then SIGKILL after 30 s).
class PeerProcess {
 public:
  PeerProcess(std::string program, std::vector<std::string> args);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // False when it cannot be spawned.
  bool start();
  // The exit status, -1 when it died by a signal or was not running.
  int stop();
  // What it wrote to stdout, then stderr.
  std::string log() const;

 private:
  std::string program_;
  std::vector<std::string> args_;
  TempDir run_dir_;
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago (0 when none could be had), for a peer that
// cannot be told to listen on port 0 and say which port it got.
std::uint16_t free_port();

}  // namespace wreg::testing
