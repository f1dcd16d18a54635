// The transparency log of the real wreg-server (127.0.0.1, port 0, temp data dir), read over HTTP
// as C2SP describes it and checked with the tlog code the client verifies with: the key the
// first start makes, the checkpoint, a release's proof, consistency proofs, tiles and entry
// bundles, hostile paths, and the admin commands. Then the data dir is changed behind the
// server's back, and the next start refuses it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/api/answers.h"
#include "common/base64.h"
#include "common/tlog/checkpoint.h"
#include "common/tlog/merkle.h"
#include "common/tlog/note.h"
#include "common/tlog/proof.h"
#include "common/tlog/release_entry.h"
#include "common/tlog/tiles.h"
#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"
#include "tests/support/fixtures.h"
#include "tests/support/registry_tampering.h"
#include "tests/support/test_database.h"

namespace wreg::testing {
namespace {

using Json = nlohmann::json;
using tlog::Checkpoint;
using tlog::Hash;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

class TransparencyLogServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start({"demo"})) << server_.error();
    auto key = run_server_command({"log", "key", "--data", server_.data_dir().string()});
    ASSERT_EQ(key.exit_status, 0) << key.err;
    auto parsed = tlog::parse_verifier_key(trimmed(key.out));
    ASSERT_TRUE(parsed) << parsed.error().message;
    key_ = *parsed;
    token_ = create_token(server_.data_dir(), {"--namespace", "demo"});
    ASSERT_FALSE(token_.empty());
  }

  HttpResponse get(const std::string& target) { return request(server_.port(), "GET", target); }

  HttpResponse publish(const std::string& name, const std::string& version,
                       const std::string& tag) {
    const std::string bytes =
        with_custom_section(fixture_bytes("components/analytics-engine.wasm"), tag);
    return request(server_.port(), "PUT", "/api/v1/packages/demo/" + name + "/" + version,
                   {{"Authorization", "Bearer " + token_}}, bytes);
  }

  // The checkpoint in a signed note, verified with the pinned key.
  Checkpoint verified(const std::string& note_text) {
    auto note = tlog::parse_note(note_text);
    EXPECT_TRUE(note) << note.error().message;
    if (!note) return {};
    auto signers = tlog::verify_note(*note, std::span(&key_, 1));
    EXPECT_TRUE(signers) << signers.error().message;
    auto checkpoint = tlog::parse_checkpoint(note->text);
    EXPECT_TRUE(checkpoint) << checkpoint.error().message;
    return checkpoint ? *checkpoint : Checkpoint{};
  }

  // The entry the release document of demo:<name>@<version> describes: what a client rebuilds
  // from the document it resolved with, to check against the log.
  std::string entry_of(const std::string& name, const std::string& version) {
    const Json document = Json::parse(get("/api/v1/packages/demo/" + name + "/" + version).body);
    const tlog::ReleaseEntry entry{
        tlog::ReleaseEvent::kPublish,
        *PackageVersion::parse("demo:" + name + "@" + version),
        *Digest::parse(document["digest"].get<std::string>()),
        document["size"].get<std::uint64_t>(),
        document["kind"] == "wit" ? api::ReleaseKind::kWit : api::ReleaseKind::kComponent,
        document["published"].get<std::string>()};
    return entry.text();
  }

  SuiteServer server_;
  tlog::VerifierKey key_;
  std::string token_;
};

