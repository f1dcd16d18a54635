#include "common/resolve/derivation.h"

#include <algorithm>
#include <climits>
#include <set>
#include <string>
#include <utility>

namespace wreg::resolve {
namespace {

const Term* term_on(const Incompatibility& node, int slot) {
  for (const auto& term : node.terms) {
    if (term.slot == slot) return &term;
  }
  return nullptr;
}

std::string edge_text(const DerivationGraph& graph, int edge) {
  return graph.edges[edge].requirement->to_string();
}

// `set` of `slot`'s versions as a person reads them: "0.2.0", "0.2.0 through 0.2.4" for three or
// more in a row, else a list ("1.0.0, 1.2.0") of at most four and how many more.
std::string versions_text(const Slot& slot, const VersionSet& set) {
  std::vector<std::size_t> indices;  // oldest first
  for (std::size_t i = slot.n; i-- > 0;) {
    if (set.test(i)) indices.push_back(i);
  }
  if (indices.empty()) return "no version";
  auto version = [&](std::size_t i) { return slot.releases[i]->version.to_string(); };
  if (indices.size() == 1) return version(indices[0]);
  bool contiguous = indices.front() - indices.back() + 1 == indices.size();
  if (contiguous && indices.size() >= 3) {
    return version(indices.front()) + " through " + version(indices.back());
  }
  std::string out;
  constexpr std::size_t kListed = 4;
  for (std::size_t k = 0; k < indices.size() && k < kListed; ++k) {
    if (k > 0) out += ", ";
    out += version(indices[k]);
  }
  if (indices.size() > kListed) out += " and " + std::to_string(indices.size() - kListed) + " more";
  return out;
}

// A clash: a step that resolved two requirements on one track that share no version.
bool is_clash(const DerivationGraph& graph, const Incompatibility& node) {
  if (node.cause != Cause::kDerived || graph.slots[node.pivot].kind != SlotKind::kTrack) {
    return false;
  }
  const Term* left = term_on(graph.incompatibilities[node.left], node.pivot);
  const Term* right = term_on(graph.incompatibilities[node.right], node.pivot);
  return left != nullptr && right != nullptr && !left->set.positive() && !right->set.positive() &&
         !(~left->set).intersects(~right->set);
}

// Step 1's result: the proof's external facts and clashes in the order a proof reads.
struct Walk {
  struct Event {
    int id;      // an incompatibility
    bool clash;  // true: a derived one that is a clash; false: an external fact
  };
  std::vector<Event> events;   // a clash after the facts it rests on
  std::vector<int> externals;  // the external incompatibilities, once each, in proof order
};

// Step 1: walks the derivation of `terminal` depth first, left cause before right.
Walk walk_derivation(const DerivationGraph& graph, int terminal) {
  Walk walk;
  std::vector<char> seen(graph.incompatibilities.size(), 0);
  std::vector<std::pair<int, int>> stack{{terminal, 0}};  // (id, causes visited so far)
  while (!stack.empty()) {
    auto& [id, state] = stack.back();
    const Incompatibility& node = graph.incompatibilities[id];
    if (node.cause != Cause::kDerived) {
      if (!seen[id]) {
        walk.externals.push_back(id);
        walk.events.push_back(Walk::Event{id, false});
      }
      seen[id] = 1;
      stack.pop_back();
      continue;
    }
    if (state == 0) {
      if (seen[id]) {
        stack.pop_back();
        continue;
      }
      seen[id] = 1;
      state = 1;
      stack.emplace_back(node.left, 0);
    } else if (state == 1) {
      state = 2;
      stack.emplace_back(node.right, 0);
    } else {
      if (is_clash(graph, node)) walk.events.push_back(Walk::Event{id, true});
      stack.pop_back();
    }
  }
  return walk;
}

// How many dependency facts lie between the project and each slot (a choice of track adds
// none); INT_MAX for a slot the facts do not reach.
class Distances {
 public:
  int of(int slot) const {
    auto it = distance_.find(slot);
    return it == distance_.end() ? INT_MAX : it->second;
  }
  void set(int slot, int distance) { distance_[slot] = distance; }

