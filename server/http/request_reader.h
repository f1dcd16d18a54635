// RequestReader<Stream>: reads the requests of one connection, a header and then its body, the
// way the route wants it.
//
// The header is read with a parser of no body; once the session has routed it, the parser
// becomes one of a string body (JSON routes) or of a ConsumerBody (a publish, handed chunk by
// chunk to the route's BodyConsumer), with the limit plan_body() gives (Beast's "change body
// type" pattern). What the header means and when it is refused are request_header.h's pure
// functions; this type does the reading: inline from what has arrived when it can, else through
// Beast's async reads with the header or body idle timeout.
//
// Async steps come in do_/on_ pairs and end by calling the handler they were given, once,
// sometimes inline (before the async_ call returns). Everything runs on the connection's one
// thread; the handler keeps the session, and with it this reader, alive. Included only by
// session_impl.h.
#pragma once

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "server/http/message.h"
#include "server/http/receive_buffer.h"
#include "server/http/request_header.h"
#include "server/http/server.h"

namespace wreg::http::session_detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Room in the read buffer while a streamed body (a publish) arrives; Beast reads at most 64 KiB
// at a time. Without room made, a 20 MiB upload arrived in 5,000 reads (and file writes) of
// 4 KiB.
constexpr std::size_t kStreamReadRoom = 64 * 1024;
// Over plain TCP, what of a streamed body has already arrived is read without waiting, in
// pieces of up to kStreamInlineRead, and at most kStreamInlineBytes before the connection lets
// its thread's other connections run (RequestReader::read_arrived_body). Publish 20 MiB, curl
// time_total medians in same-run A/Bs: 64 KiB 49-54 ms, 256 KiB 46, 512 KiB 39-41, 1 MiB 38-40,
// 2 and 4 MiB 41-59 (bench/README.md); the buffer is freed when the upload ends.
constexpr std::size_t kStreamInlineRead = 512 * 1024;
constexpr std::uint64_t kStreamInlineBytes = 4u << 20;
// How many pipelined requests a connection answers inline, one within the other, before it
// goes back through the connection's io_context.
constexpr int kMaxInlineDepth = 8;

// A Beast body whose reader hands each chunk to a BodyConsumer as it is parsed, so that a
// publish never holds its body in memory (Beast's "custom body" concept, http/body.hpp).
struct ConsumerBody {
  struct value_type {
    BodyConsumer* consumer = nullptr;
    std::optional<Error> error;  // set when the consumer refused a chunk
    std::uint64_t received = 0;
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(bhttp::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, beast::error_code& ec) { ec = {}; }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      std::size_t taken = 0;
      for (auto it = net::buffer_sequence_begin(buffers); it != net::buffer_sequence_end(buffers);
           ++it) {
        net::const_buffer buffer = *it;
        std::span<const std::uint8_t> chunk(static_cast<const std::uint8_t*>(buffer.data()),
                                            buffer.size());
        if (auto written = body_.consumer->write(chunk); !written) {
          body_.error = std::move(written).error();
          ec = beast::errc::make_error_code(beast::errc::io_error);
          return taken;
        }
        taken += buffer.size();
      }
      body_.received += taken;
      ec = {};
      return taken;
    }

    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

template <class Stream>
class RequestReader {
 public:
  // `stream` is the connection's; `direct` its plain TCP socket in non-blocking mode, for reads
  // tried without waiting, or null (TLS); `remote` the peer's address, for Request::remote.
  // All of them outlive the reader, as do `options`.
  RequestReader(Stream& stream, tcp::socket* direct, const ServerOptions& options,
                const std::string& remote)
      : stream_(stream), direct_(direct), options_(options), remote_(remote) {}

  // The request being read, or the last one read: filled by async_read_header(), its body by
  // async_read_string_body().
  Request& request() { return request_; }
  const Request& request() const { return request_; }
  // The method as sent, for the log ("-" until a header is read).
  const std::string& method_text() const { return method_text_; }
  // The body's bytes read so far.
  std::uint64_t received() const { return received_; }
  // After a header was read: whether the client lets the connection carry another request.
  bool keep_alive() const { return header_parser_->keep_alive(); }

  // Bytes of a next request have already arrived (pipelined with the last one).
  bool has_buffered() const { return buffer_.size() > 0; }

