#include "common/resolve/solver.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "common/resolve/derivation.h"
#include "common/resolve/incompatibility.h"
#include "common/resolve/version_set.h"

namespace wreg::resolve {

bool satisfies(const VersionReq& requirement, const Version& version, bool allow_prereleases) {
  if (requirement.matches(version)) return true;
  if (!allow_prereleases || !version.is_prerelease()) return false;
  // A pre-release is let in when it and its release both satisfy every comparator, so that
  // ^1 does not reach 2.0.0-rc.1 (which sorts below 2.0.0).
  Version release(version.major(), version.minor(), version.patch());
  for (const auto& comparator : requirement.comparators()) {
    if (!comparator.matches(version) || !comparator.matches(release)) return false;
  }
  return true;
}

namespace {

struct EdgeKey {
  const PackageName* name;
  const VersionReq* requirement;
  bool operator==(const EdgeKey& other) const {
    return *name == *other.name && *requirement == *other.requirement;
  }
};

// Hashes by content, without building strings: interning runs once per dependency of every
// decided release.
struct EdgeKeyHash {
  std::size_t operator()(const EdgeKey& key) const {
    std::size_t h = std::hash<std::string>{}(key.name->space()) * 31 +
                    std::hash<std::string>{}(key.name->name());
    auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL; };
    for (const auto& c : key.requirement->comparators()) {
      mix(static_cast<std::uint64_t>(c.op));
      mix(c.major);
      mix(c.minor.value_or(~std::uint64_t{0}));
      mix(c.patch.value_or(~std::uint64_t{0}));
      for (const auto& id : c.prerelease) {
        mix(id.is_numeric() ? std::get<0>(id.value)
                            : std::hash<std::string>{}(std::get<1>(id.value)));
      }
    }
    return h;
  }
};

// A total order on requirements by content, so that edges are numbered the same way whatever
// order the documents list them in.
bool requirement_less(const PackageName& a_name, const VersionReq& a, const PackageName& b_name,
                      const VersionReq& b) {
  if (a_name != b_name) return a_name < b_name;
  const auto& x = a.comparators();
  const auto& y = b.comparators();
  return std::lexicographical_compare(
      x.begin(), x.end(), y.begin(), y.end(), [](const Comparator& c, const Comparator& d) {
        return std::tie(c.op, c.major, c.minor, c.patch, c.prerelease) <
               std::tie(d.op, d.major, d.minor, d.patch, d.prerelease);
      });
}

struct Assignment {
  int slot = kNone;
  VersionSet term;         // what this assignment says about the slot
  VersionSet accumulated;  // the slot's intersection after it
  int level = 0;
  int cause = kNone;  // kNone: a decision
};

enum class Relation { kSatisfied, kAlmostSatisfied, kContradicted, kInconclusive };

struct DecisionKey {
  std::size_t count;
  int slot;
};

// The order in which slots are decided: packages being updated first (so that they get their
// newest versions), then the fewest candidates, then by name and newest track; the choices of
// track last, once the packages they might reuse are known.
struct DecisionOrder {
  const std::vector<Slot>* slots;
  bool operator()(const DecisionKey& x, const DecisionKey& y) const {
    const Slot& a = (*slots)[static_cast<std::size_t>(x.slot)];
    const Slot& b = (*slots)[static_cast<std::size_t>(y.slot)];
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (x.count != y.count) return x.count < y.count;
    if (a.name != b.name) return a.name < b.name;
    if (a.kind == SlotKind::kTrack && b.kind == SlotKind::kTrack && a.track != b.track) {
      return a.track > b.track;
    }
    return x.slot < y.slot;
  }
  static int rank(const Slot& s) { return s.kind == SlotKind::kChoice ? 2 : s.updating ? 0 : 1; }
};

class Solver {
 public:
  Solver(const ResolveRequest& request, const PackageSource& source)
      : request_(request), source_(source) {
    if (!request.update_all) {
      updating_.insert(request.update.begin(), request.update.end());
      for (const auto& entry : request.locked) {
        if (!updating_.contains(entry.name)) locked_[entry.name].push_back(entry.version);
      }
    }
  }

