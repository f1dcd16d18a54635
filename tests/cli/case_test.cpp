// The CLI case folders (STYLE.md, "Tests"; like cargo's tests/testsuite/cargo_add/<case>/): each
// folder under tests/cli/ that holds a cmd.txt is one test, CliCase.<folder>, run against the
// real wreg-server and the real wreg:
//
//   setup.txt    optional: wreg command lines run first with an admin token (`publish FILE
//                --package ns:name@1.0.0`, `yank ns:name@1.0.0`); one run per distinct line in a
//                process, since the registry is shared. The line `fixtures` publishes every
//                package of tests/fixtures/packages (wasi:*, toolsku:*) first, once per process;
//                a case without it sees none of them
//   cmd.txt      the command line under test, e.g. `add wasi:http@0.2.8`; leading `VAR=value`
//                words set (or, with no value, unset) environment variables. wreg runs with the
//                admin token in WREG_TOKEN unless the line says otherwise.
//   stdin.txt    optional: standard input
//   in/          optional: the project folder before (files, or symlinks to fixtures for .wasm)
//   out/         optional: the project folder after, every file; absent means "as in/"
//   stdout.txt, stderr.txt, status.txt   optional: the expected output (absent: empty) and exit
//                status (absent: 0)
//
// In every file, {registry} stands for the registry URL, {fixtures} for tests/fixtures and
// {project} for the project folder; in the output, {time} stands for a UTC time stamp
// (2026-01-31T12:00:00Z), and {index}, {size}, {root} and {log_key} for what the transparency log
// adds (redact_volatile() says which), and {ms} for the milliseconds --verbose shows, which differ
// from run to run.
// Each case publishes into its own namespace, the folder name with '-' for '_' (created for it), so
// cases share one registry and never see each other's packages; wasi and toolsku hold the fixture
// packages for the cases that ask for them.
//
// WREG_CLI_BLESS=1 rewrites a case's expectations from what the run did (for a new case; review
// the diff before committing it). .wasm files in out/ become symlinks to the fixture with the
// same bytes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/cli/cli_harness.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

const fs::path kCases = WREG_CLI_CASES;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

struct Placeholders {
  std::string registry;
  std::string project;

  std::string fill(std::string text) const {
    text = replace_all(std::move(text), "{registry}", registry);
    text = replace_all(std::move(text), "{fixtures}", fixtures().string());
    return replace_all(std::move(text), "{project}", project);
  }
  std::string unfill(std::string text) const {
    text = replace_all(std::move(text), project, "{project}");
    text = replace_all(std::move(text), fixtures().string(), "{fixtures}");
    return replace_all(std::move(text), registry, "{registry}");
  }
};

// `text` with what differs from run to run written as placeholders: every RFC 3339 UTC time
// stamp as {time}; and what the transparency log adds, which depends on what the suite's shared
// registry logged before (the order the cases run in decides): a release's log index as {index},
// a lock's checkpoint as {size} and {root}, the log's verifier key (made at the registry's
// start) as {log_key}.
std::string redact_volatile(const std::string& text) {
  static const std::vector<std::pair<std::regex, std::string>> kVolatile = {
      {std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z)"), "{time}"},
      {std::regex(R"("log_index": \d+)"), "\"log_index\": {index}"},
      {std::regex(R"(log-index = \d+)"), "log-index = {index}"},
      {std::regex(R"(\nsize = \d+\nroot = "[A-Za-z0-9+/=]+")"),
       "\nsize = {size}\nroot = \"{root}\""},
      {std::regex(R"([^\s"]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44})"), "{log_key}"},
      // --verbose's time per request (client/commands/session.cpp).
      {std::regex(R"(\(\d+ ms\))"), "({ms} ms)"},
  };
  std::string out = text;
  for (const auto& [pattern, placeholder] : kVolatile) {
    out = std::regex_replace(out, pattern, placeholder);
  }
  return out;
}

// Words of one command line; "double quotes" keep spaces.
std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false;
  bool any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (any) words.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) words.push_back(word);
  return words;
}

std::vector<std::string> command_lines(const fs::path& file) {
  std::vector<std::string> lines;
  std::string text = read_bytes(file);
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(" \t") == std::string::npos || line.starts_with('#')) continue;
    lines.push_back(line);
  }
  return lines;
}

bool is_text(const fs::path& path) { return path.extension() != ".wasm"; }

// Every regular file under `root` (following symlinks), by relative path.
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  if (!fs::exists(root)) return files;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (fs::is_regular_file(it->path())) {
      files[it->path().lexically_relative(root).string()] = read_bytes(it->path());
    }
  }
  return files;
}

// The fixture file holding exactly `bytes`, for blessing .wasm files as symlinks.
std::optional<fs::path> fixture_with(const std::string& bytes) {
  for (const char* folder : {"packages", "components"}) {
    for (const auto& entry : fs::directory_iterator(fixtures() / folder)) {
      if (entry.path().extension() == ".wasm" && fs::file_size(entry.path()) == bytes.size() &&
          read_bytes(entry.path()) == bytes) {
        return entry.path();
      }
    }
  }
  return std::nullopt;
}

