// The wreg CLI against the real wreg-server (issue 6): publish, add with resolution, lock,
// fetch, get, info, search, yank, login, and the one-line errors of bad input.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "common/digest.h"
#include "common/lockfile.h"
#include "tests/cli/cli_harness.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = WREG_TEST_FIXTURES;

// The WIT packages of tests/fixtures/packages that every registry here holds.
const char* const kPackages[] = {
    "wasi-io@0.2.0.wasm",
    "wasi-io@0.2.3.wasm",
    "wasi-io@0.2.8.wasm",
    "wasi-io@0.3.0-rc.1.wasm",
    "wasi-clocks@0.2.0.wasm",
    "wasi-clocks@0.2.8.wasm",
    "wasi-random@0.2.8.wasm",
    "wasi-filesystem@0.2.8.wasm",
    "wasi-sockets@0.2.8.wasm",
    "wasi-cli@0.2.8.wasm",
    "wasi-http@0.2.8.wasm",
    "toolsku-analytics@0.1.0.wasm",
    "toolsku-stream-tools@0.1.0.wasm",
};

std::string digest_of(const std::string& bytes) {
  return Digest::of(std::string_view(bytes)).to_string();
}

std::string describe(const RunResult& result) {
  return "exit " + std::to_string(result.status) + "\nstdout:\n" + result.out + "stderr:\n" +
         result.err;
}

// The names in wit/deps/, sorted.
std::set<std::string> deps_files(const fs::path& project) {
  std::set<std::string> names;
  if (!fs::exists(project / "wit" / "deps")) return names;
  for (const auto& entry : fs::directory_iterator(project / "wit" / "deps")) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(data_.path() / "data");
    ASSERT_TRUE(server_->start()) << server_->log();
    for (const char* ns : {"wasi", "toolsku", "demo"}) {
      auto created = admin({"namespace", "create", "--data", (data_.path() / "data").string(), ns});
      ASSERT_EQ(created.status, 0) << describe(created);
    }
    auto token = admin({"token", "create", "--data", (data_.path() / "data").string(),
                        "--namespace", "wasi", "--namespace", "toolsku", "--namespace", "demo"});
    ASSERT_EQ(token.status, 0) << describe(token);
    token_ = token.out.substr(0, token.out.find('\n'));
    ASSERT_FALSE(token_.empty());
    url_ = server_->url();
  }

  RunResult admin(const std::vector<std::string>& args) {
    return run(WREG_SERVER_BINARY, args, {}, data_.path());
  }

  std::map<std::string, std::string> env(bool with_token) const {
    std::map<std::string, std::string> vars{
        {"HOME", (home_.path() / "home").string()},
        {"XDG_CONFIG_HOME", (home_.path() / "config").string()},
        {"XDG_CACHE_HOME", (home_.path() / "cache").string()},
        {"WREG_REGISTRY", url_},
    };
    if (with_token) vars["WREG_TOKEN"] = token_;
    return vars;
  }

  RunResult wreg(const std::vector<std::string>& args, const fs::path& cwd, bool with_token = false,
                 const std::string& input = "") {
    return run(WREG_BINARY, args, env(with_token), cwd, input);
  }
  RunResult wreg(const std::vector<std::string>& args) { return wreg(args, project_.path()); }

  void publish_fixtures() {
    for (const char* file : kPackages) {
      auto published =
          wreg({"publish", (kFixtures / "packages" / file).string()}, project_.path(), true);
      ASSERT_EQ(published.status, 0) << file << "\n" << describe(published);
    }
  }

  // `wreg add wasi:http@0.2.8` in `project`, checked to succeed.
  void add_wasi_http(const fs::path& project) {
    auto added = wreg({"add", "wasi:http@0.2.8"}, project);
    ASSERT_EQ(added.status, 0) << describe(added);
  }

  TempDir data_{"wreg-cli-data"};
  TempDir home_{"wreg-cli-home"};
  TempDir project_{"wreg-cli-project"};
  std::unique_ptr<Server> server_;
  std::string token_;
  std::string url_;
};

