#include "client/outdated.h"

#include <algorithm>
#include <cstddef>

#include "client/file_io.h"
#include "common/text.h"

namespace wreg::client {
namespace {

// The newest release of `document` that is not yanked and that every one of `requirements`
// allows; null when none.
const api::ReleaseSummary* newest_allowed(const api::PackageDocument& document,
                                          const std::vector<VersionReq>& requirements) {
  const api::ReleaseSummary* best = nullptr;
  for (const auto& release : document.versions) {
    if (release.yanked) continue;
    bool allowed = std::all_of(requirements.begin(), requirements.end(),
                               [&](const VersionReq& r) { return r.matches(release.version); });
    if (allowed && (!best || release.version > best->version)) best = &release;
  }
  return best;
}

// The newest release that is not yanked, preferring one that is not a pre-release.
const api::ReleaseSummary* newest(const api::PackageDocument& document) {
  const api::ReleaseSummary* best = nullptr;
  const api::ReleaseSummary* best_prerelease = nullptr;
  for (const auto& release : document.versions) {
    if (release.yanked) continue;
    auto& slot = release.version.is_prerelease() ? best_prerelease : best;
    if (!slot || release.version > slot->version) slot = &release;
  }
  return best ? best : best_prerelease;
}

std::string version_text(const std::optional<Version>& version) {
  return version ? escaped(version->to_string()) : "-";
}

}  // namespace

bool OutdatedPackage::outdated() const {
  return locked_yanked || !wanted || *wanted != locked || !latest || *latest != locked;
}

std::vector<OutdatedPackage> outdated_packages(const Manifest& manifest, const Lockfile& lock,
                                               const std::vector<api::PackageDocument>& documents) {
  std::vector<OutdatedPackage> rows;
  for (const auto& package : lock.packages) {
    auto document = std::find_if(documents.begin(), documents.end(),
                                 [&](const auto& d) { return d.name == package.name; });
    if (document == documents.end()) continue;
    std::vector<VersionReq> requirements;
    for (const auto& text : package.requirements) {
      if (auto requirement = VersionReq::parse(text)) requirements.push_back(*requirement);
    }
    // wreg.toml's requirement, when it is on this track (the lock may be older than wreg.toml).
    if (const auto* direct = manifest.find(package.name);
        direct && direct->requirement.matches(package.version)) {
      requirements.push_back(direct->requirement);
    }
    OutdatedPackage row{package.name, package.version, false, std::nullopt, std::nullopt};
    if (const auto* locked = document->find(package.version)) row.locked_yanked = locked->yanked;
    if (const auto* wanted = newest_allowed(*document, requirements)) row.wanted = wanted->version;
    if (const auto* latest = newest(*document)) row.latest = latest->version;
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<std::vector<OutdatedPackage>> find_outdated(const ProjectPaths& paths, Fetcher& fetcher) {
  auto locked = read_locked_project(paths);
  if (!locked) return std::move(locked).error();
  const Manifest& manifest = locked->manifest;
  const Lockfile& lock = locked->lock;
  std::vector<PackageName> names;
  for (const auto& package : lock.packages) {
    if (std::find(names.begin(), names.end(), package.name) == names.end()) {
      names.push_back(package.name);
    }
  }
  auto answers = fetcher.documents(names);
  std::vector<api::PackageDocument> documents;
  for (auto& answer : answers) {
    if (!answer) return std::move(answer).error();
    documents.push_back(std::move(*answer));
  }
  return outdated_packages(manifest, lock, documents);
}

std::string render_outdated(const std::vector<OutdatedPackage>& packages) {
  std::vector<std::vector<std::string>> rows{{"package", "locked", "wanted", "latest"}};
  for (const auto& package : packages) {
    if (!package.outdated()) continue;
    rows.push_back(
        {escaped(package.name.to_string()),
         escaped(package.locked.to_string()) + (package.locked_yanked ? " (yanked)" : ""),
         version_text(package.wanted), version_text(package.latest)});
  }
  if (rows.size() == 1) return "all dependencies are up to date\n";
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace wreg::client
