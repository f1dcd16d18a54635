#include "common/resolve/suggest.h"

#include <algorithm>
#include <utility>

namespace wreg::resolve {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Rows i-2, i-1 and i of the full (|a|+1) x (|b|+1) table: the swap looks two rows back.
  std::vector<std::size_t> before(b.size() + 1);
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::size_t typo_bound(std::string_view wanted) {
  return std::max<std::size_t>(2, wanted.size() / 3);
}

std::vector<std::string> closest(std::string_view wanted,
                                 const std::vector<std::string>& candidates,
                                 std::size_t max_distance, std::size_t max_results) {
  std::vector<std::pair<std::size_t, std::string_view>> scored;
  for (const auto& candidate : candidates) {
    if (candidate == wanted) continue;
    // Every edit changes the length by at most one: no need to align what cannot be close.
    const std::size_t length_gap = candidate.size() > wanted.size()
                                       ? candidate.size() - wanted.size()
                                       : wanted.size() - candidate.size();
    if (length_gap > max_distance) continue;
    auto distance = edit_distance(wanted, candidate);
    if (distance <= max_distance) scored.emplace_back(distance, candidate);
  }
  std::sort(scored.begin(), scored.end());
  scored.erase(std::unique(scored.begin(), scored.end()), scored.end());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < scored.size() && i < max_results; ++i) {
    names.emplace_back(scored[i].second);
  }
  return names;
}

std::string did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string text = "did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return text + "?";
}

std::string suggest(std::string_view wanted, const std::vector<std::string>& candidates) {
  return did_you_mean(closest(wanted, candidates, typo_bound(wanted)));
}

}  // namespace wreg::resolve
