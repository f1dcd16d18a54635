// wreg-publish-floor: the work a durable publish of a file cannot avoid, timed on its own, as the
// reference bench/compare.sh measures wreg's publish against (issue 8: "within 2x of the floor").
//
//   wreg-publish-floor DIR FILE [RUNS]
//
// For each run it takes FILE's bytes (read into memory first, untimed: a publish receives them
// from the network) and, timed: hashes them with OpenSSL SHA-256 (common/digest.h, the hasher
// the server uses) while writing them in 64 KiB pieces to a new file in DIR (starting the
// writeback of every 2 MiB as it goes, as the server does), fsyncs the file,
// renames it to its final name, fsyncs DIR, and commits one small row to a SQLite database in
// DIR in WAL mode with synchronous=FULL (one WAL append and its fsync). That is a blob made
// durable under its digest and one durable metadata commit, with nothing else. Prints one line
// per run, `FLOOR <milliseconds>`; DIR must be on the file system being measured and is left
// with the database and the files.
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

#include "common/digest.h"

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "wreg-publish-floor: %s\n", what.c_str());
  std::exit(1);
}

void check(bool ok, const std::string& what) {
  if (!ok) die(what);
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
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  check(dir_fd >= 0, "cannot open " + dir);

  constexpr std::size_t kPiece = 64 * 1024;
  for (int run = 0; run < runs; ++run) {
    const std::string temp = dir + "/upload-" + std::to_string(run);
    const auto start = std::chrono::steady_clock::now();

    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    check(fd >= 0, "cannot create " + temp);
    wreg::Sha256 hasher;
    for (std::size_t offset = 0; offset < bytes.size(); offset += kPiece) {
      const std::span<const std::uint8_t> piece(bytes.data() + offset,
                                                std::min(kPiece, bytes.size() - offset));
      hasher.update(piece);
      check(::write(fd, piece.data(), piece.size()) == static_cast<ssize_t>(piece.size()),
            "short write");
      // Writeback started every 2 MiB, as the server's blob writer does (file_system.cpp), so
      // that the disk works while the rest is hashed and written.
      const std::size_t written = offset + piece.size();
      if (written % (2u << 20) == 0) {
        ::sync_file_range(fd, static_cast<off_t>(written - (2u << 20)), 2u << 20,
                          SYNC_FILE_RANGE_WRITE);
      }
    }
    check(::fsync(fd) == 0, "fsync of the file failed");
    check(::close(fd) == 0, "close failed");
    const wreg::Digest digest = hasher.finish();
    const std::string target = dir + "/" + digest.hex() + "-" + std::to_string(run);
    check(::rename(temp.c_str(), target.c_str()) == 0, "rename failed");
    check(::fsync(dir_fd) == 0, "fsync of the directory failed");
    const std::string insert = "INSERT INTO releases (digest, size) VALUES ('" +
                               digest.to_string() + "', " + std::to_string(bytes.size()) + ")";
    exec(db, insert.c_str());

    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    std::printf("FLOOR %.1f\n", took.count());
  }
  ::close(dir_fd);
  sqlite3_close(db);
  return 0;
}
