// The colour rule of client/terminal.h: NO_COLOR beats CLICOLOR_FORCE, which beats the terminal.
#include "client/terminal.h"

#include <gtest/gtest.h>

namespace wreg::client {
namespace {

TEST(TerminalTest, ColourRuleFollowsNoColorThenCliColorForceThenTheTerminal) {
  struct Case {
    const char* no_color;
    const char* force;
    bool terminal;
    bool coloured;
  };
  const Case cases[] = {
      {nullptr, nullptr, true, true}, {nullptr, nullptr, false, false},
      {"1", nullptr, true, false},    {"", nullptr, true, true},  // empty NO_COLOR is unset
      {nullptr, "1", false, true},    {nullptr, "0", false, false},
      {nullptr, "", false, false},    {nullptr, "0", true, true},
      {"1", "1", false, false},       {"1", "1", true, false},  // NO_COLOR wins
  };
  for (const auto& c : cases) {
    EXPECT_EQ(colour_wanted(c.no_color, c.force, c.terminal), c.coloured)
        << "NO_COLOR=" << (c.no_color ? c.no_color : "(unset)")
        << " CLICOLOR_FORCE=" << (c.force ? c.force : "(unset)") << " terminal=" << c.terminal;
  }
}

TEST(TerminalTest, LabelsAreColouredOnlyWhenAsked) {
  EXPECT_EQ(label(Label::kError, false), "error: ");
  EXPECT_EQ(label(Label::kWarning, false), "warning: ");
  EXPECT_EQ(label(Label::kNote, false), "note: ");
  EXPECT_EQ(label(Label::kError, true), "\x1b[1;31merror:\x1b[0m ");
  EXPECT_EQ(label(Label::kWarning, true), "\x1b[1;33mwarning:\x1b[0m ");
  EXPECT_EQ(label(Label::kNote, true), "\x1b[1;36mnote:\x1b[0m ");
}

TEST(TerminalTest, HyperlinksOnlyWhenAskedAndOnlyForASafeUrl) {
  const std::string url = "https://registry.example/packages/wasi/io";
  EXPECT_EQ(hyperlink(url, "wasi:io", false), "wasi:io");
  EXPECT_EQ(hyperlink(url, "wasi:io", true),
            "\x1b]8;;https://registry.example/packages/wasi/io\x1b\\wasi:io\x1b]8;;\x1b\\");
  // A URL that could end the sequence early, or carry another, is not linked.
  for (const std::string& bad :
       {std::string("https://r.example/a b"), std::string("https://r\x1b\\x"),
        std::string("https://r.example/\x07"), std::string("")}) {
    EXPECT_EQ(hyperlink(bad, "wasi:io", true), "wasi:io") << bad;
  }
}

TEST(TerminalTest, OnlyAWregRegistryHasPackagePagesToLinkTo) {
  // Standard output is not a terminal under the test runner, so nothing is linked here; an OCI
  // registry gives the text alone whatever the stream.
  EXPECT_EQ(package_page_link("oci://ghcr.io/webassembly", "wasi", "io", "wasi:io"), "wasi:io");
  EXPECT_EQ(package_page_link("https://registry.example/", "wasi", "io", "wasi:io"),
            stdout_hyperlinked()
                ? hyperlink("https://registry.example/packages/wasi/io", "wasi:io", true)
                : "wasi:io");
}

}  // namespace
}  // namespace wreg::client
