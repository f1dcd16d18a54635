// TransparencyLog: the registry's append-only log of release events, as C2SP describes one.
//
// How it works. The metadata store appends an entry (common/tlog/release_entry.h) in the
// transaction of every publish, yank and unyank (store/metadata_store.h), so the entries are the
// truth and nothing here can lose one. This object keeps the RFC 6962 Merkle tree over them in
// memory (2n hashes for n entries), rebuilt from the store at open(), and runs one signer
// thread. When a handler has written, it calls await_entries(): the signer reads the new entries,
// extends the tree, signs a checkpoint (c2sp.org/tlog-checkpoint, a signed note with the log's
// Ed25519 key), stores it, and wakes every handler whose entries it covers. Checkpoints are cut
// at most every `interval`: the first event after a quiet spell is signed at once, and the
// events of a burst share the next signature. The signer also looks at the store every `poll`,
// so that entries another process appended (`wreg-server mirror sync`) get signed too.
//
// Everything served is derived from the entries and the stored checkpoints: the checkpoint,
// the tiles and entry bundles of c2sp.org/tlog-tiles, inclusion proofs and consistency proofs.
// The tree is read under a shared lock, extended under an exclusive one.
//
// open() refuses a log whose newest stored checkpoint was not signed by this key, or whose size
// and root hash are not those of the stored entries: a rewritten or truncated history, or a
// swapped key, stops the server rather than being signed over.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "common/tlog/checkpoint.h"
#include "common/tlog/merkle.h"
#include "common/tlog/note.h"
#include "common/tlog/tiles.h"
#include "server/store/metadata_store.h"

namespace wreg::tlog {

struct LogOptions {
  std::chrono::milliseconds interval{10};
  std::chrono::milliseconds poll{1000};
  // How long await_entries() waits for its checkpoint before it gives up.
  std::chrono::milliseconds await_timeout{10000};
  // One line per thing an operator should know (a checkpoint that could not be stored).
  std::function<void(std::string_view)> note;
  // Keys the log was signed with before its key was rotated (log_key.h): the newest checkpoint
  // may be signed by one of them, and is then signed again with the current key at open().
  std::vector<VerifierKey> retired_keys;
  // Asks witnesses to cosign a checkpoint (witness_client.h): given the checkpoint, its note and
  // a way to prove it consistent with an earlier size, the note with whatever cosignatures it
  // could add. Called by the signer thread for each checkpoint before it is stored and served,
  // and again each round for the newest one while a witness's cosignature is missing.
  std::function<std::string(const Checkpoint&, const std::string& note,
                            const std::function<Result<std::vector<Hash>>(std::uint64_t from)>&)>
      cosign;
};

// A checkpoint the log signed: the parsed text and the signed note as served.
struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;
};

class TransparencyLog {
 public:
  // kCorrupt naming what does not match (and to run `wreg-server fsck`) for a log open() refuses,
  // as above; the store's errors otherwise. Signs a first checkpoint when the entries have
  // grown past the newest stored one (or none is stored).
  static Result<std::unique_ptr<TransparencyLog>> open(store::MetadataStore& store,
                                                       NoteSigner signer, LogOptions options = {});
  ~TransparencyLog();  // stops the signer
  TransparencyLog(const TransparencyLog&) = delete;
  TransparencyLog& operator=(const TransparencyLog&) = delete;

  // Waits until a signed checkpoint covers every entry committed before the call, and returns
  // it. kUnavailable when the signer cannot store one within `await_timeout`, saying why.
  Result<std::shared_ptr<const SignedCheckpoint>> await_entries();

  // The newest signed checkpoint.
  std::shared_ptr<const SignedCheckpoint> latest() const;
  const VerifierKey& verifier() const { return signer_.verifier(); }

  // RFC 6962 proofs within the newest checkpoint's tree. kInvalidArgument, saying the bounds,
  // unless index < size <= latest size (inclusion) and from <= to <= latest size (consistency).
  Result<std::vector<Hash>> inclusion_proof(std::uint64_t index, std::uint64_t size) const;
  Result<std::vector<Hash>> consistency_proof(std::uint64_t from, std::uint64_t to) const;

  // A tile's bytes (its hashes, 32 bytes each) or an entry bundle's (each entry after its
  // big-endian uint16 length). kNotFound unless the newest checkpoint covers it: a full tile
  // wholly, a partial one with exactly its width.
  Result<std::string> tile(const TilePath& path) const;

 private:
  TransparencyLog(store::MetadataStore& store, NoteSigner signer, LogOptions options);
  Result<void> load();
  // Reads the entries past the tree's size into it.
  Result<void> catch_up_tree();
  // Signs and stores a checkpoint of the whole tree when it has grown past the newest one, or
  // when `resign` (the newest was signed by a retired key).
  Result<void> sign_if_grown(bool resign = false);
  // The newest checkpoint with the cosignatures options_.cosign can add now, stored and served
  // when it added any.
  Result<void> cosign_latest();
  // `note` of `checkpoint` through options_.cosign (unchanged without one).
  std::string cosigned(const Checkpoint& checkpoint, std::string note) const;
  // All three: what the signer thread does each round. open() and the signer thread only.
  Result<void> catch_up();
  void run_signer();
  bool covered(std::uint64_t size) const;  // under mutex_

  store::MetadataStore& store_;
  const NoteSigner signer_;
  const LogOptions options_;

  mutable std::shared_mutex tree_mutex_;
  MerkleTree tree_;  // guarded by tree_mutex_

  mutable std::mutex mutex_;
  std::condition_variable signer_wake_;
  std::condition_variable signed_;
  std::shared_ptr<const SignedCheckpoint> latest_;  // guarded by mutex_
  std::uint64_t wanted_ = 0;                        // entries a caller waits for; mutex_
  std::string failure_;         // why the last signing failed, "" when it did not; mutex_
  std::uint64_t failures_ = 0;  // counts failed rounds; mutex_
  bool stopping_ = false;       // mutex_
  std::thread signer_thread_;
};

}  // namespace wreg::tlog
