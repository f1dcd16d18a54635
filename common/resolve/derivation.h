// The proof builder: turns the derivation of a failed resolution into the Conflict (solver.h)
// that explain() (explain.h) prints, the way pubgrub-rs keeps report.rs apart from solver.rs.
//
// When conflict resolution derives an incompatibility that rules out the project itself, the
// solver stops and hands that "terminal" incompatibility here with its record (incompatibility.h).
// Its derivation is a graph: each derived incompatibility came from two others, down to external
// facts (what the project asked for, what each release needs, what is missing or yanked). The
// builder reads that graph in six steps, each a function in derivation.cpp:
//   1. walk the derivation depth first, left cause before right: the external facts (once each)
//      and the clashes (two requirements on one track that share no version), in proof order;
//   2. measure how far each slot is from the project along the dependency facts;
//   3. state each external fact as a Fact;
//   4. show each dependent only at the versions that the proof's requirements on it allow;
//   5. fold "you asked for A R" into the facts about what A needs;
//   6. arrange the report: its header package, the facts in chain order from the project
//      outwards, and each clash after the facts it rests on.
// Nothing is invented after the fact: every line of the report is an incompatibility the solver
// used. Pure, like the solver: same record in, same Conflict out.
#pragma once

#include <map>
#include <vector>

#include "common/package_name.h"
#include "common/resolve/incompatibility.h"
#include "common/resolve/solver.h"

namespace wreg::resolve {

// The solver's record, read-only and valid for the call. `root` is the project's slot.
struct DerivationGraph {
  const std::vector<Incompatibility>& incompatibilities;
  const std::vector<Slot>& slots;
  const std::vector<Edge>& edges;
  const std::map<PackageName, PackageInfo>& packages;
  int root = kNone;
};

// The Conflict whose proof is the derivation of `terminal`, an incompatibility that rules out
// the project (an index into graph.incompatibilities).
Conflict build_conflict(const DerivationGraph& graph, int terminal);

}  // namespace wreg::resolve