TEST_F(TransparencyLogServerTest, TheFirstStartMakesTheKeyAndSignsTheEmptyLog) {
  EXPECT_NE(server_.log().find("clients pin its verifier key " + key_.to_string()),
            std::string::npos)
      << server_.log();
  auto checkpoint = get("/log/checkpoint");
  ASSERT_EQ(checkpoint.status, 200);
  EXPECT_EQ(checkpoint.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(checkpoint.header("cache-control"), "no-cache");
  const Checkpoint signed_checkpoint = verified(checkpoint.body);
  EXPECT_EQ(signed_checkpoint.origin, key_.name);
  EXPECT_EQ(signed_checkpoint.size, 0u);
  EXPECT_EQ(signed_checkpoint.root, tlog::empty_root());

  auto again = run_server_command({"log", "init", "--data", server_.data_dir().string()});
  EXPECT_EQ(again.exit_status, 1);
  EXPECT_NE(again.err.find("already has a log key, whose verifier key is " + key_.to_string()),
            std::string::npos)
      << again.err;
}

TEST_F(TransparencyLogServerTest, APublishAnswersOnceItsEntryIsSignedAndProvable) {
  auto first = publish("engine", "1.0.0", "one");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(Json::parse(first.body)["log_index"], 0);
  auto second = publish("engine", "1.1.0", "two");
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(Json::parse(second.body)["log_index"], 1);
  EXPECT_EQ(Json::parse(get("/api/v1/packages/demo/engine/1.1.0").body)["log_index"], 1);

  // The checkpoint already covers both: the publish waited for it.
  const Checkpoint now = verified(get("/log/checkpoint").body);
  ASSERT_EQ(now.size, 2u);

  auto proof_answer = get("/api/v1/packages/demo/engine/1.0.0/proof?from=1");
  ASSERT_EQ(proof_answer.status, 200) << proof_answer.body;
  auto proof = api::parse_release_proof(proof_answer.body);
  ASSERT_TRUE(proof) << proof.error().message;
  EXPECT_EQ(proof->log_index, 0u);
  auto tlog_proof = tlog::parse_tlog_proof(proof->proof);
  ASSERT_TRUE(tlog_proof) << tlog_proof.error().message;
  const Checkpoint proved = verified(tlog_proof->checkpoint);
  EXPECT_EQ(proved, now);
  const std::string entry = entry_of("engine", "1.0.0");
  EXPECT_TRUE(tlog::verify_inclusion(tlog::leaf_hash(entry), tlog_proof->index, proved.size,
                                     tlog_proof->path, proved.root));
  EXPECT_FALSE(tlog::verify_inclusion(tlog::leaf_hash(entry_of("engine", "1.1.0")),
                                      tlog_proof->index, proved.size, tlog_proof->path,
                                      proved.root))
      << "another release's entry is not at that index";

  // The consistency proof from the size the client saw (1) to the proof's checkpoint.
  ASSERT_EQ(proof->consistency_from, std::optional<std::uint64_t>(1));
  tlog::MerkleTree first_tree;
  first_tree.append(tlog::leaf_hash(entry));
  EXPECT_TRUE(tlog::verify_consistency(1, proved.size, first_tree.root(1), proved.root,
                                       proof->consistency));

  auto consistency = get("/log/consistency?from=1");
  ASSERT_EQ(consistency.status, 200) << consistency.body;
  const std::string& body = consistency.body;
  ASSERT_TRUE(body.starts_with("old 1\n")) << body;
  const std::size_t blank = body.find("\n\n");
  ASSERT_NE(blank, std::string::npos);
  std::vector<Hash> hashes;
  std::size_t line = body.find('\n') + 1;
  while (line < blank + 1) {
    const std::size_t end = body.find('\n', line);
    auto bytes = base64_decode(body.substr(line, end - line));
    ASSERT_TRUE(bytes && bytes->size() == 32);
    std::copy(bytes->begin(), bytes->end(), hashes.emplace_back().begin());
    line = end + 1;
  }
  EXPECT_EQ(verified(body.substr(blank + 2)), now);
  EXPECT_TRUE(tlog::verify_consistency(1, now.size, first_tree.root(1), now.root, hashes));
}

TEST_F(TransparencyLogServerTest, TilesAndEntriesRebuildTheSignedRoot) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(publish("engine", "1.0." + std::to_string(i), std::to_string(i)).status, 201);
  }
  const Checkpoint now = verified(get("/log/checkpoint").body);
  ASSERT_EQ(now.size, 3u);
  auto tile = get("/log/tile/0/000.p/3");
  ASSERT_EQ(tile.status, 200) << tile.body;
  EXPECT_EQ(tile.header("content-type"), "application/octet-stream");
  EXPECT_EQ(tile.header("cache-control"), "public, max-age=31536000, immutable");
  ASSERT_EQ(tile.body.size(), 3u * 32);
  auto bundle = get("/log/tile/entries/000.p/3");
  ASSERT_EQ(bundle.status, 200);
  tlog::MerkleTree tree;
  std::size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    ASSERT_LE(at + 2, bundle.body.size());
    const std::size_t length = (static_cast<unsigned char>(bundle.body[at]) << 8) |
                               static_cast<unsigned char>(bundle.body[at + 1]);
    const std::string entry = bundle.body.substr(at + 2, length);
    at += 2 + length;
    ASSERT_TRUE(tlog::parse_release_entry(entry)) << entry;
    const Hash leaf = tlog::leaf_hash(entry);
    EXPECT_EQ(tile.body.substr(i * 32, 32), std::string(leaf.begin(), leaf.end()));
    tree.append(leaf);
  }
  EXPECT_EQ(at, bundle.body.size());
  EXPECT_EQ(tree.root(3), now.root);
}

