// Session<Stream>: one connection: read a header, route, read the body the route's way, answer,
// repeat. Structure after Beast's example/advanced/server (async steps in do_/on_ pairs, all on
// the connection's one thread). Included only by session_plain.cpp and session_tls.cpp, which
// instantiate it for one stream type each, so that the two (the bulk of the server's compile time)
// build in parallel.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "common/file_descriptor.h"
#include "common/text.h"
#include "server/http/file_sender.h"
#include "server/http/receive_buffer.h"
#include "server/http/response_head.h"
#include "server/http/response_output.h"
#include "server/http/session.h"
#include "server/http/status_table.h"

namespace wreg::http::session_detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kDrainBytes = 1024 * 1024;

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

// Room in the read buffer while a streamed body (a publish) arrives; Beast reads at most 64 KiB
// at a time.
constexpr std::size_t kStreamReadRoom = 64 * 1024;
// Over plain TCP, what of a streamed body has already arrived is read without waiting, in
// pieces of up to kStreamInlineRead, and at most kStreamInlineBytes before the connection lets
// its thread's other connections run (Session::read_arrived_body). Publish 20 MiB, curl
// time_total medians in same-run A/Bs: 64 KiB 49-54 ms, 256 KiB 46, 512 KiB 39-41, 1 MiB 38-40,
// 2 and 4 MiB 41-59 (bench/README.md); the buffer is freed when the upload ends.
constexpr std::size_t kStreamInlineRead = 512 * 1024;
constexpr std::uint64_t kStreamInlineBytes = 4u << 20;
// How many pipelined requests a connection answers inline, one within the other, before it
// goes back through the connection's io_context.
constexpr int kMaxInlineDepth = 8;

