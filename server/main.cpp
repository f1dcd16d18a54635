// wreg-server: the registry. main() only wires things together: the command line to `serve`
// (server/api/serve.h) and to the admin commands (server/admin/commands.h).
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <optional>

#include "server/admin/commands.h"
#include "server/api/serve.h"
#include "server/mirror/mirror.h"

namespace {

// Flags of `serve`; unset ones keep the config file's value or the default.
struct ServeFlags {
  std::optional<std::string> data, database, blobs, listen, port_file, config, tls_cert, tls_key;
  std::optional<std::string> max_body_size, max_header_size;
  std::optional<std::string> header_timeout, body_timeout, keep_alive_timeout;
  std::optional<std::string> metrics_token;
  std::optional<std::string> trusted_proxies;
  std::optional<std::string> public_url;
  std::optional<std::string> oci_namespace_prefix;
  std::vector<std::string> upstreams;
  std::optional<std::string> upstream_refresh;
  std::optional<std::string> log_interval;
  std::vector<std::string> witnesses, witness_for;
  std::optional<std::string> witness_timeout;
  std::optional<unsigned> threads;
  std::optional<std::size_t> max_connections;
  bool private_reads = false;
  bool no_access_log = false;
};

void add_serve_flags(CLI::App& serve, ServeFlags& flags) {
  serve.add_option("--data", flags.data, "Data directory (default ./wreg-data)");
  serve.add_option("--database", flags.database,
                   "sqlite:PATH (default: wreg.db in --data) or postgresql://USER@HOST/DB");
  serve.add_option("--blobs", flags.blobs, "Blob folder, shared by replicas (default: DATA/blobs)");
  serve.add_option("--listen", flags.listen,
                   "Address to listen on, HOST:PORT (default 127.0.0.1:8080; port 0 picks one)");
  serve.add_option("--port-file", flags.port_file, "Write the bound port here once listening");
  serve.add_option("--config", flags.config, "TOML file with these settings");
  serve.add_option("--tls-cert", flags.tls_cert, "PEM certificate chain: serve HTTPS");
  serve.add_option("--tls-key", flags.tls_key, "PEM private key of --tls-cert");
  serve.add_option("--threads", flags.threads, "Worker threads (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  serve.add_flag("--private", flags.private_reads, "Reads need a token too");
  serve.add_option("--max-body-size", flags.max_body_size,
                   "Largest upload, e.g. 100MiB (default), 1GiB");
  serve.add_option("--max-header-size", flags.max_header_size,
                   "Largest request header (default 16KiB); larger ones get 431");
  serve.add_option("--header-timeout", flags.header_timeout,
                   "Time a request header may take to arrive (default 10s)");
  serve.add_option("--body-timeout", flags.body_timeout,
                   "Longest pause while a body is sent or received (default 30s)");
  serve.add_option("--keep-alive-timeout", flags.keep_alive_timeout,
                   "Idle time before a kept-alive connection is closed (default 60s)");
  serve
      .add_option("--max-connections", flags.max_connections,
                  "Open connections beyond which new ones get 503 (default 1024); the open-file "
                  "limit is raised to twice this plus 128, as far as the hard limit allows")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  serve.add_flag("--no-access-log", flags.no_access_log, "Do not log one line per request");
  serve.add_option("--metrics-token", flags.metrics_token,
                   "GET /metrics needs this bearer token (else it follows the read rule); "
                   "prefer metrics-token in the config file, which `ps` does not show");
  serve.add_option("--trusted-proxies", flags.trusted_proxies,
                   "Addresses and ranges (127.0.0.1,10.0.0.0/8) of proxies whose Forwarded or "
                   "X-Forwarded-For names the client in the access log");
  serve.add_option("--public-url", flags.public_url,
                   "http(s)://HOST[:PORT] as clients reach the registry (e.g. behind a proxy): "
                   "wkg's discovery document and the OCI token challenges name it instead of "
                   "the request's Host; no path");
  serve.add_option("--oci-namespace-prefix", flags.oci_namespace_prefix,
                   "Path segments ending in / under which the OCI repositories live "
                   "(/v2/<prefix><ns>/<name>, wkg's namespacePrefix), e.g. wasm/; default none");
  serve
      .add_option("--upstream", flags.upstreams,
                  "NS=URL: namespace NS mirrors the OCI (oci://HOST/PREFIX, oci+http://...) or "
                  "wreg (https://...) registry URL (repeatable)")
      ->allow_extra_args(false);
  serve.add_option("--log-interval", flags.log_interval,
                   "Sign transparency log checkpoints at most this often (default 10ms): the "
                   "writes of a burst share one signature");
  serve
      .add_option("--witness", flags.witnesses,
                  "URL=VKEY: ask the witness at URL (its submission prefix, e.g. "
                  "https://peer.example/witness) to cosign every checkpoint (repeatable)")
      ->allow_extra_args(false);
  serve.add_option("--witness-timeout", flags.witness_timeout,
                   "Longest wait for a witness's answer (default 3s); a silent witness is asked "
                   "again 10s later and checkpoints go out without its cosignature meanwhile");
  serve
      .add_option("--witness-for", flags.witness_for,
                  "VKEY: witness the log with this verifier key, cosigning its checkpoints at "
                  "POST /witness/add-checkpoint (repeatable)")
      ->allow_extra_args(false);
  serve.add_option("--upstream-refresh", flags.upstream_refresh,
                   "How long a mirrored package's upstream versions are trusted before a read "
                   "lists them again (default 60s)");
}

// Config file first, then the flags given on the command line.
int run_serve(const ServeFlags& flags) {
  using wreg::api::ServeOptions;
  ServeOptions options;
  auto report = [](const wreg::Error& error) {
    std::cerr << "wreg-server: " << error.message << "\n";
    return 2;
  };
  if (flags.config) {
    if (auto loaded = wreg::api::load_config(*flags.config, options); !loaded) {
      return report(loaded.error());
    }
  }
  if (flags.data) options.data = *flags.data;
  if (flags.database) options.database = *flags.database;
  if (flags.blobs) options.blobs = *flags.blobs;
  if (flags.listen) options.listen = *flags.listen;
  if (flags.port_file) options.port_file = *flags.port_file;
  if (flags.tls_cert) options.server.tls_cert = *flags.tls_cert;
  if (flags.tls_key) options.server.tls_key = *flags.tls_key;
  if (flags.threads) options.server.threads = *flags.threads;
  if (flags.max_connections) options.server.max_connections = *flags.max_connections;
  if (flags.private_reads) options.private_reads = true;
  if (flags.no_access_log) options.access_log = false;
  if (flags.metrics_token) options.metrics_token = *flags.metrics_token;
  if (flags.public_url) options.public_url = *flags.public_url;
  if (flags.oci_namespace_prefix) options.oci_namespace_prefix = *flags.oci_namespace_prefix;
  for (const auto& text : flags.upstreams) {
    auto upstream = wreg::mirror::parse_upstream(text);
    if (!upstream) return report(upstream.error());
    std::erase_if(options.upstreams,
                  [&](const auto& given) { return given.space == upstream->space; });
    options.upstreams.push_back(std::move(*upstream));
  }
  for (const auto& text : flags.witnesses) {
    auto witness = wreg::tlog::parse_witness_spec(text);
    if (!witness) return report(witness.error());
    options.witnesses.push_back(std::move(*witness));
  }
  for (const auto& text : flags.witness_for) {
    auto key = wreg::api::parse_witnessed_log(text);
    if (!key) return report(key.error());
    options.witness_for.push_back(std::move(*key));
  }
  if (flags.trusted_proxies) {
    auto ranges = wreg::http::parse_address_ranges(*flags.trusted_proxies);
    if (!ranges) return report(ranges.error());
    options.server.trusted_proxies = std::move(*ranges);
  }
  struct Size {
    const std::optional<std::string>& flag;
    std::uint64_t& target;
  };
  for (auto [flag, target] : {Size{flags.max_body_size, options.server.max_body_bytes},
                              Size{flags.max_header_size, options.server.max_header_bytes}}) {
    if (!flag) continue;
    auto size = wreg::api::parse_size(*flag);
    if (!size) return report(size.error());
    target = *size;
  }
  struct Timeout {
    const std::optional<std::string>& flag;
    std::chrono::milliseconds& target;
  };
  for (auto [flag, target] : {Timeout{flags.header_timeout, options.server.header_timeout},
                              Timeout{flags.body_timeout, options.server.body_idle_timeout},
                              Timeout{flags.keep_alive_timeout, options.server.keep_alive_timeout},
                              Timeout{flags.upstream_refresh, options.upstream_refresh},
                              Timeout{flags.log_interval, options.log_interval},
                              Timeout{flags.witness_timeout, options.witness_timeout}}) {
    if (!flag) continue;
    auto timeout = wreg::api::parse_timeout(*flag);
    if (!timeout) return report(timeout.error());
    target = *timeout;
  }
  return wreg::api::serve(std::move(options));
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"wreg-server: a registry for WebAssembly components and WIT packages",
                 "wreg-server"};
    app.set_version_flag("--version", std::string("wreg-server ") + WREG_VERSION);
    app.require_subcommand(0, 1);

    ServeFlags serve_flags;
    int exit_status = 0;
    auto* serve = app.add_subcommand("serve", "Serve the registry over HTTP(S)");
    add_serve_flags(*serve, serve_flags);
    wreg::admin::add_admin_commands(app, exit_status);

    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return app.exit(e) == 0 ? 0 : 2;
    }
    if (serve->parsed()) return run_serve(serve_flags);
    if (app.get_subcommands().empty()) {
      std::cout << app.help();
      return 0;
    }
    return exit_status;
  } catch (const std::exception& e) {
    std::cerr << "wreg-server: unexpected failure: " << e.what() << "\n";
    return 1;
  }
}
