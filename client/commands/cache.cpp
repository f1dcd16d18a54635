// `wreg cache size`, `wreg cache clean`: the download cache (client/cache.h).
#include <cstdint>
#include <cstdio>
#include <iostream>

#include "client/commands/session.h"
#include "common/text.h"

namespace wreg::client {
namespace {

enum class CacheAction { kSize, kClean };

// `1.5 MiB (1572864 bytes)`; below 1 KiB `512 bytes`.
std::string human_size(std::uint64_t bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return std::string(text) + " (" + std::to_string(bytes) + " bytes)";
}

std::string describe(const CacheUsage& usage) {
  return std::to_string(usage.entries) + (usage.entries == 1 ? " entry, " : " entries, ") +
         human_size(usage.bytes);
}

Result<void> run_cache(CacheAction what) {
  auto env = Environment::from_process();
  if (!env) return std::move(env).error();
  Cache cache(env->cache_dir);
  const std::string where = escaped(cache.root().string());
  if (what == CacheAction::kSize) {
    auto usage = cache.usage();
    if (!usage) return std::move(usage).error();
    std::cout << where << ": " << describe(*usage) << "\n";
    return {};
  }
  auto freed = cache.clean();
  if (!freed) return std::move(freed).error();
  std::cout << "removed " << describe(*freed) << " from " << where << "\n";
  return {};
}

}  // namespace

void add_cache_commands(CLI::App& app, const GlobalOptions&, CommandAction& action) {
  auto* cache = app.add_subcommand("cache", "Show or empty the download cache");
  cache->require_subcommand(1);
  cache->add_subcommand("size", "Print the cache's size and number of entries")
      ->callback([&action] { action = [] { return run_cache(CacheAction::kSize); }; });
  cache->add_subcommand("clean", "Remove everything in the cache, and say how much")
      ->callback([&action] { action = [] { return run_cache(CacheAction::kClean); }; });
}

}  // namespace wreg::client
