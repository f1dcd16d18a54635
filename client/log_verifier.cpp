#include "client/log_verifier.h"

#include <toml++/toml.h>

#include <sstream>
#include <utility>

#include "client/file_io.h"
#include "common/text.h"
#include "common/tlog/merkle.h"
#include "common/tlog/proof.h"
#include "common/tlog/release_entry.h"
#include "common/toml_text.h"

namespace wreg::client {
namespace {

std::filesystem::path known_logs_path(const Environment& env) {
  return env.config_dir / "logs.toml";
}

Error known_logs_error(const Environment& env, const std::string& why) {
  return fail(ErrorCode::kInvalidArgument,
              known_logs_path(env).string() + ": " + why +
                  " (wreg writes this file: restore it, or delete it to pin keys anew)");
}

// The one-line failure of a check of `registry`'s log.
Error refused(const std::string& registry, const std::string& what) {
  return fail(ErrorCode::kCorrupt,
              "registry " + registry + "'s transparency log does not verify: " + what);
}

std::string size_text(std::uint64_t size) { return std::to_string(size); }

}  // namespace

Result<std::map<std::string, KnownLog>> load_known_logs(const Environment& env) {
  std::map<std::string, KnownLog> logs;
  auto text = read_file(known_logs_path(env));
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return logs;
    return std::move(text).error();
  }
  toml::table table;
  try {
    table = toml::parse(*text);
  } catch (const toml::parse_error& e) {
    return known_logs_error(env, "line " + std::to_string(e.source().begin.line) + ": " +
                                     toml_error_text(e.description()));
  }
  const auto* entries = table["logs"].as_table();
  if (entries == nullptr) return logs;
  for (const auto& [key, node] : *entries) {
    const auto* entry = node.as_table();
    auto url = normalize_registry_url(key.str());
    if (entry == nullptr || !url) {
      return known_logs_error(env, "the entry " + wreg::quoted(key.str()) + " is not a registry's");
    }
    KnownLog known;
    if (auto key_text = (*entry)["key"].value<std::string>()) {
      auto parsed = tlog::parse_verifier_key(*key_text);
      if (!parsed)
        return known_logs_error(env, "the key of " + *url + ": " + parsed.error().message);
      known.key = *parsed;
    }
    if (auto note = (*entry)["checkpoint"].value<std::string>()) known.checkpoint = *note;
    logs.emplace(std::move(*url), std::move(known));
  }
  return logs;
}

Result<void> store_known_logs(const Environment& env, const std::map<std::string, KnownLog>& logs) {
  std::string text =
      "# What wreg verified of registries' transparency logs: the key it pinned for each, and\n"
      "# the newest checkpoint it saw. Written by wreg; `wreg trust` changes a key.\n";
  for (const auto& [registry, known] : logs) {
    text += "\n[logs." + toml_quote(registry) + "]\n";
    if (known.key) text += "key = " + toml_quote(known.key->to_string()) + "\n";
    if (known.checkpoint) text += "checkpoint = " + toml_quote(*known.checkpoint) + "\n";
  }
  return write_file_atomically(known_logs_path(env), text, 0644);
}

Result<void> trust_log_key(const Environment& env, const std::string& registry,
                           const tlog::VerifierKey& key) {
  auto logs = load_known_logs(env);
  if (!logs) return std::move(logs).error();
  KnownLog& known = (*logs)[registry];
  if (known.key && known.key->name != key.name) known.checkpoint.reset();
  known.key = key;
  return store_known_logs(env, *logs);
}

LogVerifier::LogVerifier(const Environment& env, const Config& config,
                         std::function<Result<RegistryClient*>(const std::string&)> client_for,
                         std::function<void(const std::string&)> note)
    : env_(env), config_(config), client_for_(std::move(client_for)), note_(std::move(note)) {}

