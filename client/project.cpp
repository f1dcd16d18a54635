#include "client/project.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "client/file_io.h"
#include "client/log_verifier.h"
#include "common/resolve/explain.h"
#include "common/resolve/solver.h"
#include "common/resolve/source.h"
#include "common/toml_text.h"
#include "common/wit/wit_text.h"

namespace wreg::client {
namespace {

// What is on disk before an operation.
struct ProjectState {
  std::string manifest_text;
  bool manifest_exists = false;
  Manifest manifest;
  Lockfile lock;
  bool lock_exists = false;
  bool keep_manifest = false;  // `wreg build`: wreg.toml is never written
};

// What an operation makes of a project without wreg.toml: `wreg add` starts one, the others
// are refused with kNotFound saying how to start one.
enum class WithoutManifest { kStartEmpty, kRefuse };
// What an operation makes of a wreg.lock that does not parse: `wreg update` (of everything)
// re-resolves without it, the others are refused with the parser's error.
enum class BrokenLock { kRefuse, kIgnore };

Result<ProjectState> load_state(const ProjectPaths& paths, WithoutManifest without_manifest,
                                BrokenLock broken_lock) {
  ProjectState state;
  auto text = read_file(paths.manifest());
  if (text) {
    state.manifest_text = std::move(*text);
    state.manifest_exists = true;
  } else if (text.error().code != ErrorCode::kNotFound) {
    return std::move(text).error();
  } else if (without_manifest == WithoutManifest::kRefuse) {
    return fail(ErrorCode::kNotFound, "no wreg.toml in " + paths.root.string() +
                                          "; run `wreg add ns:name` there to start one");
  }
  auto manifest = parse_manifest(state.manifest_text);
  if (!manifest) return std::move(manifest).error();
  state.manifest = std::move(*manifest);

  auto lock_text = read_file(paths.lock());
  if (lock_text) {
    auto lock = parse_lockfile(*lock_text);
    if (lock) {
      state.lock = std::move(*lock);
      state.lock_exists = true;
    } else if (broken_lock == BrokenLock::kRefuse) {
      return std::move(lock).error();
    }
  } else if (lock_text.error().code != ErrorCode::kNotFound) {
    return std::move(lock_text).error();
  }
  return state;
}

struct ResolveMode {
  std::vector<PackageName> update;
  bool update_all = false;
};

// A conflict's explanation, one fact per line; the error's first line says what failed.
Error conflict_error(const resolve::Conflict& conflict) {
  std::string text = resolve::explain(conflict);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return fail(ErrorCode::kUnsolvable,
              text + "\nnothing was changed; relax a requirement in wreg.toml and try again");
}

// kNotFound for `missing`, which the registry does not have, naming a release already fetched
// that needs it (one that the resolver could choose): `evil:bigger 1.0.0 needs d0:p ^1.0.0,
// which the registry http://… does not have`.
Error missing_dependency_error(const resolve::ResolveRequest& request,
                               const resolve::InMemorySource& source, const PackageName& missing,
                               Fetcher& fetcher) {
  auto registry = fetcher.registry_for(missing);
  const std::string tail = ", which the registry " +
                           (registry ? *registry : fetcher.config().registry_for(missing)) +
                           " does not have; nothing was changed";
  for (const auto& name : source.names()) {
    const auto* document = source.find(name);
    if (document == nullptr) continue;
    for (const auto& release : document->versions) {
      if (!resolve::may_choose(request, name, release)) continue;
      for (const auto& dependency : release.dependencies) {
        if (dependency.name != missing) continue;
        return fail(ErrorCode::kNotFound, name.to_string() + " " + release.version.to_string() +
                                              " needs " + missing.to_string() + " " +
                                              dependency.requirement.to_string() + tail);
      }
    }
  }
  return fail(ErrorCode::kNotFound, "a dependency needs " + missing.to_string() + tail);
}

// Steps 2 of project.h: the new lock for `manifest`, or why there is none.
Result<Lockfile> resolve_lock(const Manifest& manifest, const Lockfile& old_lock,
                              const ResolveMode& mode, Fetcher& fetcher) {
  resolve::ResolveRequest request;
  std::set<PackageName> roots;
  for (const auto& dependency : manifest.dependencies) {
    request.requirements.push_back({dependency.name, dependency.requirement});
    roots.insert(dependency.name);
  }
  for (const auto& locked : old_lock.packages) {
    request.locked.push_back(PackageVersion{locked.name, locked.version});
  }
  request.update = mode.update;
  request.update_all = mode.update_all;

  resolve::InMemorySource source;
  std::set<PackageName> asked;
  std::optional<resolve::SolveOutcome> outcome;
  while (!outcome) {
    auto names = resolve::unfetched_dependencies(request, source);
    if (names.empty()) {
      auto solved = resolve::solve(request, source);
      if (!solved.needs()) {
        outcome = std::move(solved);
        break;
      }
      names = solved.needs()->names;
      // Releases an OCI registry listed by tag only: read the ones the solver chose (in
      // parallel), then fetch what they depend on in the same round.
      const auto& unread = solved.needs()->releases;
      auto read = fetcher.read_releases(unread);
      for (std::size_t i = 0; i < unread.size(); ++i) {
        if (!read[i]) return std::move(read[i]).error();
        auto* document = source.document(unread[i].name);
        if (document == nullptr) continue;
        for (auto& release : document->versions) {
          if (release.version == unread[i].version) release = *read[i];
        }
      }
      if (!unread.empty()) continue;
    }
    std::erase_if(names, [&](const PackageName& name) { return asked.count(name) != 0; });
    if (names.empty()) {
      return fail(ErrorCode::kInternal,
                  "the resolver keeps asking for documents it was given; this is a bug in wreg");
    }
    auto documents = fetcher.documents(names);
    for (std::size_t i = 0; i < names.size(); ++i) {
      asked.insert(names[i]);
      if (documents[i]) {
        source.put(std::move(*documents[i]));
        continue;
      }
      const Error& error = documents[i].error();
      // A package the project names directly gets the fetcher's message (with suggestions); a
      // missing package deeper down stops the resolution at once, naming who needs it, rather
      // than fetching the rest of a level that may be thousands wide.
      if (error.code != ErrorCode::kNotFound || roots.count(names[i]) != 0) return error;
      return missing_dependency_error(request, source, names[i], fetcher);
    }
  }
  if (auto* conflict = outcome->conflict()) return conflict_error(*conflict);

  Lockfile lock;
  for (const auto& package : outcome->resolution()->packages) {
    auto registry = fetcher.registry_for(package.name);
    if (!registry) return std::move(registry).error();
    LockedPackage locked{package.name, package.version, *registry, package.digest,
                         {},           std::nullopt};
    for (const auto& requirer : package.required_by) {
      locked.requirements.push_back(requirer.requirement.to_string());
    }
    std::sort(locked.requirements.begin(), locked.requirements.end());
    locked.requirements.erase(std::unique(locked.requirements.begin(), locked.requirements.end()),
                              locked.requirements.end());
    lock.packages.push_back(std::move(locked));
  }
  // Round-trip through the canonical text so that comparisons see what the file will hold.
  auto canonical = parse_lockfile(to_toml(lock));
  if (!canonical) return std::move(canonical).error();
  return std::move(*canonical);
}

// Whether `a` and `b` lock the same releases from the same registries.
bool same_releases(const Lockfile& a, const Lockfile& b) {
  auto key = [](const Lockfile& lock) {
    std::set<std::string> keys;
    for (const auto& package : lock.packages) {
      keys.insert(package.name.to_string() + "@" + package.version.to_string() + " " +
                  package.registry + " " + package.digest.to_string());
    }
    return keys;
  };
  return key(a) == key(b);
}

// Step 2 continued: every package of `lock` from a wreg registry is in that registry's
// transparency log, and every checkpoint `old_lock` recorded is a prefix of its log now
// (client/log_verifier.h). With `record`, each package's log index and each registry's
// checkpoint go into `lock`: the newest verified, unless the lock names the same releases as
// `old_lock`, which then keeps its checkpoints (a lock does not change because others publish).
// Offline, or without a verifier, what `old_lock` recorded is carried over unchecked.
Result<void> verify_in_logs(Lockfile& lock, const Lockfile& old_lock, Fetcher& fetcher,
                            bool record) {
  LogVerifier* verifier = fetcher.log_verifier();
  if (verifier == nullptr || fetcher.offline()) {
    if (!record) return {};
    for (auto& package : lock.packages) {
      for (const LockedPackage* before : old_lock.find(package.name)) {
        if (before->version == package.version && before->digest == package.digest) {
          package.log_index = before->log_index;
        }
      }
    }
    lock.logs = old_lock.logs;
    return {};
  }
  // The lock's checkpoints first: a lock from someone shown another history is named as such.
  for (const LockedLog& locked : old_lock.logs) {
    if (auto verified = verifier->verify_locked(locked); !verified) return verified;
  }
  std::vector<LockedPackage*> logged;
  std::vector<PackageName> names;
  for (auto& package : lock.packages) {
    if (protocol_of(package.registry) != RegistryProtocol::kWreg) continue;
    logged.push_back(&package);
    names.push_back(package.name);
  }
  // The documents the resolution read are in memory; a fetch of a lock asks for them (together).
  auto documents = fetcher.documents(names);
  std::map<std::string, std::vector<std::size_t>> by_registry;  // indexes into `logged`
  std::vector<LogVerifier::ReleaseToVerify> releases;
  for (std::size_t i = 0; i < logged.size(); ++i) {
    LockedPackage& package = *logged[i];
    const std::string id = package.name.to_string() + "@" + package.version.to_string();
    if (!documents[i]) return std::move(documents[i]).error();
    const api::ReleaseSummary* release = documents[i]->find(package.version);
    if (release == nullptr || !(release->digest == package.digest)) {
      return fail(ErrorCode::kCorrupt,
                  "registry " + package.registry + " no longer lists " + id + " with " +
                      package.digest.to_string() +
                      ", the digest wreg.lock holds: versions are immutable, so the registry "
                      "changed a release; nothing was changed here");
    }
    releases.push_back(LogVerifier::ReleaseToVerify{package.name, release});
    by_registry[package.registry].push_back(i);
  }
  for (const auto& [registry, members] : by_registry) {
    std::vector<LogVerifier::ReleaseToVerify> batch;
    for (std::size_t i : members) batch.push_back(releases[i]);
    auto indexes = verifier->verify_releases(registry, batch);
    if (!indexes) return std::move(indexes).error();
    if (!record) continue;
    for (std::size_t k = 0; k < members.size(); ++k) logged[members[k]]->log_index = (*indexes)[k];
  }
  if (!record) return {};
  std::set<std::string> registries;
  for (const LockedPackage* package : logged) registries.insert(package->registry);
  lock.logs.clear();
  const bool unchanged = same_releases(lock, old_lock);
  for (const LockedLog& newest : verifier->verified_logs()) {
    if (!registries.contains(newest.registry)) continue;
    const LockedLog* before = old_lock.log_of(newest.registry);
    lock.logs.push_back(unchanged && before ? *before : newest);
  }
  return {};
}

// After a command wrote what it verified: keep the newest checkpoints for the next one.
Result<void> remember_logs(Fetcher& fetcher) {
  if (LogVerifier* verifier = fetcher.log_verifier()) return verifier->save();
  return {};
}

// What every command says of the one yanked rule (common/resolve/solver.h, may_choose()): a
// warning for each release of `lock` that its document lists as yanked, kept because wreg.lock
// had it. A command that resolved has the documents in memory already; `fetch` of a lock that
// covers wreg.toml asks for them here, together (one pipelined round trip when they are cached).
// A document that cannot be had costs only its warning.
std::vector<std::string> yanked_warnings(const Lockfile& lock, const ResolveMode& mode,
                                         Fetcher& fetcher) {
  std::vector<PackageName> names;
  for (const auto& package : lock.packages) names.push_back(package.name);
  auto documents = fetcher.documents(names);
  std::vector<std::string> warnings;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const LockedPackage& package = lock.packages[i];
    const auto* release = documents[i] ? documents[i]->find(package.version) : nullptr;
    if (release == nullptr || !release->yanked) continue;
    const std::string name = package.name.to_string();
    const bool updated = mode.update_all || std::find(mode.update.begin(), mode.update.end(),
                                                      package.name) != mode.update.end();
    warnings.push_back(name + " " + package.version.to_string() +
                       " has been yanked; kept because wreg.lock has it" +
                       (updated ? " and no other version is allowed"
                                : " (`wreg update " + name + "` moves off it)"));
  }
  return warnings;
}

std::vector<PackageChange> diff_locks(const Lockfile& before, const Lockfile& after) {
  std::map<PackageName, std::pair<std::vector<Version>, std::vector<Version>>> versions;
  for (const auto& p : before.packages) versions[p.name].first.push_back(p.version);
  for (const auto& p : after.packages) versions[p.name].second.push_back(p.version);
  std::vector<PackageChange> changes;
  for (auto& [name, pair] : versions) {
    auto& [old_versions, new_versions] = pair;
    std::vector<Version> gone;
    std::vector<Version> came;
    for (const auto& v : old_versions) {
      if (std::find(new_versions.begin(), new_versions.end(), v) == new_versions.end()) {
        gone.push_back(v);
      }
    }
    for (const auto& v : new_versions) {
      if (std::find(old_versions.begin(), old_versions.end(), v) == old_versions.end()) {
        came.push_back(v);
      }
    }
    std::size_t paired = std::min(gone.size(), came.size());
    for (std::size_t i = 0; i < paired; ++i) {
      changes.push_back({PackageChange::Kind::kUpdated, name, gone[i], came[i]});
    }
    for (std::size_t i = paired; i < came.size(); ++i) {
      changes.push_back({PackageChange::Kind::kAdded, name, std::nullopt, came[i]});
    }
    for (std::size_t i = paired; i < gone.size(); ++i) {
      changes.push_back({PackageChange::Kind::kRemoved, name, gone[i], std::nullopt});
    }
  }
  return changes;
}

namespace fs = std::filesystem;

// Whether `path` is a real folder, not a symbolic link (to one or not) or a file: what wreg makes
// for a package held as text, `<base>/package.wit`.
bool is_real_folder(const fs::path& folder) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(folder, ec));
}

