// `wreg info ns:name [--json]`: versions, yanked, digests, dependencies, and what the newest
// release imports and exports.
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/commands/session.h"

namespace wreg::client {
namespace {

struct InfoOptions {
  std::string name;
  bool json = false;
};

// The names in a release detail's `imports` / `exports` list ({"name", "kind", "type"}).
std::vector<std::string> extern_names(const nlohmann::json& release, const char* key) {
  std::vector<std::string> names;
  if (!release.contains(key) || !release[key].is_array()) return names;
  for (const auto& entry : release[key]) {
    if (entry.is_string()) {
      names.push_back(entry.get<std::string>());
    } else if (entry.is_object() && entry.contains("name") && entry["name"].is_string()) {
      std::string text = entry["name"].get<std::string>();
      if (entry.contains("type") && entry["type"].is_string()) {
        text += ": " + entry["type"].get<std::string>();
      }
      names.push_back(std::move(text));
    }
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
  nlohmann::json release = nullptr;
  if (newest) {
    auto client = fetcher.client((*session)->config.registry_for(*name));
    if (!client) return std::move(client).error();
    auto text = (*client)->get_release({*name, newest->version});
    if (!text) return std::move(text).error();
    try {
      release = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::exception& e) {
      return fail(ErrorCode::kCorrupt, "the registry sent a release of " + name->to_string() +
                                           " that is not JSON: " + e.what());
    }
  }

  if (options.json) {
    nlohmann::json out;
    try {
      out = nlohmann::json::parse(api::to_json(*document));
    } catch (const nlohmann::json::exception& e) {
      return fail(ErrorCode::kInternal, std::string("cannot render the document: ") + e.what());
    }
    out["registry"] = (*session)->config.registry_for(*name);
    out["release"] = release;
    std::cout << out.dump(2) << "\n";
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
  if (newest && release.is_object()) {
    std::cout << "newest " << newest->version.to_string() << ":\n";
    std::vector<std::string> worlds;
    if (release.contains("worlds") && release["worlds"].is_array()) {
      for (const auto& world : release["worlds"]) {
        if (world.is_string()) worlds.push_back(world.get<std::string>());
      }
    }
    std::vector<std::string> interfaces;
    if (release.contains("interfaces") && release["interfaces"].is_array()) {
      for (const auto& item : release["interfaces"]) {
        if (item.is_string()) interfaces.push_back(item.get<std::string>());
      }
    }
    print_list("worlds", worlds);
    print_list("interfaces", interfaces);
    print_list("imports", extern_names(release, "imports"));
    print_list("exports", extern_names(release, "exports"));
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
