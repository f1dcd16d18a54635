// `wreg-server backup --data DIR --to DEST`: a complete, consistent copy of a data directory,
// taken while the server runs, that `serve --data DEST` and `fsck --data DEST` accept as it is.
//
// How it stays consistent without stopping publishes: a publish stores its blob first and
// records the release after (blob_store.h), and blobs never change. So the backup copies the
// database first, through SQLite's online backup (one snapshot), and then every blob that
// snapshot names, which is already stored and stays as it is. A release acknowledged before the
// backup began is in the snapshot, and so is its blob; a release recorded during the copy may or
// may not be, but never without its blob. Orphans and uploads in progress are not copied.
//
// Blobs are hard-linked into the backup where the file system allows (same file system: no
// copy, no extra space; the files are immutable, so sharing them is safe), else copied; either
// way each one is re-hashed in the backup and must match its digest. A hard-linked backup guards
// against mistakes (a dropped table, a wrong gc, a damaged database), not against losing the
// disk: back up onto another file system for that, and the blobs are copied.
//
// The transparency log's signing key (and any it retired) is copied with the database (mode 0600):
// a backup holds a secret, and is to be kept like one. The token signing key is not: a restored
// server makes a new one, and bearer tokens (minutes long) are fetched again.
//
// The copy is built in a hidden folder beside DEST (`.NAME.partial-PID`), flushed to disk, and
// renamed to DEST only when complete, so DEST never holds half a backup. A failure removes the
// partial folder; one left by a killed backup can be deleted.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/result.h"
#include "server/store/data_dir.h"

namespace wreg::admin {

struct BackupReport {
  std::uint64_t releases = 0;    // releases in the copied database
  std::uint64_t blobs = 0;       // blobs the copy names, all present and verified
  std::uint64_t linked = 0;      // of which hard-linked
  std::uint64_t copied = 0;      // of which copied
  std::uint64_t blob_bytes = 0;  // their total size
};

// Backs up `source` (an open data dir, which may be serving) into the new folder `to`.
// `to` follows common/output_path.h, for a folder: it must not exist yet (a link to nothing is
// refused too), and its parent must. kAlreadyExists when something is at `to`;
// kInvalidArgument for a missing parent, naming it; kCorrupt when a blob's bytes do not match
// its digest or a blob the database names is missing (run fsck); kIo for disk errors. Every
// message is one line naming the path. Not thread-safe against another backup to the same
// `to`.
Result<BackupReport> back_up(store::DataDir& source, const std::filesystem::path& to);

}  // namespace wreg::admin