// Removes what wreg wrote for a package held as text: `folder`/package.wit, then the folder when
// that left it empty. A symbolic link or a file at `folder` is not wreg's and stays, as do the
// user's files in the folder (and so the folder).
Result<void> remove_text_entry(const fs::path& folder) {
  if (!is_real_folder(folder)) return {};
  auto removed = remove_file(folder / "package.wit");
  if (!removed) return removed;
  std::error_code not_empty;
  fs::remove(folder, not_empty);
  return {};
}

// Removes what wreg wrote for the locked package whose wit/deps/ name is `base`, in either form.
Result<void> remove_deps_entries(const fs::path& deps, const std::string& base) {
  auto removed = remove_file(deps / (base + ".wasm"));
  if (!removed) return removed;
  return remove_text_entry(deps / base);
}

// The package.wit that [wit] deps = "text" writes for `package` (whose verified bytes are
// `bytes`): the `package.wit` file of its wit_text(), without the partial `deps/` files the binary
// carries (each dependency is locked, and so written, as its own package). nullopt for a component,
// which is no WIT package and stays a binary. kInvalidArgument when it cannot be printed.
Result<std::optional<std::string>> package_wit(const LockedPackage& package,
                                               const std::string& bytes) {
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  auto text = wit::wit_text({data, bytes.size()});
  if (!text) {
    return fail(text.error().code,
                "cannot write " + package.name.to_string() + " " + package.version.to_string() +
                    " as WIT text ([wit] deps = \"text\" in wreg.toml): " + text.error().message +
                    "; set deps = \"binary\" to keep it as a .wasm");
  }
  if (!text->is_package) return std::optional<std::string>();
  for (auto& file : text->files) {
    if (file.path == "package.wit") return std::optional<std::string>(std::move(file.text));
  }
  return fail(ErrorCode::kInternal, "the WIT printer gave no package.wit for " +
                                        package.name.to_string() + "; this is a bug in wreg");
}

