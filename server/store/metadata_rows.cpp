#include "server/store/metadata_rows.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "common/text.h"

namespace wreg::store {

std::string rfc3339(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string rfc3339(std::chrono::sys_seconds when) {
  using namespace std::chrono;
  const sys_days day = floor<days>(when);
  const year_month_day date(day);
  const hh_mm_ss<seconds> time(when - day);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS then Z or ±HH:MM: exactly 20 or 25 characters.
  auto digits = [&](std::size_t at, std::size_t count) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  if (text.size() != 20 && text.size() != 25) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2), h = digits(11, 2),
             mi = digits(14, 2), s = digits(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  const year_month_day date{year(*y), month(static_cast<unsigned>(*mo)),
                            day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  seconds offset{0};
  if (text.size() == 20) {
    if (text[19] != 'Z' && text[19] != 'z') return std::nullopt;
  } else {
    const auto oh = digits(20, 2), om = digits(23, 2);
    if ((text[19] != '+' && text[19] != '-') || text[22] != ':' || !oh || !om || *oh > 23 ||
        *om > 59) {
      return std::nullopt;
    }
    offset = hours(*oh) + minutes(*om);
    if (text[19] == '-') offset = -offset;
  }
  // A local time `offset` ahead of UTC is that much later than the same UTC time.
  return sys_days(date) + hours(*h) + minutes(*mi) + seconds(*s) - offset;
}

std::string version_key(const Version& version) {
  std::string text = version.to_string();
  if (const auto plus = text.find('+'); plus != std::string::npos) text.resize(plus);
  return text;
}

const char* kind_text(api::ReleaseKind kind) {
  return kind == api::ReleaseKind::kWit ? "wit" : "component";
}

std::string interface_column(const wasm::InterfaceName& name) {
  return name.package.name.to_string() + "/" + name.item;
}

std::string version_column(const wasm::InterfaceName& name) {
  return name.package.version ? name.package.version->to_string() : std::string();
}

std::string etag_of(std::int64_t package_id, std::int64_t revision) {
  return "\"p" + std::to_string(package_id) + "r" + std::to_string(revision) + "\"";
}

namespace {
constexpr std::string_view kCursorPrefix = "c1";
}  // namespace

std::string encode_cursor(const PackageName& last) {
  return std::string(kCursorPrefix) + hex_encode(last.to_string());
}

Result<std::string> decode_cursor(std::string_view cursor) {
  const Error invalid = fail(ErrorCode::kInvalidArgument,
                             "invalid cursor " + wreg::quoted(cursor) +
                                 "; pass the next_cursor of a previous page, or none to start");
  if (cursor.size() > kCursorPrefix.size() + 2 * PackageName::kMaxLength ||
      !cursor.starts_with(kCursorPrefix)) {
    return invalid;
  }
  auto name = hex_decode(cursor.substr(kCursorPrefix.size()));
  if (!name || !PackageName::parse(*name)) return invalid;
  return *name;
}

std::size_t page_limit(const SearchQuery& query) {
  return std::clamp<std::size_t>(query.limit, 1, SearchQuery::kMaxLimit);
}

bool names_release(const Version& asked, std::string_view stored_version) {
  return asked.build().empty() || stored_version == asked.to_string();
}

Result<void> check_same_release(const NewRelease& release, std::string_view stored_version,
                                std::string_view stored_digest) {
  const std::string name = release.id.name.to_string();
  const std::string version = release.id.version.to_string();
  if (stored_version != version) {
    return fail(ErrorCode::kConflict,
                name + "@" + version + " has the same precedence as the published " + name + "@" +
                    std::string(stored_version) +
                    "; versions that differ only in build metadata cannot coexist, publish a new "
                    "version");
  }
  if (stored_digest != release.digest.to_string()) {
    return fail(ErrorCode::kConflict, name + "@" + version + " is already published with " +
                                          std::string(stored_digest) +
                                          "; versions are immutable, publish a new version");
  }
  return {};
}

Result<void> check_details(std::string_view details_json) {
  try {
    if (!nlohmann::json::parse(details_json).is_object()) {
      return fail(ErrorCode::kInvalidArgument, "release details must be a JSON object");
    }
  } catch (const nlohmann::json::exception&) {
    return fail(ErrorCode::kInvalidArgument, "release details are not valid JSON");
  }
  return {};
}

Error package_not_found(const PackageName& name) {
  return fail(ErrorCode::kNotFound, "no package " + name.to_string() + " is published");
}

void sort_newest_first(std::vector<ReleaseRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const ReleaseRow& a, const ReleaseRow& b) {
    return a.summary.version > b.summary.version;
  });
}

PackageHead head_of(std::vector<ReleaseRow> rows) {
  sort_newest_first(rows);
  const std::size_t at = api::latest_index(
      rows, [](const ReleaseRow& row) -> const api::ReleaseSummary& { return row.summary; });
  const ReleaseRow* latest = at < rows.size() ? &rows[at] : nullptr;
  PackageHead head;
  if (latest != nullptr) {
    head.latest = latest->summary.version.to_string();
    head.kind = kind_text(latest->summary.kind);
  }
  for (const auto& row : rows) {
    if (!row.description.empty()) {
      head.description = row.description;
      break;
    }
  }
  return head;
}

Error corrupt_row(const LogSink& log, std::string_view what, std::string_view value) {
  log("database holds an invalid " + std::string(what) + ": " + wreg::quoted(value));
  return fail(ErrorCode::kCorrupt, "the registry's database holds an invalid " + std::string(what) +
                                       "; see the server log and run `wreg-server fsck`");
}

Result<PackageName> decode_package_name(std::string_view text, const LogSink& log) {
  auto name = PackageName::parse(text);
  if (!name) return corrupt_row(log, "package name", text);
  return name;
}

Result<Version> decode_version(std::string_view text, const LogSink& log) {
  auto version = Version::parse(text);
  if (!version) return corrupt_row(log, "version", text);
  return version;
}

Result<Digest> decode_digest(std::string_view text, const LogSink& log) {
  auto digest = Digest::parse(text);
  if (!digest) return corrupt_row(log, "digest", text);
  return digest;
}

Result<std::chrono::sys_seconds> decode_time(std::string_view text, std::string_view what,
                                             const LogSink& log) {
  auto when = parse_rfc3339(text);
  if (!when) return corrupt_row(log, what, text);
  return *when;
}

Result<api::ReleaseKind> decode_kind(std::string_view text, const LogSink& log) {
  if (text == "wit") return api::ReleaseKind::kWit;
  if (text == "component") return api::ReleaseKind::kComponent;
  return corrupt_row(log, "release kind", text);
}

Result<api::Dependency> DependencyDecoder::decode(const std::string& name,
                                                  const std::string& requirement) {
  std::string key = name + '\n' + requirement;
  auto found = parsed_.find(key);
  if (found == parsed_.end()) {
    auto parsed_name = PackageName::parse(name);
    if (!parsed_name) return corrupt_row(log_, "dependency name", name);
    auto parsed_requirement = VersionReq::parse(requirement);
    if (!parsed_requirement) return corrupt_row(log_, "dependency requirement", requirement);
    found = parsed_
                .emplace(std::move(key),
                         api::Dependency{std::move(*parsed_name), std::move(*parsed_requirement)})
                .first;
  }
  return found->second;
}

Result<ManifestStep> manifest_step(const PackageVersion& id, const OciManifest& pushed,
                                   const std::optional<OciManifest>& stored) {
  if (!stored) return ManifestStep::kRecord;
  if (!(stored->digest == pushed.digest)) {
    return fail(ErrorCode::kConflict, id.to_string() + " already has the manifest " +
                                          stored->digest.to_string() +
                                          "; tags are immutable, push a new version");
  }
  return ManifestStep::kAlreadyPresent;
}

}  // namespace wreg::store
