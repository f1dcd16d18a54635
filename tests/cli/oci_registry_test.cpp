// The real wreg against OCI registries (issue 18, "The client reads OCI registries"): Debian's
// docker-registry loaded with the WASI fixtures as Wasm OCI artifacts, wreg-server's own /v2/
// behind its bearer challenge, and FakeOciRegistry for upstreams that lie, redirect, drip or
// list too much. Each hostile case checks the one line wreg prints and that nothing was stored:
// no wreg.lock, no wit/deps/, no blob in the cache.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/digest.h"
#include "tests/cli/cli_harness.h"
#include "tests/integration/fake_oci_registry.h"
#include "tests/integration/http_client.h"
#include "tests/integration/oci_upstream.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;
using testing::DockerRegistry;
using testing::FakeOciRegistry;

// The blobs in `user`'s cache (their file names, the hex of their digests).
std::set<std::string> cached_blobs(const User& user) {
  std::set<std::string> names;
  const fs::path blobs = user.cache_dir() / "wreg" / "blobs";
  if (!fs::exists(blobs)) return names;
  for (const auto& entry : fs::recursive_directory_iterator(blobs)) {
    if (entry.is_regular_file()) names.insert(entry.path().filename().string());
  }
  return names;
}

// wreg.lock without what differs by registry (its `registry = ...` lines, and the log indexes and
// [[log]] checkpoints only a wreg registry has): what two resolutions from different registries
// must agree on.
std::string lock_without_registries(const fs::path& project) {
  std::string text = read_bytes(project / "wreg.lock");
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line == "[[log]]") break;
    if (!line.starts_with("registry = ") && !line.starts_with("log-index = ")) out += line + "\n";
    start = end + 1;
  }
  while (out.ends_with("\n\n")) out.pop_back();
  return out;
}

void write_config(const User& user, const std::string& text) {
  write_bytes(user.config_dir() / "wreg" / "config.toml", text);
}

// A user whose namespaces are routed by config.toml alone (no WREG_REGISTRY, which would send
// every package to one registry).
std::unique_ptr<User> configured_user(const std::string& config) {
  auto user = std::make_unique<User>("");
  write_config(*user, config);
  return user;
}

class OciDockerRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::start_docker_registry(upstream_));
    if (IsSkipped()) return;
    auto pushed = testing::push_fixture_packages(upstream_->port());
    ASSERT_EQ(pushed.error, "") << upstream_->log();
    oci_url_ = "oci+http://" + upstream_->address() + "/webassembly/";
  }

  std::unique_ptr<DockerRegistry> upstream_;
  std::string oci_url_;
};

