// c2sp.org/tlog-tiles paths: `tile/<L>/<N>[.p/<W>]` (hashes) and `tile/entries/<N>[.p/<W>]`
// (entry bundles), N written as 3-digit groups, all but the last prefixed with 'x'
// (1234067 -> x001/x234/067).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wreg::tlog {

inline constexpr unsigned kTileHeight = 8;
inline constexpr unsigned kTileWidth = 256;  // 1 << kTileHeight hashes or entries
inline constexpr unsigned kMaxTileLevel = 63;

struct TilePath {
  bool entries = false;  // an entry bundle; `level` is then 0
  unsigned level = 0;    // 0..kMaxTileLevel
  std::uint64_t index = 0;
  unsigned width = kTileWidth;  // 1..kTileWidth; below kTileWidth: a partial tile (`.p/<W>`)

  std::string to_string() const;  // "tile/0/x001/x234/067.p/12"
  bool operator==(const TilePath&) const = default;
};

// nullopt unless `path` (after the log's prefix, e.g. "tile/1/000") is exactly what
// to_string() writes for some TilePath: no leading zeros in L or W, 3-digit groups in N, W in
// 1..255, no empty or extra segments. So each tile has one URL, which a cache can key on.
std::optional<TilePath> parse_tile_path(std::string_view path);

}  // namespace wreg::tlog
