#include "common/tlog/tiles.h"

#include <algorithm>
#include <vector>

#include "common/text.h"
#include "common/version.h"

namespace wreg::tlog {
namespace {

bool is_three_digits(std::string_view text) {
  return text.size() == 3 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string TilePath::to_string() const {
  std::string out = entries ? "tile/entries/" : "tile/" + std::to_string(level) + "/";
  // tlog-tiles.md: N in 3-digit groups, all but the last after an 'x' (1234067: x001/x234/067).
  std::vector<unsigned> groups;
  std::uint64_t rest = index;
  do {
    groups.push_back(static_cast<unsigned>(rest % 1000));
    rest /= 1000;
  } while (rest != 0);
  for (std::size_t i = groups.size(); i-- > 0;) {
    const std::string digits = std::to_string(groups[i]);
    out += (i == 0 ? "" : "x") + std::string(3 - digits.size(), '0') + digits + (i == 0 ? "" : "/");
  }
  if (width < kTileWidth) out += ".p/" + std::to_string(width);
  return out;
}

std::optional<TilePath> parse_tile_path(std::string_view path) {
  std::vector<std::string_view> parts = split(path, '/');
  if (parts.size() < 3 || parts[0] != "tile") return std::nullopt;
  TilePath tile;
  std::uint64_t number = 0;
  if (parts[1] == "entries") {
    tile.entries = true;
  } else if (parse_version_number(parts[1], number) && number <= kMaxTileLevel) {
    tile.level = static_cast<unsigned>(number);
  } else {
    return std::nullopt;
  }
  // A partial tile's last group is `NNN.p` and its width the segment after it.
  std::size_t last = parts.size() - 1;
  if (parts[last - 1].ends_with(".p")) {
    if (!parse_version_number(parts[last], number) || number == 0 || number >= kTileWidth) {
      return std::nullopt;
    }
    tile.width = static_cast<unsigned>(number);
    parts[last - 1].remove_suffix(2);
    --last;
  }
  // Groups 2..last: all but the last are `xNNN`, the first of several is not x000.
  for (std::size_t i = 2; i <= last; ++i) {
    std::string_view group = parts[i];
    if (i < last) {
      if (!group.starts_with('x')) return std::nullopt;
      group.remove_prefix(1);
    }
    if (!is_three_digits(group)) return std::nullopt;
    if (i == 2 && i < last && group == "000") return std::nullopt;
    const std::uint64_t value = static_cast<std::uint64_t>(group[0] - '0') * 100 +
                                static_cast<std::uint64_t>(group[1] - '0') * 10 +
                                static_cast<std::uint64_t>(group[2] - '0');
    if (tile.index > (UINT64_MAX - value) / 1000) return std::nullopt;
    tile.index = tile.index * 1000 + value;
  }
  if (last < 2) return std::nullopt;
  return tile;
}

}  // namespace wreg::tlog
