// The process metrics of GET /metrics, named as Prometheus client libraries name them
// (prometheus.io/docs/instrumenting/writing_clientlibs, "Process metrics"), read from procfs:
//
//   process_cpu_seconds_total      user + system CPU time     /proc/self/stat utime, stime
//   process_resident_memory_bytes  resident set size           /proc/self/stat rss (pages)
//   process_virtual_memory_bytes   virtual memory size         /proc/self/stat vsize
//   process_start_time_seconds     start, in Unix time         /proc/self/stat starttime + btime
//   process_open_fds               open file descriptors       entries of /proc/self/fd
//   process_max_fds                the soft open-file limit    getrlimit(RLIMIT_NOFILE)
//
// plus `wreg_build_info{version="..."} 1`. The procfs text is parsed by pure functions, so that
// hostile or truncated text (a process name holding spaces and parentheses, a kernel with other
// fields) is tested without /proc. A value that cannot be read is left out, never made up.
// Thread-safe: no state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wreg::api {

// The fields of /proc/<pid>/stat that the metrics use (proc(5)).
struct ProcStat {
  std::uint64_t utime_ticks = 0;      // field 14
  std::uint64_t stime_ticks = 0;      // field 15
  std::uint64_t starttime_ticks = 0;  // field 22, since boot
  std::uint64_t vsize_bytes = 0;      // field 23
  std::uint64_t rss_pages = 0;        // field 24
};

// Parses the one line of /proc/<pid>/stat. The second field, the command name in parentheses,
// may hold any bytes, parentheses and spaces included, so the fields are counted from the last
// `)`. kInvalidArgument when the text is not such a line (too few fields, a field that is not a
// whole number in range).
Result<ProcStat> parse_proc_stat(std::string_view text);

// The boot time in Unix seconds from /proc/stat's `btime N` line. kInvalidArgument without one.
Result<std::uint64_t> parse_boot_time(std::string_view text);

// The metrics above in the text exposition format, each with HELP and TYPE lines.
std::string render_process_metrics();

}  // namespace wreg::api
