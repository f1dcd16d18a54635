// ResponseOutput: the bytes of a response held in memory, its head and (unless a file follows)
// its body, and how many of them went out.
//
// send_some() writes them without waiting, in one sendmsg(2) of the two pieces: for a small
// response on a healthy connection that sends it all at once, with no completion to post and no
// timer. When the socket is full, the caller waits for room its own way (the session writes
// unsent() through the reactor with the idle timeout) and reports what went out with sent().
//
// The head and the owned body are strings reused from response to response, so that a
// connection answering small requests allocates nothing for them after its first; a shared body
// (a cached document) is sent from where it lives, without a copy. Pure of the session: a test
// drives it over socketpair(2). Not thread-safe: the connection's thread only.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace wreg::http {

// An owned body string larger than this is freed after it went out, not kept for the next
// response.
inline constexpr std::size_t kKeptBodyCapacity = 64 * 1024;

class ResponseOutput {
 public:
  enum class Progress {
    kDone,     // everything went out
    kBlocked,  // the socket is full: send unsent(), then call again
    kFailed,   // the socket refused the bytes: the client went away
  };

  // The head to fill (write_response_head()) for a new response. Nothing of it is sent yet.
  std::string& new_head() {
    sent_ = 0;
    return head_;
  }
  // The body that follows the head: owned, shared, or none (a HEAD, a 304, or a file to follow).
  void set_body(std::string body) { body_ = std::move(body); }
  void set_body(std::shared_ptr<const std::string> body) { shared_ = std::move(body); }

  // Sends without waiting to the connected, non-blocking socket `socket`, with `flags` added
  // (MSG_MORE to hold the head back for a file's first bytes). Never raises SIGPIPE.
  Progress send_some(int socket, int flags);

  // What of the head and the body has not gone out yet, in order; either may be empty.
  std::array<std::span<const char>, 2> unsent() const;
  // `bytes` of unsent() went out.
  void sent(std::size_t bytes) { sent_ += bytes; }
  bool done() const { return sent_ == head_.size() + body().size(); }

  // Lets go of the body once it went out: a shared one is released, an owned one cleared, and
  // freed when its capacity passed kKeptBodyCapacity. The head's capacity is kept.
  void release();

 private:
  std::string_view body() const { return shared_ ? std::string_view(*shared_) : body_; }

  std::string head_;
  std::string body_;
  std::shared_ptr<const std::string> shared_;  // when set, the body, and body_ is unused
  std::size_t sent_ = 0;                       // bytes of head_ and then the body gone out
};

}  // namespace wreg::http
