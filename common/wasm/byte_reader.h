// ByteReader: a bounds-checked cursor over a span of bytes, with the primitive encodings of
// the WebAssembly binary format (LEB128 integers, vectors, names).
//
// Errors are sticky rather than returned from every read, so that the parsers above read like
// the grammar in Binary.md. The first failure is recorded in an ErrorSlot shared by a reader
// and every sub-reader made from it, and says what was expected and at which byte offset of
// the whole file. After a failure every read returns zero, an empty name or an empty span, and
// every reader sharing the slot reports !ok(): loops test ok() so that they stop at once.
// Nothing here trusts a length: counts are capped by the bytes left (each element takes at
// least one byte) and by kMaxCount, names by kMaxNameLength, LEB128 by its width.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wreg::wasm {

// The longest name the reader accepts (wasmparser's limit too).
inline constexpr std::size_t kMaxNameLength = 100'000;
// The most elements a vector may claim, whatever the bytes left.
inline constexpr std::uint32_t kMaxCount = 1'000'000;

// Holds the first failure of a parse. Not thread-safe; one per parse.
class ErrorSlot {
 public:
  bool failed() const { return error_.has_value(); }
  const std::optional<Error>& error() const { return error_; }
  // Keeps `message` (with " at offset N" appended) unless a failure is already recorded.
  void fail(std::size_t offset, std::string message);
  Error take() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

class ByteReader {
 public:
  // Reads `bytes`, whose first byte is at `base` in the whole file (for messages). `slot`
  // must outlive the reader and its sub-readers.
  ByteReader(std::span<const std::uint8_t> bytes, std::size_t base, ErrorSlot& slot)
      : bytes_(bytes), base_(base), slot_(&slot) {}

  bool ok() const { return !slot_->failed(); }
  bool at_end() const { return pos_ >= bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  // The offset of the next byte in the whole file.
  std::size_t offset() const { return base_ + pos_; }

  // Records `expected` (e.g. "expected a section id") at the current offset, and stops.
  void fail(std::string expected) { fail_at(offset(), std::move(expected)); }
  void fail_at(std::size_t offset, std::string expected);

  std::uint8_t read_u8(std::string_view what);
  // The next byte without consuming it; nullopt at the end (not a failure).
  std::optional<std::uint8_t> peek_u8() const;
  // Unsigned LEB128 of at most 32 bits: at most 5 bytes, unused high bits zero.
  std::uint32_t read_u32(std::string_view what);
  // Unsigned LEB128 of at most 64 bits.
  std::uint64_t read_u64(std::string_view what);
  // Signed LEB128 of at most 33 bits (type indices and type codes share this encoding).
  std::int64_t read_s33(std::string_view what);
  // A vector length: at most kMaxCount, and small enough that `count * min_element_size`
  // bytes are left (every element of the vector takes at least that many bytes).
  std::uint32_t read_count(std::string_view what, std::size_t min_element_size = 1);
  // core:name: a u32 length then that many bytes of valid UTF-8.
  std::string read_name(std::string_view what);
  // The next `size` bytes; fails when fewer are left.
  std::span<const std::uint8_t> read_bytes(std::size_t size, std::string_view what);
  // A reader over the next `size` bytes, sharing this reader's slot; this one moves past them.
  ByteReader sub_reader(std::size_t size, std::string_view what);
  // Checks that everything was read: "N unread bytes at the end of <what>".
  void expect_end(std::string_view what);

 private:
  std::uint64_t read_leb_unsigned(unsigned bits, std::string_view what);

  std::span<const std::uint8_t> bytes_;
  std::size_t base_;
  std::size_t pos_ = 0;
  ErrorSlot* slot_;
};

// `byte` as it appears in messages: "0x4f".
std::string hex_byte(std::uint8_t byte);

}  // namespace wreg::wasm
