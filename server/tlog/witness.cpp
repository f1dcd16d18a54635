#include "server/tlog/witness.h"

#include <algorithm>
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

  std::lock_guard lock(mutex_);
  auto kept_note = store_.witnessed_checkpoint(checkpoint->origin);
  if (!kept_note) return answer(500, kept_note.error().message);
  Checkpoint kept{checkpoint->origin, 0, empty_root(), {}};
  if (*kept_note) {
    auto kept_checkpoint = parse_checkpoint_note(**kept_note);
    if (!kept_checkpoint) {
      return answer(500, "the checkpoint this witness kept for the log does not read: " +
                             kept_checkpoint.error().message);
    }
    kept = std::move(*kept_checkpoint);
  }
  if (request->old_size != kept.size) {
    WitnessAnswer conflict{409, "text/x.tlog.size", std::to_string(kept.size) + "\n"};
    return conflict;
  }
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
  if (checkpoint->size != kept.size || !*kept_note) {
    auto recorded =
        store_.record_witnessed(checkpoint->origin, checkpoint->size, request->checkpoint);
    if (!recorded) return answer(500, recorded.error().message);
  }
  return WitnessAnswer{200, "text/plain; charset=utf-8", cosigner_.sign(note->text, now_())};
}

}  // namespace wreg::tlog
