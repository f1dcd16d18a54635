#include "server/tlog/transparency_log.h"

#include <algorithm>
#include <utility>

#include "common/text.h"

namespace wreg::tlog {
namespace {

// Entries read from the store per query while the tree is built or extended.
constexpr std::uint64_t kReadBatch = 4096;

Error corrupt(const std::string& what) {
  return fail(ErrorCode::kCorrupt,
              "the transparency log does not match its entries: " + what +
                  "; run `wreg-server fsck` and restore the data directory from a backup");
}

}  // namespace

TransparencyLog::TransparencyLog(store::MetadataStore& store, NoteSigner signer, LogOptions options)
    : store_(store), signer_(std::move(signer)), options_(std::move(options)) {}

Result<std::unique_ptr<TransparencyLog>> TransparencyLog::open(store::MetadataStore& store,
                                                               NoteSigner signer,
                                                               LogOptions options) {
  std::unique_ptr<TransparencyLog> log(
      new TransparencyLog(store, std::move(signer), std::move(options)));
  if (auto loaded = log->load(); !loaded) return std::move(loaded).error();
  log->signer_thread_ = std::thread([raw = log.get()] { raw->run_signer(); });
  return log;
}

TransparencyLog::~TransparencyLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  signer_wake_.notify_all();
  signed_.notify_all();
  if (signer_thread_.joinable()) signer_thread_.join();
}

Result<void> TransparencyLog::load() {
  if (auto logged = store_.log_missing_releases(); !logged) return std::move(logged).error();
  auto stored = store_.latest_checkpoint();
  if (!stored) return std::move(stored).error();
  std::shared_ptr<SignedCheckpoint> newest;
  bool resign = false;
  if (*stored) {
    const VerifierKey key = verifier();
    std::vector<VerifierKey> keys{key};
    keys.insert(keys.end(), options_.retired_keys.begin(), options_.retired_keys.end());
    auto note = parse_note(**stored);
    if (!note) {
      return corrupt("its newest checkpoint cannot be read (" + note.error().message + ")");
    }
    auto verified = verify_note(*note, keys);
    if (!verified) {
      return corrupt("its newest checkpoint was not signed by the log's key " + key.to_string() +
                     " (" + verified.error().message +
                     "); the key file is not the one this log was started with");
    }
    // Signed by a key rotated out: signed again below with the current one.
    resign = verified->front().key != key;
    auto checkpoint = parse_checkpoint(note->text);
    if (!checkpoint) {
      return corrupt("its newest checkpoint cannot be read (" + checkpoint.error().message + ")");
    }
    newest = std::make_shared<SignedCheckpoint>(SignedCheckpoint{*checkpoint, **stored});
  }
  // The tree over every entry the store holds.
  if (auto extended = catch_up_tree(); !extended) return std::move(extended).error();
  if (newest) {
    const Checkpoint& checkpoint = newest->checkpoint;
    std::shared_lock lock(tree_mutex_);
    if (checkpoint.size > tree_.size()) {
      return corrupt("its newest checkpoint covers " + std::to_string(checkpoint.size) +
                     " entries but the store holds " + std::to_string(tree_.size()) +
                     " (entries were removed, or the database is older than the checkpoint)");
    }
    if (tree_.root(checkpoint.size) != checkpoint.root) {
      return corrupt("the root hash of its first " + std::to_string(checkpoint.size) +
                     " entries is not the one its newest checkpoint signed (entries were "
                     "changed)");
    }
  }
  {
    std::lock_guard lock(mutex_);
    latest_ = std::move(newest);
  }
  return sign_if_grown(resign);
}

Result<void> TransparencyLog::catch_up_tree() {
  auto size = store_.log_size();
  if (!size) return std::move(size).error();
  std::uint64_t have = 0;
  {
    std::shared_lock lock(tree_mutex_);
    have = tree_.size();
  }
  while (have < *size) {
    auto entries = store_.log_entries(have, std::min(kReadBatch, *size - have));
    if (!entries) return std::move(entries).error();
    if (entries->empty()) {
      return corrupt("entry " + std::to_string(have) + " is missing");
    }
    std::vector<Hash> leaves;
    leaves.reserve(entries->size());
    for (const std::string& entry : *entries) leaves.push_back(leaf_hash(entry));
    std::unique_lock lock(tree_mutex_);
    for (const Hash& leaf : leaves) tree_.append(leaf);
    have = tree_.size();
  }
  return {};
}

