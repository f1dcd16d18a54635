// UploadSessions: the OCI API's resumable blob uploads (server/oci/uploads.cpp), kept on disk so
// that a session survives a restart of the server.
//
//   <data>/uploads/<id>/owner   the repository the session was opened for, e.g. "ns/name"
//   <data>/uploads/<id>/data    the bytes received so far, in order
//
// A session appears whole: its directory is filled under a hidden temp name, then renamed into
// place. It goes the same way: renamed aside, then deleted. So a crash leaves a whole session or
// none, plus hidden leftovers that remove_stale() collects. Creating one syncs nothing (most
// sessions end in one PUT and never hold bytes); the first chunk's sync() makes it durable, so a
// session a crash loses before its first chunk is refused afterwards like any unknown id. Writing
// to a session holds an exclusive flock(2) on its `data` for as long as the request lasts, so two
// requests never write one session at once, and gc never removes one in use.
//
// A session's bytes are not a blob: finishing one streams them into a BlobWriter, which hashes,
// checks and commits them like any other upload, and then removes the session.
//
// Errors follow log_sink.h: client-safe messages, detail (paths, errno) to the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/file_descriptor.h"
#include "common/result.h"
#include "server/store/log_sink.h"

namespace wreg::store {

class UploadSessions {
 public:
  // Opens (creating if needed) <data_dir>/uploads. kIo when it cannot be created.
  static Result<std::unique_ptr<UploadSessions>> open(const std::filesystem::path& data_dir,
                                                      LogSink log);

  // Creates the empty session `id` for `owner`. `id` is the caller's fresh random id, 1 to 64
  // lowercase hex digits (kInvalidArgument otherwise); kAlreadyExists when it is taken.
  Result<void> create(std::string_view id, std::string_view owner);

  // How many bytes session `id` of `owner` holds. kNotFound when there is no such session, or it
  // belongs to another owner: the same answer, so that one repository's uploads cannot be
  // probed through another's.
  Result<std::uint64_t> size(std::string_view id, std::string_view owner);

  // A session held for writing by one request; the hold ends when the Writer goes.
  class Writer {
   public:
    std::uint64_t size() const { return size_; }
    // Appends `chunk`. kTooLarge when the session would pass the limit hold() was given (nothing
    // of the chunk is written then); kIo on a disk error.
    Result<void> append(std::span<const std::uint8_t> chunk);
    // Cuts the session back to its first `size` bytes (a chunk that failed half-way).
    Result<void> truncate(std::uint64_t size);
    // fsync(2), so that the bytes acknowledged to the client survive a crash; the first time a
    // session's bytes are synced, its owner file and directory entries too (create() leaves them
    // to this).
    Result<void> sync();
    // Hands the session's bytes to `sink` from the start, in order, in chunks; stops at the
    // first error `sink` returns.
    Result<void> read_all(
        const std::function<Result<void>(std::span<const std::uint8_t>)>& sink) const;

   private:
    friend class UploadSessions;
    Writer(const UploadSessions& sessions, std::string id, FileDescriptor data, std::uint64_t size,
           std::uint64_t limit, bool durable)
        : sessions_(sessions),
          id_(std::move(id)),
          data_(std::move(data)),
          size_(size),
          limit_(limit),
          durable_(durable) {}

    const UploadSessions& sessions_;
    std::string id_;
    FileDescriptor data_;
    std::uint64_t size_;
    std::uint64_t limit_;
    bool durable_;  // the session's files and directory entries are on disk (sync())
  };

  // Holds session `id` of `owner` for writing, at most `limit` bytes in all. kNotFound as size();
  // kConflict when another request holds it.
  Result<std::unique_ptr<Writer>> hold(std::string_view id, std::string_view owner,
                                       std::uint64_t limit);

  // Removes the session `held` (a finished or cancelled upload).
  Result<void> remove(std::unique_ptr<Writer> held);

  // Removes the sessions nobody has written for `grace` and nobody holds, and the leftovers of
  // interrupted creates and removals. Returns how many sessions it removed.
  Result<std::size_t> remove_stale(std::chrono::seconds grace);

 private:
  UploadSessions(std::filesystem::path root, LogSink log)
      : root_(std::move(root)), log_(std::move(log)) {}

  // Renames `dir` aside under a hidden name, then deletes it.
  Result<void> remove_dir(const std::filesystem::path& dir) const;

  std::filesystem::path root_;  // <data>/uploads
  LogSink log_;
};

}  // namespace wreg::store
