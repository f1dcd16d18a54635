// Admin commands on a data directory (DESIGN.md, "Command lines that scripts rely on"):
//
//   wreg-server namespace create [--data DIR] NS
//   wreg-server namespace list   [--data DIR]
//   wreg-server token create     [--data DIR] --namespace NS [--namespace NS2] [--admin] [--note T]
//                                [--expires WHEN]   (90d, 12h, 30m, 2w, 2027-06-30, or RFC 3339;
//                                                    without it the token never expires)
//   wreg-server token list       [--data DIR]       (scope, expiry, last use, status, note)
//   wreg-server token revoke     [--data DIR] ID
//   wreg-server log init         [--data DIR] [--origin NAME]   (prints the verifier key)
//   wreg-server log rotate       [--data DIR] [--origin NAME]   (prints the new verifier key)
//   wreg-server log key          [--data DIR]                    (prints it again)
//   wreg-server fsck             [--data DIR]
//   wreg-server gc               [--data DIR] [--grace DURATION]   (e.g. 30s, 15m, 24h, 7d; 24h)
//   wreg-server backup           [--data DIR] --to DEST
//   wreg-server mirror sync      [--data DIR] [--upstream NS=URL] NS [--package NAME]...
//                                [--versions REQ]
//
// Each also takes `--config FILE`, the settings file of `serve` (deploy/wreg-server.toml), and
// then works on its `data` directory, so that with the systemd layout an admin command needs
// only `--config /etc/wreg/wreg-server.toml`. `--data` wins over the file; without either, the
// data dir is ./wreg-data, as for serve.
//
// They work on the data dir directly and may run while the server runs (SQLite's locking and the
// blob store's atomic renames make that safe). Exit status: 0 success; 1 a failure the operator
// can act on, or an inconsistency found by fsck, with one line per problem on stderr; 2 bad
// usage (CLI11 parse errors, which main() maps, and a settings file that cannot be read).
// `token create` prints the token and nothing else on stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/auth/tokens.h"
#include "server/store/store_location.h"

namespace CLI {
class App;
}

