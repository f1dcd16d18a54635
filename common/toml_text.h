// Helpers shared by the TOML files wreg reads and writes (manifest, lock file, client config).
#pragma once

#include <string>
#include <string_view>

namespace wreg {

// `text` as a TOML basic string, quotes included, with `"`, `\` and control characters escaped.
std::string toml_quote(std::string_view text);

}  // namespace wreg