TEST_F(CliTest, PublishesFixturePackagesAndPrintsTheirDigests) {
  for (const char* file : kPackages) {
    auto path = kFixtures / "packages" / file;
    auto published = wreg({"publish", path.string()}, project_.path(), true);
    ASSERT_EQ(published.status, 0) << file << "\n" << describe(published);
    std::string name = file;
    name = name.substr(0, name.size() - 5);  // without .wasm
    auto dash = name.find('-');
    auto expected_id = name.substr(0, dash) + ":" + name.substr(dash + 1);
    EXPECT_EQ(published.out, "published " + expected_id + " " + digest_of(read_bytes(path)) + "\n");
  }
  // Publishing the same bytes again is a safe retry.
  auto again = wreg({"publish", (kFixtures / "packages" / "wasi-io@0.2.8.wasm").string()},
                    project_.path(), true);
  EXPECT_EQ(again.status, 0) << describe(again);
  EXPECT_NE(again.out.find("already published with these bytes"), std::string::npos);
}

TEST_F(CliTest, AddWasiHttpResolvesTheWasiClosureAndWritesVerifiedDeps) {
  publish_fixtures();
  auto added = wreg({"add", "wasi:http@0.2.8"});
  ASSERT_EQ(added.status, 0) << describe(added);
  EXPECT_NE(added.out.find("wreg.toml: \"wasi:http\" = \"^0.2.8\""), std::string::npos)
      << added.out;
  EXPECT_NE(added.out.find("added wasi:io 0.2.8"), std::string::npos) << added.out;

  EXPECT_EQ(read_bytes(project_.path() / "wreg.toml"),
            "[dependencies]\n\"wasi:http\" = \"^0.2.8\"\n");
  auto lock = parse_lockfile(read_bytes(project_.path() / "wreg.lock"));
  ASSERT_TRUE(lock.has_value()) << lock.error().message;
  std::vector<std::string> locked;
  for (const auto& package : lock->packages) {
    locked.push_back(package.name.to_string() + "@" + package.version.to_string());
    EXPECT_EQ(package.registry, url_);
    auto file = project_.path() / "wit" / "deps" /
                (package.name.space() + "-" + package.name.name() + "-" +
                 package.version.to_string() + ".wasm");
    auto bytes = read_bytes(file);
    EXPECT_EQ(digest_of(bytes), package.digest.to_string()) << file;
    auto fixture = kFixtures / "packages" /
                   (package.name.space() + "-" + package.name.name() + "@" +
                    package.version.to_string() + ".wasm");
    EXPECT_EQ(bytes, read_bytes(fixture)) << fixture;
  }
  EXPECT_EQ(locked,
            (std::vector<std::string>{"wasi:cli@0.2.8", "wasi:clocks@0.2.8",
                                      "wasi:filesystem@0.2.8", "wasi:http@0.2.8", "wasi:io@0.2.8",
                                      "wasi:random@0.2.8", "wasi:sockets@0.2.8"}));
  EXPECT_EQ(deps_files(project_.path()).size(), 7u);
}

TEST_F(CliTest, LockBytesAreStableAcrossRuns) {
  publish_fixtures();
  add_wasi_http(project_.path());
  TempDir other("wreg-cli-other");
  add_wasi_http(other.path());
  EXPECT_EQ(read_bytes(project_.path() / "wreg.lock"), read_bytes(other.path() / "wreg.lock"));
  auto again = wreg({"add", "wasi:http@0.2.8"});
  ASSERT_EQ(again.status, 0) << describe(again);
  EXPECT_NE(again.out.find("wreg.lock is up to date (7 packages)"), std::string::npos) << again.out;
  EXPECT_EQ(read_bytes(project_.path() / "wreg.lock"), read_bytes(other.path() / "wreg.lock"));
}

TEST_F(CliTest, SecondAddChangesTheLockMinimally) {
  publish_fixtures();
  add_wasi_http(project_.path());
  auto before = read_bytes(project_.path() / "wreg.lock");
  auto added = wreg({"add", "toolsku:stream-tools"});
  ASSERT_EQ(added.status, 0) << describe(added);
  EXPECT_EQ(added.out,
            "wreg.toml: \"toolsku:stream-tools\" = \"^0.1.0\"\nadded toolsku:stream-tools 0.1.0\n");
  auto after = read_bytes(project_.path() / "wreg.lock");
  // Exactly one [[package]] block is new; every other byte is as before.
  auto start = after.find("[[package]]\nname = \"toolsku:stream-tools\"");
  ASSERT_NE(start, std::string::npos) << after;
  auto end = after.find("[[package]]", start + 1);
  ASSERT_NE(end, std::string::npos);
  EXPECT_EQ(after.substr(0, start) + after.substr(end), before);
  EXPECT_EQ(deps_files(project_.path()).size(), 8u);
}