inline Method method_of(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

inline std::string lowercase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <class Stream>
class Session final : public SessionHandle, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(ServerContext& context, bool over_capacity, Args&&... args)
      : stream_(std::forward<Args>(args)...), context_(context), over_capacity_(over_capacity) {
    beast::error_code ec;
    auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    context_.metrics.connection_opened();
  }

  ~Session() override {
    context_.remove(this);
    context_.metrics.connection_closed();
  }

  void start() {
    context_.add(this->shared_from_this());
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::on_start, this->shared_from_this()));
  }

  void stop() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->stop_requested_ = true;
      // The pending read completes with an error, which ends the session.
      if (self->idle_) beast::get_lowest_layer(self->stream_).close();
    });
  }

 private:
  void on_start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      do_wait_for_request(context_.options.header_timeout);
    } else {
      if (context_.stopping.load()) return close();
      // No request has begun during the handshake: a stop closes the connection as an idle one.
      idle_ = true;
      beast::get_lowest_layer(stream_).expires_after(context_.options.header_timeout);
      stream_.async_handshake(
          net::ssl::stream_base::server,
          beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
    }
  }

  void on_handshake(beast::error_code ec) {
    idle_ = false;
    if (ec) return close();  // not TLS, or a bad client: nothing to answer
    do_wait_for_request(context_.options.header_timeout);
  }

  // Waits for the first byte of the next request with the keep-alive timeout, so that an idle
  // connection can be closed by a stop, and a header that starts arriving gets the header
  // timeout from its first byte.
  void do_wait_for_request(std::chrono::milliseconds timeout) {
    if (stop_requested_ || context_.stopping.load()) return close();
    if (buffer_.size() > 0) return do_read_header();
    idle_ = true;
    beast::get_lowest_layer(stream_).expires_after(timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t bytes) {
    idle_ = false;
    if (ec) return close();
    buffer_.commit(bytes);
    do_read_header();
  }

  void do_read_header() {
    header_parser_.emplace();
    header_parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::uint64_t>(context_.options.max_header_bytes, UINT32_MAX)));
    // The route decides the body's limit once the header is in (on_read_header).
    header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    request_ = Request{};
    request_.remote = remote_;
    route_pattern_ = "unmatched";
    method_text_ = "-";
    body_bytes_ = 0;
    // The first read of a request (do_wait_for_request) usually brought the whole header: parse
    // it from the buffer here rather than through async_read_header, which would post its
    // completion through the io_context (and arm the header timer) for no read at all. The depth
    // bound keeps pipelined requests answered inline from growing the stack.
    if (buffer_.size() > 0 && inline_depth_ < kMaxInlineDepth) {
      beast::error_code ec;
      const std::size_t used = header_parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec != bhttp::error::need_more) {
        ++inline_depth_;
        on_read_header(ec, used);
        --inline_depth_;
        return;
      }
    }
    beast::get_lowest_layer(stream_).expires_after(context_.options.header_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *header_parser_,
        beast::bind_front_handler(&Session::on_read_header, this->shared_from_this()));
  }

  void on_read_header(beast::error_code ec, std::size_t) {
    started_ = Clock::now();
    if (ec == bhttp::error::header_limit) {
      return answer_and_close(error_response(431, "header_too_large",
                                             "the request header is larger than " +
                                                 std::to_string(context_.options.max_header_bytes) +
                                                 " bytes; send fewer or shorter header fields"));
    }
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof || ec == net::ssl::error::stream_truncated ||
        ec == bhttp::error::partial_message) {
      if (ec == beast::error::timeout) {
        context_.log.note("closed a connection from " + log_escape(remote_) +
                          ": the request header did not arrive within the header timeout");
      }
      return close();
    }
    if (ec) {
      return answer_and_close(
          error_response(400, "bad_request", "the request is not valid HTTP/1.1: " + ec.message()));
    }

    auto& header = header_parser_->get();
    request_.method = method_of(header.method());
    method_text_ = std::string(header.method_string());
    request_.target = std::string(header.target());
    int hosts = 0;
    for (const auto& field : header) {
      auto name_text = field.name_string();
      auto name = lowercase(std::string_view(name_text.data(), name_text.size()));
      hosts += name == "host";
      auto [it, inserted] = request_.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    if (auto length = header_parser_->content_length()) request_.content_length = *length;
    keep_alive_ = header_parser_->keep_alive();

    // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host, and none has two.
    if (hosts > 1 || (hosts == 0 && header.version() >= 11)) {
      return answer_and_close(error_response(
          400, "bad_request",
          "the request has " + std::to_string(hosts) + " Host header fields; send exactly one"));
    }
    // RFC 9112 §6.3: Beast frames only a lone, lowercase `chunked`; with any other
    // Transfer-Encoding it would take the body for the next request (request smuggling).
    if (const std::string* coding = request_.header("transfer-encoding");
        coding && !(header_parser_->chunked() && *coding == "chunked")) {
      return answer_and_close(error_response(400, "bad_request",
                                             "Transfer-Encoding " + wreg::quoted(*coding) +
                                                 " is not supported; send the body with "
                                                 "Content-Length or Transfer-Encoding: chunked"));
    }

    if (over_capacity_) {
      context_.metrics.connection_refused();
      return answer_and_close(error_response(
          503, "unavailable", "the server has too many open connections; retry in a moment"));
    }

    auto matched = context_.router.match(request_);
    if (auto* response = std::get_if<Response>(&matched)) return answer(std::move(*response));
    auto& match = std::get<Router::Match>(matched);
    route_pattern_ = match.pattern;
    route_ = match.route;

    if (route_->body == BodyKind::kStream) {
      std::uint64_t limit = context_.options.max_body_bytes;
      if (request_.content_length && *request_.content_length > limit) return too_large(limit);
      Route::Opened opened = call_safely([&] { return route_->open(request_); });
      if (auto* response = std::get_if<Response>(&opened)) return answer(std::move(*response));
      consumer_ = std::move(std::get<std::unique_ptr<BodyConsumer>>(opened));
      stream_parser_.emplace(std::move(*header_parser_));
      header_parser_.reset();
      stream_parser_->body_limit(limit);
      stream_parser_->get().body().consumer = consumer_.get();
      // Beast reads as much as the buffer has room for, up to 64 KiB: without room made here a
      // 20 MiB upload arrived in 5,000 reads (and file writes) of 4 KiB.
      buffer_.reserve(kStreamReadRoom);
      if (!request_.content_length || *request_.content_length >= kLargeUpload) {
        widen_receive_buffer(beast::get_lowest_layer(stream_).socket().native_handle());
      }
      return maybe_continue([this] { do_read_stream_body(); });
    }

    std::uint64_t limit = route_->body_limit;
    if (request_.content_length && *request_.content_length > limit) return too_large(limit);
    string_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    string_parser_->body_limit(limit);
    maybe_continue([this] { do_read_string_body(); });
  }

  // `Expect: 100-continue` (RFC 9110 §10.1.1): the client waits for a go-ahead before sending
  // the body, which it gets only now that the header has been accepted.
  template <class Next>
  void maybe_continue(Next next) {
    const std::string* expect = request_.header("expect");
    if (!expect || lowercase(*expect) != "100-continue") return next();
    auto interim = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                        header_version());
    beast::get_lowest_layer(stream_).expires_after(context_.options.body_idle_timeout);
    bhttp::async_write(
        stream_, *interim,
        [self = this->shared_from_this(), interim, next](beast::error_code ec, std::size_t) {
          if (ec) return self->close();
          next();
        });
  }

  void do_read_string_body() {
    if (string_parser_->is_done()) return on_string_body();
    beast::get_lowest_layer(stream_).expires_after(context_.options.body_idle_timeout);
    bhttp::async_read_some(stream_, buffer_, *string_parser_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec == bhttp::error::body_limit)
                               return self->too_large(self->route_->body_limit);
                             if (ec) return self->body_failed(ec);
                             self->do_read_string_body();
                           });
  }

  void on_string_body() {
    request_.body = std::move(string_parser_->get().body());
    body_bytes_ = request_.body.size();
    answer(call_safely([&] { return route_->handle(request_); }));
  }

  void do_read_stream_body() {
    if (!read_arrived_body()) return;
    if (stream_parser_->is_done()) return on_stream_body();
    beast::get_lowest_layer(stream_).expires_after(context_.options.body_idle_timeout);
    bhttp::async_read_some(stream_, buffer_, *stream_parser_,
                           [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                             if (self->stream_body_failed(ec)) return;
                             self->do_read_stream_body();
                           });
  }

  // After the parser took a piece of a streamed body: counts what arrived, and answers or closes
  // when the consumer refused it, the body passed the limit, or the stream broke. True when it
  // did.
  bool stream_body_failed(beast::error_code ec) {
    auto& body = stream_parser_->get().body();
    body_bytes_ = body.received;
    if (body.error) {
      consumer_.reset();
      answer_and_close(error_response(*body.error));
      return true;
    }
    if (ec == bhttp::error::body_limit) {
      consumer_.reset();
      too_large(context_.options.max_body_bytes);
      return true;
    }
    if (ec && ec != bhttp::error::need_more) {
      body_failed(ec);
      return true;
    }
    return false;
  }

  // Plain TCP: parses what of the body has already arrived, reading it without waiting in
  // pieces of up to kStreamInlineRead, so that a fast upload is not taken 64 KiB per trip
  // through the reactor (each a posted completion, an epoll_wait and a timer).
  // Stops when the body is done, the socket is empty, or after kStreamInlineBytes, to let the
  // thread's other connections run. False when it answered or closed the connection.
  bool read_arrived_body() {
    auto* socket = socket_that_never_waits();
    if (!socket) return true;
    std::uint64_t read = 0;
    while (!stream_parser_->is_done()) {
      if (buffer_.size() > 0) {
        beast::error_code ec;
        const std::size_t used = stream_parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (stream_body_failed(ec)) return false;
        if (used > 0 && buffer_.size() > 0) continue;  // the parser takes a chunked body in steps
      }
      if (read >= kStreamInlineBytes) break;
      beast::error_code ec;
      const std::size_t got = socket->read_some(buffer_.prepare(kStreamInlineRead), ec);
      if (ec) break;  // nothing more yet, or a failure that Beast's read meets and reports
      buffer_.commit(got);
      read += got;
    }
    return true;
  }

  void on_stream_body() {
    buffer_.shrink_to_fit();  // an idle connection keeps no upload-sized buffer
    auto consumer = std::move(consumer_);
    answer(call_safely([&] { return consumer->finish(request_); }));
  }

  // The body stopped arriving (idle timeout) or the connection broke: there is no one to answer.
  void body_failed(beast::error_code ec) {
    consumer_.reset();
    if (ec == beast::error::timeout) {
      context_.log.note("closed a connection from " + log_escape(remote_) + " during " +
                        log_escape(request_.path) +
                        ": the request body stalled past the idle timeout");
      record(408, 0, {});
    } else if (ec != net::error::operation_aborted) {
      answer_and_close(
          error_response(400, "bad_request", "the request body is malformed: " + ec.message()));
      return;
    }
    close();
  }

  void too_large(std::uint64_t limit) {
    answer_and_close(error_response(
        413, error_code_name(ErrorCode::kTooLarge),
        "the request body is larger than this route's limit of " + std::to_string(limit) +
            " bytes; ask the registry's operator to raise --max-body-size if it must be this big"));
  }

  template <class Handler>
  auto call_safely(Handler handler) -> decltype(handler()) {
    try {
      return handler();
    } catch (const std::exception& e) {
      Response response = error_response(Error{ErrorCode::kInternal, e.what()});
      return response;
    }
  }

  void answer_and_close(Response response) {
    keep_alive_ = false;
    answer(std::move(response));
  }

  unsigned header_version() const {
    if (header_parser_) return header_parser_->get().version();
    if (string_parser_) return string_parser_->get().version();
    if (stream_parser_) return stream_parser_->get().version();
    return 11;
  }

  void answer(Response response) {
    // A body that was not read stays in the socket: such a connection cannot carry another
    // request.
    bool body_unread = (header_parser_ && !header_parser_->is_done()) ||
                       (string_parser_ && !string_parser_->is_done()) ||
                       (stream_parser_ && !stream_parser_->is_done());
    unsigned version = header_version();
    header_parser_.reset();
    string_parser_.reset();
    stream_parser_.reset();
    if (body_unread) keep_alive_ = false;
    if (stop_requested_ || context_.stopping.load()) keep_alive_ = false;

    status_ = response.status;
    detail_ = std::move(response.log_detail);
    bool head = request_.method == Method::kHead;

    const ResponseFraming framing = framing_of(response, head);
    FileDescriptor file;
    if (response.file && framing.sends_body) {
      file = FileDescriptor(::open(response.file->path.c_str(), O_RDONLY | O_CLOEXEC));
      if (file.get() < 0) {
        return answer(
            error_response(Error{ErrorCode::kInternal, "cannot open a stored blob for sending: " +
                                                           std::string(std::strerror(errno))}));
      }
    }
    if (auto written = write_response_head(response, version, keep_alive_, framing.content_length,
                                           output_.new_head());
        !written) {
      return answer(error_response(std::move(written).error()));
    }
    bytes_out_ = framing.sends_body ? response.body_size() : 0;
    if (file.get() >= 0) {
      // The head from output_, then the file's bytes (send_file, from on_write).
      files_.start(std::move(file), response.file->offset, response.file->length);
    } else if (framing.sends_body && response.shared_body) {
      output_.set_body(std::move(response.shared_body));
    } else if (framing.sends_body) {
      output_.set_body(std::move(response.body));
    }
    send_output();
  }

  // Sends output_ (ResponseOutput says how). What the socket does not take goes out piece by
  // piece, each piece with the idle timeout, so a slow reader of a large body is not cut off
  // while a stalled one is.
  void send_output() {
    if (auto* socket = socket_that_never_waits()) {
      // With a file to follow, the header is held back (MSG_MORE) to leave in one segment with
      // the file's first bytes, not in a small one of its own that wakes the client for
      // nothing; the file's first send pushes them out.
      const int flags = files_.remaining() > 0 ? MSG_MORE : 0;
      switch (output_.send_some(socket->native_handle(), flags)) {
        case ResponseOutput::Progress::kDone:
          return output_sent();
        case ResponseOutput::Progress::kFailed:
          return abandon_response();
        case ResponseOutput::Progress::kBlocked:
          break;
      }
    }
    const auto unsent = output_.unsent();
    const std::array<net::const_buffer, 2> buffers = {
        net::const_buffer(unsent[0].data(), unsent[0].size()),
        net::const_buffer(unsent[1].data(), unsent[1].size())};
    beast::get_lowest_layer(stream_).expires_after(context_.options.body_idle_timeout);
    stream_.async_write_some(
        buffers, [self = this->shared_from_this()](beast::error_code ec, std::size_t sent) {
          if (ec) return self->abandon_response();
          self->output_.sent(sent);
          if (!self->output_.done()) return self->send_output();
          self->output_sent();
        });
  }

  // Over plain TCP, the socket in Asio's *user* non-blocking mode, so that a send or read tried
  // at once (to skip the reactor when the socket is ready) fails with would_block instead of
  // waiting: with only native_non_blocking() set, Asio's synchronous send polls until there is
  // room, and a client that never read its answers held a worker thread for as long as it
  // liked. Null over TLS, or when the mode cannot be set: then everything goes through the
  // reactor.
  tcp::socket* socket_that_never_waits() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      auto& socket = beast::get_lowest_layer(stream_).socket();
      if (socket.non_blocking()) return &socket;
      beast::error_code ec;
      socket.non_blocking(true, ec);
      return ec ? nullptr : &socket;
    } else {
      return nullptr;
    }
  }

  void output_sent() {
    output_.release();
    on_write();
  }

  // Sends the blob in files_ (FileSender says how). Only when the socket is full does one write
  // wait for room, through the reactor and with the idle timeout, so that a slow reader is
  // served and a stalled one cut off.
  void send_file() {
    auto* socket = socket_that_never_waits();
    switch (files_.send_some(socket ? socket->native_handle() : -1)) {
      case FileSender::Progress::kDone:
        return on_write();
      case FileSender::Progress::kReadFailed:
        // The header is out, so there is no answer left to give: log it and cut the
        // connection, which the client sees as a short body.
        context_.log.note("could not read a stored blob while sending it to " +
                          log_escape(remote_) + ": " + files_.read_failure());
        return abandon_response();
      case FileSender::Progress::kSendFailed:
        return abandon_response();  // the client went away
      case FileSender::Progress::kBlocked:
        break;
    }
    const auto pending = files_.pending();
    beast::get_lowest_layer(stream_).expires_after(context_.options.body_idle_timeout);
    stream_.async_write_some(
        net::const_buffer(pending.data(), pending.size()),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t sent) {
          if (ec) return self->abandon_response();
          self->files_.consumed(sent);
          self->send_file();
        });
  }

  // The response broke off after its header went out (a write failed, or the blob could not be
  // read): there is nothing left to tell the client, so log it as sent empty and close.
  void abandon_response() {
    files_.reset();
    record(status_, 0, {});
    close();
  }

  void on_write() {
    if (files_.active()) return send_file();
    record(status_, bytes_out_, detail_);
    route_ = nullptr;
    consumer_.reset();
    if (!keep_alive_) return close();
    do_wait_for_request(context_.options.keep_alive_timeout);
  }

  void record(int status, std::uint64_t bytes_out, std::string_view detail) {
    auto duration = Clock::now() - started_;
    std::string_view path = !request_.path.empty()     ? std::string_view(request_.path)
                            : !request_.target.empty() ? std::string_view(request_.target)
                                                       : std::string_view("-");
    context_.log.write(
        AccessRecord{remote_, method_text_, path, status, bytes_out, duration, detail});
    context_.metrics.record(route_pattern_, method_text_, status, duration, body_bytes_, bytes_out);
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    consumer_.reset();
    auto& lowest = beast::get_lowest_layer(stream_);
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      beast::error_code ec;
      lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
      // Read (and drop) what the client still sends for a moment, so that closing with unread
      // data does not reset the connection before the client has read our answer.
      lowest.expires_after(std::chrono::milliseconds(500));
      drain();
    } else {
      lowest.expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().close(ignored);
      });
    }
  }

  void drain() {
    auto& lowest = beast::get_lowest_layer(stream_);
    drain_buffer_.resize(16 * 1024);
    lowest.async_read_some(
        net::buffer(drain_buffer_),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t bytes) {
          self->drained_ += bytes;
          if (ec || self->drained_ > kDrainBytes) {
            beast::error_code ignored;
            beast::get_lowest_layer(self->stream_).socket().close(ignored);
            return;
          }
          self->drain();
        });
  }

  Stream stream_;
  ServerContext& context_;
  const bool over_capacity_;
  std::string remote_;
  beast::flat_buffer buffer_;

  // One of the three parsers is live at a time: the header's, then the body's (Beast's
  // "change body type" pattern).
  std::optional<bhttp::request_parser<bhttp::empty_body>> header_parser_;
  std::optional<bhttp::request_parser<bhttp::string_body>> string_parser_;
  std::optional<bhttp::request_parser<ConsumerBody>> stream_parser_;

  Request request_;
  std::string method_text_;
  std::string route_pattern_ = "unmatched";
  const Route* route_ = nullptr;
  std::unique_ptr<BodyConsumer> consumer_;
  Clock::time_point started_ = Clock::now();
  std::uint64_t body_bytes_ = 0;
  std::uint64_t bytes_out_ = 0;
  int status_ = 0;
  std::string detail_;
  bool keep_alive_ = true;
  bool idle_ = false;  // in the TLS handshake or waiting for a request: a stop closes it
  bool stop_requested_ = false;
  bool closed_ = false;
  std::vector<char> drain_buffer_;
  std::uint64_t drained_ = 0;
  ResponseOutput output_;  // the head and the in-memory body of the response being sent
  FileSender files_;       // the blob that follows the head, if any
  int inline_depth_ = 0;   // requests answered inline on the stack (do_read_header)
};

}  // namespace wreg::http::session_detail
