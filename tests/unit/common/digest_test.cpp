#include "common/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace wreg {
namespace {

// FIPS 180-2 test vectors.
TEST(DigestTest, MatchesKnownVectors) {
  EXPECT_EQ(Digest::of(std::string_view("")).to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Digest::of(std::string_view("abc")).hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, StreamingInChunksEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += static_cast<char>(i * 31);
  Sha256 hasher;
  for (std::size_t offset = 0; offset < data.size(); offset += 4093) {
    hasher.update(std::string_view(data).substr(offset, 4093));
  }
  EXPECT_EQ(hasher.finish(), Digest::of(std::string_view(data)));
  // The hasher starts over after finish().
  hasher.update(std::string_view("abc"));
  EXPECT_EQ(hasher.finish(), Digest::of(std::string_view("abc")));
}

TEST(DigestTest, ParseRoundTrips) {
  std::string text = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  auto digest = Digest::parse(text);
  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(digest->to_string(), text);
  EXPECT_EQ(*digest, Digest::of(std::string_view("abc")));
}

TEST(DigestTest, RejectsMalformedText) {
  struct Case {
    std::string text;
    std::string_view says;
  };
  std::string hex(64, 'a');
  for (const auto& [text, says] : std::initializer_list<Case>{
           {"", "does not start with sha256:"},
           {hex, "does not start with sha256:"},
           {"sha512:" + hex, "does not start with sha256:"},
           {"SHA256:" + hex, "does not start with sha256:"},
           {"sha256:" + hex.substr(1), "63 hex digits"},
           {"sha256:" + hex + "a", "65 hex digits"},
           {"sha256:" + std::string(64, 'A'), "not lowercase hex"},
           {"sha256:" + std::string(63, 'a') + "g", "not lowercase hex"},
           {"sha256:../../" + std::string(58, 'a'), "not lowercase hex"},
       }) {
    auto digest = Digest::parse(text);
    ASSERT_FALSE(digest.has_value()) << text;
    EXPECT_NE(digest.error().message.find(says), std::string::npos)
        << text << " -> " << digest.error().message;
  }
}

TEST(DigestTest, EqualityComparesEveryByte) {
  auto a = Digest::of(std::string_view("a"));
  auto bytes = a.bytes();
  bytes[31] ^= 1;
  EXPECT_NE(a, Digest(bytes));
  EXPECT_TRUE(a < Digest(bytes) || Digest(bytes) < a);
  EXPECT_FALSE(constant_time_equal(std::span(bytes).first(3), std::span(bytes)));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
}  // namespace wreg
