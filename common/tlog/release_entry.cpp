#include "common/tlog/release_entry.h"

#include <array>
#include <vector>

#include "common/text.h"
#include "common/version.h"

namespace wreg::tlog {
namespace {

constexpr std::string_view kTag = "wreg/v1";

// `YYYY-MM-DDTHH:MM:SSZ` naming a real instant: the month's days (leap years too), hours to 23,
// seconds to 60 (a leap second, which RFC 3339 allows).
bool is_utc_second(std::string_view text) {
  if (text.size() != 20) return false;
  auto number = [&text](std::size_t at, std::size_t count, unsigned& out) {
    out = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return true;
  };
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!number(0, 4, year) || text[4] != '-' || !number(5, 2, month) || text[7] != '-' ||
      !number(8, 2, day) || text[10] != 'T' || !number(11, 2, hour) || text[13] != ':' ||
      !number(14, 2, minute) || text[16] != ':' || !number(17, 2, second) || text[19] != 'Z') {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return false;
  const unsigned days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 60;
}

}  // namespace

const char* to_string(ReleaseEvent event) {
  switch (event) {
    case ReleaseEvent::kPublish:
      return "publish";
    case ReleaseEvent::kYank:
      return "yank";
    case ReleaseEvent::kUnyank:
      return "unyank";
  }
  return "publish";
}

std::string ReleaseEntry::text() const {
  return std::string(kTag) + " " + to_string(event) + " " + release.to_string() + " " +
         digest.to_string() + " " + std::to_string(size) + " " + api::to_string(kind) + " " + time +
         "\n";
}

Result<ReleaseEntry> parse_release_entry(std::string_view text) {
  auto refuse = [](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument, "invalid log entry: " + std::string(why));
  };
  if (text.empty() || text.back() != '\n') return refuse("it does not end in a newline");
  const std::string_view line = text.substr(0, text.size() - 1);
  if (line.find('\n') != std::string_view::npos) return refuse("it is more than one line");
  const std::vector<std::string_view> fields = split(line, ' ');
  for (std::string_view field : fields) {
    if (field.empty()) return refuse("two spaces in a row, or a space at an end");
  }
  if (fields.size() != 7) {
    return refuse("it has " + std::to_string(fields.size()) +
                  " space-separated fields, not 7 (wreg/v1 event release digest size kind time)");
  }
  if (fields[0] != kTag) return refuse("the tag " + wreg::quoted(fields[0]) + " is not wreg/v1");
  ReleaseEvent event = ReleaseEvent::kPublish;
  if (fields[1] == "publish") {
    event = ReleaseEvent::kPublish;
  } else if (fields[1] == "yank") {
    event = ReleaseEvent::kYank;
  } else if (fields[1] == "unyank") {
    event = ReleaseEvent::kUnyank;
  } else {
    return refuse("the event " + wreg::quoted(fields[1]) + " is not publish, yank or unyank");
  }
  auto release = PackageVersion::parse(fields[2]);
  if (!release) return refuse("the release: " + release.error().message);
  // The version's own parser is strict; this keeps one spelling even if it learns leniency.
  if (release->to_string() != fields[2]) {
    return refuse("the release " + wreg::quoted(fields[2]) + " is not written as wreg writes it");
  }
  auto digest = Digest::parse(fields[3]);
  if (!digest) return refuse("the digest: " + digest.error().message);
  std::uint64_t size = 0;
  if (!parse_version_number(fields[4], size)) {
    return refuse("the size " + wreg::quoted(fields[4]) +
                  " is not a decimal number without leading zeros");
  }
  api::ReleaseKind kind = api::ReleaseKind::kComponent;
  if (fields[5] == "wit") {
    kind = api::ReleaseKind::kWit;
  } else if (fields[5] == "component") {
    kind = api::ReleaseKind::kComponent;
  } else {
    return refuse("the kind " + wreg::quoted(fields[5]) + " is not wit or component");
  }
  if (!is_utc_second(fields[6])) {
    return refuse("the time " + wreg::quoted(fields[6]) +
                  " is not an RFC 3339 UTC time to the second (2026-12-06T16:31:31Z)");
  }
  return ReleaseEntry{event, std::move(*release), *digest, size, kind, std::string(fields[6])};
}

}  // namespace wreg::tlog