 private:
  std::map<int, int> distance_;
};

// Step 2: the distances, so that facts print in chain order.
Distances measure_distances(const DerivationGraph& graph, const std::vector<int>& externals) {
  Distances distances;
  distances.set(graph.root, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (int id : externals) {
      const Incompatibility& node = graph.incompatibilities[id];
      if (node.cause != Cause::kDependency && node.cause != Cause::kChoice) continue;
      int from = distances.of(node.from);
      if (from == INT_MAX) continue;
      int to_slot = node.terms.back().slot;
      int step = node.cause == Cause::kChoice ? 0 : 1;
      if (from + step < distances.of(to_slot)) {
        distances.set(to_slot, from + step);
        changed = true;
      }
    }
  }
  return distances;
}

// A fact of the proof, with what the later steps need to place it.
struct Entry {
  Fact fact;
  int depth = INT_MAX;   // the distance of the slot the fact is about
  int from = kNone;      // that slot: the dependent's, or the yanked package's
  int id = kNone;        // the incompatibility that states the fact
  bool dropped = false;  // folded into other facts (step 5): not printed
};

struct Facts {
  std::vector<Entry> entries;           // in proof order
  std::map<int, std::size_t> entry_of;  // incompatibility id -> index in entries
};

// Step 3: each external incompatibility as a Fact (a choice of track states none).
Facts state_facts(const DerivationGraph& graph, const std::vector<int>& externals,
                  const Distances& distances) {
  Facts facts;
  const PackageName placeholder = *graph.edges.front().name;
  for (int id : externals) {
    const Incompatibility& node = graph.incompatibilities[id];
    Entry entry{Fact{Fact::Kind::kRequested, placeholder, {}, {}, {}, {}, {}}};
    entry.id = id;
    entry.from = node.from;
    entry.depth = node.from == kNone ? INT_MAX : distances.of(node.from);
    Fact& fact = entry.fact;
    switch (node.cause) {
      case Cause::kChoice:
      case Cause::kDerived:
        continue;
      case Cause::kYanked: {
        const Slot& slot = graph.slots[node.terms[0].slot];
        fact.kind = Fact::Kind::kYanked;
        fact.package = *slot.name;
        fact.versions = versions_text(slot, node.terms[0].set);
        entry.from = node.terms[0].slot;
        entry.depth = distances.of(entry.from);
        break;
      }
      case Cause::kDependency:
      case Cause::kNoMatch:
      case Cause::kMissing:
      case Cause::kUnreachable: {
        const Edge& edge = graph.edges[node.edge];
        fact.kind = node.cause == Cause::kDependency ? Fact::Kind::kDependency
                    : node.cause == Cause::kNoMatch  ? Fact::Kind::kNoMatch
                    : node.cause == Cause::kMissing  ? Fact::Kind::kMissing
                                                     : Fact::Kind::kUnreachable;
        fact.package = *edge.name;
        fact.requirement = edge_text(graph, node.edge);
        const Slot& from = graph.slots[node.from];
        if (from.kind == SlotKind::kTrack) {
          fact.dependent = *from.name;
          const Term* term = term_on(node, node.from);
          fact.dependent_versions =
              versions_text(from, term ? term->set : VersionSet::none(from.n));
        } else if (fact.kind == Fact::Kind::kDependency) {
          fact.kind = Fact::Kind::kRequested;
        }
        if (fact.kind == Fact::Kind::kNoMatch) {
          const PackageInfo& info = graph.packages.at(*edge.name);
          if (!info.sorted.empty()) fact.versions = info.sorted.front()->version.to_string();
        }
        break;
      }
    }
    facts.entry_of[id] = facts.entries.size();
    facts.entries.push_back(std::move(entry));
  }
  return facts;
}

// Step 4: shows each dependent only at the versions the proof requires of it: the versions that
// the requirements on its slot (from the facts, including hidden track choices) allow.
void narrow_dependents(const DerivationGraph& graph, const std::vector<int>& externals,
                       std::vector<Entry>& entries) {
  std::map<int, VersionSet> required;  // slot -> union of what the facts' requirements allow
  auto require = [&](int slot, const VersionSet& set) {
    auto [it, inserted] = required.try_emplace(slot, set);
    if (!inserted) it->second |= set;
  };
  for (int id : externals) {
    const Incompatibility& node = graph.incompatibilities[id];
    if (node.cause != Cause::kDependency && node.cause != Cause::kChoice) continue;
    const Term& target = node.terms.back();
    if (target.slot == node.from) continue;
    const Slot& target_slot = graph.slots[target.slot];
    if (target_slot.kind == SlotKind::kChoice) {
      for (const auto& option : target_slot.options) require(option.slot, option.set);
    } else {
      require(target.slot, ~target.set);
    }
  }
  for (auto& entry : entries) {
    if (!entry.fact.dependent || entry.fact.kind == Fact::Kind::kYanked) continue;
    auto it = required.find(entry.from);
    if (it == required.end()) continue;
    const Term* term = term_on(graph.incompatibilities[entry.id], entry.from);
    if (term == nullptr) continue;
    VersionSet shown = term->set & it->second;
    shown.reset(shown.absent_bit());
    if (shown.count_versions() > 0) {
      entry.fact.dependent_versions = versions_text(graph.slots[entry.from], shown);
    }
  }
}

// Step 5: folds "you asked for A R" into the facts about what A needs (as "A 1.0.0 (you asked
// for R) needs ..."), and drops it where it was folded.
void fold_requests(const DerivationGraph& graph, std::vector<Entry>& entries) {
  for (auto& requested_entry : entries) {
    if (requested_entry.fact.kind != Fact::Kind::kRequested) continue;
    const Incompatibility& node = graph.incompatibilities[requested_entry.id];
    if (node.terms.size() != 2) continue;
    std::set<int> reached;  // the slots the project's requirement leads to
    const Slot& target_slot = graph.slots[node.terms.back().slot];
    if (target_slot.kind == SlotKind::kChoice) {
      for (const auto& option : target_slot.options) reached.insert(option.slot);
    } else {
      reached.insert(node.terms.back().slot);
    }
    for (auto& entry : entries) {
      if (!entry.fact.dependent || entry.fact.kind == Fact::Kind::kYanked) continue;
      if (!reached.contains(entry.from)) continue;
      entry.fact.requested_as = requested_entry.fact.requirement;
      requested_entry.dropped = true;
    }
  }
}

// Step 6, the header: the package of the only clash; else the package the last step of the
// proof is about.
const PackageName& header_package(const DerivationGraph& graph, const Walk& walk, int terminal) {
  std::size_t clash_count = 0;
  int first_clash = kNone;
  for (const auto& event : walk.events) {
    if (!event.clash) continue;
    if (clash_count++ == 0) first_clash = event.id;
  }
  const Incompatibility& last = graph.incompatibilities[terminal];
  if (clash_count == 1) return *graph.slots[graph.incompatibilities[first_clash].pivot].name;
  if (last.cause == Cause::kDerived) return *graph.slots[last.pivot].name;
  if (last.edge != kNone) return *graph.edges[last.edge].name;
  return *graph.slots[last.terms.front().slot].name;
}

// Step 6, a side of a clash: the requirement it came from when a fact states it (with that
// fact's depth, so that the side nearer the project comes first), else its versions.
std::pair<int, std::string> clash_side(const DerivationGraph& graph,
                                       const std::vector<Entry>& entries, int pivot,
                                       const VersionSet& set) {
  for (const auto& entry : entries) {
    const Incompatibility& node = graph.incompatibilities[entry.id];
    if (node.cause != Cause::kDependency) continue;
    const Term* term = term_on(node, pivot);
    if (term != nullptr && node.from != pivot && ~term->set == set) {
      return {entry.depth, edge_text(graph, node.edge)};
    }
  }
  return {INT_MAX, versions_text(graph.slots[pivot], set)};
}

// Step 6: the report. With one clash (or none) the facts read best in one run from the project
// outwards; with several, each clash closes the stretch of facts it rests on, as pub's branching
// reports do.
Conflict arrange(const DerivationGraph& graph, const Walk& walk, const Facts& facts, int terminal) {
  Conflict conflict{header_package(graph, walk, terminal), {}, {}};
  const std::size_t clash_count = static_cast<std::size_t>(std::count_if(
      walk.events.begin(), walk.events.end(), [](const Walk::Event& e) { return e.clash; }));
  const auto& entries = facts.entries;
  std::vector<std::size_t> segment;
  auto flush = [&] {
    std::stable_sort(segment.begin(), segment.end(), [&](std::size_t a, std::size_t b) {
      return entries[a].depth < entries[b].depth;
    });
    for (auto index : segment) {
      if (!entries[index].dropped) conflict.facts.push_back(entries[index].fact);
    }
    segment.clear();
  };
  for (const auto& event : walk.events) {
    if (!event.clash) {
      if (auto it = facts.entry_of.find(event.id); it != facts.entry_of.end()) {
        segment.push_back(it->second);
      }
      continue;
    }
    if (clash_count > 1) flush();
    const Incompatibility& step = graph.incompatibilities[event.id];
    auto a = clash_side(graph, entries, step.pivot,
                        ~term_on(graph.incompatibilities[step.left], step.pivot)->set);
    auto b = clash_side(graph, entries, step.pivot,
                        ~term_on(graph.incompatibilities[step.right], step.pivot)->set);
    if (b.first < a.first) std::swap(a, b);
    conflict.clashes.push_back(
        Clash{*graph.slots[step.pivot].name, a.second, b.second, conflict.facts.size()});
  }
  flush();
  if (clash_count == 1) conflict.clashes.back().after = conflict.facts.size();
  return conflict;
}

}  // namespace

Conflict build_conflict(const DerivationGraph& graph, int terminal) {
  const Walk walk = walk_derivation(graph, terminal);
  const Distances distances = measure_distances(graph, walk.externals);
  Facts facts = state_facts(graph, walk.externals, distances);
  narrow_dependents(graph, walk.externals, facts.entries);
  fold_requests(graph, facts.entries);
  return arrange(graph, walk, facts, terminal);
}

}  // namespace wreg::resolve