TEST_F(CliTest, ConflictExplainsAndLeavesFilesUnchanged) {
  publish_fixtures();
  add_wasi_http(project_.path());
  auto manifest = read_bytes(project_.path() / "wreg.toml");
  auto lock = read_bytes(project_.path() / "wreg.lock");
  auto files = deps_files(project_.path());
  auto conflict = wreg({"add", "wasi:io@=0.2.3"});
  EXPECT_EQ(conflict.status, 1) << describe(conflict);
  EXPECT_EQ(conflict.out, "");
  EXPECT_NE(conflict.err.find("error: cannot resolve"), std::string::npos) << conflict.err;
  EXPECT_NE(conflict.err.find("=0.2.3"), std::string::npos) << conflict.err;
  EXPECT_NE(conflict.err.find("^0.2.8"), std::string::npos) << conflict.err;
  EXPECT_EQ(read_bytes(project_.path() / "wreg.toml"), manifest);
  EXPECT_EQ(read_bytes(project_.path() / "wreg.lock"), lock);
  EXPECT_EQ(deps_files(project_.path()), files);
}

TEST_F(CliTest, YankedVersionsAreSkippedForNewAddsAndKeptWhenLocked) {
  auto engine = (kFixtures / "components" / "analytics-engine.wasm").string();
  auto producers = (kFixtures / "components" / "analytics-engine-producers.wasm").string();
  ASSERT_EQ(
      wreg({"publish", engine, "--package", "demo:engine@1.0.0"}, project_.path(), true).status, 0);
  ASSERT_EQ(
      wreg({"publish", producers, "--package", "demo:engine@1.1.0"}, project_.path(), true).status,
      0);
  auto added = wreg({"add", "demo:engine@1.0"});
  ASSERT_EQ(added.status, 0) << describe(added);
  EXPECT_NE(added.out.find("added demo:engine 1.1.0"), std::string::npos) << added.out;

  auto yanked = wreg({"yank", "demo:engine@1.1.0"}, project_.path(), true);
  ASSERT_EQ(yanked.status, 0) << describe(yanked);
  EXPECT_EQ(yanked.out, "yanked demo:engine@1.1.0\n");

  // The locked project keeps 1.1.0, through a fetch and through a re-resolution.
  fs::remove_all(project_.path() / "wit");
  auto fetched = wreg({"fetch", "--locked"});
  ASSERT_EQ(fetched.status, 0) << describe(fetched);
  EXPECT_TRUE(fs::exists(project_.path() / "wit" / "deps" / "demo-engine-1.1.0.wasm"));
  publish_fixtures();
  auto second = wreg({"add", "toolsku:analytics"});
  ASSERT_EQ(second.status, 0) << describe(second);
  EXPECT_NE(second.err.find("demo:engine 1.1.0 has been yanked; kept"), std::string::npos)
      << second.err;
  EXPECT_NE(read_bytes(project_.path() / "wreg.lock").find("version = \"1.1.0\""),
            std::string::npos);

  // A new project does not choose the yanked version.
  TempDir fresh("wreg-cli-fresh");
  auto fresh_add = wreg({"add", "demo:engine@1.0"}, fresh.path());
  ASSERT_EQ(fresh_add.status, 0) << describe(fresh_add);
  EXPECT_NE(fresh_add.out.find("added demo:engine 1.0.0"), std::string::npos) << fresh_add.out;

  auto unyanked = wreg({"unyank", "demo:engine@1.1.0"}, project_.path(), true);
  EXPECT_EQ(unyanked.status, 0) << describe(unyanked);
  EXPECT_EQ(unyanked.out, "unyanked demo:engine@1.1.0\n");
}

TEST_F(CliTest, FetchLockedRepairsATamperedFile) {
  publish_fixtures();
  add_wasi_http(project_.path());
  auto file = project_.path() / "wit" / "deps" / "wasi-io-0.2.8.wasm";
  auto original = read_bytes(file);
  write_bytes(file, "tampered");
  auto fetched = wreg({"fetch", "--locked"});
  ASSERT_EQ(fetched.status, 0) << describe(fetched);
  EXPECT_NE(fetched.out.find("wit/deps/wasi-io-0.2.8.wasm did not match the digest in wreg.lock; "
                             "replaced it"),
            std::string::npos)
      << fetched.out;
  EXPECT_EQ(read_bytes(file), original);
}

