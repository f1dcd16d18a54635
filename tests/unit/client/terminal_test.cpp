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

}  // namespace
}  // namespace wreg::client
