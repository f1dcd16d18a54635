#include "server/api/serve.h"

#include <sys/resource.h>
#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>

#include "common/output_path.h"
#include "common/text.h"
#include "common/toml_text.h"
#include "server/api/api.h"
#include "server/auth/tokens.h"
#include "server/http/access_log.h"
#include "server/http/metrics.h"
#include "server/http/service_manager.h"
#include "server/oci/oci.h"
#include "server/store/data_dir.h"
#include "server/store/log_sink.h"
#include "server/tlog/log_key.h"
#include "server/tlog/transparency_log.h"
#include "server/tlog/witness.h"

namespace wreg::api {

namespace {

Result<std::uint64_t> parse_count(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(what) + " " + wreg::quoted(text) + " does not start with a number");
  }
  return value;
}

// The port file is a path the operator named, so it follows common/output_path.h: a FIFO or
// /dev/stdout gets the number straight through; a file is written to a temp file and renamed,
// so a reader polling for it never sees half a number.
Result<void> write_port_file(const std::filesystem::path& file, std::uint16_t port) {
  auto replace = [](const std::filesystem::path& path, std::string_view text) -> Result<void> {
    auto temp = path;
    temp += ".tmp";
    {
      std::ofstream out(temp, std::ios::trunc);
      out << text;
      if (!out.flush()) {
        return fail(ErrorCode::kIo, "cannot write the port file " + wreg::quoted(path.string()));
      }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
      return fail(ErrorCode::kIo, "cannot write the port file " + wreg::quoted(path.string()) +
                                      ": " + ec.message());
    }
    return {};
  };
  auto written = write_output(file, std::to_string(port) + "\n", replace);
  if (!written && written.error().code != ErrorCode::kIo) {
    return fail(written.error().code, "cannot write the port file: " + written.error().message);
  }
  return written;
}

// A server killed during an upload leaves its temp file in blobs/tmp/. This server holds the
// serve lock, so no other one is writing there: every upload temp file is abandoned, and is
// cleared here rather than left to the next `gc`. A failure is reported, not fatal.
void clear_abandoned_uploads(store::FsBlobStore& blobs, http::AccessLog& log) {
  auto removed = blobs.remove_stale_temp_files(std::chrono::seconds(0));
  if (!removed) {
    log.note("could not clear abandoned uploads: " + removed.error().message +
             "; run `wreg-server gc` once the cause is fixed");
  } else if (*removed > 0) {
    log.note("removed " + std::to_string(*removed) + " abandoned uploads from blobs/tmp");
  }
}

// Every connection may hold two descriptors (its socket, and a blob's file while one is sent),
// and the store, the listeners and the log a few more. Debian's default soft limit of 1024 open
// files (systemd's default for services too) would run out long before --max-connections, and
// turn accepts and blob reads into EMFILE instead of the 503 the cap promises: the soft limit is
// raised as far as needed, up to the hard limit, which only an administrator can raise.
void raise_open_file_limit(std::size_t max_connections, http::AccessLog& log) {
  constexpr rlim_t kReserve = 128;
  const rlim_t wanted = 2 * static_cast<rlim_t>(max_connections) + kReserve;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return;
  if (limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur < wanted) {
    log.note("the open-file limit is " + std::to_string(limit.rlim_cur) + ", and " +
             std::to_string(max_connections) + " connections need about " + std::to_string(wanted) +
             ": raise it (LimitNOFILE= in a systemd unit, ulimit -n in a shell) or lower "
             "--max-connections");
  }
}

}  // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
  auto number = parse_count(text, "size");
  if (!number) return number;
  auto digits = text.find_first_not_of("0123456789");
  std::string_view unit = digits == std::string_view::npos ? "" : trim(text.substr(digits));
  struct Unit {
    std::string_view name;
    std::uint64_t factor;
  };
  constexpr Unit kUnits[] = {{"", 1},
                             {"B", 1},
                             {"K", 1ull << 10},
                             {"KiB", 1ull << 10},
                             {"KB", 1000},
                             {"M", 1ull << 20},
                             {"MiB", 1ull << 20},
                             {"MB", 1000 * 1000},
                             {"G", 1ull << 30},
                             {"GiB", 1ull << 30},
                             {"GB", 1000 * 1000 * 1000}};
  for (const auto& candidate : kUnits) {
    if (candidate.name == unit) {
      if (*number > UINT64_MAX / candidate.factor) break;
      return *number * candidate.factor;
    }
  }
  return fail(ErrorCode::kInvalidArgument, "size " + wreg::quoted(text) +
                                               " is not a number of bytes; write e.g. 1048576, "
                                               "512KiB, 100MiB or 1GiB");
}

