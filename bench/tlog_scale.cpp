// The transparency log at scale (issue 20): a real SQLite store with N releases published
// through the store (each its own transaction, as a publish), then the log opened over them.
// Prints, for each N: the bytes the log's entries take in the database, the time to open the log
// (rebuild the tree from the entries and check the newest checkpoint), the memory the tree
// holds, and the size and cost of an inclusion proof (as the tlog-proof text a client fetches)
// and of a consistency proof. Both proofs grow with log2(N); the entries grow with N.
//
//   ninja -C build wreg-tlog-scale && ./build/bench/wreg-tlog-scale [N...]   (default 1000 10000
//   100000)
//
// Put TMPDIR on a RAM disk (TMPDIR=/dev/shm) to keep the N fsynced commits of the set-up quick;
// the figures printed do not depend on it.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/tlog/note.h"
#include "common/tlog/proof.h"
#include "server/store/sqlite_database.h"
#include "server/store/sqlite_stores.h"
#include "server/tlog/transparency_log.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

int measure(std::uint64_t releases, const fs::path& dir) {
  wreg::store::SqliteOptions options;
  options.log = [](std::string_view) {};
  auto database = wreg::store::SqliteDatabase::open(dir / "wreg.db", options);
  if (!database) {
    std::cerr << database.error().message << "\n";
    return 1;
  }
  wreg::store::SqliteMetadataStore store(**database);
  (void)store.create_namespace("bench");
  for (std::uint64_t i = 0; i < releases; ++i) {
    const std::string id =
        "bench:p" + std::to_string(i % 1000) + "@1.0." + std::to_string(i / 1000);
    const std::string bytes = "release " + std::to_string(i);
    wreg::store::NewRelease release{*wreg::PackageVersion::parse(id),
                                    wreg::Digest::of(std::string_view(bytes)),
                                    bytes.size(),
                                    wreg::api::ReleaseKind::kComponent,
                                    "",
                                    {},
                                    {},
                                    {},
                                    "{}",
                                    ""};
    if (auto published = store.publish(release); !published) {
      std::cerr << published.error().message << "\n";
      return 1;
    }
  }
  std::uint64_t entry_bytes = 0;
  for (std::uint64_t at = 0; at < releases; at += 4096) {
    auto entries = store.log_entries(at, 4096);
    for (const std::string& entry : *entries) entry_bytes += entry.size();
  }
  wreg::tlog::Seed seed{};
  seed.fill(7);
  auto signer = *wreg::tlog::NoteSigner::from_seed("bench.example/log", seed);
  // Opened twice: the first signs the checkpoint, the second is a server's restart over it.
  { auto first = wreg::tlog::TransparencyLog::open(store, signer); }
  const auto open_start = Clock::now();
  auto log = wreg::tlog::TransparencyLog::open(store, signer);
  const double open_us = micros_since(open_start);
  if (!log) {
    std::cerr << log.error().message << "\n";
    return 1;
  }
  const auto latest = (*log)->latest();
  const std::uint64_t size = latest->checkpoint.size;
  constexpr int kProofs = 1000;
  std::size_t proof_bytes = 0;
  std::size_t path_hashes = 0;
  const auto inclusion_start = Clock::now();
  for (int i = 0; i < kProofs; ++i) {
    const std::uint64_t index = (static_cast<std::uint64_t>(i) * 7919) % size;
    auto path = (*log)->inclusion_proof(index, size);
    path_hashes = path->size();
    proof_bytes = wreg::tlog::TlogProof{"", index, std::move(*path), latest->note}.text().size();
  }
  const double inclusion_us = micros_since(inclusion_start) / kProofs;
  std::size_t consistency_hashes = 0;
  const auto consistency_start = Clock::now();
  for (int i = 0; i < kProofs; ++i) {
    auto proof = (*log)->consistency_proof(1 + (static_cast<std::uint64_t>(i) * 7919) % size, size);
    consistency_hashes = std::max(consistency_hashes, proof->size());
  }
  const double consistency_us = micros_since(consistency_start) / kProofs;
  std::printf(
      "%8llu releases: entries %7.2f MiB (%llu B each), open %7.1f ms, tree %6.2f MiB, "
      "inclusion proof %2zu hashes / %4zu B text / %5.1f us, consistency proof <= %2zu hashes / "
      "%5.1f us\n",
      static_cast<unsigned long long>(releases), entry_bytes / 1048576.0,
      static_cast<unsigned long long>(entry_bytes / releases), open_us / 1000,
      2.0 * size * 32 / 1048576.0, path_hashes, proof_bytes, inclusion_us, consistency_hashes,
      consistency_us);
  return 0;
}

int run(std::uint64_t releases) {
  const fs::path dir = fs::temp_directory_path() / ("wreg-tlog-scale-" + std::to_string(releases));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const int status = measure(releases, dir);  // the stores are closed when it returns
  fs::remove_all(dir);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::uint64_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::stoull(argv[i]));
  if (sizes.empty()) sizes = {1000, 10000, 100000};
  for (std::uint64_t size : sizes) {
    if (int failed = run(size); failed != 0) return failed;
  }
  return 0;
}
