// A large upload's receive buffer: set where net.core.rmem_max allows it whole, left to the
// kernel's autotuning where it does not.
#include "server/http/receive_buffer.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

namespace wreg::http {
namespace {

int receive_buffer_of(int fd) {
  int size = 0;
  socklen_t length = sizeof size;
  EXPECT_EQ(::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &length), 0);
  return size;
}

TEST(ReceiveBufferTest, LimitIsTheKernelsRmemMax) {
  std::ifstream file("/proc/sys/net/core/rmem_max");
  std::int64_t expected = 0;
  ASSERT_TRUE(file >> expected) << "this test needs /proc/sys/net/core/rmem_max";
  ASSERT_TRUE(receive_buffer_limit().has_value());
  EXPECT_EQ(*receive_buffer_limit(), expected);
}

TEST(ReceiveBufferTest, WidensOnlyWhenTheKernelAllowsTheWholeSize) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  const int before = receive_buffer_of(fd);
  const bool widened = widen_receive_buffer(fd);
  const auto limit = receive_buffer_limit();
  ASSERT_TRUE(limit.has_value());
  if (*limit >= kUploadReceiveBuffer) {
    EXPECT_TRUE(widened);
    EXPECT_EQ(receive_buffer_of(fd), 2 * kUploadReceiveBuffer);  // Linux doubles what is asked
  } else {
    // Setting it would clamp it below what autotuning reaches, and stop autotuning.
    EXPECT_FALSE(widened);
    EXPECT_EQ(receive_buffer_of(fd), before);
  }
  ::close(fd);
}

TEST(ReceiveBufferTest, ABadDescriptorIsReportedNotWidened) {
  if (receive_buffer_limit().value_or(0) < kUploadReceiveBuffer)
    GTEST_SKIP() << "rmem_max too small";
  EXPECT_FALSE(widen_receive_buffer(-1));
}

}  // namespace
}  // namespace wreg::http
