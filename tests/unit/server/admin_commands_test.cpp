#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/oci/manifest.h"
#include "common/text.h"
#include "common/tlog/note.h"
#include "server/admin/commands.h"
#include "server/auth/tokens.h"
#include "server/store/blob_claim.h"
#include "server/store/data_dir.h"
#include "server/store/metadata_rows.h"
#include "tests/support/registry_tampering.h"
#include "tests/support/temp_dir.h"
#include "tests/unit/server/blob_upload.h"

namespace wreg::admin {
namespace {

namespace fs = std::filesystem;

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A data dir with namespace `demo` and two releases whose blobs are stored.
class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ostringstream out, err;
    ASSERT_EQ(namespace_create(data(), "demo", out, err), 0) << err.str();
    auto dir = open();
    for (const char* id : {"demo:app@1.0.0", "demo:app@1.1.0"}) {
      auto blob = testing::upload(*dir.blobs, id, 1 << 20);
      ASSERT_TRUE(blob);
      store::NewRelease release{*PackageVersion::parse(id),
                                blob->digest,
                                blob->size,
                                api::ReleaseKind::kComponent,
                                "",
                                {},
                                {},
                                {},
                                "{}",
                                ""};
      ASSERT_TRUE(dir.metadata->publish(release));
    }
  }

  store::DataDir open() {
    store::DataDirOptions options;
    options.log = [](std::string_view) {};
    auto dir = store::open_data_dir(data(), std::move(options));
    EXPECT_TRUE(dir) << dir.error().message;
    return std::move(*dir);
  }

  fs::path data() const { return dir_.path() / "data"; }
  fs::path blob_file(std::string_view bytes) {
    return testing::blob_file(data(), Digest::of(bytes));
  }

  int run_fsck() {
    out_.str("");
    err_.str("");
    return fsck(data(), out_, err_);
  }

  testing::TempDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(AdminTest, FsckOfAConsistentStoreIsClean) {
  EXPECT_EQ(run_fsck(), 0) << err_.str();
  EXPECT_EQ(err_.str(), "");
  EXPECT_NE(out_.str().find("checked 2 blobs"), std::string::npos) << out_.str();
}

TEST_F(AdminTest, FsckReportsADeletedBlob) {
  fs::remove(blob_file("demo:app@1.0.0"));
  EXPECT_EQ(run_fsck(), 1);
  EXPECT_EQ(count_lines(err_.str()), 1u) << err_.str();
  EXPECT_NE(
      err_.str().find("missing blob " + Digest::of(std::string_view("demo:app@1.0.0")).to_string() +
                      " of demo:app@1.0.0"),
      std::string::npos)
      << err_.str();
}

TEST_F(AdminTest, FsckReportsACorruptedBlob) {
  const fs::path path = blob_file("demo:app@1.1.0");
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(path, std::ios::trunc) << "demo:app@1.1.X";  // same size, other bytes
  EXPECT_EQ(run_fsck(), 1);
  EXPECT_EQ(count_lines(err_.str()), 1u) << err_.str();
  EXPECT_NE(err_.str().find("corrupt blob"), std::string::npos) << err_.str();
}

TEST_F(AdminTest, FsckListsAnOrphanWithoutFailing) {
  auto dir = open();
  auto orphan = testing::upload(*dir.blobs, "nobody names me", 100);
  ASSERT_TRUE(orphan);
  EXPECT_EQ(run_fsck(), 0) << err_.str();
  EXPECT_NE(out_.str().find("orphan blob " + orphan->digest.to_string()), std::string::npos)
      << out_.str();
}

TEST_F(AdminTest, FsckReportsAStrayFile) {
  std::ofstream(data() / "blobs/sha256/notes.txt") << "hello";
  EXPECT_EQ(run_fsck(), 1);
  EXPECT_NE(err_.str().find("stray file"), std::string::npos);
}

// A Wasm config naming `layer`, as wkg writes one.
std::string wasm_config(std::string_view layer) {
  oci::WasmConfig config;
  config.created = "2026-01-02T03:04:05Z";
  config.layer_digests = {Digest::of(layer).to_string()};
  return oci::write_wasm_config(config);
}

// A Wasm artifact manifest naming `config` and one application/wasm layer of `layer_size` bytes.
std::string wasm_manifest(std::string_view config, std::string_view layer,
                          std::uint64_t layer_size) {
  oci::ImageManifest manifest;
  manifest.media_type = oci::kImageManifestType;
  auto descriptor = [](std::string_view media_type, const Digest& digest, std::uint64_t size) {
    oci::Descriptor out;
    out.media_type = media_type;
    out.digest_text = digest.to_string();
    out.digest = digest;
    out.size = size;
    return out;
  };
  manifest.config = descriptor(oci::kWasmConfigType, Digest::of(config), config.size());
  manifest.layers.push_back(descriptor(oci::kWasmLayerType, Digest::of(layer), layer_size));
  return oci::write_manifest(manifest);
}

// The data dir of AdminTest with OCI manifests stored as a push stores them: the config blob
// uploaded, then the manifest recorded with its release.
class AdminManifestTest : public AdminTest {
 protected:
  // Uploads `config` and records `content` as the manifest of `id`, naming that config.
  void record(const char* id, const std::string& content, const std::string& config) {
    auto dir = open();
    auto blob = testing::upload(*dir.blobs, config, 1 << 20);
    ASSERT_TRUE(blob) << blob.error().message;
    auto recorded = dir.metadata->record_manifest(
        *PackageVersion::parse(id),
        store::OciManifest{Digest::of(content), std::string(oci::kImageManifestType), content,
                           blob->digest, blob->size});
    ASSERT_TRUE(recorded) << recorded.error().message;
  }
  // The manifest a push of the release `id` (whose bytes are `id`) stores.
  void record_pushed(const char* id) {
    const std::string id_text = id;
    const std::string config = wasm_config(id_text);
    record(id, wasm_manifest(config, id_text, id_text.size()), config);
  }

