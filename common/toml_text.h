// Helpers shared by the TOML files wreg reads and writes (manifest, lock file, client config).
#pragma once

#include <string>
#include <string_view>

namespace wreg {

// `text` as a TOML basic string, quotes included, with `"`, `\` and control characters escaped.
std::string toml_quote(std::string_view text);

// toml++'s description of a parse error, fit for a one-line message: it quotes the offending
// character raw (`saw '<newline>'`), so control characters are escaped here.
std::string toml_error_text(std::string_view description);

}  // namespace wreg
