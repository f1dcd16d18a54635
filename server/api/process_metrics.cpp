#include "server/api/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "server/http/metrics.h"

namespace wreg::api {
namespace {

std::optional<std::uint64_t> whole_number(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// At most this much of a procfs file is read: /proc/self/stat is one short line, /proc/stat a
// few KiB even on machines with hundreds of cores.
constexpr std::size_t kMaxProcText = 1 << 20;

std::optional<std::string> read_proc(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text;
  char buffer[4096];
  while (text.size() < kMaxProcText && in.read(buffer, sizeof buffer).gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return text;
}

// The shortest text that reads back as `value` (1796514590.13, not 1.79651459e+09).
std::string number(double value) {
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : std::string("NaN");
}

}  // namespace

Result<ProcStat> parse_proc_stat(std::string_view text) {
  auto bad = [](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument, "unreadable /proc/self/stat: " + why);
  };
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) return bad("no command name in parentheses");
  // Fields from the third (state) on, separated by single spaces; the line ends with a newline.
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) rest.remove_suffix(1);
  std::vector<std::string_view> fields;
  while (!rest.empty() && fields.size() < 24) {
    if (rest.front() != ' ') return bad("fields are not separated by single spaces");
    rest.remove_prefix(1);
    const auto end = rest.find(' ');
    if (end == 0) return bad("fields are not separated by single spaces");
    fields.push_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  // fields[0] is field 3 of proc(5); field N is fields[N - 3].
  if (fields.size() < 22) return bad("it has too few fields");
  ProcStat stat;
  struct Field {
    std::size_t number;
    std::uint64_t& target;
  };
  for (auto [field, target] :
       {Field{14, stat.utime_ticks}, Field{15, stat.stime_ticks}, Field{22, stat.starttime_ticks},
        Field{23, stat.vsize_bytes}, Field{24, stat.rss_pages}}) {
    auto value = whole_number(fields[field - 3]);
    if (!value) return bad("field " + std::to_string(field) + " is not a whole number");
    target = *value;
  }
  return stat;
}

Result<std::uint64_t> parse_boot_time(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    std::string_view line = text.substr(at, end == std::string_view::npos ? end : end - at);
    if (line.starts_with("btime ")) {
      if (auto value = whole_number(line.substr(6))) return *value;
      break;
    }
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return fail(ErrorCode::kInvalidArgument, "/proc/stat has no btime line");
}

std::string render_process_metrics() {
  std::string out;
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long page = ::sysconf(_SC_PAGESIZE);
  Result<ProcStat> stat = fail(ErrorCode::kIo, "cannot read /proc/self/stat");
  if (auto text = read_proc("/proc/self/stat")) stat = parse_proc_stat(*text);
  if (stat && ticks > 0 && page > 0) {
    http::append_metric(out, "process_cpu_seconds_total", "counter",
                        "Total user and system CPU time spent in seconds.",
                        number(static_cast<double>(stat->utime_ticks + stat->stime_ticks) /
                               static_cast<double>(ticks)));
    http::append_metric(out, "process_resident_memory_bytes", "gauge",
                        "Resident memory size in bytes.",
                        std::to_string(stat->rss_pages * static_cast<std::uint64_t>(page)));
    http::append_metric(out, "process_virtual_memory_bytes", "gauge",
                        "Virtual memory size in bytes.", std::to_string(stat->vsize_bytes));
    Result<std::uint64_t> boot = fail(ErrorCode::kIo, "cannot read /proc/stat");
    if (auto text = read_proc("/proc/stat")) boot = parse_boot_time(*text);
    if (boot) {
      http::append_metric(
          out, "process_start_time_seconds", "gauge",
          "Start time of the process since unix epoch in seconds.",
          number(static_cast<double>(*boot) +
                 static_cast<double>(stat->starttime_ticks) / static_cast<double>(ticks)));
    }
  }
  std::error_code ec;
  std::uint64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  if (!ec)
    http::append_metric(out, "process_open_fds", "gauge", "Number of open file descriptors.",
                        std::to_string(fds));
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    http::append_metric(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
                        std::to_string(limit.rlim_cur));
  }
  out +=
      "# HELP wreg_build_info The version of wreg-server that is running.\n"
      "# TYPE wreg_build_info gauge\n"
      "wreg_build_info{version=\"" +
      http::prometheus_label(WREG_VERSION) + "\"} 1\n";
  return out;
}

}  // namespace wreg::api
