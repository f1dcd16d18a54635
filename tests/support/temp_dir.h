// TempDir: the one way a test gets a folder of its own on disk.
//
// Each TempDir is a new, empty directory that mkdtemp(3) made, under the system temp dir ($TMPDIR,
// else /tmp) or under a parent the test names, so no two are ever the same, not even across the
// test processes ctest runs at once. Its name starts with `wreg-` and the running test's name,
// so that a kept one says whose it was. The destructor removes it with everything in it (read-only
// files too: removing a file needs only its folder's write permission).
//
// With WREG_KEEP_TEMP set to anything but "" or "0", nothing is removed: each TempDir prints
// `kept <path>` to stderr when it would have been, for a look at what a failed test left behind
// (a data dir, a project folder, a server's log).
//
// Aborts, naming the folder, when the directory cannot be made: no test can run without it.
// Not copyable: one owner, one removal.
#pragma once

#include <filesystem>
#include <string>

namespace wreg::testing {

class TempDir {
 public:
  TempDir();
  // Under `parent` (which must exist) instead of the system temp dir: another file system, say.
  explicit TempDir(const std::filesystem::path& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace wreg::testing
