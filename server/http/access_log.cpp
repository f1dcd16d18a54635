#include "server/http/access_log.h"

#include <cstdio>
#include <ctime>

#include "common/text.h"

namespace wreg::http {

namespace {

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                static_cast<int>(millis));
  return text;
}

}  // namespace

std::string log_escape(std::string_view text) {
  return escaped(text, {.ascii = true, .also = " \"\\", .max_bytes = 512});
}

void AccessLog::write(const AccessRecord& record) {
  if (!requests_) return;
  double millis = std::chrono::duration<double, std::milli>(record.duration).count();
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.1fms", millis);
  std::string line = utc_now() + ' ' + log_escape(record.remote) + ' ' + log_escape(record.method) +
                     ' ' + log_escape(record.path) + ' ' + std::to_string(record.status) + ' ' +
                     std::to_string(record.bytes_out) + ' ' + duration +
                     " token=" + (record.token_id > 0 ? std::to_string(record.token_id) : "-") +
                     " ua=" + (record.user_agent.empty() ? "-" : log_escape(record.user_agent));
  if (!record.via.empty()) line += " via=" + log_escape(record.via);
  if (!record.detail.empty()) {
    line += " - ";
    // The detail is our own text (a store's log line), but it may quote outside text.
    line += escaped(record.detail);
  }
  line += '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

void AccessLog::note(std::string_view text) {
  std::string line = utc_now() + ' ' + std::string(text) + '\n';
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace wreg::http
