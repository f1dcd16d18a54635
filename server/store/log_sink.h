// LogSink: where the storage, auth and admin layer writes detail meant for the operator only.
//
// The error convention of server/store, server/auth and server/admin:
//   - Every Error these modules return has a message that is safe to send to a client: it says
//     what was wrong and what to do, and never holds SQL text, a SQLite message, a file system
//     path under the data dir, or a token.
//   - Internal detail (the SQLite error, errno text, the path) goes to the LogSink given at
//     construction, one line per event, so that the operator can find the cause in the server
//     log. kIo, kCorrupt and kInternal messages end with "; see the server log" when they have
//     logged such detail.
#pragma once

#include <functional>
#include <string_view>

namespace wreg::store {

// Receives one line without a trailing newline. Called from any thread that calls into a store,
// so it must be thread-safe. Never receives a token.
using LogSink = std::function<void(std::string_view line)>;

// A sink that writes `wreg-server: <line>` to stderr under a mutex.
LogSink stderr_log_sink();

}  // namespace wreg::store
