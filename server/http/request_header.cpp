#include "server/http/request_header.h"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "common/text.h"
#include "server/http/receive_buffer.h"

namespace wreg::http {

namespace bhttp = boost::beast::http;
namespace net = boost::asio;

namespace {

Method method_of(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

}  // namespace

ReadOutcome header_read_failed(boost::beast::error_code ec, std::uint64_t max_header_bytes) {
  if (ec == bhttp::error::header_limit) {
    return ReadOutcome::refused(error_response(431, "header_too_large",
                                               "the request header is larger than " +
                                                   std::to_string(max_header_bytes) +
                                                   " bytes; send fewer or shorter header fields"));
  }
  if (ec == boost::beast::error::timeout) return {ReadOutcome::Kind::kTimedOut, std::nullopt};
  if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == net::error::connection_reset || ec == net::error::eof ||
      ec == net::ssl::error::stream_truncated || ec == bhttp::error::partial_message) {
    return {ReadOutcome::Kind::kGone, std::nullopt};
  }
  return ReadOutcome::refused(
      error_response(400, "bad_request", "the request is not valid HTTP/1.1: " + ec.message()));
}

ReadOutcome body_read_failed(boost::beast::error_code ec) {
  if (ec == boost::beast::error::timeout) return {ReadOutcome::Kind::kTimedOut, std::nullopt};
  if (ec == net::error::operation_aborted) return {ReadOutcome::Kind::kGone, std::nullopt};
  return ReadOutcome::refused(
      error_response(400, "bad_request", "the request body is malformed: " + ec.message()));
}

std::optional<ReadOutcome> stream_body_stopped(const std::optional<Error>& consumer_error,
                                               boost::beast::error_code ec, std::uint64_t limit) {
  if (consumer_error) return ReadOutcome::refused(error_response(*consumer_error));
  if (ec == bhttp::error::body_limit) {
    return ReadOutcome::refused(body_too_large(limit, BodyKind::kStream));
  }
  if (ec && ec != bhttp::error::need_more) return body_read_failed(ec);
  return std::nullopt;
}

ReadOutcome take_request_header(const HeaderParser& parser, Request& request,
                                std::string& method_text) {
  const auto& header = parser.get();
  request.method = method_of(header.method());
  method_text = std::string(header.method_string());
  request.target = std::string(header.target());
  int hosts = 0;
  for (const auto& field : header) {
    auto name_text = field.name_string();
    auto name = ascii_lowercase(std::string_view(name_text.data(), name_text.size()));
    hosts += name == "host";
    auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
    if (!inserted) it->second += ", " + std::string(field.value());
  }
  if (auto length = parser.content_length()) request.content_length = *length;

  // RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host, and none has two.
  if (hosts > 1 || (hosts == 0 && header.version() >= 11)) {
    return ReadOutcome::refused(error_response(
        400, "bad_request",
        "the request has " + std::to_string(hosts) + " Host header fields; send exactly one"));
  }
  // RFC 9112 §6.3: Beast frames only a lone, lowercase `chunked`; with any other
  // Transfer-Encoding it would take the body for the next request (request smuggling).
  if (const std::string* coding = request.header("transfer-encoding");
      coding && !(parser.chunked() && *coding == "chunked")) {
    return ReadOutcome::refused(error_response(400, "bad_request",
                                               "Transfer-Encoding " + wreg::quoted(*coding) +
                                                   " is not supported; send the body with "
                                                   "Content-Length or Transfer-Encoding: chunked"));
  }
  return ReadOutcome::done();
}

BodyPlan plan_body(const Route& route, const Request& request, std::uint64_t max_body_bytes) {
  BodyPlan plan;
  plan.kind = route.body;
  plan.limit = route.body == BodyKind::kStream ? max_body_bytes : route.body_limit;
  if (request.content_length && *request.content_length > plan.limit) {
    plan.refusal = body_too_large(plan.limit, plan.kind);
  }
  plan.large_upload = route.body == BodyKind::kStream &&
                      (!request.content_length || *request.content_length >= kLargeUpload);
  return plan;
}

Response body_too_large(std::uint64_t limit, BodyKind kind) {
  return error_response(
      413, error_code_name(ErrorCode::kTooLarge),
      "the request body is larger than this route's limit of " + std::to_string(limit) + " bytes" +
          (kind == BodyKind::kStream
               ? "; ask the registry's operator to raise --max-body-size if it must be this big"
               : ""));
}

bool expects_continue(const Request& request) {
  const std::string* expect = request.header("expect");
  return expect && iequals(*expect, "100-continue");
}

}  // namespace wreg::http
