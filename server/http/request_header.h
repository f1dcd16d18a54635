// What a request's header decides, as pure functions of what Beast parsed: the Request it fills,
// whether it is refused, and how its body is read. RequestReader (request_reader.h) applies
// them; a test feeds bytes to a parser and calls them without a socket. Includes Beast's parser:
// only server/http's session files and their tests include this.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "server/http/message.h"
#include "server/http/router.h"

namespace wreg::http {

// The parser a request header is read with, before the route picks the body's type (Beast's
// "change body type" pattern).
using HeaderParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

// How a step of reading a request ended.
struct ReadOutcome {
  enum class Kind {
    kDone,      // what was asked for is in
    kGone,      // the client went away or the connection broke: there is no one to answer
    kTimedOut,  // the client stopped sending (the header or the body idle timeout)
    kRefused,   // answer with `refusal`, then close: what is left of the request is unread
  };
  Kind kind = Kind::kDone;
  std::optional<Response> refusal;  // kRefused only

  static ReadOutcome done() { return {}; }
  static ReadOutcome refused(Response response) { return {Kind::kRefused, std::move(response)}; }
};

// The outcome of a header read that Beast ended with `ec` (not success): 431 past the header
// limit, kGone or kTimedOut for a client that went away or stopped, 400 for anything that is
// not HTTP/1.x.
ReadOutcome header_read_failed(boost::beast::error_code ec, std::uint64_t max_header_bytes);

// The outcome of a body read that Beast ended with `ec` (not success, nor the body limit):
// kTimedOut for a body that stalled past the idle timeout, kGone for a read cancelled by the
// connection's close, else 400: the body is malformed (a bad chunk, or the client closed halfway).
ReadOutcome body_read_failed(boost::beast::error_code ec);

// After the parser took a piece of a streamed body: nullopt while reading may go on (`ec` is
// success or need_more); kRefused with the consumer's error when it refused a chunk
// (`consumer_error`), 413 past `limit`, or what body_read_failed() says.
std::optional<ReadOutcome> stream_body_stopped(const std::optional<Error>& consumer_error,
                                               boost::beast::error_code ec, std::uint64_t limit);

// Fills `request`'s method, target, headers (names lowercased, a repeated field's values joined
// by ", " in their order) and content_length from the complete header in `parser`, and
// `method_text` with the method as sent. kRefused (400) for a request that does not have
// exactly one Host (RFC 9112 §3.2; an HTTP/1.0 request may have none) or whose
// Transfer-Encoding is anything but a lone `chunked`. Beast has already refused what is not
// HTTP/1.x, and unfolded obs-fold lines into one value with a space (RFC 9112 §5.2 allows it).
ReadOutcome take_request_header(const HeaderParser& parser, Request& request,
                                std::string& method_text);

// How the body of a request to `route` is read.
struct BodyPlan {
  BodyKind kind = BodyKind::kNone;
  // The most the body may hold: the server's `max_body_bytes` for streamed routes, the route's
  // `body_limit` otherwise.
  std::uint64_t limit = 0;
  // 413, when the declared Content-Length is already past `limit`: answered before any of the
  // body is read, and before a streamed route is opened.
  std::optional<Response> refusal;
  // A streamed body declared at least kLargeUpload long, or chunked (its size unknown): it gets
  // a wide receive buffer (receive_buffer.h).
  bool large_upload = false;
};
BodyPlan plan_body(const Route& route, const Request& request, std::uint64_t max_body_bytes);

// The 413 for a body past `limit` bytes: a streamed upload's (the operator's --max-body-size,
// which the message names) or a small-body route's (fixed by the route).
Response body_too_large(std::uint64_t limit, BodyKind kind);

// The request asks for a go-ahead before it sends its body (`Expect: 100-continue`, RFC 9110
// §10.1.1; the token is case-insensitive).
bool expects_continue(const Request& request);

}  // namespace wreg::http
