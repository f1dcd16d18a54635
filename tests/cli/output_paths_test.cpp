// `wreg get -o PATH` onto what is already at PATH (common/output_path.h): a device stays a
// device, a FIFO a FIFO, a link a link, with the real wreg against the shared registry.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/digest.h"
#include "tests/cli/cli_harness.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

mode_t file_type(const fs::path& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return 0;
  return status.st_mode & S_IFMT;
}

class GetOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = shared_registry();
    ASSERT_NE(registry_, nullptr) << shared_registry_error();
    ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
    user_ = std::make_unique<User>(registry_->url());
    io_bytes_ = read_bytes(fixtures() / "packages" / "wasi-io@0.2.8.wasm");
  }

  CommandResult get_to(const fs::path& output) {
    return user_->wreg({"get", "wasi:io@0.2.8", "-o", output.string()}, project_.path());
  }

  Registry* registry_ = nullptr;
  std::unique_ptr<User> user_;
  TempDir project_;
  std::string io_bytes_;
};

// The reported defect: as root, `-o` onto a character device renamed a regular file over it.
TEST_F(GetOutputTest, OntoACharacterDeviceLeavesTheDevice) {
  const fs::path device = project_.path() / "null";
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod is not permitted here (" << std::strerror(errno) << ")";
  }
  auto got = get_to(device);
  ASSERT_EQ(got.exit_status, 0) << describe(got);
  EXPECT_EQ(file_type(device), static_cast<mode_t>(S_IFCHR)) << "the device was replaced";
  struct stat status {};
  ASSERT_EQ(::stat(device.c_str(), &status), 0);
  EXPECT_EQ(status.st_rdev, makedev(1, 3));
}

TEST_F(GetOutputTest, OntoAFifoFeedsItsReader) {
  const fs::path fifo = project_.path() / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  fs::create_hard_link(fifo, project_.path() / "pipe.keep");  // lets the reader go on failure
  std::string received;
  std::thread reader([&] {
    int fd = ::open((project_.path() / "pipe.keep").c_str(), O_RDONLY);
    if (fd < 0) return;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
      received.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
  });
  auto got = get_to(fifo);
  int release = ::open((project_.path() / "pipe.keep").c_str(), O_WRONLY | O_NONBLOCK);
  if (release >= 0) ::close(release);
  reader.join();
  ASSERT_EQ(got.exit_status, 0) << describe(got);
  EXPECT_EQ(received, io_bytes_);
  EXPECT_EQ(file_type(fifo), static_cast<mode_t>(S_IFIFO)) << "the FIFO was replaced";
}

TEST_F(GetOutputTest, ThroughALinkWritesTheTargetAndKeepsTheLink) {
  write_bytes(project_.path() / "real.wasm", "old bytes");
  fs::create_symlink("real.wasm", project_.path() / "link.wasm");
  auto got = get_to(project_.path() / "link.wasm");
  ASSERT_EQ(got.exit_status, 0) << describe(got);
  EXPECT_EQ(file_type(project_.path() / "link.wasm"), static_cast<mode_t>(S_IFLNK));
  EXPECT_EQ(read_bytes(project_.path() / "real.wasm"), io_bytes_);
}

TEST_F(GetOutputTest, ThroughALinkToNothingIsOneLineAndWritesNothing) {
  fs::create_symlink("missing.wasm", project_.path() / "link.wasm");
  auto got = get_to(project_.path() / "link.wasm");
  EXPECT_EQ(got.exit_status, 1) << describe(got);
  EXPECT_EQ(without_notes(got.err),
            "error: " + (project_.path() / "link.wasm").string() +
                " is a symbolic link to missing.wasm, which does not exist; create the "
                "target or remove the link\n");
  EXPECT_EQ(got.out, "");
  EXPECT_EQ(file_type(project_.path() / "link.wasm"), static_cast<mode_t>(S_IFLNK));
  EXPECT_FALSE(fs::exists(project_.path() / "missing.wasm"));
}

TEST_F(GetOutputTest, DashIsStandardOutput) {
  auto got = get_to("-");
  ASSERT_EQ(got.exit_status, 0) << describe(got);
  EXPECT_EQ(got.out, io_bytes_);
}

}  // namespace
}  // namespace wreg::cli_test
