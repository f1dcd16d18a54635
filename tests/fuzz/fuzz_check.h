// What every fuzz target in tests/fuzz uses to state a property of the code under test.
//
// Each target defines LLVMFuzzerTestOneInput. Under clang with -DWREG_FUZZ=ON it is linked with
// libFuzzer (wreg_<target>_fuzz); in every build it is also linked with replay_main.cpp
// (wreg_<target>_replay), which runs it over the target's seed corpus and regressions as a
// ctest test, so a fixed bug stays fixed under gcc too.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace wreg::fuzz {

// A property failed: say which, and abort. libFuzzer treats the abort as a crash and keeps the
// input; the replay runner has already printed the input's file name.
[[noreturn]] inline void property_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", what, file, line);
  std::abort();
}

// An error message as STYLE.md asks for: present, and one line.
inline bool is_one_line(std::string_view message) {
  return !message.empty() && message.find('\n') == std::string_view::npos;
}

inline std::string_view as_text(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits fuzz input at the first `separator` into two texts (the second empty when absent), for
// targets that take two values, e.g. a requirement and a version.
inline std::pair<std::string_view, std::string_view> split_once(std::string_view text,
                                                                char separator) {
  auto at = text.find(separator);
  if (at == std::string_view::npos) return {text, {}};
  return {text.substr(0, at), text.substr(at + 1)};
}

}  // namespace wreg::fuzz

#define WREG_FUZZ_CHECK(condition) \
  ((condition) ? void(0) : ::wreg::fuzz::property_failed(#condition, __FILE__, __LINE__))
