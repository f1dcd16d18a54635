// libFuzzer target for the procfs text GET /metrics reads (server/api/process_metrics.h):
// parse_proc_stat() over /proc/self/stat and parse_boot_time() over /proc/stat. Input: the text.
//
// Properties: a refusal is kInvalidArgument in one line; an accepted stat line has its command
// name closed by a `)`, and the fields after the last `)` are what was read, so putting any
// other command name in front changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/api/process_metrics.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = wreg::fuzz::as_text(data, size);
  auto stat = wreg::api::parse_proc_stat(text);
  if (!stat) {
    WREG_FUZZ_CHECK(stat.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(stat.error().message));
  } else {
    const auto close = text.rfind(')');
    WREG_FUZZ_CHECK(close != std::string_view::npos);
    auto renamed = wreg::api::parse_proc_stat("1 (x) y)" + std::string(text.substr(close + 1)));
    WREG_FUZZ_CHECK(renamed.has_value());
    WREG_FUZZ_CHECK(
        renamed->utime_ticks == stat->utime_ticks && renamed->stime_ticks == stat->stime_ticks &&
        renamed->starttime_ticks == stat->starttime_ticks &&
        renamed->vsize_bytes == stat->vsize_bytes && renamed->rss_pages == stat->rss_pages);
  }
  auto boot = wreg::api::parse_boot_time(text);
  if (!boot) {
    WREG_FUZZ_CHECK(boot.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(boot.error().message));
  }
  return 0;
}
