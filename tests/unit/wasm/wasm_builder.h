// Builds small component binaries byte by byte for the reader's tests, so that each test shows
// the exact encoding it exercises (Binary.md productions in the comments next to the calls).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wreg::wasm::testing {

class Bytes {
 public:
  Bytes() = default;
  Bytes(std::initializer_list<std::uint8_t> bytes) : data_(bytes) {}

  Bytes& u8(std::uint8_t byte) {
    data_.push_back(byte);
    return *this;
  }
  Bytes& raw(std::initializer_list<std::uint8_t> bytes) {
    data_.insert(data_.end(), bytes);
    return *this;
  }
  Bytes& append(const Bytes& other) {
    data_.insert(data_.end(), other.data_.begin(), other.data_.end());
    return *this;
  }
  // Unsigned LEB128.
  Bytes& u32(std::uint32_t value) {
    do {
      std::uint8_t byte = value & 0x7f;
      value >>= 7;
      if (value != 0) byte |= 0x80;
      data_.push_back(byte);
    } while (value != 0);
    return *this;
  }
  // core:name: length, then the bytes.
  Bytes& name(std::string_view text) {
    u32(static_cast<std::uint32_t>(text.size()));
    data_.insert(data_.end(), text.begin(), text.end());
    return *this;
  }
  // A section: id, size, contents.
  Bytes& section(std::uint8_t id, const Bytes& contents) {
    u8(id);
    u32(static_cast<std::uint32_t>(contents.size()));
    return append(contents);
  }
  // A custom section: id 0, size, name, payload.
  Bytes& custom(std::string_view section_name, const Bytes& payload) {
    return section(0, Bytes().name(section_name).append(payload));
  }

  std::size_t size() const { return data_.size(); }
  const std::vector<std::uint8_t>& data() const { return data_; }
  operator std::span<const std::uint8_t>() const { return data_; }  // NOLINT: implicit

 private:
  std::vector<std::uint8_t> data_;
};

// Binary.md: magic, version 0x0d, layer 1.
inline Bytes component_preamble() { return Bytes{0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}; }
// Core spec: magic, version 1.
inline Bytes module_preamble() { return Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }

// `wasm` (a component, WIT package or module) with the custom section `name` holding `payload`
// appended: still valid, as custom sections may stand anywhere, but other bytes, so another
// digest. Tests make distinct releases of one fixture this way.
inline std::string with_custom_section(std::string_view wasm, std::string_view section_name,
                                       std::string_view payload) {
  Bytes contents;
  for (char c : payload) contents.u8(static_cast<std::uint8_t>(c));
  Bytes section = Bytes().custom(section_name, contents);
  return std::string(wasm) + std::string(section.data().begin(), section.data().end());
}

// `nameattributes` 0x00: a plain encoded name.
inline Bytes extern_name(std::string_view text) { return Bytes().u8(0x00).name(text); }

// A component importing `log: func(msg: string)`, `pick: func(a: u32, b: bool) -> string` and
// `send`, a function whose type (a list<u8> parameter) is behind an index: the reader gives the
// first two a WIT signature and the third none.
inline Bytes typed_component() {
  constexpr std::uint8_t kTypeSection = 7, kImportSection = 10;
  auto types = Bytes()
                   .u32(4)
                   .u8(0x40)
                   .u32(1)
                   .name("msg")
                   .u8(0x73)
                   .raw({0x01, 0x00})  // func(msg: string)
                   .u8(0x40)
                   .u32(2)
                   .name("a")
                   .u8(0x79)
                   .name("b")
                   .u8(0x7f)
                   .raw({0x00, 0x73})
                   .raw({0x70, 0x7d})  // type 2: list<u8>
                   .u8(0x43)
                   .u32(1)
                   .name("data")
                   .u8(0x02)
                   .raw({0x01, 0x00});  // uses type 2
  auto imports = Bytes()
                     .u32(3)
                     .append(extern_name("log"))
                     .raw({0x01, 0x00})
                     .append(extern_name("pick"))
                     .raw({0x01, 0x01})
                     .append(extern_name("send"))
                     .raw({0x01, 0x03});
  return component_preamble().section(kTypeSection, types).section(kImportSection, imports);
}

}  // namespace wreg::wasm::testing
