// Session<Stream>: the state machine of one connection. It accepts the connection (the TLS
// handshake), waits for a request, has the RequestReader read its header, routes it, has the
// reader read the body the route's way, calls the route's handler, has the ResponseWriter send
// the answer, records it (access log, metrics), and then waits for the next request, or closes
// (keep-alive refused, a stop, a broken request) and drains what the client still sends.
//
// Structure after Beast's example/advanced/server: async steps in do_/on_ pairs, all on the
// connection's one thread (its io_context's). Included only by session_plain.cpp and
// session_tls.cpp, which instantiate it for one stream type each, so that the two (the bulk of
// the server's compile time) build in parallel.
#pragma once

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "server/http/client_address.h"
#include "server/http/request_header.h"
#include "server/http/request_reader.h"
#include "server/http/response_writer.h"
#include "server/http/session.h"

namespace wreg::http::session_detail {

using Clock = std::chrono::steady_clock;

// What a closing connection reads (and drops) of what the client still sends, at most, within
// its half second (close()). Large: a proxy in front (nginx with proxy_request_buffering off)
// sends the rest of a refused upload at loopback speed, and a reset after only a little of it
// can reach the proxy before it has read our answer, which it then never relays
// (tests/deploy/reverse_proxy_test.sh).
constexpr std::uint64_t kDrainBytes = 256 * 1024 * 1024;

template <class Stream>
class Session final : public SessionHandle, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(ServerContext& context, bool over_capacity, Args&&... args)
      : stream_(std::forward<Args>(args)...),
        context_(context),
        over_capacity_(over_capacity),
        remote_(remote_of(stream_)),
        direct_(socket_that_never_waits(stream_)),
        reader_(stream_, direct_, context_.options, remote_),
        writer_(stream_, direct_, context_.options) {
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
  static std::string remote_of(Stream& stream) {
    beast::error_code ec;
    auto endpoint = beast::get_lowest_layer(stream).socket().remote_endpoint(ec);
    return ec ? std::string() : endpoint.address().to_string();
  }

  // Over plain TCP, the socket in Asio's *user* non-blocking mode, so that a send or read tried
  // at once (to skip the reactor when the socket is ready) fails with would_block instead of
  // waiting: with only native_non_blocking() set, Asio's synchronous send polls until there is
  // room, and a client that never read its answers held a worker thread for as long as it
  // liked. Null over TLS, or when the mode cannot be set: then everything goes through the
  // reactor.
  static tcp::socket* socket_that_never_waits(Stream& stream) {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      auto& socket = beast::get_lowest_layer(stream).socket();
      beast::error_code ec;
      socket.non_blocking(true, ec);
      return ec ? nullptr : &socket;
    } else {
      return nullptr;
    }
  }

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
    if (reader_.has_buffered()) return do_read_header();
    idle_ = true;
    reader_.async_wait_for_request(
        timeout, beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec) {
    idle_ = false;
    if (ec) return close();
    do_read_header();
  }

  void do_read_header() {
    route_pattern_ = "unmatched";
    reader_.async_read_header(
        beast::bind_front_handler(&Session::on_read_header, this->shared_from_this()));
  }

  void on_read_header(ReadOutcome outcome) {
    started_ = Clock::now();
    if (outcome.kind != ReadOutcome::Kind::kDone) return read_failed(std::move(outcome), false);
    keep_alive_ = reader_.keep_alive();
    if (over_capacity_) {
      context_.metrics.connection_refused();
      return answer_and_close(error_response(
          503, "unavailable", "the server has too many open connections; retry in a moment"));
    }

    Request& request = reader_.request();
    auto matched = context_.router.match(request);
    if (auto* response = std::get_if<Response>(&matched)) return answer(std::move(*response));
    auto& match = std::get<Router::Match>(matched);
    route_pattern_ = match.pattern;
    route_ = match.route;

    BodyPlan plan = plan_body(*route_, request, context_.options.max_body_bytes);
    if (plan.refusal) return answer_and_close(std::move(*plan.refusal));
    if (plan.kind == BodyKind::kStream) {
      // Opened before any of the body is read, so that a request that will be refused (401,
      // 403, a bad name) is refused without reading a large body.
      Route::Opened opened = call_safely([&] { return route_->open(request); });
      if (auto* response = std::get_if<Response>(&opened)) return answer(std::move(*response));
      consumer_ = std::move(std::get<std::unique_ptr<BodyConsumer>>(opened));
      return reader_.async_read_stream_body(
          *consumer_, plan,
          beast::bind_front_handler(&Session::on_stream_body, this->shared_from_this()));
    }
    reader_.async_read_string_body(
        plan.limit, beast::bind_front_handler(&Session::on_string_body, this->shared_from_this()));
  }

