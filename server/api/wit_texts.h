// WitTexts: the WIT text of releases as GET /api/v1/packages/{ns}/{name}/{version}/wit serves it
// (common/wit/wit_text.h, listing()), printed once per release and kept.
//
// A release's text is a function of its bytes, and a release's bytes never change (versions are
// immutable, and a version is never reused with other bytes: metadata_store.h), so an entry never
// goes stale and the store is not asked again for a release found here: no ETag check, no
// listener. The key is the release as the URL names it (`wasi:io@0.2.8`); a version without build
// metadata and the same with it (`1.0.0`, `1.0.0+b`) are two keys of one release, each printed
// once. A binary the printer refuses is kept too, as its one-line reason (a 422 each time).
//
// Bounded by the bytes it holds, as DocumentCache is: past the bound it starts over empty, and a
// text larger than the bound on its own is not kept (it is printed again for each GET).
//
// Thread-safe. print_once() lets one caller print at a time, so that concurrent first GETs of a
// release print it once and hold one printing's memory.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/digest.h"
#include "common/result.h"

namespace wreg::api {

class WitTexts {
 public:
  explicit WitTexts(std::size_t max_bytes = 16u << 20) : max_bytes_(max_bytes) {}
  WitTexts(const WitTexts&) = delete;
  WitTexts& operator=(const WitTexts&) = delete;

  // A release's WIT: its digest (for the ETag), and its text, or why it has none.
  struct Entry {
    Digest digest;
    std::shared_ptr<const std::string> text;  // null when `unprintable` says why
    std::string unprintable;
  };

  // The entry of `release` (`ns:name@version` as the URL names it); nullopt when not kept.
  std::optional<Entry> find(const std::string& release) const;

  // The entry of `release`: the kept one, else what `print()` makes of it, which is then kept.
  // `print` runs with the printing lock held (one at a time); its error (the release or its bytes
  // cannot be had) is returned and nothing is kept.
  Result<Entry> print_once(const std::string& release, const std::function<Result<Entry>()>& print);

 private:
  void keep(const std::string& release, const Entry& entry);

  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
  std::size_t bytes_ = 0;                           // guarded by mutex_
  std::mutex printing_;                             // held while print() runs
};

}  // namespace wreg::api
