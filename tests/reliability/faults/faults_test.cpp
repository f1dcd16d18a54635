// Faults under the real wreg-server: the data volume fills up, the database is read-only or
// locked by another process, a blob is deleted or corrupted behind the server's back.
//
// Each fault is made for real: a small tmpfs mounted for the data dir (as root; otherwise an
// RLIMIT_FSIZE on the server process with SIGXFSZ ignored, so writes fail with EFBIG), the
// database file made immutable (as root, FS_IOC_SETFLAGS) or read-only (otherwise), a connection
// of the test process holding BEGIN EXCLUSIVE (lock_database()), and blob files changed with plain
// file calls.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "tests/reliability/crash/publishing.h"

namespace wreg::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json json_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, false);
}

// A 5xx (or 507) answer with a JSON error whose message is one line.
void expect_clean_server_error(const HttpResponse& response, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_TRUE(response.status == 507 || (response.status >= 500 && response.status < 600))
      << response.status << " " << response.body << response.error;
  auto body = json_of(response);
  ASSERT_TRUE(body.is_object()) << response.body;
  ASSERT_TRUE(body.contains("error")) << response.body;
  EXPECT_TRUE(body["error"]["code"].is_string()) << response.body;
  std::string message = body["error"]["message"].get<std::string>();
  EXPECT_FALSE(message.empty());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

std::size_t files_in(const fs::path& dir) {
  std::error_code ec;
  std::size_t count = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file()) ++count;
  }
  return count;
}

std::string version_path(const std::string& name, const std::string& version) {
  return "/api/v1/packages/faults/" + name + "/" + version;
}

// Nothing of a refused publish is visible: no release, no blob, no temp file.
void expect_nothing_of(std::uint16_t port, const fs::path& data, const std::string& name,
                       const std::string& version, const std::string& digest) {
  EXPECT_EQ(request(port, "GET", version_path(name, version)).status, 404);
  EXPECT_EQ(request(port, "GET", "/api/v1/blobs/" + digest).status, 404);
  EXPECT_FALSE(fs::exists(blob_file(data, *Digest::parse(digest))));
  EXPECT_EQ(files_in(data / "blobs" / "tmp"), 0u) << "a temp file of the upload is left";
}

// Reads still work: the package document, the release and its blob byte for byte.
void expect_reads_work(std::uint16_t port, const std::string& name, const std::string& version,
                       const std::string& body) {
  EXPECT_EQ(request(port, "GET", "/healthz").status, 200);
  EXPECT_EQ(request(port, "GET", "/api/v1/packages/faults/" + name).status, 200);
  auto release = request(port, "GET", version_path(name, version));
  ASSERT_EQ(release.status, 200) << release.body;
  auto blob = request(port, "GET", "/api/v1/blobs/" + digest_of(body));
  EXPECT_EQ(blob.status, 200);
  EXPECT_TRUE(blob.body == body) << "the blob's bytes differ";
}

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = base_component();
    ASSERT_FALSE(base_.empty());
  }

  std::string variant(const std::string& tag, std::size_t padding) {
    return component_variant(base_, tag, padding, random_);
  }

  // The registry in `data`: namespace `faults` and a token.
  void prepare(const fs::path& data) {
    data_ = data;
    std::string error;
    token_ = prepare_registry(data_, "faults", error);
    ASSERT_FALSE(token_.empty()) << error;
  }

  HttpResponse put(const std::string& name, const std::string& version, const std::string& body) {
    return publish(server_->port(), "faults", name, version, token_, body);
  }

  TempDir dir_;
  fs::path data_;
  std::string token_;
  std::string base_;
  std::mt19937_64 random_{7};
  std::unique_ptr<ServerProcess> server_;
};

// --- (a) The data volume fills up during a publish ------------------------------------------

class DiskFullTest : public FaultTest {
 protected:
  void TearDown() override {
    server_.reset();
    if (mounted_) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }

  // A 3 MiB tmpfs for the data dir when we may mount; otherwise false.
  bool mount_small_volume() {
    mount_point_ = dir_.path() / "volume";
    fs::create_directories(mount_point_);
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, "size=3m") != 0) return false;
    mounted_ = true;
    return true;
  }

  fs::path mount_point_;
  bool mounted_ = false;
};

