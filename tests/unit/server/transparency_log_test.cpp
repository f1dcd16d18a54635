// TransparencyLog (server/tlog/transparency_log.h) on a real SQLite store in a temp dir: what it
// signs is what the entries give, proofs and tiles verify with the pure tlog code, a burst
// shares a signature, and a log whose history was changed behind its back is refused at open.
#include "server/tlog/transparency_log.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/tlog/checkpoint.h"
#include "common/tlog/merkle.h"
#include "common/tlog/note.h"
#include "common/tlog/release_entry.h"
#include "tests/support/registry_tampering.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/server/sqlite_stores.h"
#include "tests/unit/server/store_values.h"

namespace wreg::tlog {
namespace {

using testing::component;
using testing::pv;

NoteSigner signer_of(std::uint8_t fill, std::string name = "registry.example/log") {
  Seed seed{};
  seed.fill(fill);
  return *NoteSigner::from_seed(std::move(name), seed);
}

class TransparencyLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = testing::open_sqlite_stores(dir_.path() / "wreg.db");
    ASSERT_TRUE(stores) << stores.error().message;
    stores_ = std::move(*stores);
    ASSERT_TRUE(stores_.metadata->create_namespace("demo"));
  }

  Result<std::unique_ptr<TransparencyLog>> open(NoteSigner signer = signer_of(1),
                                                LogOptions options = {}) {
    return TransparencyLog::open(*stores_.metadata, std::move(signer), std::move(options));
  }

  void publish(const std::string& id) {
    auto published = stores_.metadata->publish(component(id, "bytes of " + id));
    ASSERT_TRUE(published) << published.error().message;
  }

  // The stored entries [from, from + count).
  std::vector<std::string> entries(std::uint64_t from, std::uint64_t count) {
    auto read = stores_.metadata->log_entries(from, count);
    EXPECT_TRUE(read) << read.error().message;
    return read ? *read : std::vector<std::string>{};
  }

  // The tree over every stored entry, computed here from the entries alone.
  MerkleTree tree_of_entries() {
    MerkleTree tree;
    for (const std::string& entry : entries(0, 1'000'000)) tree.append(leaf_hash(entry));
    return tree;
  }

  // The checkpoint `note` says, after checking its signature with `key`.
  static Checkpoint verified(const std::string& note, const VerifierKey& key) {
    auto parsed = parse_note(note);
    EXPECT_TRUE(parsed) << parsed.error().message;
    auto signers = verify_note(*parsed, std::span(&key, 1));
    EXPECT_TRUE(signers) << signers.error().message;
    auto checkpoint = parse_checkpoint(parsed->text);
    EXPECT_TRUE(checkpoint) << checkpoint.error().message;
    return *checkpoint;
  }

  wreg::testing::TempDir dir_;
  testing::SqliteStores stores_;
};

TEST_F(TransparencyLogTest, AFreshLogSignsTheEmptyTree) {
  auto log = open();
  ASSERT_TRUE(log) << log.error().message;
  const Checkpoint checkpoint = verified((*log)->latest()->note, signer_of(1).verifier());
  EXPECT_EQ(checkpoint.origin, "registry.example/log");
  EXPECT_EQ(checkpoint.size, 0u);
  EXPECT_EQ(checkpoint.root, empty_root());
  EXPECT_EQ(stores_.metadata->checkpoints()->size(), 1u);
}

TEST_F(TransparencyLogTest, WhatWasWrittenIsSignedAndProvable) {
  auto log = open();
  ASSERT_TRUE(log) << log.error().message;
  publish("demo:a@1.0.0");
  publish("demo:b@2.0.0");
  ASSERT_TRUE(stores_.metadata->set_yanked(pv("demo:a@1.0.0"), true));
  auto signed_checkpoint = (*log)->await_entries();
  ASSERT_TRUE(signed_checkpoint) << signed_checkpoint.error().message;
  const Checkpoint checkpoint = verified((*signed_checkpoint)->note, signer_of(1).verifier());
  const MerkleTree tree = tree_of_entries();
  ASSERT_EQ(checkpoint.size, 3u);
  EXPECT_EQ(checkpoint.root, tree.root(3));
  EXPECT_EQ(*stores_.metadata->latest_checkpoint(), (*signed_checkpoint)->note) << "stored";

  const auto release = stores_.metadata->release(pv("demo:b@2.0.0"));
  ASSERT_TRUE(release && release->log_index);
  const std::string entry = entries(*release->log_index, 1).at(0);
  EXPECT_EQ(parse_release_entry(entry)->release, pv("demo:b@2.0.0"));
  auto path = (*log)->inclusion_proof(*release->log_index, 3);
  ASSERT_TRUE(path) << path.error().message;
  EXPECT_TRUE(verify_inclusion(leaf_hash(entry), *release->log_index, 3, *path, checkpoint.root));
  auto consistency = (*log)->consistency_proof(1, 3);
  ASSERT_TRUE(consistency);
  EXPECT_TRUE(verify_consistency(1, 3, tree.root(1), checkpoint.root, *consistency));

  EXPECT_EQ((*log)->inclusion_proof(3, 3).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*log)->inclusion_proof(0, 4).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*log)->consistency_proof(2, 1).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*log)->consistency_proof(1, 4).error().code, ErrorCode::kInvalidArgument);
}

