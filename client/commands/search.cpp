// `wreg search [TEXT] [--exports IFACE] [--imports IFACE] [--limit N] [--json]`
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/commands/session.h"
#include "client/terminal.h"
#include "common/api/json_value.h"
#include "common/text.h"

namespace wreg::client {
namespace {

struct SearchOptions {
  SearchParams params;
  bool json = false;
};

Result<void> run_search(const SearchOptions& options, const GlobalOptions& global) {
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  const std::string& registry = (*session)->config.default_registry();
  if (protocol_of(registry) != RegistryProtocol::kWreg) {
    return fail(ErrorCode::kInvalidArgument,
                "registry " + registry +
                    " is not a wreg registry, and OCI registries have no search; name a wreg "
                    "registry with --registry, or look the package up with `wreg info ns:name`");
  }
  auto client = (*session)->fetcher->client(registry);
  if (!client) return std::move(client).error();
  auto page = (*client)->search(options.params);
  if (!page) return std::move(page).error();
  if (options.json) {
    std::cout << api::json_value(*page).dump(2, ' ', false,
                                             nlohmann::json::error_handler_t::replace)
              << "\n";
    return {};
  }
  if (page->packages.empty()) {
    std::cout << "no packages match\n";
    return {};
  }
  std::vector<std::string> ids;
  std::size_t width = 0;
  for (const auto& package : page->packages) {
    ids.push_back(package.name.to_string() + "@" + package.latest.to_string());
    width = std::max(width, ids.back().size());
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& package = page->packages[i];
    std::cout << package_page_link(registry, package.name.space(), package.name.name(), ids[i])
              << std::string(width + 2 - ids[i].size(), ' ') << api::to_string(package.kind);
    if (!package.description.empty()) std::cout << "  " << escaped(package.description);
    std::cout << "\n";
  }
  if (page->next_cursor) std::cout << "(more: --cursor " << escaped(*page->next_cursor) << ")\n";
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
  // The registry's range (store::SearchQuery::kMaxLimit); 0 would mean "the registry's default"
  // on the wire, so it is refused here rather than sent as nothing.
  command->add_option("--limit", options->params.limit, "At most this many (1-100)")
      ->check(CLI::Range(1, 100));
  command->add_option("--cursor", options->params.cursor, "Continue a previous listing");
  command->add_flag("--json", options->json, "Print JSON");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_search(*options, global); };
  });
}

}  // namespace wreg::client
