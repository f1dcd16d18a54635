// FileSender (server/http/file_sender.h): a blob's bytes, or a range of them, reach the client
// exactly, in order, through short writes, by sendfile(2) and through the pread buffer; a file
// that cannot be read and a client that went away end the piece without a signal.
#include "server/http/file_sender.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/unit/http/patterned_bytes.h"
#include "tests/unit/http/socket_pair.h"

namespace wreg::http {
namespace {

using testing::patterned_bytes;
using testing::SocketPair;

// An unnamed file in the temp dir holding `bytes`.
FileDescriptor file_with(const std::string& bytes) {
  std::FILE* file = std::tmpfile();
  if (!file) return FileDescriptor();
  FileDescriptor fd(::dup(::fileno(file)));
  std::fclose(file);
  if (::pwrite(fd.get(), bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    return FileDescriptor();
  }
  return fd;
}

struct Sent {
  std::string received;
  FileSender::Progress last = FileSender::Progress::kBlocked;
  int blocked = 0;  // how often the socket was full
};

// Drives `sender` to the end of its piece over `pair` the way the session does, with a reader
// that takes at most `read_step` bytes each time the socket is full.
Sent send_to_slow_reader(FileSender& sender, SocketPair& pair, std::size_t read_step) {
  Sent sent;
  for (;;) {
    sent.last = sender.send_some(pair.sender.get());
    if (sent.last != FileSender::Progress::kBlocked) break;
    ++sent.blocked;
    if (pair.read_some(sent.received, read_step) == 0) {
      ADD_FAILURE() << "blocked with nothing to read";
      break;
    }
  }
  sent.received += pair.read_all();
  return sent;
}

class FileSenderTest : public ::testing::Test {
 protected:
  // sendfile(2) has no MSG_NOSIGNAL: the server ignores SIGPIPE (server.cpp), and so does this
  // test, so that a peer that went away is an error, not the end of the process.
  void SetUp() override { previous_ = ::signal(SIGPIPE, SIG_IGN); }
  void TearDown() override { ::signal(SIGPIPE, previous_); }

 private:
  sighandler_t previous_ = SIG_DFL;
};

// Up to kSendfileLimit by sendfile(2), beyond it through the pread buffer: either way every
// byte arrives, in order, however little the socket takes at a time.
TEST_F(FileSenderTest, AWholeBlobReachesASlowReaderThroughShortWrites) {
  for (const std::size_t size :
       {std::size_t{3 * 1024 * 1024 + 7}, std::size_t{kSendfileLimit + kFileChunk * 3 + 12345}}) {
    const std::string bytes = patterned_bytes(size);
    SocketPair pair;
    ASSERT_TRUE(pair.open());
    FileSender sender;
    sender.start(file_with(bytes), 0, bytes.size());
    const Sent sent = send_to_slow_reader(sender, pair, 7000);
    EXPECT_EQ(sent.last, FileSender::Progress::kDone) << size;
    EXPECT_GT(sent.blocked, 10) << "the socket never filled: no short write was tested";
    EXPECT_EQ(sent.received.size(), bytes.size());
    EXPECT_TRUE(sent.received == bytes) << "the bytes of " << size << " differ";
    EXPECT_FALSE(sender.active());
  }
}

// A Range answer (206): the piece at its offset and length, not a byte before or after it.
TEST_F(FileSenderTest, APieceAtAnOffsetGoesOutExactly) {
  const std::string bytes = patterned_bytes(kSendfileLimit + 2 * kFileChunk + 99);
  struct Piece {
    std::uint64_t offset, length;
  };
  for (const Piece piece : {Piece{0, 1}, Piece{bytes.size() - 1, 1}, Piece{300001, 12345},
                            Piece{kFileChunk - 1, kFileChunk + 2},
                            Piece{17, kSendfileLimit + kFileChunk}, Piece{0, bytes.size()}}) {
    SocketPair pair;
    ASSERT_TRUE(pair.open());
    FileSender sender;
    sender.start(file_with(bytes), piece.offset, piece.length);
    const Sent sent = send_to_slow_reader(sender, pair, 6000);
    EXPECT_EQ(sent.last, FileSender::Progress::kDone);
    EXPECT_TRUE(sent.received == bytes.substr(piece.offset, piece.length))
        << "offset " << piece.offset << " length " << piece.length << ": got "
        << sent.received.size() << " bytes";
  }
}

// One sender per connection serves blob after blob, its buffer reused.
TEST_F(FileSenderTest, OneSenderServesPieceAfterPiece) {
  const std::string bytes = patterned_bytes(kSendfileLimit + kFileChunk + 5);
  SocketPair pair;
  ASSERT_TRUE(pair.open(256 * 1024));
  FileSender sender;
  std::string expected;
  for (const auto& [offset, length] : {std::pair<std::uint64_t, std::uint64_t>{5, bytes.size() - 5},
                                       {0, 100},
                                       {1000, kSendfileLimit + 1}}) {
    sender.start(file_with(bytes), offset, length);
    const Sent sent = send_to_slow_reader(sender, pair, 64 * 1024);
    EXPECT_EQ(sent.last, FileSender::Progress::kDone);
    EXPECT_TRUE(sent.received == bytes.substr(offset, length)) << offset << "+" << length;
  }
}

// Over TLS there is no socket to write to directly: the sender reads piece by piece for the
// stream to write.
TEST_F(FileSenderTest, WithoutASocketItHandsOutPiecesToWrite) {
  const std::string bytes = patterned_bytes(3 * kFileChunk + 10);
  FileSender sender;
  sender.start(file_with(bytes), 9, bytes.size() - 9);
  std::string written;
  int pieces = 0;
  FileSender::Progress progress;
  while ((progress = sender.send_some(-1)) == FileSender::Progress::kBlocked) {
    const auto pending = sender.pending();
    ASSERT_FALSE(pending.empty());
    ASSERT_LE(pending.size(), kFileChunk);
    // A stream that takes part of a piece at a time.
    const std::size_t taken = std::min<std::size_t>(pending.size(), 100000);
    written.append(pending.data(), taken);
    sender.consumed(taken);
    ++pieces;
  }
  EXPECT_EQ(progress, FileSender::Progress::kDone);
  EXPECT_GE(pieces, 4);
  EXPECT_TRUE(written == bytes.substr(9)) << "got " << written.size() << " bytes";
}

TEST_F(FileSenderTest, AFileShorterThanThePieceIsAReadFailure) {
  const std::string bytes = patterned_bytes(1000);
  for (std::uint64_t length : {std::uint64_t{2000}, kSendfileLimit + 1}) {
    SocketPair pair;
    ASSERT_TRUE(pair.open(1 << 20));
    FileSender sender;
    sender.start(file_with(bytes), 0, length);
    const Sent sent = send_to_slow_reader(sender, pair, 1 << 20);
    EXPECT_EQ(sent.last, FileSender::Progress::kReadFailed) << length;
    EXPECT_EQ(sender.read_failure(), "it is shorter");
    EXPECT_FALSE(sender.active());
    EXPECT_TRUE(sent.received == bytes) << "what the file had still went out";
  }
}

TEST_F(FileSenderTest, AnUnreadableFileIsAReadFailureWithTheReason) {
  SocketPair pair;
  ASSERT_TRUE(pair.open());
  FileSender sender;
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  ::close(pipe_fds[1]);
  sender.start(FileDescriptor(pipe_fds[0]), 0, kSendfileLimit + 1);  // pread of a pipe: ESPIPE
  EXPECT_EQ(sender.send_some(pair.sender.get()), FileSender::Progress::kReadFailed);
  EXPECT_EQ(sender.read_failure(), "Illegal seek");
  EXPECT_FALSE(sender.active());
}

TEST_F(FileSenderTest, AClientThatWentAwayIsASendFailure) {
  const std::string bytes = patterned_bytes(2 * 1024 * 1024);
  for (std::uint64_t length : {bytes.size(), std::size_t{1000}}) {
    SocketPair pair;
    ASSERT_TRUE(pair.open());
    pair.receiver.reset();
    FileSender sender;
    sender.start(file_with(bytes), 0, length);
    EXPECT_EQ(sender.send_some(pair.sender.get()), FileSender::Progress::kSendFailed) << length;
    EXPECT_FALSE(sender.active());
    EXPECT_EQ(sender.remaining(), 0u);
  }
}

TEST_F(FileSenderTest, AnEmptyPieceIsDoneAtOnce) {
  SocketPair pair;
  ASSERT_TRUE(pair.open());
  FileSender sender;
  sender.start(file_with("abc"), 3, 0);
  EXPECT_EQ(sender.send_some(pair.sender.get()), FileSender::Progress::kDone);
  EXPECT_EQ(pair.read_all(), "");
}

}  // namespace
}  // namespace wreg::http
