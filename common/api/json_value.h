// The wire documents as nlohmann JSON values, for output that embeds one in a larger object or
// indents it (`wreg info --json`, `wreg search --json`): what to_json() writes, read into a value
// (so it costs a parse; the server never needs one). Dump them with
// error_handler_t::replace, as their strings may come from a binary.
#pragma once

#include <nlohmann/json.hpp>

#include "common/api/package_document.h"
#include "common/api/release_document.h"
#include "common/api/search_page.h"

namespace wreg::api {

nlohmann::json json_value(const PackageDocument& document);
nlohmann::json json_value(const ReleaseDetails& details);
nlohmann::json json_value(const ReleaseDocument& document);
nlohmann::json json_value(const SearchPage& page);

}  // namespace wreg::api
