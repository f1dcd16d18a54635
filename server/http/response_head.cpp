#include "server/http/response_head.h"

#include <charconv>

#include "server/http/access_log.h"
#include "server/http/status_table.h"

namespace wreg::http {

namespace {

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

}  // namespace

ResponseFraming framing_of(const Response& response, bool head_request) {
  if (response.status == 204 || response.status == 304) return {std::nullopt, false};
  return {response.body_size(), !head_request};
}

Result<void> write_response_head(const Response& response, unsigned version, bool keep_alive,
                                 std::optional<std::uint64_t> content_length, std::string& out) {
  for (const auto& [name, value] : response.headers) {
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return fail(ErrorCode::kInternal, "a response header field " + log_escape(name) +
                                            " has a line break or colon in it");
    }
  }
  out.clear();
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10 % 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
  out += ' ';
  append_number(out, static_cast<std::uint64_t>(response.status));
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\nServer: wreg/" WREG_VERSION "\r\n";
  for (const auto& [name, value] : response.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  if (content_length) {
    out += "Content-Length: ";
    append_number(out, *content_length);
    out += "\r\n";
  }
  out += "\r\n";
  return {};
}

}  // namespace wreg::http
