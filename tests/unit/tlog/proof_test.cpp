#include "common/tlog/proof.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/text.h"
#include "common/tlog/checkpoint.h"
#include "common/tlog/note.h"
#include "tests/unit/tlog/refusals.h"

namespace wreg::tlog {
namespace {

const std::string kCheckpoint =
    "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n"
    "\xE2\x80\x94 example.com/fancylog hI2DJwAAAAA=\n";

TEST(ProofTest, ReadsAndWritesTheSpecShape) {
  // tlog-proof.md's example, verbatim: its checkpoint's shortened signatures ("[...]") are the
  // note reader's business, not the proof's.
  const std::string example_checkpoint =
      "example.com/fancylog\n"
      "109482\n"
      "sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n"
      "\n"
      "\xE2\x80\x94 example.com/fancylog hI2DJw[...]1roloI=\n"
      "\xE2\x80\x94 witness1.example mJirIklj[...]qY9v2B/5bg==\n"
      "\xE2\x80\x94 witness2.example TnKKVHLX[...]xwYwrSjgow==\n"
      "\xE2\x80\x94 witness3.example S4X82uH5[...]3oEcROGLFQ==\n";
  const std::string text =
      "c2sp.org/tlog-proof@v1\n"
      "extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ\n"
      "index 73894\n"
      "gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=\n"
      "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=\n"
      "EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=\n"
      "RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=\n"
      "AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=\n"
      "\n" +
      example_checkpoint;
  auto proof = parse_tlog_proof(text);
  ASSERT_TRUE(proof.has_value()) << proof.error().message;
  EXPECT_TRUE(proof->extra.starts_with("age-v1.2.1-darwin-arm64.tar.gz")) << proof->extra;
  EXPECT_EQ(proof->index, 73894u);
  ASSERT_EQ(proof->path.size(), 5u);
  EXPECT_EQ(base64_encode(std::span<const std::uint8_t>(proof->path[1])),
            "B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=");
  EXPECT_EQ(proof->checkpoint, example_checkpoint);
  EXPECT_EQ(proof->text(), text);
  EXPECT_FALSE(parse_note(proof->checkpoint).has_value());
}

// transparency-dev/formats proof/tlog_proof_test.go's TestMarshal cases, as text.
TEST(ProofTest, WritesWhatOtherImplementationsWrite) {
  TlogProof none{"", 0, {}, "checkpoint\n"};
  EXPECT_EQ(none.text(), "c2sp.org/tlog-proof@v1\nindex 0\n\ncheckpoint\n");
  TlogProof with_extra{"extra information", 10, {leaf_hash("a")}, "checkpoint data\n"};
  const std::string expected =
      "c2sp.org/tlog-proof@v1\nextra ZXh0cmEgaW5mb3JtYXRpb24=\nindex 10\n" +
      base64_encode(std::span<const std::uint8_t>(leaf_hash("a"))) + "\n\ncheckpoint data\n";
  EXPECT_EQ(with_extra.text(), expected);
  for (const TlogProof& proof : {none, with_extra}) {
    auto read = parse_tlog_proof(proof.text());
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(read->text(), proof.text());
    EXPECT_EQ(read->extra, proof.extra);
    EXPECT_EQ(read->index, proof.index);
    EXPECT_EQ(read->path, proof.path);
    EXPECT_EQ(read->checkpoint, proof.checkpoint);
  }
}

// A real proof checks end to end: the note, the checkpoint in it, and the path to its root.
TEST(ProofTest, AProofFromATreeVerifies) {
  MerkleTree tree;
  for (int i = 0; i < 11; ++i) tree.append(leaf_hash("entry " + std::to_string(i)));
  auto log = NoteSigner::from_seed("log.example", Seed{1});
  ASSERT_TRUE(log.has_value());
  const Checkpoint checkpoint{"log.example", 11, tree.root(11), {}};
  const std::string note = checkpoint.text() + "\n" + log->sign(checkpoint.text());
  const TlogProof proof{"", 6, tree.inclusion_proof(6, 11), note};

  auto read = parse_tlog_proof(proof.text());
  ASSERT_TRUE(read.has_value());
  auto signed_note = parse_note(read->checkpoint);
  ASSERT_TRUE(signed_note.has_value());
  const std::vector<VerifierKey> keys = {log->verifier()};
  ASSERT_TRUE(verify_note(*signed_note, keys).has_value());
  auto head = parse_checkpoint(signed_note->text);
  ASSERT_TRUE(head.has_value());
  EXPECT_TRUE(
      verify_inclusion(leaf_hash("entry 6"), read->index, head->size, read->path, head->root));
  EXPECT_FALSE(
      verify_inclusion(leaf_hash("entry 7"), read->index, head->size, read->path, head->root));
}

TEST(ProofTest, HostileProofsAreRefusedInOneLine) {
  const std::string head = "c2sp.org/tlog-proof@v1\n";
  const std::string hash = base64_encode(std::string(32, 'h')) + "\n";
  std::string hashes_64;
  for (int i = 0; i < 64; ++i) hashes_64 += hash;
  std::string hashes_63;
  for (int i = 0; i < 63; ++i) hashes_63 += hash;
  ASSERT_TRUE(parse_tlog_proof(head + "index 1\n" + hashes_63 + "\n" + kCheckpoint));
  const Refusals cases = {
      {"", "the first line is not"},
      {"c2sp.org/tlog-proof@v2\nindex 0\n\n" + kCheckpoint, "the first line is not"},
      {"c2sp.org/tlog-proof@v1\r\nindex 0\n\n" + kCheckpoint, "the first line is not"},
      {head, "no index line"},
      {head + "\n\n" + kCheckpoint, "no index line"},
      {head + "index\n\n" + kCheckpoint, "no index line"},
      {head + "index 01\n\n" + kCheckpoint, "index \"01\""},
      {head + "index -1\n\n" + kCheckpoint, "index \"-1\""},
      {head + "index +1\n\n" + kCheckpoint, "index \"+1\""},
      {head + "index  1\n\n" + kCheckpoint, "index \" 1\""},
      {head + "index 18446744073709551616\n\n" + kCheckpoint, "index \"18446744073709551616\""},
      {head + "Index 1\n\n" + kCheckpoint, "no index line"},
      {head + "extra \nindex 1\n\n" + kCheckpoint, "extra line"},
      {head + "extra !!\nindex 1\n\n" + kCheckpoint, "extra line"},
      {head + "extra Zg\nindex 1\n\n" + kCheckpoint, "extra line"},
      {head + "extra Zg==\nextra Zg==\nindex 1\n\n" + kCheckpoint, "no index line"},
      {head + "index 1\nextra Zg==\n\n" + kCheckpoint, "is not canonical base64 of 32 bytes"},
      {head + "index 1\n" + base64_encode(std::string(31, 'h')) + "\n\n" + kCheckpoint, "32 bytes"},
      {head + "index 1\n" + base64_encode(std::string(64, 'h')) + "\n\n" + kCheckpoint, "32 bytes"},
      {head + "index 1\n" + hash.substr(0, 43) + "\n\n" + kCheckpoint, "32 bytes"},
      {head + "index 1\n" + hashes_64 + "\n" + kCheckpoint, "more than 63 hashes"},
      {head + "index 1\n" + hash, "no blank line"},
      {head + "index 1\n" + hash + kCheckpoint, "is not canonical base64"},
      {head + "index 1", "no index line"},
      {head + "index 1\n\n", "no checkpoint"},
      {head + "index 1\n\n" + std::string(kMaxNoteBytes, 'c'), "longer than"},
  };
  expect_refused(parse_tlog_proof, cases);
}

}  // namespace
}  // namespace wreg::tlog
