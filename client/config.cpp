#include "client/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <span>
#include <sstream>

#include "client/file_io.h"
#include "common/text.h"
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

constexpr std::string_view kConfigKeys[] = {"registry", "ca_file", "[namespaces]"};
constexpr std::string_view kCredentialsKeys[] = {"[registries]"};
constexpr std::string_view kRegistryKeys[] = {"token"};

Result<std::map<std::string, std::string>> read_tokens(const std::filesystem::path& path) {
  auto table = read_toml_file(path);
  if (!table) return std::move(table).error();
  std::map<std::string, std::string> tokens;
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
    tokens[*url] = *token;
  }
  return tokens;
}

std::string credentials_text(const std::map<std::string, std::string>& tokens) {
  std::string text = "# Written by `wreg login`; keep this file private (mode 0600).\n";
  for (const auto& [url, token] : tokens) {
    text += "\n[registries." + toml_quote(url) + "]\ntoken = " + toml_quote(token) + "\n";
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
  return env;
}

Result<std::string> normalize_registry_url(std::string_view url) {
  std::string text(trim(url));
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument, "invalid registry URL " + quoted(url) + ": " + why +
                                                 " (expected http://host[:port] or https://...)");
  };
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = std::string_view(text).substr(7);
  } else if (text.starts_with("https://")) {
    rest = std::string_view(text).substr(8);
  } else {
    return bad("it must start with http:// or https://");
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (authority.empty()) return bad("it has no host");
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
  if (env.token) config.tokens_[config.registry_] = *env.token;
  return config;
}

const std::string& Config::registry_for(const PackageName& name) const {
  if (!registry_forced_) {
    auto it = namespace_registries_.find(name.space());
    if (it != namespace_registries_.end()) return it->second;
  }
  return registry_;
}

std::optional<std::string> Config::token_for(const std::string& registry) const {
  auto it = tokens_.find(registry);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

Result<void> store_token(const Environment& env, const std::string& registry,
                         const std::string& token) {
  auto path = env.config_dir / "credentials.toml";
  auto tokens = read_tokens(path);
  if (!tokens) return std::move(tokens).error();
  (*tokens)[registry] = token;
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
