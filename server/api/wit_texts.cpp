#include "server/api/wit_texts.h"

namespace wreg::api {

namespace {

std::size_t size_of(const std::string& release, const WitTexts::Entry& entry) {
  return release.size() + (entry.text ? entry.text->size() : 0) + entry.unprintable.size();
}

}  // namespace

std::optional<WitTexts::Entry> WitTexts::find(const std::string& release) const {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(release);
  if (found == entries_.end()) return std::nullopt;
  return found->second;
}

Result<WitTexts::Entry> WitTexts::print_once(const std::string& release,
                                             const std::function<Result<Entry>()>& print) {
  if (auto kept = find(release)) return std::move(*kept);
  std::lock_guard printing(printing_);
  // Another caller may have printed it while this one waited for the lock.
  if (auto kept = find(release)) return std::move(*kept);
  auto printed = print();
  if (printed) keep(release, *printed);
  return printed;
}

void WitTexts::keep(const std::string& release, const Entry& entry) {
  const std::size_t size = size_of(release, entry);
  if (size > max_bytes_) return;
  std::lock_guard lock(mutex_);
  if (entries_.count(release) != 0) return;
  if (bytes_ + size > max_bytes_) {
    entries_.clear();
    bytes_ = 0;
  }
  entries_.emplace(release, entry);
  bytes_ += size;
}

}  // namespace wreg::api