  SolveOutcome run() {
    root_ = make_root();
    int next = decide(root_);
    for (;;) {
      int terminal = propagate(next);
      if (terminal != kNone) {
        if (!unfetched_.empty() || !unread_.empty()) return needs();
        return SolveOutcome{build_conflict(
            DerivationGraph{incompatibilities_, slots_, edges_, packages_, root_}, terminal)};
      }
      next = pick();
      if (next == kNone) break;
      next = decide(next);
    }
    if (!unfetched_.empty() || !unread_.empty()) return needs();
    return SolveOutcome{build_resolution()};
  }

 private:
  // ---- Loading documents into slots.

  PackageInfo& package(const PackageName& name) {
    auto [it, inserted] = packages_.try_emplace(name);
    PackageInfo& info = it->second;
    if (inserted) {
      info.document = source_.find(name);
      if (info.document == nullptr) {
        info.absence = source_.absence(name);
        if (info.absence == Absence::kNotFetched) unfetched_.insert(name);
      } else {
        for (const auto& release : info.document->versions) info.sorted.push_back(&release);
        // Sorted here, not trusted from the document, so that its order cannot matter.
        std::sort(info.sorted.begin(), info.sorted.end(),
                  [](const auto* a, const auto* b) { return a->version > b->version; });
        info.sorted.erase(
            std::unique(info.sorted.begin(), info.sorted.end(),
                        [](const auto* a, const auto* b) { return a->version == b->version; }),
            info.sorted.end());
      }
    }
    return info;
  }

  int intern_edge(const PackageName& name, const VersionReq& requirement) {
    auto [it, inserted] =
        edge_ids_.try_emplace(EdgeKey{&name, &requirement}, static_cast<int>(edges_.size()));
    if (inserted) edges_.push_back(Edge{&name, &requirement, std::nullopt});
    return it->second;
  }

  std::string edge_text(int edge_id) const { return edges_[edge_id].requirement->to_string(); }

