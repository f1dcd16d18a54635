// What a request's header decides (server/http/request_header.h), from bytes fed to Beast's
// parser as the session feeds them: the Request it fills (names lowercased, repeated fields
// joined), the Host and Transfer-Encoding checks, hostile headers, and how the body is read.
#include "server/http/request_header.h"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <memory>
#include <string>
#include <vector>

namespace wreg::http {
namespace {

namespace bhttp = boost::beast::http;

struct Parsed {
  std::unique_ptr<HeaderParser> parser = std::make_unique<HeaderParser>();
  boost::beast::error_code ec;  // of the last put(): success when the header is complete
  ReadOutcome outcome;
  Request request;
  std::string method_text = "-";
};

// Feeds `bytes` to a header parser as the session does (one put of everything that arrived)
// and, when Beast took the header, applies take_request_header(); else header_read_failed().
Parsed parse(const std::string& bytes, std::uint32_t header_limit = 16 * 1024) {
  Parsed parsed;
  parsed.parser->header_limit(header_limit);
  parsed.parser->body_limit(UINT64_MAX);
  parsed.parser->put(boost::asio::buffer(bytes), parsed.ec);
  if (parsed.ec) {
    parsed.outcome = header_read_failed(parsed.ec, header_limit);
  } else {
    parsed.outcome = take_request_header(*parsed.parser, parsed.request, parsed.method_text);
  }
  return parsed;
}

// The status of the refusal, or 0 when the header was accepted.
int refusal_status(const Parsed& parsed) {
  if (parsed.outcome.kind == ReadOutcome::Kind::kDone) return 0;
  if (parsed.outcome.kind != ReadOutcome::Kind::kRefused) return -1;
  return parsed.outcome.refusal->status;
}

std::string refusal_body(const Parsed& parsed) {
  return parsed.outcome.refusal ? parsed.outcome.refusal->body : "";
}

TEST(RequestHeaderTest, FillsMethodTargetAndLength) {
  Parsed parsed = parse(
      "PUT /api/v1/packages/a/b/1.0.0?x=%20 HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n");
  ASSERT_EQ(refusal_status(parsed), 0) << refusal_body(parsed);
  EXPECT_EQ(parsed.request.method, Method::kPut);
  EXPECT_EQ(parsed.method_text, "PUT");
  EXPECT_EQ(parsed.request.target, "/api/v1/packages/a/b/1.0.0?x=%20");
  EXPECT_EQ(parsed.request.content_length, 12u);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: h\r\n\r\n").request.content_length.has_value());
}

TEST(RequestHeaderTest, MethodsWregDoesNotRouteAreOtherWithTheirText) {
  struct Case {
    std::string sent;
    Method method;
  };
  for (const Case& c :
       {Case{"GET", Method::kGet}, Case{"HEAD", Method::kHead}, Case{"POST", Method::kPost},
        Case{"DELETE", Method::kDelete}, Case{"OPTIONS", Method::kOptions},
        Case{"PATCH", Method::kPatch}, Case{"BREW", Method::kOther}}) {
    Parsed parsed = parse(c.sent + " / HTTP/1.1\r\nHost: h\r\n\r\n");
    ASSERT_EQ(refusal_status(parsed), 0) << c.sent;
    EXPECT_EQ(parsed.request.method, c.method) << c.sent;
    EXPECT_EQ(parsed.method_text, c.sent);
  }
}

TEST(RequestHeaderTest, NamesAreLowercasedAndRepeatedFieldsJoinedInOrder) {
  Parsed parsed = parse(
      "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nX-Custom-Name: v\r\naccept: b\r\n"
      "ACCEPT: c, d\r\nIf-None-Match: \"e1\"\r\nif-none-match: \"e2\"\r\n\r\n");
  ASSERT_EQ(refusal_status(parsed), 0) << refusal_body(parsed);
  const auto& headers = parsed.request.headers;
  EXPECT_EQ(headers.at("accept"), "a, b, c, d");
  EXPECT_EQ(headers.at("if-none-match"), "\"e1\", \"e2\"");
  EXPECT_EQ(headers.at("x-custom-name"), "v");
  EXPECT_EQ(headers.at("host"), "h");
  EXPECT_EQ(headers.count("Accept"), 0u);
  EXPECT_EQ(*parsed.request.header("accept"), "a, b, c, d");
}

// RFC 9112 §5.2: a server either refuses obs-fold or replaces it with spaces. Beast (1.74)
// replaces it: the folded lines become one value, joined by one space.
TEST(RequestHeaderTest, ObsFoldedLinesAreUnfoldedIntoOneValue) {
  Parsed parsed =
      parse("GET / HTTP/1.1\r\nHost: h\r\nX-Folded: a\r\n  b\r\n\tc\r\nX-Next: n\r\n\r\n");
  ASSERT_EQ(refusal_status(parsed), 0) << refusal_body(parsed);
  EXPECT_EQ(parsed.request.headers.at("x-folded"), "a b c");
  EXPECT_EQ(parsed.request.headers.at("x-next"), "n");
}

// A folded Transfer-Encoding cannot sneak a second coding past the smuggling guard.
TEST(RequestHeaderTest, AFoldedTransferEncodingIsRefused) {
  Parsed parsed =
      parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n gzip\r\n\r\n");
  EXPECT_EQ(refusal_status(parsed), 400);
  EXPECT_NE(refusal_body(parsed).find("Transfer-Encoding \\\"chunked gzip\\\" is not supported"),
            std::string::npos)
      << refusal_body(parsed);
}

// RFC 9112 §2.2: whitespace between the request line and the first field is refused, not read
// as a fold of the request line.
TEST(RequestHeaderTest, WhitespaceBeforeTheFirstFieldIsRefused) {
  Parsed parsed = parse("GET / HTTP/1.1\r\n Host: h\r\n\r\n");
  EXPECT_EQ(refusal_status(parsed), 400);
  EXPECT_NE(refusal_body(parsed).find("the request is not valid HTTP/1.1"), std::string::npos);
}

TEST(RequestHeaderTest, ExactlyOneHostUnlessHttp10) {
  EXPECT_EQ(refusal_status(parse("GET / HTTP/1.1\r\n\r\n")), 400);
  EXPECT_NE(refusal_body(parse("GET / HTTP/1.1\r\n\r\n"))
                .find("the request has 0 Host header fields; send exactly one"),
            std::string::npos);
  EXPECT_EQ(refusal_status(parse("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n")), 400);
  EXPECT_NE(refusal_body(parse("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"))
                .find("the request has 2 Host header fields"),
            std::string::npos);
  EXPECT_EQ(refusal_status(parse("GET / HTTP/1.0\r\n\r\n")), 0);
  EXPECT_EQ(refusal_status(parse("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n")), 400);
}

// RFC 9112 §6.3: anything but a lone lowercase `chunked` would let Beast take the body for the
// next request (request smuggling). Beast itself refuses `chunked` applied twice in two fields;
// the guard refuses the rest.
TEST(RequestHeaderTest, OnlyALoneChunkedTransferEncodingIsAccepted) {
  EXPECT_EQ(
      refusal_status(parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n")), 0);
  const std::string guard = "send the body with Content-Length or Transfer-Encoding: chunked";
  const std::string beast = "the request is not valid HTTP/1.1: bad Transfer-Encoding";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Transfer-Encoding: Chunked\r\n", guard},
      {"Transfer-Encoding: gzip, chunked\r\n", guard},
      {"Transfer-Encoding: chunked, chunked\r\n", guard},
      {"Transfer-Encoding: identity\r\n", guard},
      {"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", guard},
      {"Transfer-Encoding: \r\n", guard},
      {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", beast},
  };
  for (const auto& [field, message] : cases) {
    Parsed parsed = parse("POST / HTTP/1.1\r\nHost: h\r\n" + field + "\r\n");
    EXPECT_EQ(refusal_status(parsed), 400) << field;
    EXPECT_NE(refusal_body(parsed).find(message), std::string::npos)
        << field << refusal_body(parsed);
  }
}

TEST(RequestHeaderTest, AHeaderPastTheLimitIs431) {
  Parsed parsed =
      parse("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(2000, 'b') + "\r\n\r\n", 1024);
  EXPECT_EQ(parsed.ec, bhttp::error::header_limit);
  EXPECT_EQ(refusal_status(parsed), 431);
  EXPECT_NE(refusal_body(parsed).find("larger than 1024 bytes"), std::string::npos);
}

TEST(RequestHeaderTest, HostileHeadersAreRefusedWith400) {
  const std::vector<std::string> hostile = {
      std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 33),
      "GET / HTTP/1.1\r\nHost: h\r\nX\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX Y: v\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: \x7f\r\n\r\n",
      "GET / HTTP/1.1\nHost: h\n\n",
      "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1 extra\r\nHost: h\r\n\r\n",
      "G\x01T / HTTP/1.1\r\nHost: h\r\n\r\n",
      "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
      std::string(100, '\xff') + "\r\n\r\n",
  };
  for (const std::string& bytes : hostile) {
    Parsed parsed = parse(bytes);
    EXPECT_EQ(refusal_status(parsed), 400) << ::testing::PrintToString(bytes);
  }
}

TEST(RequestHeaderTest, AClientThatWentAwayOrStoppedIsNotAnswered) {
  namespace net = boost::asio;
  EXPECT_EQ(header_read_failed(boost::beast::error::timeout, 1).kind, ReadOutcome::Kind::kTimedOut);
  for (boost::beast::error_code ec : {boost::beast::error_code(bhttp::error::end_of_stream),
                                      boost::beast::error_code(bhttp::error::partial_message),
                                      boost::beast::error_code(net::error::eof),
                                      boost::beast::error_code(net::error::connection_reset),
                                      boost::beast::error_code(net::error::operation_aborted)}) {
    const ReadOutcome outcome = header_read_failed(ec, 1);
    EXPECT_EQ(outcome.kind, ReadOutcome::Kind::kGone) << ec.message();
    EXPECT_FALSE(outcome.refusal.has_value());
  }
}

Route route_of(BodyKind kind, std::uint64_t limit = 64 * 1024) {
  Route route;
  route.body = kind;
  route.body_limit = limit;
  return route;
}

Request declaring(std::optional<std::uint64_t> content_length) {
  Request request;
  request.content_length = content_length;
  return request;
}

TEST(BodyPlanTest, AStreamedRouteTakesTheServersLimit) {
  const BodyPlan plan = plan_body(route_of(BodyKind::kStream), declaring(5000), 100 << 20);
  EXPECT_EQ(plan.kind, BodyKind::kStream);
  EXPECT_EQ(plan.limit, 100u << 20);
  EXPECT_FALSE(plan.refusal.has_value());
  EXPECT_FALSE(plan.large_upload);
}

TEST(BodyPlanTest, LargeAndChunkedUploadsGetTheWideReceiveBuffer) {
  EXPECT_TRUE(plan_body(route_of(BodyKind::kStream), declaring(1 << 20), 100 << 20).large_upload);
  EXPECT_FALSE(
      plan_body(route_of(BodyKind::kStream), declaring((1 << 20) - 1), 100 << 20).large_upload);
  EXPECT_TRUE(
      plan_body(route_of(BodyKind::kStream), declaring(std::nullopt), 100 << 20).large_upload);
  EXPECT_FALSE(
      plan_body(route_of(BodyKind::kSmall), declaring(std::nullopt), 100 << 20).large_upload);
}

TEST(BodyPlanTest, SmallAndBodilessRoutesTakeTheirOwnLimit) {
  EXPECT_EQ(plan_body(route_of(BodyKind::kSmall, 4096), declaring(10), 100 << 20).limit, 4096u);
  EXPECT_EQ(plan_body(route_of(BodyKind::kNone), declaring(std::nullopt), 100 << 20).limit,
            64u * 1024);
}

TEST(BodyPlanTest, ADeclaredLengthPastTheLimitIsRefusedBeforeTheBody) {
  const BodyPlan at = plan_body(route_of(BodyKind::kSmall, 4096), declaring(4096), 1 << 20);
  EXPECT_FALSE(at.refusal.has_value());
  const BodyPlan past = plan_body(route_of(BodyKind::kSmall, 4096), declaring(4097), 1 << 20);
  ASSERT_TRUE(past.refusal.has_value());
  EXPECT_EQ(past.refusal->status, 413);
  EXPECT_NE(past.refusal->body.find("larger than this route's limit of 4096 bytes"),
            std::string::npos);
  EXPECT_EQ(past.refusal->body.find("--max-body-size"), std::string::npos)
      << "a small-body route's limit is its own, not the operator's";
  const BodyPlan streamed = plan_body(route_of(BodyKind::kStream), declaring(1001), 1000);
  ASSERT_TRUE(streamed.refusal.has_value());
  EXPECT_NE(streamed.refusal->body.find("limit of 1000 bytes"), std::string::npos);
  EXPECT_NE(streamed.refusal->body.find("--max-body-size"), std::string::npos);
}

TEST(BodyPlanTest, ContinueIsSentOnlyWhenAskedFor) {
  auto with_expect = [](const std::string& value) {
    Request request;
    request.headers["expect"] = value;
    return request;
  };
  EXPECT_TRUE(expects_continue(with_expect("100-continue")));
  EXPECT_TRUE(expects_continue(with_expect("100-Continue")));
  EXPECT_FALSE(expects_continue(with_expect("100-continue, x")));
  EXPECT_FALSE(expects_continue(with_expect("")));
  EXPECT_FALSE(expects_continue(Request{}));
}

TEST(StreamBodyTest, ReadingGoesOnUntilTheConsumerTheLimitOrTheStreamStopsIt) {
  namespace net = boost::asio;
  EXPECT_FALSE(stream_body_stopped(std::nullopt, {}, 10).has_value());
  EXPECT_FALSE(stream_body_stopped(std::nullopt, bhttp::error::need_more, 10).has_value());

  auto refused = stream_body_stopped(Error{ErrorCode::kInvalidArgument, "not a component"},
                                     bhttp::error::need_more, 10);
  ASSERT_TRUE(refused && refused->refusal);
  EXPECT_EQ(refused->refusal->status, 400);
  EXPECT_NE(refused->refusal->body.find("not a component"), std::string::npos);

  auto full = stream_body_stopped(Error{ErrorCode::kIo, "disk full"}, {}, 10);
  ASSERT_TRUE(full && full->refusal);
  EXPECT_EQ(full->refusal->status, 500);

  auto too_large = stream_body_stopped(std::nullopt, bhttp::error::body_limit, 10);
  ASSERT_TRUE(too_large && too_large->refusal);
  EXPECT_EQ(too_large->refusal->status, 413);
  EXPECT_NE(too_large->refusal->body.find("limit of 10 bytes"), std::string::npos);

  auto stalled = stream_body_stopped(std::nullopt, boost::beast::error::timeout, 10);
  ASSERT_TRUE(stalled);
  EXPECT_EQ(stalled->kind, ReadOutcome::Kind::kTimedOut);

  auto cancelled = stream_body_stopped(std::nullopt, net::error::operation_aborted, 10);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->kind, ReadOutcome::Kind::kGone);

  auto malformed = stream_body_stopped(std::nullopt, bhttp::error::bad_chunk, 10);
  ASSERT_TRUE(malformed && malformed->refusal);
  EXPECT_EQ(malformed->refusal->status, 400);
  EXPECT_NE(malformed->refusal->body.find("the request body is malformed"), std::string::npos);
}

}  // namespace
}  // namespace wreg::http
