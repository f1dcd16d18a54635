#include "common/resolve/source.h"

#include <algorithm>
#include <utility>

namespace wreg::resolve {

void InMemorySource::add(const PackageName& name, const Version& version,
                         std::vector<api::Dependency> dependencies, bool yanked) {
  auto& document = documents_.try_emplace(name, api::PackageDocument{name, {}, {}}).first->second;
  absent_.erase(name);
  auto& versions = document.versions;
  auto same = std::find_if(versions.begin(), versions.end(),
                           [&](const api::ReleaseSummary& r) { return r.version == version; });
  if (same != versions.end()) versions.erase(same);
  api::ReleaseSummary release;
  release.version = version;
  release.digest = Digest::of(name.to_string() + "@" + version.to_string());
  release.yanked = yanked;
  release.dependencies = std::move(dependencies);
  // Newest first, as the wire document has it; the solver does not rely on the order.
  auto at = std::find_if(versions.begin(), versions.end(),
                         [&](const api::ReleaseSummary& r) { return r.version < version; });
  versions.insert(at, std::move(release));
}

void InMemorySource::put(api::PackageDocument document) {
  absent_.erase(document.name);
  auto name = document.name;
  documents_.insert_or_assign(std::move(name), std::move(document));
}

void InMemorySource::set_absent(const PackageName& name, Absence why) {
  documents_.erase(name);
  absent_.insert_or_assign(name, why);
}

api::PackageDocument* InMemorySource::document(const PackageName& name) {
  auto it = documents_.find(name);
  return it == documents_.end() ? nullptr : &it->second;
}

std::vector<PackageName> InMemorySource::names() const {
  std::vector<PackageName> out;
  out.reserve(documents_.size());
  for (const auto& [name, document] : documents_) out.push_back(name);
  return out;
}

const api::PackageDocument* InMemorySource::find(const PackageName& name) const {
  auto it = documents_.find(name);
  return it == documents_.end() ? nullptr : &it->second;
}

Absence InMemorySource::absence(const PackageName& name) const {
  auto it = absent_.find(name);
  return it == absent_.end() ? Absence::kNotFetched : it->second;
}

}  // namespace wreg::resolve
