#include "common/wasm/byte_reader.h"

#include "common/hex.h"
#include "common/text.h"

namespace wreg::wasm {

void ErrorSlot::fail(std::size_t offset, std::string message) {
  if (error_) return;
  error_ = Error{ErrorCode::kInvalidArgument,
                 std::move(message) + " at offset " + std::to_string(offset)};
}

void ByteReader::fail_at(std::size_t offset, std::string expected) {
  slot_->fail(offset, std::move(expected));
  pos_ = bytes_.size();
}

std::uint8_t ByteReader::read_u8(std::string_view what) {
  if (!ok()) return 0;
  if (at_end()) {
    fail("unexpected end of data: expected " + std::string(what));
    return 0;
  }
  return bytes_[pos_++];
}

std::optional<std::uint8_t> ByteReader::peek_u8() const {
  if (!ok() || at_end()) return std::nullopt;
  return bytes_[pos_];
}

// Core spec, "Integers": an N-bit LEB128 takes at most ceil(N/7) bytes, and the bits of the
// last byte beyond N must be zero.
std::uint64_t ByteReader::read_leb_unsigned(unsigned bits, std::string_view what) {
  if (!ok()) return 0;
  const std::size_t start = offset();
  const unsigned max_bytes = (bits + 6) / 7;
  std::uint64_t value = 0;
  for (unsigned i = 0; i < max_bytes; ++i) {
    if (at_end()) {
      fail_at(start, "unexpected end of data in LEB128 " + std::string(what));
      return 0;
    }
    const std::uint8_t byte = bytes_[pos_++];
    const unsigned shift = 7 * i;
    if (i + 1 == max_bytes) {
      const unsigned used = bits - shift;  // payload bits this last byte may carry
      if ((byte & 0x80) != 0 || (byte >> used) != 0) {
        fail_at(start,
                "LEB128 " + std::string(what) + " overflows " + std::to_string(bits) + " bits");
        return 0;
      }
    }
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  return value;
}

std::uint32_t ByteReader::read_u32(std::string_view what) {
  return static_cast<std::uint32_t>(read_leb_unsigned(32, what));
}

std::uint64_t ByteReader::read_u64(std::string_view what) { return read_leb_unsigned(64, what); }

std::int64_t ByteReader::read_s33(std::string_view what) {
  if (!ok()) return 0;
  const std::size_t start = offset();
  std::int64_t value = 0;
  for (unsigned i = 0; i < 5; ++i) {
    if (at_end()) {
      fail_at(start, "unexpected end of data in LEB128 " + std::string(what));
      return 0;
    }
    const std::uint8_t byte = bytes_[pos_++];
    const unsigned shift = 7 * i;
    if (i == 4) {
      // 33 - 28 = 5 payload bits; the two above them must repeat the sign bit.
      const std::uint8_t high = byte & 0x70;
      if ((byte & 0x80) != 0 || (high != 0 && high != 0x70)) {
        fail_at(start, "LEB128 " + std::string(what) + " overflows 33 bits");
        return 0;
      }
    }
    value |= static_cast<std::int64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      const unsigned width = shift + 7;
      if (width < 64 && (byte & 0x40) != 0) value -= std::int64_t{1} << width;
      return value;
    }
  }
  return value;
}

std::uint32_t ByteReader::read_count(std::string_view what, std::size_t min_element_size) {
  const std::size_t start = offset();
  const std::uint32_t count = read_u32(what);
  if (!ok()) return 0;
  if (count > kMaxCount) {
    fail_at(start, std::string(what) + " " + std::to_string(count) + " is past the limit of " +
                       std::to_string(kMaxCount));
    return 0;
  }
  if (min_element_size > 0 && count > remaining() / min_element_size) {
    fail_at(start, std::string(what) + " " + std::to_string(count) + " needs more than the " +
                       std::to_string(remaining()) + " bytes left");
    return 0;
  }
  return count;
}

std::string ByteReader::read_name(std::string_view what) {
  const std::size_t start = offset();
  const std::uint32_t size = read_u32(what);
  if (!ok()) return {};
  if (size > kMaxNameLength) {
    fail_at(start, std::string(what) + " of " + std::to_string(size) +
                       " bytes is longer than the limit of " + std::to_string(kMaxNameLength));
    return {};
  }
  auto bytes = read_bytes(size, what);
  if (!ok()) return {};
  if (!is_valid_utf8(bytes)) {
    fail_at(start, std::string(what) + " is not valid UTF-8");
    return {};
  }
  return std::string(bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> ByteReader::read_bytes(std::size_t size, std::string_view what) {
  if (!ok()) return {};
  if (size > remaining()) {
    fail(std::string(what) + " of " + std::to_string(size) + " bytes runs past the end (" +
         std::to_string(remaining()) + " bytes left)");
    return {};
  }
  auto out = bytes_.subspan(pos_, size);
  pos_ += size;
  return out;
}

ByteReader ByteReader::sub_reader(std::size_t size, std::string_view what) {
  const std::size_t start = offset();
  auto bytes = read_bytes(size, what);
  return ByteReader(bytes, start, *slot_);
}

void ByteReader::expect_end(std::string_view what) {
  if (!ok() || at_end()) return;
  fail(std::to_string(remaining()) + " unread bytes at the end of " + std::string(what));
}

std::string hex_byte(std::uint8_t byte) {
  std::string out = "0x";
  append_hex(out, byte);
  return out;
}

}  // namespace wreg::wasm