Result<void> TransparencyLog::sign_if_grown(bool resign) {
  Checkpoint checkpoint;
  checkpoint.origin = signer_.verifier().name;
  {
    std::shared_lock lock(tree_mutex_);
    checkpoint.size = tree_.size();
    checkpoint.root = tree_.root(checkpoint.size);
  }
  {
    std::lock_guard lock(mutex_);
    if (!resign && latest_ && latest_->checkpoint.size >= checkpoint.size) return {};
  }
  const std::string text = checkpoint.text();
  std::string note = cosigned(checkpoint, text + "\n" + signer_.sign(text));
  if (auto recorded = store_.record_checkpoint(checkpoint.size, note); !recorded) {
    return std::move(recorded).error();
  }
  auto made = std::make_shared<const SignedCheckpoint>(
      SignedCheckpoint{std::move(checkpoint), std::move(note)});
  {
    std::lock_guard lock(mutex_);
    latest_ = std::move(made);
  }
  signed_.notify_all();
  return {};
}

std::string TransparencyLog::cosigned(const Checkpoint& checkpoint, std::string note) const {
  if (!options_.cosign) return note;
  const std::uint64_t to = checkpoint.size;
  return options_.cosign(checkpoint, note, [this, to](std::uint64_t from) {
    std::shared_lock lock(tree_mutex_);
    if (from > to || to > tree_.size()) {
      return Result<std::vector<Hash>>(fail(
          ErrorCode::kInvalidArgument, "no consistency proof from " + std::to_string(from) +
                                           " to " + std::to_string(to) + " entries: the log has " +
                                           std::to_string(tree_.size())));
    }
    return Result<std::vector<Hash>>(tree_.consistency_proof(from, to));
  });
}

Result<void> TransparencyLog::cosign_latest() {
  if (!options_.cosign) return {};
  std::shared_ptr<const SignedCheckpoint> latest;
  {
    std::lock_guard lock(mutex_);
    latest = latest_;
  }
  if (!latest) return {};
  std::string note = cosigned(latest->checkpoint, latest->note);
  if (note == latest->note) return {};
  if (auto recorded = store_.record_checkpoint(latest->checkpoint.size, note); !recorded) {
    return std::move(recorded).error();
  }
  auto made = std::make_shared<const SignedCheckpoint>(
      SignedCheckpoint{latest->checkpoint, std::move(note)});
  std::lock_guard lock(mutex_);
  // Only the signer thread replaces latest_, so it is still the one cosigned.
  latest_ = std::move(made);
  return {};
}

Result<void> TransparencyLog::catch_up() {
  if (auto extended = catch_up_tree(); !extended) return std::move(extended).error();
  if (auto signed_now = sign_if_grown(); !signed_now) return std::move(signed_now).error();
  return cosign_latest();
}

void TransparencyLog::run_signer() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_round = Clock::now() - options_.interval;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    signer_wake_.wait_for(lock, options_.poll, [&] { return stopping_ || !covered(wanted_); });
    if (stopping_) break;
    // At most one checkpoint per interval: a burst's events wait here for one signature.
    if (signer_wake_.wait_until(lock, last_round + options_.interval, [&] { return stopping_; })) {
      break;
    }
    last_round = Clock::now();
    lock.unlock();
    auto done = catch_up();
    lock.lock();
    if (!done) {
      const bool news = failure_ != done.error().message;
      failure_ = done.error().message;
      ++failures_;
      signed_.notify_all();
      if (news && options_.note) {
        lock.unlock();
        options_.note("transparency log: cannot sign a checkpoint: " + done.error().message);
        lock.lock();
      }
      // A store that fails (read-only, full) is asked again after `poll`, not every interval.
      if (signer_wake_.wait_for(lock, options_.poll, [&] { return stopping_; })) break;
    } else {
      failure_.clear();
    }
  }
}

bool TransparencyLog::covered(std::uint64_t size) const {
  return size == 0 ? latest_ != nullptr : latest_ && latest_->checkpoint.size >= size;
}

