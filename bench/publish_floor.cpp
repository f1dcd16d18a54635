// wreg-publish-floor: the work a durable publish of a file cannot avoid, timed on its own, as the
// reference bench/compare.sh measures wreg's publish against (issue 8: "within 2x of the floor").
//
//   wreg-publish-floor DIR FILE [RUNS]
//
// For each run it takes FILE's bytes (read into memory and hashed once first, untimed: a
// publish receives them from the network) and, timed: hashes them with OpenSSL SHA-256
// (common/digest.h, the hasher the server uses) while writing them in 64 KiB pieces to a new file
// in DIR through the blob store's file layer (which starts the writeback of every 2 MiB as it
// goes), fsyncs the file, renames it to its final name, fsyncs DIR, and commits one small row to a
// SQLite database in DIR in WAL mode with synchronous=FULL (one WAL append and its fsync). That is
// a blob made durable under its digest and one durable metadata commit, with nothing else. Prints
// one line per run, `FLOOR <milliseconds> write=<ms> fsync=<ms> install=<ms> commit=<ms>` (hash and
// write together, the file's fsync, rename and directory fsync, the SQLite commit); DIR must be
// on the file system being measured and is left with the database and the files.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/digest.h"
#include "server/store/file_system.h"

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "wreg-publish-floor: %s\n", what.c_str());
  std::exit(1);
}

void check(bool ok, const std::string& what) {
  if (!ok) die(what);
}

void check_sys(const wreg::store::SysError& error) {
  if (error) die(error.detail);
}

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    die(std::string("sqlite: ") + sql + ": " + message);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: wreg-publish-floor DIR FILE [RUNS]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const int runs = argc == 4 ? std::atoi(argv[3]) : 5;
  std::ifstream in(argv[2], std::ios::binary);
  check(static_cast<bool>(in), std::string("cannot read ") + argv[2]);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());

  sqlite3* db = nullptr;
  check(sqlite3_open((dir + "/floor.db").c_str(), &db) == SQLITE_OK, "cannot open the database");
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, "PRAGMA synchronous = FULL");
  exec(db, "CREATE TABLE IF NOT EXISTS releases (id INTEGER PRIMARY KEY, digest TEXT, size INT)");
  wreg::store::FileSystem& files = wreg::store::FileSystem::real();
  // One untimed pass first: the bytes are hashed and written to a scratch file that is removed
  // unsynced (so none of it reaches the disk). A publish hashes bytes that are hot in the
  // socket's buffer, in a server that has written files before; in a fresh process here the
  // first pass over freshly read memory took 45-57 ms instead of 13 ms and the first 20 MiB of
  // writes 45 ms instead of 7.5 ms (this virtual machine), which made the floor measured by a
  // one-run process look twice what it is.
  {
    const std::string scratch = dir + "/warm-up";
    const int fd = ::open(scratch.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    check(fd >= 0, "cannot create " + scratch);
    for (std::size_t offset = 0; offset < bytes.size();) {
      const ssize_t n = ::write(fd, bytes.data() + offset, bytes.size() - offset);
      check(n > 0, "cannot write " + scratch);
      offset += static_cast<std::size_t>(n);
    }
    ::close(fd);
    ::unlink(scratch.c_str());
    std::printf("WARM %s\n", wreg::Digest::of(std::span<const std::uint8_t>(bytes)).hex().c_str());
  }

  constexpr std::size_t kPiece = 64 * 1024;
  for (int run = 0; run < runs; ++run) {
    const std::string temp = dir + "/upload-" + std::to_string(run);
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    auto since = [](Clock::time_point from) {
      return std::chrono::duration<double, std::milli>(Clock::now() - from).count();
    };

    // Through the blob store's own file layer (server/store/file_system.h), so the writes, the
    // writeback it starts as an upload arrives and the syncs are the server's.
    std::unique_ptr<wreg::store::WritableFile> file;
    check_sys(files.create_new(temp, file));
    wreg::Sha256 hasher;
    for (std::size_t offset = 0; offset < bytes.size(); offset += kPiece) {
      const std::span<const std::uint8_t> piece(bytes.data() + offset,
                                                std::min(kPiece, bytes.size() - offset));
      hasher.update(piece);
      check_sys(file->append(piece));
    }
    const double write_ms = since(start);
    const auto synced_from = Clock::now();
    check_sys(file->sync());
    check_sys(file->close());
    const double fsync_ms = since(synced_from);
    const auto install_from = Clock::now();
    const wreg::Digest digest = hasher.finish();
    const std::string target = dir + "/" + digest.hex() + "-" + std::to_string(run);
    check_sys(files.rename(temp, target));
    check_sys(files.sync_dir(dir));
    const double install_ms = since(install_from);
    const auto commit_from = Clock::now();
    const std::string insert = "INSERT INTO releases (digest, size) VALUES ('" +
                               digest.to_string() + "', " + std::to_string(bytes.size()) + ")";
    exec(db, insert.c_str());
    const double commit_ms = since(commit_from);

    std::printf("FLOOR %.1f write=%.1f fsync=%.1f install=%.1f commit=%.1f\n", since(start),
                write_ms, fsync_ms, install_ms, commit_ms);
  }
  sqlite3_close(db);
  return 0;
}