TEST_F(CliTest, FetchLockedRefusesAManifestTheLockDoesNotCover) {
  publish_fixtures();
  add_wasi_http(project_.path());
  auto lock = read_bytes(project_.path() / "wreg.lock");
  write_bytes(project_.path() / "wreg.toml",
              read_bytes(project_.path() / "wreg.toml") + "\"toolsku:analytics\" = \"0.1\"\n");
  auto locked = wreg({"fetch", "--locked"});
  EXPECT_EQ(locked.status, 1) << describe(locked);
  EXPECT_EQ(locked.err,
            "error: wreg.lock does not satisfy wreg.toml: toolsku:analytics ^0.1 is not locked, "
            "and --locked forbids changing the lock; run `wreg fetch` without --locked\n");
  EXPECT_EQ(read_bytes(project_.path() / "wreg.lock"), lock);

  auto unlocked = wreg({"fetch"});
  ASSERT_EQ(unlocked.status, 0) << describe(unlocked);
  EXPECT_EQ(unlocked.out, "added toolsku:analytics 0.1.0\n");
}

TEST_F(CliTest, OfflineWorksFromAWarmCacheWithTheServerStopped) {
  publish_fixtures();
  add_wasi_http(project_.path());
  server_->stop();

  auto down = wreg({"add", "wasi:io"});
  EXPECT_EQ(down.status, 1) << describe(down);
  EXPECT_EQ(down.err, "error: cannot reach registry " + url_ + ": connection refused\n");

  TempDir other("wreg-cli-offline");
  auto offline = wreg({"add", "--offline", "wasi:http@0.2.8"}, other.path());
  ASSERT_EQ(offline.status, 0) << describe(offline);
  EXPECT_EQ(read_bytes(other.path() / "wreg.lock"), read_bytes(project_.path() / "wreg.lock"));
  EXPECT_EQ(deps_files(other.path()), deps_files(project_.path()));

  fs::remove_all(project_.path() / "wit");
  auto fetched = wreg({"fetch", "--offline", "--locked"});
  ASSERT_EQ(fetched.status, 0) << describe(fetched);
  EXPECT_EQ(deps_files(project_.path()).size(), 7u);

  auto cold = wreg({"add", "--offline", "toolsku:analytics"});
  EXPECT_EQ(cold.status, 1) << describe(cold);
  EXPECT_NE(cold.err.find("toolsku:analytics is not in the cache"), std::string::npos) << cold.err;
}

TEST_F(CliTest, RepublishingOtherBytesIsAConflict) {
  auto engine = (kFixtures / "components" / "analytics-engine.wasm").string();
  auto producers = (kFixtures / "components" / "analytics-engine-producers.wasm").string();
  auto first = wreg({"publish", engine, "--package", "demo:engine@1.0.0"}, project_.path(), true);
  ASSERT_EQ(first.status, 0) << describe(first);
  auto second =
      wreg({"publish", producers, "--package", "demo:engine@1.0.0"}, project_.path(), true);
  EXPECT_EQ(second.status, 1) << describe(second);
  EXPECT_NE(second.err.find("demo:engine@1.0.0 is already published with sha256:"),
            std::string::npos)
      << second.err;
  EXPECT_EQ(std::count(second.err.begin(), second.err.end(), '\n'), 1) << second.err;
}

TEST_F(CliTest, GetWritesTheVerifiedBytes) {
  publish_fixtures();
  auto got = wreg({"get", "wasi:io@0.2", "-o", "io.wasm"});
  ASSERT_EQ(got.status, 0) << describe(got);
  auto expected = read_bytes(kFixtures / "packages" / "wasi-io@0.2.8.wasm");
  EXPECT_EQ(read_bytes(project_.path() / "io.wasm"), expected);
  EXPECT_EQ(got.out, "wrote io.wasm (wasi:io@0.2.8 " + digest_of(expected) + ")\n");

  auto exact = wreg({"get", "wasi:io@=0.2.0"});
  ASSERT_EQ(exact.status, 0) << describe(exact);
  EXPECT_TRUE(fs::exists(project_.path() / "wasi-io-0.2.0.wasm"));
}