  // fsck fails with exactly one problem, which holds `part`.
  void expect_one_problem(const std::string& part) {
    EXPECT_EQ(run_fsck(), 1) << out_.str();
    EXPECT_EQ(count_lines(err_.str()), 1u) << err_.str();
    EXPECT_NE(err_.str().find(part), std::string::npos) << err_.str();
  }
};

TEST_F(AdminManifestTest, FsckAcceptsStoredManifestsAndChangesNothing) {
  record_pushed("demo:app@1.0.0");
  EXPECT_EQ(run_fsck(), 0) << err_.str();
  EXPECT_EQ(err_.str(), "");
  // The config is named, not an orphan; the release without a manifest gets none from fsck.
  EXPECT_NE(out_.str().find("checked 3 blobs, 3 referenced digests and 2 log entries under 0 "
                            "checkpoints: 0 problems, 0 orphans"),
            std::string::npos)
      << out_.str();
  auto none = open().metadata->manifest_of(*PackageVersion::parse("demo:app@1.1.0"));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(*none);
}

TEST_F(AdminManifestTest, FsckReportsAManifestWhoseBytesNoLongerHashToItsDigest) {
  record_pushed("demo:app@1.0.0");
  const std::string config = wasm_config("demo:app@1.0.0");
  const std::string other = wasm_manifest(config, "demo:app@1.0.0", 14) + "\n";
  ASSERT_TRUE(testing::rewrite_manifest(data(), *PackageVersion::parse("demo:app@1.0.0"), other));
  expect_one_problem("corrupt OCI manifest " +
                     Digest::of(wasm_manifest(config, "demo:app@1.0.0", 14)).to_string() +
                     " of demo:app@1.0.0: its bytes hash to " + Digest::of(other).to_string());
}

TEST_F(AdminManifestTest, FsckReportsAManifestThatIsNotAWasmArtifact) {
  const std::string config = wasm_config("demo:app@1.0.0");
  oci::ImageManifest image = *oci::read_manifest(wasm_manifest(config, "demo:app@1.0.0", 14));
  image.layers[0].media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
  record("demo:app@1.0.0", oci::write_manifest(image), config);
  expect_one_problem("is not a Wasm artifact manifest: ");
  record("demo:app@1.1.0", "{\"schemaVersion\": 2", config);
  EXPECT_EQ(run_fsck(), 1);
  EXPECT_EQ(count_lines(err_.str()), 2u) << err_.str();
}

TEST_F(AdminManifestTest, FsckReportsAManifestWhoseLayerIsNotItsRelease) {
  const std::string config = wasm_config("demo:app@1.1.0");
  record("demo:app@1.0.0", wasm_manifest(config, "demo:app@1.1.0", 14), config);
  expect_one_problem(" of demo:app@1.0.0 names the layer " +
                     Digest::of(std::string_view("demo:app@1.1.0")).to_string() +
                     ", but the release's bytes are " +
                     Digest::of(std::string_view("demo:app@1.0.0")).to_string());
}

TEST_F(AdminManifestTest, FsckReportsALayerSizeThatIsNotTheBlobs) {
  const std::string config = wasm_config("demo:app@1.0.0");
  record("demo:app@1.0.0", wasm_manifest(config, "demo:app@1.0.0", 15), config);
  expect_one_problem("gives its layer a size of 15 bytes, but the blob");
}

TEST_F(AdminManifestTest, FsckReportsAConfigThatIsNotTheOneRecorded) {
  const std::string config = wasm_config("demo:app@1.0.0");
  const std::string other = wasm_config("something else");
  record("demo:app@1.0.0", wasm_manifest(other, "demo:app@1.0.0", 14), config);
  expect_one_problem("names the config " + Digest::of(other).to_string() + " (" +
                     std::to_string(other.size()) + " bytes), but the database records " +
                     Digest::of(config).to_string());
}

TEST_F(AdminManifestTest, FsckReportsAMissingConfigBlobOnce) {
  record_pushed("demo:app@1.0.0");
  const std::string config = wasm_config("demo:app@1.0.0");
  fs::remove(blob_file(config));
  expect_one_problem("missing blob " + Digest::of(config).to_string() +
                     " of demo:app@1.0.0 (its OCI manifest's config)");
}

TEST_F(AdminManifestTest, FsckReportsAConfigBlobThatIsNotAWasmConfig) {
  const std::string config = "{\"created\": 7}";
  record("demo:app@1.0.0", wasm_manifest(config, "demo:app@1.0.0", 14), config);
  expect_one_problem("config blob " + Digest::of(config).to_string() + " of the OCI manifest ");
  EXPECT_NE(err_.str().find("is not a Wasm config"), std::string::npos) << err_.str();
}

TEST_F(AdminManifestTest, FsckReportsAManifestWhoseReleaseIsGone) {
  record_pushed("demo:app@1.0.0");
  ASSERT_TRUE(
      testing::delete_release_leaving_its_rows(data(), *PackageVersion::parse("demo:app@1.0.0")));
  EXPECT_EQ(run_fsck(), 1) << out_.str();
  EXPECT_NE(err_.str().find("of table oci_manifests refers to a missing row of releases"),
            std::string::npos)
      << err_.str();
}

TEST_F(AdminTest, GcRemovesOnlyOrphansOlderThanTheGrace) {
  auto dir = open();
  auto old_orphan = testing::upload(*dir.blobs, "old orphan", 100);
  auto new_orphan = testing::upload(*dir.blobs, "new orphan", 100);
  ASSERT_TRUE(old_orphan && new_orphan);
  const auto now = fs::file_time_type::clock::now();
  fs::last_write_time(blob_file("old orphan"), now - std::chrono::hours(30));
  // Old referenced blobs are never collected, however old.
  fs::last_write_time(blob_file("demo:app@1.0.0"), now - std::chrono::hours(300));

  std::ostringstream out, err;
  EXPECT_EQ(gc(data(), std::chrono::hours(24), out, err, now), 0) << err.str();
  EXPECT_FALSE(fs::exists(blob_file("old orphan")));
  EXPECT_TRUE(fs::exists(blob_file("new orphan")));
  EXPECT_TRUE(fs::exists(blob_file("demo:app@1.0.0")));
  EXPECT_NE(out.str().find("removed 1 orphaned blobs (10 bytes)"), std::string::npos) << out.str();
  EXPECT_EQ(run_fsck(), 0) << err_.str();
}

// A publish on another replica has claimed a blob it is installing (store/blob_claim.h): gc with
// no grace at all keeps it until the claim goes, the database deciding rather than the clock.
TEST_F(AdminTest, GcKeepsABlobClaimedByAPublishInProgress) {
  auto dir = open();
  auto installing = testing::upload(*dir.blobs, "being published", 100);
  ASSERT_TRUE(installing);
  auto claim = store::BlobClaim::take(*dir.metadata, Digest::of("being published"));
  ASSERT_TRUE(claim);
  const auto later = fs::file_time_type::clock::now() + std::chrono::hours(1);

  std::ostringstream out, err;
  EXPECT_EQ(gc(data(), std::chrono::seconds(0), out, err, later), 0) << err.str();
  EXPECT_TRUE(fs::exists(blob_file("being published"))) << out.str();
  EXPECT_NE(out.str().find("removed 0 orphaned blobs"), std::string::npos) << out.str();

  { const store::BlobClaim released = std::move(*claim); }
  std::ostringstream out_after, err_after;
  EXPECT_EQ(gc(data(), std::chrono::seconds(0), out_after, err_after, later), 0) << err_after.str();
  EXPECT_FALSE(fs::exists(blob_file("being published"))) << out_after.str();
}

// A backup is a data directory in its own right: fsck finds it clean, its database has every
// release, its blobs are there (hard links on one file system), and orphans stay behind.
TEST_F(AdminTest, BackupIsADataDirectoryThatFsckAccepts) {
  auto orphan = testing::upload(*open().blobs, "nobody names me", 100);
  ASSERT_TRUE(orphan);
  std::ostringstream out, err;
  const fs::path target = dir_.path() / "backup";
  ASSERT_EQ(backup(data(), target, out, err), 0) << err.str();
  EXPECT_EQ(err.str(), "");
  EXPECT_EQ(out.str(),
            "backed up 2 releases and 2 blobs (28 bytes; 2 hard-linked, 0 copied, all "
            "verified) to " +
                target.string() + "; it is a data directory: `wreg-server serve --data " +
                target.string() + "` serves it\n");

  std::ostringstream fsck_out, fsck_err;
  EXPECT_EQ(fsck(target, fsck_out, fsck_err), 0) << fsck_err.str();
  EXPECT_EQ(fsck_err.str(), "");
  EXPECT_NE(fsck_out.str().find("checked 2 blobs, 2 referenced digests and 2 log entries under 0 "
                                "checkpoints: 0 problems, 0 orphans"),
            std::string::npos)
      << fsck_out.str();

  store::DataDirOptions options;
  options.missing = store::MissingDir::kRefuse;
  options.log = [](std::string_view) {};
  auto copy = store::open_data_dir(target, std::move(options));
  ASSERT_TRUE(copy) << copy.error().message;
  auto document = copy->metadata->package(*PackageName::parse("demo:app"));
  ASSERT_TRUE(document);
  ASSERT_EQ(document->document.versions.size(), 2u);
  for (const char* id : {"demo:app@1.0.0", "demo:app@1.1.0"}) {
    auto bytes = testing::read_blob(*copy->blobs, Digest::of(std::string_view(id)));
    ASSERT_TRUE(bytes) << id;
    EXPECT_EQ(*bytes, id);
    EXPECT_TRUE(
        fs::equivalent(copy->blobs->blob_path(Digest::of(std::string_view(id))), blob_file(id)))
        << "not hard-linked: " << id;
  }
}

// `log init` makes the key once and prints the one line clients pin; `log key` prints it again;
// a backup carries it (mode 0600), so a restored registry signs the same log on.
TEST_F(AdminTest, TheLogKeyIsMadeOncePrintedAndBackedUp) {
  std::ostringstream out, err;
  ASSERT_EQ(log_init(data(), std::string("registry.example/log"), out, err), 0) << err.str();
  const std::string vkey = out.str();
  ASSERT_TRUE(vkey.starts_with("registry.example/log+")) << vkey;
  ASSERT_TRUE(tlog::parse_verifier_key(vkey.substr(0, vkey.size() - 1))) << vkey;
  struct stat info {};
  ASSERT_EQ(::stat((data() / "log-signing.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  std::ostringstream again_out, again_err;
  EXPECT_EQ(log_init(data(), std::nullopt, again_out, again_err), 1);
  EXPECT_EQ(again_out.str(), "");
  EXPECT_NE(again_err.str().find("already has a log key, whose verifier key is " +
                                 vkey.substr(0, vkey.size() - 1)),
            std::string::npos)
      << again_err.str();

  std::ostringstream shown, shown_err;
  ASSERT_EQ(log_key(data(), shown, shown_err), 0) << shown_err.str();
  EXPECT_EQ(shown.str(), vkey);

  std::ostringstream bad_out, bad_err;
  EXPECT_EQ(log_init(dir_.path() / "other", std::string("has space"), bad_out, bad_err), 1);
  EXPECT_NE(bad_err.str().find("cannot name a key"), std::string::npos) << bad_err.str();

  std::ostringstream backup_out, backup_err;
  const fs::path target = dir_.path() / "backup";
  ASSERT_EQ(backup(data(), target, backup_out, backup_err), 0) << backup_err.str();
  std::ostringstream copied, copied_err;
  ASSERT_EQ(log_key(target, copied, copied_err), 0) << copied_err.str();
  EXPECT_EQ(copied.str(), vkey);
  ASSERT_EQ(::stat((target / "log-signing.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

// `log rotate` makes a new key under the same name, keeps the old one retired, and fsck still
// verifies what the old one signed.
TEST_F(AdminTest, RotatingTheLogKeyKeepsTheOldOneRetired) {
  std::ostringstream out, err;
  ASSERT_EQ(log_init(data(), std::string("registry.example/log"), out, err), 0) << err.str();
  std::ostringstream rotated, rotated_err;
  ASSERT_EQ(log_rotate(data(), std::nullopt, rotated, rotated_err), 0) << rotated_err.str();
  EXPECT_NE(rotated.str(), out.str());
  EXPECT_TRUE(rotated.str().starts_with("registry.example/log+")) << rotated.str();
  std::size_t retired = 0;
  for (const auto& entry : fs::directory_iterator(data())) {
    if (entry.path().filename().string().starts_with("log-signing.key.retired-")) ++retired;
  }
  EXPECT_EQ(retired, 1u);
  std::ostringstream shown, shown_err;
  ASSERT_EQ(log_key(data(), shown, shown_err), 0);
  EXPECT_EQ(shown.str(), rotated.str());
  std::ostringstream none_out, none_err;
  EXPECT_EQ(log_rotate(dir_.path() / "empty", std::nullopt, none_out, none_err), 1);
  EXPECT_NE(none_err.str().find("no log key"), std::string::npos) << none_err.str();
}

TEST_F(AdminTest, BackupTargetMayEndWithASlash) {
  std::ostringstream out, err;
  ASSERT_EQ(backup(data(), dir_.path().string() + "/fresh/", out, err), 0) << err.str();
  EXPECT_TRUE(fs::exists(dir_.path() / "fresh" / "wreg.db"));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"data", "fresh"}));
}

// Across file systems hard links fail with EXDEV: the blobs are copied, and verified.
TEST_F(AdminTest, BackupOntoAnotherFileSystemCopiesTheBlobs) {
  struct stat here {
  }, there{};
  if (::stat(dir_.path().c_str(), &here) != 0 || ::stat("/dev/shm", &there) != 0 ||
      here.st_dev == there.st_dev || ::access("/dev/shm", W_OK) != 0) {
    GTEST_SKIP() << "no writable /dev/shm on another file system than " << dir_.path();
  }
  testing::TempDir shm("/dev/shm");
  const fs::path target = shm / "backup";
  std::ostringstream out, err;
  const int status = backup(data(), target, out, err);
  std::ostringstream fsck_out, fsck_err;
  const int checked = status == 0 ? fsck(target, fsck_out, fsck_err) : -1;
  ASSERT_EQ(status, 0) << err.str();
  EXPECT_NE(out.str().find("0 hard-linked, 2 copied, all verified"), std::string::npos)
      << out.str();
  EXPECT_EQ(checked, 0) << fsck_err.str();
}

TEST_F(AdminTest, BackupOfACorruptBlobStopsAndLeavesNothing) {
  const fs::path path = blob_file("demo:app@1.1.0");
  fs::permissions(path, fs::perms::owner_write, fs::perm_options::add);
  std::ofstream(path, std::ios::trunc) << "demo:app@1.1.X";  // same size, other bytes
  std::ostringstream out, err;
  const fs::path target = dir_.path() / "backup";
  EXPECT_EQ(backup(data(), target, out, err), 1);
  EXPECT_EQ(count_lines(err.str()), 1u) << err.str();
  EXPECT_NE(err.str().find("blob " + Digest::of(std::string_view("demo:app@1.1.0")).to_string() +
                           " of demo:app@1.1.0 in " + data().string() + " is corrupt"),
            std::string::npos)
      << err.str();
  // Neither the backup nor its partial folder is left.
  std::vector<std::string> left;
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    left.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(left, std::vector<std::string>{"data"});
}

// The target follows common/output_path.h: nothing already there is replaced or written into.
TEST_F(AdminTest, BackupRefusesWhatIsAlreadyThereInOneLine) {
  const fs::path folder = dir_.path() / "folder";
  fs::create_directories(folder);
  const fs::path file = dir_.path() / "file";
  std::ofstream(file) << "keep me";
  const fs::path fifo = dir_.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path dangling = dir_.path() / "dangling";
  fs::create_symlink(dir_.path() / "nowhere", dangling);
  const fs::path link_to_folder = dir_.path() / "link";
  fs::create_symlink(folder, link_to_folder);
  struct Case {
    fs::path target;
    std::string message;
  };
  const Case cases[] = {
      {folder, folder.string() + " already exists; choose a new folder for the backup"},
      {file, file.string() + " already exists; choose a new folder for the backup"},
      {link_to_folder,
       link_to_folder.string() + " already exists; choose a new folder for the backup"},
      {fifo, "cannot back up to " + fifo.string() +
                 ": a backup is a data directory, not a stream; name a new folder"},
      {"-", "cannot back up to -: a backup is a data directory, not a stream; name a new folder"},
      {dangling, dangling.string() + " is a symbolic link to " +
                     (dir_.path() / "nowhere").string() +
                     ", which does not exist; create the target or remove the link"},
  };
  for (const auto& c : cases) {
    std::ostringstream out, err;
    EXPECT_EQ(backup(data(), c.target, out, err), 1) << c.target;
    EXPECT_EQ(err.str(), "wreg-server: " + c.message + "\n");
  }
  EXPECT_TRUE(fs::is_empty(folder));
  EXPECT_EQ(file_bytes(file), "keep me");
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(dangling)));
  EXPECT_FALSE(fs::exists(dir_.path() / "nowhere"));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(link_to_folder)));
}

TEST_F(AdminTest, TokenCreatePrintsOnlyTheTokenAndListNeverShowsIt) {
  std::ostringstream out, err;
  ASSERT_EQ(token_create(data(), {.namespaces = {"demo"}, .note = "ci"}, out, err), 0) << err.str();
  const std::string printed = out.str();
  ASSERT_EQ(count_lines(printed), 1u);
  const std::string secret = printed.substr(0, printed.size() - 1);
  EXPECT_TRUE(secret.starts_with("wreg_"));

  auto dir = open();
  EXPECT_TRUE(auth::Authorizer(*dir.tokens).authorize(secret, auth::Action::kPublish, "demo"));

  std::ostringstream list_out, list_err;
  ASSERT_EQ(token_list(data(), list_out, list_err), 0);
  EXPECT_EQ(list_out.str().find(secret.substr(5)), std::string::npos);
  EXPECT_NE(list_out.str().find("publish:demo"), std::string::npos) << list_out.str();

  std::ostringstream revoke_out, revoke_err;
  EXPECT_EQ(token_revoke(data(), 1, revoke_out, revoke_err), 0) << revoke_err.str();
  EXPECT_EQ(token_revoke(data(), 42, revoke_out, revoke_err), 1);
  EXPECT_EQ(auth::Authorizer(*dir.tokens).authenticate(secret).error().code,
            ErrorCode::kUnauthenticated);
}

TEST_F(AdminTest, TokenListShowsExpiryLastUseAndExpiredStatus) {
  using namespace std::chrono;
  const auto now = floor<seconds>(system_clock::now());
  auto dir = open();
  auto forever = auth::create_token(*dir.tokens, {.namespaces = {"demo"}, .note = "ci"});
  auto soon = auth::create_token(
      *dir.tokens, {.admin = true, .namespaces = {}, .note = "", .expires = now + days(3)});
  auto gone = auth::create_token(
      *dir.tokens, {.admin = true, .namespaces = {}, .note = "", .expires = now - days(1)});
  ASSERT_TRUE(forever && soon && gone);
  ASSERT_TRUE(auth::Authorizer(*dir.tokens).authenticate(soon->secret));

  std::ostringstream out, err;
  ASSERT_EQ(token_list(data(), out, err), 0) << err.str();
  std::istringstream lines(out.str());
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 4u) << out.str();
  EXPECT_EQ(rows[0], "id\tscope\tcreated\texpires\tlast used\tstatus\tnote");
  const std::string created = rows[1].substr(rows[1].find("publish:demo\t") + 13, 20);
  EXPECT_EQ(rows[1], "1\tpublish:demo\t" + created + "\tnever\tnever used\tlive\tci");
  EXPECT_TRUE(rows[2].starts_with("2\tadmin\t")) << rows[2];
  EXPECT_NE(rows[2].find("\t" + store::rfc3339(now + days(3)) + "\t"), std::string::npos)
      << rows[2];
  EXPECT_EQ(rows[2].find("never"), std::string::npos) << "used, and expires: " << rows[2];
  EXPECT_TRUE(rows[2].ends_with("\tlive\t")) << rows[2];
  EXPECT_TRUE(rows[3].ends_with("\tnever used\texpired\t")) << rows[3];
}

