// AccessLog: one line per request, for operators.
//
//   2026-11-26T01:02:03.123Z 127.0.0.1 PUT /api/v1/packages/wasi/io/0.2.8 201 1279 3.2ms token=3
//   ua=wreg/0.1.0
// Fields: time (UTC), client address (client_address.h; when it came from a trusted proxy's
// header, the proxy follows at the end as `via=ADDRESS`), method, path (as sent, without the
// query string and with control and non-ASCII bytes escaped), status, response body bytes,
// duration, the id of the token that made a write (`token=-` for none: never the secret), the
// User-Agent (`ua=`, escaped like the path; `-` for none). A 5xx line ends with ` - ` and the
// internal detail the client did not get.
// Thread-safe: lines from concurrent requests never interleave.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

namespace wreg::http {

struct AccessRecord {
  std::string_view remote;
  std::string_view method;
  std::string_view path;
  int status = 0;
  std::uint64_t bytes_out = 0;
  std::chrono::steady_clock::duration duration{};
  std::string_view detail;    // internal detail for a 5xx, else empty
  std::int64_t token_id = 0;  // the token of a write, 0 for none
  std::string_view user_agent;
  std::string_view via;  // the trusted proxy `remote` was read from, else empty
};

class AccessLog {
 public:
  // Writes to `out`, which must outlive the log. `requests` false drops the lines of write()
  // (--no-access-log); notes are always written, since they are what an operator must see.
  explicit AccessLog(std::ostream& out, bool requests = true) : out_(out), requests_(requests) {}

  void write(const AccessRecord& record);
  // A line that is not about one request (start-up, shutdown, a failed accept).
  void note(std::string_view line);

 private:
  std::mutex mutex_;
  std::ostream& out_;  // guarded by mutex_
  bool requests_;
};

// `text` as one field of a log line (escaped() in common/text.h, ASCII only): bytes outside
// printable ASCII, spaces, quotes and backslashes as \xNN, cut after 512 bytes.
std::string log_escape(std::string_view text);

}  // namespace wreg::http
