#include "server/http/receive_buffer.h"

#include <sys/socket.h>

#include <fstream>

namespace wreg::http {

std::optional<std::int64_t> receive_buffer_limit() {
  static const std::optional<std::int64_t> limit = []() -> std::optional<std::int64_t> {
    std::ifstream file("/proc/sys/net/core/rmem_max");
    std::int64_t value = 0;
    if (!(file >> value) || value <= 0) return std::nullopt;
    return value;
  }();
  return limit;
}

bool widen_receive_buffer(int fd) {
  const auto limit = receive_buffer_limit();
  if (!limit || *limit < kUploadReceiveBuffer) return false;
  const int size = kUploadReceiveBuffer;
  return ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) == 0;
}

}  // namespace wreg::http