TEST_F(AdminTest, FailuresExitOneWithOneLine) {
  std::ostringstream out, err;
  EXPECT_EQ(namespace_create(data(), "demo", out, err), 1);
  EXPECT_EQ(count_lines(err.str()), 1u);
  std::ostringstream out2, err2;
  EXPECT_EQ(token_create(data(), {.namespaces = {"missing"}, .note = ""}, out2, err2), 1);
  EXPECT_EQ(out2.str(), "") << "no token printed on failure";
  std::ostringstream out3, err3;
  EXPECT_EQ(fsck(dir_.path() / "no-such-dir", out3, err3), 1);
  EXPECT_NE(err3.str().find("no wreg data directory"), std::string::npos);
}

// Runs `wreg-server ARGS...` through add_admin_commands (as main() does) and returns the status.
int run_admin(std::vector<std::string> args) {
  CLI::App app;
  int status = -1;
  add_admin_commands(app, status);
  std::reverse(args.begin(), args.end());  // CLI11 takes a reversed vector
  app.parse(args);
  return status;
}

// With the systemd layout the data dir is only in the settings file: every admin command must
// find it there.
TEST_F(AdminTest, EveryCommandTakesTheDataDirFromTheSettingsFile) {
  const fs::path config = dir_.path() / "wreg-server.toml";
  std::ofstream(config) << "# as in deploy/wreg-server.toml\ndata = \"" << data().string()
                        << "\"\nlisten = \"127.0.0.1:8080\"\nprivate = false\n";
  const std::string file = config.string();
  const std::vector<std::vector<std::string>> commands = {
      {"namespace", "create", "--config", file, "other"},
      {"namespace", "list", "--config", file},
      {"token", "create", "--config", file, "--namespace", "other"},
      {"token", "list", "--config", file},
      {"token", "revoke", "--config", file, "1"},
      {"fsck", "--config", file},
      {"gc", "--config", file},
      {"backup", "--config", file, "--to", (dir_.path() / "backup").string()},
  };
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  for (const auto& command : commands) EXPECT_EQ(run_admin(command), 0) << command[0];
  ::testing::internal::GetCapturedStdout();
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.find("wreg-server:"), std::string::npos) << err;
  // They worked on the settings file's data dir, not on ./wreg-data.
  EXPECT_FALSE(fs::exists("wreg-data"));
  auto dir = open();
  auto namespaces = dir.metadata->list_namespaces();
  ASSERT_TRUE(namespaces);
  EXPECT_EQ(*namespaces, (std::vector<std::string>{"demo", "other"}));
  EXPECT_TRUE(fs::exists(dir_.path() / "backup" / "wreg.db"));
}