TEST_F(CliTest, InfoAndSearchShowWhatTheRegistryHolds) {
  publish_fixtures();
  auto info = wreg({"info", "wasi:http"});
  ASSERT_EQ(info.status, 0) << describe(info);
  EXPECT_NE(info.out.find("0.2.8  wit  sha256:"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("needs wasi:io ^0.2.8"), std::string::npos) << info.out;

  auto json = wreg({"info", "wasi:io", "--json"});
  ASSERT_EQ(json.status, 0) << describe(json);
  EXPECT_NE(json.out.find("\"name\": \"wasi:io\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"0.3.0-rc.1\""), std::string::npos) << json.out;

  auto search = wreg({"search", "stream"});
  ASSERT_EQ(search.status, 0) << describe(search);
  EXPECT_NE(search.out.find("toolsku:stream-tools@0.1.0"), std::string::npos) << search.out;
  auto none = wreg({"search", "no-such-thing"});
  ASSERT_EQ(none.status, 0) << describe(none);
  EXPECT_EQ(none.out, "no packages match\n");
}

TEST_F(CliTest, SearchFindsComponentsByExportAndInfoListsThem) {
  auto proxy = (kFixtures / "components" / "http-proxy.wasm").string();
  auto published = wreg({"publish", proxy, "--package", "demo:proxy@1.0.0"}, project_.path(), true);
  ASSERT_EQ(published.status, 0) << describe(published);
  auto found = wreg({"search", "--exports", "wasi:http/incoming-handler"});
  ASSERT_EQ(found.status, 0) << describe(found);
  EXPECT_NE(found.out.find("demo:proxy@1.0.0"), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("component"), std::string::npos) << found.out;
  auto info = wreg({"info", "demo:proxy"});
  ASSERT_EQ(info.status, 0) << describe(info);
  EXPECT_NE(info.out.find("exports:\n  wasi:http/incoming-handler@0.2.8"), std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("  wasi:io/poll@0.2.8"), std::string::npos) << info.out;
}

TEST_F(CliTest, RemoveDropsTheDependencyAndItsFiles) {
  publish_fixtures();
  add_wasi_http(project_.path());
  auto removed = wreg({"remove", "wasi:http"});
  ASSERT_EQ(removed.status, 0) << describe(removed);
  EXPECT_NE(removed.out.find("removed wasi:io 0.2.8"), std::string::npos) << removed.out;
  EXPECT_TRUE(deps_files(project_.path()).empty());
  EXPECT_EQ(read_bytes(project_.path() / "wreg.toml"), "[dependencies]\n");
}

TEST_F(CliTest, UpdateMovesToTheNewestAllowedVersion) {
  publish_fixtures();
  write_bytes(project_.path() / "wreg.toml", "[dependencies]\n\"wasi:io\" = \"0.2\"\n");
  // Lock an older version by hand, as an older wreg.lock would have it.
  auto pinned = wreg({"add", "wasi:io@=0.2.3"});
  ASSERT_EQ(pinned.status, 0) << describe(pinned);
  write_bytes(project_.path() / "wreg.toml", "[dependencies]\n\"wasi:io\" = \"0.2\"\n");
  auto kept = wreg({"fetch"});
  ASSERT_EQ(kept.status, 0) << describe(kept);
  EXPECT_NE(read_bytes(project_.path() / "wreg.lock").find("0.2.3"), std::string::npos);
  auto updated = wreg({"update", "wasi:io"});
  ASSERT_EQ(updated.status, 0) << describe(updated);
  EXPECT_EQ(updated.out, "updated wasi:io 0.2.3 -> 0.2.8\n");
  EXPECT_EQ(deps_files(project_.path()), (std::set<std::string>{"wasi-io-0.2.8.wasm"}));
}

TEST_F(CliTest, LoginStoresThePrivateTokenAndLogoutForgetsIt) {
  auto env_without = env(false);
  auto login = run(WREG_BINARY, {"login"}, env_without, project_.path(), token_ + "\n");
  ASSERT_EQ(login.status, 0) << describe(login);
  EXPECT_EQ(login.out.find(token_), std::string::npos);
  EXPECT_EQ(login.err.find(token_), std::string::npos);
  auto credentials = home_.path() / "config" / "wreg" / "credentials.toml";
  struct stat info {};
  ASSERT_EQ(::stat(credentials.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto published = wreg({"publish", (kFixtures / "packages" / "wasi-io@0.2.8.wasm").string()});
  EXPECT_EQ(published.status, 0) << describe(published);

  auto logout = wreg({"logout"});
  ASSERT_EQ(logout.status, 0) << describe(logout);
  EXPECT_EQ(logout.out, "logged out of " + url_ + "\n");
  auto refused = wreg({"publish", (kFixtures / "packages" / "wasi-io@0.2.3.wasm").string()});
  EXPECT_EQ(refused.status, 1);
  EXPECT_EQ(refused.err, "error: no token for registry " + url_ + "; run `wreg login --registry " +
                             url_ + "` or set WREG_TOKEN\n");
}

TEST_F(CliTest, PublishDryRunUploadsNothing) {
  auto dry =
      wreg({"publish", "--dry-run", (kFixtures / "packages" / "wasi-io@0.2.8.wasm").string()});
  ASSERT_EQ(dry.status, 0) << describe(dry);
  EXPECT_NE(dry.out.find("would publish wasi:io@0.2.8 sha256:"), std::string::npos) << dry.out;
  auto info = wreg({"info", "wasi:io"});
  EXPECT_EQ(info.status, 1) << describe(info);
}

// Every command's bad input: one line on stderr, and the exit status.
TEST_F(CliTest, BadInputGivesOneClearLine) {
  publish_fixtures();
  auto fixture = [](const char* path) { return (kFixtures / path).string(); };
  struct Case {
    std::vector<std::string> args;
    bool with_token;
    int status;
    std::string expected;  // a part of the one stderr line
  };
  const std::vector<Case> cases = {
      {{"add", "Wasi:io"}, false, 1, "invalid package name"},
      {{"add", "wasi:io@>>1"}, false, 1, "invalid package reference \"wasi:io@>>1\""},
      {{"add", "wasi:htpp"}, false, 1, "has no package wasi:htpp; did you mean wasi:http?"},
      {{"add", "wasi:io@^9"}, false, 1, "no version of wasi:io matches ^9 (newest is 0.2.8)"},
      {{"publish", "missing.wasm"}, true, 1, "missing.wasm does not exist"},
      {{"publish", fixture("core/plain.core.wasm")}, true, 1, "core"},
      {{"publish", fixture("bad/truncated.wasm")}, true, 1, "nothing was uploaded"},
      {{"publish", fixture("components/analytics-engine.wasm")},
       true,
       1,
       "is a component, not a WIT package: publish it with --package"},
      {{"publish", fixture("packages/wasi-io@0.2.8.wasm"), "--package", "wasi:io@0.2.3"},
       true,
       1,
       "is the WIT package wasi:io@0.2.8, but --package says wasi:io@0.2.3"},
      {{"publish", fixture("packages/wasi-io@0.2.8.wasm"), "--package", "wasi:io"},
       true,
       1,
       "--package"},
      {{"info", "wasi:nope"}, false, 1, "has no package wasi:nope"},
      {{"info", "nonsense"}, false, 1, "invalid package name"},
      {{"get", "wasi:io@^9"}, false, 1, "no version of wasi:io matches ^9"},
      {{"yank", "wasi:io"}, true, 1, "expected ns:name@1.2.3"},
      {{"yank", "wasi:io@9.9.9"}, true, 1, ""},
      {{"remove", "wasi:io"}, false, 1, "no wreg.toml"},
      {{"update"}, false, 1, "no wreg.toml"},
      {{"fetch"}, false, 1, "no wreg.toml"},
      {{"--registry", "ftp://x", "info", "wasi:io"}, false, 1, "invalid registry URL"},
  };
  for (const auto& c : cases) {
    auto result = wreg(c.args, project_.path(), c.with_token);
    std::string command;
    for (const auto& arg : c.args) command += arg + " ";
    EXPECT_EQ(result.status, c.status) << command << "\n" << describe(result);
    EXPECT_TRUE(result.err.starts_with("error: ")) << command << "\n" << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << command << "\n"
                                                                         << result.err;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << command << "\n" << result.err;
  }

  auto usage = wreg({"add"});
  EXPECT_EQ(usage.status, 2) << describe(usage);
  auto unknown = wreg({"frobnicate"});
  EXPECT_EQ(unknown.status, 2) << describe(unknown);

  auto wrong_token = run(
      WREG_BINARY, {"publish", fixture("packages/wasi-io@0.2.3.wasm")},
      [&] {
        auto vars = env(false);
        vars["WREG_TOKEN"] = "not-a-real-token";
        return vars;
      }(),
      project_.path());
  EXPECT_EQ(wrong_token.status, 1) << describe(wrong_token);
  EXPECT_NE(wrong_token.err.find("wreg login --registry " + url_), std::string::npos)
      << wrong_token.err;
}

}  // namespace
}  // namespace wreg::cli_test
