#include "server/http/response_output.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>

namespace wreg::http {

std::array<std::span<const char>, 2> ResponseOutput::unsent() const {
  const std::string_view body = this->body();
  if (sent_ < head_.size()) {
    return {std::span<const char>(head_.data() + sent_, head_.size() - sent_),
            std::span<const char>(body.data(), body.size())};
  }
  const std::size_t body_sent = sent_ - head_.size();
  return {std::span<const char>(),
          std::span<const char>(body.data() + body_sent, body.size() - body_sent)};
}

ResponseOutput::Progress ResponseOutput::send_some(int socket, int flags) {
  while (!done()) {
    const auto pieces = unsent();
    iovec vectors[2];
    msghdr message{};
    message.msg_iov = vectors;
    for (const auto& piece : pieces) {
      if (piece.empty()) continue;
      vectors[message.msg_iovlen].iov_base = const_cast<char*>(piece.data());
      vectors[message.msg_iovlen].iov_len = piece.size();
      ++message.msg_iovlen;
    }
    const ssize_t bytes = ::sendmsg(socket, &message, flags | MSG_NOSIGNAL | MSG_DONTWAIT);
    if (bytes >= 0) {
      sent(static_cast<std::size_t>(bytes));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::kBlocked;
    return Progress::kFailed;
  }
  return Progress::kDone;
}

void ResponseOutput::release() {
  shared_.reset();
  if (body_.capacity() > kKeptBodyCapacity) {
    std::string().swap(body_);
  } else {
    body_.clear();
  }
}

}  // namespace wreg::http
