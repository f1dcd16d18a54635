#include "client/config.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>

#include "client/file_io.h"
#include "common/text.h"
#include "common/tlog/note.h"
#include "common/toml_text.h"

namespace wreg::client {
namespace {

std::optional<std::string> getenv_nonempty(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

// The table in `path`, or an empty one when the file does not exist.
Result<toml::table> read_toml_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return toml::table{};
    return std::move(text).error();
  }
  try {
    return toml::parse(*text, path.string());
  } catch (const toml::parse_error& e) {
    std::ostringstream message;
    message << path.string() << ":" << e.source().begin.line << ":" << e.source().begin.column
            << ": " << toml_error_text(e.description()) << " (fix the TOML syntax there)";
    return fail(ErrorCode::kInvalidArgument, message.str());
  }
}

Error config_error(const std::filesystem::path& path, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument, path.string() + ": " + why);
}

// A key the file's format does not have is an error, not a setting silently ignored (a
// misspelled `registy` would send every request to the default registry). `where` is "" for
// the top level, else the table's name as written in the file.
Result<void> check_keys(const std::filesystem::path& path, const toml::table& table,
                        std::string_view where, std::span<const std::string_view> allowed) {
  for (const auto& [key, node] : table) {
    const std::string_view name = key.str();
    auto known = std::find_if(allowed.begin(), allowed.end(), [&](std::string_view shown) {
      return shown == name || shown == "[" + std::string(name) + "]";
    });
    if (known == allowed.end()) {
      return config_error(path, "unknown key " + quoted(name) +
                                    (where.empty() ? "" : " in " + std::string(where)) +
                                    unknown_key_hint(name, allowed));
    }
  }
  return {};
}

constexpr std::string_view kConfigKeys[] = {"registry",     "ca_file",    "stall_seconds",
                                            "[namespaces]", "[log_keys]", "[log_witnesses]"};
constexpr std::string_view kWitnessPolicyKeys[] = {"keys", "required"};
constexpr std::string_view kCredentialsKeys[] = {"[registries]"};
constexpr std::string_view kRegistryKeys[] = {"token", "username"};

Result<std::map<std::string, Credential>> read_tokens(const std::filesystem::path& path) {
  auto table = read_toml_file(path);
  if (!table) return std::move(table).error();
  std::map<std::string, Credential> tokens;
  if (auto checked = check_keys(path, *table, "", kCredentialsKeys); !checked) {
    return std::move(checked).error();
  }
  auto* node = table->get("registries");
  if (node == nullptr) return tokens;
  auto* registries = node->as_table();
  if (registries == nullptr) {
    return config_error(path, "registries must be a table of [registries.\"URL\"] entries");
  }
  for (const auto& [key, entry] : *registries) {
    auto url = normalize_registry_url(key.str());
    if (!url) return config_error(path, url.error().message);
    const auto* fields = entry.as_table();
    if (fields != nullptr) {
      auto checked =
          check_keys(path, *fields, "[registries." + toml_quote(key.str()) + "]", kRegistryKeys);
      if (!checked) return std::move(checked).error();
    }
    auto token = fields ? (*fields)["token"].value<std::string>() : std::nullopt;
    if (!token) return config_error(path, "registry " + quoted(key.str()) + " has no string token");
    auto username = (*fields)["username"];
    if (username && !username.is_string()) {
      return config_error(path, "registry " + quoted(key.str()) + ": username must be a string");
    }
    tokens[*url] = Credential{*token, username.value_or(std::string())};
  }
  return tokens;
}

std::string credentials_text(const std::map<std::string, Credential>& tokens) {
  std::string text = "# Written by `wreg login`; keep this file private (mode 0600).\n";
  for (const auto& [url, credential] : tokens) {
    text += "\n[registries." + toml_quote(url) + "]\n";
    if (!credential.username.empty())
      text += "username = " + toml_quote(credential.username) + "\n";
    text += "token = " + toml_quote(credential.token) + "\n";
  }
  return text;
}

}  // namespace

Result<Environment> Environment::from_process() {
  Environment env;
  auto home = getenv_nonempty("HOME");
  auto config_home = getenv_nonempty("XDG_CONFIG_HOME");
  auto cache_home = getenv_nonempty("XDG_CACHE_HOME");
  if (!config_home && !home) {
    return fail(ErrorCode::kInvalidArgument,
                "neither XDG_CONFIG_HOME nor HOME is set; set one so wreg can find its config");
  }
  env.config_dir = config_home ? std::filesystem::path(*config_home) / "wreg"
                               : std::filesystem::path(*home) / ".config" / "wreg";
  if (cache_home) {
    env.cache_dir = std::filesystem::path(*cache_home) / "wreg";
  } else if (home) {
    env.cache_dir = std::filesystem::path(*home) / ".cache" / "wreg";
  } else {
    env.cache_dir = env.config_dir / "cache";
  }
  env.registry = getenv_nonempty("WREG_REGISTRY");
  env.token = getenv_nonempty("WREG_TOKEN");
  env.wkg_bearer_tokens = wkg_bearer_tokens_from_environment();
  env.proxy = transport::ProxyEnvironment::read(
      [](const char* name) { return getenv_nonempty(name); });
  return env;
}

