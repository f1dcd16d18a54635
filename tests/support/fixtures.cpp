#include "tests/support/fixtures.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace wreg::testing {

const std::filesystem::path& fixtures() {
  static const std::filesystem::path path = WREG_TEST_FIXTURES;
  return path;
}

std::string fixture_bytes(const std::filesystem::path& relative) {
  const std::filesystem::path path = fixtures() / relative;
  if (!std::filesystem::is_regular_file(path)) {
    ADD_FAILURE() << "no fixture " << path;
    return "";
  }
  return file_bytes(path);
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace wreg::testing