// Steps 3-5 of project.h, with wit/deps/ in the form `form` asks for.
Result<void> install(const ProjectPaths& paths, const ProjectState& state,
                     const std::string& manifest_text, const Lockfile& lock, DepsForm form,
                     Fetcher& fetcher, SyncReport& report) {
  // The bytes each package needs: as a binary, those wit/deps/ does not hold already; as text, all
  // of them (what package.wit must say is what they print).
  std::vector<BlobRequest> requests;
  std::vector<const LockedPackage*> requested;
  for (const auto& package : lock.packages) {
    if (form == DepsForm::kBinary) {
      const auto file_name = deps_file_name(package.name, package.version);
      auto existing = read_file(paths.deps() / file_name);
      if (existing && Digest::of(std::string_view(*existing)) == package.digest) continue;
      if (existing) {
        report.repaired.push_back("wit/deps/" + file_name +
                                  " did not match the digest in wreg.lock; replaced it");
      }
    }
    requested.push_back(&package);
    requests.push_back({package.registry,
                        package.digest,
                        {package.name, package.version},
                        fetcher.listed_size(package.name, package.version)});
  }
  auto blobs = fetcher.blobs(requests);
  for (auto& blob : blobs) {
    if (!blob) return std::move(blob).error();
  }
  report.downloaded = blobs.size();

  // Every entry decided, and every text printed, before anything is written.
  struct PendingWrite {
    fs::path path;
    std::string_view bytes;
  };
  std::vector<PendingWrite> writes;
  std::deque<std::string> texts;  // what `writes` of package.wit point into
  std::set<std::string> wanted;
  for (const auto& package : lock.packages) {
    wanted.insert(deps_file_name(package.name, package.version));
  }
  std::vector<fs::path> replaced_folders;  // a link or a file where a text folder goes
  for (std::size_t i = 0; i < requested.size(); ++i) {
    const LockedPackage& package = *requested[i];
    const std::string& bytes = *blobs[i];
    const std::string base = deps_folder_name(package.name, package.version);
    if (form == DepsForm::kBinary) {
      writes.push_back({paths.deps() / (base + ".wasm"), bytes});
      continue;
    }
    auto text = package_wit(package, bytes);
    if (!text) return std::move(text).error();
    if (!*text) {
      // A component stays a binary, checked as in binary form.
      auto existing = read_file(paths.deps() / (base + ".wasm"));
      if (existing && *existing == bytes) continue;
      if (existing) {
        report.repaired.push_back("wit/deps/" + base +
                                  ".wasm did not match the digest in wreg.lock; replaced it");
      }
      writes.push_back({paths.deps() / (base + ".wasm"), bytes});
      continue;
    }
    wanted.erase(base + ".wasm");
    wanted.insert(base);
    const fs::path folder = paths.deps() / base;
    std::error_code ec;
    const auto type = fs::symlink_status(folder, ec).type();
    const bool occupied = type != fs::file_type::not_found && type != fs::file_type::none;
    if (occupied && !is_real_folder(folder)) {
      replaced_folders.push_back(folder);
      report.repaired.push_back("wit/deps/" + base +
                                " was not a folder of package.wit; replaced it with one");
    } else {
      auto existing = read_file(folder / "package.wit");
      if (existing && *existing == **text) continue;
      if (existing) {
        report.repaired.push_back("wit/deps/" + base + "/package.wit did not match what " +
                                  package.name.to_string() + " " + package.version.to_string() +
                                  " in wreg.lock prints; replaced it");
      }
    }
    texts.push_back(std::move(**text));
    writes.push_back({folder / "package.wit", texts.back()});
  }
  // wit/deps/ files are not fsynced: each is a temp file renamed into place, so a killed wreg
  // leaves the old file or the new one; after a power loss a file may come back empty or torn,
  // but every run re-hashes (or, as text, re-prints) wit/deps/ against wreg.lock (above) and
  // replaces such a file, so the folder is rebuilt from the lock and the cache by the next
  // `wreg fetch`. Only wreg.lock and wreg.toml, which cannot be rebuilt, are fsynced (below), and
  // only when their bytes change. (strace -c of a warm `wreg add wasi:http@0.2.8`: its 9 fsyncs
  // took 3.2 ms, 7 of them here.)
  for (const auto& folder : replaced_folders) {
    // Never written through: a link to a folder elsewhere would put package.wit there.
    auto removed = remove_file(folder);
    if (!removed) return removed;
  }
  for (const auto& item : writes) {
    auto written = write_file_atomically(item.path, item.bytes, 0644, Durability::kNoFsync);
    if (!written) return written;
  }

  // wreg.lock before wreg.toml (renamed in that order), their two fsyncs at the same time: on
  // this machine each took 1.5-6 ms, the largest part of a warm add after start-up.
  std::vector<FileWrite> durable_writes;
  auto lock_text = to_toml(lock);
  auto old_lock_text = read_file(paths.lock());
  if (!old_lock_text || *old_lock_text != lock_text) {
    durable_writes.push_back({paths.lock(), lock_text});
  }
  if (!state.keep_manifest && (!state.manifest_exists || manifest_text != state.manifest_text)) {
    durable_writes.push_back({paths.manifest(), manifest_text});
  }
  auto written = write_files_atomically(durable_writes);
  if (!written) return written;

  std::set<std::string> locked_bases;
  for (const auto& package : lock.packages) {
    locked_bases.insert(deps_folder_name(package.name, package.version));
  }
  for (const auto& package : state.lock.packages) {
    const std::string base = deps_folder_name(package.name, package.version);
    if (locked_bases.count(base) != 0) continue;
    auto removed = remove_deps_entries(paths.deps(), base);
    if (!removed) return removed;
  }
  // What the lock on disk does not name as it is now held: the other form of a locked package
  // (the setting changed), and, after a run killed between writing wreg.lock and the removals
  // above, a locked package at another version. Only wreg's own names for a locked package
  // (`<ns>-<name>-<version>.wasm`, or the folder `<ns>-<name>-<version>/` with its package.wit)
  // are removed, so running the command again completes the change. Other files in wit/deps/ are
  // the user's and stay.
  std::error_code listing_error;
  for (const auto& entry : fs::directory_iterator(paths.deps(), listing_error)) {
    const std::string entry_name = entry.path().filename().string();
    if (wanted.count(entry_name) != 0) continue;
    const bool binary = entry_name.ends_with(".wasm");
    if (binary && is_real_folder(entry.path())) continue;  // not a file wreg wrote
    const std::string_view base =
        std::string_view(entry_name).substr(0, entry_name.size() - (binary ? 5 : 0));
    for (const auto& package : lock.packages) {
      const std::string prefix = package.name.space() + "-" + package.name.name() + "-";
      if (!base.starts_with(prefix) || !Version::parse(base.substr(prefix.size()))) continue;
      auto removed = binary ? remove_file(entry.path()) : remove_text_entry(entry.path());
      if (!removed) return removed;
      break;
    }
  }
  report.locked = lock.packages.size();
  return {};
}

