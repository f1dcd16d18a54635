#include "client/progress.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wreg::client {
namespace {

constexpr auto kQuietPeriod = std::chrono::milliseconds(300);
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);

std::string human_bytes(std::uint64_t bytes) {
  char text[32];
  if (bytes < 1024) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return text;
}

}  // namespace

Progress::Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

bool Progress::should_draw(bool quiet) {
  if (quiet || ::isatty(STDERR_FILENO) == 0) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

TransferProgress Progress::transfer(std::string label) {
  if (!enabled_) return {};
  return [this, label = std::move(label)](std::uint64_t done, std::uint64_t total) {
    std::lock_guard lock(mutex_);
    transfers_[label] = {done, total};
    if (total != 0 && done >= total) transfers_.erase(label);
    draw_locked();
  };
}

void Progress::draw_locked() {
  auto now = std::chrono::steady_clock::now();
  if (now - start_ < kQuietPeriod || (drawn_ && now - last_draw_ < kRedrawEvery)) return;
  if (transfers_.empty()) return;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  for (const auto& [label, counts] : transfers_) {
    done += counts.first;
    total += counts.second;
  }
  std::string line = transfers_.size() == 1 ? transfers_.begin()->first
                                            : std::to_string(transfers_.size()) + " transfers";
  if (total > 0) {
    constexpr int kWidth = 24;
    int filled = static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * kWidth);
    filled = std::min(std::max(filled, 0), kWidth);
    line += " [" + std::string(static_cast<std::size_t>(filled), '#') +
            std::string(static_cast<std::size_t>(kWidth - filled), ' ') + "] " + human_bytes(done) +
            " / " + human_bytes(total);
  } else {
    line += " " + human_bytes(done);
  }
  if (line.size() > 79) line.resize(79);
  std::fprintf(stderr, "\r%-79s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
  last_draw_ = now;
}

void Progress::finish() {
  std::lock_guard lock(mutex_);
  if (drawn_) {
    std::fprintf(stderr, "\r%79s\r", "");
    std::fflush(stderr);
    drawn_ = false;
  }
  transfers_.clear();
}

}  // namespace wreg::client
