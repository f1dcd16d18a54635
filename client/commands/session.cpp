#include "client/commands/session.h"

#include <iostream>
#include <mutex>

#include "client/terminal.h"
#include "common/text.h"

namespace wreg::client {
namespace {

void print_report(const SyncReport& report) {
  for (const auto& line : report.manifest_edits) std::cout << line << "\n";
  for (const auto& change : report.changes) std::cout << change.to_string() << "\n";
  for (const auto& line : report.repaired) std::cout << line << "\n";
  for (const auto& line : report.warnings) {
    std::cerr << stderr_label(Label::kWarning) << escaped(line) << "\n";
  }
  if (report.changes.empty() && report.repaired.empty()) {
    std::cout << "wreg.lock is up to date (" << report.locked
              << (report.locked == 1 ? " package" : " packages") << ")\n";
  }
}

// --verbose's lines, whole, from any thread. Texts from the registry (a failure's message) are
// escaped; the rest is wreg's own.
void print_verbose(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::cerr << line << "\n";
}

void print_request(const transport::RequestRecord& record) {
  std::string line = "http: " + record.method + " " + escaped(record.url) + " -> ";
  line += record.status != 0 ? std::to_string(record.status) : "failed: " + escaped(record.failure);
  line += " (" + std::to_string(record.elapsed.count()) + " ms)";
  print_verbose(line);
}

}  // namespace

Result<ProjectPaths> current_project() {
  std::error_code ec;
  auto root = std::filesystem::current_path(ec);
  if (ec) return fail(ErrorCode::kIo, "cannot read the current folder: " + ec.message());
  return ProjectPaths{root};
}

Result<SyncReport> run_in_project(
    const GlobalOptions& global, bool offline,
    const std::function<Result<SyncReport>(const ProjectPaths&, Fetcher&)>& run) {
  auto session = open_session(global, offline);
  if (!session) return std::move(session).error();
  auto project = current_project();
  if (!project) return std::move(project).error();
  auto report = run(*project, *(*session)->fetcher);
  (*session)->progress->finish();
  return report;
}

Result<void> run_project_command(
    const GlobalOptions& global, bool offline,
    const std::function<Result<SyncReport>(const ProjectPaths&, Fetcher&)>& run) {
  auto report = run_in_project(global, offline, run);
  if (!report) return std::move(report).error();
  print_report(*report);
  return {};
}

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option_function<std::string>(
         "--registry", [&global](const std::string& url) { global.registry = url; },
         "Registry URL for this run (beats WREG_REGISTRY and config.toml)")
      ->type_name("URL");
  auto* quiet =
      app.add_flag("-q,--quiet", global.quiet, "No progress bar and no notes on standard error");
  auto* verbose = app.add_flag("-v,--verbose", global.verbose,
                               "Show each HTTP request and cache look on standard error");
  quiet->excludes(verbose);
}

Result<std::unique_ptr<Session>> open_session(const GlobalOptions& global, bool offline) {
  auto env = Environment::from_process();
  if (!env) return std::move(env).error();
  auto config = Config::load(*env, global.registry);
  if (!config) return std::move(config).error();
  auto session = std::unique_ptr<Session>(new Session{std::move(*env), std::move(*config),
                                                      Cache(std::filesystem::path()), nullptr,
                                                      nullptr, nullptr});
  session->cache = Cache(session->env.cache_dir);
  session->progress =
      std::make_unique<Progress>(Progress::should_draw(global.quiet || global.verbose));
  FetcherOptions options;
  options.offline = offline;
  if (global.verbose) {
    options.client_template.observe = print_request;
    options.log = [](const std::string& line) { print_verbose(escaped(line)); };
  }
  session->fetcher =
      std::make_unique<Fetcher>(session->config, session->cache, options, session->progress.get());
  Fetcher* fetcher = session->fetcher.get();
  Progress* progress = session->progress.get();
  session->log_verifier = std::make_unique<LogVerifier>(
      session->env, session->config,
      [fetcher](const std::string& registry) { return fetcher->client(registry); },
      [progress, quiet = global.quiet](const std::string& line) {
        if (quiet) return;
        progress->finish();
        std::cerr << stderr_label(Label::kNote) << escaped(line) << "\n";
      });
  fetcher->set_log_verifier(session->log_verifier.get());
  return session;
}

Result<RegistryClient*> writing_client(Session& session, const PackageName& name) {
  auto resolved = session.fetcher->registry_for(name);
  if (!resolved) return std::move(resolved).error();
  const std::string& registry = *resolved;
  if (protocol_of(registry) != RegistryProtocol::kWreg) {
    return fail(ErrorCode::kInvalidArgument,
                "registry " + registry + " (for " + name.to_string() +
                    ") is an OCI registry; wreg publishes and yanks only in a wreg registry, "
                    "which serves its packages over OCI as well");
  }
  if (!session.config.token_for(registry)) {
    return fail(ErrorCode::kUnauthenticated, "no token for registry " + registry +
                                                 "; run `wreg login --registry " + registry +
                                                 "` or set WREG_TOKEN");
  }
  return session.fetcher->client(registry);
}

Result<PackageRef> parse_ref_argument(const std::string& text) {
  auto ref = PackageRef::parse(text);
  if (ref) return ref;
  std::string message = ref.error().message;
  if (!message.starts_with("invalid package")) {
    message = "invalid package reference " + wreg::quoted(text) + ": " + message;
  }
  return fail(ErrorCode::kInvalidArgument,
              message + " (a package is written ns:name or ns:name@1.2.3)");
}

}  // namespace wreg::client
