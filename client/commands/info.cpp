// `wreg info ns:name[@VERSION] [--json | --wit]`: versions, yanked, digests, dependencies, and
// what the newest release (or the one named) imports and exports; with --wit, that release's WIT
// text instead. Every text the registry sent is shown through escaped() (common/text.h): one line
// each, no control characters; the WIT text keeps its line breaks.
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/commands/session.h"
#include "client/terminal.h"
#include "common/api/json_value.h"
#include "common/text.h"

namespace wreg::client {
namespace {

struct InfoOptions {
  std::string name;
  bool json = false;
  bool wit = false;
};

// An import's or export's name, with its signature when the binary gave one (print_list()
// escapes it).
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
  for (const auto& item : items) std::cout << "  " << escaped(item) << "\n";
}

// `ns:name` or `ns:name@REQ`; a bare version names that release exactly (`info` shows one
// release, where `add` would take ^VERSION).
Result<PackageRef> parse_info_argument(const std::string& text) {
  auto ref = parse_ref_argument(text);
  if (!ref) return ref;
  const auto at = text.find('@');
  if (ref->requirement && at != std::string::npos) {
    if (auto version = Version::parse(text.substr(at + 1))) {
      ref->requirement = VersionReq::exactly(*version);
    }
  }
  return ref;
}

Result<void> run_info(const InfoOptions& options, const GlobalOptions& global) {
  auto ref = parse_info_argument(options.name);
  if (!ref) return std::move(ref).error();
  const PackageName* name = &ref->name;
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  auto& fetcher = *(*session)->fetcher;
  auto document = fetcher.document(*name);
  if (!document) return std::move(document).error();

  // The release named, else the newest that resolution would pick, else the newest at all.
  const auto* newest = pick_release(*document, ref->requirement);
  if (ref->requirement && !newest) {
    return fail(ErrorCode::kNotFound, "no version of " + name->to_string() + " matches " +
                                          ref->requirement->to_string() + "; `wreg info " +
                                          name->to_string() + "` lists its versions");
  }
  if (!newest && !document->versions.empty()) newest = &document->versions.front();
  if (options.wit) {
    if (!newest) return fail(ErrorCode::kNotFound, name->to_string() + " has no release");
    auto text = fetcher.release_wit({*name, newest->version});
    if (!text) return std::move(text).error();
    std::cout << escaped(*text, {.line_breaks = true});
    return {};
  }
  std::optional<api::ReleaseDocument> release;
  if (newest) {
    auto got = fetcher.release_document({*name, newest->version});
    if (!got) return std::move(got).error();
    release = std::move(*got);
  }
  // An OCI registry lists versions by tag: each one's manifest and bytes give its digest,
  // size and dependencies.
  std::vector<PackageVersion> unread;
  for (const auto& version : document->versions) {
    if (version.unread) unread.push_back({*name, version.version});
  }
  auto read = fetcher.read_releases(unread);
  for (std::size_t i = 0; i < unread.size(); ++i) {
    if (!read[i]) return std::move(read[i]).error();
    for (auto& version : document->versions) {
      if (version.version == unread[i].version) version = *read[i];
    }
  }
  auto registry = fetcher.registry_for(*name);
  if (!registry) return std::move(registry).error();

  if (options.json) {
    nlohmann::json out = api::json_value(*document);
    out["registry"] = *registry;
    out["release"] = release ? api::json_value(*release) : nlohmann::json();
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return {};
  }

  std::cout << package_page_link(*registry, document->name.space(), document->name.name(),
                                 document->name.to_string())
            << "\n";
  if (!document->description.empty()) std::cout << escaped(document->description) << "\n";
  std::cout << "registry: " << *registry << "\n";
  std::cout << "versions:\n";
  for (const auto& version : document->versions) {
    std::cout << "  " << version.version.to_string() << "  " << api::to_string(version.kind) << "  "
              << version.digest.to_string() << "  " << version.size << " bytes";
    if (!version.published.empty()) std::cout << "  " << escaped(version.published);
    if (version.yanked) std::cout << "  (yanked)";
    std::cout << "\n";
    for (const auto& dependency : version.dependencies) {
      std::cout << "    needs " << dependency.name.to_string() << " "
                << dependency.requirement.to_string() << "\n";
    }
  }
  if (release) {
    std::cout << (ref->requirement ? "release " : "newest ") << newest->version.to_string()
              << ":\n";
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
  command->add_option("name", options->name, "ns:name, or ns:name@VERSION for one release")
      ->required();
  auto* json = command->add_flag("--json", options->json, "Print JSON");
  command->add_flag("--wit", options->wit, "Print the release's WIT text instead")->excludes(json);
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_info(*options, global); };
  });
}

}  // namespace wreg::client
