#include "server/http/router.h"

#include <algorithm>

#include "common/hex.h"
#include "common/text.h"

namespace wreg::http {

namespace {

Response bad_path(std::string_view what) {
  return error_response(400, "invalid_argument",
                        std::string(what) + "; request paths are /api/v1/... with plain names, " +
                            "versions and digests (see the API description)");
}

// Checks one decoded path segment or query value. Empty on success, else what is wrong.
std::string check_text(std::string_view decoded, std::size_t max_length, bool is_segment) {
  if (decoded.size() > max_length) {
    return "the path has a segment of " + std::to_string(decoded.size()) +
           " bytes, longer than the limit of " + std::to_string(max_length);
  }
  if (is_segment && (decoded == "." || decoded == "..")) {
    return "the path has a " + wreg::quoted(decoded) + " segment, which is never accepted";
  }
  for (char c : decoded) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f)
      return "the request has a control character in " + wreg::quoted(decoded);
    if (is_segment && (c == '/' || c == '\\')) {
      return "the path has an encoded slash or backslash in the segment " + wreg::quoted(decoded);
    }
  }
  if (!is_valid_utf8(decoded)) return "the request has invalid UTF-8 in " + wreg::quoted(decoded);
  return {};
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return fail(
            ErrorCode::kInvalidArgument,
            "malformed percent escape in " + wreg::quoted(text) + ": % needs two hex digits");
      }
      int high = hex_digit_value(text[i + 1], HexInput::kEitherCase);
      int low = hex_digit_value(text[i + 2], HexInput::kEitherCase);
      if (high < 0 || low < 0) {
        return fail(
            ErrorCode::kInvalidArgument,
            "malformed percent escape in " + wreg::quoted(text) + ": % needs two hex digits");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void Router::add(Method method, std::string_view pattern, Route route) {
  Entry entry{method, std::string(pattern), {}, std::move(route)};
  // "/" has no parts, as a request for it has no segments.
  if (pattern != "/") {
    for (auto part : split(pattern.substr(1), '/')) entry.parts.emplace_back(part);
  }
  entries_.push_back(std::move(entry));
}

std::variant<Router::Match, Response> Router::match(Request& request) const {
  std::string_view target = request.target;
  if (target.empty() || target.front() != '/') {
    return bad_path("the request target " + wreg::quoted(target) + " is not an absolute path");
  }
  auto query_start = target.find('?');
  std::string_view path = target.substr(0, query_start);
  request.path = std::string(path);

  request.segments.clear();
  std::string_view rest = path.substr(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (!rest.empty()) {
    auto raw_segments = split(rest, '/');
    if (raw_segments.size() > kMaxSegments) {
      return bad_path("the path has " + std::to_string(raw_segments.size()) +
                      " segments, more than any route");
    }
    for (auto raw : raw_segments) {
      if (raw.empty()) return bad_path("the path " + wreg::quoted(path) + " has an empty segment");
      auto decoded = percent_decode(raw, false);
      if (!decoded) return bad_path(decoded.error().message);
      if (auto problem = check_text(*decoded, kMaxSegment, true); !problem.empty()) {
        return bad_path(problem);
      }
      request.segments.push_back(std::move(*decoded));
    }
  }

  request.query.clear();
  if (query_start != std::string_view::npos) {
    for (auto pair : split(target.substr(query_start + 1), '&')) {
      if (pair.empty()) continue;
      auto equals = pair.find('=');
      auto key = percent_decode(pair.substr(0, equals), true);
      if (!key) return bad_path(key.error().message);
      std::string value;
      if (equals != std::string_view::npos) {
        auto decoded = percent_decode(pair.substr(equals + 1), true);
        if (!decoded) return bad_path(decoded.error().message);
        value = std::move(*decoded);
      }
      for (const std::string* text : {&*key, &value}) {
        if (auto problem = check_text(*text, kMaxQueryValue, false); !problem.empty()) {
          return bad_path(problem);
        }
      }
      request.query[std::move(*key)] = std::move(value);
    }
  }

  std::vector<std::string> allowed;
  for (const auto& entry : entries_) {
    if (entry.parts.size() != request.segments.size()) continue;
    std::map<std::string, std::string> params;
    bool matched = true;
    for (std::size_t i = 0; i < entry.parts.size() && matched; ++i) {
      const auto& part = entry.parts[i];
      if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        params[part.substr(1, part.size() - 2)] = request.segments[i];
      } else {
        matched = part == request.segments[i];
      }
    }
    if (!matched) continue;
    bool method_matches = entry.method == request.method ||
                          (entry.method == Method::kGet && request.method == Method::kHead);
    if (!method_matches) {
      allowed.emplace_back(to_string(entry.method));
      if (entry.method == Method::kGet) allowed.emplace_back("HEAD");
      continue;
    }
    request.params = std::move(params);
    return Match{&entry.route, entry.pattern};
  }

  if (!allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    Response response = refusal(request, 405, "method_not_allowed",
                                std::string(to_string(request.method)) + " is not allowed on " +
                                    wreg::quoted(path) + "; use " + allow);
    response.set("Allow", allow);
    return response;
  }
  return refusal(request, 404, "not_found",
                 "no API route matches " + wreg::quoted(path) +
                     "; routes are under /api/v1 (packages, blobs), /log (the transparency log), "
                     "/healthz and /metrics");
}

void Router::word_refusals(std::string first_segment, RefusalWriter write) {
  refusal_writers_[std::move(first_segment)] = std::move(write);
}

Response Router::refusal(const Request& request, int status, std::string_view code,
                         std::string_view message) const {
  if (!request.segments.empty()) {
    if (auto writer = refusal_writers_.find(request.segments.front());
        writer != refusal_writers_.end()) {
      return writer->second(status, code, message);
    }
  }
  return error_response(status, code, message);
}

}  // namespace wreg::http
