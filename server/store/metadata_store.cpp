#include "server/store/metadata_store.h"

#include <algorithm>

namespace wreg::store {

Result<PublishOutcome> MetadataStore::publish(const NewRelease& release,
                                              const std::optional<OciManifest>& manifest,
                                              std::optional<std::int64_t> claim) {
  auto outcome = do_publish(release, manifest, claim);
  announce_change(release.id.name);
  return outcome;
}

Result<std::int64_t> MetadataStore::set_yanked(const PackageVersion& id, bool yanked) {
  auto revision = do_set_yanked(id, yanked);
  announce_change(id.name);
  return revision;
}

void MetadataStore::add_listener(ChangeListener& listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.push_back(&listener);
}

void MetadataStore::remove_listener(ChangeListener& listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(std::remove(listeners_.begin(), listeners_.end(), &listener), listeners_.end());
}

void MetadataStore::announce_change(const PackageName& name) {
  std::lock_guard lock(listeners_mutex_);
  for (ChangeListener* listener : listeners_) listener->package_changed(name);
}

void MetadataStore::anything_changed_elsewhere() {
  std::lock_guard lock(listeners_mutex_);
  for (ChangeListener* listener : listeners_) listener->any_package_changed();
}

}  // namespace wreg::store
