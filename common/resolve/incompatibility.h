// The solver's record of what it learned, as the solver (solver.cpp) builds it and the proof
// builder (derivation.h) reads it. Internal to common/resolve/, like version_set.h: nothing
// outside these two files includes it, and solver.h stays the resolver's interface.
//
// Slots are the units of choice (the project, one package track, or the choice of track for a
// wide requirement); edges are the distinct requirements; incompatibilities are PubGrub's sets of
// terms that cannot all hold, each either external (a fact: a dependency, a missing or yanked
// package) or derived from two others during conflict resolution (`left`, `right`, resolved on
// `pivot`). The derived ones link back to their causes, which makes the incompatibilities a
// derivation graph whose external leaves are the facts a Conflict reports. Everything refers to
// everything else by index into the solver's vectors, which live for one solve() call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "common/api/package_document.h"
#include "common/package_name.h"
#include "common/resolve/source.h"
#include "common/resolve/version_set.h"
#include "common/version.h"
#include "common/version_req.h"

namespace wreg::resolve {

constexpr int kNone = -1;                     // no slot, edge or incompatibility
constexpr std::size_t kNoVersion = SIZE_MAX;  // no version of a slot

// What a requirement edge leads to, once the document of its package is known.
struct Target {
  enum class Kind { kSlot, kNoMatch, kMissing, kUnreachable, kNotFetched };
  Kind kind = Kind::kSlot;
  int slot = kNone;
  VersionSet set;  // kSlot: the versions of `slot` that satisfy the edge (a positive set)
};

// One distinct requirement (package + requirement), shared by every release that has it. The
// pointers are into the request and the source's documents, which outlive the solve.
struct Edge {
  const PackageName* name;
  const VersionReq* requirement;
  std::optional<Target> target;  // computed on first use
};

enum class SlotKind { kRoot, kTrack, kChoice };

// A unit of choice: the project (kRoot), one (package, track) (kTrack), or the choice of track
// for an edge whose requirement spans several tracks (kChoice).
struct Slot {
  SlotKind kind = SlotKind::kTrack;
  std::optional<PackageName> name;                   // absent for the project
  CompatTrack track;                                 // kTrack
  std::vector<const api::ReleaseSummary*> releases;  // kTrack: newest first
  std::vector<int> root_edges;                       // kRoot: the project's requirements
  std::vector<Target> options;                       // kChoice: per track, newest track first
  int edge = kNone;                                  // kChoice: the edge it serves
  std::size_t n = 0;
  VersionSet allowed;  // versions that may be decided: not yanked, or locked and kept
  std::size_t locked = kNoVersion;
  bool updating = false;  // named by `update`: decided before the rest, so it gets the newest

  // Partial-solution state.
  VersionSet accumulated;  // intersection of this slot's assignments
  std::vector<int> trail;  // this slot's assignments, oldest first
  std::size_t decided = kNoVersion;
  std::vector<int> incompatibilities;  // every incompatibility with a term on this slot
  bool queued_for_decision = false;    // in Solver::decisions_, with this count
  std::size_t queued_count = 0;
  bool queued = false;  // listed in the propagation queue
};

struct Term {
  int slot = kNone;
  VersionSet set;
};

enum class Cause {
  kDependency,   // `from` at these versions needs `edge`
  kNoMatch,      // `from` at these versions needs `edge`, which no version matches
  kMissing,      // ... whose package does not exist
  kUnreachable,  // ... whose package could not be fetched
  kYanked,       // these versions of the slot are not allowed
  kChoice,       // the choice of track `from` at this option needs that track's slot
  kDerived,      // conflict resolution of `left` and `right` on `pivot`
};

// PubGrub's incompatibility: `terms` cannot all hold. External ones say which fact they state
// (`cause`, with `edge` and `from` for a requirement); derived ones which two they came from.
struct Incompatibility {
  std::vector<Term> terms;
  Cause cause = Cause::kDerived;
  int edge = kNone;
  int from = kNone;
  int left = kNone;
  int right = kNone;
  int pivot = kNone;
};

// A package as the solver loaded it from the source.
struct PackageInfo {
  const api::PackageDocument* document = nullptr;
  Absence absence = Absence::kNotFetched;
  std::vector<const api::ReleaseSummary*> sorted;  // newest first
  std::map<CompatTrack, int> slots;
};

}  // namespace wreg::resolve