Result<LogVerifier::RegistryState*> LogVerifier::state_of(const std::string& registry) {
  if (auto found = states_.find(registry); found != states_.end()) return &found->second;
  if (!known_) {
    auto loaded = load_known_logs(env_);
    if (!loaded) return std::move(loaded).error();
    known_ = std::move(*loaded);
  }
  RegistryState state;
  const KnownLog* known = nullptr;
  if (auto found = known_->find(registry); found != known_->end()) known = &found->second;
  if (const tlog::VerifierKey* configured = config_.log_key_for(registry)) {
    state.key = *configured;
  } else if (known && known->key) {
    state.key = *known->key;
  } else {
    // First use: pin what the registry says its key is, and say so once.
    auto client = client_for_(registry);
    if (!client) return std::move(client).error();
    auto text = (*client)->get_log_key();
    if (!text) {
      if (text.error().code != ErrorCode::kNotFound) return std::move(text).error();
      state.no_log = true;
      return &states_.emplace(registry, std::move(state)).first->second;
    }
    auto key = tlog::parse_verifier_key(*text);
    if (!key)
      return refused(registry, "its key " + wreg::quoted(*text) + ": " + key.error().message);
    state.key = *key;
    (*known_)[registry].key = *key;
    changed_ = true;
    note_("pinned the transparency log key of " + registry + " on first use: " + key->to_string() +
          " (compare it with what the registry's operator publishes; "
          "`wreg trust` sets another)");
  }
  // The newest checkpoint seen before, if it is of this key's log (the key may have changed). Its
  // signature was checked before it was kept, and is checked again only when a newer checkpoint
  // disagrees with it (blame()): an Ed25519 verification is most of what the log costs a warm
  // command, and a file that could be changed to fool this check could as well change the key.
  if (known && known->checkpoint && (!known->key || *known->key == state.key)) {
    auto checkpoint = tlog::parse_checkpoint_note(*known->checkpoint);
    if (!checkpoint || checkpoint->origin != state.key.name) {
      return known_logs_error(env_, "the checkpoint kept for " + registry + " does not read as " +
                                        "one of the log " + wreg::quoted(state.key.name));
    }
    state.newest = *checkpoint;
    state.newest_note = *known->checkpoint;
    state.newest_kept_unchecked = true;
  }
  return &states_.emplace(registry, std::move(state)).first->second;
}

Error LogVerifier::blame(const std::string& registry, RegistryState& state,
                         const std::string& what) const {
  if (state.newest_kept_unchecked) {
    auto note = tlog::parse_note(state.newest_note);
    if (!note || !tlog::verify_note(*note, std::span(&state.key, 1))) {
      return known_logs_error(env_, "the checkpoint kept for " + registry +
                                        " does not verify with its key " + state.key.to_string());
    }
    state.newest_kept_unchecked = false;
  }
  return refused(registry, what);
}

Result<tlog::Checkpoint> LogVerifier::advance(const std::string& registry, RegistryState& state,
                                              const std::string& note_text,
                                              std::optional<std::uint64_t> from,
                                              const std::vector<tlog::Hash>& consistency,
                                              const std::string& what) {
  const WitnessPolicy* witnesses = config_.witnesses_for(registry);
  // The newest checkpoint again, byte for byte: verified already (most proofs of one command).
  if (state.newest && note_text == state.newest_note && (!witnesses || state.newest_witnessed)) {
    return *state.newest;
  }
  auto note = tlog::parse_note(note_text);
  if (!note) return refused(registry, "the checkpoint of " + what + ": " + note.error().message);
  if (auto signers = tlog::verify_note(*note, std::span(&state.key, 1)); !signers) {
    return refused(registry, "the checkpoint of " + what + " is not signed by the pinned key " +
                                 state.key.to_string() + ": " + signers.error().message);
  }
  auto checkpoint = tlog::parse_checkpoint(note->text);
  if (!checkpoint) {
    return refused(registry, "the checkpoint of " + what + ": " + checkpoint.error().message);
  }
  if (witnesses) {
    auto cosigned = tlog::verify_note(*note, witnesses->keys);
    const std::size_t count = cosigned ? cosigned->size() : 0;
    if (count < witnesses->required) {
      std::string names;
      for (const tlog::VerifierKey& key : witnesses->keys) {
        names += (names.empty() ? "" : ", ") + key.name;
      }
      return refused(registry, "its checkpoint of " + size_text(checkpoint->size) +
                                   " entries is cosigned by " + std::to_string(count) +
                                   " of the witnesses config.toml requires " +
                                   std::to_string(witnesses->required) + " of (" + names + ")" +
                                   (cosigned ? "" : ": " + cosigned.error().message) +
                                   "; a checkpoint no witness saw may be a view shown to you "
                                   "alone; nothing was changed");
    }
  }
  if (checkpoint->origin != state.key.name) {
    return refused(registry, "the checkpoint of " + what + " is of the log " +
                                 wreg::quoted(checkpoint->origin) + ", not " +
                                 wreg::quoted(state.key.name));
  }
  if (state.newest) {
    const tlog::Checkpoint& newest = *state.newest;
    if (checkpoint->size < newest.size) {
      return blame(registry, state,
                   "it shows its log at " + size_text(checkpoint->size) +
                       " entries, fewer than the " + size_text(newest.size) +
                       " this machine verified before: the registry went back (a "
                       "restored backup, a stale replica, or an old view shown to "
                       "you); nothing was changed");
    }
    if (checkpoint->size == newest.size && checkpoint->root != newest.root) {
      return blame(registry, state,
                   "two checkpoints of " + size_text(newest.size) +
                       " entries have different roots: the registry shows different "
                       "histories (a fork); nothing was changed");
    }
    if (checkpoint->size > newest.size &&
        (from != newest.size ||
         !tlog::verify_consistency(newest.size, checkpoint->size, newest.root, checkpoint->root,
                                   consistency))) {
      return blame(registry, state,
                   "its log at " + size_text(checkpoint->size) +
                       " entries does not extend the one of " + size_text(newest.size) +
                       " this machine verified before: it rewrote its history; "
                       "nothing was changed");
    }
  }
  // A checkpoint of the newest's size has its root by now; it replaces the newest when that has
  // not passed the witnesses' check this run, so that the next proof needs none.
  if (!state.newest || checkpoint->size > state.newest->size ||
      (witnesses && !state.newest_witnessed)) {
    state.newest = *checkpoint;
    state.newest_note = note_text;
    state.newest_kept_unchecked = false;
    state.newest_witnessed = true;
    changed_ = true;
  }
  return std::move(*checkpoint);
}

