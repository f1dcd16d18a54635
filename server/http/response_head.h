// The head of a response as it goes on the wire: its framing (whether a body follows, and the
// Content-Length the head declares) and its status line and header fields. Pure: no socket, no
// Beast; the session sends what these produce.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "server/http/message.h"

namespace wreg::http {

// What the head of `response` declares and whether its body follows it.
struct ResponseFraming {
  // The Content-Length field's value; none for 204 and 304 (RFC 9110 §8.6: a 304 may carry
  // the length a 200 would have had, a 204 must not carry one; wreg sends neither).
  std::optional<std::uint64_t> content_length;
  // False for an answer to HEAD (RFC 9110 §9.3.2: the head a GET would have, with the length of
  // the body it would have sent) and for 204 and 304, which never have a body.
  bool sends_body = true;
};

// `head_request`: the request was a HEAD.
ResponseFraming framing_of(const Response& response, bool head_request);

// Replaces `out` with the status line and header fields of `response` and the empty line that
// ends them: `HTTP/1.1 200 OK`, `Server`, the handler's fields in their order, `Connection` as
// Beast's keep_alive() would set it (`close` for HTTP/1.1 without keep-alive, `keep-alive` for
// HTTP/1.0 with it, none otherwise), then `Content-Length` when `content_length` is set.
// `version` is Beast's encoding, 10 or 11. The reason phrase is reason_phrase()'s. `out` keeps
// its capacity, so a string reused from response to response allocates once: a header through
// Beast cost an allocation per field, a serializer and a shared message per response.
// kInternal (`out` then unspecified) when a field's name holds CR, LF or `:` or its value CR or
// LF, which would end the field early and let a value write fields or a body of its own.
Result<void> write_response_head(const Response& response, unsigned version, bool keep_alive,
                                 std::optional<std::uint64_t> content_length, std::string& out);

}  // namespace wreg::http
