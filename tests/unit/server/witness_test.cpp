// Witness (server/tlog/witness.h) on a real SQLite store: each answer c2sp.org/tlog-witness asks
// for, and the rule that makes a witness worth asking: it never cosigns two histories of a log,
// not even when the requests race, on one server or on replicas sharing a PostgreSQL database.
#include "server/tlog/witness.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/tlog/checkpoint.h"
#include "common/tlog/consistency.h"
#include "common/tlog/merkle.h"
#include "common/tlog/note.h"
#include "server/store/postgres_stores.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/unit/server/sqlite_stores.h"

namespace wreg::tlog {
namespace {

constexpr std::uint64_t kNow = 1'700'000'000;

NoteSigner key_of(std::uint8_t fill, std::string name, std::uint8_t type = kEd25519) {
  Seed seed{};
  seed.fill(fill);
  return *NoteSigner::from_seed(std::move(name), seed, type);
}

// A log of `size` leaves "leaf 0", "leaf 1", ... (or "fork N" from `fork_at` on).
MerkleTree tree_of(std::uint64_t size, std::uint64_t fork_at = ~0ull) {
  MerkleTree tree;
  for (std::uint64_t i = 0; i < size; ++i) {
    tree.append(leaf_hash((i >= fork_at ? "fork " : "leaf ") + std::to_string(i) + "\n"));
  }
  return tree;
}

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = testing::open_sqlite_stores(dir_.path() / "wreg.db");
    ASSERT_TRUE(stores) << stores.error().message;
    stores_ = std::move(*stores);
    witness_ =
        std::make_unique<Witness>(*stores_.metadata, cosigner_,
                                  std::vector<VerifierKey>{log_.verifier()}, [] { return kNow; });
  }

  // The signed checkpoint of `tree`'s first `size` leaves, by `signer`.
  static std::string checkpoint_note(const MerkleTree& tree, std::uint64_t size,
                                     const NoteSigner& signer) {
    const std::string text = Checkpoint{signer.verifier().name, size, tree.root(size), {}}.text();
    return text + "\n" + signer.sign(text);
  }

  // add-checkpoint of `tree` at `size`, with a proof from `old`.
  WitnessAnswer add(const MerkleTree& tree, std::uint64_t old, std::uint64_t size) {
    return add_note(tree, old, size, checkpoint_note(tree, size, log_));
  }
  WitnessAnswer add_note(const MerkleTree& tree, std::uint64_t old, std::uint64_t size,
                         const std::string& note) {
    ConsistencyBody body;
    body.old_size = old;
    if (old > 0 && old < size) body.proof = tree.consistency_proof(old, size);
    body.checkpoint = note;
    return witness_->add_checkpoint(body.text());
  }

