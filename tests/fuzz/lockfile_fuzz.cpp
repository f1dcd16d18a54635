// libFuzzer target for the lock file reader (common/lockfile.h): wreg.lock is read from the
// user's project, where anything can end up. A lock that parses prints as canonical text that
// parses back to the same content and prints identically (the writer's stable bytes).
#include <cstddef>
#include <cstdint>

#include "common/lockfile.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

bool same_package(const wreg::LockedPackage& a, const wreg::LockedPackage& b) {
  return a.name == b.name && a.version == b.version && a.registry == b.registry &&
         a.digest == b.digest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto lock = wreg::parse_lockfile(wreg::fuzz::as_text(data, size));
  if (!lock) {
    WREG_FUZZ_CHECK(lock.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(wreg::fuzz::is_one_line(lock.error().message));
    return 0;
  }
  auto canonical = wreg::to_toml(*lock);
  auto again = wreg::parse_lockfile(canonical);
  WREG_FUZZ_CHECK(again.has_value());
  WREG_FUZZ_CHECK(again->packages.size() == lock->packages.size());
  WREG_FUZZ_CHECK(wreg::to_toml(*again) == canonical);
  // Every package read is found again under its name, with the same fields.
  for (const auto& package : lock->packages) {
    bool found = false;
    for (const auto* candidate : again->find(package.name)) {
      found = found || same_package(*candidate, package);
    }
    WREG_FUZZ_CHECK(found);
  }
  return 0;
}
