// `wreg trust REGISTRY KEY`, `wreg verify` and `wreg log PACKAGE`: the transparency logs of wreg
// registries (client/log_verifier.h).
#include <iostream>

#include "client/commands/session.h"
#include "client/log_verifier.h"
#include "client/project.h"
#include "common/base64.h"
#include "common/text.h"
#include "common/tlog/merkle.h"
#include "common/tlog/release_entry.h"
#include "common/tlog/tiles.h"

namespace wreg::client {
namespace {

struct TrustOptions {
  std::string registry;
  std::string key;
};

Result<void> run_trust(const TrustOptions& options) {
  auto env = Environment::from_process();
  if (!env) return std::move(env).error();
  auto registry = normalize_registry_url(options.registry);
  if (!registry) return std::move(registry).error();
  if (protocol_of(*registry) != RegistryProtocol::kWreg) {
    return fail(ErrorCode::kInvalidArgument,
                *registry +
                    " is not a wreg registry (http:// or https://); only wreg registries "
                    "keep a transparency log");
  }
  auto key = tlog::parse_verifier_key(options.key);
  if (!key) return std::move(key).error();
  if (auto trusted = trust_log_key(*env, *registry, *key); !trusted) return trusted;
  std::cout << "trusting " << escaped(key->to_string()) << " for " << *registry << "\n";
  return {};
}

Result<void> run_verify(const GlobalOptions& global) {
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  std::error_code ec;
  auto root = std::filesystem::current_path(ec);
  if (ec) return fail(ErrorCode::kIo, "cannot read the current folder: " + ec.message());
  auto report = verify_lock(ProjectPaths{root}, *(*session)->fetcher);
  (*session)->progress->finish();
  if (!report) return std::move(report).error();
  for (const LockedLog& log : report->logs) {
    std::cout << log.registry << ": log at " << log.size << " entries, root "
              << base64_encode(log.root) << "\n";
  }
  std::cout << "verified " << report->packages << (report->packages == 1 ? " package" : " packages")
            << " in " << report->logs.size() << (report->logs.size() == 1 ? " log" : " logs");
  if (report->unlogged > 0) {
    std::cout << "; " << report->unlogged << " from registries without a log (OCI) not checked";
  }
  std::cout << "\n";
  return {};
}

// The entries [0, size) of `registry`'s log, read as entry bundles and each hashed into a tree
// whose root must be `checkpoint`'s: so every line shown is in the log everyone else sees.
Result<std::vector<std::string>> read_log(RegistryClient& client, const std::string& registry,
                                          const tlog::Checkpoint& checkpoint) {
  std::vector<std::string> entries;
  tlog::MerkleTree tree;
  const std::uint64_t size = checkpoint.size;
  for (std::uint64_t index = 0; index * tlog::kTileWidth < size; ++index) {
    const std::uint64_t left = size - index * tlog::kTileWidth;
    tlog::TilePath path;
    path.entries = true;
    path.index = index;
    path.width = static_cast<unsigned>(std::min<std::uint64_t>(left, tlog::kTileWidth));
    auto bundle = client.get_tile(path.to_string());
    if (!bundle) return std::move(bundle).error();
    std::size_t at = 0;
    for (unsigned i = 0; i < path.width; ++i) {
      if (bundle->size() < at + 2) {
        return fail(ErrorCode::kCorrupt,
                    "registry " + registry + " sent a short entry bundle " + path.to_string());
      }
      const std::size_t length = (static_cast<unsigned char>((*bundle)[at]) << 8) |
                                 static_cast<unsigned char>((*bundle)[at + 1]);
      if (bundle->size() < at + 2 + length) {
        return fail(ErrorCode::kCorrupt,
                    "registry " + registry + " sent a short entry bundle " + path.to_string());
      }
      std::string entry = bundle->substr(at + 2, length);
      at += 2 + length;
      tree.append(tlog::leaf_hash(entry));
      entries.push_back(std::move(entry));
    }
  }
  if (tree.root(size) != checkpoint.root) {
    return fail(ErrorCode::kCorrupt, "registry " + registry +
                                         "'s transparency log does not verify: the entries it "
                                         "sends are not the ones its checkpoint signed");
  }
  return entries;
}

struct LogOptions {
  std::string package;
};

Result<void> run_log(const LogOptions& options, const GlobalOptions& global) {
  auto name = PackageName::parse(options.package);
  if (!name) return std::move(name).error();
  auto session = open_session(global);
  if (!session) return std::move(session).error();
  auto registry = (*session)->fetcher->registry_for(*name);
  if (!registry) return std::move(registry).error();
  if (protocol_of(*registry) != RegistryProtocol::kWreg) {
    return fail(ErrorCode::kInvalidArgument,
                "registry " + *registry + " (for " + name->to_string() +
                    ") is an OCI registry, which keeps no transparency log");
  }
  auto checkpoint = (*session)->log_verifier->refresh(*registry);
  if (!checkpoint) return std::move(checkpoint).error();
  auto client = (*session)->fetcher->client(*registry);
  if (!client) return std::move(client).error();
  auto entries = read_log(**client, *registry, *checkpoint);
  (*session)->progress->finish();
  if (!entries) return std::move(entries).error();
  if (auto saved = (*session)->log_verifier->save(); !saved) return saved;
  std::size_t shown = 0;
  for (std::size_t index = 0; index < entries->size(); ++index) {
    auto entry = tlog::parse_release_entry((*entries)[index]);
    if (!entry) {
      return fail(ErrorCode::kCorrupt, "registry " + *registry + "'s log entry " +
                                           std::to_string(index) +
                                           " is not a release entry: " + entry.error().message);
    }
    if (entry->release.name != *name) continue;
    std::cout << index << "  " << entry->time << "  " << tlog::to_string(entry->event) << "  "
              << entry->release.version.to_string() << "  " << entry->digest.to_string() << "  "
              << entry->size << " bytes  " << api::to_string(entry->kind) << "\n";
    ++shown;
  }
  if (shown == 0) {
    std::cout << "no entry of " << name->to_string() << " in the log of " << *registry << " ("
              << entries->size() << " entries)\n";
  }
  return {};
}

}  // namespace

void add_log_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto trust = std::make_shared<TrustOptions>();
  auto* trust_command = app.add_subcommand(
      "trust", "Pin a registry's transparency log key (`wreg-server log key` prints it)");
  trust_command->add_option("registry", trust->registry, "http(s)://HOST[:PORT]")->required();
  trust_command->add_option("key", trust->key, "the verifier key, NAME+ID+KEY")->required();
  trust_command->callback([trust, &action] { action = [trust] { return run_trust(*trust); }; });

  auto* verify_command =
      app.add_subcommand("verify", "Check wreg.lock against the registries' transparency logs");
  verify_command->callback(
      [&global, &action] { action = [&global] { return run_verify(global); }; });

  auto log = std::make_shared<LogOptions>();
  auto* log_command =
      app.add_subcommand("log", "A package's history in its registry's transparency log");
  log_command->add_option("package", log->package, "ns:name")->required();
  log_command->callback(
      [log, &global, &action] { action = [log, &global] { return run_log(*log, global); }; });
}

}  // namespace wreg::client
