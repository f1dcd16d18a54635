// write_output_file(): the rule of common/output_path.h for paths the user names, on real
// devices, FIFOs, sockets and links made in a temp dir.
#include "client/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "common/output_path.h"
#include "tests/support/temp_dir.h"

namespace wreg::client {
namespace {

namespace fs = std::filesystem;

mode_t file_type(const fs::path& path) {
  struct stat status {};
  EXPECT_EQ(::lstat(path.c_str(), &status), 0) << path;
  return status.st_mode & S_IFMT;
}

std::string read_all(int fd) {
  std::string bytes;
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) bytes.append(buffer, static_cast<size_t>(n));
  return bytes;
}

class OutputFileTest : public ::testing::Test {
 protected:
  // A character device like /dev/null (1, 3) at `path`. Empty when it cannot be made or opened
  // here (not root, or a file system mounted nodev), with the reason.
  std::string make_null_device(const fs::path& path) {
    if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
      return std::string("mknod is not permitted here (") + std::strerror(errno) + ")";
    }
    int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) {
      return std::string("a device made here cannot be opened (") + std::strerror(errno) +
             "; the temp dir may be mounted nodev)";
    }
    ::close(fd);
    return "";
  }

  testing::TempDir dir_;
};

TEST_F(OutputFileTest, NewPathAndRegularFileAreReplacedWhole) {
  const fs::path path = dir_ / "out.wasm";
  ASSERT_TRUE(write_output_file(path, "first").has_value());
  ASSERT_TRUE(write_output_file(path, "second").has_value());
  EXPECT_EQ(read_file(path).value(), "second");
  EXPECT_EQ(file_type(path), S_IFREG);
  // No temp file is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), fs::directory_iterator()), 1);
}

TEST_F(OutputFileTest, CharacterDeviceStaysADevice) {
  const fs::path device = dir_ / "null";
  if (auto why = make_null_device(device); !why.empty()) GTEST_SKIP() << why;
  auto written = write_output_file(device, std::string(364, 'x'));
  ASSERT_TRUE(written.has_value()) << written.error().message;
  EXPECT_EQ(file_type(device), S_IFCHR) << "the device was replaced";
  struct stat status {};
  ASSERT_EQ(::stat(device.c_str(), &status), 0);
  EXPECT_EQ(status.st_rdev, makedev(1, 3));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), fs::directory_iterator()), 1);
}

TEST_F(OutputFileTest, FifoIsWrittenThroughToItsReader) {
  const fs::path fifo = dir_ / "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  // A second name for the FIFO, so that the reader can be let go even when the FIFO's own name
  // was renamed over (the failure this test is for).
  fs::create_hard_link(fifo, dir_ / "pipe.keep");
  const std::string bytes(200 * 1024, 'w');  // more than a pipe holds: the reader must drain it
  std::string received;
  std::thread reader([&] {
    int fd = ::open((dir_ / "pipe.keep").c_str(), O_RDONLY);
    if (fd < 0) return;
    received = read_all(fd);
    ::close(fd);
  });
  auto written = write_output_file(fifo, bytes);
  // A reader still waiting for a writer gets one, and then the end of the stream.
  int release = ::open((dir_ / "pipe.keep").c_str(), O_WRONLY | O_NONBLOCK);
  if (release >= 0) ::close(release);
  reader.join();
  ASSERT_TRUE(written.has_value()) << written.error().message;
  EXPECT_EQ(received, bytes);
  EXPECT_EQ(file_type(fifo), S_IFIFO) << "the FIFO was replaced";
}

TEST_F(OutputFileTest, UnixSocketIsRefusedAndLeftAsItIs) {
  const fs::path socket_path = dir_ / "sock";
  int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_GE(listener, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.native().size(), sizeof address.sun_path);
  std::strcpy(address.sun_path, socket_path.c_str());
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  auto written = write_output_file(socket_path, "over a socket");
  const int connection = ::accept4(listener, nullptr, nullptr, 0);  // nothing may have connected
  if (connection >= 0) ::close(connection);
  ::close(listener);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().message, socket_path.string() +
                                         " is a socket; name a file, a device, a FIFO or - "
                                         "(standard output)");
  EXPECT_LT(connection, 0) << "wreg connected to the socket";
  EXPECT_EQ(file_type(socket_path), S_IFSOCK);
}

