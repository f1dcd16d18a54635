#include "server/http/file_sender.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace wreg::http {

void FileSender::start(FileDescriptor file, std::uint64_t offset, std::uint64_t length) {
  file_ = std::move(file);
  offset_ = offset;
  remaining_ = length;
  by_sendfile_ = length <= kSendfileLimit;
  begin_ = end_ = 0;
  read_failure_.clear();
}

FileSender::Progress FileSender::send_some(int socket) {
  if (socket >= 0 && by_sendfile_) {
    while (remaining_ > 0 && begin_ == end_) {
      auto offset = static_cast<off_t>(offset_);
      const ssize_t sent =
          ::sendfile(socket, file_.get(), &offset, static_cast<std::size_t>(remaining_));
      if (sent > 0) {
        offset_ += static_cast<std::uint64_t>(sent);
        remaining_ -= static_cast<std::uint64_t>(sent);
        continue;
      }
      if (sent < 0 && errno == EINTR) continue;
      break;  // the socket is full; anything else the buffered path meets and reports
    }
  }
  while (remaining_ > 0) {
    if (begin_ == end_ && !read_piece()) {
      reset();
      return Progress::kReadFailed;
    }
    if (socket < 0) return Progress::kBlocked;
    const ssize_t sent =
        ::send(socket, buffer_.get() + begin_, end_ - begin_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      consumed(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Progress::kBlocked;
    reset();
    return Progress::kSendFailed;
  }
  file_.reset();
  return Progress::kDone;
}

std::span<const char> FileSender::pending() const {
  if (begin_ == end_) return {};
  return {buffer_.get() + begin_, end_ - begin_};
}

void FileSender::consumed(std::size_t bytes) {
  begin_ += bytes;
  offset_ += bytes;
  remaining_ -= bytes;
}

void FileSender::reset() {
  file_.reset();
  remaining_ = 0;
  begin_ = end_ = 0;
}

bool FileSender::read_piece() {
  // Allocated at the first piece, so that a connection whose blobs all went out by sendfile
  // holds none.
  if (!buffer_) buffer_ = std::make_unique<char[]>(kFileChunk);
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, kFileChunk));
  ssize_t got = 0;
  do {
    got = ::pread(file_.get(), buffer_.get(), want, static_cast<off_t>(offset_));
  } while (got < 0 && errno == EINTR);
  if (got <= 0) {
    read_failure_ = got < 0 ? std::string(std::strerror(errno)) : "it is shorter";
    return false;
  }
  begin_ = 0;
  end_ = static_cast<std::size_t>(got);
  return true;
}

}  // namespace wreg::http
