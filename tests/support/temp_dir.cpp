#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <system_error>

namespace wreg::testing {

namespace {

// The running test's name (`Suite.Test`, or the suite's in SetUpTestSuite), as letters, digits,
// '.', '_' and '-', its first 32 characters. "test" outside a test.
std::string test_label() {
  const auto* unit = ::testing::UnitTest::GetInstance();
  std::string name = "test";
  if (const auto* info = unit->current_test_info()) {
    name = std::string(info->test_suite_name()) + "." + info->name();
  } else if (const auto* suite = unit->current_test_suite()) {
    name = suite->name();
  }
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '-';
  }
  // Short: error messages cut long paths (common/text.h quoted()), and a Unix socket path is at
  // most 107 bytes.
  constexpr std::size_t kLongest = 32;
  if (name.size() > kLongest) name.resize(kLongest);
  return name;
}

bool keep_requested() {
  const char* keep = std::getenv("WREG_KEEP_TEMP");
  return keep != nullptr && *keep != '\0' && std::string_view(keep) != "0";
}

}  // namespace

TempDir::TempDir() : TempDir(std::filesystem::temp_directory_path()) {}

TempDir::TempDir(const std::filesystem::path& parent) {
  std::string pattern = (parent / ("wreg-" + test_label() + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::cerr << "cannot make a temp dir " << pattern << ": " << std::strerror(errno) << "\n";
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  if (keep_requested()) {
    std::cerr << "kept " << path_.string() << "\n";
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace wreg::testing