TEST_F(TransparencyLogServerTest, HostileLogRequestsGetOneLineErrors) {
  ASSERT_EQ(publish("engine", "1.0.0", "x").status, 201);
  const std::vector<std::pair<std::string, int>> cases = {
      {"/log/tile/0/000", 404},       // full tile past the log
      {"/log/tile/0/000.p/2", 404},   // wider than the log
      {"/log/tile/0/x001/000", 404},  // far past it
      {"/log/tile/0/00", 400},        // not a 3-digit group
      {"/log/tile/0/000.p/0", 400},   // no empty partial tile
      {"/log/tile/64/000", 400},      // no such level
      {"/log/tile/entries/000.p/256", 400},
      {"/log/tile/0/%2e%2e/000", 400},  // traversal, refused by the router
      {"/log/consistency", 400},        // no from
      {"/log/consistency?from=abc", 400},
      {"/log/consistency?from=2", 400},  // past the log
      {"/log/consistency?from=99999999999999999999999", 400},
      {"/api/v1/packages/demo/engine/9.9.9/proof", 404},
      {"/api/v1/packages/demo/engine/1.0.0/proof?from=-1", 400},
  };
  for (const auto& [target, status] : cases) {
    auto response = get(target);
    EXPECT_EQ(response.status, status) << target << ": " << response.body;
    const Json body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(body.is_object() && body.contains("error")) << target << ": " << response.body;
    const std::string message = body["error"].value("message", "");
    EXPECT_FALSE(message.empty()) << target;
    EXPECT_EQ(message.find('\n'), std::string::npos) << target << ": " << message;
  }
  EXPECT_EQ(get("/log/checkpoint").status, 200) << "still serving";
}

TEST_F(TransparencyLogServerTest, FsckChecksTheLogAndAChangedHistoryStopsTheServer) {
  WREG_SQLITE_ONLY("rewrites the log in the SQLite file");
  ASSERT_EQ(publish("engine", "1.0.0", "a").status, 201);
  ASSERT_EQ(publish("engine", "2.0.0", "b").status, 201);
  const std::string data = server_.data_dir().string();
  auto clean = run_server_command({"fsck", "--data", data});
  EXPECT_EQ(clean.exit_status, 0) << clean.err;
  EXPECT_NE(clean.out.find("2 log entries under 3 checkpoints"), std::string::npos) << clean.out;

  std::string entry = entry_of("engine", "1.0.0");
  ASSERT_EQ(server_.stop(), 0);
  entry.replace(entry.find("1.0.0"), 5, "1.0.1");
  ASSERT_TRUE(rewrite_log_entry(server_.data_dir(), 0, entry));
  auto dirty = run_server_command({"fsck", "--data", data});
  EXPECT_EQ(dirty.exit_status, 1);
  EXPECT_NE(dirty.err.find("signed another root than its entries give"), std::string::npos)
      << dirty.err;
  ServerProcess refused(server_.data_dir());
  EXPECT_FALSE(refused.start());
  EXPECT_NE(refused.log().find("the transparency log does not match its entries"),
            std::string::npos)
      << refused.log();
}

TEST_F(TransparencyLogServerTest, ALostKeyStopsTheServerInsteadOfStartingANewLog) {
  ASSERT_EQ(publish("engine", "1.0.0", "a").status, 201);
  ASSERT_EQ(server_.stop(), 0);
  std::filesystem::remove(server_.data_dir() / "log-signing.key");
  ServerProcess refused(server_.data_dir());
  EXPECT_FALSE(refused.start());
  EXPECT_NE(refused.log().find("log-signing.key\" is missing; restore it from a backup"),
            std::string::npos)
      << refused.log();
}

}  // namespace
}  // namespace wreg::testing
