// `wreg build [DIR] [-o FILE] [--world W] [--features F,...] [--all-features]`: a WIT folder
// (default `wit/`, dependencies in its `deps/`) to the binary WIT package the real tools write.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "client/commands/session.h"
#include "client/file_io.h"
#include "client/wit_folder.h"
#include "common/digest.h"
#include "common/text.h"

namespace wreg::client {
namespace {

struct BuildCommandOptions {
  std::string folder = "wit";
  std::string output;  // empty: <ns>-<name>@<version>.wasm here
  std::string world;
  std::vector<std::string> features;
  bool all_features = false;
};

// `wasi-io@0.2.8.wasm`: the package's name as the fixtures and wit/deps/ spell it. The parts are
// names and a version the parser checked, so no path can be made of them.
std::string default_output(const wit::PackageName& package) {
  std::string name = package.space + "-" + package.name;
  if (!package.version.empty()) name += "@" + package.version;
  return name + ".wasm";
}

Result<void> run_build(const BuildCommandOptions& options) {
  auto sources = read_wit_folder(options.folder);
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

void add_build_command(CLI::App& app, CommandAction& action) {
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
  command->callback([options, &action] { action = [options] { return run_build(*options); }; });
}

}  // namespace wreg::client
