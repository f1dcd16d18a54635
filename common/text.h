// Small text helpers shared by the parsers' error messages.
#pragma once

#include <string>
#include <string_view>

namespace wreg {

// `text` in double quotes, with control characters, quotes, backslashes and non-ASCII bytes
// escaped, and cut to 80 characters: safe to put a hostile input into a one-line message.
std::string quoted(std::string_view text);

// ASCII whitespace trimmed from both ends.
std::string_view trim(std::string_view text);

}  // namespace wreg
