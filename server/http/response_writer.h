// ResponseWriter<Stream>: sends the responses of one connection.
//
// Each response's head is written by write_response_head() into one reused string, framed as
// framing_of() says (HEAD, 204 and 304 send no body), and goes out with its body
// (ResponseOutput) and then, for a blob, the file's bytes (FileSender). Over plain TCP every
// write is first tried without waiting, which for a small response on a healthy connection sends
// it all at once (one sendmsg, no completion to post and no timer); only what the socket does
// not take goes through the reactor, piece by piece, each piece with the body idle timeout, so
// that a slow reader of a large body is served and a stalled one cut off. Over TLS everything
// goes through the stream.
//
// Async steps come in do_/on_ pairs and end by calling the handler they were given, once,
// sometimes inline. Everything runs on the connection's one thread; the handler keeps the
// session, and with it this writer, alive. Included only by session_impl.h.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "common/file_descriptor.h"
#include "server/http/file_sender.h"
#include "server/http/message.h"
#include "server/http/response_head.h"
#include "server/http/response_output.h"
#include "server/http/server.h"

namespace wreg::http::session_detail {

// How sending a response ended.
enum class Sent {
  kWhole,   // every byte of it went out
  kBroken,  // it broke off after its head went out (ResponseWriter::failure() says why)
};

template <class Stream>
class ResponseWriter {
 public:
  // `stream` is the connection's; `direct` its plain TCP socket in non-blocking mode, for writes
  // tried without waiting, or null (TLS). Both outlive the writer, as do `options`.
  ResponseWriter(Stream& stream, boost::asio::ip::tcp::socket* direct, const ServerOptions& options)
      : stream_(stream), direct_(direct), options_(options) {}

  // Sends `response` to a request of HTTP `version` (Beast's encoding); `head_request`: it was a
  // HEAD. `keep_alive` is what the head tells the client about the connection. A response
  // whose head would be broken by a field (write_response_head()) or whose blob cannot be
  // opened is replaced by a 500 before anything is sent. handler(Sent).
  template <class Handler>
  void async_write(Response response, unsigned version, bool keep_alive, bool head_request,
                   Handler&& handler) {
    status_ = response.status;
    detail_ = std::move(response.log_detail);
    token_id_ = response.log_token_id;
    failure_.clear();
    const ResponseFraming framing = framing_of(response, head_request);
    FileDescriptor file;
    if (framing.sends_body && response.file) {
      file = FileDescriptor(::open(response.file->path.c_str(), O_RDONLY | O_CLOEXEC));
      if (file.get() < 0) {
        return async_write(
            error_response(Error{ErrorCode::kInternal, "cannot open a stored blob for sending: " +
                                                           std::string(std::strerror(errno))}),
            version, keep_alive, head_request, std::forward<Handler>(handler));
      }
    }
    if (auto written = write_response_head(response, version, keep_alive, framing.content_length,
                                           output_.new_head());
        !written) {
      return async_write(error_response(std::move(written).error()), version, keep_alive,
                         head_request, std::forward<Handler>(handler));
    }
    bytes_out_ = framing.sends_body ? response.body_size() : 0;
    if (file.get() >= 0) {
      files_.start(std::move(file), response.file->offset, response.file->length);
    } else if (framing.sends_body && response.shared_body) {
      output_.set_body(std::move(response.shared_body));
    } else if (framing.sends_body) {
      output_.set_body(std::move(response.body));
    }
    do_send_output(std::forward<Handler>(handler));
  }

  // The last response's status, body bytes and internal detail, for the access log and metrics.
  int status() const { return status_; }
  std::uint64_t bytes_out() const { return bytes_out_; }
  const std::string& detail() const { return detail_; }
  std::int64_t token_id() const { return token_id_; }
  // After Sent::kBroken: why the blob could not be read, or empty when the client went away.
  const std::string& failure() const { return failure_; }

 private:
  template <class Handler>
  void do_send_output(Handler&& handler) {
    if (direct_) {
      // With a file to follow, the head is held back (MSG_MORE) to leave in one segment with
      // the file's first bytes, not in a small one of its own that wakes the client for
      // nothing; the file's first send pushes them out.
      const int flags = files_.remaining() > 0 ? MSG_MORE : 0;
      switch (output_.send_some(direct_->native_handle(), flags)) {
        case ResponseOutput::Progress::kDone:
          return on_output_sent(handler);
        case ResponseOutput::Progress::kFailed:
          return abandon(handler);
        case ResponseOutput::Progress::kBlocked:
          break;
      }
    }
    const auto unsent = output_.unsent();
    const std::array<boost::asio::const_buffer, 2> buffers = {
        boost::asio::const_buffer(unsent[0].data(), unsent[0].size()),
        boost::asio::const_buffer(unsent[1].data(), unsent[1].size())};
    boost::beast::get_lowest_layer(stream_).expires_after(options_.body_idle_timeout);
    stream_.async_write_some(buffers, [this, handler = std::forward<Handler>(handler)](
                                          boost::beast::error_code ec, std::size_t sent) mutable {
      if (ec) return abandon(handler);
      output_.sent(sent);
      if (!output_.done()) return do_send_output(std::move(handler));
      on_output_sent(handler);
    });
  }

  template <class Handler>
  void on_output_sent(Handler& handler) {
    output_.release();
    if (files_.active()) return do_send_file(std::move(handler));
    handler(Sent::kWhole);
  }

  template <class Handler>
  void do_send_file(Handler&& handler) {
    switch (files_.send_some(direct_ ? direct_->native_handle() : -1)) {
      case FileSender::Progress::kDone:
        return handler(Sent::kWhole);
      case FileSender::Progress::kReadFailed:
        failure_ = files_.read_failure();
        return handler(Sent::kBroken);
      case FileSender::Progress::kSendFailed:
        return handler(Sent::kBroken);
      case FileSender::Progress::kBlocked:
        break;
    }
    const auto pending = files_.pending();
    boost::beast::get_lowest_layer(stream_).expires_after(options_.body_idle_timeout);
    stream_.async_write_some(boost::asio::const_buffer(pending.data(), pending.size()),
                             [this, handler = std::forward<Handler>(handler)](
                                 boost::beast::error_code ec, std::size_t sent) mutable {
                               if (ec) return abandon(handler);
                               files_.consumed(sent);
                               do_send_file(std::move(handler));
                             });
  }

  // The response broke off after its head went out (a write failed): there is nothing left to
  // tell the client.
  template <class Handler>
  void abandon(Handler& handler) {
    files_.reset();
    handler(Sent::kBroken);
  }

  Stream& stream_;
  boost::asio::ip::tcp::socket* const direct_;
  const ServerOptions& options_;
  ResponseOutput output_;  // the head and the in-memory body of the response being sent
  FileSender files_;       // the blob that follows the head, if any
  int status_ = 0;
  std::uint64_t bytes_out_ = 0;
  std::string detail_;
  std::int64_t token_id_ = 0;
  std::string failure_;
};

}  // namespace wreg::http::session_detail
