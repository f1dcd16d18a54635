#include "common/wasm/byte_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wreg::wasm {
namespace {

struct LebCase {
  std::vector<std::uint8_t> bytes;
  std::uint64_t value;  // when error is empty
  std::string error;
};

TEST(ByteReaderTest, ReadsU32Leb128WithinItsBounds) {
  const LebCase cases[] = {
      {{0x00}, 0, ""},
      {{0x7f}, 127, ""},
      {{0x80, 0x01}, 128, ""},
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, 0xffffffff, ""},
      {{0x80, 0x80, 0x00}, 0, ""},  // padded zero is allowed
      {{0xff, 0xff, 0xff, 0xff, 0x1f}, 0, "LEB128 n overflows 32 bits at offset 0"},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, "LEB128 n overflows 32 bits at offset 0"},
      {{0x80, 0x80}, 0, "unexpected end of data in LEB128 n at offset 0"},
      {{}, 0, "unexpected end of data in LEB128 n at offset 0"},
  };
  for (const LebCase& c : cases) {
    ErrorSlot slot;
    ByteReader in(c.bytes, 0, slot);
    const std::uint32_t value = in.read_u32("n");
    if (c.error.empty()) {
      EXPECT_TRUE(in.ok()) << slot.error()->message;
      EXPECT_EQ(value, c.value);
    } else {
      ASSERT_FALSE(in.ok()) << "accepted " << value;
      EXPECT_EQ(slot.error()->message, c.error);
    }
  }
}

TEST(ByteReaderTest, ReadsU64Leb128WithinItsBounds) {
  std::vector<std::uint8_t> max = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  ErrorSlot slot;
  ByteReader in(max, 0, slot);
  EXPECT_EQ(in.read_u64("n"), 0xffffffffffffffffu);
  std::vector<std::uint8_t> over = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  ErrorSlot over_slot;
  ByteReader over_in(over, 0, over_slot);
  over_in.read_u64("n");
  EXPECT_FALSE(over_in.ok());
}

TEST(ByteReaderTest, ReadsS33TypeCodesAndIndices) {
  struct Case {
    std::vector<std::uint8_t> bytes;
    std::int64_t value;
    bool ok;
  };
  const Case cases[] = {
      {{0x7f}, -1, true},
      {{0x73}, -13, true},
      {{0x40}, -64, true},
      {{0x05}, 5, true},
      {{0x80, 0x01}, 128, true},
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, 0xffffffff, true},
      {{0x80, 0x80, 0x80, 0x80, 0x70}, -(std::int64_t{1} << 32), true},
      {{0xff, 0xff, 0xff, 0xff, 0x1f}, 0, false},  // bits above 33 disagree with the sign
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, false},
  };
  for (const Case& c : cases) {
    ErrorSlot slot;
    ByteReader in(c.bytes, 0, slot);
    const std::int64_t value = in.read_s33("t");
    EXPECT_EQ(in.ok(), c.ok) << value;
    if (c.ok) {
      EXPECT_EQ(value, c.value);
    }
  }
}

TEST(ByteReaderTest, NamesMustBeUtf8AndFitTheData) {
  struct Case {
    std::vector<std::uint8_t> bytes;
    std::string error;
  };
  const Case cases[] = {
      {{0x02, 'o', 'k'}, ""},
      {{0x02, 0xc3, 0xa9}, ""},                                                 // é
      {{0x04, 0xf0, 0x9f, 0x98, 0x80}, ""},                                     // U+1F600
      {{0x02, 0xc0, 0xaf}, "name is not valid UTF-8 at offset 0"},              // overlong '/'
      {{0x03, 0xed, 0xa0, 0x80}, "name is not valid UTF-8 at offset 0"},        // surrogate
      {{0x04, 0xf4, 0x90, 0x80, 0x80}, "name is not valid UTF-8 at offset 0"},  // > U+10FFFF
      {{0x01, 0x80}, "name is not valid UTF-8 at offset 0"},
      {{0x05, 'a'}, "name of 5 bytes runs past the end (1 bytes left) at offset 1"},
      {{0xa1, 0x8d, 0x06}, "name of 100001 bytes is longer than the limit of 100000 at offset 0"},
  };
  for (const Case& c : cases) {
    ErrorSlot slot;
    ByteReader in(c.bytes, 0, slot);
    in.read_name("name");
    if (c.error.empty()) {
      EXPECT_TRUE(in.ok()) << slot.error()->message;
      EXPECT_TRUE(in.at_end());
    } else {
      ASSERT_FALSE(in.ok());
      EXPECT_EQ(slot.error()->message, c.error);
    }
  }
}

TEST(ByteReaderTest, FirstFailureSticksAndStopsEveryReaderSharingTheSlot) {
  std::vector<std::uint8_t> bytes = {0x03, 0x01, 0x02, 0x03, 0x04};
  ErrorSlot slot;
  ByteReader in(bytes, 100, slot);
  ByteReader sub = in.sub_reader(3, "part");
  EXPECT_EQ(sub.offset(), 100u);
  sub.read_bytes(4, "four bytes");
  EXPECT_FALSE(in.ok());
  EXPECT_EQ(in.read_u8("next"), 0);
  in.fail("a later failure");
  EXPECT_EQ(slot.error()->message,
            "four bytes of 4 bytes runs past the end (3 bytes left) at "
            "offset 100");
}

TEST(ByteReaderTest, CountsAreBoundedByTheBytesLeftAndTheLimit) {
  std::vector<std::uint8_t> bytes = {0x03, 0x00, 0x00};
  ErrorSlot slot;
  ByteReader in(bytes, 0, slot);
  EXPECT_EQ(in.read_count("count"), 0u);
  EXPECT_EQ(slot.error()->message, "count 3 needs more than the 2 bytes left at offset 0");

  std::vector<std::uint8_t> huge = {0xff, 0xff, 0xff, 0xff, 0x0f};
  ErrorSlot huge_slot;
  ByteReader huge_in(huge, 0, huge_slot);
  huge_in.read_count("count");
  EXPECT_EQ(huge_slot.error()->message,
            "count 4294967295 is past the limit of 1000000 at offset 0");
}

}  // namespace
}  // namespace wreg::wasm