std::map<std::string, std::string> wkg_bearer_tokens_from_environment() {
  std::map<std::string, std::string> tokens;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view variable(*entry);
    auto equals = variable.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view name = variable.substr(0, equals);
    constexpr std::string_view kPrefix = "WKG_REGISTRY_", kSuffix = "_AUTH_BEARER";
    if (name.size() <= kPrefix.size() + kSuffix.size() || !name.starts_with(kPrefix) ||
        !name.ends_with(kSuffix) || equals + 1 == variable.size()) {
      continue;
    }
    std::string host(name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size()));
    tokens[host] = std::string(variable.substr(equals + 1));
  }
  return tokens;
}

RegistryProtocol protocol_of(std::string_view url) {
  if (url.starts_with("oci://") || url.starts_with("oci+http://")) return RegistryProtocol::kOci;
  if (url.find("://") == std::string_view::npos) return RegistryProtocol::kDiscovered;
  return RegistryProtocol::kWreg;
}

Result<std::string> normalize_registry_url(std::string_view url) {
  std::string text(trim(url));
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid registry URL " + quoted(url) + ": " + why +
                    " (expected http(s)://HOST[:PORT] for wreg, oci://HOST[:PORT]/PREFIX or "
                    "oci+http://... for an OCI registry, or a bare HOST to discover)");
  };
  std::string_view rest;
  bool oci = false;
  if (text.starts_with("http://")) {
    rest = std::string_view(text).substr(7);
  } else if (text.starts_with("https://")) {
    rest = std::string_view(text).substr(8);
  } else if (text.starts_with("oci://")) {
    rest = std::string_view(text).substr(6);
    oci = true;
  } else if (text.starts_with("oci+http://")) {
    rest = std::string_view(text).substr(11);
    oci = true;
  } else if (text.find("://") != std::string::npos) {
    return bad("its scheme is not one of http, https, oci and oci+http");
  } else if (text.find('/') != std::string::npos) {
    return bad("a bare host (for wkg's discovery) has no path");
  } else {
    // A bare HOST[:PORT]: wkg's discovery finds the registry (fetcher.h). It also names a cache
    // file, so it is held to a host's characters.
    text = ascii_lowercase(text);
    if (text.starts_with('.') ||
        text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-:") != std::string::npos) {
      return bad("a bare host may hold only letters, digits, '.', '-' and a :port");
    }
    rest = text;
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) return bad("it has no host");
  if (oci && slash != std::string_view::npos) {
    // OCI repository names are lower case: path segments of a-z, 0-9 and . _ - (the
    // distribution spec's rule, which the prefix becomes part of).
    auto prefix = rest.substr(slash + 1);
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    for (std::string_view segment : split(prefix, '/')) {
      if (prefix.empty()) break;
      if (segment.empty()) return bad("its repository prefix has an empty path segment");
      for (char c : segment) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-')) {
          return bad("its repository prefix may hold only a-z, 0-9, '.', '_', '-' and '/'");
        }
      }
    }
  }
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '?' || c == '#') {
      return bad("it has a space, query, fragment or non-ASCII character");
    }
  }
  if (authority.find('@') != std::string_view::npos) {
    return bad("credentials in the URL are not accepted; use wreg login");
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    auto port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoul(std::string(port)) > 65535) {
      return bad("the port is not a number from 0 to 65535");
    }
    if (colon == 0) return bad("it has no host");
  }
  while (text.ends_with('/')) text.pop_back();
  return text;
}

