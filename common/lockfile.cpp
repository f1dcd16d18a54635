#include "common/lockfile.h"

#include <toml++/toml.h>

#include <algorithm>
#include <sstream>

#include "common/base64.h"
#include "common/text.h"
#include "common/toml_text.h"

namespace wreg {
namespace {

Error lock_error(const std::string& why) {
  return fail(
      ErrorCode::kInvalidArgument,
      "wreg.lock: " + why + " (restore it from version control, or delete it and run wreg update)");
}

Result<std::string> required_string(const toml::table& entry, const char* key,
                                    const std::string& where) {
  auto value = entry[key].value<std::string>();
  if (!value) return lock_error(where + " has no string \"" + key + "\"");
  return *value;
}

Result<LockedPackage> parse_entry(const toml::table& entry, std::size_t index) {
  std::string where = "package #" + std::to_string(index + 1);
  auto name_text = required_string(entry, "name", where);
  if (!name_text) return std::move(name_text).error();
  auto name = PackageName::parse(*name_text);
  if (!name) return lock_error(where + ": " + name.error().message);
  where = name->to_string();

  auto version_text = required_string(entry, "version", where);
  if (!version_text) return std::move(version_text).error();
  auto version = Version::parse(*version_text);
  if (!version) return lock_error(where + ": " + version.error().message);
  where += "@" + version->to_string();

  auto registry = required_string(entry, "registry", where);
  if (!registry) return std::move(registry).error();
  auto digest_text = required_string(entry, "digest", where);
  if (!digest_text) return std::move(digest_text).error();
  auto digest = Digest::parse(*digest_text);
  if (!digest) return lock_error(where + ": " + digest.error().message);

  LockedPackage locked{std::move(*name), std::move(*version), std::move(*registry), *digest, {},
                       std::nullopt};
  if (auto node = entry.get("log-index")) {
    const auto* log_index = node->as_integer();
    if (!log_index || log_index->get() < 0) {
      return lock_error(where + " \"log-index\" is not an index");
    }
    locked.log_index = static_cast<std::uint64_t>(log_index->get());
  }
  if (auto node = entry.get("requirements")) {
    auto* list = node->as_array();
    if (!list) return lock_error(where + " \"requirements\" is not a list");
    for (const auto& item : *list) {
      auto text = item.value<std::string>();
      if (!text) return lock_error(where + " has a requirement that is not a string");
      auto requirement = VersionReq::parse(*text);
      if (!requirement) return lock_error(where + ": " + requirement.error().message);
      locked.requirements.push_back(requirement->to_string());
    }
  }
  return locked;
}

Result<LockedLog> parse_log(const toml::table& entry, std::size_t index) {
  std::string where = "log #" + std::to_string(index + 1);
  auto registry = required_string(entry, "registry", where);
  if (!registry) return std::move(registry).error();
  where = "the log of " + wreg::quoted(*registry);
  const auto* size = entry["size"].as_integer();
  if (!size || size->get() < 0) return lock_error(where + " has no tree \"size\"");
  auto root_text = required_string(entry, "root", where);
  if (!root_text) return std::move(root_text).error();
  auto root = base64_decode(*root_text);
  LockedLog log{std::move(*registry), static_cast<std::uint64_t>(size->get()), {}};
  if (!root || root->size() != log.root.size()) {
    return lock_error(where + " \"root\" is not base64 of a 32-byte hash");
  }
  std::copy(root->begin(), root->end(), log.root.begin());
  return log;
}

bool locked_before(const LockedPackage& a, const LockedPackage& b) {
  if (a.name != b.name) return a.name < b.name;
  return a.version < b.version;
}

}  // namespace

const LockedLog* Lockfile::log_of(const std::string& registry) const {
  for (const auto& log : logs) {
    if (log.registry == registry) return &log;
  }
  return nullptr;
}

std::vector<const LockedPackage*> Lockfile::find(const PackageName& name) const {
  std::vector<const LockedPackage*> found;
  for (const auto& package : packages) {
    if (package.name == name) found.push_back(&package);
  }
  std::sort(found.begin(), found.end(),
            [](const auto* a, const auto* b) { return a->version < b->version; });
  return found;
}

Result<Lockfile> parse_lockfile(std::string_view text) {
  toml::table table;
  try {
    table = toml::parse(text);
  } catch (const toml::parse_error& e) {
    std::ostringstream where;
    where << "line " << e.source().begin.line << ": " << toml_error_text(e.description());
    return lock_error(where.str());
  }
  // as_integer(), not value<int64_t>(): toml++ 3.3 converts a float such as 1.1e25 to int64
  // with undefined behaviour (found by tests/fuzz/lockfile_fuzz.cpp under UBSan).
  const auto* format_node = table["version"].as_integer();
  if (!format_node) return lock_error("has no format \"version\"");
  const std::int64_t format = format_node->get();
  if (format > Lockfile::kFormatVersion) {
    return fail(ErrorCode::kInvalidArgument,
                "wreg.lock has format version " + std::to_string(format) +
                    ", newer than this wreg understands (" +
                    std::to_string(Lockfile::kFormatVersion) + "); upgrade wreg");
  }
  if (format < 1) return lock_error("has an invalid format version " + std::to_string(format));

  Lockfile lock;
  if (auto node = table.get("package")) {
    auto* entries = node->as_array();
    if (!entries) return lock_error("\"package\" must be a list of [[package]] tables");
    for (std::size_t i = 0; i < entries->size(); ++i) {
      auto* entry = (*entries)[i].as_table();
      if (!entry) return lock_error("package #" + std::to_string(i + 1) + " is not a table");
      auto locked = parse_entry(*entry, i);
      if (!locked) return std::move(locked).error();
      lock.packages.push_back(std::move(*locked));
    }
  }
  if (auto node = table.get("log")) {
    auto* entries = node->as_array();
    if (!entries) return lock_error("\"log\" must be a list of [[log]] tables");
    for (std::size_t i = 0; i < entries->size(); ++i) {
      auto* entry = (*entries)[i].as_table();
      if (!entry) return lock_error("log #" + std::to_string(i + 1) + " is not a table");
      auto log = parse_log(*entry, i);
      if (!log) return std::move(log).error();
      if (lock.log_of(log->registry)) {
        return lock_error("the log of " + wreg::quoted(log->registry) + " is there twice");
      }
      lock.logs.push_back(std::move(*log));
    }
  }
  return lock;
}

std::string to_toml(const Lockfile& lock) {
  std::vector<const LockedPackage*> sorted;
  for (const auto& package : lock.packages) sorted.push_back(&package);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return locked_before(*a, *b); });

  std::string out = "# This file is written by wreg: do not edit it by hand.\nversion = " +
                    std::to_string(Lockfile::kFormatVersion) + "\n";
  for (const auto* package : sorted) {
    std::vector<std::string> requirements = package->requirements;
    std::sort(requirements.begin(), requirements.end());
    requirements.erase(std::unique(requirements.begin(), requirements.end()), requirements.end());
    out += "\n[[package]]\n";
    out += "name = " + toml_quote(package->name.to_string()) + "\n";
    out += "version = " + toml_quote(package->version.to_string()) + "\n";
    out += "registry = " + toml_quote(package->registry) + "\n";
    out += "digest = " + toml_quote(package->digest.to_string()) + "\n";
    if (package->log_index) out += "log-index = " + std::to_string(*package->log_index) + "\n";
    out += "requirements = [";
    for (std::size_t i = 0; i < requirements.size(); ++i) {
      out += (i == 0 ? "" : ", ") + toml_quote(requirements[i]);
    }
    out += "]\n";
  }
  std::vector<const LockedLog*> logs;
  for (const auto& log : lock.logs) logs.push_back(&log);
  std::sort(logs.begin(), logs.end(),
            [](const auto* a, const auto* b) { return a->registry < b->registry; });
  for (const auto* log : logs) {
    out += "\n[[log]]\n";
    out += "registry = " + toml_quote(log->registry) + "\n";
    out += "size = " + std::to_string(log->size) + "\n";
    out += "root = " + toml_quote(base64_encode(log->root)) + "\n";
  }
  return out;
}

}  // namespace wreg
