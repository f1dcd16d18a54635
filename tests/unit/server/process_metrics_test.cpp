#include "server/api/process_metrics.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace wreg::api {
namespace {

// A real line of /proc/self/stat (Linux 6.1), with the command name swapped in.
std::string stat_line(const std::string& command) {
  return "821 (" + command +
         ") R 817 817 11788 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 496850 3133440 385 "
         "18446744073709551615 94323722047488 94323722067369 140727746429392 0 0 0 0 0 0 0 0 0 17 "
         "0 0 0 0 0 0 94323722083376 94323722084992 94324057972736 140727746431431 "
         "140727746431451 140727746431451 140727746433003 0\n";
}

TEST(ProcStatTest, ReadsTheFieldsTheMetricsUse) {
  auto stat = parse_proc_stat(stat_line("wreg-server"));
  ASSERT_TRUE(stat) << stat.error().message;
  EXPECT_EQ(stat->utime_ticks, 7u);
  EXPECT_EQ(stat->stime_ticks, 3u);
  EXPECT_EQ(stat->starttime_ticks, 496850u);
  EXPECT_EQ(stat->vsize_bytes, 3133440u);
  EXPECT_EQ(stat->rss_pages, 385u);
}

// The command name is the process's own choice (prctl, the binary's name): spaces, parentheses
// and digits in it must not shift the fields.
TEST(ProcStatTest, CommandNamesWithSpacesAndParenthesesDoNotShiftTheFields) {
  for (const char* command : {"a b", ") 1 2 3 (", "x) R 1 2 (y", "((", "))", "", "1 2 3 4 5"}) {
    auto stat = parse_proc_stat(stat_line(command));
    ASSERT_TRUE(stat) << command << ": " << stat.error().message;
    EXPECT_EQ(stat->rss_pages, 385u) << command;
    EXPECT_EQ(stat->utime_ticks, 7u) << command;
  }
}

TEST(ProcStatTest, RefusesWhatIsNotAStatLine) {
  const std::string good = stat_line("w");
  const std::string cases[] = {
      "",
      "821 wreg-server R 1 2 3",                            // no parentheses
      good.substr(0, good.find(" 496850")),                 // cut before starttime
      "821 (w) R",                                          // nothing after the state
      "821 (w)",                                            //
      "821 (w) R 817 817 11788 0 -1 4194304 99 0 0 0 x 3",  // utime not a number
      std::string("821 (w) R 817 817 11788 0 -1 4194304 99 0 0 0 ") +
          "99999999999999999999999 3 "
          "0 0 20 0 1 0 496850 3133440 385 0",  // utime past 64 bits
      "821 (w) R 817 817 11788 0 -1 4194304 99 0 0 0 -7 3 0 0 20 0 1 0 496850 3133440 385 0",
      "821 (w)  R 817 817 11788 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 496850 3133440 385 0",
      "821 (w)\tR 817 817 11788 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 496850 3133440 385 0",
  };
  for (const auto& text : cases) {
    EXPECT_FALSE(parse_proc_stat(text)) << text;
  }
}

TEST(ProcStatTest, RandomBytesNeverCrash) {
  std::mt19937 random(16);
  const std::string base = stat_line("w");
  for (int i = 0; i < 2000; ++i) {
    std::string text = base;
    for (int flips = 0; flips < 4; ++flips) {
      text[random() % text.size()] = static_cast<char>(random() % 256);
    }
    text.resize(random() % (text.size() + 1));
    (void)parse_proc_stat(text);
  }
}

TEST(BootTimeTest, ReadsTheBtimeLine) {
  EXPECT_EQ(parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1796509656\nprocesses 9\n").value(),
            1796509656u);
  EXPECT_EQ(parse_boot_time("btime 42").value(), 42u);
  for (const char* bad : {"", "cpu 1\n", "btime \n", "btime x\n", "btime -1\n", "xbtime 5\n",
                          "btime 99999999999999999999999\n"}) {
    EXPECT_FALSE(parse_boot_time(bad)) << bad;
  }
}

TEST(ProcessMetricsTest, RendersEachFamilyWithHelpAndType) {
  const std::string text = render_process_metrics();
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_start_time_seconds",
                           "process_open_fds", "process_max_fds", "wreg_build_info"}) {
    EXPECT_NE(text.find(std::string("# HELP ") + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(text.find("\nwreg_build_info{version=\"" WREG_VERSION "\"} 1\n"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace wreg::api
