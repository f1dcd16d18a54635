// PackageSource: where the resolver reads package documents from.
//
// The resolver does no I/O (STYLE.md, "Module boundaries"). The client fetches package
// documents (in parallel, with ETags) into memory and hands the solver a source that answers
// from them. A name the source has no document for is in one of three states, and the solver
// treats them differently:
//   kNotFetched   the client has not asked the registry yet. The solver finishes its run, then
//                 answers NeedsDocuments listing every such name it met; the client fetches them
//                 and solves again (cargo's resolve loop). unfetched_dependencies() (solver.h)
//                 lists them up front so that one round of parallel fetches per depth suffices.
//   kMissing      the registry answered that no such package exists: a fact the explanation
//                 names ("the registry has no package demo:lib").
//   kUnreachable  the fetch failed (offline, a 5xx): also a fact the explanation names.
#pragma once

#include <map>
#include <vector>

#include "common/api/package_document.h"
#include "common/package_name.h"
#include "common/version.h"

namespace wreg::resolve {

enum class Absence { kNotFetched, kMissing, kUnreachable };

class PackageSource {
 public:
  virtual ~PackageSource() = default;

  // The document of `name`, or null when there is none in memory. The pointer stays valid for
  // the whole solve() call. Documents may list versions in any order.
  virtual const api::PackageDocument* find(const PackageName& name) const = 0;

  // Why find(name) is null. Only asked after find() returned null.
  virtual Absence absence(const PackageName& /*name*/) const { return Absence::kNotFetched; }
};

// A source over documents held in a map: for tests, the benchmark, and a client that has
// fetched everything it needs. Not thread-safe for writes; const calls may run concurrently.
class InMemorySource : public PackageSource {
 public:
  // Adds one release (not yanked unless `yanked`), creating the package's document on first use.
  // A second add() of the same version replaces the first.
  void add(const PackageName& name, const Version& version,
           std::vector<api::Dependency> dependencies = {}, bool yanked = false);
  // Replaces the whole document of `document.name`.
  void put(api::PackageDocument document);
  // Marks `name` as known not to exist (kMissing) or not reachable (kUnreachable).
  void set_absent(const PackageName& name, Absence why);

  // The stored document, or null; mutable so that tests can reorder or yank.
  api::PackageDocument* document(const PackageName& name);
  std::vector<PackageName> names() const;

  const api::PackageDocument* find(const PackageName& name) const override;
  Absence absence(const PackageName& name) const override;

 private:
  std::map<PackageName, api::PackageDocument> documents_;
  std::map<PackageName, Absence> absent_;
};

}  // namespace wreg::resolve