Result<Config> Config::load(const Environment& env, const std::optional<std::string>& flag) {
  Config config;
  config.proxy_ = env.proxy;
  auto config_path = env.config_dir / "config.toml";
  auto table = read_toml_file(config_path);
  if (!table) return std::move(table).error();

  if (auto checked = check_keys(config_path, *table, "", kConfigKeys); !checked) {
    return std::move(checked).error();
  }
  config.registry_ = std::string(kDefaultRegistry);
  if (auto* node = table->get("registry")) {
    auto text = node->value<std::string>();
    if (!text) return config_error(config_path, "registry must be a URL string");
    auto url = normalize_registry_url(*text);
    if (!url) return config_error(config_path, url.error().message);
    config.registry_ = *url;
  }
  if (auto* node = table->get("ca_file")) {
    auto text = node->value<std::string>();
    if (!text || text->empty()) return config_error(config_path, "ca_file must be a file name");
    config.ca_file_ = env.config_dir / *text;  // an absolute name stays as it is
    auto pem = read_file(config.ca_file_);
    if (!pem) {
      return config_error(config_path, "cannot load ca_file " + config.ca_file_.string() + ": " +
                                           (pem.error().code == ErrorCode::kNotFound
                                                ? std::string("it does not exist")
                                                : pem.error().message));
    }
    if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      return config_error(config_path, "cannot load ca_file " + config.ca_file_.string() +
                                           ": it holds no PEM certificate");
    }
  }
  if (auto* node = table->get("stall_seconds")) {
    auto seconds = node->value<std::int64_t>();
    if (!seconds || *seconds < 1 || *seconds > 3600) {
      return config_error(config_path, "stall_seconds must be a whole number from 1 to 3600");
    }
    config.stall_timeout_ = std::chrono::seconds(*seconds);
  }
  if (auto* section = table->get("namespaces")) {
    auto* namespaces = section->as_table();
    if (namespaces == nullptr) {
      return config_error(config_path, "namespaces must be a table: [namespaces] ns = \"URL\"");
    }
    for (const auto& [key, node] : *namespaces) {
      if (auto ok = check_label(key.str(), "namespace"); !ok) {
        return config_error(config_path, "[namespaces] " + ok.error().message);
      }
      auto text = node.value<std::string>();
      if (!text) {
        return config_error(config_path,
                            "[namespaces] " + quoted(key.str()) + " must be a registry URL string");
      }
      auto url = normalize_registry_url(*text);
      if (!url) return config_error(config_path, url.error().message);
      config.namespace_registries_[std::string(key.str())] = *url;
    }
  }

  if (auto* section = table->get("log_keys")) {
    auto* keys = section->as_table();
    if (keys == nullptr) {
      return config_error(config_path,
                          "log_keys must be a table: [log_keys] \"URL\" = \"VERIFIER KEY\"");
    }
    for (const auto& [key, node] : *keys) {
      auto url = normalize_registry_url(key.str());
      if (!url) return config_error(config_path, "[log_keys] " + url.error().message);
      auto text = node.value<std::string>();
      auto vkey = text ? tlog::parse_verifier_key(*text) : Result<tlog::VerifierKey>(Error{});
      if (!vkey) {
        return config_error(config_path, "[log_keys] " + quoted(key.str()) +
                                             " must be the registry's log verifier key "
                                             "(`wreg-server log key` prints it)" +
                                             (text ? ": " + vkey.error().message : ""));
      }
      config.log_keys_.insert_or_assign(*url, *vkey);
    }
  }

  if (auto* section = table->get("log_witnesses")) {
    auto* registries = section->as_table();
    if (registries == nullptr) {
      return config_error(config_path,
                          "log_witnesses must be a table of [log_witnesses.\"URL\"] entries");
    }
    for (const auto& [key, node] : *registries) {
      auto url = normalize_registry_url(key.str());
      if (!url) return config_error(config_path, "[log_witnesses] " + url.error().message);
      const std::string where = "[log_witnesses." + toml_quote(key.str()) + "]";
      const auto* fields = node.as_table();
      if (fields == nullptr) {
        return config_error(config_path, where + " must be a table with keys = [...]");
      }
      if (auto checked = check_keys(config_path, *fields, where, kWitnessPolicyKeys); !checked) {
        return std::move(checked).error();
      }
      WitnessPolicy policy;
      const auto* keys = (*fields)["keys"].as_array();
      if (keys == nullptr || keys->empty()) {
        return config_error(config_path, where +
                                             " needs keys = [\"WITNESS KEY\", ...]: the "
                                             "witnesses' verifier keys");
      }
      for (const auto& item : *keys) {
        auto text = item.value<std::string>();
        auto vkey = text ? tlog::parse_verifier_key(*text) : Result<tlog::VerifierKey>(Error{});
        if (!vkey || vkey->type != tlog::kCosignatureV1) {
          return config_error(config_path,
                              where +
                                  " keys must be witnesses' verifier keys (type 0x04, "
                                  "`wreg-server log witness-key` prints a wreg witness's)" +
                                  (text && !vkey ? ": " + vkey.error().message : ""));
        }
        policy.keys.push_back(*vkey);
      }
      policy.required = policy.keys.size();
      if (const auto* required = (*fields)["required"].as_integer()) {
        if (required->get() < 1 || static_cast<std::uint64_t>(required->get()) > keys->size()) {
          return config_error(config_path, where +
                                               " required must be from 1 to the number of keys (" +
                                               std::to_string(keys->size()) + ")");
        }
        policy.required = static_cast<std::size_t>(required->get());
      } else if ((*fields).contains("required")) {
        return config_error(config_path, where + " required must be a whole number");
      }
      config.log_witnesses_.insert_or_assign(*url, std::move(policy));
    }
  }

  if (env.registry) {
    auto url = normalize_registry_url(*env.registry);
    if (!url) return fail(ErrorCode::kInvalidArgument, "WREG_REGISTRY: " + url.error().message);
    config.registry_ = *url;
    config.registry_forced_ = true;
  }
  if (flag) {
    auto url = normalize_registry_url(*flag);
    if (!url) return fail(ErrorCode::kInvalidArgument, "--registry: " + url.error().message);
    config.registry_ = *url;
    config.registry_forced_ = true;
  }

  auto tokens = read_tokens(env.config_dir / "credentials.toml");
  if (!tokens) return std::move(tokens).error();
  config.tokens_ = std::move(*tokens);
  if (env.token) config.tokens_[config.registry_] = Credential{*env.token, {}};
  config.wkg_bearer_tokens_ = env.wkg_bearer_tokens;
  return config;
}