// Writers that wait at once share the checkpoint the first one's wait asks for.
TEST_F(TransparencyLogTest, ABurstOfWritesSharesOneSignature) {
  LogOptions options;
  options.poll = std::chrono::hours(1);  // no round but the ones the waiters ask for
  auto log = open(signer_of(1), options);
  ASSERT_TRUE(log) << log.error().message;
  for (int i = 0; i < 8; ++i) publish("demo:burst@1.0." + std::to_string(i));
  std::vector<std::thread> waiters;
  std::vector<std::uint64_t> sizes(8);
  for (int i = 0; i < 8; ++i) {
    waiters.emplace_back([&, i] {
      auto awaited = (*log)->await_entries();
      sizes[i] = awaited ? (*awaited)->checkpoint.size : 0;
    });
  }
  for (auto& waiter : waiters) waiter.join();
  EXPECT_EQ(sizes, std::vector<std::uint64_t>(8, 8));
  EXPECT_EQ(stores_.metadata->checkpoints()->size(), 2u) << "the empty tree's, then one for all";
}

TEST_F(TransparencyLogTest, TilesAndEntryBundlesAreTheTreeAsC2spLaysItOut) {
  for (int i = 0; i < 258; ++i) publish("demo:t" + std::to_string(i) + "@1.0.0");
  auto log = open();
  ASSERT_TRUE(log) << log.error().message;
  ASSERT_EQ((*log)->latest()->checkpoint.size, 258u);
  const MerkleTree tree = tree_of_entries();
  const std::vector<std::string> stored = entries(0, 1000);

  auto full = (*log)->tile(*parse_tile_path("tile/0/000"));
  ASSERT_TRUE(full) << full.error().message;
  ASSERT_EQ(full->size(), 256u * 32);
  EXPECT_EQ(full->substr(255 * 32, 32),
            std::string(reinterpret_cast<const char*>(tree.node(0, 255).data()), 32));
  auto partial = (*log)->tile(*parse_tile_path("tile/0/001.p/2"));
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->substr(32),
            std::string(reinterpret_cast<const char*>(leaf_hash(stored[257]).data()), 32));
  auto level_one = (*log)->tile(*parse_tile_path("tile/1/000.p/1"));
  ASSERT_TRUE(level_one);
  EXPECT_EQ(*level_one, std::string(reinterpret_cast<const char*>(tree.root(256).data()), 32))
      << "the root of the first full tile";

  auto bundle = (*log)->tile(*parse_tile_path("tile/entries/001.p/2"));
  ASSERT_TRUE(bundle);
  std::string expected;
  for (int i = 256; i < 258; ++i) {
    expected += static_cast<char>(stored[i].size() >> 8);
    expected += static_cast<char>(stored[i].size() & 0xff);
    expected += stored[i];
  }
  EXPECT_EQ(*bundle, expected);

  for (const char* beyond : {"tile/0/001", "tile/0/001.p/3", "tile/1/000", "tile/2/000.p/1",
                             "tile/entries/002.p/1", "tile/0/x001/000"}) {
    auto refused = (*log)->tile(*parse_tile_path(beyond));
    ASSERT_FALSE(refused) << beyond;
    EXPECT_EQ(refused.error().code, ErrorCode::kNotFound) << beyond;
  }
}