// Resolves `manifest_text` (already validated) and installs the result.
// `extra` are requirements beyond the manifest's (fetch_wit_dependencies()).
Result<SyncReport> sync(const ProjectPaths& paths, const ProjectState& state,
                        const std::string& manifest_text, const ResolveMode& mode, Fetcher& fetcher,
                        SyncReport report, const std::vector<ManifestDependency>& extra = {}) {
  auto manifest = parse_manifest(manifest_text);
  if (!manifest) return std::move(manifest).error();
  manifest->dependencies.insert(manifest->dependencies.end(), extra.begin(), extra.end());
  auto lock = resolve_lock(*manifest, state.lock, mode, fetcher);
  if (!lock) return std::move(lock).error();
  if (auto verified = verify_in_logs(*lock, state.lock, fetcher, true); !verified) {
    return std::move(verified).error();
  }
  report.warnings = yanked_warnings(*lock, mode, fetcher);
  report.changes = diff_locks(state.lock, *lock);
  auto installed = install(paths, state, manifest_text, *lock, manifest->wit_deps, fetcher, report);
  if (!installed) return std::move(installed).error();
  if (auto remembered = remember_logs(fetcher); !remembered) return std::move(remembered).error();
  return report;
}

}  // namespace

std::string PackageChange::to_string() const {
  switch (kind) {
    case Kind::kAdded:
      return "added " + name.to_string() + " " + to->to_string();
    case Kind::kUpdated:
      return "updated " + name.to_string() + " " + from->to_string() + " -> " + to->to_string();
    case Kind::kRemoved:
      return "removed " + name.to_string() + " " + from->to_string();
  }
  return {};
}

