// Client configuration: which registry each package comes from, and which token goes with it.
//
// A registry is named by a URL of one of three kinds (protocol_of()):
//   http(s)://HOST[:PORT]        a wreg registry (its own API, the fastest path);
//   oci://HOST[:PORT]/PREFIX     an OCI registry over HTTPS (oci+http:// for plain HTTP): package
//                                ns:name is repository PREFIX/ns/name, tag = version (wkg's map);
//   HOST[:PORT]                  found through wkg's discovery document, which names one of the
//                                above (Fetcher::registry_for()).
//
// Sources, weakest first (DESIGN.md, "Client files"):
//   1. the built-in default registry, http://127.0.0.1:8080 (what deploy/run.sh starts);
//   2. $XDG_CONFIG_HOME/wreg/config.toml:
//        registry = "https://wreg.example.com"      # the default registry
//        ca_file = "/etc/wreg/private-ca.pem"       # also trust this CA (PEM) for https://
//        stall_seconds = 30                         # give up an answer that stalls this long
//        [namespaces]
//        toolsku = "https://internal.example.com"   # packages of one namespace live elsewhere
//        wasi = "oci://ghcr.io/webassembly"         # ... in an OCI registry
//        ba = "wa.dev"                              # ... where wa.dev's discovery says
//        [log_keys]                                 # the transparency log key of a registry
//        "https://wreg.example.com" = "wreg.example.com/log+1a2b3c4d+AZEr..."
//      (a key set here wins over the one `wreg trust` or first use pinned: client/log_verifier.h)
//        [log_witnesses."https://wreg.example.com"] # require witnesses' cosignatures on its log
//        keys = ["peer.example.org/wreg-witness+5e6f7a8b+BF..."]
//        required = 1                               # how many of keys (default: all of them)
//   3. WREG_REGISTRY, then 4. `--registry URL`: either one sends every package to that registry
//      (per-namespace overrides no longer apply), the flag winning over the variable.
// Tokens come from $XDG_CONFIG_HOME/wreg/credentials.toml (mode 0600, written by `wreg login`):
//        [registries."https://wreg.example.com"]
//        token = "..."
// and from WREG_TOKEN, which belongs to the default registry of this run (item 2-4 above).
// An OCI registry takes the entry of its own URL, else one of its bare HOST[:PORT] (one login
// for every prefix on a host), else WKG_REGISTRY_<HOST>_AUTH_BEARER (wkg's variable: HOST upper
// case, every other character `_`, e.g. WKG_REGISTRY_GHCR_IO_AUTH_BEARER). With a `username`
// the token is the password the registry's token endpoint takes (Basic, as `docker login`);
// without, it is sent as a Bearer token as it is.
// Connections go through the proxy that HTTPS_PROXY / HTTP_PROXY / ALL_PROXY name, except to
// hosts NO_PROXY lists and loopback (transport/proxy.h); ca_file is for registries only, since
// wreg talks to a proxy in plain HTTP and refuses an https:// proxy.
// ca_file adds certificates to the system store (OpenSSL's default paths, which also honour
// SSL_CERT_FILE and SSL_CERT_DIR); verification itself is never off. A relative path is taken from
// the config folder.
// A token is only ever handed out for the registry URL it was stored with, so a per-namespace
// registry never sees another registry's token. Tokens are never printed.
//
// Config is plain data after load(); it is safe to read from many threads.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "client/transport/proxy.h"
#include "common/package_name.h"
#include "common/result.h"
#include "common/tlog/note.h"

namespace wreg::client {

inline constexpr std::string_view kDefaultRegistry = "http://127.0.0.1:8080";

// What the process environment says, gathered in one place so that tests can build it directly.
struct Environment {
  std::filesystem::path config_dir;     // $XDG_CONFIG_HOME/wreg, else $HOME/.config/wreg
  std::filesystem::path cache_dir;      // $XDG_CACHE_HOME/wreg, else $HOME/.cache/wreg
  std::optional<std::string> registry;  // WREG_REGISTRY
  std::optional<std::string> token;     // WREG_TOKEN
  // WKG_REGISTRY_<HOST>_AUTH_BEARER, by <HOST> as the variable spells it (wkg_host_key()).
  std::map<std::string, std::string> wkg_bearer_tokens;
  // https_proxy, http_proxy, all_proxy, no_proxy, each also in upper case (transport/proxy.h).
  transport::ProxyEnvironment proxy;

