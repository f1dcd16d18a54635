// Progress: a one-line progress bar on standard error for transfers that take a while.
//
// Drawn only when standard error is a terminal (and TERM is not "dumb") and the user did not
// pass --quiet; otherwise every call is a no-op, so scripts and tests see clean output. Nothing
// is drawn for the first 300 ms, so quick commands never flash a bar. The line shows the bytes
// moved over all active transfers and is cleared by finish().
//
// Thread-safe: parallel downloads report through callbacks made by transfer().
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "client/registry_client.h"

namespace wreg::client {

class Progress {
 public:
  // `enabled` false: draws nothing. See should_draw().
  explicit Progress(bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // True when standard error is a terminal and `quiet` is false.
  static bool should_draw(bool quiet);

  // A callback reporting the transfer named `label` (e.g. "wasi:http@0.2.8"). The callback must
  // not outlive this object.
  TransferProgress transfer(std::string label);
  // Clears the line. Called by the destructor too.
  void finish();

 private:
  void draw_locked();

  bool enabled_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  // Guarded by mutex_: label -> (done, total).
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> transfers_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace wreg::client
