// Messages that point into WIT text, laid out as wasm-tools lays them out: what was wrong, then
// the file, line and column, the line itself, and a caret under the span.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "common/wit/ast.h"

namespace wreg::wit {

// For `span` of `text` in file `path`:
//   MESSAGE
//        --> PATH:LINE:COLUMN
//         |
//    LINE | the line
//         |   ^---
// (lines and columns from 1; columns count characters; the caret line covers the span, at
// least one character, at most to the end of its line). A line over 500 bytes is left out:
// `PATH:LINE:COLUMN: MESSAGE`. The message, the path and the line are escaped (common/text.h),
// since they may hold anything; tabs in the line are kept, and repeated in the caret line so
// that the caret stays under its character.
std::string format_error(std::string_view message, std::string_view path, std::string_view text,
                         ast::Span span);

// format_error()'s text as an Error: kInvalidArgument, marked several_lines so that the CLI shows
// its line breaks.
Error source_error(std::string_view message, std::string_view path, std::string_view text,
                   ast::Span span);

}  // namespace wreg::wit
