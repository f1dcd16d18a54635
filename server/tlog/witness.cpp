#include "server/tlog/witness.h"

#include <algorithm>
#include <optional>
#include <span>
#include <utility>

#include "common/text.h"
#include "common/tlog/checkpoint.h"
#include "common/tlog/consistency.h"
#include "common/tlog/merkle.h"

namespace wreg::tlog {
namespace {

WitnessAnswer answer(int status, std::string message) {
  return WitnessAnswer{status, "text/plain; charset=utf-8", std::move(message) + "\n"};
}

// The log asked from another size than the one kept: it retries from the size this names.
WitnessAnswer size_conflict(std::uint64_t kept_size) {
  return WitnessAnswer{409, "text/x.tlog.size", std::to_string(kept_size) + "\n"};
}

// The checkpoint kept for `origin` (size 0 and the empty tree when none), with its note.
struct Kept {
  std::optional<std::string> note;
  Checkpoint checkpoint;
};
std::optional<Kept> read_kept(store::MetadataStore& store, const std::string& origin,
                              WitnessAnswer& failure) {
  auto note = store.witnessed_checkpoint(origin);
  if (!note) {
    failure = answer(500, note.error().message);
    return std::nullopt;
  }
  Kept kept{*note, Checkpoint{origin, 0, empty_root(), {}}};
  if (*note) {
    auto checkpoint = parse_checkpoint_note(**note);
    if (!checkpoint) {
      failure = answer(500, "the checkpoint this witness kept for the log does not read: " +
                                checkpoint.error().message);
      return std::nullopt;
    }
    kept.checkpoint = std::move(*checkpoint);
  }
  return kept;
}

}  // namespace

Witness::Witness(store::MetadataStore& store, NoteSigner cosigner, std::vector<VerifierKey> logs,
                 std::function<std::uint64_t()> now)
    : store_(store), cosigner_(std::move(cosigner)), logs_(std::move(logs)), now_(std::move(now)) {}

WitnessAnswer Witness::add_checkpoint(std::string_view body) {
  auto request = parse_consistency_body(body);
  if (!request) return answer(400, "the request does not read: " + request.error().message);
  auto note = parse_note(request->checkpoint);
  if (!note) return answer(400, "the checkpoint does not read: " + note.error().message);
  auto checkpoint = parse_checkpoint(note->text);
  if (!checkpoint)
    return answer(400, "the checkpoint does not read: " + checkpoint.error().message);
  std::vector<VerifierKey> keys;
  std::copy_if(logs_.begin(), logs_.end(), std::back_inserter(keys),
               [&](const VerifierKey& key) { return key.name == checkpoint->origin; });
  if (keys.empty()) {
    return answer(404, "this witness does not witness the log " + wreg::quoted(checkpoint->origin));
  }
  if (auto signers = verify_note(*note, keys); !signers) {
    return answer(403, "the checkpoint is not signed by the log's key: " + signers.error().message);
  }
  if (request->old_size > checkpoint->size) {
    return answer(400, "old size " + std::to_string(request->old_size) +
                           " is past the checkpoint's size " + std::to_string(checkpoint->size));
  }

  WitnessAnswer failure;
  auto kept_now = read_kept(store_, checkpoint->origin, failure);
  if (!kept_now) return failure;
  const Checkpoint& kept = kept_now->checkpoint;
  if (request->old_size != kept.size) return size_conflict(kept.size);
  // RFC 6962's proof from size 0, or from a size to itself, is empty.
  if ((kept.size == 0 || kept.size == checkpoint->size) && !request->proof.empty()) {
    return answer(422, "a consistency proof from " + std::to_string(kept.size) + " to " +
                           std::to_string(checkpoint->size) + " entries must be empty");
  }
  if (checkpoint->size == kept.size) {
    if (checkpoint->root != kept.root) {
      return answer(409, "the checkpoint of " + std::to_string(kept.size) +
                             " entries has another root than the one this witness cosigned: "
                             "the log forked");
    }
  } else if (kept.size > 0 && !verify_consistency(kept.size, checkpoint->size, kept.root,
                                                  checkpoint->root, request->proof)) {
    return answer(422, "the consistency proof from " + std::to_string(kept.size) + " to " +
                           std::to_string(checkpoint->size) + " entries does not verify");
  }
  // The kept checkpoint again (a log asking once more, or anyone replaying it) is not written
  // again: a request anyone may send costs no write unless the log grew.
  if (checkpoint->size != kept.size || !kept_now->note) {
    // Checked against what was read above; if another request (here or on another replica
    // sharing the database) recorded a checkpoint since, cosigning this one could cosign both
    // sides of a fork, so the log is sent back to ask again from the size now kept.
    auto recorded = store_.record_witnessed(checkpoint->origin, checkpoint->size,
                                            request->checkpoint, kept_now->note);
    if (!recorded) return answer(500, recorded.error().message);
    if (!*recorded) {
      auto kept_after = read_kept(store_, checkpoint->origin, failure);
      if (!kept_after) return failure;
      return size_conflict(kept_after->checkpoint.size);
    }
  }
  return WitnessAnswer{200, "text/plain; charset=utf-8", cosigner_.sign(note->text, now_())};
}

}  // namespace wreg::tlog
