// Helpers shared by the TOML files wreg reads and writes (manifest, lock file, client config).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace wreg {

// `text` as a TOML basic string, quotes included, with `"`, `\` and control characters escaped.
std::string toml_quote(std::string_view text);

// toml++'s description of a parse error, fit for a one-line message: it quotes the offending
// character raw (`saw '<newline>'`), so it is shown through escaped() (common/text.h).
std::string toml_error_text(std::string_view description);

// What to say after "unknown key K" in a settings file, so that a misspelled key is an error
// rather than a setting silently ignored: `; did you mean "registry"? (allowed: registry,
// ca_file, [namespaces])`, without the "did you mean" when no allowed key is close. `allowed` is
// shown as given; a table is written `[name]` and matched by its name.
std::string unknown_key_hint(std::string_view key, std::span<const std::string_view> allowed);

}  // namespace wreg