Result<std::optional<std::uint64_t>> LogVerifier::verify_release(
    const std::string& registry, const PackageName& name, const api::ReleaseSummary& release) {
  auto indexes = verify_releases(registry, {{name, &release}});
  if (!indexes) return std::move(indexes).error();
  return indexes->front();
}

namespace {

// A registry whose key is pinned must have a proof of every release it serves: its 404 is a
// refusal, not a registry without a log.
Result<api::ReleaseProof> proof_of_pinned(const std::string& registry, const PackageVersion& id,
                                          Result<api::ReleaseProof> answer) {
  if (!answer && answer.error().code == ErrorCode::kNotFound) {
    return refused(registry, "it has no log proof of " + id.to_string() + " (" +
                                 answer.error().message + "), though its key is pinned");
  }
  return answer;
}

}  // namespace

Result<std::vector<std::optional<std::uint64_t>>> LogVerifier::verify_releases(
    const std::string& registry, const std::vector<ReleaseToVerify>& releases) {
  std::vector<std::optional<std::uint64_t>> indexes(releases.size());
  auto state = state_of(registry);
  if (!state) return std::move(state).error();
  if ((*state)->no_log) return indexes;
  auto client = client_for_(registry);
  if (!client) return std::move(client).error();
  // The proofs are asked for from the newest size known; they then come back against one
  // checkpoint or, when the registry grew meanwhile, a few, taken smallest first. One whose
  // consistency proof starts below the newest by then is asked for again (rare).
  const std::optional<std::uint64_t> from =
      (*state)->newest ? std::optional((*state)->newest->size) : std::nullopt;
  std::vector<PackageVersion> ids;
  for (const ReleaseToVerify& release : releases) {
    ids.push_back(PackageVersion{release.name, release.release->version});
  }
  // One round trip for all of them (pipelined on one connection).
  std::vector<Result<api::ReleaseProof>> answers = (*client)->get_release_proofs(ids, from);
  struct Parsed {
    std::size_t i;
    tlog::TlogProof proof;
    std::uint64_t size;
  };
  std::vector<Parsed> parsed;
  for (std::size_t i = 0; i < releases.size(); ++i) {
    if (!answers[i]) return proof_of_pinned(registry, ids[i], std::move(answers[i])).error();
    const std::string what =
        releases[i].name.to_string() + "@" + releases[i].release->version.to_string();
    auto proof = tlog::parse_tlog_proof(answers[i]->proof);
    if (!proof) return refused(registry, "the proof of " + what + ": " + proof.error().message);
    if (proof->index != answers[i]->log_index) {
      return refused(registry, "the proof of " + what + " names two entry indexes");
    }
    auto head = tlog::parse_checkpoint_note(proof->checkpoint);
    if (!head) {
      return refused(registry, "the checkpoint of " + what + ": " + head.error().message);
    }
    parsed.push_back(Parsed{i, std::move(*proof), head->size});
  }
  std::stable_sort(parsed.begin(), parsed.end(),
                   [](const Parsed& a, const Parsed& b) { return a.size < b.size; });
  for (Parsed& item : parsed) {
    const ReleaseToVerify& release = releases[item.i];
    const PackageVersion id{release.name, release.release->version};
    const std::string what = id.to_string();
    api::ReleaseProof* answer = &*answers[item.i];
    const auto newest = (*state)->newest;
    if (newest && item.size > newest->size && answer->consistency_from != newest->size) {
      auto again = proof_of_pinned(registry, id, (*client)->get_release_proof(id, newest->size));
      if (!again) return std::move(again).error();
      answers[item.i] = std::move(again);
      answer = &*answers[item.i];
      auto proof = tlog::parse_tlog_proof(answer->proof);
      if (!proof) return refused(registry, "the proof of " + what + ": " + proof.error().message);
      item.proof = std::move(*proof);
    }
    auto checkpoint = advance(registry, **state, item.proof.checkpoint, answer->consistency_from,
                              answer->consistency, what);
    if (!checkpoint) return std::move(checkpoint).error();
    const tlog::ReleaseEntry entry{tlog::ReleaseEvent::kPublish, id,
                                   release.release->digest,      release.release->size,
                                   release.release->kind,        release.release->published};
    if (!tlog::verify_inclusion(tlog::leaf_hash(entry.text()), item.proof.index, checkpoint->size,
                                item.proof.path, checkpoint->root)) {
      return refused(registry, what + " " + release.release->digest.to_string() +
                                   " is not in the log as its package document describes it "
                                   "(entry " +
                                   size_text(item.proof.index) + " of " +
                                   size_text(checkpoint->size) +
                                   "): its bytes or record were changed after it was published");
    }
    indexes[item.i] = item.proof.index;
  }
  return indexes;
}