Result<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  auto number = parse_count(text, "duration");
  if (!number) return std::move(number).error();
  auto digits = text.find_first_not_of("0123456789");
  std::string_view unit = digits == std::string_view::npos ? "" : trim(text.substr(digits));
  std::uint64_t limit = 365ull * 24 * 3600 * 1000;
  std::uint64_t millis = 0;
  if (unit == "ms") {
    millis = *number;
  } else if (unit == "s") {
    millis = *number * 1000;
  } else if (unit == "m") {
    millis = *number * 60 * 1000;
  } else {
    return fail(ErrorCode::kInvalidArgument,
                "duration " + wreg::quoted(text) + " needs a unit; write e.g. 500ms, 10s or 5m");
  }
  if (*number > limit || millis == 0 || millis > limit) {
    return fail(ErrorCode::kInvalidArgument,
                "duration " + wreg::quoted(text) + " is out of range; give from 1ms to a year");
  }
  return std::chrono::milliseconds(millis);
}

Result<void> apply_listen(ServeOptions& options) {
  std::string_view text = options.listen;
  auto bad = [&text](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument, "cannot listen on " + wreg::quoted(text) + ": " +
                                                 std::string(why) +
                                                 "; write HOST:PORT like 127.0.0.1:8080, "
                                                 "0.0.0.0:443 or [::1]:8080");
  };
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string_view::npos) return bad("an IPv6 address needs ]:PORT after it");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("there is no :PORT");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || port.empty() || value > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  options.server.host = std::string(host);
  options.server.port = static_cast<std::uint16_t>(value);
  return {};
}

// The keys of a settings file: the flags of `serve` without their dashes.
constexpr std::string_view kSettings[] = {"data",
                                          "database",
                                          "blobs",
                                          "listen",
                                          "port-file",
                                          "tls-cert",
                                          "tls-key",
                                          "private",
                                          "access-log",
                                          "threads",
                                          "max-connections",
                                          "max-body-size",
                                          "max-header-size",
                                          "header-timeout",
                                          "body-timeout",
                                          "keep-alive-timeout",
                                          "metrics-token",
                                          "trusted-proxies",
                                          "public-url",
                                          "oci-namespace-prefix",
                                          "upstream-refresh",
                                          "log-interval",
                                          "witness-timeout",
                                          "witness-for",
                                          "[upstreams]",
                                          "[witnesses]"};