  // `kForks` checkpoints of 10 entries, each with its own root (the log forked at leaf t), sent
  // from size 0 at once, the one of thread t to witnesses[t % size]. The answers, by thread.
  static constexpr int kForks = 16;
  std::vector<WitnessAnswer> race_forks(const std::vector<Witness*>& witnesses) const {
    std::vector<std::string> bodies;
    for (int t = 0; t < kForks; ++t) {
      ConsistencyBody body;
      body.checkpoint = checkpoint_note(tree_of(10, t % 10), 10, log_);
      if (t >= 10) body.checkpoint = checkpoint_note(tree_of(10 + t, 10), 10 + t, log_);
      bodies.push_back(body.text());
    }
    std::vector<WitnessAnswer> answers(kForks);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kForks; ++t) {
      threads.emplace_back([&, t] {
        ++ready;
        while (ready < kForks) std::this_thread::yield();
        answers[t] = witnesses[t % witnesses.size()]->add_checkpoint(bodies[t]);
      });
    }
    for (std::thread& thread : threads) thread.join();
    return answers;
  }

  // What race_forks() must give: one cosigned, every other sent back to the size that one has,
  // and that one kept.
  void expect_one_cosigned(const std::vector<WitnessAnswer>& answers,
                           store::MetadataStore& store) const {
    std::vector<int> cosigned;
    for (int t = 0; t < kForks; ++t) {
      if (answers[t].status == 200) {
        cosigned.push_back(t);
      } else {
        EXPECT_EQ(answers[t].status, 409) << answers[t].body;
      }
    }
    ASSERT_EQ(cosigned.size(), 1u) << "a witness cosigned two histories of one log";
    const int winner = cosigned.front();
    const std::uint64_t size = winner >= 10 ? 10 + winner : 10;
    for (int t = 0; t < kForks; ++t) {
      if (t != winner) {
        EXPECT_EQ(answers[t].body, std::to_string(size) + "\n");
      }
    }
    auto kept = store.witnessed_checkpoint("registry.example/log");
    ASSERT_TRUE(kept && *kept);
    const MerkleTree tree = winner >= 10 ? tree_of(size, 10) : tree_of(10, winner);
    EXPECT_EQ(**kept, checkpoint_note(tree, size, log_));
  }

  testing::TempDir dir_;
  testing::SqliteStores stores_;
  const NoteSigner log_ = key_of(1, "registry.example/log");
  const NoteSigner cosigner_ = key_of(2, "peer.example/wreg-witness", kCosignatureV1);
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessTest, CosignsAGrowingLogWithATimestampedCosignature) {
  const MerkleTree tree = tree_of(20);
  WitnessAnswer first = add(tree, 0, 5);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string note = checkpoint_note(tree, 5, log_);
  auto cosigned = parse_note(note + first.body);
  ASSERT_TRUE(cosigned) << cosigned.error().message;
  auto signers = verify_note(*cosigned, std::vector<VerifierKey>{cosigner_.verifier()});
  ASSERT_TRUE(signers) << signers.error().message;
  EXPECT_EQ(signers->front().timestamp, kNow);

  EXPECT_EQ(add(tree, 5, 12).status, 200);
  EXPECT_EQ(add(tree, 12, 12).status, 200) << "the same checkpoint again";
  EXPECT_EQ(add(tree, 12, 20).status, 200);
  auto kept = stores_.metadata->witnessed_checkpoint("registry.example/log");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ(**kept, checkpoint_note(tree, 20, log_));
}

TEST_F(WitnessTest, AnOldSizeOtherThanTheOneCosignedIsAConflictThatSaysIt) {
  const MerkleTree tree = tree_of(20);
  ASSERT_EQ(add(tree, 0, 8).status, 200);
  WitnessAnswer stale = add(tree, 0, 10);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.content_type, "text/x.tlog.size");
  EXPECT_EQ(stale.body, "8\n");
  EXPECT_EQ(add(tree, 8, 10).status, 200) << "asked again from the size it said";
  EXPECT_EQ(add(tree, 8, 12).body, "10\n") << "a smaller one cannot roll it back";
}

TEST_F(WitnessTest, NeverCosignsAForkOrAShrinkingLog) {
  const MerkleTree tree = tree_of(20);
  const MerkleTree fork = tree_of(20, 6);
  ASSERT_EQ(add(tree, 0, 10).status, 200);
  WitnessAnswer same_size = add(fork, 10, 10);
  EXPECT_EQ(same_size.status, 409) << same_size.body;
  EXPECT_NE(same_size.body.find("another root"), std::string::npos) << same_size.body;
  // A proof of the fork's own history does not join it to what was cosigned.
  WitnessAnswer grown = add(fork, 10, 15);
  EXPECT_EQ(grown.status, 422) << grown.body;
  WitnessAnswer smaller = add(tree, 10, 7);
  EXPECT_EQ(smaller.status, 400) << smaller.body;
  auto kept = stores_.metadata->witnessed_checkpoint("registry.example/log");
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ(**kept, checkpoint_note(tree, 10, log_)) << "nothing was recorded";
}

