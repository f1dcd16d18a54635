// `wreg search [TEXT] [--exports IFACE] [--imports IFACE] [--limit N] [--json]`
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/commands/session.h"

namespace wreg::client {
namespace {

struct SearchOptions {
  SearchParams params;
  bool json = false;
};

std::string field(const nlohmann::json& entry, const char* key) {
  if (entry.contains(key) && entry[key].is_string()) return entry[key].get<std::string>();
  return {};
}

Result<void> run_search(const SearchOptions& options, const GlobalOptions& global) {
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  auto client = (*session)->fetcher->client((*session)->config.default_registry());
  if (!client) return std::move(client).error();
  auto text = (*client)->search(options.params);
  if (!text) return std::move(text).error();
  nlohmann::json listing;
  try {
    listing = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorCode::kCorrupt,
                std::string("the registry sent a listing that is not JSON: ") + e.what());
  }
  if (!listing.is_object() || !listing.contains("packages") || !listing["packages"].is_array()) {
    return fail(ErrorCode::kCorrupt, "the registry sent a listing without \"packages\"");
  }
  if (options.json) {
    std::cout << listing.dump(2) << "\n";
    return {};
  }
  const auto& packages = listing["packages"];
  if (packages.empty()) {
    std::cout << "no packages match\n";
    return {};
  }
  std::size_t width = 0;
  for (const auto& entry : packages) {
    width = std::max(width, field(entry, "name").size() + 1 + field(entry, "latest").size());
  }
  for (const auto& entry : packages) {
    std::string id = field(entry, "name") + "@" + field(entry, "latest");
    std::cout << id << std::string(width + 2 - std::min(width + 1, id.size()), ' ')
              << field(entry, "kind");
    auto description = field(entry, "description");
    if (!description.empty()) std::cout << "  " << description;
    std::cout << "\n";
  }
  if (listing.contains("next_cursor") && listing["next_cursor"].is_string()) {
    std::cout << "(more: --cursor " << listing["next_cursor"].get<std::string>() << ")\n";
  }
  return {};
}

}  // namespace

void add_search_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<SearchOptions>();
  auto* command = app.add_subcommand("search", "Find packages by name, description or interface");
  command->add_option("text", options->params.text, "Part of a name or description");
  command->add_option("--exports", options->params.exports,
                      "An interface the package exports, e.g. wasi:http/incoming-handler");
  command->add_option("--imports", options->params.imports, "An interface the package imports");
  command->add_option("--limit", options->params.limit, "At most this many (1-100)");
  command->add_option("--cursor", options->params.cursor, "Continue a previous listing");
  command->add_flag("--json", options->json, "Print JSON");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_search(*options, global); };
  });
}

}  // namespace wreg::client
