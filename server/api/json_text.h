// nlohmann_json output for handlers, with invalid UTF-8 replaced rather than thrown on (strings
// read from a binary or a request may hold any bytes).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/api/package_document.h"

namespace wreg::api {

inline std::string dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One release's summary fields as the package document writes them.
nlohmann::json summary_json(const ReleaseSummary& summary);

}  // namespace wreg::api
