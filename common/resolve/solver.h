// The resolver: chooses one exact version per package and compatibility track, or explains why
// no choice exists. Pure code: it reads package documents from a PackageSource (source.h) and
// does no I/O, keeps no global state, and gives the same answer for the same input.
//
// How it works. The solver is PubGrub (dart-lang/pub doc/solver.md): a conflict-driven search
// that keeps "incompatibilities", sets of facts that cannot all hold at once ("demo:app 1.0.0
// and not demo:lib ^1.0"). It alternates unit propagation (derive what must follow from the
// incompatibilities), decision making (pick a version for a package that must be selected) and,
// when an incompatibility is satisfied, conflict resolution: it derives the root cause as a new
// incompatibility, jumps back to the last decision that matters, and never makes the same
// mistake again. When the root cause is "the project itself", the derivation graph of that
// final incompatibility is the proof that no solution exists; the proof builder (derivation.h)
// turns it into a Conflict that keeps its external facts, and explain() (explain.h) prints them.
//
// The unit of choice is the (package, compatibility track) pair, a "slot": wasi:io 0.2.x and
// wasi:io 0.3.x are two slots and both may be selected (DESIGN.md, "Names"). Each slot gets at
// most one version. A requirement is an edge to the slots that hold versions matching it:
//   - matching versions on one track only (the usual case: ^1.2, ~0.2.1, =1.0.0): the edge needs
//     that slot at one of those versions;
//   - matching versions on several tracks (>=0.2, <0.4, or *): like Cargo, the edge is satisfied
//     by one candidate, so it becomes a choice among the tracks (an internal "which track"
//     package, as in pubgrub-rs' guide on multiple versions). The choice prefers a track that is
//     already selected, then the locked one, then the newest; a wider requirement therefore does
//     not pull in a second copy of a package that is already there;
//   - no matching version, or no such package: the dependent version is ruled out, a fact.
// Since a slot's versions are known once its document is in memory, a set of versions is a
// bitset over them (plus one bit for "not selected"), which makes intersection, union and
// complement exact and cheap.
//
// Choices: packages named by `update` are decided first (so that they reach their newest
// versions before locked neighbours constrain them), then the slot with the fewest remaining
// candidates (ties by name and track), the "which track" choices after all real packages. A slot
// takes its locked version when that is still allowed and the package is not being updated, else
// the newest allowed one. As in pub, a version whose own dependencies already contradict the
// partial solution is not decided but ruled out by propagation, which spares a backjump.
// Yanked versions are chosen only as may_choose() says. Pre-releases follow
// Cargo's rule (VersionReq::matches) unless the request allows them.
//
// Cost: each decision costs a few set operations per incompatibility of its slot; the
// benchmark (bench/README.md) resolves ~1,000 packages from a 10,000-package registry in
// 15-40 ms of CPU and a 1,000-deep chain that backtracks at every link in about 0.2 s.
//
// Nothing recurses on the depth of the dependency graph, so a chain of any length is safe.
//
// How a client uses it (cargo's loop; `cache` is its PackageSource over fetched documents):
//
//   ResolveRequest request{requirements_from_manifest, entries_from_lock, update_names};
//   for (auto names = unfetched_dependencies(request, cache); !names.empty();
//        names = unfetched_dependencies(request, cache)) {
//     fetch_documents(names);  // in parallel; a 404 becomes Absence::kMissing
//   }
//   SolveOutcome outcome = solve(request, cache);
//   if (const auto* needs = outcome.needs()) { /* fetch needs->names, solve again */ }
//   if (const auto* conflict = outcome.conflict()) return to_error(*conflict);  // explain.h
//   for (const auto& package : outcome.resolution()->packages) { /* write the lock */ }
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/digest.h"
#include "common/package_name.h"
#include "common/package_ref.h"
#include "common/resolve/source.h"
#include "common/version.h"
#include "common/version_req.h"

