// Request and Response as handlers see them: plain values, no Beast, no socket.
//
// The session fills a Request from what it read off the wire (request_reader.h) and puts the
// Response a handler returns on the wire (response_writer.h). Everything a handler needs to
// answer is in these two types, so handlers are tested and reasoned about without a network.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace wreg::http {

enum class Method { kGet, kHead, kPut, kPost, kPatch, kDelete, kOptions, kOther };

const char* to_string(Method method);  // "GET", "HEAD", ...

struct Request {
  Method method = Method::kGet;
  std::string target;  // as received: path and query, still percent-encoded
  std::string path;    // the percent-encoded path part of the target

  // Filled by the router: the decoded, validated path segments, the values of the route's
  // `{placeholders}` (decoded) and the query parameters (decoded; the last of a repeated name).
  std::vector<std::string> segments;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;

  // Header names lowercased; a repeated header's values joined by ", ".
  std::map<std::string, std::string> headers;
  std::optional<std::uint64_t> content_length;

  // The body, for routes that take a small body (BodyKind::kSmall). Streamed routes receive it
  // through their BodyConsumer instead.
  std::string body;

  // The peer's address, for the access log only.
  std::string remote;

  // Null when the header is absent.
  const std::string* header(std::string_view lowercase_name) const;
  const std::string* param(std::string_view name) const;
  const std::string* query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is this text, shared rather than copied (a cached document), and `body`
  // is ignored.
  std::shared_ptr<const std::string> shared_body;

  // When set, the body is `length` bytes of this file from `offset` on, sent without reading the
  // file into memory (blobs), and `body` is ignored.
  struct File {
    std::string path;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  std::optional<File> file;

  // For the server's log only, never sent: what went wrong inside, for a 5xx whose message to
  // the client is generic.
  std::string log_detail;
  // For the server's log only: the id of the token that made this write, 0 for none.
  std::int64_t log_token_id = 0;

  // Set the header `name` (replacing an earlier value of it).
  void set(std::string_view name, std::string value);
  const std::string* find(std::string_view name) const;
  std::uint64_t body_size() const {
    return file ? file->length : shared_body ? shared_body->size() : body.size();
  }
};

// Whether `a` and `b` are the same but for the case of ASCII letters, as HTTP compares field
// names and most tokens (RFC 9110 §5.1).
bool iequals(std::string_view a, std::string_view b);

// A JSON response with `Content-Type: application/json`.
Response json_response(int status, std::string json);

// The error as the wire shows it, api::ErrorBody (`{"error":{"code":"...","message":"..."}}`),
// with the status that the one ErrorCode -> HTTP status table (status_table.h) gives it.
Response error_response(const Error& error);

// For errors that have no ErrorCode of their own (404 for an unknown path, 405, 431, 503):
// `code` is the wire code ("not_found", "method_not_allowed", ...).
Response error_response(int status, std::string_view code, std::string_view message);

// Receives the body of a streamed route (a publish) chunk by chunk, as it arrives, and then
// produces the response. The session owns it for one request and calls it on one thread:
// write() for each chunk in order, then finish() once the whole body is in. If write() fails, the
// session stops reading, answers with that error and closes the connection; finish() is not
// called, and the destructor must clean up whatever was written.
class BodyConsumer {
 public:
  virtual ~BodyConsumer() = default;
  virtual Result<void> write(std::span<const std::uint8_t> chunk) = 0;
  virtual Response finish(const Request& request) = 0;
};

}  // namespace wreg::http