  // Waits up to `timeout` for the first bytes of the next request. handler(beast::error_code).
  template <class Handler>
  void async_wait_for_request(std::chrono::milliseconds timeout, Handler&& handler) {
    beast::get_lowest_layer(stream_).expires_after(timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [this, handler = std::forward<Handler>(handler)](
                                beast::error_code ec, std::size_t bytes) mutable {
                              if (!ec) buffer_.commit(bytes);
                              handler(ec);
                            });
  }

  // Reads the next request's header into request() (a new one) within the header timeout, and
  // checks it (take_request_header()). handler(ReadOutcome).
  template <class Handler>
  void async_read_header(Handler&& handler) {
    header_parser_.emplace();
    header_parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::uint64_t>(options_.max_header_bytes, UINT32_MAX)));
    // The route decides the body's limit once the header is in (plan_body()).
    header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    request_ = Request{};
    request_.remote = remote_;
    method_text_ = "-";
    received_ = 0;
    // The first read of a request (async_wait_for_request) usually brought the whole header:
    // parse it from the buffer here rather than through async_read_header, which would post its
    // completion through the io_context (and arm the header timer) for no read at all. The depth
    // bound keeps pipelined requests answered inline from growing the stack.
    if (buffer_.size() > 0 && inline_depth_ < kMaxInlineDepth) {
      beast::error_code ec;
      const std::size_t used = header_parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec != bhttp::error::need_more) {
        ++inline_depth_;
        on_read_header(ec, handler);
        --inline_depth_;
        return;
      }
    }
    beast::get_lowest_layer(stream_).expires_after(options_.header_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *header_parser_,
        [this, handler = std::forward<Handler>(handler)](
            beast::error_code ec, std::size_t) mutable { on_read_header(ec, handler); });
  }

  // Reads the body of the request whose header was just read into request().body, refusing it
  // past `limit` bytes. Sends 100 Continue first when the request asks for it, which it does
  // only now that the header has been accepted. handler(ReadOutcome).
  template <class Handler>
  void async_read_string_body(std::uint64_t limit, Handler&& handler) {
    limit_ = limit;
    string_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    string_parser_->body_limit(limit);
    if (expects_continue(request_)) {
      return do_continue(std::forward<Handler>(handler),
                         &RequestReader::do_read_string_body<std::decay_t<Handler>>);
    }
    do_read_string_body(std::forward<Handler>(handler));
  }

  // Reads the body of the request whose header was just read chunk by chunk into `consumer`,
  // which must outlive the read, as `plan` says (plan_body(): the limit, and whether it is a
  // large upload). Sends 100 Continue first when asked, as above. handler(ReadOutcome).
  template <class Handler>
  void async_read_stream_body(BodyConsumer& consumer, const BodyPlan& plan, Handler&& handler) {
    limit_ = plan.limit;
    stream_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    stream_parser_->body_limit(plan.limit);
    stream_parser_->get().body().consumer = &consumer;
    // Beast reads as much as the buffer has room for, up to 64 KiB.
    buffer_.reserve(kStreamReadRoom);
    if (plan.large_upload) {
      widen_receive_buffer(beast::get_lowest_layer(stream_).socket().native_handle());
    }
    if (expects_continue(request_)) {
      return do_continue(std::forward<Handler>(handler),
                         &RequestReader::do_read_stream_body<std::decay_t<Handler>>);
    }
    do_read_stream_body(std::forward<Handler>(handler));
  }

  struct RequestEnd {
    unsigned version;  // the request's HTTP version, in Beast's encoding (11 when unknown)
    bool body_unread;  // some of its body is still in the socket: the connection cannot go on
  };
  // Ends the request being read, before it is answered: drops its parser.
  RequestEnd end_request() {
    const bool body_unread = (header_parser_ && !header_parser_->is_done()) ||
                             (string_parser_ && !string_parser_->is_done()) ||
                             (stream_parser_ && !stream_parser_->is_done());
    const unsigned version = this->version();
    header_parser_.reset();
    string_parser_.reset();
    stream_parser_.reset();
    return {version, body_unread};
  }

 private:
  template <class Handler>
  void on_read_header(beast::error_code ec, Handler& handler) {
    if (ec) return handler(header_read_failed(ec, options_.max_header_bytes));
    handler(take_request_header(*header_parser_, request_, method_text_));
  }

  // `Expect: 100-continue` (RFC 9110 §10.1.1): the client waits for this go-ahead before it
  // sends the body.
  template <class Handler>
  void do_continue(Handler handler, void (RequestReader::*read_body)(Handler)) {
    auto interim =
        std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, version());
    beast::get_lowest_layer(stream_).expires_after(options_.body_idle_timeout);
    bhttp::async_write(stream_, *interim,
                       [this, interim, read_body, handler = std::move(handler)](
                           beast::error_code ec, std::size_t) mutable {
                         if (ec) return handler(ReadOutcome{ReadOutcome::Kind::kGone, {}});
                         (this->*read_body)(std::move(handler));
                       });
  }

  template <class Handler>
  void do_read_string_body(Handler handler) {
    if (string_parser_->is_done()) return on_string_body(handler);
    beast::get_lowest_layer(stream_).expires_after(options_.body_idle_timeout);
    bhttp::async_read_some(
        stream_, buffer_, *string_parser_,
        [this, handler = std::move(handler)](beast::error_code ec, std::size_t) mutable {
          if (ec == bhttp::error::body_limit) {
            return handler(ReadOutcome::refused(body_too_large(limit_, BodyKind::kSmall)));
          }
          if (ec) return handler(body_read_failed(ec));
          do_read_string_body(std::move(handler));
        });
  }

  template <class Handler>
  void on_string_body(Handler& handler) {
    request_.body = std::move(string_parser_->get().body());
    received_ = request_.body.size();
    handler(ReadOutcome::done());
  }

  template <class Handler>
  void do_read_stream_body(Handler handler) {
    if (!read_arrived_body(handler)) return;
    if (stream_parser_->is_done()) return on_stream_body(handler);
    beast::get_lowest_layer(stream_).expires_after(options_.body_idle_timeout);
    bhttp::async_read_some(
        stream_, buffer_, *stream_parser_,
        [this, handler = std::move(handler)](beast::error_code ec, std::size_t) mutable {
          if (auto stopped = stream_body_progress(ec)) return handler(std::move(*stopped));
          do_read_stream_body(std::move(handler));
        });
  }

  template <class Handler>
  void on_stream_body(Handler& handler) {
    buffer_.shrink_to_fit();  // an idle connection keeps no upload-sized buffer
    handler(ReadOutcome::done());
  }

  // Plain TCP: parses what of the body has already arrived, reading it without waiting in
  // pieces of up to kStreamInlineRead, so that a fast upload is not taken 64 KiB per trip
  // through the reactor (each a posted completion, an epoll_wait and a timer).
  // Stops when the body is done, the socket is empty, or after kStreamInlineBytes, to let the
  // thread's other connections run. False when the read ended (the handler was called).
  template <class Handler>
  bool read_arrived_body(Handler& handler) {
    if (!direct_) return true;
    std::uint64_t read = 0;
    while (!stream_parser_->is_done()) {
      if (buffer_.size() > 0) {
        beast::error_code ec;
        const std::size_t used = stream_parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (auto stopped = stream_body_progress(ec)) {
          handler(std::move(*stopped));
          return false;
        }
        if (used > 0 && buffer_.size() > 0) continue;  // the parser takes a chunked body in steps
      }
      if (read >= kStreamInlineBytes) break;
      beast::error_code ec;
      const std::size_t got = direct_->read_some(buffer_.prepare(kStreamInlineRead), ec);
      if (ec) break;  // nothing more yet, or a failure that Beast's read meets and reports
      buffer_.commit(got);
      read += got;
    }
    return true;
  }

  // After the parser took a piece of a streamed body: counts what arrived, and says why the
  // read ends when it does (stream_body_stopped()).
  std::optional<ReadOutcome> stream_body_progress(beast::error_code ec) {
    const auto& body = stream_parser_->get().body();
    received_ = body.received;
    return stream_body_stopped(body.error, ec, limit_);
  }

  unsigned version() const {
    if (header_parser_) return header_parser_->get().version();
    if (string_parser_) return string_parser_->get().version();
    if (stream_parser_) return stream_parser_->get().version();
    return 11;
  }

  Stream& stream_;
  tcp::socket* const direct_;
  const ServerOptions& options_;
  const std::string& remote_;
  beast::flat_buffer buffer_;

  // One of the three parsers is live at a time: the header's, then the body's.
  std::optional<HeaderParser> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> string_parser_;
  std::optional<bhttp::request_parser<ConsumerBody>> stream_parser_;

  Request request_;
  std::string method_text_ = "-";
  std::uint64_t limit_ = 0;     // the body's limit (async_read_*_body)
  std::uint64_t received_ = 0;  // the body's bytes read
  int inline_depth_ = 0;        // headers parsed inline on the stack (async_read_header)
};

}  // namespace wreg::http::session_detail
