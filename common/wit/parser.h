// The WIT parser: the text of one .wit file to its syntax tree (ast.h), following WIT.md's
// grammar as wit-parser reads it (its lexer's tokens, comments and `%` escapes, its keywords).
#pragma once

#include <string>

#include "common/result.h"
#include "common/wit/ast.h"

namespace wreg::wit {

// Parses `text`, the content of the file named `path` (used in messages only).
// kInvalidArgument with the message wasm-tools gives, on several lines:
//   expected ';', found '}'
//        --> wit/world.wit:12:3
//         |
//      12 |   }
//         |   ^
// (format_error() in source_error.h makes it). Bounded: nesting deeper than 100 levels of
// generic types or of nested packages, and a tree past 64 MiB, are refused likewise; a file
// over 16 MiB is refused unread (kTooLarge). Thread-safe: shares nothing between calls.
Result<ast::File> parse_file(std::string path, std::string text);

}  // namespace wreg::wit
