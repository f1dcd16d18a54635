// Test bytes that differ at every offset near each other, so that a piece sent twice, skipped or
// out of order shows in a comparison. `seed` makes different payloads of one size.
#pragma once

#include <cstddef>
#include <string>

namespace wreg::testing {

inline std::string patterned_bytes(std::size_t size, unsigned seed = 0) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<char>(((i + seed) * 2654435761u) >> 13);
  }
  return bytes;
}

}  // namespace wreg::testing
