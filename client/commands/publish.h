// `wreg publish [FILE|DIR] [--package ns:name@version] [--dry-run]`: a DIR is a WIT folder,
// built first (wreg build) into the whole package.
#pragma once

#include <optional>
#include <string>

#include "client/commands/session.h"
#include "common/digest.h"
#include "common/package_ref.h"
#include "common/result.h"

namespace wreg::client {

struct PublishOptions {
  std::string file;     // a .wasm or a WIT folder; empty: [package] file from wreg.toml
  std::string package;  // --package ns:name@version; empty when not given
  bool dry_run = false;
};

struct PublishPlan {
  std::string file;
  PackageVersion id;
  Digest digest;
  std::string kind;  // "wit-package" or "component"
  std::size_t size = 0;
};

// Reads and inspects the file, and works out what it publishes as (common/release.h) under
// --package or, for a component, wreg.toml's [package]. A core module, a broken file, or a
// --package that disagrees with the binary is refused here, before any upload, with the file's
// name in front of the message. A WIT folder gets what it lacks fetched first (session.h,
// read_wit_folder_fetching()).
Result<PublishPlan> plan_publish(const PublishOptions& options, const GlobalOptions& global,
                                 std::string& bytes);

}  // namespace wreg::client
