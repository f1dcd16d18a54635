// `serve --port-file` onto a FIFO, through a symbolic link (common/output_path.h): the reader
// gets the port, and the FIFO and the link are still what they were.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/integration/http_client.h"
#include "tests/integration/server_process.h"

namespace wreg::testing {
namespace {

namespace fs = std::filesystem;

TEST(PortFileTest, AFifoGetsThePortAndStaysAFifo) {
  TempDir dir;
  const fs::path fifo = dir.path() / "port.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);
  const fs::path link = dir.path() / "port";
  fs::create_symlink(fifo, link);
  // Opened before the server starts, without blocking: a reader is there when the server opens
  // the FIFO, and poll() below waits for its bytes.
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0) << std::strerror(errno);

  // The shell records its process id, then becomes the server.
  const fs::path pid_file = dir.path() / "pid";
  CommandResult served;
  std::thread server([&] {
    served = run_command("/bin/sh", {"-c",
                                     "echo $$ > \"$1\"; exec \"$2\" serve --data \"$3\" "
                                     "--listen 127.0.0.1:0 --port-file \"$4\"",
                                     "sh", pid_file.string(), server_binary(),
                                     (dir.path() / "data").string(), link.string()});
  });
  pollfd ready{reader, POLLIN, 0};
  const int polled = ::poll(&ready, 1, 20000);
  char buffer[32] = {};
  const ssize_t got = polled == 1 ? ::read(reader, buffer, sizeof buffer - 1) : -1;
  ::close(reader);
  const std::string pid = file_bytes(pid_file);
  const std::string text(buffer, got > 0 ? static_cast<std::size_t>(got) : 0);
  int status = 0;
  if (got > 0)
    status = request(static_cast<std::uint16_t>(std::stoi(text)), "GET", "/healthz").status;
  if (!pid.empty()) ::kill(std::stoi(pid), SIGTERM);
  server.join();

  ASSERT_GT(got, 0) << "no port arrived through the FIFO; server said: " << served.err;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(status, 200);
  EXPECT_EQ(served.exit_status, 0) << served.err;
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link)));
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
}

}  // namespace
}  // namespace wreg::testing
