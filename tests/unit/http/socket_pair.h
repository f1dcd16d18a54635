// A connected pair of stream sockets (socketpair(2)) for driving the response writer's steps
// without a server: `sender` is non-blocking with a small send buffer, so that anything larger
// than a few KiB goes out in short writes; `receiver` is what the client reads.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>

#include "common/file_descriptor.h"

namespace wreg::testing {

struct SocketPair {
  FileDescriptor sender;
  FileDescriptor receiver;

  // False when the pair cannot be made.
  bool open(int send_buffer = 4096) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return false;
    sender = FileDescriptor(fds[0]);
    receiver = FileDescriptor(fds[1]);
    return ::setsockopt(sender.get(), SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer) ==
               0 &&
           ::fcntl(sender.get(), F_SETFL, ::fcntl(sender.get(), F_GETFL) | O_NONBLOCK) == 0;
  }

  // Reads up to `most` bytes that have arrived, without waiting; appends them to `out`.
  // Returns how many it read.
  std::size_t read_some(std::string& out, std::size_t most) {
    std::string piece(most, '\0');
    const ssize_t got = ::recv(receiver.get(), piece.data(), piece.size(), MSG_DONTWAIT);
    if (got <= 0) return 0;
    out.append(piece.data(), static_cast<std::size_t>(got));
    return static_cast<std::size_t>(got);
  }

  // Everything that has arrived and not been read yet.
  std::string read_all() {
    std::string out;
    while (read_some(out, 64 * 1024) > 0) {
    }
    return out;
  }
};

}  // namespace wreg::testing