std::string deps_folder_name(const PackageName& name, const Version& version) {
  return name.space() + "-" + name.name() + "-" + version.to_string();
}

std::string deps_file_name(const PackageName& name, const Version& version) {
  return deps_folder_name(name, version) + ".wasm";
}

Result<SyncReport> fetch_wit_dependencies(const ProjectPaths& paths,
                                          const std::vector<ManifestDependency>& missing,
                                          const std::vector<ManifestDependency>& at_hand,
                                          Fetcher& fetcher) {
  auto state = load_state(paths, WithoutManifest::kStartEmpty, BrokenLock::kRefuse);
  if (!state) return std::move(state).error();
  state->keep_manifest = true;
  std::vector<ManifestDependency> extra;
  const auto add = [&](const ManifestDependency& dependency) {
    if (state->manifest.find(dependency.name) != nullptr) return;
    for (const auto& known : extra) {
      if (known.name == dependency.name) return;
    }
    extra.push_back(dependency);
  };
  for (const auto& dependency : missing) add(dependency);
  for (const auto& dependency : at_hand) {
    if (!state->lock.find(dependency.name).empty()) add(dependency);
  }
  return sync(paths, *state, state->manifest_text, {}, fetcher, {}, extra);
}

std::optional<std::string> unlocked_requirement(const Manifest& manifest, const Lockfile& lock) {
  for (const auto& dependency : manifest.dependencies) {
    auto text = dependency.requirement.to_string();
    bool covered = false;
    for (const auto* locked : lock.find(dependency.name)) {
      bool listed = std::find(locked->requirements.begin(), locked->requirements.end(), text) !=
                    locked->requirements.end();
      if (listed && dependency.requirement.matches(locked->version)) covered = true;
    }
    if (!covered) return dependency.name.to_string() + " " + text;
  }
  return std::nullopt;
}