  // Reads the variables above. kInvalidArgument when neither XDG_CONFIG_HOME nor HOME is set.
  static Result<Environment> from_process();
};

enum class RegistryProtocol { kWreg, kOci, kDiscovered };

// Which kind of registry a normalized URL names (see the header comment).
RegistryProtocol protocol_of(std::string_view url);

// Checks and canonicalises a registry URL of any of the three kinds: a scheme, a host, an
// optional port and path prefix (for OCI, the repository prefix: lower-case path segments), or a
// bare HOST[:PORT]; a trailing `/` is dropped. kInvalidArgument names the URL and what is wrong.
Result<std::string> normalize_registry_url(std::string_view url);

// The registry that wkg's discovery document `body`, served by `host`, names (Fetcher::
// registry_for() says which shapes): a normalized URL. kUnavailable saying what is wrong with it.
Result<std::string> registry_from_discovery(std::string_view host, std::string_view body);

// The HOST[:PORT] of a normalized registry URL.
std::string registry_host(std::string_view url);

// `host` as WKG_REGISTRY_<HOST>_AUTH_BEARER spells it: upper case, every other character `_`.
std::string wkg_host_key(std::string_view host);

// The WKG_REGISTRY_<HOST>_AUTH_BEARER variables of this process, by <HOST> as spelled (for
// Environment, and for wreg-server's mirrors, which have no credentials.toml).
std::map<std::string, std::string> wkg_bearer_tokens_from_environment();

struct Credential {
  std::string token;
  std::string username;  // OCI only: with it, the token is a password (see the header comment)
};

// The witnesses whose cosignatures a registry's checkpoints must carry ([log_witnesses]):
// at least `required` of `keys` (client/log_verifier.h checks).
struct WitnessPolicy {
  std::vector<tlog::VerifierKey> keys;
  std::size_t required = 0;
};

class Config {
 public:
  // Reads config.toml and credentials.toml (both optional) and applies the overrides.
  // kInvalidArgument names the file, line and key that are wrong.
  static Result<Config> load(const Environment& env, const std::optional<std::string>& flag);

  // The registry used for everything not tied to one package (search, login).
  const std::string& default_registry() const { return registry_; }
  // The registry that serves `name`.
  const std::string& registry_for(const PackageName& name) const;
  // The token for `registry` (a normalized URL), if any.
  std::optional<std::string> token_for(const std::string& registry) const;
  // What to log in to `registry` with: its own entry, else, for an OCI registry, its host's or
  // wkg's variable (see the header comment).
  std::optional<Credential> credential_for(const std::string& registry) const;
  // config.toml's stall_seconds (TransportOptions::stall_timeout).
  std::chrono::milliseconds stall_timeout() const { return stall_timeout_; }
  // config.toml's ca_file, checked to hold a PEM certificate; empty when not set.
  const std::filesystem::path& ca_file() const { return ca_file_; }
  // The environment's proxy variables (Environment::proxy), for every registry connection.
  const transport::ProxyEnvironment& proxy() const { return proxy_; }
  // config.toml's [log_keys] entry of `registry` (a normalized URL), if any.
  const tlog::VerifierKey* log_key_for(const std::string& registry) const {
    auto found = log_keys_.find(registry);
    return found == log_keys_.end() ? nullptr : &found->second;
  }
  // config.toml's [log_witnesses] entry of `registry`, if any.
  const WitnessPolicy* witnesses_for(const std::string& registry) const {
    auto found = log_witnesses_.find(registry);
    return found == log_witnesses_.end() ? nullptr : &found->second;
  }

 private:
  std::string registry_;
  bool registry_forced_ = false;                             // WREG_REGISTRY or --registry given
  std::map<std::string, std::string> namespace_registries_;  // namespace -> URL
  std::map<std::string, Credential> tokens_;                 // URL -> token
  std::map<std::string, std::string> wkg_bearer_tokens_;     // Environment::wkg_bearer_tokens
  std::filesystem::path ca_file_;
  transport::ProxyEnvironment proxy_;
  std::map<std::string, tlog::VerifierKey> log_keys_;
  std::map<std::string, WitnessPolicy> log_witnesses_;
  std::chrono::milliseconds stall_timeout_{30'000};
};

// Stores `token` for `registry` in credentials.toml (created with mode 0600; other registries'
// tokens are kept). kIo when the file cannot be written.
Result<void> store_token(const Environment& env, const std::string& registry,
                         const std::string& token);

// Forgets the token of `registry`. Returns false when there was none.
Result<bool> remove_token(const Environment& env, const std::string& registry);

}  // namespace wreg::client
