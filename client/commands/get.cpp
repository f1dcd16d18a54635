// `wreg get REF [-o FILE] [--offline]`: one release's bytes, verified by digest, and (from a wreg
// registry, online) in the registry's transparency log (client/log_verifier.h).
#include <unistd.h>

#include <iostream>

#include "client/commands/session.h"
#include "client/file_io.h"
#include "client/project.h"

namespace wreg::client {
namespace {

struct GetOptions {
  std::string ref;
  std::string output;  // empty: <ns>-<name>-<version>.wasm here; "-": standard output
  bool offline = false;
};

Result<void> run_get(const GetOptions& options, const GlobalOptions& global) {
  auto ref = parse_ref_argument(options.ref);
  if (!ref) return std::move(ref).error();
  auto session = open_session(global, options.offline);
  if (!session) return std::move(session).error();
  auto& fetcher = *(*session)->fetcher;
  auto document = fetcher.document(ref->name);
  if (!document) return std::move(document).error();
  const auto* release = pick_release(*document, ref->requirement);
  if (!release) {
    std::string message = "no version of " + ref->name.to_string() + " matches " +
                          (ref->requirement ? ref->requirement->to_string() : "*");
    if (const auto* newest = pick_release(*document, std::nullopt)) {
      message += " (newest is " + newest->version.to_string() + ")";
    }
    return fail(ErrorCode::kNotFound, message);
  }
  PackageVersion id{ref->name, release->version};
  auto registry = fetcher.registry_for(ref->name);
  if (!registry) return std::move(registry).error();
  std::vector<Result<api::ReleaseSummary>> read;
  if (release->unread) {  // listed by an OCI registry's tag: its manifest names the bytes
    read = fetcher.read_releases({id});
    if (!read[0]) return std::move(read[0]).error();
    release = &*read[0];
  }
  if (protocol_of(*registry) == RegistryProtocol::kWreg && !options.offline) {
    auto logged = (*session)->log_verifier->verify_release(*registry, id.name, *release);
    if (!logged) return std::move(logged).error();
  }
  auto bytes = fetcher.blob({*registry, release->digest, id, release->size});
  (*session)->progress->finish();
  if (!bytes) return std::move(bytes).error();

  std::string output =
      options.output.empty() ? deps_file_name(id.name, id.version) : options.output;
  std::cout.flush();
  auto written = write_output_file(output, *bytes);
  if (!written) return written;
  if (auto saved = (*session)->log_verifier->save(); !saved) return saved;
  if (output == "-") return {};
  std::cout << "wrote " << output << " (" << id.to_string() << " " << release->digest.to_string()
            << (release->yanked ? ", yanked" : "") << ")\n";
  return {};
}

}  // namespace

void add_get_command(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto options = std::make_shared<GetOptions>();
  auto* command = app.add_subcommand("get", "Download one release, verified by its digest");
  command->add_option("ref", options->ref, "ns:name or ns:name@REQ")->required();
  command->add_option("-o,--output", options->output,
                      "Where to write it (default: ns-name-version.wasm; - for stdout)");
  command->add_flag("--offline", options->offline, "Use only the cache");
  command->callback([options, &global, &action] {
    action = [options, &global] { return run_get(*options, global); };
  });
}

}  // namespace wreg::client
