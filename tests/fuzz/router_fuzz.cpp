// libFuzzer target for the HTTP request path and query parsing (server/http/router.h) and the
// request values handlers take from it (server/api/request_values.h, server/auth/tokens.h).
// Input: a method byte, the request target, then lines used as the Authorization and
// If-None-Match header values. The router holds the server's real route patterns.
//
// Properties: a match hands handlers only validated values (no empty, `.` or `..` segment, no
// slash, backslash or control character inside one, valid UTF-8, within the limits), every
// placeholder is one of those segments, and the values parsed from them print back as given.
// A refusal is 400, 404 or 405 (with Allow). percent_decode undoes percent-encoding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/hex.h"
#include "common/text.h"
#include "server/api/request_values.h"
#include "server/auth/tokens.h"
#include "server/http/router.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using wreg::http::Method;

const wreg::http::Router& router() {
  static const wreg::http::Router instance = [] {
    wreg::http::Router r;
    auto route = [] {
      wreg::http::Route answer;
      answer.handle = [](const wreg::http::Request&) { return wreg::http::Response{}; };
      return answer;
    };
    // As server/api/routes.cpp adds them.
    r.add(Method::kGet, "/healthz", route());
    r.add(Method::kGet, "/metrics", route());
    r.add(Method::kGet, "/api/v1/packages", route());
    r.add(Method::kGet, "/api/v1/packages/{ns}/{name}", route());
    r.add(Method::kGet, "/api/v1/packages/{ns}/{name}/{version}", route());
    r.add(Method::kPut, "/api/v1/packages/{ns}/{name}/{version}", route());
    r.add(Method::kPost, "/api/v1/packages/{ns}/{name}/{version}/yank", route());
    r.add(Method::kPost, "/api/v1/packages/{ns}/{name}/{version}/unyank", route());
    r.add(Method::kGet, "/api/v1/blobs/{digest}", route());
    return r;
  }();
  return instance;
}

bool is_clean(std::string_view text, std::size_t limit) {
  if (text.size() > limit || !wreg::is_valid_utf8(text)) return false;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

std::string percent_encode_all(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += '%';
    wreg::append_hex(out, static_cast<std::uint8_t>(c));
  }
  return out;
}

void check_values(const wreg::http::Request& request) {
  if (auto name = wreg::api::package_name_of(request)) {
    WREG_FUZZ_CHECK(name->space() == *request.param("ns"));
    WREG_FUZZ_CHECK(name->name() == *request.param("name"));
  } else {
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(name.error().message));
  }
  if (auto id = wreg::api::package_version_of(request)) {
    WREG_FUZZ_CHECK(id->version.to_string() == *request.param("version"));
  }
  if (auto digest = wreg::api::digest_of(request)) {
    WREG_FUZZ_CHECK(digest->to_string() == *request.param("digest"));
  }
  auto limit = wreg::api::number_param(request, "limit", 1, 100);
  if (limit && *limit) WREG_FUZZ_CHECK(**limit >= 1 && **limit <= 100);
  if (!limit) WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(limit.error().message));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static constexpr Method kMethods[] = {Method::kGet,  Method::kHead,   Method::kPut,
                                        Method::kPost, Method::kDelete, Method::kOptions,
                                        Method::kOther};
  wreg::http::Request request;
  request.method = kMethods[data[0] % std::size(kMethods)];
  auto rest = wreg::fuzz::as_text(data + 1, size - 1);
  auto [target, headers] = wreg::fuzz::split_once(rest, '\n');
  auto [authorization, if_none_match] = wreg::fuzz::split_once(headers, '\n');
  request.target = std::string(target);
  request.headers["authorization"] = std::string(authorization);

  auto outcome = router().match(request);
  if (auto* response = std::get_if<wreg::http::Response>(&outcome)) {
    int status = response->status;
    WREG_FUZZ_CHECK(status == 400 || status == 404 || status == 405);
    WREG_FUZZ_CHECK(status != 405 || response->find("Allow") != nullptr);
    WREG_FUZZ_CHECK(!response->body.empty());
  } else {
    const auto& match = std::get<wreg::http::Router::Match>(outcome);
    WREG_FUZZ_CHECK(match.route != nullptr && !match.pattern.empty());
    WREG_FUZZ_CHECK(request.segments.size() <= wreg::http::Router::kMaxSegments);
    for (const auto& segment : request.segments) {
      WREG_FUZZ_CHECK(!segment.empty() && segment != "." && segment != "..");
      WREG_FUZZ_CHECK(segment.find_first_of("/\\") == std::string::npos);
      WREG_FUZZ_CHECK(is_clean(segment, wreg::http::Router::kMaxSegment));
    }
    for (const auto& [key, value] : request.params) {
      bool is_segment = false;
      for (const auto& segment : request.segments) is_segment = is_segment || segment == value;
      WREG_FUZZ_CHECK(is_segment);
    }
    for (const auto& [key, value] : request.query) {
      WREG_FUZZ_CHECK(is_clean(key, wreg::http::Router::kMaxQueryValue));
      WREG_FUZZ_CHECK(is_clean(value, wreg::http::Router::kMaxQueryValue));
    }
    check_values(request);
  }

  for (bool plus_is_space : {false, true}) {
    auto decoded = wreg::http::percent_decode(target, plus_is_space);
    if (!decoded) WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(decoded.error().message));
    auto round = wreg::http::percent_decode(percent_encode_all(target), plus_is_space);
    WREG_FUZZ_CHECK(round.has_value() && *round == target);
  }

  auto token = wreg::auth::bearer_token(authorization);
  if (token) {
    WREG_FUZZ_CHECK(!token->empty());
    WREG_FUZZ_CHECK(authorization.find(*token) != std::string_view::npos);
    WREG_FUZZ_CHECK(token->find_first_of(" \t") != 0 &&
                    token->find_last_of(" \t") != token->size() - 1);
  } else {
    WREG_FUZZ_CHECK(token.error().code == wreg::ErrorCode::kUnauthenticated);
  }
  const std::string etag = "\"sha256:0\"";
  if (if_none_match.find('*') == std::string_view::npos &&
      if_none_match.find("sha256:0") == std::string_view::npos) {
    WREG_FUZZ_CHECK(!wreg::api::if_none_match(std::string(if_none_match), etag));
  }
  WREG_FUZZ_CHECK(wreg::api::if_none_match(std::string(if_none_match) + ", " + etag, etag));
  return 0;
}
