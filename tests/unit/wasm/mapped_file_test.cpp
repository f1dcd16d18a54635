#include "common/mapped_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace wreg {
namespace {

class MappedFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& contents) {
    auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(MappedFileTest, MapsTheWholeFile) {
  auto file = MappedFile::open(write("a.wasm", std::string("\0asm\x0d\0\x01\0", 8)));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  ASSERT_EQ(file->size(), 8u);
  EXPECT_EQ(file->bytes()[1], 'a');
  EXPECT_EQ(file->bytes()[6], 0x01);
}

TEST_F(MappedFileTest, EmptyFileIsAnEmptySpan) {
  auto file = MappedFile::open(write("empty.wasm", ""));
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_TRUE(file->bytes().empty());
}

TEST_F(MappedFileTest, MissingFileIsNotFoundAndNamesThePath) {
  auto file = MappedFile::open((dir_ / "missing.wasm").string());
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code, ErrorCode::kNotFound);
  EXPECT_NE(file.error().message.find("missing.wasm"), std::string::npos);
  EXPECT_NE(file.error().message.find("No such file"), std::string::npos);
}

TEST_F(MappedFileTest, DirectoryIsRefused) {
  auto file = MappedFile::open(dir_.path().string());
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(file.error().message.find("not a regular file"), std::string::npos);
}

TEST_F(MappedFileTest, MovedFromFileIsEmptyAndTheMapSurvivesTheMove) {
  auto file = MappedFile::open(write("b.wasm", "hello"));
  ASSERT_TRUE(file.has_value());
  MappedFile moved = std::move(*file);
  EXPECT_TRUE(file->bytes().empty());  // NOLINT: checking the moved-from state on purpose
  ASSERT_EQ(moved.size(), 5u);
  EXPECT_EQ(moved.bytes()[4], 'o');
}

}  // namespace
}  // namespace wreg
