// WREG_TRY and WREG_CHECK: return a failed Result's error from the enclosing function, for the
// store's functions that run many statements in a row, each of which can fail.
//
//   WREG_TRY(row, query->step("look up a package"));  // `row` is the Result; use *row after
//   WREG_CHECK(tx->commit());                         // a Result<void>, or one not needed after
#pragma once

#include <utility>

#define WREG_TRY(var, expr) \
  auto var = (expr);        \
  if (!var) return std::move(var).error()

#define WREG_CHECK(expr)                     \
  do {                                       \
    if (auto checked_ = (expr); !checked_) { \
      return std::move(checked_).error();    \
    }                                        \
  } while (false)