TEST_F(DiskFullTest, PublishFailsCleanlyNothingHalfWrittenAndReadsGoOn) {
  const bool small_volume = mount_small_volume();
  prepare(small_volume ? mount_point_ / "data" : dir_.path() / "data");
  std::cout << (small_volume ? "disk full: a 3 MiB tmpfs holds the data dir\n"
                             : "disk full: no mount allowed; RLIMIT_FSIZE 1 MiB on the server\n");
  if (!small_volume) ::signal(SIGXFSZ, SIG_IGN);  // inherited: writes fail with EFBIG instead
  server_ = std::make_unique<ServerProcess>(data_);
  ASSERT_TRUE(server_->start()) << server_->log();
  if (!small_volume) {
    rlimit limit{1 << 20, 1 << 20};
    ASSERT_EQ(::prlimit(server_->pid(), RLIMIT_FSIZE, &limit, nullptr), 0);
  }

  const std::string small = variant("small", 1000);
  ASSERT_EQ(put("app", "1.0.0", small).status, 201);

  // A body larger than the whole volume: the blob's temp file cannot be written.
  const std::string big = variant("big", 4 << 20);
  auto refused = put("app", "2.0.0", big);
  expect_clean_server_error(refused, "a body larger than the volume");
  std::cout << "disk full: the server answered " << refused.status << " " << refused.body
            << std::endl;
  if (small_volume) {
    EXPECT_NE(json_of(refused)["error"]["message"].get<std::string>().find("disk full"),
              std::string::npos)
        << refused.body;
  }
  expect_nothing_of(server_->port(), data_, "app", "2.0.0", digest_of(big));
  expect_reads_work(server_->port(), "app", "1.0.0", small);

  if (small_volume) {
    // Fill the volume so that the blob fits but little else does, at several levels, so the
    // failure also lands in the database's write (the WAL) after the blob is in place. Whatever
    // is refused must leave no release; what is answered 201 must be whole.
    const fs::path filler = mount_point_ / "filler";
    int refused_count = 0;
    int created_count = 0;
    for (int slack_pages = 0; slack_pages < 12; ++slack_pages) {
      SCOPED_TRACE("slack pages " + std::to_string(slack_pages));
      const std::string body = variant("fill " + std::to_string(slack_pages), 200 * 1024);
      fs::remove(filler);
      std::error_code ec;
      auto space = fs::space(mount_point_, ec);
      ASSERT_FALSE(ec);
      std::uintmax_t keep = body.size() + static_cast<std::uintmax_t>(slack_pages) * 4096;
      if (space.available > keep) {
        std::ofstream out(filler, std::ios::binary);
        std::string chunk(64 * 1024, 'f');
        for (std::uintmax_t left = space.available - keep; left > 0;) {
          auto n = std::min<std::uintmax_t>(left, chunk.size());
          out.write(chunk.data(), static_cast<std::streamsize>(n));
          left -= n;
        }
      }
      std::string version = "3.0." + std::to_string(slack_pages);
      auto response = put("fill", version, body);
      if (response.status == 201) {
        ++created_count;
        auto blob = request(server_->port(), "GET", "/api/v1/blobs/" + digest_of(body));
        EXPECT_TRUE(blob.status == 200 && blob.body == body);
      } else {
        ++refused_count;
        expect_clean_server_error(response, "a volume filled to the brim");
        EXPECT_EQ(request(server_->port(), "GET", version_path("fill", version)).status, 404);
        EXPECT_EQ(files_in(data_ / "blobs" / "tmp"), 0u);
      }
      EXPECT_EQ(request(server_->port(), "GET", "/healthz").status, 200);
    }
    std::cout << "disk full: near-full volume: " << refused_count << " refused, " << created_count
              << " created" << std::endl;
    EXPECT_GT(refused_count, 0);
    fs::remove(filler);
  }

  // Space is back: the operator frees it (the filler, and with gc the orphan blobs that refused
  // publishes left when the database could not grow after the blob was in place), and the
  // refused publish now goes through. gc runs beside the serving server, as it may.
  if (!small_volume) {
    rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    ::prlimit(server_->pid(), RLIMIT_FSIZE, &unlimited, nullptr);
  }
  auto gc = run_server_command({"gc", "--data", data_.string(), "--grace", "0s"});
  EXPECT_EQ(gc.exit_status, 0) << gc.out << gc.err;
  std::cout << "disk full: gc: " << gc.out << std::endl;
  const std::string retry = small_volume ? variant("after", 100 * 1024) : big;
  auto created = put("app", "2.0.0", retry);
  EXPECT_EQ(created.status, 201) << created.body;
  expect_reads_work(server_->port(), "app", "1.0.0", small);
  server_->stop();
  auto fsck = run_server_command({"fsck", "--data", data_.string()});
  EXPECT_EQ(fsck.exit_status, 0) << fsck.out << fsck.err;
  std::cout << "disk full: fsck afterwards: " << fsck.out << std::endl;
}

// --- (b) The database is read-only, or locked by another process ----------------------------