TEST_F(AdminTest, DataFlagWinsOverTheSettingsFile) {
  const fs::path config = dir_.path() / "wreg-server.toml";
  std::ofstream(config) << "data = \"" << (dir_.path() / "elsewhere").string() << "\"\n";
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_admin({"namespace", "create", "--config", config.string(), "--data",
                       data().string(), "other"}),
            0);
  ::testing::internal::GetCapturedStdout();
  EXPECT_FALSE(fs::exists(dir_.path() / "elsewhere"));
  auto namespaces = open().metadata->list_namespaces();
  ASSERT_TRUE(namespaces);
  EXPECT_EQ(namespaces->size(), 2u);
}

TEST_F(AdminTest, ABadSettingsFileIsBadUsageInOneLine) {
  const fs::path config = dir_.path() / "wreg-server.toml";
  std::ofstream(config) << "dat = \"/var/lib/wreg/data\"\n";
  auto data = store_location_of({std::nullopt, std::nullopt, std::nullopt, config.string()});
  ASSERT_FALSE(data);
  EXPECT_EQ(
      data.error().message.substr(0, data.error().message.find(" (allowed")),
      "unknown setting \"dat\" in " + wreg::quoted(config.string()) + "; did you mean \"data\"?");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_admin({"token", "list", "--config", config.string()}), 2);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(count_lines(err), 1u) << err;
  // A settings file that is named must read, whatever the flags: it may hold the database too.
  EXPECT_FALSE(store_location_of({"here", std::nullopt, std::nullopt, config.string()}));
}

