#include "common/api/json_value.h"

namespace wreg::api {
namespace {

// The documents' text comes from their one writer (to_json), which writes only what parses.
nlohmann::json value_of(const std::string& text) { return nlohmann::json::parse(text); }

}  // namespace

nlohmann::json json_value(const PackageDocument& document) { return value_of(to_json(document)); }
nlohmann::json json_value(const ReleaseDetails& details) { return value_of(to_json(details)); }
nlohmann::json json_value(const ReleaseDocument& document) { return value_of(to_json(document)); }
nlohmann::json json_value(const SearchPage& page) { return value_of(to_json(page)); }

}  // namespace wreg::api
