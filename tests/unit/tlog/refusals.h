// What the tests of common/tlog's readers share: tables of hostile inputs, each to be refused.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/text.h"

namespace wreg::tlog {

// Inputs, each with a part of the message that must refuse it.
using Refusals = std::vector<std::pair<std::string, std::string>>;

// Each input refused by `read` as kInvalidArgument, in one line holding the expected part.
template <typename Read>
void expect_refused(Read read, const Refusals& cases) {
  for (const auto& [input, expected] : cases) {
    auto result = read(input);
    ASSERT_FALSE(result.has_value()) << escaped(input);
    const Error& error = result.error();
    EXPECT_EQ(error.code, ErrorCode::kInvalidArgument) << escaped(input);
    EXPECT_NE(error.message.find(expected), std::string::npos) << escaped(input) << "\n"
                                                               << error.message;
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
  }
}

}  // namespace wreg::tlog
