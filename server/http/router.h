// Router: maps a method and a path to a Route, and is the first line of defence for paths.
//
// Every segment of every request path is percent-decoded and checked here before any handler
// sees it: `.` and `..` (however encoded), empty segments, control characters, slashes or
// backslashes inside a segment, invalid UTF-8 and overlong segments are refused with 400. The
// query string is decoded and checked the same way. Handlers then parse the values they take
// into domain types (PackageName, Version, Digest), so nothing unvalidated reaches a store.
//
// Routes are added at start-up and only read afterwards: match() is thread-safe once the last
// add() has returned.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/http/message.h"

namespace wreg::http {

// How the session reads a route's request body.
enum class BodyKind {
  kNone,    // no body expected; one that is sent anyway is read and dropped, up to the small limit
  kSmall,   // read into Request::body, up to Route::body_limit
  kStream,  // handed chunk by chunk to the BodyConsumer that Route::open returns
};

struct Route {
  BodyKind body = BodyKind::kNone;
  std::uint64_t body_limit = 64 * 1024;  // kNone and kSmall; kStream uses the server's limit

  // kNone and kSmall: answers the request once its body is in.
  std::function<Response(const Request&)> handle;

  // kStream: called once the header is in, before any of the body is read, so that a request
  // that will be refused (401, 403, a bad name) is refused without reading a large body.
  using Opened = std::variant<Response, std::unique_ptr<BodyConsumer>>;
  std::function<Opened(const Request&)> open;
};

class Router {
 public:
  // Longest accepted path segment and query value, in bytes after decoding.
  static constexpr std::size_t kMaxSegment = 255;
  static constexpr std::size_t kMaxQueryValue = 1024;
  static constexpr std::size_t kMaxSegments = 16;

  // `pattern` is a path of literal segments and `{name}` placeholders, each matching exactly one
  // segment: `/api/v1/packages/{ns}/{name}`. A GET route also answers HEAD.
  void add(Method method, std::string_view pattern, Route route);

  struct Match {
    const Route* route = nullptr;
    std::string pattern;  // the route's pattern: the label for metrics
  };

  // Validates request.path and request.target's query, fills request.segments, request.params
  // and request.query, and returns the route. Otherwise the response to send: 400 for a path or
  // query that fails validation, 404 for no route, 405 (with Allow) for a path whose routes
  // take other methods.
  std::variant<Match, Response> match(Request& request) const;

  // How match() words its 404 and 405 for paths whose first segment is `first_segment` (an API
  // with its own error body, such as OCI's under /v2): `write` gets the status, the native error
  // code and the message and returns the response; match() then adds a 405's Allow.
  using RefusalWriter =
      std::function<Response(int status, std::string_view code, std::string_view message)>;
  void word_refusals(std::string first_segment, RefusalWriter write);

 private:
  struct Entry {
    Method method;
    std::string pattern;
    std::vector<std::string> parts;  // literal segments, or `{name}`
    Route route;
  };
  // Refuses with `write` when a writer was given for the request's first segment, else with the
  // native error body.
  Response refusal(const Request& request, int status, std::string_view code,
                   std::string_view message) const;

  std::vector<Entry> entries_;
  std::map<std::string, RefusalWriter, std::less<>> refusal_writers_;
};

// Decodes `%XX` escapes (and, when `plus_is_space`, `+` as a space). kInvalidArgument for a
// malformed escape.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace wreg::http