namespace wreg::admin {

// Adds the subcommands above to `app`. When one of them runs (during app.parse()), it sets
// `exit_status` to 0 or 1; main() returns it. Output goes to std::cout / std::cerr. `app` and
// `exit_status` must outlive app.parse(). Never throws except CLI11's own parse exceptions.
void add_admin_commands(CLI::App& app, int& exit_status);

// The commands as functions, for tests and for add_admin_commands. Each returns the exit status
// and writes results to `out` and problems to `err` (one line each).
int namespace_create(const store::StoreLocation& where, const std::string& ns, std::ostream& out,
                     std::ostream& err);
int namespace_list(const store::StoreLocation& where, std::ostream& out, std::ostream& err);
int token_create(const store::StoreLocation& where, const auth::TokenScopes& scopes,
                 std::ostream& out, std::ostream& err);
int token_list(const store::StoreLocation& where, std::ostream& out, std::ostream& err);
int token_revoke(const store::StoreLocation& where, std::int64_t id, std::ostream& out,
                 std::ostream& err);
// `log init`: makes the transparency log's signing key (server/tlog/log_key.h) for a log named
// `origin` (default: default_log_origin()) and prints its verifier key, the one line clients pin,
// on `out`. 1 when the data dir has a key already (never replaced) or the origin is not a key
// name. `serve` makes the key itself on a fresh data dir; this is for choosing the origin.
int log_init(const store::StoreLocation& where, const std::optional<std::string>& origin,
             std::ostream& out, std::ostream& err);
// `log rotate`: replaces the key (tlog::rotate_log_key(): the old one is kept, retired, so what
// it signed still verifies) and prints the new verifier key. The server signs its newest
// checkpoint again with the new key when it next starts. 1 when there is no key.
int log_rotate(const std::filesystem::path& data, const std::optional<std::string>& origin,
               std::ostream& out, std::ostream& err);
// `log key`: prints the verifier key of the data dir's log. 1 when it has none.
int log_key(const std::filesystem::path& data, std::ostream& out, std::ostream& err);
// `log witness-key [--name N]`: prints the verifier key of the data dir's witness key
// (tlog::load_or_create_witness_key(), made first when there is none). 1 when --name differs
// from the existing key's name.
int log_witness_key(const store::StoreLocation& where, const std::optional<std::string>& name,
                    std::ostream& out, std::ostream& err);
// Re-hashes every blob, checks every release's blob is present with its recorded size, checks
// every stored OCI manifest (its bytes hash to its digest; it is a Wasm artifact manifest whose
// layer is its release's blob and whose config is the stored blob its row records, holding a
// Wasm config), checks the transparency log (server/tlog/audit.h), lists orphans and stray
// files. Changes nothing: a release without a manifest
// gets none synthesised here. 1 on any inconsistency (an orphan alone is reported but is not an
// inconsistency: it is what a crash between blob and release leaves behind).
int fsck(const store::StoreLocation& where, std::ostream& out, std::ostream& err);
// Removes orphaned blobs, abandoned temp files and abandoned OCI upload sessions older than
// `grace`. `now` is injected by tests (for blobs).
int gc(const store::StoreLocation& where, std::chrono::seconds grace, std::ostream& out,
       std::ostream& err,
       std::filesystem::file_time_type now = std::filesystem::file_time_type::clock::now());
// Copies the data dir into the new folder `to` (server/admin/backup.h) and reports what it
// copied on `out`.
// `mirror sync`: imports into the mirrored namespace `ns` (server/mirror/mirror.h) every version
// of `packages` (empty: every package the upstream lists) that matches `versions` and is not
// held yet, so that the registry has them before anyone asks, and offline. `upstreams` come from
// --upstream or the settings file's [upstreams]. One line per package on `out`; each failure on
// `err` and exit status 1.
int mirror_sync(const store::StoreLocation& where, const std::vector<std::string>& upstreams,
                const std::optional<std::filesystem::path>& config, const std::string& ns,
                const std::vector<std::string>& packages,
                const std::optional<std::string>& versions, std::ostream& out, std::ostream& err);

// `migrate --from sqlite:PATH --to postgresql://...` (migrate.h): one line of what it copied
// and verified, or that the target held it already; errors as the other commands.
int migrate(const std::string& from, const std::string& to, std::ostream& out, std::ostream& err);

int backup(const store::StoreLocation& where, const std::filesystem::path& to, std::ostream& out,
           std::ostream& err);

// The stores an admin command works on: the data dir `data` (--data) when given, else the `data`
// setting of the `config` file (--config) when given, else ./wreg-data; likewise the database
// (--database, `database`) and the blob folder (--blobs, `blobs`). kInvalidArgument from
// api::load_config() when the file cannot be read or has a bad setting.
struct LocationFlags {
  std::optional<std::string> data;
  std::optional<std::string> database;
  std::optional<std::string> blobs;
  std::optional<std::string> config;
};
Result<store::StoreLocation> store_location_of(const LocationFlags& flags);

// Parses `30s`, `15m`, `24h`, `7d`, `2w` (a whole number and one unit). nullopt otherwise.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// When a token made at `now` with `token create --expires TEXT` expires: TEXT is a whole number
// above zero and a unit (`s`, `m`, `h`, `d`, `w`: `90d` is 90 days from `now`), a date
// (`2027-06-30`, its midnight UTC) or an RFC 3339 time (`2027-06-30T12:00:00Z`, or with an
// offset). kInvalidArgument, one line naming the text and the forms expected, for anything
// else, for zero, for a time not after `now`, and for one past the year 9999.
Result<std::chrono::sys_seconds> parse_expiry(std::string_view text, std::chrono::sys_seconds now);

}  // namespace wreg::admin