Result<void> load_config(const std::filesystem::path& file, ServeOptions& options) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::kInvalidArgument, "cannot read the config file " +
                                                 wreg::quoted(file.string()) + ": " +
                                                 toml_error_text(e.description()) + " at line " +
                                                 std::to_string(e.source().begin.line));
  }
  auto wrong = [&file](std::string_view key, std::string_view expected) {
    return fail(ErrorCode::kInvalidArgument, "in " + wreg::quoted(file.string()) + ", " +
                                                 std::string(key) + " must be " +
                                                 std::string(expected));
  };
  for (const auto& entry : table) {
    // Named references, not a structured binding: clang 14 cannot capture bindings in lambdas.
    const auto& value = entry.second;
    std::string_view key = entry.first.str();
    auto text = value.value<std::string>();
    // Only an integer node: toml++ 3.3's float-to-int64 conversion is undefined for 1e25.
    std::optional<std::int64_t> integer;
    if (const auto* node = value.as_integer()) integer = node->get();
    auto boolean = value.value<bool>();
    auto size_or_text = [&]() -> Result<std::uint64_t> {
      if (value.is_integer() && *integer >= 0) return static_cast<std::uint64_t>(*integer);
      if (value.is_string()) return parse_size(*text);
      return wrong(key, "a size like \"100MiB\" or a number of bytes");
    };
    auto timeout = [&]() -> Result<std::chrono::milliseconds> {
      if (value.is_string()) return parse_timeout(*text);
      return wrong(key, "a duration like \"10s\"");
    };
    if (key == "data" || key == "database" || key == "blobs" || key == "listen" ||
        key == "port-file" || key == "tls-cert" || key == "tls-key" || key == "metrics-token" ||
        key == "public-url" || key == "oci-namespace-prefix") {
      if (!value.is_string()) return wrong(key, "a string");
      if (key == "public-url") options.public_url = *text;
      if (key == "oci-namespace-prefix") options.oci_namespace_prefix = *text;
      if (key == "metrics-token") options.metrics_token = *text;
      if (key == "data") options.data = *text;
      if (key == "database") options.database = *text;
      if (key == "blobs") options.blobs = *text;
      if (key == "listen") options.listen = *text;
      if (key == "port-file") options.port_file = *text;
      if (key == "tls-cert") options.server.tls_cert = *text;
      if (key == "tls-key") options.server.tls_key = *text;
    } else if (key == "trusted-proxies") {
      // A list of addresses and ranges, or one string of them separated by commas.
      std::string list;
      if (value.is_string()) {
        list = *text;
      } else if (const auto* array = value.as_array()) {
        for (const auto& item : *array) {
          auto proxy = item.value<std::string>();
          if (!proxy) return wrong(key, "a list of addresses and ranges like [\"127.0.0.1\"]");
          list += (list.empty() ? "" : ",") + *proxy;
        }
      } else {
        return wrong(key, "a list of addresses and ranges like [\"127.0.0.1\"]");
      }
      auto ranges = http::parse_address_ranges(list);
      if (!ranges) {
        return fail(ErrorCode::kInvalidArgument,
                    "in " + wreg::quoted(file.string()) + ", " + ranges.error().message);
      }
      options.server.trusted_proxies = std::move(*ranges);
    } else if (key == "upstreams") {
      const auto* upstreams = value.as_table();
      if (upstreams == nullptr) return wrong(key, "a table: [upstreams] NS = \"URL\"");
      for (const auto& [space, url] : *upstreams) {
        auto url_text = url.value<std::string>();
        if (!url_text) {
          return wrong("[upstreams] " + std::string(space.str()), "a registry URL string");
        }
        auto upstream = mirror::parse_upstream(std::string(space.str()) + "=" + *url_text);
        if (!upstream) {
          return fail(ErrorCode::kInvalidArgument,
                      "in " + wreg::quoted(file.string()) + ", " + upstream.error().message);
        }
        options.upstreams.push_back(std::move(*upstream));
      }
    } else if (key == "witnesses") {
      const auto* witnesses = value.as_table();
      if (witnesses == nullptr) return wrong(key, "a table: [witnesses] \"URL\" = \"VKEY\"");
      for (const auto& [url, vkey] : *witnesses) {
        auto vkey_text = vkey.value<std::string>();
        if (!vkey_text) {
          return wrong("[witnesses] " + std::string(url.str()), "a verifier key string");
        }
        auto witness = tlog::parse_witness_spec(std::string(url.str()) + "=" + *vkey_text);
        if (!witness) {
          return fail(ErrorCode::kInvalidArgument,
                      "in " + wreg::quoted(file.string()) + ", " + witness.error().message);
        }
        options.witnesses.push_back(std::move(*witness));
      }
    } else if (key == "witness-for") {
      const auto* keys = value.as_array();
      if (keys == nullptr) return wrong(key, "an array of logs' verifier keys");
      for (const auto& item : *keys) {
        auto vkey_text = item.value<std::string>();
        if (!vkey_text) return wrong(key, "an array of logs' verifier keys (strings)");
        auto log_key = parse_witnessed_log(*vkey_text);
        if (!log_key) {
          return fail(ErrorCode::kInvalidArgument,
                      "in " + wreg::quoted(file.string()) + ", " + log_key.error().message);
        }
        options.witness_for.push_back(std::move(*log_key));
      }
    } else if (key == "private" || key == "access-log") {
      if (!value.is_boolean()) return wrong(key, "true or false");
      (key == "private" ? options.private_reads : options.access_log) = *boolean;
    } else if (key == "threads" || key == "max-connections") {
      if (!value.is_integer() || *integer < 1 || *integer > 1'000'000) {
        return wrong(key, "a whole number from 1 to 1000000");
      }
      if (key == "threads") options.server.threads = static_cast<unsigned>(*integer);
      if (key == "max-connections")
        options.server.max_connections = static_cast<std::size_t>(*integer);
    } else if (key == "max-body-size" || key == "max-header-size") {
      auto size = size_or_text();
      if (!size) return std::move(size).error();
      (key == "max-body-size" ? options.server.max_body_bytes : options.server.max_header_bytes) =
          *size;
    } else if (key == "header-timeout" || key == "body-timeout" || key == "keep-alive-timeout" ||
               key == "upstream-refresh" || key == "log-interval" || key == "witness-timeout") {
      auto duration = timeout();
      if (!duration) return std::move(duration).error();
      if (key == "upstream-refresh") options.upstream_refresh = *duration;
      if (key == "log-interval") options.log_interval = *duration;
      if (key == "witness-timeout") options.witness_timeout = *duration;
      if (key == "header-timeout") options.server.header_timeout = *duration;
      if (key == "body-timeout") options.server.body_idle_timeout = *duration;
      if (key == "keep-alive-timeout") options.server.keep_alive_timeout = *duration;
    } else {
      return fail(ErrorCode::kInvalidArgument, "unknown setting " + wreg::quoted(key) + " in " +
                                                   wreg::quoted(file.string()) +
                                                   unknown_key_hint(key, kSettings));
    }
  }
  return {};
}