  void on_string_body(ReadOutcome outcome) {
    if (outcome.kind != ReadOutcome::Kind::kDone) return read_failed(std::move(outcome), true);
    answer(call_safely([&] { return route_->handle(reader_.request()); }));
  }

  void on_stream_body(ReadOutcome outcome) {
    if (outcome.kind != ReadOutcome::Kind::kDone) return read_failed(std::move(outcome), true);
    auto consumer = std::move(consumer_);
    answer(call_safely([&] { return consumer->finish(reader_.request()); }));
  }

  // Reading the request's header or (`in_body`) its body ended without it: answers with the
  // refusal, or closes when there is no one to answer.
  void read_failed(ReadOutcome outcome, bool in_body) {
    // A consumer that was written to cleans up before the answer goes out.
    consumer_.reset();
    switch (outcome.kind) {
      case ReadOutcome::Kind::kRefused:
        return answer_and_close(std::move(*outcome.refusal));
      case ReadOutcome::Kind::kTimedOut:
        if (in_body) {
          context_.log.note("closed a connection from " + log_escape(remote_) + " during " +
                            log_escape(reader_.request().path) +
                            ": the request body stalled past the idle timeout");
          record(408, 0, {});
        } else {
          context_.log.note("closed a connection from " + log_escape(remote_) +
                            ": the request header did not arrive within the header timeout");
        }
        return close();
      case ReadOutcome::Kind::kGone:
      case ReadOutcome::Kind::kDone:
        return close();
    }
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

  void answer(Response response) {
    const auto end = reader_.end_request();
    // A body that was not read stays in the socket: such a connection cannot carry another
    // request.
    if (end.body_unread) keep_alive_ = false;
    if (stop_requested_ || context_.stopping.load()) keep_alive_ = false;
    writer_.async_write(std::move(response), end.version, keep_alive_,
                        reader_.request().method == Method::kHead,
                        beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
  }

  void on_write(Sent sent) {
    if (sent == Sent::kBroken) {
      // The head is out, so there is no answer left to give: log it as sent empty and close,
      // which the client sees as a short body.
      if (!writer_.failure().empty()) {
        context_.log.note("could not read a stored blob while sending it to " +
                          log_escape(remote_) + ": " + writer_.failure());
      }
      record(writer_.status(), 0, {}, writer_.token_id());
      return close();
    }
    record(writer_.status(), writer_.bytes_out(), writer_.detail(), writer_.token_id());
    route_ = nullptr;
    consumer_.reset();
    if (!keep_alive_) return close();
    do_wait_for_request(context_.options.keep_alive_timeout);
  }

  void record(int status, std::uint64_t bytes_out, std::string_view detail,
              std::int64_t token_id = 0) {
    auto duration = Clock::now() - started_;
    const Request& request = reader_.request();
    std::string_view path = !request.path.empty()     ? std::string_view(request.path)
                            : !request.target.empty() ? std::string_view(request.target)
                                                      : std::string_view("-");
    const std::string client = client_address(remote_, request, context_.options.trusted_proxies);
    const std::string* user_agent = request.header("user-agent");
    context_.log.write(AccessRecord{client, reader_.method_text(), path, status, bytes_out,
                                    duration, detail, token_id,
                                    user_agent ? std::string_view(*user_agent) : "",
                                    client == remote_ ? "" : std::string_view(remote_)});
    context_.metrics.record(route_pattern_, reader_.method_text(), status, duration,
                            reader_.received(), bytes_out);
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
      do_drain();
    } else {
      lowest.expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().close(ignored);
      });
    }
  }

  void do_drain() {
    auto& lowest = beast::get_lowest_layer(stream_);
    drain_buffer_.resize(16 * 1024);
    lowest.async_read_some(net::buffer(drain_buffer_),
                           beast::bind_front_handler(&Session::on_drain, this->shared_from_this()));
  }

  void on_drain(beast::error_code ec, std::size_t bytes) {
    drained_ += bytes;
    if (ec || drained_ > kDrainBytes) {
      beast::error_code ignored;
      beast::get_lowest_layer(stream_).socket().close(ignored);
      return;
    }
    do_drain();
  }

  Stream stream_;
  ServerContext& context_;
  const bool over_capacity_;
  const std::string remote_;
  tcp::socket* const direct_;  // socket_that_never_waits()
  RequestReader<Stream> reader_;
  ResponseWriter<Stream> writer_;

  std::string route_pattern_ = "unmatched";  // the metrics' label of the request being served
  const Route* route_ = nullptr;
  std::unique_ptr<BodyConsumer> consumer_;  // a streamed route's, while its body is read
  Clock::time_point started_ = Clock::now();
  bool keep_alive_ = true;
  bool idle_ = false;  // in the TLS handshake or waiting for a request: a stop closes it
  bool stop_requested_ = false;
  bool closed_ = false;
  std::vector<char> drain_buffer_;
  std::uint64_t drained_ = 0;
};

}  // namespace wreg::http::session_detail