TEST_F(OutputFileTest, LinkToARegularFileReplacesTheTargetAndStaysALink) {
  fs::create_directories(dir_ / "real");
  const fs::path target = dir_ / "real" / "file.wasm";
  ASSERT_TRUE(write_file_atomically(target, "old").has_value());
  const fs::path link = dir_ / "link.wasm";
  fs::create_symlink("real/file.wasm", link);  // relative, as links often are
  auto written = write_output_file(link, "new");
  ASSERT_TRUE(written.has_value()) << written.error().message;
  EXPECT_EQ(file_type(link), S_IFLNK) << "the link was replaced";
  EXPECT_EQ(fs::read_symlink(link), "real/file.wasm");
  EXPECT_EQ(read_file(target).value(), "new");
  // The temp file went beside the target, and is gone.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "real"), fs::directory_iterator()), 1);
}

TEST_F(OutputFileTest, LinkToADeviceKeepsBoth) {
  const fs::path device = dir_ / "null";
  if (auto why = make_null_device(device); !why.empty()) GTEST_SKIP() << why;
  const fs::path link = dir_ / "to-null";
  fs::create_symlink(device, link);
  auto written = write_output_file(link, "bytes");
  ASSERT_TRUE(written.has_value()) << written.error().message;
  EXPECT_EQ(file_type(link), S_IFLNK);
  EXPECT_EQ(file_type(device), S_IFCHR);
}

TEST_F(OutputFileTest, LinkToNothingIsRefusedInOneLineAndLeftAlone) {
  const fs::path link = dir_ / "dangling";
  fs::create_symlink(dir_ / "missing.wasm", link);
  auto written = write_output_file(link, "bytes");
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(written.error().message, link.string() + " is a symbolic link to " +
                                         (dir_ / "missing.wasm").string() +
                                         ", which does not exist; create the target or remove "
                                         "the link");
  EXPECT_EQ(file_type(link), S_IFLNK);
  EXPECT_FALSE(fs::exists(dir_ / "missing.wasm"));
}

TEST_F(OutputFileTest, LoopOfLinksAndFoldersAreRefused) {
  fs::create_symlink(dir_ / "b", dir_ / "a");
  fs::create_symlink(dir_ / "a", dir_ / "b");
  auto looped = write_output_file(dir_ / "a", "bytes");
  ASSERT_FALSE(looped.has_value());
  EXPECT_NE(looped.error().message.find("loop of symbolic links"), std::string::npos);
  EXPECT_EQ(file_type(dir_ / "a"), S_IFLNK);

  auto folder = write_output_file(dir_.path(), "bytes");
  ASSERT_FALSE(folder.has_value());
  EXPECT_EQ(folder.error().message, dir_.path().string() + " is a folder; name a file inside it");
}

TEST(OutputTargetTest, ClassifiesWhatIsThere) {
  testing::TempDir dir;
  EXPECT_EQ(output_target("-")->kind, OutputKind::kStandardOutput);
  EXPECT_EQ(output_target(dir / "new")->kind, OutputKind::kNew);
  EXPECT_EQ(output_target(dir.path())->kind, OutputKind::kDirectory);
  ASSERT_TRUE(write_file_atomically(dir / "file", "x").has_value());
  EXPECT_EQ(output_target(dir / "file")->kind, OutputKind::kRegularFile);
  fs::create_symlink(dir.path(), dir / "folder-link");
  auto through_link = output_target(dir / "folder-link");
  ASSERT_TRUE(through_link.has_value());
  EXPECT_EQ(through_link->kind, OutputKind::kDirectory);
  EXPECT_EQ(through_link->path, fs::canonical(dir.path()));
}

}  // namespace
}  // namespace wreg::client
