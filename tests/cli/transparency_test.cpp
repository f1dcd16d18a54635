// The transparency log from the user's side: the real wreg against the real wreg-server, each
// attack of issue 20 made on the server's data behind its back, and the client catching it.
// The registry sits behind a relay (cutting_proxy.h), so that its URL stays the same when the
// server behind it is restarted on changed data, restored from a backup, or swapped for a fork.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/cli/cli_harness.h"
#include "tests/cli/cutting_proxy.h"
#include "tests/integration/server_process.h"
#include "tests/support/fixtures.h"
#include "tests/support/registry_tampering.h"
#include "tests/support/test_database.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

PackageVersion release(std::string_view text) { return *PackageVersion::parse(text); }

// A registry with the namespace `demo`, behind a relay whose URL users are given.
class LoggedRegistry {
 public:
  LoggedRegistry() : relay_(0) {}

  ::testing::AssertionResult start() {
    if (!registry_.start() || !registry_.ensure_namespace("demo")) {
      return ::testing::AssertionFailure() << registry_.error();
    }
    relay_.retarget(registry_.port());
    return ::testing::AssertionSuccess();
  }

  // Publishes a component as `id`; `tag` makes its bytes differ from every other's.
  ::testing::AssertionResult publish(const std::string& id, const std::string& tag,
                                     const std::string& url = "") {
    const fs::path file = files_.path() / (tag + ".wasm");
    write_bytes(file, testing::with_custom_section(
                          testing::fixture_bytes("components/analytics-engine.wasm"), tag));
    User admin(url.empty() ? registry_.url() : url);
    auto published =
        admin.wreg({"publish", file.string(), "--package", id}, admin.home(), registry_.token());
    if (published.exit_status != 0) return ::testing::AssertionFailure() << describe(published);
    return ::testing::AssertionSuccess();
  }

  // Stops the server, lets `lie` change its data, and starts it again behind the same URL.
  ::testing::AssertionResult tamper(const std::function<Result<void>(const fs::path&)>& lie) {
    registry_.stop();
    if (auto told = lie(registry_.data_dir()); !told) {
      return ::testing::AssertionFailure() << told.error().message;
    }
    if (!registry_.start()) return ::testing::AssertionFailure() << registry_.error();
    relay_.retarget(registry_.port());
    return ::testing::AssertionSuccess();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(relay_.port()); }
  Registry& registry() { return registry_; }
  CuttingProxy& relay() { return relay_; }

 private:
  Registry registry_;
  CuttingProxy relay_;
  TempDir files_;
};

// The last line of `text`: the error after the note a first use prints.
std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  return trimmed.substr(trimmed.rfind('\n') == std::string::npos ? 0 : trimmed.rfind('\n') + 1);
}

