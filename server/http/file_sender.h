// FileSender: the bytes of a stored blob going out on a connection after the response's head.
//
// send_some() sends as much as the socket takes without waiting: a piece of up to
// kSendfileLimit bytes by sendfile(2), a larger one (and the rest of a small one once the socket
// was full) through one buffer, read kFileChunk at a time with pread(2) (nginx's `sendfile off;
// output_buffers`). Measured here against nginx, sendfile gave 0.88-1.07 of its throughput on a
// 1 MiB blob but 0.55-0.70 on 20 MiB, the buffer 0.84-0.96 and 0.76-0.98 (bench/README.md).
// When the socket is full, the caller waits for room its own way (the session writes pending()
// through the reactor with the idle timeout, so that a slow reader is served and a stalled one
// cut off), and reports what went out with consumed().
//
// Pure of the session: it needs only a file and a connected socket's descriptor, so a test
// drives it over socketpair(2). One per connection, reused from blob to blob; its buffer is
// allocated at the first blob that needs it and kept. Not thread-safe: the connection's thread
// only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "common/file_descriptor.h"

namespace wreg::http {

// A blob's bytes go out in pieces of this size through one buffer per connection, allocated at
// its first blob and reused (nginx's `output_buffers`); Beast's file_body reads 4 KiB at a time,
// which cost a third of the 1 MiB blob throughput.
inline constexpr std::size_t kFileChunk = 256 * 1024;
// Pieces up to this size go out by sendfile(2) over plain TCP, larger ones through that buffer
// (the measurements above).
inline constexpr std::uint64_t kSendfileLimit = 4u << 20;

class FileSender {
 public:
  enum class Progress {
    kDone,        // the whole piece went out
    kBlocked,     // the socket is full (or there is none): send pending(), then call again
    kReadFailed,  // the file could not be read, or is shorter than the piece: read_failure()
    kSendFailed,  // the socket refused the bytes: the client went away
  };

  // Starts sending `length` bytes of `file` from `offset` on. Whatever was being sent is
  // dropped.
  void start(FileDescriptor file, std::uint64_t offset, std::uint64_t length);

  // Sends without waiting to the connected, non-blocking socket `socket`; -1 (a stream that
  // does not take raw writes, as TLS) only reads the next piece into pending() for the caller
  // to write. Never raises SIGPIPE for a peer that went away (MSG_NOSIGNAL; sendfile(2) has no
  // such flag, so the server ignores SIGPIPE, server.cpp). The file is closed on kDone,
  // kReadFailed and kSendFailed.
  Progress send_some(int socket);

  // The bytes read and not yet sent (they start at the piece's next offset). Empty unless
  // send_some() returned kBlocked.
  std::span<const char> pending() const;
  // `bytes` of pending() went out.
  void consumed(std::size_t bytes);

  // Why the last send_some() returned kReadFailed: errno's text, or "it is shorter".
  const std::string& read_failure() const { return read_failure_; }
  // A piece is being sent.
  bool active() const { return file_.get() >= 0; }
  // Bytes of the piece not yet sent.
  std::uint64_t remaining() const { return remaining_; }
  // Drops the piece and closes its file (a response abandoned halfway).
  void reset();

 private:
  // Reads the next piece of the file into buffer_. False (read_failure_ set) when it cannot.
  bool read_piece();

  FileDescriptor file_;
  std::uint64_t offset_ = 0;        // of the next byte not yet sent
  std::uint64_t remaining_ = 0;     // bytes from offset_ on not yet sent
  bool by_sendfile_ = false;        // the piece is at most kSendfileLimit
  std::unique_ptr<char[]> buffer_;  // kFileChunk bytes once a piece needed it (read_piece)
  // [begin_, end_) of buffer_: the next bytes, read and not yet sent (they start at offset_).
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::string read_failure_;
};

}  // namespace wreg::http