// The same packages from docker-registry and from a native wreg registry: the same lock (but
// for where each came from) and the same bytes in wit/deps/.
TEST_F(OciDockerRegistryTest, AddResolvesStraightFromDockerRegistryAsFromNative) {
  if (IsSkipped()) return;
  auto user = configured_user("[namespaces]\nwasi = \"" + oci_url_ + "\"\n");
  TempDir project;
  auto added = user->wreg({"add", "wasi:http@0.2"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  EXPECT_EQ(added.out,
            "wreg.toml: \"wasi:http\" = \"^0.2\"\nadded wasi:cli 0.2.8\nadded wasi:clocks "
            "0.2.8\nadded wasi:filesystem 0.2.8\nadded wasi:http 0.2.8\nadded wasi:io 0.2.8\nadded "
            "wasi:random 0.2.8\nadded wasi:sockets 0.2.8\n");
  const std::string lock = read_bytes(project.path() / "wreg.lock");
  EXPECT_NE(lock.find("registry = \"oci+http://" + upstream_->address() + "/webassembly\""),
            std::string::npos)
      << lock;

  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  User native(shared_registry()->url());
  TempDir native_project;
  auto native_added = native.wreg({"add", "wasi:http@0.2"}, native_project.path());
  ASSERT_EQ(native_added.exit_status, 0) << describe(native_added);
  EXPECT_EQ(lock_without_registries(project.path()),
            lock_without_registries(native_project.path()));
  ASSERT_EQ(deps_files(project.path()), deps_files(native_project.path()));
  for (const auto& file : deps_files(project.path())) {
    EXPECT_EQ(read_bytes(project.path() / "wit" / "deps" / file),
              read_bytes(native_project.path() / "wit" / "deps" / file))
        << file;
  }
}

// Only the candidates the resolver chose were read: one manifest and one layer per locked
// package, not every version the tags list (wasi:io has four, wasi:http three).
TEST_F(OciDockerRegistryTest, ReadsOnlyTheChosenCandidates) {
  if (IsSkipped()) return;
  auto user = configured_user("[namespaces]\nwasi = \"" + oci_url_ + "\"\n");
  TempDir project;
  auto added = user->wreg({"add", "wasi:http@0.2.8"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  EXPECT_EQ(cached_blobs(*user).size(), 7u);
}

// wasi from docker-registry, toolsku from a native registry, in one resolution; then the lock
// alone restores wit/deps/ (--locked), and with docker-registry stopped the cache does
// (--offline).
TEST_F(OciDockerRegistryTest, MixedResolutionThenLockedAndOffline) {
  if (IsSkipped()) return;
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  const std::string native_url = shared_registry()->url();
  auto user = configured_user("registry = \"" + native_url + "\"\n[namespaces]\nwasi = \"" +
                              oci_url_ + "\"\n");
  TempDir project;
  auto added = user->wreg({"add", "toolsku:stream-tools"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  const std::string lock = read_bytes(project.path() / "wreg.lock");
  EXPECT_NE(lock.find("name = \"toolsku:stream-tools\"\nversion = \"0.1.0\"\nregistry = \"" +
                      native_url + "\""),
            std::string::npos)
      << lock;
  EXPECT_NE(lock.find("name = \"wasi:io\"\nversion = \"0.2.8\"\nregistry = \"oci+http://" +
                      upstream_->address() + "/webassembly\""),
            std::string::npos)
      << lock;
  const auto deps = deps_files(project.path());
  EXPECT_TRUE(deps.count("wasi-io-0.2.8.wasm")) << added.out;

  fs::remove_all(project.path() / "wit");
  auto locked = user->wreg({"fetch", "--locked"}, project.path());
  ASSERT_EQ(locked.exit_status, 0) << describe(locked);
  EXPECT_EQ(deps_files(project.path()), deps);

  upstream_->stop();
  fs::remove_all(project.path() / "wit");
  auto offline = user->wreg({"fetch", "--offline"}, project.path());
  ASSERT_EQ(offline.exit_status, 0) << describe(offline);
  EXPECT_EQ(deps_files(project.path()), deps);
  // A second project resolves from what the cache read, without the upstream.
  TempDir second;
  auto again = user->wreg({"add", "wasi:io@0.2.8", "--offline"}, second.path());
  ASSERT_EQ(again.exit_status, 0) << describe(again);
  EXPECT_EQ(deps_files(second.path()), (std::set<std::string>{"wasi-io-0.2.8.wasm"}));
}

TEST_F(OciDockerRegistryTest, InfoAndGetReadTagsAndManifests) {
  if (IsSkipped()) return;
  User user(oci_url_);
  auto info = user.wreg({"info", "wasi:io"}, user.home());
  ASSERT_EQ(info.exit_status, 0) << describe(info);
  const std::string io = read_bytes(fixtures() / "packages" / "wasi-io@0.2.8.wasm");
  EXPECT_NE(info.out.find("  0.2.8  wit  " + Digest::of(std::string_view(io)).to_string() + "  " +
                          std::to_string(io.size()) + " bytes"),
            std::string::npos)
      << info.out;
  EXPECT_NE(info.out.find("  0.3.0-rc.1  wit  "), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("interfaces:\n  error\n  poll\n  streams\n"), std::string::npos)
      << info.out;

  auto got = user.wreg({"get", "wasi:io@=0.2.3", "-o", "-"}, user.home());
  ASSERT_EQ(got.exit_status, 0) << describe(got);
  EXPECT_EQ(
      Digest::of(std::string_view(got.out)),
      Digest::of(std::string_view(read_bytes(fixtures() / "packages" / "wasi-io@0.2.3.wasm"))));

  auto search = user.wreg({"search", "io"}, user.home());
  EXPECT_EQ(search.exit_status, 1) << describe(search);
  EXPECT_NE(search.err.find("OCI registries have no search"), std::string::npos) << search.err;

  auto missing = user.wreg({"info", "wasi:nope"}, user.home());
  EXPECT_EQ(missing.exit_status, 1) << describe(missing);
  EXPECT_EQ(missing.err, "error: the registry oci+http://" + upstream_->address() +
                             "/webassembly has no package wasi:nope (no repository "
                             "webassembly/wasi/nope)\n");
}

// `mirror sync` fetches ahead of time: then a mirror whose upstream is gone still has them.
TEST_F(OciDockerRegistryTest, MirrorSyncFetchesAheadForOfflineUse) {
  if (IsSkipped()) return;
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  auto synced = testing::run_server_command({"mirror", "sync", "--data", data, "--upstream",
                                             "wasi=" + oci_url_, "wasi", "--package", "io",
                                             "--versions", "^0.2"});
  ASSERT_EQ(synced.exit_status, 0) << describe(synced);
  EXPECT_NE(synced.out.find("wasi:io: 3 versions held\n"), std::string::npos) << synced.out;
  // Without names: every package of the namespace the upstream's catalog lists.
  auto all = testing::run_server_command(
      {"mirror", "sync", "--data", data, "--upstream", "wasi=" + oci_url_, "wasi"});
  ASSERT_EQ(all.exit_status, 0) << describe(all);
  EXPECT_NE(all.out.find("wasi:http: 2 versions held\n"), std::string::npos) << all.out;
  auto unmirrored = testing::run_server_command({"mirror", "sync", "--data", data, "toolsku"});
  EXPECT_EQ(unmirrored.exit_status, 1) << describe(unmirrored);
  EXPECT_EQ(unmirrored.err,
            "wreg-server: namespace \"toolsku\" is not mirrored; give --upstream toolsku=URL or "
            "[upstreams] in the settings file\n");

  upstream_->stop();
  testing::ServerProcess mirror(data, {"--upstream", "wasi=" + oci_url_});
  ASSERT_TRUE(mirror.start()) << mirror.log();
  User user("http://127.0.0.1:" + std::to_string(mirror.port()));
  TempDir project;
  auto added = user.wreg({"add", "wasi:io@=0.2.3"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added) << mirror.log();
  EXPECT_EQ(deps_files(project.path()), (std::set<std::string>{"wasi-io-0.2.3.wasm"}));
}

// ---- wreg-server as a mirror of docker-registry (`serve --upstream wasi=oci+http://…`).

class MirrorTest : public OciDockerRegistryTest {
 protected:
  void SetUp() override {
    OciDockerRegistryTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // A refresh on nearly every read, so that an upstream change shows at once.
    mirror_ = std::make_unique<Registry>(
        std::vector<std::string>{"--upstream", "wasi=" + oci_url_, "--upstream-refresh", "1ms"});
    ASSERT_TRUE(mirror_->start()) << mirror_->error();
  }

  std::string metric(const std::string& name) {
    auto answer = testing::request(mirror_->port(), "GET", "/metrics", {});
    auto at = answer.body.find("\n" + name + " ");
    if (at == std::string::npos) return "";
    at += name.size() + 2;
    return answer.body.substr(at, answer.body.find('\n', at) - at);
  }

  std::unique_ptr<Registry> mirror_;
};

// What the mirror fetched once, it serves with the upstream gone; what it never fetched is one
// line naming the upstream.
TEST_F(MirrorTest, ServesWhatItHoldsWhenTheUpstreamIsDown) {
  if (IsSkipped()) return;
  User user(mirror_->url());
  TempDir project;
  auto added = user.wreg({"add", "wasi:http@0.2.8"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added) << mirror_->log();
  EXPECT_EQ(deps_files(project.path()).size(), 7u);
  EXPECT_NE(mirror_->log().find("mirror: imported wasi:http@0.2.8 sha256:"), std::string::npos);
  EXPECT_EQ(metric("wreg_mirror_upstream_failures_total"), "0");

  upstream_->stop();
  User fresh(mirror_->url());
  TempDir second;
  auto again = fresh.wreg({"add", "wasi:http@0.2.8"}, second.path());
  ASSERT_EQ(again.exit_status, 0) << describe(again);
  EXPECT_EQ(read_bytes(second.path() / "wreg.lock"), read_bytes(project.path() / "wreg.lock"));
  auto header = testing::request(mirror_->port(), "GET", "/api/v1/packages/wasi/io", {});
  EXPECT_EQ(header.status, 200);
  EXPECT_NE(header.header("wreg-upstream").find("cannot reach registry"), std::string::npos);

  TempDir third;
  auto never = fresh.wreg({"add", "wasi:nn"}, third.path());
  EXPECT_EQ(never.exit_status, 1) << describe(never);
  EXPECT_NE(never.err.find("wasi:nn is not held by this mirror of " +
                           oci_url_.substr(0, oci_url_.size() - 1) +
                           ", and the upstream cannot give it now: cannot reach registry"),
            std::string::npos)
      << never.err;
  EXPECT_EQ(std::count(never.err.begin(), never.err.end(), '\n'), 1) << never.err;
}

// The upstream rewrites a release the mirror holds: the mirror keeps its bytes, says so in its
// log and counts it.
TEST_F(MirrorTest, KeepsItsCopyWhenTheUpstreamRewritesARelease) {
  if (IsSkipped()) return;
  User user(mirror_->url());
  auto first = user.wreg({"info", "wasi:io@0.2.8", "--json"}, user.home());
  ASSERT_EQ(first.exit_status, 0) << describe(first) << mirror_->log();
  const std::string io = read_bytes(fixtures() / "packages" / "wasi-io@0.2.8.wasm");
  const std::string held = Digest::of(std::string_view(io)).to_string();
  EXPECT_NE(first.out.find(held), std::string::npos);

  const std::string rewritten = testing::with_custom_section(io, "rewritten upstream");
  auto pushed =
      testing::push_wasm_artifact(upstream_->port(), "webassembly/wasi/io", "0.2.8", rewritten);
  ASSERT_EQ(pushed.error, "");
  auto after = user.wreg({"info", "wasi:io@0.2.8", "--json"}, user.home());
  ASSERT_EQ(after.exit_status, 0) << describe(after);
  EXPECT_NE(after.out.find(held), std::string::npos);
  EXPECT_EQ(after.out.find(Digest::of(std::string_view(rewritten)).to_string()), std::string::npos);
  EXPECT_EQ(metric("wreg_mirror_conflicts_total"), "1");
  EXPECT_NE(mirror_->log().find("now shows wasi:io@0.2.8 as " +
                                Digest::of(std::string_view(rewritten)).to_string() +
                                ", but this registry holds " + held),
            std::string::npos)
      << mirror_->log();
  // Read again: the same conflict is counted once.
  ASSERT_EQ(user.wreg({"info", "wasi:io"}, user.home()).exit_status, 0);
  EXPECT_EQ(metric("wreg_mirror_conflicts_total"), "1");
}

TEST_F(MirrorTest, NobodyPublishesIntoAMirroredNamespace) {
  if (IsSkipped()) return;
  User user(mirror_->url());
  auto published = user.wreg({"publish", (fixtures() / "packages" / "wasi-io@0.2.3.wasm").string()},
                             user.home(), mirror_->token());
  EXPECT_EQ(published.exit_status, 1) << describe(published);
  EXPECT_NE(published.err.find("namespace wasi mirrors " + oci_url_.substr(0, oci_url_.size() - 1) +
                               ": its packages come from there, and nobody publishes into it "
                               "here"),
            std::string::npos)
      << published.err;
}

// A mirror of a wreg registry (its native API): the same, and a package neither has is a 404.
TEST(MirrorOfWregTest, ImportsFromAWregUpstream) {
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  Registry mirror({"--upstream", "wasi=" + shared_registry()->url()});
  ASSERT_TRUE(mirror.start()) << mirror.error();
  User user(mirror.url());
  TempDir project;
  auto added = user.wreg({"add", "wasi:clocks@0.2.8"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added) << mirror.log();
  EXPECT_EQ(deps_files(project.path()),
            (std::set<std::string>{"wasi-clocks-0.2.8.wasm", "wasi-io-0.2.8.wasm"}));
  EXPECT_NE(mirror.log().find("mirror: imported wasi:clocks@0.2.8 sha256:"), std::string::npos);
  auto missing = testing::request(mirror.port(), "GET", "/api/v1/packages/wasi/nope", {});
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.header("wreg-upstream"), "");
}

// ---- wreg-server's own /v2/, reads closed: the bearer challenge flow with Basic credentials.

TEST(OciAuthTest, BearerChallengeWithCredentialsFromTheHostEntry) {
  Registry registry({"--private"});
  ASSERT_TRUE(registry.start() && registry.ensure_namespace("wasi")) << registry.error();
  User publisher(registry.url());
  auto published =
      publisher.wreg({"publish", (fixtures() / "packages" / "wasi-io@0.2.8.wasm").string()},
                     publisher.home(), registry.token());
  ASSERT_EQ(published.exit_status, 0) << describe(published);

  const std::string host = "127.0.0.1:" + std::to_string(registry.port());
  auto user = configured_user("[namespaces]\nwasi = \"oci+http://" + host + "\"\n");
  TempDir project;
  auto refused = user->wreg({"add", "wasi:io@0.2.8"}, project.path());
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_TRUE(refused.err.starts_with("error: registry oci+http://" + host)) << refused.err;
  EXPECT_NE(refused.err.find("credentials.toml"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(project.path() / "wreg.lock"));

  write_bytes(
      user->config_dir() / "wreg" / "credentials.toml",
      "[registries.\"" + host + "\"]\nusername = \"ci\"\ntoken = \"" + registry.token() + "\"\n");
  fs::permissions(user->config_dir() / "wreg" / "credentials.toml",
                  fs::perms::owner_read | fs::perms::owner_write);
  auto added = user->wreg({"add", "wasi:io@0.2.8"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  EXPECT_EQ(deps_files(project.path()), (std::set<std::string>{"wasi-io-0.2.8.wasm"}));
}

// ---- Hostile upstreams.

class OciHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    io_ = read_bytes(fixtures() / "packages" / "wasi-io@0.2.8.wasm");
    io_digest_ = Digest::of(std::string_view(io_)).to_string();
    user_ = configured_user("stall_seconds = 1\n[namespaces]\nwasi = \"oci+http://127.0.0.1:" +
                            std::to_string(upstream_.port()) + "\"\n");
  }

  // Serves wasi:io 0.2.8 as `manifest` names it, its layer answered by `layer`.
  void serve_io(const testing::WasmArtifact& artifact, testing::FakeAnswer layer) {
    upstream_.serve_artifact("wasi/io", "0.2.8", artifact.manifest,
                             {artifact.config, artifact.layer});
    upstream_.answer("/v2/wasi/io/blobs/" + io_digest_, std::move(layer));
  }

  // Runs `wreg add wasi:io@0.2.8`: it must fail with exactly `message` and store nothing.
  void expect_refused(const std::string& message) {
    TempDir project;
    auto added = user_->wreg({"add", "wasi:io@0.2.8"}, project.path());
    EXPECT_EQ(added.exit_status, 1) << describe(added);
    EXPECT_EQ(added.err, "error: " + message + "\n");
    EXPECT_FALSE(fs::exists(project.path() / "wreg.lock"));
    EXPECT_EQ(deps_files(project.path()), std::set<std::string>{});
    EXPECT_EQ(cached_blobs(*user_), std::set<std::string>{});
  }

  std::string registry() const {
    return "oci+http://127.0.0.1:" + std::to_string(upstream_.port());
  }

  FakeOciRegistry upstream_;
  std::string io_;
  std::string io_digest_;
  std::unique_ptr<User> user_;
};

TEST_F(OciHostileTest, ALayerWhoseBytesAreNotItsDigestIsRefused) {
  std::string other = io_;
  other.back() ^= 1;
  serve_io(testing::wasm_artifact(io_, "0.2.8"),
           testing::content_answer(other, "application/wasm"));
  expect_refused("registry " + registry() + " sent " +
                 Digest::of(std::string_view(other)).to_string() +
                 " for wasi:io@0.2.8, which should be " + io_digest_ + "; nothing was written");
}

TEST_F(OciHostileTest, ALayerLongerThanItsManifestSaysIsRefused) {
  auto artifact = testing::wasm_artifact(io_, "0.2.8");
  // The manifest lists 100 bytes fewer than the layer holds.
  artifact.manifest =
      testing::wasm_manifest(artifact.config, io_digest_, io_.size() - 100, "0.2.8");
  serve_io(artifact, testing::content_answer(io_, "application/wasm"));
  expect_refused("registry " + registry() + " sent " + std::to_string(io_.size()) + " bytes for " +
                 io_digest_ + " of wasi/io, not the " + std::to_string(io_.size() - 100) +
                 " its manifest lists; nothing was stored");
}

TEST_F(OciHostileTest, ATagListOfAHundredThousandIsRefused) {
  upstream_.answer("/v2/wasi/io/tags/list",
                   testing::tags_answer("wasi/io", testing::numbered_tags(100'000)));
  expect_refused("registry " + registry() +
                 " lists more than 10000 tags for wasi/io; wreg reads at most 10000");
}

// A tag list in pages (distribution's Link header): every page is read; one that links to itself
// forever is given up.
TEST_F(OciHostileTest, TagPagesAreFollowedButNotForever) {
  auto artifact = testing::wasm_artifact(io_, "0.2.8");
  upstream_.serve_artifact("wasi/io", "0.2.8", artifact.manifest,
                           {artifact.config, artifact.layer});
  upstream_.answer(
      "/v2/wasi/io/tags/list?n=1000",
      testing::tags_answer("wasi/io", {"latest"}, "/v2/wasi/io/tags/list?last=0.2.0&n=1000"));
  upstream_.answer("/v2/wasi/io/tags/list?last=0.2.0&n=1000",
                   testing::tags_answer("wasi/io", {"0.2.8"}));
  User user(registry());
  auto info = user.wreg({"info", "wasi:io", "--json"}, user.home());
  ASSERT_EQ(info.exit_status, 0) << describe(info);
  EXPECT_NE(info.out.find("\"0.2.8\""), std::string::npos) << info.out;

  upstream_.answer("/v2/wasi/io/tags/list?last=0.2.0&n=1000",
                   testing::tags_answer("wasi/io", {}, "/v2/wasi/io/tags/list?last=0.2.0&n=1000"));
  expect_refused("registry " + registry() +
                 " links more than 100 pages of tags for wasi/io; wreg reads at most 100");
}

TEST_F(OciHostileTest, ASlowDripIsGivenUp) {
  auto artifact = testing::wasm_artifact(io_, "0.2.8");
  testing::FakeAnswer drip = testing::content_answer(io_, "application/wasm");
  drip.drip = std::chrono::milliseconds(20);  // 50 bytes a second, under 1 KiB in a second
  serve_io(artifact, std::move(drip));
  expect_refused("registry http://127.0.0.1:" + std::to_string(upstream_.port()) +
                 " sent fewer than 1024 bytes in 1 s and was given up; try again later, or raise "
                 "stall_seconds in config.toml for a slow link");
}

// A blob served from other storage: the redirect is followed, the bytes verified, and the
// registry's token stays with the registry.
TEST_F(OciHostileTest, ARedirectToAnotherHostGetsNoToken) {
  FakeOciRegistry storage;
  storage.answer("/storage/io", testing::content_answer(io_, "application/octet-stream"));
  upstream_.require_bearer("secret-token");
  serve_io(testing::wasm_artifact(io_, "0.2.8"),
           testing::redirect_answer(storage.url() + "/storage/io"));
  TempDir project;
  auto added = user_->wreg({"add", "wasi:io@0.2.8"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  EXPECT_EQ(deps_files(project.path()), (std::set<std::string>{"wasi-io-0.2.8.wasm"}));
  bool token_asked = false;
  for (const auto& request : upstream_.requests()) token_asked |= request.path() == "/token";
  EXPECT_TRUE(token_asked);
  const auto seen = storage.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("Authorization"), std::nullopt);
}

// A mirror in front of an upstream whose layer is not its digest: nothing is stored, and the
// read says why.
TEST_F(OciHostileTest, AMirrorStoresNothingOfALyingUpstream) {
  std::string other = io_;
  other.back() ^= 1;
  serve_io(testing::wasm_artifact(io_, "0.2.8"),
           testing::content_answer(other, "application/wasm"));
  Registry mirror({"--upstream", "wasi=" + registry()});
  ASSERT_TRUE(mirror.start()) << mirror.error();
  User user(mirror.url());
  TempDir project;
  auto added = user.wreg({"add", "wasi:io@0.2.8"}, project.path());
  EXPECT_EQ(added.exit_status, 1) << describe(added);
  EXPECT_NE(
      added.err.find("wasi:io is not held by this mirror of " + registry() +
                     ", and the upstream cannot give it now: upstream " + registry() + " sent " +
                     Digest::of(std::string_view(other)).to_string() +
                     " for wasi:io@0.2.8, which should be " + io_digest_ + "; nothing was stored"),
      std::string::npos)
      << added.err;
  EXPECT_FALSE(fs::exists(project.path() / "wreg.lock"));
  auto blobs = testing::request(mirror.port(), "GET", "/api/v1/blobs/" + io_digest_, {});
  EXPECT_EQ(blobs.status, 404);
  auto other_blob = testing::request(
      mirror.port(), "GET", "/api/v1/blobs/" + Digest::of(std::string_view(other)).to_string(), {});
  EXPECT_EQ(other_blob.status, 404);
}

// A private upstream: the mirror sends the token of wkg's variable in its own environment.
TEST_F(OciHostileTest, AMirrorReadsAPrivateUpstreamWithWkgsVariable) {
  upstream_.require_bearer("upstream-token");
  serve_io(testing::wasm_artifact(io_, "0.2.8"), testing::content_answer(io_, "application/wasm"));
  const std::string variable =
      "WKG_REGISTRY_127_0_0_1_" + std::to_string(upstream_.port()) + "_AUTH_BEARER";
  ::setenv(variable.c_str(), "upstream-token", 1);
  Registry mirror({"--upstream", "wasi=" + registry()});
  const bool started = mirror.start();
  ::unsetenv(variable.c_str());
  ASSERT_TRUE(started) << mirror.error();
  User user(mirror.url());
  TempDir project;
  auto added = user.wreg({"add", "wasi:io@0.2.8"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added) << mirror.log();
  for (const auto& request : upstream_.requests()) {
    EXPECT_NE(request.path(), "/token");
    EXPECT_EQ(request.header("Authorization"), "Bearer upstream-token") << request.target;
  }
}

// wkg's variable: its token is sent as it is, without a trip to the token endpoint.
TEST_F(OciHostileTest, WkgsBearerVariableIsHonoured) {
  upstream_.require_bearer("wkg-token");
  serve_io(testing::wasm_artifact(io_, "0.2.8"), testing::content_answer(io_, "application/wasm"));
  TempDir project;
  auto added =
      user_->wreg({"add", "wasi:io@0.2.8"}, project.path(), std::nullopt, "",
                  {{"WKG_REGISTRY_127_0_0_1_" + std::to_string(upstream_.port()) + "_AUTH_BEARER",
                    "wkg-token"}});
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  for (const auto& request : upstream_.requests()) {
    EXPECT_NE(request.path(), "/token");
    EXPECT_EQ(request.header("Authorization"), "Bearer wkg-token") << request.target;
  }
}

}  // namespace
}  // namespace wreg::cli_test
