// Client configuration: which registry each package comes from, and which token goes with it.
//
// Sources, weakest first (DESIGN.md, "Client files"):
//   1. the built-in default registry, http://127.0.0.1:8080 (what deploy/run.sh starts);
//   2. $XDG_CONFIG_HOME/wreg/config.toml:
//        registry = "https://wreg.example.com"      # the default registry
//        ca_file = "/etc/wreg/private-ca.pem"       # also trust this CA (PEM) for https://
//        [namespaces]
//        toolsku = "https://internal.example.com"   # packages of one namespace live elsewhere
//   3. WREG_REGISTRY, then 4. `--registry URL`: either one sends every package to that registry
//      (per-namespace overrides no longer apply), the flag winning over the variable.
// Tokens come from $XDG_CONFIG_HOME/wreg/credentials.toml (mode 0600, written by `wreg login`):
//        [registries."https://wreg.example.com"]
//        token = "..."
// and from WREG_TOKEN, which belongs to the default registry of this run (item 2-4 above).
// ca_file adds certificates to the system store (OpenSSL's default paths, which also honour
// SSL_CERT_FILE and SSL_CERT_DIR); verification itself is never off. A relative path is taken from
// the config folder.
// A token is only ever handed out for the registry URL it was stored with, so a per-namespace
// registry never sees another registry's token. Tokens are never printed.
//
// Config is plain data after load(); it is safe to read from many threads.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/package_name.h"
#include "common/result.h"

namespace wreg::client {

inline constexpr std::string_view kDefaultRegistry = "http://127.0.0.1:8080";

// What the process environment says, gathered in one place so that tests can build it directly.
struct Environment {
  std::filesystem::path config_dir;     // $XDG_CONFIG_HOME/wreg, else $HOME/.config/wreg
  std::filesystem::path cache_dir;      // $XDG_CACHE_HOME/wreg, else $HOME/.cache/wreg
  std::optional<std::string> registry;  // WREG_REGISTRY
  std::optional<std::string> token;     // WREG_TOKEN

  // Reads the variables above. kInvalidArgument when neither XDG_CONFIG_HOME nor HOME is set.
  static Result<Environment> from_process();
};

// Checks and canonicalises a registry URL: `http://` or `https://`, a host, an optional port and
// path prefix; a trailing `/` is dropped. kInvalidArgument names the URL and what is wrong.
Result<std::string> normalize_registry_url(std::string_view url);

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
  // config.toml's ca_file, checked to hold a PEM certificate; empty when not set.
  const std::filesystem::path& ca_file() const { return ca_file_; }

 private:
  std::string registry_;
  bool registry_forced_ = false;                             // WREG_REGISTRY or --registry given
  std::map<std::string, std::string> namespace_registries_;  // namespace -> URL
  std::map<std::string, std::string> tokens_;                // URL -> token
  std::filesystem::path ca_file_;
};

// Stores `token` for `registry` in credentials.toml (created with mode 0600; other registries'
// tokens are kept). kIo when the file cannot be written.
Result<void> store_token(const Environment& env, const std::string& registry,
                         const std::string& token);

// Forgets the token of `registry`. Returns false when there was none.
Result<bool> remove_token(const Environment& env, const std::string& registry);

}  // namespace wreg::client