void write_expectation(const fs::path& path, const std::string& text) {
  if (text.empty()) {
    fs::remove(path);
  } else {
    write_bytes(path, text);
  }
}

void bless(const fs::path& dir, const CommandResult& result,
           const std::map<std::string, std::string>& after,
           const std::map<std::string, std::string>& before, const Placeholders& placeholders) {
  write_expectation(dir / "stdout.txt", placeholders.unfill(redact_volatile(result.out)));
  write_expectation(dir / "stderr.txt", placeholders.unfill(redact_volatile(result.err)));
  write_expectation(dir / "status.txt",
                    result.exit_status == 0 ? "" : std::to_string(result.exit_status) + "\n");
  fs::remove_all(dir / "out");
  if (after == before) return;
  for (const auto& [relative, bytes] : after) {
    auto target = dir / "out" / relative;
    fs::create_directories(target.parent_path());
    if (is_text(relative)) {
      write_bytes(target, placeholders.unfill(redact_volatile(bytes)));
      continue;
    }
    auto fixture = fixture_with(bytes);
    ASSERT_TRUE(fixture) << relative << " is no fixture; cannot bless it";
    fs::create_symlink(fs::relative(*fixture, target.parent_path()), target);
  }
}

class CliCase : public ::testing::Test {
 public:
  explicit CliCase(fs::path dir) : dir_(std::move(dir)) {}

  void TestBody() override {
    Registry* registry = shared_registry();
    ASSERT_NE(registry, nullptr) << shared_registry_error();
    std::string ns = replace_all(dir_.filename().string(), "_", "-");
    ASSERT_TRUE(registry->ensure_namespace(ns)) << registry->error();

    TempDir project;
    Placeholders placeholders{registry->url(), project.path().string()};
    for (const auto& line : command_lines(dir_ / "setup.txt")) {
      if (line == "fixtures") {
        ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
        continue;
      }
      auto done = registry->setup_once(split_words(placeholders.fill(line)));
      ASSERT_EQ(done.exit_status, 0) << "setup: " << line << "\n" << describe(done);
    }

    // The project before: in/ copied, symlinks followed, placeholders filled in text files.
    auto before = tree(dir_ / "in");
    for (auto& [relative, bytes] : before) {
      if (is_text(relative)) bytes = placeholders.fill(bytes);
      write_bytes(project.path() / relative, bytes);
    }

    auto lines = command_lines(dir_ / "cmd.txt");
    ASSERT_EQ(lines.size(), 1u) << dir_ / "cmd.txt"
                                << " holds one command line";
    auto words = split_words(placeholders.fill(lines[0]));
    std::map<std::string, std::string> extra;
    while (!words.empty() && words.front().find('=') != std::string::npos &&
           !words.front().starts_with('-')) {
      auto eq = words.front().find('=');
      extra[words.front().substr(0, eq)] = words.front().substr(eq + 1);
      words.erase(words.begin());
    }
    User user(registry->url());
    auto result =
        user.wreg(words, project.path(), registry->token(), read_bytes(dir_ / "stdin.txt"), extra);
    auto after = tree(project.path());

    const char* bless_env = std::getenv("WREG_CLI_BLESS");
    if (bless_env && std::string(bless_env) == "1") {
      bless(dir_, result, after, before, placeholders);
      return;
    }

    std::string status_text = read_bytes(dir_ / "status.txt");
    int status = status_text.empty() ? 0 : std::stoi(status_text);
    EXPECT_EQ(result.exit_status, status) << describe(result);
    EXPECT_EQ(redact_volatile(result.out), placeholders.fill(read_bytes(dir_ / "stdout.txt")));
    EXPECT_EQ(redact_volatile(result.err), placeholders.fill(read_bytes(dir_ / "stderr.txt")));

    auto expected = fs::exists(dir_ / "out") ? tree(dir_ / "out") : before;
    std::vector<std::string> expected_names;
    std::vector<std::string> actual_names;
    for (const auto& [relative, bytes] : expected) expected_names.push_back(relative);
    for (const auto& [relative, bytes] : after) actual_names.push_back(relative);
    EXPECT_EQ(actual_names, expected_names) << "the files of the project afterwards";
    for (const auto& [relative, bytes] : expected) {
      auto it = after.find(relative);
      if (it == after.end()) continue;
      if (is_text(relative)) {
        EXPECT_EQ(redact_volatile(it->second), placeholders.fill(bytes)) << relative;
      } else {
        EXPECT_TRUE(it->second == bytes) << relative << " differs from " << dir_ / "out" / relative;
      }
    }
  }

 private:
  fs::path dir_;
};

// One test per case folder, registered before RUN_ALL_TESTS (so --gtest_list_tests and ctest see
// them).
[[maybe_unused]] const bool kRegistered = [] {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(kCases)) {
    if (entry.is_directory() && fs::exists(entry.path() / "cmd.txt")) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    ::testing::RegisterTest("CliCase", dir.filename().string().c_str(), nullptr, nullptr, __FILE__,
                            __LINE__, [dir]() -> CliCase* { return new CliCase(dir); });
  }
  return true;
}();

}  // namespace
}  // namespace wreg::cli_test
