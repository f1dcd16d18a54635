#include "client/commands/publish.h"

#include <filesystem>
#include <iostream>
#include <span>
#include <system_error>

#include "client/commands/inspect.h"
#include "client/file_io.h"
#include "client/wit_folder.h"
#include "common/manifest.h"
#include "common/release.h"
#include "common/wasm/reader.h"

namespace wreg::client {

Result<PublishPlan> plan_publish(const PublishOptions& options, const GlobalOptions& global,
                                 std::string& bytes) {
  std::optional<ManifestPackage> manifest_package;
  if (auto text = read_file("wreg.toml")) {
    auto manifest = parse_manifest(*text);
    if (!manifest) return std::move(manifest).error();
    manifest_package = manifest->package;
  } else if (text.error().code != ErrorCode::kNotFound) {
    return std::move(text).error();
  }

  std::string file = options.file;
  if (file.empty()) {
    if (!manifest_package || !manifest_package->file) {
      return fail(ErrorCode::kInvalidArgument,
                  "no file to publish: name it (wreg publish FILE) or set file in [package] of "
                  "wreg.toml");
    }
    file = *manifest_package->file;
  }
  std::error_code error;
  if (std::filesystem::is_directory(file, error)) {
    // A WIT folder: the package it builds to, in the full package format.
    auto sources = read_wit_folder_fetching(file, global, false);
    if (!sources) return std::move(sources).error();
    auto built = wit::build(sources->groups, {});
    if (!built) return std::move(built).error();
    bytes.assign(built->bytes.begin(), built->bytes.end());
  } else {
    auto read = read_file(file);
    if (!read) return std::move(read).error();
    bytes = std::move(*read);
  }

  std::optional<ClaimedIdentity> claimed;
  if (!options.package.empty()) {
    auto parsed = PackageVersion::parse(options.package);
    if (!parsed) {
      return fail(ErrorCode::kInvalidArgument, "--package: " + parsed.error().message);
    }
    claimed = ClaimedIdentity{std::move(*parsed), "--package"};
  }

  auto span = std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  auto info = wasm::read_component(span);
  if (!info) {
    return fail(ErrorCode::kInvalidArgument,
                file + ": " + info.error().message + "; nothing was uploaded");
  }
  // wreg.toml names the project's component; a WIT package names itself.
  if (!claimed && info->kind == wasm::BinaryKind::kComponent && manifest_package &&
      manifest_package->name && manifest_package->version) {
    claimed = ClaimedIdentity{PackageVersion{*manifest_package->name, *manifest_package->version},
                              "[package] of wreg.toml"};
  }
  auto release = release_of(*info, claimed);
  if (!release) return fail(release.error().code, file + ": " + release.error().message);
  return PublishPlan{file, std::move(release->id), Digest::of(std::string_view(bytes)),
                     wasm::to_string(info->kind), bytes.size()};
}

namespace {

Result<void> run_publish(const PublishOptions& options, const GlobalOptions& global) {
  std::string bytes;
  auto plan = plan_publish(options, global, bytes);
  if (!plan) return std::move(plan).error();
  if (options.dry_run) {
    std::cout << "would publish " << plan->id.to_string() << " " << plan->digest.to_string() << " ("
              << plan->kind << ", " << plan->size << " bytes); --dry-run uploaded nothing\n";
    // What `wreg inspect` says of the same bytes, as `cargo publish --dry-run` lists its package.
    const auto span = std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    auto inspection = inspect_bytes(plan->file, span);
    if (!inspection) return std::move(inspection).error();
    std::cout << render_inspection_text(*inspection) << render_world_counts(span);
    return {};
  }
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  auto client = writing_client(**session, plan->id.name);
  if (!client) return std::move(client).error();
  auto progress = (*session)->progress->transfer("uploading " + plan->id.to_string());
  auto answer = (*client)->publish(plan->id, bytes, plan->digest, progress);
  (*session)->progress->finish();
  if (!answer) return std::move(answer).error();
  std::cout << "published " << plan->id.to_string() << " " << plan->digest.to_string();
  if (!answer->created) std::cout << " (already published with these bytes)";
  std::cout << "\n";
  return {};
}

}  // namespace

void add_publish_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<PublishOptions>();
  auto* command = app.add_subcommand(
      "publish", "Publish a component or WIT package (.wasm, or a WIT folder built first)");
  command->add_option("file", options->file,
                      "The .wasm file, or a WIT folder to build (default: [package] file)");
  command->add_option("--package", options->package,
                      "ns:name@version (a component's identity; a WIT package names itself)");
  command->add_flag("--dry-run", options->dry_run, "Check everything, upload nothing");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_publish(*options, global); };
  });
}

}  // namespace wreg::client