// Makes a file immutable (as root, where the mode bits do not stop writes) or read-only.
class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(fs::path path) : path_(std::move(path)) {
    if (::geteuid() == 0) {
      int fd = ::open(path_.c_str(), O_RDONLY);
      int flags = 0;
      if (fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
        flags |= FS_IMMUTABLE_FL;
        immutable_ = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
      }
      if (fd >= 0) ::close(fd);
      ok_ = immutable_;
    } else {
      ok_ = ::chmod(path_.c_str(), 0444) == 0;
    }
  }
  ~ReadOnlyFile() { restore(); }
  bool ok() const { return ok_; }
  void restore() {
    if (!ok_) return;
    ok_ = false;
    if (immutable_) {
      int fd = ::open(path_.c_str(), O_RDONLY);
      int flags = 0;
      if (fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
        flags &= ~FS_IMMUTABLE_FL;
        ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
      }
      if (fd >= 0) ::close(fd);
    } else {
      ::chmod(path_.c_str(), 0644);
    }
  }

 private:
  fs::path path_;
  bool immutable_ = false;
  bool ok_ = false;
};

TEST_F(FaultTest, ReadOnlyDatabaseRefusesPublishesClearlyAndServesReads) {
  prepare(dir_.path() / "data");
  const std::string first = variant("first", 500);
  server_ = std::make_unique<ServerProcess>(data_);
  ASSERT_TRUE(server_->start()) << server_->log();
  ASSERT_EQ(put("app", "1.0.0", first).status, 201);
  ASSERT_EQ(server_->stop(), 0);

  ReadOnlyFile read_only(data_ / "wreg.db");
  ASSERT_TRUE(read_only.ok()) << "could not make wreg.db read-only on this file system";
  ASSERT_TRUE(server_->start()) << server_->log();
  const std::string second = variant("second", 500);
  auto refused = put("app", "2.0.0", second);
  expect_clean_server_error(refused, "a read-only database");
  std::string message = json_of(refused)["error"]["message"].get<std::string>();
  EXPECT_NE(message.find("read-only"), std::string::npos) << message;
  std::cout << "read-only database: the server answered " << refused.status << " " << refused.body
            << std::endl;
  EXPECT_EQ(request(server_->port(), "GET", version_path("app", "2.0.0")).status, 404);
  expect_reads_work(server_->port(), "app", "1.0.0", first);
  EXPECT_NE(server_->log().find("read-only"), std::string::npos) << server_->log();

  // Writable again (the server opened it read-only, so it takes a restart to write again).
  ASSERT_EQ(server_->stop(), 0);
  read_only.restore();
  ASSERT_TRUE(server_->start()) << server_->log();
  EXPECT_EQ(put("app", "2.0.0", second).status, 201);
  expect_reads_work(server_->port(), "app", "2.0.0", second);
  server_->stop();
  auto fsck = run_server_command({"fsck", "--data", data_.string()});
  EXPECT_EQ(fsck.exit_status, 0) << fsck.out << fsck.err;
}

TEST_F(FaultTest, LockedDatabaseGives503AndRecoversWhenTheLockGoes) {
  prepare(dir_.path() / "data");
  server_ = std::make_unique<ServerProcess>(data_);
  ASSERT_TRUE(server_->start()) << server_->log();
  const std::string first = variant("first", 500);
  ASSERT_EQ(put("app", "1.0.0", first).status, 201);

  auto lock = lock_database(data_);
  ASSERT_TRUE(lock) << lock.error().message;
  const std::string second = variant("second", 500);
  auto refused = put("app", "2.0.0", second);  // waits out the busy timeout (5 s)
  expect_clean_server_error(refused, "a locked database");
  EXPECT_EQ(refused.status, 503) << refused.body;
  std::cout << "locked database: the server answered " << refused.status << " " << refused.body
            << std::endl;
  // WAL readers do not wait for a writer's lock.
  expect_reads_work(server_->port(), "app", "1.0.0", first);
  EXPECT_EQ(request(server_->port(), "GET", version_path("app", "2.0.0")).status, 404);

  (*lock)->release();
  auto created = put("app", "2.0.0", second);
  EXPECT_EQ(created.status, 201) << created.body;
  expect_reads_work(server_->port(), "app", "2.0.0", second);
  server_->stop();
  auto fsck = run_server_command({"fsck", "--data", data_.string()});
  EXPECT_EQ(fsck.exit_status, 0) << fsck.out << fsck.err;
}

// --- (c) A release's blob deleted or corrupted behind the server's back ---------------------