TEST_F(AdminTest, TheStoresAreWhereTheFlagsElseTheSettingsFileSay) {
  const store::StoreLocation defaults = store_location_of({}).value();
  EXPECT_EQ(defaults.data, fs::path("wreg-data"));
  EXPECT_EQ(defaults.database, "");
  EXPECT_EQ(defaults.blobs, fs::path());

  const fs::path config = dir_.path() / "wreg-server.toml";
  std::ofstream(config) << "data = \"/srv/wreg\"\ndatabase = \"postgresql://wreg@db/wreg\"\n"
                           "blobs = \"/mnt/shared/blobs\"\n";
  const store::StoreLocation configured =
      store_location_of({std::nullopt, std::nullopt, std::nullopt, config.string()}).value();
  EXPECT_EQ(configured.data, fs::path("/srv/wreg"));
  EXPECT_EQ(configured.database, "postgresql://wreg@db/wreg");
  EXPECT_EQ(configured.blobs, fs::path("/mnt/shared/blobs"));
  const store::StoreLocation flagged =
      store_location_of(
          {.data = "here", .database = "sqlite:/tmp/x.db", .blobs = "b", .config = config.string()})
          .value();
  EXPECT_EQ(flagged.data, fs::path("here"));
  EXPECT_EQ(flagged.database, "sqlite:/tmp/x.db");
  EXPECT_EQ(flagged.blobs, fs::path("b"));

  for (const char* bad : {"mysql://root@db/wreg", "sqlite:", "/var/lib/wreg.db", "postgresql:x"}) {
    auto refused = store_location_of({std::nullopt, bad, std::nullopt, std::nullopt});
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find("sqlite:PATH"), std::string::npos);
  }
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_admin({"token", "list", "--data", data().string(), "--database", "mysql://x"}), 2);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(count_lines(err), 1u) << err;
}