namespace wreg::resolve {

// One requirement of the project (wreg.toml or the command line).
struct Requirement {
  PackageName name;
  VersionReq requirement;
};

struct ResolveRequest {
  std::vector<Requirement> requirements;  // the project's own; order does not matter
  std::vector<PackageVersion> locked;     // the current lock, possibly empty
  // Packages whose locked versions are ignored (`wreg update P`); others keep theirs when they
  // still satisfy every requirement. `update_all` ignores the whole lock (`wreg update`).
  std::vector<PackageName> update;
  bool update_all = false;
  // When true, a pre-release may be chosen wherever it satisfies the comparators and its release
  // would too (0.3.0-rc.1 for >=0.2; not 2.0.0-rc.1 for ^1). Default: Cargo's rule only.
  bool allow_prereleases = false;
};

// Who asked for a resolved package, and with what requirement.
struct Requirer {
  std::optional<PackageVersion> by;  // absent: the project itself
  VersionReq requirement;
  bool operator==(const Requirer&) const = default;
};

struct ResolvedPackage {
  PackageName name;
  Version version;
  Digest digest;
  bool yanked = false;                // kept from the lock although yanked since (may_choose())
  std::vector<Requirer> required_by;  // the project first, then by package and version
};

// One version per selected (package, track), sorted by name, then version.
struct Resolution {
  std::vector<ResolvedPackage> packages;
};

// One external fact that the proof of a conflict rests on.
struct Fact {
  enum class Kind {
    kRequested,    // you asked for `package requirement`
    kDependency,   // `dependent dependent_versions` needs `package requirement`
    kNoMatch,      // ... needs `package requirement`, but no version of it matches
    kMissing,      // ... needs `package`, but the registry has no such package
    kUnreachable,  // ... needs `package`, but its document could not be fetched
    kYanked,       // `package` `versions` are yanked
  };
  Kind kind = Kind::kRequested;
  PackageName package;
  std::string requirement;               // canonical text, e.g. "^0.2.1"
  std::optional<PackageName> dependent;  // absent: the project (kind kRequested, or a failed edge)
  std::string dependent_versions;        // "0.2.0", "0.2.0 through 0.2.4", "1.0.0, 1.2.0"
  // kDependency: the project's own requirement on `dependent`, when the project asked for it
  // directly (then that kRequested fact is folded into this one).
  std::string requested_as;
  std::string versions;  // kYanked: the versions; kNoMatch: the newest version, if any
};

// Two requirements on one package (and track) that share no version: a step of the proof.
struct Clash {
  PackageName package;
  std::string first;      // the requirement nearer the project, e.g. "=0.2.0"
  std::string second;     // e.g. "^0.2.1"
  std::size_t after = 0;  // explain() prints it after this many facts
};

// Why no resolution exists: PubGrub's derivation, as the external facts it rests on and the
// clashes it found, in the order explain() prints them. Within a stretch of the proof, facts run
// from the project outwards along the dependency chain; a clash follows the facts it rests on.
struct Conflict {
  PackageName package;  // the package that cannot be resolved (explain()'s first line)
  std::vector<Fact> facts;
  std::vector<Clash> clashes;
};

// The solver met packages whose documents are not in memory (Absence::kNotFetched), or decided
// releases that their document lists without dependencies yet (ReleaseSummary::unread: an OCI
// registry's tags say which versions exist, and each release's dependencies are in its bytes).
// Fetch the documents, read the releases, and solve again; the run's other findings are not
// trustworthy without them. Only releases the run decided are named, so a resolution reads the
// candidates it chose, not every version a tag list shows.
struct NeedsDocuments {
  std::vector<PackageName> names;        // sorted, unique
  std::vector<PackageVersion> releases;  // sorted, unique
};

struct SolveOutcome {
  std::variant<Resolution, Conflict, NeedsDocuments> value;

  bool solved() const { return value.index() == 0; }
  const Resolution* resolution() const { return std::get_if<Resolution>(&value); }
  const Conflict* conflict() const { return std::get_if<Conflict>(&value); }
  const NeedsDocuments* needs() const { return std::get_if<NeedsDocuments>(&value); }
};

// Resolves `request` against `source`. Same inputs (as sets: the order of requirements,
// documents, versions and dependencies does not matter), same outcome. Runs in one thread and
// touches nothing but its arguments; `source` is only read. Terminates on every input,
// including cycles, missing packages and unsatisfiable requirements.
SolveOutcome solve(const ResolveRequest& request, const PackageSource& source);

// The names the solver could need that `source` has not fetched yet: packages required by the
// project and, transitively, by every release that matches a requirement met on the way and is
// not yanked (or is locked). Fetch these (in parallel), call again until empty, then solve();
// solve() will not answer NeedsDocuments for documents that did not change. Sorted, unique.
std::vector<PackageName> unfetched_dependencies(const ResolveRequest& request,
                                                const PackageSource& source);

// The one rule for yanked releases, which every command follows through the solver: a yanked
// release may be chosen only when wreg.lock has it (`request.locked`, also for a package being
// updated), and then a package not being updated keeps it, while one being updated moves off it
// to the newest allowed release that is not yanked, if there is one. So no command fails because
// a locked release has been yanked since; the resolution marks such a release (ResolvedPackage::
// yanked) for the command's warning.
bool may_choose(const ResolveRequest& request, const PackageName& name,
                const api::ReleaseSummary& release);

// Whether `version` may satisfy `requirement` under the request's pre-release option.
bool satisfies(const VersionReq& requirement, const Version& version, bool allow_prereleases);

}  // namespace wreg::resolve