TEST_F(FaultTest, DeletedOrCorruptedBlobFailsCleanlyAndFsckNamesIt) {
  prepare(dir_.path() / "data");
  server_ = std::make_unique<ServerProcess>(data_);
  ASSERT_TRUE(server_->start()) << server_->log();
  const std::string intact = variant("intact", 300);
  const std::string deleted = variant("deleted", 400);
  const std::string flipped = variant("flipped", 500);
  const std::string truncated = variant("truncated", 600);
  ASSERT_EQ(put("intact", "1.0.0", intact).status, 201);
  ASSERT_EQ(put("deleted", "1.0.0", deleted).status, 201);
  ASSERT_EQ(put("flipped", "1.0.0", flipped).status, 201);
  ASSERT_EQ(put("truncated", "1.0.0", truncated).status, 201);

  fs::remove(blob_file(data_, Digest::of(deleted)));
  {
    std::fstream file(blob_file(data_, Digest::of(flipped)),
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file.put(static_cast<char>(flipped[100] ^ 0x20));
  }
  fs::resize_file(blob_file(data_, Digest::of(truncated)), truncated.size() / 2);

  // Deleted: a clean error, never a 200.
  auto gone = request(server_->port(), "GET", "/api/v1/blobs/" + digest_of(deleted));
  EXPECT_NE(gone.status, 200);
  EXPECT_TRUE(gone.status == 404 || gone.status >= 500) << gone.status;
  EXPECT_TRUE(json_of(gone).contains("error")) << gone.body;
  // Corrupted: the server does not re-hash a blob on every GET (that would read each blob twice),
  // so it may serve the damaged bytes; they then carry the digest they fail to match as ETag,
  // and the real client refuses them: `wreg get` checks the digest and writes nothing.
  for (const auto* body : {&flipped, &truncated}) {
    auto response = request(server_->port(), "GET", "/api/v1/blobs/" + digest_of(*body));
    if (response.status == 200) {
      EXPECT_EQ(response.header("etag"), "\"" + digest_of(*body) + "\"");
    } else {
      EXPECT_GE(response.status, 500) << response.body;
      EXPECT_TRUE(json_of(response).contains("error")) << response.body;
    }
    std::cout << "damaged blob " << digest_of(*body) << ": GET answered " << response.status
              << " with " << response.body.size() << " bytes\n";
  }
  for (const char* name : {"flipped", "truncated"}) {
    fs::path out = dir_.path() / (std::string(name) + ".wasm");
    fs::path home = dir_.path() / "home";
    auto got = run_command(
        "/usr/bin/env",
        {"-i", "HOME=" + home.string(), "XDG_CONFIG_HOME=" + (home / "config").string(),
         "XDG_CACHE_HOME=" + (home / "cache").string(),
         "WREG_REGISTRY=http://127.0.0.1:" + std::to_string(server_->port()), WREG_BINARY, "get",
         std::string("faults:") + name + "@=1.0.0", "-o", out.string()});
    EXPECT_EQ(got.exit_status, 1) << got.out << got.err;
    EXPECT_FALSE(fs::exists(out)) << "wreg get wrote the damaged bytes";
    EXPECT_NE(got.err.find("sha256"), std::string::npos) << got.err;
    std::cout << "wreg get " << name << ": exit " << got.exit_status << ": " << got.err;
  }
  // The release documents still answer, and the server is alive.
  EXPECT_EQ(request(server_->port(), "GET", version_path("deleted", "1.0.0")).status, 200);
  expect_reads_work(server_->port(), "intact", "1.0.0", intact);

  auto fsck = run_server_command({"fsck", "--data", data_.string()});
  EXPECT_EQ(fsck.exit_status, 1);
  std::cout << "fsck after deleting, flipping and truncating blobs:\n" << fsck.err << fsck.out;
  auto line_with = [&](const std::string& needle) {
    std::istringstream lines(fsck.err);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find(needle) != std::string::npos) return line;
    }
    return std::string();
  };
  std::string missing = line_with(digest_of(deleted));
  EXPECT_NE(missing.find("missing"), std::string::npos) << fsck.err;
  EXPECT_NE(missing.find("faults:deleted@1.0.0"), std::string::npos) << fsck.err;
  std::string corrupt = line_with(digest_of(flipped));
  EXPECT_NE(corrupt.find("corrupt"), std::string::npos) << fsck.err;
  EXPECT_NE(corrupt.find("faults:flipped@1.0.0"), std::string::npos) << fsck.err;
  std::string cut = line_with(digest_of(truncated));
  EXPECT_NE(cut.find("faults:truncated@1.0.0"), std::string::npos) << fsck.err;
  EXPECT_EQ(line_with(digest_of(intact)), "") << "fsck blames the intact blob";
}

}  // namespace
}  // namespace wreg::testing