Result<std::shared_ptr<const SignedCheckpoint>> TransparencyLog::await_entries() {
  auto size = store_.log_size();
  if (!size) return std::move(size).error();
  std::unique_lock lock(mutex_);
  if (covered(*size)) return latest_;
  wanted_ = std::max(wanted_, *size);
  const std::uint64_t failures_before = failures_;
  signer_wake_.notify_one();
  const auto deadline = std::chrono::steady_clock::now() + options_.await_timeout;
  while (!covered(*size)) {
    if (failures_ != failures_before) {
      return fail(ErrorCode::kUnavailable,
                  "the change is stored, but the transparency log could not sign a checkpoint "
                  "over it: " +
                      failure_ + "; it is signed once the log recovers");
    }
    if (stopping_) {
      return fail(ErrorCode::kUnavailable,
                  "the change is stored, but the server stopped before it was signed into the "
                  "transparency log; it is signed when the server starts again");
    }
    if (signed_.wait_until(lock, deadline) == std::cv_status::timeout && !covered(*size)) {
      return fail(ErrorCode::kUnavailable,
                  "the change is stored, but no transparency log checkpoint covered it within " +
                      std::to_string(options_.await_timeout.count()) + " ms");
    }
  }
  return latest_;
}

std::shared_ptr<const SignedCheckpoint> TransparencyLog::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

Result<std::vector<Hash>> TransparencyLog::inclusion_proof(std::uint64_t index,
                                                           std::uint64_t size) const {
  const std::uint64_t signed_size = latest()->checkpoint.size;
  if (index >= size || size > signed_size) {
    return fail(ErrorCode::kInvalidArgument,
                "an inclusion proof needs an entry index below a tree size of at most " +
                    std::to_string(signed_size) + ", the newest checkpoint's; got index " +
                    std::to_string(index) + " in size " + std::to_string(size));
  }
  std::shared_lock lock(tree_mutex_);
  return tree_.inclusion_proof(index, size);
}

Result<std::vector<Hash>> TransparencyLog::consistency_proof(std::uint64_t from,
                                                             std::uint64_t to) const {
  const std::uint64_t signed_size = latest()->checkpoint.size;
  if (from > to || to > signed_size) {
    return fail(ErrorCode::kInvalidArgument,
                "a consistency proof needs from <= to <= " + std::to_string(signed_size) +
                    ", the newest checkpoint's size; got from " + std::to_string(from) + " to " +
                    std::to_string(to));
  }
  std::shared_lock lock(tree_mutex_);
  return tree_.consistency_proof(from, to);
}

Result<std::string> TransparencyLog::tile(const TilePath& path) const {
  const std::uint64_t signed_size = latest()->checkpoint.size;
  // The entries a tile's last hash covers end at (index * 256 + width) << (8 * level).
  const unsigned shift = kTileHeight * path.level;
  const std::uint64_t first = path.index * kTileWidth;
  const bool fits = shift < 64 && path.index <= (UINT64_MAX / kTileWidth) &&
                    first + path.width > first && (first + path.width) <= (signed_size >> shift);
  if (!fits) {
    return fail(ErrorCode::kNotFound, "the log's newest checkpoint (" +
                                          std::to_string(signed_size) +
                                          " entries) does not cover " + path.to_string());
  }
  std::string bytes;
  if (path.entries) {
    auto entries = store_.log_entries(first, path.width);
    if (!entries) return std::move(entries).error();
    if (entries->size() != path.width)
      return corrupt("entries of " + path.to_string() + " are missing");
    for (const std::string& entry : *entries) {
      if (entry.size() > 0xffff) return corrupt("an entry of " + path.to_string() + " is too long");
      bytes.push_back(static_cast<char>(entry.size() >> 8));
      bytes.push_back(static_cast<char>(entry.size() & 0xff));
      bytes += entry;
    }
    return bytes;
  }
  bytes.reserve(std::size_t{path.width} * 32);
  std::shared_lock lock(tree_mutex_);
  for (std::uint64_t i = first; i < first + path.width; ++i) {
    const Hash& hash = tree_.node(shift, i);
    bytes.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  }
  return bytes;
}

}  // namespace wreg::tlog