Result<tlog::Checkpoint> LogVerifier::refresh(const std::string& registry) {
  auto state = state_of(registry);
  if (!state) return std::move(state).error();
  if ((*state)->no_log) {
    return fail(ErrorCode::kNotFound, "registry " + registry + " keeps no transparency log");
  }
  auto client = client_for_(registry);
  if (!client) return std::move(client).error();
  const std::optional<std::uint64_t> from =
      (*state)->newest ? std::optional((*state)->newest->size) : std::nullopt;
  auto latest = (*client)->get_consistency(from.value_or(0), std::nullopt);
  if (!latest) return std::move(latest).error();
  if (latest->checkpoint.empty()) {
    return refused(registry, "it sent a consistency proof without its checkpoint");
  }
  return advance(registry, **state, latest->checkpoint, from, latest->proof,
                 "its newest checkpoint");
}

Result<void> LogVerifier::verify_locked(const LockedLog& locked) {
  auto state = state_of(locked.registry);
  if (!state) return std::move(state).error();
  if ((*state)->no_log) {
    return refused(locked.registry,
                   "wreg.lock holds a checkpoint of its log, but it keeps none now");
  }
  auto client = client_for_(locked.registry);
  if (!client) return std::move(client).error();
  if (!(*state)->newest || (*state)->newest->size < locked.size) {
    // The lock's author saw more than this machine: bring the newest up to the registry's.
    if (auto advanced = refresh(locked.registry); !advanced) return std::move(advanced).error();
  }
  const tlog::Checkpoint& newest = *(*state)->newest;
  if (locked.size > newest.size) {
    return blame(locked.registry, **state,
                 "wreg.lock was verified against its log at " + size_text(locked.size) +
                     " entries, but it now shows " + size_text(newest.size) +
                     ": the registry went back; nothing was changed");
  }
  if (locked.size == newest.size) {
    if (locked.root == newest.root) return {};
    return blame(locked.registry, **state,
                 "wreg.lock's checkpoint of " + size_text(locked.size) +
                     " entries has another root than the one of that size "
                     "verified here: the lock's author and you were shown "
                     "different histories");
  }
  auto proof = (*client)->get_consistency(locked.size, newest.size);
  if (!proof) return std::move(proof).error();
  if (proof->old_size != locked.size ||
      !tlog::verify_consistency(locked.size, newest.size, locked.root, newest.root, proof->proof)) {
    return blame(locked.registry, **state,
                 "its log at " + size_text(newest.size) + " entries does not extend the one of " +
                     size_text(locked.size) +
                     " wreg.lock was verified "
                     "against: the lock's author and you were shown "
                     "different histories");
  }
  return {};
}

std::vector<LockedLog> LogVerifier::verified_logs() const {
  std::vector<LockedLog> logs;
  for (const auto& [registry, state] : states_) {
    if (state.newest) logs.push_back(LockedLog{registry, state.newest->size, state.newest->root});
  }
  return logs;
}

Result<void> LogVerifier::save() {
  if (!changed_) return {};
  // Read again, so that what another wreg learned meanwhile is kept unless this run knows more.
  auto logs = load_known_logs(env_);
  if (!logs) return std::move(logs).error();
  for (const auto& [registry, state] : states_) {
    if (state.no_log) continue;
    KnownLog& known = (*logs)[registry];
    if (!config_.log_key_for(registry)) known.key = state.key;
    if (!state.newest) continue;
    if (known.checkpoint) {
      auto theirs = tlog::parse_checkpoint_note(*known.checkpoint);
      if (theirs && theirs->origin == state.newest->origin && theirs->size > state.newest->size) {
        continue;
      }
    }
    known.checkpoint = state.newest_note;
  }
  changed_ = false;
  return store_known_logs(env_, *logs);
}

}  // namespace wreg::client
