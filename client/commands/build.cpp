// `wreg build [DIR] [-o FILE] [--world W] [--features F,...] [--all-features]`: a WIT folder
// (default `wit/`, dependencies in its `deps/`) to the binary WIT package the real tools write.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "client/commands/session.h"
#include "client/file_io.h"
#include "client/project.h"
#include "client/terminal.h"
#include "client/wit_folder.h"
#include "common/digest.h"
#include "common/text.h"

namespace wreg::client {
namespace {

namespace fs = std::filesystem;

struct BuildCommandOptions {
  std::string folder = "wit";
  std::string output;  // empty: <ns>-<name>@<version>.wasm here
  std::string world;
  std::vector<std::string> features;
  bool all_features = false;
  bool offline = false;
};

// `wasi-io@0.2.8.wasm`: the package's name as the fixtures and wit/deps/ spell it. The parts are
// names and a version the parser checked, so no path can be made of them.
std::string default_output(const wit::PackageName& package) {
  std::string name = package.space + "-" + package.name;
  if (!package.version.empty()) name += "@" + package.version;
  return name + ".wasm";
}

// `wasi:io@0.2.8` as the requirement `=0.2.8`, `wasi:io` as `*`. nullopt for a name or version
// the registry cannot hold: the resolver then says it is not found, with a caret.
std::optional<ManifestDependency> requirement_of(const wit::PackageName& package) {
  auto name = PackageName::parse(package.space + ":" + package.name);
  if (!name) return std::nullopt;
  if (package.version.empty()) return ManifestDependency{std::move(*name), VersionReq()};
  auto version = Version::parse(package.version);
  if (!version) return std::nullopt;
  return ManifestDependency{std::move(*name), VersionReq::exactly(*version)};
}

// Whether `folder` is the wit/ folder of the project in the current folder.
bool is_project_wit_folder(const fs::path& folder) {
  std::error_code error;
  const fs::path wit = fs::weakly_canonical(fs::current_path(error) / "wit", error);
  if (error) return false;
  const fs::path given = fs::weakly_canonical(folder, error);
  return !error && given == wit;
}

}  // namespace

Result<WitSources> read_wit_folder_fetching(const fs::path& folder, const GlobalOptions& global,
                                            bool offline) {
  auto sources = read_wit_folder(folder);
  if (!sources) return sources;
  std::vector<ManifestDependency> missing;
  std::vector<ManifestDependency> at_hand;
  for (const auto& dependency : wit_dependencies(*sources)) {
    auto requirement = requirement_of(dependency.name);
    if (requirement) (dependency.at_hand ? at_hand : missing).push_back(std::move(*requirement));
  }
  if (missing.empty()) return sources;
  if (!is_project_wit_folder(folder)) {
    return fail(ErrorCode::kInvalidArgument,
                escaped(folder.string()) + " needs " + missing.front().name.to_string() +
                    ", which its deps/ does not hold, and only a project's wit/ folder gets "
                    "dependencies fetched; build from the project's folder, or put it in " +
                    escaped((folder / "deps").string()));
  }
  auto report = run_in_project(global, offline, [&](const ProjectPaths& paths, Fetcher& fetcher) {
    return fetch_wit_dependencies(paths, missing, at_hand, fetcher);
  });
  // Offline or unreachable, the build below says which package is missing, and where.
  if (!report && report.error().code == ErrorCode::kUnavailable) return sources;
  if (!report) return std::move(report).error();
  for (const auto& change : report->changes) {
    if (change.to)
      std::cout << "fetched " << change.name.to_string() << " " << change.to->to_string() << "\n";
  }
  for (const auto& line : report->repaired) std::cout << line << "\n";
  for (const auto& line : report->warnings) {
    std::cerr << stderr_label(Label::kWarning) << escaped(line) << "\n";
  }
  return read_wit_folder(folder);
}

namespace {

Result<void> run_build(const BuildCommandOptions& options, const GlobalOptions& global) {
  auto sources = read_wit_folder_fetching(options.folder, global, options.offline);
  if (!sources) return std::move(sources).error();
  wit::BuildOptions build_options;
  build_options.world = options.world;
  build_options.resolve.features.insert(options.features.begin(), options.features.end());
  build_options.resolve.all_features = options.all_features;
  auto built = wit::build(sources->groups, build_options);
  if (!built) return std::move(built).error();
  const std::string output =
      options.output.empty() ? default_output(built->package) : options.output;
  const std::string_view bytes(reinterpret_cast<const char*>(built->bytes.data()),
                               built->bytes.size());
  if (auto written = write_output_file(output, bytes); !written) return written;
  if (output == "-") return {};
  std::cout << "built " << escaped(built->package.to_string());
  if (!built->world.empty()) std::cout << " (world " << escaped(built->world) << ")";
  std::cout << " into " << escaped(output) << ": " << bytes.size() << " bytes, "
            << Digest::of(bytes).to_string() << "\n";
  return {};
}

}  // namespace

void add_build_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<BuildCommandOptions>();
  auto* command = app.add_subcommand(
      "build", "Build a binary WIT package from a WIT folder (its .wit files and deps/)");
  command->add_option("dir", options->folder, "The WIT folder (default: wit)");
  command->add_option("-o,--output", options->output,
                      "Where to write it (default: <ns>-<name>@<version>.wasm; - for stdout)");
  command->add_option("--world", options->world,
                      "Encode only this world, as `wasm-tools component embed` does");
  command->add_option("--features", options->features, "Features whose @unstable items to keep")
      ->delimiter(',')
      ->allow_extra_args(false);
  command->add_flag("--all-features", options->all_features, "Keep every @unstable item");
  command->add_flag("--offline", options->offline,
                    "Fetch what the WIT names and wit/deps/ lacks only from the cache");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_build(*options, global); };
  });
}

}  // namespace wreg::client