Result<SyncReport> add_dependencies(const ProjectPaths& paths, const std::vector<PackageRef>& refs,
                                    Fetcher& fetcher) {
  auto state = load_state(paths, WithoutManifest::kStartEmpty, BrokenLock::kRefuse);
  if (!state) return std::move(state).error();

  std::vector<PackageName> names;
  for (const auto& ref : refs) names.push_back(ref.name);
  auto documents = fetcher.documents(names);

  SyncReport report;
  std::string text = state->manifest_text;
  for (std::size_t i = 0; i < refs.size(); ++i) {
    if (!documents[i]) return documents[i].error();
    const auto& ref = refs[i];
    const auto& document = *documents[i];
    std::optional<VersionReq> requirement = ref.requirement;
    if (!requirement) {
      if (const auto* existing = state->manifest.find(ref.name)) {
        requirement = existing->requirement;
      } else if (const auto* newest = pick_release(document, std::nullopt)) {
        requirement = VersionReq::caret(newest->version);
      } else {
        return fail(ErrorCode::kNotFound, ref.name.to_string() +
                                              " has no release that is not yanked; name a "
                                              "version with " +
                                              ref.name.to_string() + "@=VERSION");
      }
    }
    if (!pick_release(document, requirement)) {
      std::string message =
          "no version of " + ref.name.to_string() + " matches " + requirement->to_string();
      if (const auto* newest = pick_release(document, std::nullopt)) {
        message += " (newest is " + newest->version.to_string() + "); try " + ref.name.to_string() +
                   "@" + newest->version.to_string();
      }
      return fail(ErrorCode::kNotFound, std::move(message));
    }
    auto edited = set_manifest_dependency(text, ref.name, *requirement);
    if (!edited) return std::move(edited).error();
    if (*edited != text) {
      report.manifest_edits.push_back("wreg.toml: " + toml_quote(ref.name.to_string()) + " = " +
                                      toml_quote(requirement->to_string()));
    }
    text = std::move(*edited);
  }
  return sync(paths, *state, text, {}, fetcher, std::move(report));
}