TEST(DurationTest, ParsesOneUnit) {
  EXPECT_EQ(parse_duration("30s"), std::chrono::seconds(30));
  EXPECT_EQ(parse_duration("15m"), std::chrono::seconds(900));
  EXPECT_EQ(parse_duration("24h"), std::chrono::seconds(86400));
  EXPECT_EQ(parse_duration("7d"), std::chrono::seconds(604800));
  EXPECT_EQ(parse_duration("2w"), std::chrono::seconds(1209600));
  for (const char* bad : {"", "h", "10", "1.5h", "-1h", "10y", "999999999999d"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(AdminCommandLineTest, SubcommandsParseAndSetTheExitStatus) {
  testing::TempDir dir;
  CLI::App app;
  int status = -1;
  add_admin_commands(app, status);
  const std::string data = (dir.path() / "data").string();
  std::vector<std::string> args = {"demo", data, "--data", "create", "namespace"};
  app.parse(args);  // CLI11 takes a reversed vector
  EXPECT_EQ(status, 0);
  CLI::App bad;
  int bad_status = -1;
  add_admin_commands(bad, bad_status);
  std::vector<std::string> bad_args = {"soon", "--grace", data, "--data", "gc"};
  EXPECT_THROW(bad.parse(bad_args), CLI::ValidationError);
}

TEST_F(AdminTest, TokenCreateExpiresIsStoredAndBadOnesAreBadUsageInOneLine) {
  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_admin({"token", "create", "--data", data().string(), "--namespace", "demo",
                       "--expires", "2w"}),
            0);
  const std::string secret = ::testing::internal::GetCapturedStdout();
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(secret.starts_with("wreg_")) << secret;
  EXPECT_NE(said.find("expiring at "), std::string::npos) << said;
  auto dir = open();
  auto listed = dir.tokens->list_tokens();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  ASSERT_TRUE((*listed)[0].expires);
  const auto after = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  EXPECT_GE(*(*listed)[0].expires, before + std::chrono::weeks(2));
  EXPECT_LE(*(*listed)[0].expires, after + std::chrono::weeks(2));

  for (const char* bad :
       {"0d", "-5d", "soon", "90", "d", "", "1.5d", "90D", "99999999999w", "2020-01-01",
        "2027-02-30", "10000-01-01", "2027-06-30T12:00:00.5Z", "90d\n--admin"}) {
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(run_admin({"token", "create", "--data", data().string(), "--namespace", "demo",
                         "--expires", bad}),
              2)
        << bad;
    EXPECT_EQ(::testing::internal::GetCapturedStdout(), "") << "no token printed for " << bad;
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(count_lines(err), 1u) << err;
    EXPECT_TRUE(err.starts_with("wreg-server: --expires ")) << err;
  }
  EXPECT_EQ(dir.tokens->list_tokens()->size(), 1u) << "no token made for a bad --expires";
}

TEST(ExpiryTest, DurationsCountFromNowAndTimesAreUtc) {
  using namespace std::chrono;
  const sys_seconds now = sys_days(year(2027) / January / 15) + hours(8);
  const std::vector<std::pair<std::string, sys_seconds>> good = {
      {"90d", now + days(90)},
      {"12h", now + hours(12)},
      {"30m", now + minutes(30)},
      {"2w", now + weeks(2)},
      {"1s", now + seconds(1)},
      {"2027-06-30", sys_days(year(2027) / June / 30)},
      {"2027-06-30T12:00:00Z", sys_days(year(2027) / June / 30) + hours(12)},
      {"2027-06-30t12:00:00z", sys_days(year(2027) / June / 30) + hours(12)},
      {"2027-06-30T12:00:00+02:00", sys_days(year(2027) / June / 30) + hours(10)},
      {"2027-06-30T12:00:00-00:30", sys_days(year(2027) / June / 30) + hours(12) + minutes(30)},
      {"9999-12-31T23:59:59Z",
       sys_days(year(9999) / December / 31) + hours(23) + minutes(59) + seconds(59)},
  };
  for (const auto& [text, expected] : good) {
    auto parsed = parse_expiry(text, now);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().message;
    EXPECT_EQ(*parsed, expected) << text;
  }
}

TEST(ExpiryTest, HostileTextIsRefusedInOneLineSayingTheFormsExpected) {
  using namespace std::chrono;
  const sys_seconds now = sys_days(year(2027) / January / 15) + hours(8);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"",
       "--expires \"\" is not a duration; expected a duration like 90d, 12h, 30m or 2w, or a "
       "UTC time like 2027-06-30 or 2027-06-30T12:00:00Z"},
      {"0d", "--expires \"0d\" would expire the token at once; expected a duration like 90d"},
      {"0000s", "would expire the token at once"},
      {"-5d", "is not a duration"},
      {"+5d", "is not a duration"},
      {" 5d", "is not a duration"},
      {"5d ", "is not a duration"},
      {"5", "is not a duration"},
      {"d", "is not a duration"},
      {"5y", "is not a duration"},
      {"5dd", "is not a duration"},
      {"1e3d", "is not a duration"},
      {"0x10d", "is not a duration"},
      {"１d", "is not a duration"},
      {std::string("5\0d", 3), "is not a duration"},
      {"never", "is not a duration"},
      {"9999999999999d", "is past the year 9999"},
      {"99999999999999999999999999s", "is past the year 9999"},
      {"999999999999w",
       "is past the year 9999; leave --expires out for a token that never "
       "expires"},
      {"3000000d", "is past the year 9999"},
      {"2027-01-15T08:00:00Z",
       "--expires \"2027-01-15T08:00:00Z\" has passed (it is "
       "2027-01-15T08:00:00Z now); give a later time, or a duration "
       "like 90d"},
      {"1999-12-31", "has passed"},
      {"0000-01-01", "has passed"},
      {"2027-02-29", "is not a time"},
      {"2027-13-01", "is not a time"},
      {"2027-06-31", "is not a time"},
      {"2027-06-30T24:00:00Z", "is not a time"},
      {"2027-06-30T23:59:60Z", "is not a time"},
      {"2027-06-30T12:00:00", "is not a time"},
      {"2027-06-30 12:00:00Z", "is not a time"},
      {"2027-06-30T12:00:00.000Z", "is not a time"},
      {"2027-06-30T12:00:00+24:00", "is not a time"},
      {"2027-06-30T12:00:00+0200", "is not a time"},
      {"2027-6-30", "is not a duration"},
      {"10000-01-01", "is not a duration"},
      {"2027-06-30\n", "is not a time"},
      {"2027-06-30\x1b[31m", "is not a time"},
  };
  for (const auto& [text, expected] : bad) {
    auto parsed = parse_expiry(text, now);
    ASSERT_FALSE(parsed) << wreg::escaped(text) << " gave " << store::rfc3339(*parsed);
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find(expected), std::string::npos)
        << wreg::escaped(text) << ": " << parsed.error().message;
    EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos) << parsed.error().message;
    EXPECT_EQ(parsed.error().message.find('\x1b'), std::string::npos) << parsed.error().message;
  }
}

}  // namespace
}  // namespace wreg::admin
