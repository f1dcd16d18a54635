// Checking the transparency logs of wreg registries (server/tlog/transparency_log.h), as every
// command that locks or fetches a release does.
//
// What this machine knows of a registry's log is kept in $XDG_CONFIG_HOME/wreg/logs.toml:
//
//   [logs."https://wreg.example.com"]
//   key = "wreg.example.com/log+1a2b3c4d+AZEr..."   # the verifier key, pinned on first use
//   checkpoint = "wreg.example.com/log\n40\n...\n\n— wreg.example.com/log ...\n"
//
// The key is pinned the first time a registry is used (its GET /log/key, shown once on
// stderr), by `wreg trust REGISTRY KEY`, or in config.toml's [log_keys] (which wins). The
// checkpoint is the newest one verified from that registry; every later one must extend it.
//
// For each release a command locks or fetches from a wreg registry, verify_release() asks for
// its proof (GET .../proof?from=N, N the newest size verified so far) and checks, in order: the
// checkpoint is signed by the pinned key and names its log; it is not older than the newest one
// seen (a log never shrinks: a smaller one is a registry gone back, a replayed old view); the
// consistency proof joins the newest one to it (same size: same root), so the registry did not
// rewrite its history; and the inclusion proof puts the release's entry, rebuilt from the package
// document the resolver used (name, version, digest, size, kind, published), at its index. So
// a registry that swaps a release's bytes and digest cannot show the swap without a log entry
// nobody saw, and one that shows two people different logs cannot later join the two.
// verify_locked() checks a lock's [[log]] (what the lock's author verified) against the same
// newest checkpoint, so exchanging lock files exposes a fork.
//
// Any failure is one line naming the registry, the package and what did not verify; the command
// stops and writes nothing, and logs.toml is written only by save(), after a command succeeded.
//
// Not thread-safe: one verifier per command, used from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "client/config.h"
#include "client/registry_client.h"
#include "common/api/package_document.h"
#include "common/lockfile.h"
#include "common/package_ref.h"
#include "common/result.h"
#include "common/tlog/checkpoint.h"
#include "common/tlog/note.h"

namespace wreg::client {

// logs.toml's entry of one registry.
struct KnownLog {
  std::optional<tlog::VerifierKey> key;
  std::optional<std::string> checkpoint;  // the signed note, as the registry sent it
};

// logs.toml, read whole. kInvalidArgument naming the file and entry when it does not read.
Result<std::map<std::string, KnownLog>> load_known_logs(const Environment& env);
// Writes `logs` to logs.toml (mode 0644, replaced atomically).
Result<void> store_known_logs(const Environment& env, const std::map<std::string, KnownLog>& logs);

// `wreg trust REGISTRY KEY`: pins `key` for `registry` (a normalized wreg URL). The newest
// checkpoint kept is forgotten when the key names another log (origin), kept otherwise.
Result<void> trust_log_key(const Environment& env, const std::string& registry,
                           const tlog::VerifierKey& key);

class LogVerifier {
 public:
  // `client_for` gives the RegistryClient of a registry (Fetcher::client). `note` gets the one
  // line a first use prints (the key pinned).
  LogVerifier(const Environment& env, const Config& config,
              std::function<Result<RegistryClient*>(const std::string&)> client_for,
              std::function<void(const std::string&)> note);

  // Verifies that `release` (as its package document lists it) is in `registry`'s log, and
  // returns the index of its entry. nullopt when the registry keeps no log and none was ever
  // pinned for it (a registry older than the log); a registry whose key is pinned must answer.
  Result<std::optional<std::uint64_t>> verify_release(const std::string& registry,
                                                      const PackageName& name,
                                                      const api::ReleaseSummary& release);

  // verify_release() of several releases of `registry`; answers in the same order.
  struct ReleaseToVerify {
    PackageName name;
    const api::ReleaseSummary* release;  // as its package document lists it
  };
  Result<std::vector<std::optional<std::uint64_t>>> verify_releases(
      const std::string& registry, const std::vector<ReleaseToVerify>& releases);

  // Proves the checkpoint a lock recorded for `locked.registry` a prefix of the newest one
  // verified this run (asking the registry for its newest when the lock's is larger).
  Result<void> verify_locked(const LockedLog& locked);

  // Asks `registry` for its newest checkpoint, checks that it extends the newest one verified,
  // and returns it. kNotFound when the registry keeps no log.
  Result<tlog::Checkpoint> refresh(const std::string& registry);

  // The newest checkpoint verified this run for each registry, for the lock's [[log]]s.
  std::vector<LockedLog> verified_logs() const;

  // Writes what this run learned (keys pinned, newer checkpoints) to logs.toml.
  Result<void> save();

 private:
  struct RegistryState {
    tlog::VerifierKey key;
    std::optional<tlog::Checkpoint> newest;
    std::string newest_note;
    bool no_log = false;  // the registry keeps no log and none was pinned
    // `newest` is logs.toml's, whose signature this run has not checked again (state_of()).
    bool newest_kept_unchecked = false;
    // `newest` passed the [log_witnesses] check this run (a kept one is checked again).
    bool newest_witnessed = false;
  };
  Result<RegistryState*> state_of(const std::string& registry);
  // The refusal of `registry`'s log for `what`, a disagreement with state.newest; or, when
  // state.newest is logs.toml's and does not verify with the key, the refusal of logs.toml, which
  // the registry is then not to be blamed for.
  Error blame(const std::string& registry, RegistryState& state, const std::string& what) const;
  // Accepts `note` as the registry's newest checkpoint when it verifies and extends the newest
  // one (`consistency` is the proof from `from`, the size the request named).
  Result<tlog::Checkpoint> advance(const std::string& registry, RegistryState& state,
                                   const std::string& note, std::optional<std::uint64_t> from,
                                   const std::vector<tlog::Hash>& consistency,
                                   const std::string& what);

  const Environment& env_;
  const Config& config_;
  std::function<Result<RegistryClient*>(const std::string&)> client_for_;
  std::function<void(const std::string&)> note_;
  std::optional<std::map<std::string, KnownLog>> known_;  // logs.toml, read on first need
  std::map<std::string, RegistryState> states_;
  bool changed_ = false;
};

}  // namespace wreg::client
