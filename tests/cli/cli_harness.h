// What the CLI tests add to tests/integration/server_process.h: a registry (the real
// wreg-server on 127.0.0.1 port 0 with a temp data dir, namespaces made on demand, one admin
// token), a user of the real wreg with their own HOME / XDG dirs, and the process-wide registry
// that the case folders and most C++ cases share (each case in its own namespace, so sharing
// never lets one case see another's packages).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/server_process.h"

namespace wreg::cli_test {

using testing::CommandResult;
using testing::fixtures;
using testing::TempDir;

std::string read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

// The names in `project`/wit/deps/, sorted.
std::set<std::string> deps_files(const std::filesystem::path& project);

// "exit N", stdout and stderr, for failure messages.
std::string describe(const CommandResult& result);
// `err` without its `note:` lines (the transparency log key pinned on a first use).
std::string without_notes(const std::string& err);

// A wreg-server with a temp data dir. `server_args` are added to `serve` (e.g. --tls-cert).
class Registry {
 public:
  explicit Registry(std::vector<std::string> server_args = {}, std::string scheme = "http");
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Starts the server and makes the admin token. False with the reason in `error()`.
  bool start();
  void stop() { server_.stop(); }
  // What the server wrote to stderr so far (access log and notes).
  std::string log() const { return server_.log(); }
  // Creates `ns` once (later calls do nothing). False with the reason in `error()`.
  bool ensure_namespace(const std::string& ns);
  // Runs `wreg args...` with the admin token once per distinct `args` (later calls return the
  // first result): publishing the same fixture for many cases costs one upload.
  CommandResult setup_once(const std::vector<std::string>& args);

  std::string url() const;
  std::uint16_t port() const { return server_.port(); }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  const std::string& token() const { return token_; }
  const std::string& error() const { return error_; }

 private:
  TempDir dir_;
  std::string scheme_;
  testing::ServerProcess server_;
  std::string token_;
  std::string error_;
  std::set<std::string> namespaces_;
  std::map<std::vector<std::string>, CommandResult> setup_done_;
};

// The registry every test in this process may share, started on first use with the namespaces
// wasi and toolsku. Null (with the reason in `shared_registry_error()`) when it cannot start.
Registry* shared_registry();
std::string shared_registry_error();
// Publishes every WIT package of tests/fixtures/packages to the shared registry, once per
// process; false (with the reason in `shared_registry_error()`) when one cannot be published.
// Only the cases that use them pay for it (setup.txt's `fixtures` line).
bool publish_shared_fixtures();

// Someone running wreg: their own HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME (so a cold cache),
// WREG_REGISTRY pointing at `registry_url`.
class User {
 public:
  explicit User(std::string registry_url);
  User(const User&) = delete;
  User& operator=(const User&) = delete;

  // Runs the real wreg in `cwd` with the variables above, plus WREG_TOKEN when `token` is set,
  // plus `extra` (an empty value removes a variable).
  CommandResult wreg(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                     const std::optional<std::string>& token = std::nullopt,
                     const std::string& input = "",
                     const std::map<std::string, std::string>& extra = {}) const;

  const std::filesystem::path& home() const { return dir_.path(); }
  const std::filesystem::path& config_dir() const { return config_; }
  const std::filesystem::path& cache_dir() const { return cache_; }

 private:
  std::map<std::string, std::string> env(const std::optional<std::string>& token,
                                         const std::map<std::string, std::string>& extra) const;

  TempDir dir_;
  std::filesystem::path config_;  // XDG_CONFIG_HOME
  std::filesystem::path cache_;   // XDG_CACHE_HOME
  std::string registry_url_;
};

}  // namespace wreg::cli_test