Result<SyncReport> remove_dependency(const ProjectPaths& paths, const PackageName& name,
                                     Fetcher& fetcher) {
  auto state = load_state(paths, WithoutManifest::kRefuse, BrokenLock::kRefuse);
  if (!state) return std::move(state).error();
  auto edited = remove_manifest_dependency(state->manifest_text, name);
  if (!edited) return std::move(edited).error();
  SyncReport report;
  report.manifest_edits.push_back("wreg.toml: removed " + toml_quote(name.to_string()));
  return sync(paths, *state, *edited, {}, fetcher, std::move(report));
}

Result<SyncReport> update_dependencies(const ProjectPaths& paths,
                                       const std::optional<PackageName>& name, Fetcher& fetcher) {
  auto state =
      load_state(paths, WithoutManifest::kRefuse, name ? BrokenLock::kRefuse : BrokenLock::kIgnore);
  if (!state) return std::move(state).error();
  ResolveMode mode;
  if (name) {
    if (!state->manifest.find(*name) && state->lock.find(*name).empty()) {
      return fail(ErrorCode::kNotFound, name->to_string() +
                                            " is not a dependency of this project; add it with "
                                            "`wreg add " +
                                            name->to_string() + "`");
    }
    mode.update.push_back(*name);
  } else {
    mode.update_all = true;
  }
  return sync(paths, *state, state->manifest_text, mode, fetcher, {});
}

