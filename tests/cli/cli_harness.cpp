#include "tests/cli/cli_harness.h"

#include <atomic>
#include <fstream>
#include <thread>

namespace wreg::cli_test {

std::string read_bytes(const std::filesystem::path& path) { return testing::file_bytes(path); }

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::set<std::string> deps_files(const std::filesystem::path& project) {
  std::set<std::string> names;
  if (!std::filesystem::exists(project / "wit" / "deps")) return names;
  for (const auto& entry : std::filesystem::directory_iterator(project / "wit" / "deps")) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

std::string without_notes(const std::string& err) {
  std::string out;
  std::size_t at = 0;
  while (at < err.size()) {
    std::size_t end = err.find('\n', at);
    end = end == std::string::npos ? err.size() : end + 1;
    if (err.compare(at, 6, "note: ") != 0) out += err.substr(at, end - at);
    at = end;
  }
  return out;
}

std::string describe(const CommandResult& result) {
  return "exit " + std::to_string(result.exit_status) + "\nstdout:\n" + result.out + "stderr:\n" +
         result.err;
}

Registry::Registry(std::vector<std::string> server_args, std::string scheme)
    : scheme_(std::move(scheme)), server_(dir_.path() / "data", std::move(server_args)) {}

bool Registry::start() {
  auto data = (dir_.path() / "data").string();
  // The data dir is made by the first admin command; a namespace nobody uses costs nothing.
  if (!ensure_namespace("cli-test")) return false;
  token_ = testing::create_token(data, {"--admin"});
  if (token_.empty()) {
    error_ = "cannot create an admin token";
    return false;
  }
  if (!server_.start()) {
    error_ = "wreg-server did not start:\n" + server_.log();
    return false;
  }
  return true;
}

bool Registry::ensure_namespace(const std::string& ns) {
  if (namespaces_.count(ns) != 0) return true;
  auto created = testing::run_server_command(
      {"namespace", "create", "--data", (dir_.path() / "data").string(), ns});
  if (created.exit_status != 0) {
    error_ = "cannot create namespace " + ns + ":\n" + describe(created);
    return false;
  }
  namespaces_.insert(ns);
  return true;
}

CommandResult Registry::setup_once(const std::vector<std::string>& args) {
  auto it = setup_done_.find(args);
  if (it != setup_done_.end()) return it->second;
  User admin(url());
  auto result = admin.wreg(args, admin.home(), token_);
  if (result.exit_status == 0) setup_done_.emplace(args, result);
  return result;
}

std::string Registry::url() const {
  return scheme_ + "://" + (scheme_ == "https" ? "localhost" : "127.0.0.1") + ":" +
         std::to_string(server_.port());
}

namespace {

std::string& shared_error() {
  static std::string error;
  return error;
}

std::unique_ptr<Registry> start_shared() {
  auto registry = std::make_unique<Registry>();
  if (!registry->start() || !registry->ensure_namespace("wasi") ||
      !registry->ensure_namespace("toolsku")) {
    shared_error() = registry->error();
    return nullptr;
  }
  return registry;
}

// Published four at a time: each is its own wreg process.
bool publish_fixtures(Registry& registry) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures() / "packages")) {
    if (entry.path().extension() == ".wasm") files.push_back(entry.path());
  }
  std::vector<CommandResult> results(files.size());
  std::atomic<std::size_t> next{0};
  User admin(registry.url());
  auto publish = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      results[i] = admin.wreg({"publish", files[i].string()}, admin.home(), registry.token());
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(publish);
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (results[i].exit_status != 0) {
      shared_error() = "cannot publish " + files[i].string() + ":\n" + describe(results[i]);
      return false;
    }
  }
  return true;
}

}  // namespace

Registry* shared_registry() {
  static std::unique_ptr<Registry> registry = start_shared();
  return registry.get();
}

std::string shared_registry_error() { return shared_error(); }

bool publish_shared_fixtures() {
  static const bool published = [] {
    Registry* registry = shared_registry();
    return registry != nullptr && publish_fixtures(*registry);
  }();
  return published;
}

User::User(std::string registry_url)
    : config_(dir_.path() / "config"),
      cache_(dir_.path() / "cache"),
      registry_url_(std::move(registry_url)) {}

std::map<std::string, std::string> User::env(
    const std::optional<std::string>& token,
    const std::map<std::string, std::string>& extra) const {
  std::map<std::string, std::string> vars{
      {"HOME", (dir_.path() / "home").string()},
      {"XDG_CONFIG_HOME", config_.string()},
      {"XDG_CACHE_HOME", cache_.string()},
      {"WREG_REGISTRY", registry_url_},
  };
  if (token) vars["WREG_TOKEN"] = *token;
  for (const auto& [key, value] : extra) {
    if (value.empty()) {
      vars.erase(key);
    } else {
      vars[key] = value;
    }
  }
  return vars;
}

CommandResult User::wreg(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                         const std::optional<std::string>& token, const std::string& input,
                         const std::map<std::string, std::string>& extra) const {
  testing::RunOptions options;
  options.env = env(token, extra);
  options.cwd = cwd;
  options.input = input;
  return testing::run_command(WREG_BINARY, args, options);
}

}  // namespace wreg::cli_test