  // The distinct requirements of `slot_id` at `version`, sorted by id.
  std::vector<int> edges_of(int slot_id, std::size_t version) {
    const Slot& slot = slots_[slot_id];
    if (slot.kind == SlotKind::kRoot) return slot.root_edges;
    std::vector<const api::Dependency*> dependencies;
    for (const auto& dependency : slot.releases[version]->dependencies) {
      dependencies.push_back(&dependency);
    }
    std::sort(dependencies.begin(), dependencies.end(), [](const auto* a, const auto* b) {
      return requirement_less(a->name, a->requirement, b->name, b->requirement);
    });
    std::vector<int> ids;
    ids.reserve(dependencies.size());
    for (const auto* dependency : dependencies) {
      ids.push_back(intern_edge(dependency->name, dependency->requirement));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  }

  int new_slot(Slot slot) {
    slot.accumulated = VersionSet::all(slot.n);
    slots_.push_back(std::move(slot));
    return static_cast<int>(slots_.size()) - 1;
  }

  int make_root() {
    Slot root;
    root.kind = SlotKind::kRoot;
    root.n = 1;
    root.allowed = VersionSet::none(1);
    root.allowed.set(0);
    std::vector<const Requirement*> requirements;
    for (const auto& requirement : request_.requirements) requirements.push_back(&requirement);
    std::sort(requirements.begin(), requirements.end(), [](const auto* a, const auto* b) {
      return requirement_less(a->name, a->requirement, b->name, b->requirement);
    });
    std::vector<int> ids;
    for (const auto* requirement : requirements) {
      ids.push_back(intern_edge(requirement->name, requirement->requirement));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    root.root_edges = std::move(ids);
    return new_slot(std::move(root));
  }

  int track_slot(const PackageName& name, const CompatTrack& track) {
    PackageInfo& info = package(name);
    if (auto it = info.slots.find(track); it != info.slots.end()) return it->second;
    Slot slot;
    slot.kind = SlotKind::kTrack;
    slot.name = name;
    slot.track = track;
    for (const auto* release : info.sorted) {
      if (release->version.track() == track) slot.releases.push_back(release);
    }
    slot.n = slot.releases.size();
    slot.allowed = VersionSet::none(slot.n);
    auto lock = locked_.find(name);
    for (std::size_t i = 0; i < slot.n; ++i) {
      const auto& release = *slot.releases[i];
      bool is_locked = lock != locked_.end() && std::find(lock->second.begin(), lock->second.end(),
                                                          release.version) != lock->second.end();
      if (is_locked && slot.locked == kNoVersion) slot.locked = i;
      if (may_choose(request_, name, release)) slot.allowed.set(i);
    }
    slot.updating = updating_.contains(name);
    int id = new_slot(std::move(slot));
    packages_.at(name).slots.emplace(track, id);
    return id;
  }

  const Target& target(int edge_id) {
    if (edges_[edge_id].target) return *edges_[edge_id].target;
    const PackageName& name = *edges_[edge_id].name;
    const VersionReq& requirement = *edges_[edge_id].requirement;
    PackageInfo& info = package(name);
    Target result;
    if (info.document == nullptr) {
      switch (info.absence) {
        case Absence::kNotFetched:
          result.kind = Target::Kind::kNotFetched;
          break;
        case Absence::kMissing:
          result.kind = Target::Kind::kMissing;
          break;
        case Absence::kUnreachable:
          result.kind = Target::Kind::kUnreachable;
          break;
      }
    } else {
      std::vector<CompatTrack> tracks;  // newest first: tracks follow version precedence
      for (const auto* release : info.sorted) {
        if (!satisfies(requirement, release->version, request_.allow_prereleases)) continue;
        auto track = release->version.track();
        if (tracks.empty() || tracks.back() != track) tracks.push_back(track);
      }
      std::vector<Target> options;
      for (const auto& track : tracks) {
        Target option;
        option.slot = track_slot(name, track);
        const Slot& slot = slots_[option.slot];
        option.set = VersionSet::none(slot.n);
        for (std::size_t i = 0; i < slot.n; ++i) {
          if (satisfies(requirement, slot.releases[i]->version, request_.allow_prereleases)) {
            option.set.set(i);
          }
        }
        options.push_back(std::move(option));
      }
      if (options.empty()) {
        result.kind = Target::Kind::kNoMatch;
      } else if (options.size() == 1) {
        result = std::move(options[0]);
      } else {
        Slot choice;
        choice.kind = SlotKind::kChoice;
        choice.name = name;
        choice.edge = edge_id;
        choice.n = options.size();
        choice.allowed = ~VersionSet::none(choice.n);
        choice.allowed.reset(choice.n);
        choice.options = std::move(options);
        result.slot = new_slot(std::move(choice));
        result.set = slots_[result.slot].allowed;
      }
    }
    edges_[edge_id].target = std::move(result);
    return *edges_[edge_id].target;
  }

  // ---- Incompatibilities.

  // Adds `incompatibility` after dropping terms that say nothing. Returns its id, or kNone when
  // a term can never hold (the incompatibility could never be satisfied).
  int add(Incompatibility incompatibility) {
    auto& terms = incompatibility.terms;
    terms.erase(
        std::remove_if(terms.begin(), terms.end(), [](const Term& t) { return t.set.full(); }),
        terms.end());
    for (const auto& term : terms) {
      if (term.set.empty()) return kNone;
    }
    int id = static_cast<int>(incompatibilities_.size());
    for (const auto& term : terms) slots_[term.slot].incompatibilities.push_back(id);
    incompatibilities_.push_back(std::move(incompatibility));
    return id;
  }

  static void merge_term(std::vector<Term>& terms, int slot, const VersionSet& set) {
    for (auto& term : terms) {
      if (term.slot == slot) {
        term.set &= set;
        return;
      }
    }
    terms.push_back(Term{slot, set});
  }

  // The dependency incompatibilities of `slot` at `version`, each covering every version of the
  // slot with the same requirement (so one conflict rules out all of them at once). Returns the
  // ids of those added now.
  std::vector<int> add_dependencies(int slot_id, std::size_t version) {
    std::vector<int> added;
    if (slots_[slot_id].kind == SlotKind::kChoice) {
      std::uint64_t key = (static_cast<std::uint64_t>(slot_id) << 32) | version;
      if (!choices_added_.insert(key).second) return added;
      Incompatibility incompatibility;
      incompatibility.cause = Cause::kChoice;
      incompatibility.from = slot_id;
      VersionSet chosen = VersionSet::none(slots_[slot_id].n);
      chosen.set(version);
      const Target option = slots_[slot_id].options[version];
      merge_term(incompatibility.terms, slot_id, chosen);
      merge_term(incompatibility.terms, option.slot, ~option.set);
      added.push_back(add(std::move(incompatibility)));
      return added;
    }
    const std::vector<int> edge_ids = edges_of(slot_id, version);
    for (int edge_id : edge_ids) {
      std::uint64_t key =
          (static_cast<std::uint64_t>(slot_id) << 32) | static_cast<unsigned>(edge_id);
      if (!added_.insert(key).second) continue;
      const Target t = target(edge_id);
      const Slot& slot = slots_[slot_id];
      VersionSet from = VersionSet::none(slot.n);
      if (slot.kind == SlotKind::kRoot) {
        from.set(0);
      } else {
        const Edge& edge = edges_[edge_id];
        for (std::size_t i = 0; i < slot.n; ++i) {
          for (const auto& dependency : slot.releases[i]->dependencies) {
            if (dependency.name == *edge.name && dependency.requirement == *edge.requirement) {
              from.set(i);
              break;
            }
          }
        }
      }
      Incompatibility incompatibility;
      incompatibility.edge = edge_id;
      incompatibility.from = slot_id;
      merge_term(incompatibility.terms, slot_id, from);
      switch (t.kind) {
        case Target::Kind::kSlot:
          incompatibility.cause = Cause::kDependency;
          merge_term(incompatibility.terms, t.slot, ~t.set);
          break;
        case Target::Kind::kNoMatch:
          incompatibility.cause = Cause::kNoMatch;
          break;
        case Target::Kind::kMissing:
          incompatibility.cause = Cause::kMissing;
          break;
        case Target::Kind::kUnreachable:
          incompatibility.cause = Cause::kUnreachable;
          break;
        case Target::Kind::kNotFetched:
          // Leave the edge out: the outcome will be NeedsDocuments anyway, and searching on
          // finds more of the names the client has to fetch in this round.
          continue;
      }
      added.push_back(add(std::move(incompatibility)));
    }
    return added;
  }

  // ---- Partial solution.

  void assign(int slot_id, VersionSet term, int cause) {
    Slot& slot = slots_[slot_id];
    slot.accumulated &= term;
    assignments_.push_back(Assignment{slot_id, std::move(term), slot.accumulated, level_, cause});
    slot.trail.push_back(static_cast<int>(assignments_.size()) - 1);
    requeue(slot_id);
  }

  // Keeps `decisions_` in step with a slot whose assignments changed: a slot that must be
  // selected and is not decided is queued under its current count of candidates.
  void requeue(int slot_id) {
    Slot& slot = slots_[slot_id];
    if (slot.queued_for_decision) {
      decisions_.erase(DecisionKey{slot.queued_count, slot_id});
      slot.queued_for_decision = false;
    }
    if (slot.accumulated.positive() && slot.decided == kNoVersion) {
      slot.queued_count = (slot.accumulated & slot.allowed).count_versions();
      decisions_.insert(DecisionKey{slot.queued_count, slot_id});
      slot.queued_for_decision = true;
    }
  }

  void backtrack(int level) {
    while (!assignments_.empty() && assignments_.back().level > level) {
      Slot& slot = slots_[assignments_.back().slot];
      if (assignments_.back().cause == kNone) slot.decided = kNoVersion;
      slot.trail.pop_back();
      slot.accumulated = slot.trail.empty() ? VersionSet::all(slot.n)
                                            : assignments_[slot.trail.back()].accumulated;
      int slot_id = assignments_.back().slot;
      assignments_.pop_back();
      requeue(slot_id);
    }
    level_ = level;
  }

  Relation relation(const Incompatibility& incompatibility, std::size_t& open_term) const {
    std::size_t open = 0;
    for (std::size_t i = 0; i < incompatibility.terms.size(); ++i) {
      const Term& term = incompatibility.terms[i];
      const VersionSet& accumulated = slots_[term.slot].accumulated;
      if (accumulated.subset_of(term.set)) continue;
      if (!accumulated.intersects(term.set)) return Relation::kContradicted;
      if (++open > 1) return Relation::kInconclusive;
      open_term = i;
    }
    return open == 0 ? Relation::kSatisfied : Relation::kAlmostSatisfied;
  }

  // ---- The main loop.

  // Unit propagation from `start`. Returns the incompatibility that proves failure, or kNone.
  int propagate(int start) {
    std::vector<int> queue{start};
    slots_[start].queued = true;
    while (!queue.empty()) {
      int slot_id = queue.back();
      queue.pop_back();
      slots_[slot_id].queued = false;
      for (std::size_t k = slots_[slot_id].incompatibilities.size(); k-- > 0;) {
        int id = slots_[slot_id].incompatibilities[k];
        std::size_t open = 0;
        Relation rel = relation(incompatibilities_[id], open);
        bool conflict = rel == Relation::kSatisfied;
        if (conflict) {
          int learned = resolve_conflict(id);
          if (is_terminal(incompatibilities_[learned])) return learned;
          rel = relation(incompatibilities_[learned], open);
          assert(rel == Relation::kAlmostSatisfied);
          for (int queued : queue) slots_[queued].queued = false;
          queue.clear();
          id = learned;
        }
        if (rel == Relation::kAlmostSatisfied) {
          const Term& term = incompatibilities_[id].terms[open];
          int target_slot = term.slot;
          assign(target_slot, ~term.set, id);
          if (!slots_[target_slot].queued) {
            slots_[target_slot].queued = true;
            queue.push_back(target_slot);
          }
        }
        if (conflict) break;  // the partial solution changed under us: start from the new queue
      }
    }
    return kNone;
  }

  bool is_terminal(const Incompatibility& incompatibility) const {
    const auto& terms = incompatibility.terms;
    return terms.empty() ||
           (terms.size() == 1 && terms[0].slot == root_ && terms[0].set.positive());
  }

  // PubGrub's conflict resolution (solver.md, "Conflict Resolution"). Returns the learned
  // incompatibility after backtracking, or a terminal one when the project itself fails.
  int resolve_conflict(int id) {
    const int original = id;
    for (;;) {
      const Incompatibility& current = incompatibilities_[id];
      if (is_terminal(current)) return id;
      // The satisfier: the assignment after which the incompatibility first holds.
      int satisfier = kNone;
      std::size_t satisfier_term = 0;
      std::vector<int> earliest(current.terms.size(), kNone);
      for (std::size_t i = 0; i < current.terms.size(); ++i) {
        const Term& term = current.terms[i];
        for (int index : slots_[term.slot].trail) {
          if (assignments_[index].accumulated.subset_of(term.set)) {
            earliest[i] = index;
            break;
          }
        }
        assert(earliest[i] != kNone);
        if (earliest[i] > satisfier) {
          satisfier = earliest[i];
          satisfier_term = i;
        }
      }
      const Assignment& sat = assignments_[satisfier];
      const Term& term = current.terms[satisfier_term];
      int previous = kNone;
      for (std::size_t i = 0; i < current.terms.size(); ++i) {
        if (i != satisfier_term) previous = std::max(previous, earliest[i]);
      }
      for (int index : slots_[term.slot].trail) {
        if (index >= satisfier) break;
        if ((assignments_[index].accumulated & sat.term).subset_of(term.set)) {
          previous = std::max(previous, index);
          break;
        }
      }
      int previous_level = previous == kNone ? 1 : assignments_[previous].level;
      if (sat.cause == kNone || previous_level != sat.level) {
        if (id != original) {
          for (const auto& t : incompatibilities_[id].terms) {
            slots_[t.slot].incompatibilities.push_back(id);
          }
        }
        backtrack(previous_level);
        return id;
      }
      // Merge with the satisfier's cause, dropping the pivot slot.
      Incompatibility prior;
      prior.cause = Cause::kDerived;
      prior.left = id;
      prior.right = sat.cause;
      prior.pivot = term.slot;
      for (const auto& t : current.terms) {
        if (t.slot != term.slot) merge_term(prior.terms, t.slot, t.set);
      }
      for (const auto& t : incompatibilities_[sat.cause].terms) {
        if (t.slot != term.slot) merge_term(prior.terms, t.slot, t.set);
      }
      if (!sat.term.subset_of(term.set)) merge_term(prior.terms, term.slot, ~sat.term | term.set);
      prior.terms.erase(std::remove_if(prior.terms.begin(), prior.terms.end(),
                                       [](const Term& t) { return t.set.full(); }),
                        prior.terms.end());
      // Not yet registered with its slots: only a learned one that survives gets that.
      incompatibilities_.push_back(std::move(prior));
      id = static_cast<int>(incompatibilities_.size()) - 1;
    }
  }

  // The next slot to decide: see DecisionOrder.
  int pick() const { return decisions_.empty() ? kNone : decisions_.begin()->slot; }

  // Decides `slot_id` (which must be selected). Returns the slot to propagate from.
  int decide(int slot_id) {
    Slot& slot = slots_[slot_id];
    VersionSet candidates = slot.accumulated & slot.allowed;
    if (candidates.count_versions() == 0) {
      // Every version still possible is yanked: that is a fact to learn.
      Incompatibility incompatibility;
      incompatibility.cause = Cause::kYanked;
      VersionSet rest = slot.accumulated;
      rest.reset(rest.absent_bit());
      incompatibility.terms.push_back(Term{slot_id, rest});
      // Not empty: propagation never leaves a slot that must be selected without versions.
      assert(!rest.empty());
      add(std::move(incompatibility));
      return slot_id;
    }
    std::size_t version = choose(slot_id, candidates);
    if (slot.kind == SlotKind::kTrack && slot.releases[version]->unread) {
      // Its dependencies are not known yet: decided as if it had none, and read before the
      // next run. Leaving them out only removes facts, so a conflict found is still real.
      unread_.insert(PackageVersion{*slot.name, slot.releases[version]->version});
    }
    // As pub does: when the version's own dependencies already contradict the partial solution,
    // do not decide it; propagation will rule it out without a conflict and a backjump.
    // The project is always decided: its failures are the terminal ones.
    for (int id : add_dependencies(slot_id, version)) {
      if (id == kNone || slot_id == root_) continue;
      std::size_t open = 0;
      Relation rel = relation(incompatibilities_[id], open);
      if (rel == Relation::kSatisfied || (rel == Relation::kAlmostSatisfied &&
                                          incompatibilities_[id].terms[open].slot == slot_id)) {
        return slot_id;
      }
    }
    VersionSet chosen = VersionSet::none(slots_[slot_id].n);
    chosen.set(version);
    ++level_;
    slots_[slot_id].decided = version;
    assign(slot_id, std::move(chosen), kNone);
    return slot_id;
  }

  std::size_t choose(int slot_id, const VersionSet& candidates) {
    const Slot& slot = slots_[slot_id];
    if (slot.kind != SlotKind::kChoice) {
      if (slot.locked != kNoVersion && candidates.test(slot.locked)) return slot.locked;
      // Newest first; a yanked version (allowed because wreg.lock has it) only when nothing
      // else is left, so that `update` moves off it whenever it can (may_choose()).
      for (std::size_t i = 0; i < slot.releases.size(); ++i) {
        if (candidates.test(i) && !slot.releases[i]->yanked) return i;
      }
      return candidates.first_version();
    }
    // A track already selected (or required) first, then a locked one, then the newest.
    for (std::size_t i = 0; i < slot.n; ++i) {
      if (!candidates.test(i)) continue;
      const Target& option = slot.options[i];
      const Slot& track = slots_[option.slot];
      if (track.decided != kNoVersion
              ? option.set.test(track.decided)
              : track.accumulated.positive() && track.accumulated.intersects(option.set)) {
        return i;
      }
    }
    for (std::size_t i = 0; i < slot.n; ++i) {
      if (!candidates.test(i)) continue;
      const Target& option = slot.options[i];
      const Slot& track = slots_[option.slot];
      if (track.locked != kNoVersion && option.set.test(track.locked)) return i;
    }
    return candidates.first_version();
  }

  // ---- Outcomes.

  SolveOutcome needs() const {
    return SolveOutcome{
        NeedsDocuments{std::vector<PackageName>(unfetched_.begin(), unfetched_.end()),
                       std::vector<PackageVersion>(unread_.begin(), unread_.end())}};
  }

  // The slot an edge of a decided version was satisfied by.
  int satisfied_by(int edge_id) {
    const Target& t = target(edge_id);
    if (t.kind != Target::Kind::kSlot) return kNone;
    const Slot& slot = slots_[t.slot];
    if (slot.kind != SlotKind::kChoice) return t.slot;
    if (slot.decided == kNoVersion) return kNone;
    return slot.options[slot.decided].slot;
  }

  Resolution build_resolution() {
    Resolution resolution;
    std::map<int, std::size_t> index_of;
    for (std::size_t s = 0; s < slots_.size(); ++s) {
      const Slot& slot = slots_[s];
      if (slot.kind != SlotKind::kTrack || slot.decided == kNoVersion) continue;
      const auto& release = *slot.releases[slot.decided];
      index_of[static_cast<int>(s)] = resolution.packages.size();
      resolution.packages.push_back(
          ResolvedPackage{*slot.name, release.version, release.digest, release.yanked, {}});
    }
    for (std::size_t s = 0; s < slots_.size(); ++s) {
      const Slot& slot = slots_[s];
      if (slot.kind == SlotKind::kChoice || slot.decided == kNoVersion) continue;
      std::optional<PackageVersion> by;
      if (slot.kind == SlotKind::kTrack) {
        by = PackageVersion{*slot.name, slot.releases[slot.decided]->version};
      }
      for (int edge_id : edges_of(static_cast<int>(s), slot.decided)) {
        int satisfier = satisfied_by(edge_id);
        auto it = index_of.find(satisfier);
        if (it == index_of.end()) continue;
        resolution.packages[it->second].required_by.push_back(
            Requirer{by, *edges_[edge_id].requirement});
      }
    }
    for (auto& package : resolution.packages) {
      std::sort(package.required_by.begin(), package.required_by.end(),
                [](const Requirer& a, const Requirer& b) {
                  if (a.by != b.by) return !a.by || (b.by && *a.by < *b.by);
                  return a.requirement.to_string() < b.requirement.to_string();
                });
    }
    std::sort(resolution.packages.begin(), resolution.packages.end(),
              [](const ResolvedPackage& a, const ResolvedPackage& b) {
                if (a.name != b.name) return a.name < b.name;
                return a.version < b.version;
              });
    return resolution;
  }

  const ResolveRequest& request_;
  const PackageSource& source_;
  std::map<PackageName, std::vector<Version>> locked_;  // lock entries still preferred
  std::set<PackageName> updating_;                      // `update` names (not with update_all)
  std::map<PackageName, PackageInfo> packages_;
  std::set<PackageName> unfetched_;
  std::set<PackageVersion> unread_;  // decided releases whose dependencies are not known yet
  std::unordered_map<EdgeKey, int, EdgeKeyHash> edge_ids_;
  std::vector<Edge> edges_;
  std::vector<Slot> slots_;
  std::vector<Incompatibility> incompatibilities_;
  std::unordered_set<std::uint64_t> added_;          // (slot, edge) pairs whose dependency is added
  std::unordered_set<std::uint64_t> choices_added_;  // (choice slot, option) pairs likewise
  std::vector<Assignment> assignments_;
  std::set<DecisionKey, DecisionOrder> decisions_{DecisionOrder{&slots_}};  // pick()'s queue
  int root_ = kNone;
  int level_ = 0;
};

}  // namespace

SolveOutcome solve(const ResolveRequest& request, const PackageSource& source) {
  Solver solver(request, source);
  return solver.run();
}

bool may_choose(const ResolveRequest& request, const PackageName& name,
                const api::ReleaseSummary& release) {
  if (!release.yanked) return true;
  return std::any_of(request.locked.begin(), request.locked.end(),
                     [&](const PackageVersion& entry) {
                       return entry.name == name && entry.version == release.version;
                     });
}

std::vector<PackageName> unfetched_dependencies(const ResolveRequest& request,
                                                const PackageSource& source) {
  std::set<PackageName> missing;
  std::map<PackageName, std::set<std::string>> visited;  // requirement texts seen per package
  std::map<PackageName, std::vector<char>> expanded;     // releases whose dependencies are queued
  std::deque<std::pair<PackageName, VersionReq>> queue;
  for (const auto& requirement : request.requirements) {
    queue.emplace_back(requirement.name, requirement.requirement);
  }
  while (!queue.empty()) {
    auto [name, requirement] = std::move(queue.front());
    queue.pop_front();
    if (!visited[name].insert(requirement.to_string()).second) continue;
    const api::PackageDocument* document = source.find(name);
    if (document == nullptr) {
      if (source.absence(name) == Absence::kNotFetched) missing.insert(name);
      continue;
    }
    auto& done = expanded[name];
    done.resize(document->versions.size(), 0);
    for (std::size_t i = 0; i < document->versions.size(); ++i) {
      const auto& release = document->versions[i];
      if (done[i] || !satisfies(requirement, release.version, request.allow_prereleases)) continue;
      if (!may_choose(request, name, release)) continue;
      done[i] = 1;
      for (const auto& dependency : release.dependencies) {
        queue.emplace_back(dependency.name, dependency.requirement);
      }
    }
  }
  return std::vector<PackageName>(missing.begin(), missing.end());
}

}  // namespace wreg::resolve
