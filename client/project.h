// Project: the add / update / remove / fetch flow over a project folder (DESIGN.md, "Client
// files"):
//
//   wreg.toml       the user's requirements; edited as text, everything else kept byte for byte
//   wreg.lock       what was resolved: exact versions, registries, digests (common/lockfile.h)
//   wit/deps/<ns>-<name>-<version>.wasm   the locked packages' bytes, verified by digest, or
//   wit/deps/<ns>-<name>-<version>/package.wit   with [wit] deps = "text" in wreg.toml: each
//                   locked WIT package as WIT text, the `package.wit` its verified bytes print
//                   (common/wit/wit_text.h), as wkg writes them; a component stays a .wasm
//
// Every operation runs in the same order, so that a failure part-way changes nothing the user
// relies on:
//   1. work out the new manifest text (in memory);
//   2. resolve it against the registry (cargo's loop: fetch the documents the solver names, in
//      parallel and revalidated by ETag, and solve again), keeping every locked version that
//      still fits unless the package is being updated; a conflict stops here with the
//      resolver's explanation (kUnsolvable) and nothing written;
//   3. download and verify every blob that wit/deps/ does not already hold (cache first; as text,
//      every blob, to print it), and print each as text when that is the form;
//   4. write wit/deps/ files, then wreg.lock, then wreg.toml, each to a temp file renamed into
//      place; a killed `wreg` leaves each file either old or new, never torn;
//   5. remove what wreg wrote in wit/deps/ that the new lock does not name as it is now held:
//      packages the previous lock named, other versions, and the form not chosen (a .wasm when
//      the form is text, a folder's package.wit, and the folder once empty, when it is binary).
//      Files wreg did not write are never touched: the user's files in wit/deps/ and in a
//      package's folder, and a symbolic link where wreg would not have put one.
// A file in wit/deps/ whose bytes do not match the lock (as text: whose text is not what the
// locked bytes print) is reported and replaced.
//
// Names in wit/deps/ come from the lock, which holds only validated package names (kebab-case
// labels) and strict SemVer versions, so each is one path component: no `/`, never `.` or `..`.
//
// Not thread-safe: one operation at a time per project folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "client/fetcher.h"
#include "common/lockfile.h"
#include "common/manifest.h"
#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/version.h"

namespace wreg::client {

struct PackageChange {
  enum class Kind { kAdded, kUpdated, kRemoved };
  Kind kind = Kind::kAdded;
  PackageName name;
  std::optional<Version> from;  // kUpdated, kRemoved
  std::optional<Version> to;    // kAdded, kUpdated

  // `added wasi:io 0.2.8`, `updated wasi:io 0.2.3 -> 0.2.8`, `removed wasi:io 0.2.3`
  std::string to_string() const;
};

struct SyncReport {
  std::vector<std::string> manifest_edits;  // `wreg.toml: "wasi:http" = "^0.2.8"`
  std::vector<PackageChange> changes;       // lock changes, sorted by name
  std::vector<std::string> repaired;        // wit/deps/ files replaced because they did not match
  std::vector<std::string> warnings;        // e.g. a kept version that has been yanked since
  std::size_t locked = 0;                   // packages in the lock afterwards
  std::size_t downloaded = 0;               // blobs fetched from the cache or the registry
};

// wreg.toml, wreg.lock and wit/deps/ under `root`.
struct ProjectPaths {
  std::filesystem::path root;
  std::filesystem::path manifest() const { return root / "wreg.toml"; }
  std::filesystem::path lock() const { return root / "wreg.lock"; }
  std::filesystem::path deps() const { return root / "wit" / "deps"; }
};

// `<ns>-<name>-<version>`: the folder of a package held as text.
std::string deps_folder_name(const PackageName& name, const Version& version);
// `<ns>-<name>-<version>.wasm`
std::string deps_file_name(const PackageName& name, const Version& version);

// A project's wreg.toml (empty when there is none) and wreg.lock as they are, for the commands
// that read the lock without resolving (`wreg tree`, `wreg outdated`). kNotFound, saying how to
// make one, when there is no wreg.lock; a file that does not parse is its parser's error.
struct LockedProject {
  Manifest manifest;
  Lockfile lock;
};
Result<LockedProject> read_locked_project(const ProjectPaths& paths);

// `wreg add REF...`: sets each requirement in wreg.toml (created when missing). A ref without a
// requirement keeps the manifest's, or else takes `^newest` (newest release that is neither
// yanked nor a pre-release). kNotFound with suggestions for an unknown package; kUnsolvable
// with the explanation for a conflict; nothing is written on failure.
Result<SyncReport> add_dependencies(const ProjectPaths& paths, const std::vector<PackageRef>& refs,
                                    Fetcher& fetcher);

// `wreg remove NAME`: drops the requirement and whatever only it needed.
Result<SyncReport> remove_dependency(const ProjectPaths& paths, const PackageName& name,
                                     Fetcher& fetcher);

// `wreg update [NAME]`: re-resolves ignoring the lock for `name` (all packages when absent).
Result<SyncReport> update_dependencies(const ProjectPaths& paths,
                                       const std::optional<PackageName>& name, Fetcher& fetcher);

// `wreg fetch [--locked]`: makes wit/deps/ exactly what wreg.lock says. Requirements the
// manifest gained since the lock was written are resolved (keeping every locked version), unless
// `locked`, which instead fails naming the first requirement the lock does not satisfy.
Result<SyncReport> fetch_dependencies(const ProjectPaths& paths, bool locked, Fetcher& fetcher);

// `wreg build` of the project's wit/ when its WIT names packages wit/deps/ does not hold (like
// `wkg wit fetch`): resolves wreg.toml's requirements together with `named`, the packages the
// WIT names (each `=VERSION` as written, or `*`; wreg.toml's own requirement for a package wins,
// which is how it pins or widens one), and installs the result as `wreg fetch` does, transitive
// dependencies included. Of `named`, the packages in `missing` are always roots; the others only
// when wreg.lock holds them already (so that a package the user put in wit/deps/ by hand is never
// asked of the registry, and one fetched before stays locked). Records them in wreg.lock only,
// never in wreg.toml, which need not exist. Errors as fetch_dependencies().
Result<SyncReport> fetch_wit_dependencies(const ProjectPaths& paths,
                                          const std::vector<ManifestDependency>& missing,
                                          const std::vector<ManifestDependency>& at_hand,
                                          Fetcher& fetcher);

// `wreg verify`: checks every package of wreg.lock against its registry's transparency log now
// (client/log_verifier.h), and that the log still extends each checkpoint the lock recorded.
// Writes nothing in the project. kNotFound without a wreg.lock; the verifier's errors.
struct VerifyReport {
  std::size_t packages = 0;     // checked in a log
  std::size_t unlogged = 0;     // from registries without a log (OCI)
  std::vector<LockedLog> logs;  // the newest checkpoint of each registry, as verified
};
Result<VerifyReport> verify_lock(const ProjectPaths& paths, Fetcher& fetcher);

// The first manifest requirement (as `ns:name req`) that `lock` does not record as satisfied,
// or nullopt when the lock covers the manifest.
std::optional<std::string> unlocked_requirement(const Manifest& manifest, const Lockfile& lock);

}  // namespace wreg::client
