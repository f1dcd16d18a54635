#include "common/base64.h"

#include <gtest/gtest.h>

namespace wreg {
namespace {

// RFC 4648 section 10.
TEST(Base64Test, EncodesTheRfcVectors) {
  EXPECT_EQ(base64_encode(std::string_view("")), "");
  EXPECT_EQ(base64_encode(std::string_view("f")), "Zg==");
  EXPECT_EQ(base64_encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(std::string_view("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(std::string_view("foob")), "Zm9vYg==");
  EXPECT_EQ(base64_encode(std::string_view("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64_encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string_view("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64Test, DecodesTheRfcVectors) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8="), "fo");
  EXPECT_EQ(base64_decode("Zm9v"), "foo");
  EXPECT_EQ(base64_decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64_decode("Zm9vYmE="), "fooba");
  EXPECT_EQ(base64_decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(base64_decode("+/+/"), std::string("\xfb\xff\xbf"));
}

TEST(Base64Test, DecodeUndoesEncodeForEveryByteAndLength) {
  std::string all;
  for (int byte = 0; byte < 256; ++byte) all += static_cast<char>(byte);
  for (std::size_t length = 0; length <= all.size(); ++length) {
    const std::string bytes = all.substr(all.size() - length);
    const std::string text = base64_encode(bytes);
    EXPECT_EQ(text.size() % 4, 0u);
    EXPECT_EQ(base64_decode(text), bytes) << text;
  }
}

// One value has one spelling: whatever decodes, encodes back to the same text.
TEST(Base64Test, RefusesEveryNonCanonicalSpelling) {
  for (const char* text : {
           "Zg",          // no padding
           "Zg=",         // short padding
           "Zg===",       // long padding
           "Zh==",        // the unused bits of the last letter are not zero
           "Zm9=",        // likewise, one byte of padding
           "Zm8=Zm8=",    // padding in the middle
           "=Zm8",        // padding first
           "Z===",        // three padding letters
           "====",        // padding only
           "Zm9v\n",      // a line break
           "Zm 9v",       // a space
           "Zm9v ",       // trailing space
           "Zm-_",        // the URL-safe alphabet
           "Zm\xc3\xa9",  // not ASCII
       }) {
    EXPECT_EQ(base64_decode(text), std::nullopt) << text;
  }
  EXPECT_EQ(base64_decode(std::string_view("Zm\0v", 4)), std::nullopt);
}

}  // namespace
}  // namespace wreg