const std::string& Config::registry_for(const PackageName& name) const {
  if (!registry_forced_) {
    auto it = namespace_registries_.find(name.space());
    if (it != namespace_registries_.end()) return it->second;
  }
  return registry_;
}

std::string wkg_host_key(std::string_view host) {
  std::string key;
  for (char c : host) {
    auto byte = static_cast<unsigned char>(c);
    key += std::isalnum(byte) ? static_cast<char>(std::toupper(byte)) : '_';
  }
  return key;
}

std::optional<Credential> Config::credential_for(const std::string& registry) const {
  if (auto it = tokens_.find(registry); it != tokens_.end()) return it->second;
  if (protocol_of(registry) != RegistryProtocol::kOci) return std::nullopt;
  const std::string host = registry_host(registry);
  if (auto it = tokens_.find(host); it != tokens_.end()) return it->second;
  if (auto it = wkg_bearer_tokens_.find(wkg_host_key(host)); it != wkg_bearer_tokens_.end()) {
    return Credential{it->second, {}};
  }
  return std::nullopt;
}

Result<std::string> registry_from_discovery(std::string_view host, std::string_view body) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kUnavailable,
                "https://" + std::string(host) + "/.well-known/wasm-pkg/registry.json " + why);
  };
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) return bad("is not a JSON object");
  auto text = [&](const nlohmann::json& object, const char* key) -> std::optional<std::string> {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  std::optional<std::string> oci_registry;
  std::string prefix;
  if (auto it = json.find("wreg"); it != json.end() && it->is_object()) {
    // wreg's own API on the same host: the fastest path, and what the document offers first.
    return normalize_registry_url("https://" + std::string(host));
  }
  if (auto it = json.find("oci"); it != json.end() && it->is_object()) {
    oci_registry = text(*it, "registry");
    prefix = text(*it, "namespacePrefix").value_or("");
  } else if (auto legacy = text(json, "ociRegistry")) {
    oci_registry = legacy;
    prefix = text(json, "ociNamespacePrefix").value_or("");
  }
  if (!oci_registry || oci_registry->empty()) {
    if (json.contains("warg") || json.contains("wargUrl")) {
      return bad("names only a warg registry, which wreg does not read");
    }
    return bad("names no OCI registry (expected \"oci\": {\"registry\": …})");
  }
  if (!prefix.empty() && !prefix.ends_with('/')) {
    return bad("gives the namespace prefix " + wreg::quoted(prefix) +
               ", which wreg reads only as path segments ending in /");
  }
  auto url = normalize_registry_url("oci://" + *oci_registry + "/" + prefix);
  if (!url) return bad("names a registry wreg cannot use: " + url.error().message);
  return url;
}

std::string registry_host(std::string_view url) {
  auto scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  return std::string(rest.substr(0, rest.find('/')));
}

std::optional<std::string> Config::token_for(const std::string& registry) const {
  auto it = tokens_.find(registry);
  if (it == tokens_.end()) return std::nullopt;
  return it->second.token;
}

Result<void> store_token(const Environment& env, const std::string& registry,
                         const std::string& token) {
  auto path = env.config_dir / "credentials.toml";
  auto tokens = read_tokens(path);
  if (!tokens) return std::move(tokens).error();
  (*tokens)[registry] = Credential{token, {}};
  return write_file_atomically(path, credentials_text(*tokens), 0600);
}

Result<bool> remove_token(const Environment& env, const std::string& registry) {
  auto path = env.config_dir / "credentials.toml";
  auto tokens = read_tokens(path);
  if (!tokens) return std::move(tokens).error();
  if (tokens->erase(registry) == 0) return false;
  auto written = write_file_atomically(path, credentials_text(*tokens), 0600);
  if (!written) return std::move(written).error();
  return true;
}

}  // namespace wreg::client
