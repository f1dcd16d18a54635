// The wire documents as nlohmann JSON values, for output that embeds one in a larger object or
// indents it (`wreg info --json`, `wreg search --json`). to_json(x) is json_value(x) written
// compactly with invalid UTF-8 replaced; write these with the same error handler.
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
