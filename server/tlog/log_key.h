// The transparency log's signing key: <data>/log-signing.key, mode 0600 (store/secret_file.h),
// holding the key as the private-key text of Go's sumdb/note, which names the log too:
//
//   PRIVATE+KEY+<origin>+<key id>+<base64(0x01 || Ed25519 seed)>
//
// The key name is the log's origin (the checkpoints' first line). Clients pin the verifier key
// (`<origin>+<key id>+<base64(0x01 || public key)>`) that `wreg-server log init` prints; if the
// key leaks, anyone can sign checkpoints in the log's name, so it is never logged or shown.
// deploy/README.md says how to rotate it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/tlog/note.h"

namespace wreg::tlog {

inline constexpr std::string_view kLogKeyFile = "log-signing.key";

inline constexpr std::string_view kWitnessKeyFile = "witness-signing.key";

// Whether a file of the data dir, by `name`, holds a log key: the key, or one rotate_log_key()
// retired (`log-signing.key.retired-<time>`).
bool is_log_key_file(std::string_view name);
// Whether it holds a key backup must copy: a log key, or the witness key.
bool is_key_file(std::string_view name);

// The key of the data dir `data`; nullopt when it has none. The errors of read_secret_file(), and
// kInvalidArgument when the file does not hold a key (naming the file, never its content).
Result<std::optional<NoteSigner>> load_log_key(const std::filesystem::path& data);

// Makes a key for a log named `origin`, from the system's random generator. kInvalidArgument for
// an origin a key name cannot be (is_key_name()); kAlreadyExists "<data> already has a log key
// (<its verifier key>); ..." when there is one, which is never replaced.
Result<NoteSigner> create_log_key(const std::filesystem::path& data, const std::string& origin);

// Replaces the key: the current one is renamed to `log-signing.key.retired-<unix time>` (kept,
// so that what it signed still verifies), and a new one is made for `origin` (the current
// origin when nullopt). Returns the new key. kNotFound when there is no key to rotate.
Result<NoteSigner> rotate_log_key(const std::filesystem::path& data,
                                  const std::optional<std::string>& origin);

// The verifier keys of the retired keys of `data` (rotate_log_key()), oldest first.
Result<std::vector<VerifierKey>> retired_log_keys(const std::filesystem::path& data);

// The key this server cosigns other logs' checkpoints with as their witness (server/tlog/
// witness.h): <data>/witness-signing.key, a kCosignatureV1 key named `name`, made on first use
// (as create_log_key(), in the same format). Its verifier key is what the logs' operators and
// their clients configure.
Result<NoteSigner> load_or_create_witness_key(const std::filesystem::path& data,
                                              const std::string& name);

// The name a new witness key gets: "<host>/wreg-witness", as default_log_origin().
std::string default_witness_name(const std::optional<std::string>& public_host);

// The origin a new log gets when none is given: "<host>/wreg-log", with <host> the public URL's
// host[:port] when one is set, else this machine's host name.
std::string default_log_origin(const std::optional<std::string>& public_host);

}  // namespace wreg::tlog
