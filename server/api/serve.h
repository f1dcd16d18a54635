// `wreg-server serve`: the settings, where they come from, and the run that wires the data dir,
// the API and the HTTP server together.
//
// Settings come from three places, later ones winning: the defaults below, a TOML file
// (`--config F`, keys spelled like the flags: `listen = "0.0.0.0:8080"`,
// `max-body-size = "100MiB"`, `header-timeout = "10s"`), and the command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "server/http/server.h"
#include "server/mirror/mirror.h"
#include "server/tlog/witness_client.h"

namespace wreg::api {

struct ServeOptions {
  std::filesystem::path data = "wreg-data";
  // The metadata database: `sqlite:PATH` or a libpq URI `postgresql://...`; empty: sqlite in
  // `data` (store/store_location.h).
  std::string database;
  std::filesystem::path blobs;  // the blob folder, shared by replicas; empty: `data`/blobs
  std::string listen = "127.0.0.1:8080";
  std::optional<std::filesystem::path> port_file;
  bool private_reads = false;
  // GET /metrics needs this bearer token (Prometheus's `authorization` credentials) whatever the
  // read rule; unset, /metrics follows the read rule. 16 to 1024 visible ASCII characters.
  std::optional<std::string> metrics_token;
  bool access_log = true;
  // http(s)://HOST[:PORT] as clients reach the registry (behind a proxy, say): the OCI discovery
  // document and the token challenges name it instead of the request's Host. Checked at start.
  std::optional<std::string> public_url;
  // wkg's namespacePrefix: path segments ending in `/` under which the OCI repositories live
  // (`/v2/<prefix><ns>/<name>`), e.g. "wasm/"; empty for none. Checked at start.
  std::string oci_namespace_prefix;
  // The mirrored namespaces (server/mirror/mirror.h): `--upstream NS=URL` or `[upstreams]`.
  std::vector<mirror::UpstreamSpec> upstreams;
  std::chrono::milliseconds upstream_refresh{mirror::Mirrors::kRefreshInterval};
  // Checkpoints of the transparency log are signed at most this often (server/tlog/).
  std::chrono::milliseconds log_interval{10};
  // Witnesses asked to cosign each checkpoint (`--witness URL=VKEY`, `[witnesses] URL = "VKEY"`),
  // and how long each request to one may take (`witness-timeout`).
  std::vector<tlog::WitnessSpec> witnesses;
  std::chrono::milliseconds witness_timeout{3000};
  // The logs this server witnesses (`--witness-for VKEY`, `witness-for = [...]`): their verifier
  // keys. Empty: POST /witness/add-checkpoint answers 404.
  std::vector<tlog::VerifierKey> witness_for;
  http::ServerOptions server;  // host and port are filled from `listen` by apply_listen()
};

// `--witness-for VKEY`: a log's verifier key (type 0x01). kInvalidArgument saying what is wrong.
Result<tlog::VerifierKey> parse_witnessed_log(std::string_view text);

// Reads a TOML settings file over `options`. kInvalidArgument naming the file, the key and what
// it should be (unknown keys are refused, so that a typo does not go unnoticed).
Result<void> load_config(const std::filesystem::path& file, ServeOptions& options);

// Splits `HOST:PORT` or `[V6]:PORT` into options.server.host and .port.
Result<void> apply_listen(ServeOptions& options);

// `1048576`, `512KiB`, `100MiB`, `1GiB` (also KB/MB/GB as powers of 1000, and K/M/G as 1024).
Result<std::uint64_t> parse_size(std::string_view text);
// `500ms`, `10s`, `5m`.
Result<std::chrono::milliseconds> parse_timeout(std::string_view text);

// Checks a metrics token: 16 to 1024 visible ASCII characters (it travels in a header).
// kInvalidArgument saying how to make one.
Result<void> check_metrics_token(std::string_view token);

// Opens the data dir, starts listening, writes the port file, serves until SIGINT/SIGTERM and
// closes the stores. Returns the exit status: 0 after a clean stop, 1 when it could not start
// (with a one-line message on stderr).
int serve(ServeOptions options);

}  // namespace wreg::api
