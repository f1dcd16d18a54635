// `wreg info ns:name [--json]`: versions, yanked, digests, dependencies, and what the newest
// release imports and exports.
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/commands/session.h"
#include "common/api/json_value.h"

namespace wreg::client {
namespace {

struct InfoOptions {
  std::string name;
  bool json = false;
};

// An import's or export's name, with its signature when the binary gave one.
std::vector<std::string> extern_names(const std::vector<wasm::Extern>& externs) {
  std::vector<std::string> names;
  for (const auto& item : externs) {
    names.push_back(item.type.empty() ? item.name : item.name + ": " + item.type);
  }
  return names;
}

void print_list(const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  std::cout << title << ":\n";
  for (const auto& item : items) std::cout << "  " << item << "\n";
}

Result<void> run_info(const InfoOptions& options, const GlobalOptions& global) {
  auto name = PackageName::parse(options.name);
  if (!name) return std::move(name).error();
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  auto& fetcher = *(*session)->fetcher;
  auto document = fetcher.document(*name);
  if (!document) return std::move(document).error();

  // The newest release that resolution would pick, else the newest at all.
  const auto* newest = pick_release(*document, std::nullopt);
  if (!newest && !document->versions.empty()) newest = &document->versions.front();
  std::optional<api::ReleaseDocument> release;
  if (newest) {
    auto client = fetcher.client((*session)->config.registry_for(*name));
    if (!client) return std::move(client).error();
    auto got = (*client)->get_release({*name, newest->version});
    if (!got) return std::move(got).error();
    release = std::move(*got);
  }

  if (options.json) {
    nlohmann::json out = api::json_value(*document);
    out["registry"] = (*session)->config.registry_for(*name);
    out["release"] = release ? api::json_value(*release) : nlohmann::json();
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return {};
  }

  std::cout << document->name.to_string() << "\n";
  if (!document->description.empty()) std::cout << document->description << "\n";
  std::cout << "registry: " << (*session)->config.registry_for(*name) << "\n";
  std::cout << "versions:\n";
  for (const auto& version : document->versions) {
    std::cout << "  " << version.version.to_string() << "  " << api::to_string(version.kind) << "  "
              << version.digest.to_string() << "  " << version.size << " bytes";
    if (!version.published.empty()) std::cout << "  " << version.published;
    if (version.yanked) std::cout << "  (yanked)";
    std::cout << "\n";
    for (const auto& dependency : version.dependencies) {
      std::cout << "    needs " << dependency.name.to_string() << " "
                << dependency.requirement.to_string() << "\n";
    }
  }
  if (release) {
    std::cout << "newest " << newest->version.to_string() << ":\n";
    print_list("worlds", release->details.worlds);
    print_list("interfaces", release->details.interfaces);
    print_list("imports", extern_names(release->details.imports));
    print_list("exports", extern_names(release->details.exports));
  }
  return {};
}

}  // namespace

void add_info_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<InfoOptions>();
  auto* command = app.add_subcommand("info", "Show a package: versions, digests, dependencies");
  command->add_option("name", options->name, "ns:name")->required();
  command->add_flag("--json", options->json, "Print JSON");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_info(*options, global); };
  });
}

}  // namespace wreg::client