TEST_F(TransparencyLogTest, AChangedEntryIsRefusedAtOpen) {
  publish("demo:a@1.0.0");
  publish("demo:b@1.0.0");
  { ASSERT_TRUE(open()); }
  std::string entry = entries(0, 1).at(0);
  entry.replace(entry.find("1.0.0"), 5, "9.9.9");
  ASSERT_TRUE(testing::rewrite_log_entry(dir_.path(), 0, entry));
  auto refused = open();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message.find("entries were changed"), std::string::npos)
      << refused.error().message;
}

TEST_F(TransparencyLogTest, LostEntriesAreRefusedAtOpen) {
  publish("demo:a@1.0.0");
  publish("demo:b@1.0.0");
  { ASSERT_TRUE(open()); }
  ASSERT_TRUE(testing::truncate_log_entries(dir_.path(), 1));
  auto refused = open();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message.find("covers 2 entries but the store holds 1"),
            std::string::npos)
      << refused.error().message;
}

TEST_F(TransparencyLogTest, AnotherKeyIsRefusedAtOpen) {
  publish("demo:a@1.0.0");
  { ASSERT_TRUE(open(signer_of(1))); }
  auto refused = open(signer_of(2));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(refused.error().message.find("not signed by the log's key"), std::string::npos)
      << refused.error().message;
}

// An operator who rewrites history and deletes the checkpoints that would give it away gets a
// server that starts, but no consistency proof joins its new checkpoint to one a client kept.
TEST_F(TransparencyLogTest, RewrittenHistoryCannotBeProvedConsistent) {
  publish("demo:a@1.0.0");
  publish("demo:b@1.0.0");
  Checkpoint seen;
  {
    auto log = open();
    ASSERT_TRUE(log);
    seen = (*log)->latest()->checkpoint;
  }
  ASSERT_TRUE(testing::rewrite_log_history(dir_.path(), 1));
  ASSERT_TRUE(stores_.metadata->publish(component("demo:c@1.0.0", "c")));
  auto log = open();
  ASSERT_TRUE(log) << log.error().message;
  const Checkpoint now = (*log)->latest()->checkpoint;
  ASSERT_GE(now.size, seen.size);
  auto proof = (*log)->consistency_proof(seen.size, now.size);
  ASSERT_TRUE(proof);
  EXPECT_FALSE(verify_consistency(seen.size, now.size, seen.root, now.root, *proof));
}

TEST_F(TransparencyLogTest, ReleasesFromBeforeTheLogAreLoggedOldestFirstAtOpen) {
  publish("demo:a@1.0.0");
  publish("demo:b@1.0.0");
  ASSERT_TRUE(stores_.metadata->set_yanked(pv("demo:a@1.0.0"), true));
  ASSERT_TRUE(testing::forget_transparency_log(dir_.path()));
  ASSERT_EQ(*stores_.metadata->log_size(), 0u);
  auto log = open();
  ASSERT_TRUE(log) << log.error().message;
  const std::vector<std::string> logged = entries(0, 10);
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_EQ(parse_release_entry(logged[0])->event, ReleaseEvent::kPublish);
  EXPECT_EQ(parse_release_entry(logged[0])->release, pv("demo:a@1.0.0"));
  EXPECT_EQ(parse_release_entry(logged[1])->event, ReleaseEvent::kYank);
  EXPECT_EQ(parse_release_entry(logged[2])->release, pv("demo:b@1.0.0"));
  EXPECT_EQ(stores_.metadata->release(pv("demo:b@1.0.0"))->log_index,
            std::optional<std::uint64_t>(2));
  EXPECT_EQ((*log)->latest()->checkpoint.size, 3u);
}

// A rotated key (log_key.h) signs the same log on: the newest checkpoint, signed by the retired
// key, is signed again with the new one at open, at the same size and root.
TEST_F(TransparencyLogTest, ARotatedKeySignsTheSameLogOn) {
  publish("demo:a@1.0.0");
  Checkpoint before;
  {
    auto log = open(signer_of(1));
    ASSERT_TRUE(log);
    before = (*log)->latest()->checkpoint;
  }
  LogOptions options;
  options.retired_keys = {signer_of(1).verifier()};
  auto log = open(signer_of(2), options);
  ASSERT_TRUE(log) << log.error().message;
  const Checkpoint after = verified((*log)->latest()->note, signer_of(2).verifier());
  EXPECT_EQ(after, before);
}

}  // namespace
}  // namespace wreg::tlog
