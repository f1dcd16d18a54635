// What the fuzz targets of the wire types (common/api) check of every document that reads: its
// one writer writes JSON that reads back to a document written the same, and that text is
// exactly nlohmann's compact dump() of it (the form every wreg-server has sent).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tests/fuzz/fuzz_check.h"

namespace wreg::fuzz {

// `parse(to_json(value))` succeeds, writes the same text, and that text is canonical.
template <typename Value, typename Parse>
void check_round_trip(const Value& value, Parse parse) {
  const std::string json = wreg::api::to_json(value);
  auto again = parse(json);
  WREG_FUZZ_CHECK(again.has_value());
  WREG_FUZZ_CHECK(wreg::api::to_json(*again) == json);
  auto tree = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  WREG_FUZZ_CHECK(!tree.is_discarded());
  WREG_FUZZ_CHECK(tree.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) == json);
}

// A refusal as STYLE.md asks for: kInvalidArgument, one line.
template <typename Result>
void check_refusal(const Result& result) {
  WREG_FUZZ_CHECK(result.error().code == wreg::ErrorCode::kInvalidArgument);
  WREG_FUZZ_CHECK(is_one_line(result.error().message));
}

}  // namespace wreg::fuzz