TEST(TransparencyTest, TheFirstUsePinsTheKeyAndLocksWhatItVerified) {
  LoggedRegistry logged;
  ASSERT_TRUE(logged.start());
  ASSERT_TRUE(logged.publish("demo:app@1.0.0", "one"));
  auto key =
      testing::run_server_command({"log", "key", "--data", logged.registry().data_dir().string()});
  ASSERT_EQ(key.exit_status, 0) << key.err;
  key.out.pop_back();

  User alice(logged.url());
  TempDir project;
  auto added = alice.wreg({"add", "demo:app"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  EXPECT_EQ(added.err, "note: pinned the transparency log key of " + logged.url() +
                           " on first use: " + key.out +
                           " (compare it with what the registry's operator publishes; `wreg "
                           "trust` sets another)\n");
  const std::string lock = read_bytes(project.path() / "wreg.lock");
  EXPECT_NE(lock.find("log-index = 0\n"), std::string::npos) << lock;
  EXPECT_NE(lock.find("[[log]]\nregistry = \"" + logged.url() + "\"\nsize = 1\nroot = \""),
            std::string::npos)
      << lock;

  auto again = alice.wreg({"add", "demo:app"}, project.path());
  ASSERT_EQ(again.exit_status, 0) << describe(again);
  EXPECT_EQ(again.err, "") << "the key is shown once";

  ASSERT_TRUE(logged.publish("demo:app@1.1.0", "two"));
  auto verified = alice.wreg({"verify"}, project.path());
  ASSERT_EQ(verified.exit_status, 0) << describe(verified);
  EXPECT_NE(verified.out.find(": log at 2 entries, root "), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("verified 1 package in 1 log\n"), std::string::npos) << verified.out;
  EXPECT_EQ(read_bytes(project.path() / "wreg.lock"), lock) << "verify writes nothing";

  auto history = alice.wreg({"log", "demo:app"}, project.path());
  ASSERT_EQ(history.exit_status, 0) << describe(history);
  EXPECT_NE(history.out.find("0  "), std::string::npos);
  EXPECT_NE(history.out.find("  publish  1.0.0  sha256:"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("1  "), std::string::npos);
  EXPECT_NE(history.out.find("  publish  1.1.0  sha256:"), std::string::npos) << history.out;
}

// The registry's operator (or whoever holds its disk) swaps a release's bytes and digest: the
// document and the blob agree, but no log entry says so.
TEST(TransparencyTest, SwappedBytesAreRefusedByAFreshAdd) {
  WREG_SQLITE_ONLY("edits the SQLite file behind the server");
  LoggedRegistry logged;
  ASSERT_TRUE(logged.start());
  ASSERT_TRUE(logged.publish("demo:app@1.0.0", "one"));
  ASSERT_TRUE(logged.publish("demo:app@1.1.0", "two"));
  ASSERT_TRUE(logged.tamper([](const fs::path& data) {
    return testing::serve_bytes_of(data, release("demo:app@1.0.0"), release("demo:app@1.1.0"));
  }));
  User fresh(logged.url());
  TempDir project;
  auto added = fresh.wreg({"add", "demo:app@=1.0.0"}, project.path());
  EXPECT_EQ(added.exit_status, 1) << describe(added);
  const std::string digest =
      Digest::of(std::string_view(testing::with_custom_section(
                     testing::fixture_bytes("components/analytics-engine.wasm"), "two")))
          .to_string();
  EXPECT_EQ(last_line(added.err),
            "error: registry " + logged.url() +
                "'s transparency log does not verify: demo:app@1.0.0 " + digest +
                " is not in the log as its package document describes it (entry 0 of 2): its "
                "bytes or record were changed after it was published");
  EXPECT_FALSE(fs::exists(project.path() / "wreg.lock"));
  EXPECT_FALSE(fs::exists(project.path() / "wreg.toml"));
}

// The operator covers a swap by truncating the log and letting it be appended again: a new
// user cannot tell, but whoever saw the old log refuses the new one.
TEST(TransparencyTest, RewrittenHistoryIsRefusedByWhoeverSawTheOldLog) {
  WREG_SQLITE_ONLY("edits the SQLite file behind the server");
  LoggedRegistry logged;
  ASSERT_TRUE(logged.start());
  ASSERT_TRUE(logged.publish("demo:app@1.0.0", "one"));
  ASSERT_TRUE(logged.publish("demo:app@1.1.0", "two"));
  User alice(logged.url());
  TempDir alices;
  ASSERT_EQ(alice.wreg({"add", "demo:app@=1.1.0"}, alices.path()).exit_status, 0);

  ASSERT_TRUE(logged.tamper([](const fs::path& data) -> Result<void> {
    if (auto swapped =
            testing::serve_bytes_of(data, release("demo:app@1.0.0"), release("demo:app@1.1.0"));
        !swapped) {
      return swapped;
    }
    return testing::rewrite_log_history(data, 0);
  }));
  User bob(logged.url());
  TempDir bobs;
  auto fooled = bob.wreg({"add", "demo:app@=1.0.0"}, bobs.path());
  EXPECT_EQ(fooled.exit_status, 0)
      << "a first use has nothing to compare with: " << describe(fooled);

  auto refused = alice.wreg({"add", "demo:app@=1.0.0"}, alices.path());
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_EQ(refused.err, "error: registry " + logged.url() +
                             "'s transparency log does not verify: two checkpoints of 2 entries "
                             "have different roots: the registry shows different histories (a "
                             "fork); nothing was changed\n");
  auto verified = alice.wreg({"verify"}, alices.path());
  EXPECT_EQ(verified.exit_status, 1) << describe(verified);
  // Alice's lock, checked by Bob, exposes the rewrite to him too.
  auto bob_checks = bob.wreg({"fetch", "--locked"}, alices.path());
  EXPECT_EQ(bob_checks.exit_status, 1) << describe(bob_checks);
  EXPECT_NE(bob_checks.err.find("wreg.lock's checkpoint of 2 entries has another root than the "
                                "one of that size verified here: the lock's author and you were "
                                "shown different histories"),
            std::string::npos)
      << bob_checks.err;
}

// Two servers with the log's key, each showing its own history (a fork): exchanging lock files
// exposes it.
TEST(TransparencyTest, AForkIsExposedWhenLocksAreExchanged) {
  WREG_SQLITE_ONLY("forks the registry with backup");
  LoggedRegistry logged;
  ASSERT_TRUE(logged.start());
  ASSERT_TRUE(logged.publish("demo:app@1.0.0", "one"));
  TempDir fork_parent;
  const fs::path fork_dir = fork_parent.path() / "fork";
  auto copied = testing::run_server_command(
      {"backup", "--data", logged.registry().data_dir().string(), "--to", fork_dir.string()});
  ASSERT_EQ(copied.exit_status, 0) << copied.err;
  testing::ServerProcess fork(fork_dir);
  ASSERT_TRUE(fork.start()) << fork.log();
  ASSERT_TRUE(logged.publish("demo:app@1.1.0", "two"));
  ASSERT_TRUE(
      logged.publish("demo:app@2.0.0", "fork", "http://127.0.0.1:" + std::to_string(fork.port())));

  User alice(logged.url());
  TempDir alices;
  ASSERT_EQ(alice.wreg({"add", "demo:app@1"}, alices.path()).exit_status, 0);
  logged.relay().retarget(fork.port());
  User bob(logged.url());
  TempDir bobs;
  ASSERT_EQ(bob.wreg({"add", "demo:app@2"}, bobs.path()).exit_status, 0);

  // Bob checks Alice's lock against what he is shown.
  auto exposed = bob.wreg({"verify"}, alices.path());
  EXPECT_EQ(exposed.exit_status, 1) << describe(exposed);
  EXPECT_EQ(exposed.err, "error: registry " + logged.url() +
                             "'s transparency log does not verify: wreg.lock's checkpoint of 2 "
                             "entries has another root than the one of that size verified here: "
                             "the lock's author and you were shown different histories\n");
  // Alice, shown Bob's history with Bob's lock, refuses both.
  auto refused = alice.wreg({"fetch", "--locked"}, bobs.path());
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_NE(refused.err.find("the lock's author and you were shown different histories"),
            std::string::npos)
      << refused.err;
  auto shown = alice.wreg({"log", "demo:app"}, alices.path());
  EXPECT_EQ(shown.exit_status, 1) << describe(shown);
  EXPECT_NE(shown.err.find("different roots: the registry shows different histories (a fork)"),
            std::string::npos)
      << shown.err;
}

// A registry restored from an old backup (or a stale replica) shows an older log: refused as
// not newer than what the user saw.
TEST(TransparencyTest, AnOlderLogIsRefusedAsGoingBack) {
  WREG_SQLITE_ONLY("restores an old backup");
  LoggedRegistry logged;
  ASSERT_TRUE(logged.start());
  ASSERT_TRUE(logged.publish("demo:app@1.0.0", "one"));
  TempDir old_parent;
  const fs::path old_dir = old_parent.path() / "old";
  ASSERT_EQ(testing::run_server_command({"backup", "--data", logged.registry().data_dir().string(),
                                         "--to", old_dir.string()})
                .exit_status,
            0);
  ASSERT_TRUE(logged.publish("demo:app@1.1.0", "two"));
  ASSERT_TRUE(logged.publish("demo:app@1.2.0", "three"));
  User alice(logged.url());
  TempDir project;
  ASSERT_EQ(alice.wreg({"add", "demo:app@=1.0.0"}, project.path()).exit_status, 0);

  testing::ServerProcess old(old_dir);
  ASSERT_TRUE(old.start()) << old.log();
  logged.relay().retarget(old.port());
  auto refused = alice.wreg({"update"}, project.path());
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_EQ(refused.err, "error: registry " + logged.url() +
                             "'s transparency log does not verify: it shows its log at 1 entries, "
                             "fewer than the 3 this machine verified before: the registry went "
                             "back (a restored backup, a stale replica, or an old view shown to "
                             "you); nothing was changed\n");
}

// logs.toml changed on this machine (a disk error, a hand edit): the registry is not blamed for
// disagreeing with a checkpoint its key never signed.
TEST(TransparencyTest, AKeptCheckpointThatDoesNotVerifyIsBlamedOnLogsToml) {
  LoggedRegistry logged;
  ASSERT_TRUE(logged.start());
  ASSERT_TRUE(logged.publish("demo:app@1.0.0", "one"));
  User alice(logged.url());
  TempDir project;
  ASSERT_EQ(alice.wreg({"add", "demo:app"}, project.path()).exit_status, 0);
  const fs::path logs = alice.config_dir() / "wreg" / "logs.toml";
  std::string kept = read_bytes(logs);
  // The checkpoint's root is its third line; its first base64 digit is changed.
  const std::string size_line_text = "\\u000a1\\u000a";  // as toml_quote() escapes "\n1\n"
  const std::size_t size_line = kept.find(size_line_text);
  ASSERT_NE(size_line, std::string::npos) << kept;
  char& digit = kept[size_line + size_line_text.size()];
  digit = digit == 'A' ? 'B' : 'A';
  write_bytes(logs, kept);

  auto refused = alice.wreg({"update"}, project.path());
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_NE(refused.err.find("logs.toml: the checkpoint kept for " + logged.url() +
                             " does not verify with its key "),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("transparency log does not verify"), std::string::npos) << refused.err;
}

// A registry whose checkpoints a second wreg-server witnesses, and users who require that.
class WitnessedRegistry {
 public:
  ::testing::AssertionResult start() {
    log_key_ = server_says({"log", "init", "--data", registry_data().string()});
    witness_key_ = server_says({"log", "witness-key", "--data", witness_data().string()});
    if (log_key_.empty() || witness_key_.empty()) return ::testing::AssertionFailure();
    witness_ = std::make_unique<testing::ServerProcess>(
        witness_data(), std::vector<std::string>{"--witness-for", log_key_});
    if (!witness_->start()) return ::testing::AssertionFailure() << witness_->log();
    registry_ = std::make_unique<testing::ServerProcess>(
        registry_data(), std::vector<std::string>{"--witness", witness_url() + "=" + witness_key_,
                                                  "--witness-timeout", "1s"});
    if (!registry_->start()) return ::testing::AssertionFailure() << registry_->log();
    relay_.retarget(registry_->port());
    server_says({"namespace", "create", "--data", registry_data().string(), "demo"});
    token_ =
        server_says({"token", "create", "--data", registry_data().string(), "--namespace", "demo"});
    if (token_.empty()) return ::testing::AssertionFailure() << "no token";
    return ::testing::AssertionSuccess();
  }

  ::testing::AssertionResult publish(const std::string& id, const std::string& tag) {
    const fs::path file = dirs_.path() / (tag + ".wasm");
    write_bytes(file, testing::with_custom_section(
                          testing::fixture_bytes("components/analytics-engine.wasm"), tag));
    User admin(url());
    auto published = admin.wreg({"publish", file.string(), "--package", id}, admin.home(), token_);
    if (published.exit_status != 0) return ::testing::AssertionFailure() << describe(published);
    return ::testing::AssertionSuccess();
  }

  // `user` requires the cosignatures of `keys` on this registry's log.
  void require_witnesses(const User& user, const std::vector<std::string>& keys) const {
    std::string list;
    for (const std::string& key : keys) list += (list.empty() ? "\"" : ", \"") + key + "\"";
    fs::create_directories(user.config_dir() / "wreg");
    write_bytes(user.config_dir() / "wreg" / "config.toml",
                "[log_witnesses.\"" + url() + "\"]\nkeys = [" + list + "]\n");
  }

  // The registry behind a relay, whose URL stays when the registry restarts.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(relay_.port()); }
  // Starts the registry again on its data (stopped first when it runs).
  ::testing::AssertionResult restart_registry() {
    registry_->stop();
    if (!registry_->start()) return ::testing::AssertionFailure() << registry_->log();
    relay_.retarget(registry_->port());
    return ::testing::AssertionSuccess();
  }
  std::string witness_url() const {
    return "http://127.0.0.1:" + std::to_string(witness_->port()) + "/witness";
  }
  const std::string& witness_key() const { return witness_key_; }
  testing::ServerProcess& registry() { return *registry_; }
  testing::ServerProcess& witness() { return *witness_; }
  fs::path registry_data() const { return dirs_.path() / "registry"; }
  fs::path witness_data() const { return dirs_.path() / "witness"; }

  // The first line `wreg-server args...` prints; "" when it fails.
  static std::string server_says(const std::vector<std::string>& args) {
    auto said = testing::run_server_command(args);
    if (said.exit_status != 0) return "";
    return said.out.substr(0, said.out.find('\n'));
  }

 private:
  TempDir dirs_;
  std::string log_key_, witness_key_, token_;
  std::unique_ptr<testing::ServerProcess> witness_, registry_;
  CuttingProxy relay_{0};
};

TEST(TransparencyTest, ARequiredWitnessMustHaveCosignedTheCheckpoint) {
  WitnessedRegistry witnessed;
  ASSERT_TRUE(witnessed.start());
  ASSERT_TRUE(witnessed.publish("demo:app@1.0.0", "one"));

  User alice(witnessed.url());
  witnessed.require_witnesses(alice, {witnessed.witness_key()});
  TempDir project;
  auto added = alice.wreg({"add", "demo:app"}, project.path());
  ASSERT_EQ(added.exit_status, 0) << describe(added);

  // The registry restarts: the witness tells it the size it cosigned last, and cosigns on.
  ASSERT_TRUE(witnessed.restart_registry());
  ASSERT_TRUE(witnessed.publish("demo:app@1.1.0", "two"));
  auto updated = alice.wreg({"update"}, project.path());
  ASSERT_EQ(updated.exit_status, 0) << describe(updated) << witnessed.registry().log();

  // A witness this registry does not use.
  const std::string stranger = WitnessedRegistry::server_says({"log", "witness-key", "--data",
                                                               (project.path() / "other").string(),
                                                               "--name", "other.example/witness"});
  ASSERT_FALSE(stranger.empty());
  User bob(witnessed.url());
  witnessed.require_witnesses(bob, {stranger});
  TempDir bobs;
  auto refused = bob.wreg({"add", "demo:app"}, bobs.path());
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_NE(last_line(refused.err)
                .find("'s transparency log does not verify: its checkpoint of 2 "
                      "entries is cosigned by 0 of the witnesses config.toml "
                      "requires 1 of (other.example/witness)"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(bobs.path() / "wreg.lock"));

  // The witness is down: publishing goes on, but its checkpoints are not what alice requires.
  witnessed.witness().stop();
  ASSERT_TRUE(witnessed.publish("demo:app@1.2.0", "three"));
  EXPECT_NE(witnessed.registry().log().find("transparency log: witness " + witnessed.witness_url() +
                                            " did not cosign"),
            std::string::npos)
      << witnessed.registry().log();
  const std::string lock = read_bytes(project.path() / "wreg.lock");
  auto unwitnessed = alice.wreg({"update"}, project.path());
  EXPECT_EQ(unwitnessed.exit_status, 1) << describe(unwitnessed);
  EXPECT_NE(unwitnessed.err.find("is cosigned by 0 of the witnesses config.toml requires 1"),
            std::string::npos)
      << unwitnessed.err;
  EXPECT_EQ(read_bytes(project.path() / "wreg.lock"), lock);
}

// A key pinned by hand that is not the log's: every checkpoint is refused.
TEST(TransparencyTest, ACheckpointNotSignedByThePinnedKeyIsRefused) {
  LoggedRegistry logged;
  ASSERT_TRUE(logged.start());
  ASSERT_TRUE(logged.publish("demo:app@1.0.0", "one"));
  TempDir other;
  auto other_key = testing::run_server_command(
      {"log", "init", "--data", (other.path() / "data").string(), "--origin", "other.example/log"});
  ASSERT_EQ(other_key.exit_status, 0) << other_key.err;
  other_key.out.pop_back();
  User alice(logged.url());
  auto trusted = alice.wreg({"trust", logged.url(), other_key.out}, alice.home());
  ASSERT_EQ(trusted.exit_status, 0) << describe(trusted);
  EXPECT_EQ(trusted.out, "trusting " + other_key.out + " for " + logged.url() + "\n");
  TempDir project;
  auto refused = alice.wreg({"add", "demo:app"}, project.path());
  EXPECT_EQ(refused.exit_status, 1) << describe(refused);
  EXPECT_NE(refused.err.find("the checkpoint of demo:app@1.0.0 is not signed by the pinned key " +
                             other_key.out),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(project.path() / "wreg.lock"));

  auto typo = alice.wreg({"trust", logged.url(), other_key.out + "x"}, alice.home());
  EXPECT_EQ(typo.exit_status, 1);
  EXPECT_NE(typo.err.find("invalid verifier key"), std::string::npos) << typo.err;
}

}  // namespace
}  // namespace wreg::cli_test