Result<tlog::VerifierKey> parse_witnessed_log(std::string_view text) {
  auto key = tlog::parse_verifier_key(text);
  if (!key) {
    return fail(ErrorCode::kInvalidArgument,
                "witness-for " + wreg::quoted(text) + ": " + key.error().message);
  }
  if (key->type != tlog::kEd25519) {
    return fail(ErrorCode::kInvalidArgument,
                "witness-for " + wreg::quoted(text) +
                    ": not a log's key (type 0x01); `wreg-server log key` prints a wreg log's");
  }
  return *key;
}

Result<void> check_metrics_token(std::string_view token) {
  const bool visible =
      std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (token.size() < 16 || token.size() > 1024 || !visible) {
    return fail(ErrorCode::kInvalidArgument,
                "the metrics token must be 16 to 1024 visible ASCII characters without spaces; "
                "make one with `openssl rand -hex 32`");
  }
  return {};
}

namespace {

// The data dir's transparency log, its key made first on a fresh data dir (so that the one
// command that starts a new registry needs nothing else). A log that has signed checkpoints but
// lost its key is refused: a new key would start a log no client trusts.
Result<std::unique_ptr<tlog::TransparencyLog>> open_transparency_log(
    const ServeOptions& options, store::MetadataStore& metadata,
    const std::optional<oci::PublicUrl>& public_url, tlog::WitnessClient* witnesses,
    std::function<void(std::string_view)> note) {
  auto key = tlog::load_log_key(options.data);
  if (!key) return std::move(key).error();
  if (!*key) {
    auto signed_before = metadata.latest_checkpoint();
    if (!signed_before) return std::move(signed_before).error();
    if (*signed_before) {
      return fail(ErrorCode::kNotFound,
                  "the transparency log has signed checkpoints, but its key " +
                      wreg::quoted((options.data / tlog::kLogKeyFile).string()) +
                      " is missing; restore it from a backup (a new key would start a log that "
                      "no client trusts)");
    }
    auto made = tlog::create_log_key(
        options.data,
        tlog::default_log_origin(public_url ? std::optional(public_url->host) : std::nullopt));
    if (!made) return std::move(made).error();
    note("made the transparency log's signing key; clients pin its verifier key " +
         made->verifier().to_string());
    key = std::optional<tlog::NoteSigner>(std::move(*made));
  }
  auto retired = tlog::retired_log_keys(options.data);
  if (!retired) return std::move(retired).error();
  tlog::LogOptions log_options;
  log_options.interval = options.log_interval;
  log_options.retired_keys = std::move(*retired);
  log_options.note = note;
  if (witnesses != nullptr) {
    log_options.cosign = [witnesses](const tlog::Checkpoint& checkpoint,
                                     const std::string& signed_note, const auto& prove) {
      return witnesses->cosign(checkpoint, signed_note, prove);
    };
  }
  auto opened = tlog::TransparencyLog::open(metadata, std::move(**key), std::move(log_options));
  if (!opened) return std::move(opened).error();
  const auto latest = (*opened)->latest();
  note("transparency log " + (*opened)->verifier().to_string() + " at size " +
       std::to_string(latest->checkpoint.size));
  return opened;
}

}  // namespace