Result<VerifyReport> verify_lock(const ProjectPaths& paths, Fetcher& fetcher) {
  auto state = load_state(paths, WithoutManifest::kStartEmpty, BrokenLock::kRefuse);
  if (!state) return std::move(state).error();
  if (!state->lock_exists) {
    return fail(ErrorCode::kNotFound,
                "there is no wreg.lock here to verify; run `wreg fetch` first");
  }
  if (fetcher.log_verifier() == nullptr || fetcher.offline()) {
    return fail(ErrorCode::kInvalidArgument,
                "wreg verify asks the registries; it cannot be offline");
  }
  Lockfile lock = state->lock;
  if (auto verified = verify_in_logs(lock, state->lock, fetcher, false); !verified) {
    return std::move(verified).error();
  }
  if (auto remembered = remember_logs(fetcher); !remembered) return std::move(remembered).error();
  VerifyReport report;
  for (const auto& package : lock.packages) {
    (protocol_of(package.registry) == RegistryProtocol::kWreg ? report.packages
                                                              : report.unlogged)++;
  }
  report.logs = fetcher.log_verifier()->verified_logs();
  return report;
}

Result<LockedProject> read_locked_project(const ProjectPaths& paths) {
  auto state = load_state(paths, WithoutManifest::kStartEmpty, BrokenLock::kRefuse);
  if (!state) return std::move(state).error();
  if (!state->lock_exists) {
    return fail(ErrorCode::kNotFound, "there is no wreg.lock in " + paths.root.string() +
                                          "; run `wreg fetch` (or `wreg add ns:name`) first");
  }
  return LockedProject{std::move(state->manifest), std::move(state->lock)};
}

Result<SyncReport> fetch_dependencies(const ProjectPaths& paths, bool locked, Fetcher& fetcher) {
  auto state = load_state(paths, WithoutManifest::kRefuse, BrokenLock::kRefuse);
  if (!state) return std::move(state).error();
  auto missing = unlocked_requirement(state->manifest, state->lock);
  if (locked) {
    if (!state->lock_exists) {
      return fail(ErrorCode::kConflict,
                  "there is no wreg.lock and --locked forbids writing one; run `wreg fetch` "
                  "without --locked");
    }
    if (missing) {
      return fail(ErrorCode::kConflict,
                  "wreg.lock does not satisfy wreg.toml: " + *missing +
                      " is not locked, and --locked forbids changing the lock; run `wreg fetch` "
                      "without --locked");
    }
  }
  if (!missing && state->lock_exists) {
    // The lock is installed as it is: verified, never rewritten.
    Lockfile lock = state->lock;
    if (auto verified = verify_in_logs(lock, state->lock, fetcher, false); !verified) {
      return std::move(verified).error();
    }
    SyncReport report;
    report.warnings = yanked_warnings(state->lock, {}, fetcher);
    auto installed = install(paths, *state, state->manifest_text, state->lock,
                             state->manifest.wit_deps, fetcher, report);
    if (!installed) return std::move(installed).error();
    if (auto remembered = remember_logs(fetcher); !remembered) return std::move(remembered).error();
    return report;
  }
  return sync(paths, *state, state->manifest_text, {}, fetcher, {});
}

}  // namespace wreg::client
