// What the WIT tests share: fixture names as test names, and binaries compared without the
// producers section (which names the tool that wrote them: wit-component there, wreg here).
#pragma once

#include <cctype>
#include <string>

namespace wreg::wit::testing_support {

// `packages/wasi-io@0.2.8.wasm` as a test name: `packages_wasi_io_0_2_8_wasm`.
inline std::string test_name_of(std::string name) {
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// `bytes` without its last section when that is the producers custom section (its id 0 and a
// one-byte size come just before the name's length byte).
inline std::string without_producers(std::string bytes) {
  const std::string marker = std::string("\x09", 1) + "producers";
  const std::size_t at = bytes.rfind(marker);
  if (at == std::string::npos || at < 2) return bytes;
  return bytes.substr(0, at - 2);
}

}  // namespace wreg::wit::testing_support