TEST_F(WitnessTest, RefusesUnknownLogsForgedSignaturesAndBodiesThatDoNotRead) {
  const MerkleTree tree = tree_of(4);
  const NoteSigner stranger = key_of(3, "elsewhere.example/log");
  EXPECT_EQ(add_note(tree, 0, 4, checkpoint_note(tree, 4, stranger)).status, 404);
  // The log's name, another key.
  const NoteSigner impostor = key_of(4, "registry.example/log");
  EXPECT_EQ(add_note(tree, 0, 4, checkpoint_note(tree, 4, impostor)).status, 403);
  std::string flipped = checkpoint_note(tree, 4, log_);
  flipped[flipped.find('\n') + 1] = '5';  // the size line
  EXPECT_EQ(add_note(tree, 0, 4, flipped).status, 403);
  for (const std::string& body :
       std::vector<std::string>{"", "old\n\n", "old 01\n\nx", "old 0\nnot base64\n\n",
                                std::string("old 0\n\n") + std::string(70000, 'a')}) {
    EXPECT_EQ(witness_->add_checkpoint(body).status, 400) << body.substr(0, 40);
  }
  auto kept = stores_.metadata->witnessed_checkpoint("registry.example/log");
  ASSERT_TRUE(kept);
  EXPECT_FALSE(*kept);
}

TEST_F(WitnessTest, AProofWhereNoneCanBeIsRefused) {
  const MerkleTree tree = tree_of(6);
  ConsistencyBody body;
  body.proof = {tree.root(3)};
  body.checkpoint = checkpoint_note(tree, 6, log_);
  EXPECT_EQ(witness_->add_checkpoint(body.text()).status, 422) << "from size 0";
  ASSERT_EQ(add(tree, 0, 6).status, 200);
  body.old_size = 6;
  EXPECT_EQ(witness_->add_checkpoint(body.text()).status, 422) << "from a size to itself";
}

TEST_F(WitnessTest, WhatItCosignedSurvivesARestart) {
  const MerkleTree tree = tree_of(9);
  ASSERT_EQ(add(tree, 0, 9).status, 200);
  witness_ = std::make_unique<Witness>(
      *stores_.metadata, cosigner_, std::vector<VerifierKey>{log_.verifier()}, [] { return kNow; });
  EXPECT_EQ(add(tree, 0, 9).body, "9\n");
}

// Requests racing on one server: the check and the record are one compare-and-swap in the store.
TEST_F(WitnessTest, RacingCheckpointsOfOneLogHaveExactlyOneCosigned) {
  expect_one_cosigned(race_forks({witness_.get()}), *stores_.metadata);
}

// Two replicas sharing one PostgreSQL database, each with its own Witness: the compare-and-swap
// is the database's, not a lock in one process.
TEST_F(WitnessTest, WitnessesOnReplicasOfOneDatabaseCosignOneOfRacingCheckpoints) {
  const std::string url = testing::new_postgres_database();
  std::vector<std::unique_ptr<store::PostgresDatabase>> databases;
  std::vector<std::unique_ptr<store::PostgresMetadataStore>> stores;
  std::vector<std::unique_ptr<Witness>> witnesses;
  for (int replica = 0; replica < 2; ++replica) {
    auto database = store::PostgresDatabase::open(url, {});
    ASSERT_TRUE(database) << database.error().message;
    databases.push_back(std::move(*database));
    stores.push_back(std::make_unique<store::PostgresMetadataStore>(*databases.back()));
    witnesses.push_back(std::make_unique<Witness>(
        *stores.back(), cosigner_, std::vector<VerifierKey>{log_.verifier()}, [] { return kNow; }));
  }
  expect_one_cosigned(race_forks({witnesses[0].get(), witnesses[1].get()}), *stores[1]);
}

}  // namespace
}  // namespace wreg::tlog
