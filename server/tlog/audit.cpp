#include "server/tlog/audit.h"

#include <algorithm>

#include "common/tlog/checkpoint.h"
#include "common/tlog/merkle.h"
#include "common/tlog/release_entry.h"

namespace wreg::tlog {
namespace {

constexpr std::uint64_t kReadBatch = 4096;

}  // namespace

Result<LogAudit> audit_log(store::MetadataStore& store, const std::optional<VerifierKey>& key,
                           const std::vector<VerifierKey>& retired,
                           const std::function<void(const std::string&)>& problem) {
  LogAudit audit;
  auto size = store.log_size();
  if (!size) return std::move(size).error();
  MerkleTree tree;
  while (tree.size() < *size) {
    auto entries = store.log_entries(tree.size(), std::min(kReadBatch, *size - tree.size()));
    if (!entries) return std::move(entries).error();
    if (entries->empty()) {
      problem("transparency log entry " + std::to_string(tree.size()) +
              " is missing; restore the database from a backup");
      break;
    }
    for (const std::string& entry : *entries) {
      if (auto parsed = parse_release_entry(entry); !parsed) {
        problem("transparency log entry " + std::to_string(tree.size()) +
                " is not a release entry: " + parsed.error().message);
      }
      tree.append(leaf_hash(entry));
    }
  }
  audit.entries = tree.size();

  auto notes = store.checkpoints();
  if (!notes) return std::move(notes).error();
  audit.checkpoints = notes->size();
  if (!key && !notes->empty()) {
    problem("the transparency log has " + std::to_string(notes->size()) +
            " signed checkpoints but no signing key; restore log-signing.key from a backup");
  }
  for (const std::string& text : *notes) {
    auto note = parse_note(text);
    if (!note) {
      problem("a stored checkpoint cannot be read: " + note.error().message);
      continue;
    }
    if (key) {
      std::vector<VerifierKey> keys{*key};
      keys.insert(keys.end(), retired.begin(), retired.end());
      if (auto verified = verify_note(*note, keys); !verified) {
        problem("a stored checkpoint does not verify with the log's key " + key->to_string() +
                ": " + verified.error().message);
      }
    }
    auto checkpoint = parse_checkpoint(note->text);
    if (!checkpoint) {
      problem("a stored checkpoint cannot be read: " + checkpoint.error().message);
      continue;
    }
    const std::string named = "the checkpoint of size " + std::to_string(checkpoint->size);
    if (checkpoint->size > tree.size()) {
      problem(named + " covers more entries than the log holds (" + std::to_string(tree.size()) +
              "): entries were removed; restore from a backup");
    } else if (checkpoint->root != tree.root(checkpoint->size)) {
      problem(named +
              " signed another root than its entries give: entries were changed "
              "after it was signed; restore from a backup");
    }
  }
  return audit;
}

}  // namespace wreg::tlog