int serve(ServeOptions options) {
  auto listen = apply_listen(options);
  if (!listen) {
    std::cerr << "wreg-server: " << listen.error().message << "\n";
    return 1;
  }
  if (options.metrics_token) {
    if (auto checked = check_metrics_token(*options.metrics_token); !checked) {
      std::cerr << "wreg-server: " << checked.error().message << "\n";
      return 1;
    }
  }
  std::optional<oci::PublicUrl> public_url;
  if (options.public_url) {
    auto parsed = oci::parse_public_url(*options.public_url);
    if (!parsed) {
      std::cerr << "wreg-server: " << parsed.error().message << "\n";
      return 1;
    }
    public_url = std::move(*parsed);
  }
  auto namespace_prefix = oci::parse_namespace_prefix(options.oci_namespace_prefix);
  if (!namespace_prefix) {
    std::cerr << "wreg-server: " << namespace_prefix.error().message << "\n";
    return 1;
  }
  store::DataDirOptions data_options;
  data_options.log = store::stderr_log_sink();
  data_options.follow_other_replicas = true;
  auto data = store::open_data_dir(
      store::StoreLocation(options.data, options.database, options.blobs), data_options);
  if (!data) {
    std::cerr << "wreg-server: " << data.error().message << "\n";
    return 1;
  }
  auto serve_lock = store::ServeLock::acquire(options.data);
  if (!serve_lock) {
    std::cerr << "wreg-server: " << serve_lock.error().message << "\n";
    return 1;
  }

  auto signing_key = auth::SigningKey::load_or_create(options.data);
  if (!signing_key) {
    std::cerr << "wreg-server: " << signing_key.error().message << "\n";
    return 1;
  }

  http::HttpMetrics metrics;
  http::AccessLog log(std::cerr, options.access_log);
  auth::AuthorizerOptions authorizer_options;
  authorizer_options.note = [&log](std::string_view line) { log.note(line); };
  auth::Authorizer authorizer(*data->tokens, std::move(authorizer_options));
  std::unique_ptr<tlog::WitnessClient> witness_client;
  if (!options.witnesses.empty()) {
    auto made = tlog::WitnessClient::create(options.witnesses, options.witness_timeout,
                                            [&log](std::string_view line) { log.note(line); });
    if (!made) {
      std::cerr << "wreg-server: " << made.error().message << "\n";
      return 1;
    }
    witness_client = std::move(*made);
  }
  auto transparency_log =
      open_transparency_log(options, *data->metadata, public_url, witness_client.get(),
                            [&log](std::string_view line) { log.note(line); });
  if (!transparency_log) {
    std::cerr << "wreg-server: " << transparency_log.error().message << "\n";
    return 1;
  }
  clear_abandoned_uploads(*data->blobs, log);
  raise_open_file_limit(options.server.max_connections, log);
  ApiCounters counters;
  ApiContext context{*data->metadata,
                     *data->blobs,
                     authorizer,
                     metrics,
                     counters,
                     options.private_reads,
                     options.server.max_body_bytes};
  if (options.metrics_token) context.metrics_token_hash = auth::hash_token(*options.metrics_token);
  auto mirrors = mirror::Mirrors::create(*data->metadata, *data->blobs, options.upstreams,
                                         options.upstream_refresh,
                                         [&log](std::string_view line) { log.note(line); });
  if (!mirrors) {
    std::cerr << "wreg-server: " << mirrors.error().message << "\n";
    return 1;
  }
  if (!(*mirrors)->empty()) context.mirrors = mirrors->get();
  context.log = transparency_log->get();
  std::unique_ptr<tlog::Witness> witness;
  if (!options.witness_for.empty()) {
    auto key = tlog::load_or_create_witness_key(
        options.data,
        tlog::default_witness_name(public_url ? std::optional(public_url->host) : std::nullopt));
    if (!key) {
      std::cerr << "wreg-server: " << key.error().message << "\n";
      return 1;
    }
    witness = std::make_unique<tlog::Witness>(
        *data->metadata, std::move(*key), options.witness_for,
        [] { return static_cast<std::uint64_t>(std::time(nullptr)); });
    std::string logs;
    for (const auto& witnessed : options.witness_for) logs += " " + witnessed.to_string();
    log.note("witnessing at /witness/add-checkpoint as " + witness->verifier().to_string() +
             " the logs" + logs);
    context.witness = witness.get();
  }
  if (public_url) context.public_host = public_url->host;
  context.oci_namespace_prefix = *namespace_prefix;
  http::Router router;
  add_routes(router, context);
  oci::OciContext oci_context{
      context,      *data->uploads,        options.server.tls_cert ? "https" : "http",
      *signing_key, std::move(public_url), std::move(*namespace_prefix)};
  oci::add_routes(router, oci_context);

  auto server = http::Server::create(options.server, router, log, metrics);
  if (!server) {
    std::cerr << "wreg-server: " << server.error().message << "\n";
    return 1;
  }
  std::uint16_t port = (*server)->port();
  if (options.port_file) {
    if (auto written = write_port_file(*options.port_file, port); !written) {
      std::cerr << "wreg-server: " << written.error().message << "\n";
      return 1;
    }
  }
  std::string host = options.server.host.find(':') != std::string::npos
                         ? "[" + options.server.host + "]"
                         : options.server.host;
  log.note(std::string("wreg-server ") + WREG_VERSION + " listening on " +
           ((*server)->tls() ? "https://" : "http://") + host + ":" + std::to_string(port) +
           " with data in " + options.data.string() + (options.private_reads ? " (private)" : ""));
  http::service_manager::ready("serving on port " + std::to_string(port));
  (*server)->run();
  server->reset();
  log.note("stopped: every request answered, closing the data directory");
  return 0;
}

}  // namespace wreg::api
