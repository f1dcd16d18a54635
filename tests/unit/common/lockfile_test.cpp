#include "common/lockfile.h"

#include <gtest/gtest.h>

namespace wreg {
namespace {

LockedPackage locked(std::string_view name, std::string_view version,
                     std::vector<std::string> requirements) {
  return LockedPackage{*PackageName::parse(name), *Version::parse(version),
                       "http://127.0.0.1:8080",   Digest::of(std::string_view(name)),
                       std::move(requirements),   std::nullopt};
}

TEST(LockfileTest, WritesSortedStableText) {
  Lockfile lock;
  lock.packages.push_back(locked("wasi:io", "0.3.0-rc.1", {"^0.3.0-rc.1"}));
  lock.packages.push_back(locked("wasi:clocks", "0.2.8", {"^0.2.8"}));
  lock.packages.push_back(locked("wasi:io", "0.2.8", {"^0.2.8", "^0.2.0", "^0.2.8"}));
  std::string text = to_toml(lock);
  EXPECT_EQ(text,
            "# This file is written by wreg: do not edit it by hand.\n"
            "version = 1\n"
            "\n[[package]]\nname = \"wasi:clocks\"\nversion = \"0.2.8\"\n"
            "registry = \"http://127.0.0.1:8080\"\ndigest = \"" +
                Digest::of(std::string_view("wasi:clocks")).to_string() +
                "\"\nrequirements = [\"^0.2.8\"]\n"
                "\n[[package]]\nname = \"wasi:io\"\nversion = \"0.2.8\"\n"
                "registry = \"http://127.0.0.1:8080\"\ndigest = \"" +
                Digest::of(std::string_view("wasi:io")).to_string() +
                "\"\nrequirements = [\"^0.2.0\", \"^0.2.8\"]\n"
                "\n[[package]]\nname = \"wasi:io\"\nversion = \"0.3.0-rc.1\"\n"
                "registry = \"http://127.0.0.1:8080\"\ndigest = \"" +
                Digest::of(std::string_view("wasi:io")).to_string() +
                "\"\nrequirements = [\"^0.3.0-rc.1\"]\n");
  // Input order does not change the bytes.
  std::swap(lock.packages[0], lock.packages[2]);
  EXPECT_EQ(to_toml(lock), text);
}

TEST(LockfileTest, RoundTrips) {
  Lockfile lock;
  lock.packages.push_back(locked("toolsku:analytics", "0.1.0", {"^0.1.0"}));
  lock.packages[0].registry = "https://reg.example/with \"quote\"";
  auto parsed = parse_lockfile(to_toml(lock));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->packages.size(), 1u);
  EXPECT_EQ(parsed->packages[0].registry, "https://reg.example/with \"quote\"");
  EXPECT_EQ(parsed->packages[0].digest, lock.packages[0].digest);
  EXPECT_EQ(to_toml(*parsed), to_toml(lock));
  EXPECT_EQ(parsed->find(*PackageName::parse("toolsku:analytics")).size(), 1u);
  EXPECT_TRUE(parsed->find(*PackageName::parse("wasi:io")).empty());
}

TEST(LockfileTest, RefusesDamagedFilesNamingTheEntry) {
  std::string digest = Digest::of(std::string_view("x")).to_string();
  struct Case {
    std::string text;
    const char* says;
  };
  for (const auto& [text, says] : std::initializer_list<Case>{
           {"version = ", "line 1"},
           {"[[package]]\nname = \"a:b\"\n", "no format \"version\""},
           {"version = 2\n", "newer than this wreg understands"},
           {"version = 0\n", "invalid format version"},
           {"version = 1\npackage = 3\n", "[[package]] tables"},
           {"version = 1\n[[package]]\nversion = \"1.0.0\"\n", "package #1 has no string \"name\""},
           {"version = 1\n[[package]]\nname = \"a:b\"\nversion = \"1.0\"\n", "three numbers"},
           {"version = 1\n[[package]]\nname = \"a:b\"\nversion = \"1.0.0\"\nregistry = \"r\"\n",
            "a:b@1.0.0 has no string \"digest\""},
           {"version = 1\n[[package]]\nname = \"a:b\"\nversion = \"1.0.0\"\nregistry = \"r\"\n"
            "digest = \"sha256:00\"\n",
            "invalid digest"},
           {"version = 1\n[[package]]\nname = \"a:b\"\nversion = \"1.0.0\"\nregistry = \"r\"\n"
            "digest = \"" +
                digest + "\"\nrequirements = [\">>\"]\n",
            "invalid version requirement"},
       }) {
    auto parsed = parse_lockfile(text);
    ASSERT_FALSE(parsed.has_value()) << text;
    EXPECT_NE(parsed.error().message.find(says), std::string::npos)
        << text << " -> " << parsed.error().message;
  }
}

// What the transparency log adds: each package's log index and each registry's checkpoint, written
// in a stable order and read back as they were.
TEST(LockfileTest, LogIndexesAndCheckpointsRoundTrip) {
  Lockfile lock;
  lock.packages.push_back(locked("wasi:io", "0.2.8", {"^0.2.8"}));
  lock.packages.back().log_index = 12;
  lock.packages.push_back(locked("wasi:clocks", "0.2.8", {}));
  tlog::Hash root{};
  root.fill(0xab);
  lock.logs.push_back(LockedLog{"https://z.example", 40, root});
  lock.logs.push_back(LockedLog{"http://127.0.0.1:8080", 13, tlog::Hash{}});
  const std::string text = to_toml(lock);
  EXPECT_NE(text.find("digest = \"" + Digest::of(std::string_view("wasi:io")).to_string() +
                      "\"\nlog-index = 12\nrequirements"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\n[[log]]\nregistry = \"http://127.0.0.1:8080\"\nsize = 13\nroot = "
                      "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\n\n[[log]]\nregistry = "
                      "\"https://z.example\"\nsize = 40\n"),
            std::string::npos)
      << text;
  auto back = parse_lockfile(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->find(*PackageName::parse("wasi:io"))[0]->log_index,
            std::optional<std::uint64_t>(12));
  EXPECT_EQ(back->find(*PackageName::parse("wasi:clocks"))[0]->log_index, std::nullopt);
  ASSERT_NE(back->log_of("https://z.example"), nullptr);
  EXPECT_EQ(*back->log_of("https://z.example"), lock.logs[0]);
  EXPECT_EQ(to_toml(*back), text);
}

TEST(LockfileTest, BadLogFieldsAreRefusedNamingThem) {
  const std::string head = "version = 1\n";
  const std::string package =
      "[[package]]\nname = \"wasi:io\"\nversion = \"0.2.8\"\nregistry = \"r\"\ndigest = \"" +
      Digest::of(std::string_view("x")).to_string() + "\"\n";
  const std::string good_root = "root = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"\n";
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {head + package + "log-index = -1\n", "\"log-index\" is not an index"},
           {head + package + "log-index = \"7\"\n", "\"log-index\" is not an index"},
           {head + "[[log]]\nsize = 1\n" + good_root, "log #1 has no string \"registry\""},
           {head + "[[log]]\nregistry = \"r\"\nsize = -2\n" + good_root, "has no tree \"size\""},
           {head + "[[log]]\nregistry = \"r\"\nsize = 2\nroot = \"AAAA\"\n",
            "\"root\" is not base64 of a 32-byte hash"},
           {head + "[[log]]\nregistry = \"r\"\nsize = 2\n" + good_root +
                "[[log]]\nregistry = \"r\"\nsize = 3\n" + good_root,
            "is there twice"},
           {head + "log = 3\n", "must be a list of [[log]] tables"},
       }) {
    auto refused = parse_lockfile(text);
    ASSERT_FALSE(refused) << text;
    EXPECT_NE(refused.error().message.find(expected), std::string::npos) << refused.error().message;
  }
}

}  // namespace
}  // namespace wreg
