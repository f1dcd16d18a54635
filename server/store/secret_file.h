// A small secret the server keeps in its data directory: the token signing key
// (server/auth/bearer_tokens.h) and the transparency log's signing key (server/tlog/log_key.h).
// A regular file of mode 0600, never followed through a symbolic link, written whole or not at
// all. What it holds is never put in an Error or a log line; the messages name the file and
// `what` ("the token signing key"), quoted.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace wreg::store {

// The bytes of the secret at `path`; nullopt when there is no file. kInvalidArgument when it is
// not a regular file (a symbolic link included), holds more than `max_bytes`, or may be read by
// others (saying to `chmod 600` it); kIo otherwise. The caller wipes the bytes after use
// (OPENSSL_cleanse).
Result<std::optional<std::string>> read_secret_file(const std::filesystem::path& path,
                                                    std::string_view what, std::size_t max_bytes);

// Writes `bytes` to `path` with mode 0600: to a temp file beside it, fsynced, then linked into
// place (link() fails when the file exists, so two processes making one at once agree on the
// first), and the directory fsynced. True when this call made the file, false when one was
// already there (its content is then not this). kIo naming `what` when it cannot.
Result<bool> create_secret_file(const std::filesystem::path& path, std::string_view what,
                                std::string_view bytes);

}  // namespace wreg::store
