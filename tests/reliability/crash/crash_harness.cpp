// wreg_crash_harness: publishes to the real wreg-server and kills it with SIGKILL at random
// moments, restarting it on the same data dir after every kill, and checks after each restart:
//   - `wreg-server fsck` exits 0 (orphan blobs are allowed: DESIGN.md says a crash between the
//     blob's rename and the release's commit leaves one, and fsck lists it);
//   - every publish that was answered 201/200 is present with the digest it was answered with,
//     and its blob serves exactly the bytes sent;
//   - no release exists that was not attempted, or with other bytes than were sent;
//   - the publish the kill interrupted is either absent or complete, and retrying it gives 201
//     (absent) or 200 (present), never 409 or 5xx.
// fsck re-hashes every blob (so none is partial) and checks that every release's blob is there
// with the recorded size.
//
// Half the releases are pushed over OCI instead, as container clients push (the config blob and
// the component as monolithic uploads, POST .../blobs/uploads/?digest=, then the manifest PUT by
// the version tag); an interrupted push is killed in one of its three requests, and afterwards:
//   - every blob upload and manifest PUT answered 201 is served byte for byte (the manifest by
//     tag and by digest, the blobs over /v2/), and a manifest PUT that landed unanswered kept
//     the exact bytes sent;
//   - a release exists only once its manifest was sent; retrying the whole push answers 201 to
//     each request;
//   - at the end, after `gc --grace 0s`, every acknowledged manifest, config and layer still is.
//
// Kill moments: each round first publishes 0-2 releases to the end (acknowledged), then starts
// one more and kills the server while (a) nothing or part of the header is sent, (b) part of the
// body is sent, or (c) the whole body is sent, after a random delay of up to 1.2 times the time the
// server takes to answer a publish (measured at the start). What the disk shows after the kill
// tells where in the server the kill landed: no trace, a partial temp file, a complete temp file
// (validating or syncing), the blob in place but no release (between blob and metadata commit),
// or the release committed but the answer not seen.
//
// With WREG_TEST_SERVER_DATABASE set (tests/support/test_database.h) the server and its admin
// commands keep the metadata on PostgreSQL and the blobs in the data dir, as a replica does.
//
// Usage: wreg_crash_harness [--kills N] [--seed S] [--max-padding BYTES] [--keep]
// The seed is printed first; the same seed replays the same choices (sizes, phases, delays),
// though the timing of a kill against the server's progress can differ from run to run.
// Exit status 0 when every check passed, 1 otherwise (the data dir is kept and named).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/reliability/crash/publishing.h"
#include "tests/support/test_database.h"

namespace wreg::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kNamespace = "crash";
constexpr int kPackages = 6;

struct Options {
  int kills = 200;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::size_t max_padding = 96 * 1024;
  bool keep = false;
};

// One release the harness tried to publish.
struct Attempt {
  std::string name;  // package name inside kNamespace
  std::string version;
  std::string body;
  std::string digest;
  bool oci = false;      // pushed over OCI: `artifact` names `body` as its layer
  OciArtifact artifact;  // set when `oci`
};

// The three requests of an OCI push, in order.
enum class PushStep { kConfig, kLayer, kManifest };
const char* to_string(PushStep step) {
  switch (step) {
    case PushStep::kConfig:
      return "config upload";
    case PushStep::kLayer:
      return "layer upload";
    case PushStep::kManifest:
      return "manifest PUT";
  }
  return "?";
}
constexpr PushStep kPushSteps[] = {PushStep::kConfig, PushStep::kLayer, PushStep::kManifest};

// Where the client stood when the kill came.
enum class ClientPhase { kNothingSent, kBodyPartlySent, kBodySentNoAnswer, kAnswered };
const char* to_string(ClientPhase phase) {
  switch (phase) {
    case ClientPhase::kNothingSent:
      return "nothing (or part of the header) sent";
    case ClientPhase::kBodyPartlySent:
      return "body partly sent";
    case ClientPhase::kBodySentNoAnswer:
      return "body sent, no answer";
    case ClientPhase::kAnswered:
      return "answered before the kill";
  }
  return "?";
}

// What the data dir showed after the kill: where in the server the kill landed.
enum class ServerPhase {
  kNoTrace,
  kTempPartial,
  kTempComplete,
  kBlobWithoutRelease,
  kReleaseCommitted
};
const char* to_string(ServerPhase phase) {
  switch (phase) {
    case ServerPhase::kNoTrace:
      return "no trace on disk (before the body reached the store)";
    case ServerPhase::kTempPartial:
      return "temp file partly written (during body upload)";
    case ServerPhase::kTempComplete:
      return "temp file complete, blob not in place (validating / syncing)";
    case ServerPhase::kBlobWithoutRelease:
      return "blob in place, no release (between blob write and commit)";
    case ServerPhase::kReleaseCommitted:
      return "release committed (during / after commit)";
  }
  return "?";
}

class Failure {
 public:
  explicit Failure(std::string what) : what_(std::move(what)) {}
  const std::string& what() const { return what_; }

 private:
  std::string what_;
};

// Temp files (name -> size) in the blob store's temp dir.
std::map<std::string, std::uintmax_t> temp_files(const fs::path& data) {
  std::map<std::string, std::uintmax_t> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(data / "blobs" / "tmp", ec)) {
    std::error_code size_error;
    auto size = entry.file_size(size_error);
    if (!size_error) out[entry.path().filename().string()] = size;
  }
  return out;
}

class Harness {
 public:
  explicit Harness(Options options)
      : options_(options), random_(options.seed), server_(data_dir()) {}

  int run() {
    std::cout << "wreg_crash_harness: seed " << options_.seed << ", " << options_.kills
              << " kills, metadata on "
              << (servers_use_postgres() ? "PostgreSQL" : "SQLite")
              << "; reproduce with: wreg_crash_harness --seed " << options_.seed
              << " --kills " << options_.kills << std::endl;
    auto started = Clock::now();
    try {
      set_up();
      for (int kill = 0; kill < options_.kills; ++kill) {
        round_ = kill;
        one_round();
      }
      finish();
    } catch (const Failure& failure) {
      std::cout << "FAILED in round " << round_ << " (seed " << options_.seed
                << "): " << failure.what() << "\n"
                << "data dir kept at " << kept_path() << "\n"
                << "server log:\n"
                << server_.log() << std::endl;
      keep_data();
      std::cout << "0 passed, 1 failed" << std::endl;
      return 1;
    }
    auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
    report(seconds);
    if (options_.keep) {
      keep_data();
      std::cout << "data dir kept at " << kept_path() << "\n";
    }
    std::cout << "1 passed, 0 failed" << std::endl;
    return 0;
  }

 private:
  fs::path data_dir() const { return dir_.path() / "data"; }
  fs::path kept_path() const {
    return fs::temp_directory_path() / ("wreg-crash-seed-" + std::to_string(options_.seed));
  }
  void keep_data() {
    std::error_code ec;
    fs::remove_all(kept_path(), ec);
    fs::copy(data_dir(), kept_path(), fs::copy_options::recursive, ec);
  }

  void set_up() {
    std::string error;
    token_ = prepare_registry(data_dir(), kNamespace, error);
    if (token_.empty()) throw Failure("could not prepare the registry: " + error);
    base_ = base_component();
    if (base_.empty()) throw Failure("the fixture component is missing");
    start_server();
    // How long a publish takes from the last body byte to the answer: the window the kills
    // in phase (c) are spread over.
    std::vector<double> samples;
    for (int i = 0; i < 5; ++i) {
      Attempt attempt = next_attempt(false);
      auto connection = Connection::open(server_.port());
      if (!connection) throw Failure("cannot connect for calibration");
      connection->send(
          publish_head(kNamespace, attempt.name, attempt.version, token_, attempt.body, false) +
          attempt.body);
      auto sent = Clock::now();
      auto response = connection->read_response();
      samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent).count());
      if (response.status != 201) {
        throw Failure("calibration publish answered " + std::to_string(response.status) + ": " +
                      response.body + response.error);
      }
      acknowledge(attempt, response);
    }
    std::sort(samples.begin(), samples.end());
    answer_micros_ = samples[samples.size() / 2];
    std::cout << "a publish answers " << static_cast<long>(answer_micros_)
              << " us after its last byte (median of 5); phase (c) kills are spread over 0-"
              << static_cast<long>(1.2 * answer_micros_) << " us" << std::endl;
  }

  void start_server() {
    auto begun = Clock::now();
    if (!server_.start()) throw Failure("the server did not start again: " + server_.log());
    restart_seconds_ += std::chrono::duration<double>(Clock::now() - begun).count();
    ++restarts_;
  }

  Attempt next_attempt(bool oci) {
    Attempt attempt;
    attempt.oci = oci;
    attempt.name = package_name(static_cast<int>(random_() % kPackages));
    attempt.version = "1." + std::to_string(serial_ / 100) + "." + std::to_string(serial_ % 100);
    std::size_t padding = static_cast<std::size_t>(random_() % (options_.max_padding + 1));
    attempt.body = component_variant(base_, "attempt " + std::to_string(serial_), padding, random_);
    attempt.digest = digest_of(attempt.body);
    if (oci) attempt.artifact = oci_artifact_of(attempt.body);
    ++serial_;
    attempts_[key(attempt)] = attempt;
    return attempt;
  }

  // pkg-a, pkg-b, ...: each word of a package name starts with a letter.
  static std::string package_name(int index) {
    return std::string("pkg-") + static_cast<char>('a' + index);
  }

  static std::string key(const Attempt& attempt) { return attempt.name + "@" + attempt.version; }

  void acknowledge(const Attempt& attempt, const HttpResponse& response) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.contains("digest") || body["digest"] != attempt.digest) {
      throw Failure(key(attempt) + " was answered " + std::to_string(response.status) +
                    " with a body that does not name its digest " + attempt.digest + ": " +
                    response.body);
    }
    acknowledged_[key(attempt)] = attempt.digest;
  }

  // The request of `step` of pushing `attempt`: its head and the body to send after it.
  std::pair<std::string, const std::string*> push_request(const Attempt& attempt,
                                                          PushStep step) const {
    switch (step) {
      case PushStep::kConfig:
        return {oci_upload_head(kNamespace, attempt.name, token_, attempt.artifact.config),
                &attempt.artifact.config};
      case PushStep::kLayer:
        return {oci_upload_head(kNamespace, attempt.name, token_, attempt.body), &attempt.body};
      case PushStep::kManifest:
        break;
    }
    return {oci_manifest_head(kNamespace, attempt.name, attempt.version, token_,
                              attempt.artifact.manifest),
            &attempt.artifact.manifest};
  }

  // Records what a 201 to `step` of pushing `attempt` promises: the blob, or the release and its
  // manifest. A push step is answered 201 with the Docker-Content-Digest of what was sent, also
  // when it was stored before.
  void acknowledge_step(const Attempt& attempt, PushStep step, const HttpResponse& response) {
    const std::string& body = *push_request(attempt, step).second;
    if (response.status != 201 || response.header("docker-content-digest") != digest_of(body)) {
      throw Failure("the " + std::string(to_string(step)) + " of " + key(attempt) + " answered " +
                    std::to_string(response.status) + " with Docker-Content-Digest \"" +
                    response.header("docker-content-digest") + "\", not 201 with " +
                    digest_of(body) + ": " + response.body + response.error);
    }
    if (step == PushStep::kManifest) {
      acknowledged_[key(attempt)] = attempt.digest;
      acknowledged_manifests_.insert(key(attempt));
    } else {
      acknowledged_blobs_[digest_of(body)] = {key(attempt), step};
    }
  }

  // A whole OCI push of `attempt`, every request answered 201.
  void push(const Attempt& attempt) {
    for (PushStep step : kPushSteps) {
      auto [head, body] = push_request(attempt, step);
      acknowledge_step(attempt, step, exchange(server_.port(), head + *body));
    }
  }

  // Sends `head` and `body`, or part of them, on a new connection and SIGKILLs the server at a
  // random moment. `response` is the answer when one left the server before it died (the phase
  // is then kAnswered).
  ClientPhase send_and_kill(const std::string& head, const std::string& body,
                            HttpResponse& response) {
    auto connection = Connection::open(server_.port(), false, std::chrono::seconds(5));
    if (!connection) throw Failure("cannot connect to the server");
    ClientPhase phase;
    int choice = static_cast<int>(random_() % 100);
    if (choice < 15) {
      phase = ClientPhase::kNothingSent;
      connection->send(head.substr(0, random_() % head.size()));
      server_.kill_hard();
    } else if (choice < 45) {
      phase = ClientPhase::kBodyPartlySent;
      std::size_t part = 1 + random_() % (body.size() - 1);
      connection->send(head + body.substr(0, part));
      pause_micros(random_() % 2000);
      server_.kill_hard();
    } else {
      phase = ClientPhase::kBodySentNoAnswer;
      connection->send(head + body);
      pause_micros(random_() % static_cast<std::uint64_t>(1.2 * answer_micros_ + 1));
      server_.kill_hard();
    }
    // An answer that left the server before it died still arrives.
    if (phase == ClientPhase::kBodySentNoAnswer) response = connection->read_response();
    if (response.status != 0) phase = ClientPhase::kAnswered;
    return phase;
  }

  // An OCI push killed in one of its requests (the ones before it answered), then checked.
  void interrupted_push(const Attempt& attempt) {
    const PushStep killed_in = kPushSteps[random_() % std::size(kPushSteps)];
    for (PushStep step : kPushSteps) {
      if (step == killed_in) break;
      auto [head, body] = push_request(attempt, step);
      acknowledge_step(attempt, step, exchange(server_.port(), head + *body));
    }
    auto [head, body] = push_request(attempt, killed_in);
    HttpResponse response;
    const ClientPhase phase = send_and_kill(head, *body, response);
    if (phase == ClientPhase::kAnswered) acknowledge_step(attempt, killed_in, response);
    ++push_phases_[killed_in][phase];
    start_server();
    verify_push(attempt, killed_in, phase);
  }

  void one_round() {
    int complete = static_cast<int>(random_() % 3);
    for (int i = 0; i < complete; ++i) {
      Attempt attempt = next_attempt(random_() % 2 == 0);
      if (attempt.oci) {
        push(attempt);
        continue;
      }
      auto response =
          publish(server_.port(), kNamespace, attempt.name, attempt.version, token_, attempt.body);
      if (response.status != 201) {
        throw Failure("publish of " + key(attempt) + " answered " +
                      std::to_string(response.status) + ": " + response.body + response.error);
      }
      acknowledge(attempt, response);
    }

    Attempt attempt = next_attempt(random_() % 2 == 0);
    if (attempt.oci) {
      interrupted_push(attempt);
      return;
    }
    auto temps_before = temp_files(data_dir());
    std::string head = publish_head(kNamespace, attempt.name, attempt.version, token_, attempt.body,
                                    random_() % 2 == 0);
    HttpResponse response;
    const ClientPhase phase = send_and_kill(head, attempt.body, response);
    if (phase == ClientPhase::kAnswered) {
      if (response.status != 201) {
        throw Failure("the interrupted publish of " + key(attempt) + " answered " +
                      std::to_string(response.status) + ": " + response.body);
      }
      acknowledge(attempt, response);
    }
    ++client_phases_[phase];

    // What the kill left on disk, before the restarted server can touch it.
    ServerPhase evidence = ServerPhase::kNoTrace;
    bool blob_present = fs::exists(blob_file(data_dir(), Digest::of(attempt.body)));
    if (blob_present) {
      evidence = ServerPhase::kBlobWithoutRelease;  // refined below once the server answers
    } else {
      for (const auto& [name, size] : temp_files(data_dir())) {
        if (temps_before.contains(name)) continue;
        evidence =
            size == attempt.body.size() ? ServerPhase::kTempComplete : ServerPhase::kTempPartial;
      }
    }

    start_server();
    verify(attempt, phase, evidence);
  }

  static void pause_micros(std::uint64_t micros) {
    // A random kill moment, not synchronisation: the kill lands wherever the server is then.
    if (micros > 0) std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }

  // The package documents of every package: name@version -> digest.
  std::map<std::string, std::string> published() {
    std::map<std::string, std::string> out;
    for (int i = 0; i < kPackages; ++i) {
      std::string name = package_name(i);
      auto response = request(server_.port(), "GET",
                              std::string("/api/v1/packages/") + kNamespace + "/" + name);
      if (response.status == 404) continue;
      if (response.status != 200) {
        throw Failure("GET of the package document " + name + " answered " +
                      std::to_string(response.status) + ": " + response.body + response.error);
      }
      auto document = nlohmann::json::parse(response.body, nullptr, false);
      if (document.is_discarded() || !document.contains("versions")) {
        throw Failure("the package document of " + name + " is not JSON: " + response.body);
      }
      for (const auto& entry : document["versions"]) {
        out[name + "@" + entry["version"].get<std::string>()] = entry["digest"].get<std::string>();
      }
    }
    return out;
  }

  void check_blob(const Attempt& attempt) {
    auto response = request(server_.port(), "GET", "/api/v1/blobs/" + attempt.digest);
    if (response.status != 200 || response.body != attempt.body) {
      throw Failure("the blob of " + key(attempt) + " (" + attempt.digest + ") answered " +
                    std::to_string(response.status) + " with " +
                    std::to_string(response.body.size()) + " bytes, not the " +
                    std::to_string(attempt.body.size()) + " bytes published");
    }
  }

  // After a restart: fsck is clean, every acknowledged release is there with its digest, and no
  // release is there that was not sent. Returns the releases present (name@version -> digest).
  std::map<std::string, std::string> check_store() {
    auto fsck = run_server_command({"fsck", "--data", data_dir().string()});
    if (fsck.exit_status != 0) {
      throw Failure("fsck exited " + std::to_string(fsck.exit_status) + ":\n" + fsck.out +
                    fsck.err);
    }
    std::size_t orphans = 0;
    for (std::size_t at = fsck.out.find("orphan blob "); at != std::string::npos;
         at = fsck.out.find("orphan blob ", at + 1)) {
      ++orphans;
    }
    max_orphans_ = std::max(max_orphans_, orphans);

    auto present = published();
    for (const auto& [id, digest] : acknowledged_) {
      auto found = present.find(id);
      if (found == present.end()) throw Failure("acknowledged publish " + id + " is lost");
      if (found->second != digest) {
        throw Failure("acknowledged publish " + id + " changed from " + digest + " to " +
                      found->second);
      }
    }
    for (const auto& [id, digest] : present) {
      auto attempt = attempts_.find(id);
      if (attempt == attempts_.end()) throw Failure("release " + id + " was never published");
      if (attempt->second.digest != digest) {
        throw Failure("release " + id + " has digest " + digest + " but " + attempt->second.digest +
                      " was sent");
      }
    }
    return present;
  }

  void verify(const Attempt& in_flight, ClientPhase phase, ServerPhase evidence) {
    auto present = check_store();
    bool landed = present.contains(key(in_flight));
    if (landed) {
      evidence = ServerPhase::kReleaseCommitted;
      check_blob(in_flight);
    } else if (phase == ClientPhase::kAnswered) {
      throw Failure(key(in_flight) + " was answered but is not present");
    }
    ++server_phases_[evidence];
    if (phase != ClientPhase::kAnswered) {
      // The client never heard back: it retries, as `wreg publish` would.
      auto retry = publish(server_.port(), kNamespace, in_flight.name, in_flight.version, token_,
                           in_flight.body);
      int expected = landed ? 200 : 201;
      if (retry.status != expected) {
        throw Failure("retrying the interrupted publish of " + key(in_flight) + " answered " +
                      std::to_string(retry.status) + " (expected " + std::to_string(expected) +
                      "): " + retry.body + retry.error);
      }
      acknowledge(in_flight, retry);
      ++retries_[expected];
    }
    check_some_acknowledged();
  }

  // A few acknowledged releases' blobs, pushed blobs and manifests, byte for byte (fsck has
  // re-hashed every blob and every manifest).
  void check_some_acknowledged() {
    for (int i = 0; i < 2 && !acknowledged_.empty(); ++i) {
      auto it = acknowledged_.begin();
      std::advance(it, static_cast<long>(random_() % acknowledged_.size()));
      check_blob(attempts_.at(it->first));
    }
    for (int i = 0; i < 2 && !acknowledged_blobs_.empty(); ++i) {
      auto it = acknowledged_blobs_.begin();
      std::advance(it, static_cast<long>(random_() % acknowledged_blobs_.size()));
      check_pushed_blob(it->first);
    }
    for (int i = 0; i < 2 && !acknowledged_manifests_.empty(); ++i) {
      auto it = acknowledged_manifests_.begin();
      std::advance(it, static_cast<long>(random_() % acknowledged_manifests_.size()));
      check_manifest(attempts_.at(*it));
    }
  }

  // The blob `digest`, acknowledged by a push, serves the bytes pushed, over /v2/.
  void check_pushed_blob(const std::string& digest) {
    const auto& [id, step] = acknowledged_blobs_.at(digest);
    const Attempt& attempt = attempts_.at(id);
    const std::string& bytes = *push_request(attempt, step).second;
    auto response =
        request(server_.port(), "GET",
                std::string("/v2/") + kNamespace + "/" + attempt.name + "/blobs/" + digest);
    if (response.status != 200 || response.body != bytes) {
      throw Failure("the pushed " + std::string(to_string(step)) + " blob " + digest + " of " + id +
                    " answered " + std::to_string(response.status) + " with " +
                    std::to_string(response.body.size()) + " bytes, not the " +
                    std::to_string(bytes.size()) + " bytes pushed");
    }
  }

  // The manifest pushed for `attempt` is served byte for byte, by tag and by digest.
  void check_manifest(const Attempt& attempt) {
    const std::string repository = std::string("/v2/") + kNamespace + "/" + attempt.name;
    for (const std::string& reference : {attempt.version, digest_of(attempt.artifact.manifest)}) {
      auto response = request(server_.port(), "GET", repository + "/manifests/" + reference,
                              {{"Accept", "application/vnd.oci.image.manifest.v1+json"}});
      if (response.status != 200 || response.body != attempt.artifact.manifest) {
        throw Failure("the manifest of " + key(attempt) + " by " + reference + " answered " +
                      std::to_string(response.status) + " with " + response.body +
                      ", not the manifest pushed: " + attempt.artifact.manifest);
      }
    }
  }

  // After an OCI push killed in `killed_in` and a restart: the store is consistent, the release
  // exists only if the manifest was sent (and then with the manifest sent), and retrying the
  // whole push succeeds.
  void verify_push(const Attempt& in_flight, PushStep killed_in, ClientPhase phase) {
    auto present = check_store();
    const bool landed = present.contains(key(in_flight));
    if (landed) {
      if (killed_in != PushStep::kManifest) {
        throw Failure(key(in_flight) + " is a release, but its manifest was never sent (the " +
                      "push was killed in its " + to_string(killed_in) + ")");
      }
      check_manifest(in_flight);
      check_blob(in_flight);
      if (phase != ClientPhase::kAnswered) ++unanswered_manifests_landed_;
    } else if (killed_in == PushStep::kManifest && phase == ClientPhase::kAnswered) {
      throw Failure(key(in_flight) + " was answered but is not present");
    }
    if (killed_in != PushStep::kManifest || phase != ClientPhase::kAnswered) {
      // The push did not finish, or the client never heard back: it pushes again, as skopeo
      // would, so that every blob acknowledged is named by a manifest in the end.
      push(in_flight);
      ++push_retries_;
      check_manifest(in_flight);
    }
    check_some_acknowledged();
  }

  void finish() {
    server_.stop();
    auto fsck = run_server_command({"fsck", "--data", data_dir().string()});
    final_fsck_ = fsck.out;
    if (fsck.exit_status != 0) throw Failure("final fsck exited non-zero: " + fsck.out + fsck.err);
    auto gc = run_server_command({"gc", "--data", data_dir().string(), "--grace", "0s"});
    if (gc.exit_status != 0) throw Failure("gc failed: " + gc.out + gc.err);
    final_gc_ = gc.out;
    auto after = run_server_command({"fsck", "--data", data_dir().string()});
    if (after.exit_status != 0 || after.out.find(" 0 orphans") == std::string::npos) {
      throw Failure("fsck after gc is not clean: " + after.out + after.err);
    }
    final_after_gc_ = after.out;
    // gc keeps whatever a stored manifest names: every pushed blob was named by the end (an
    // interrupted push was retried), so every one of them is still served, as every manifest.
    start_server();
    for (const auto& [digest, pushed] : acknowledged_blobs_) check_pushed_blob(digest);
    for (const std::string& id : acknowledged_manifests_) check_manifest(attempts_.at(id));
    server_.stop();
  }

  void report(double seconds) {
    std::cout << "kills: " << options_.kills << ", restarts: " << restarts_ << " (mean start "
              << static_cast<long>(1000 * restart_seconds_ / std::max(1, restarts_))
              << " ms), releases acknowledged: " << acknowledged_.size() << ", wall time "
              << static_cast<long>(seconds) << " s\n";
    std::cout << "where the client stood at the kill:\n";
    for (const auto& [phase, count] : client_phases_) {
      std::cout << "  " << count << "  " << to_string(phase) << "\n";
    }
    std::cout << "where the kill landed in the server (from the data dir after the kill):\n";
    for (const auto& [phase, count] : server_phases_) {
      std::cout << "  " << count << "  " << to_string(phase) << "\n";
    }
    std::cout << "OCI pushes killed in a request, by where the client stood (nothing sent / "
                 "body partly sent / body sent, no answer / answered):\n";
    for (PushStep step : kPushSteps) {
      std::cout << "  " << to_string(step) << ":";
      for (ClientPhase phase : {ClientPhase::kNothingSent, ClientPhase::kBodyPartlySent,
                                ClientPhase::kBodySentNoAnswer, ClientPhase::kAnswered}) {
        std::cout << (phase == ClientPhase::kNothingSent ? " " : " / ")
                  << push_phases_[step][phase];
      }
      std::cout << "\n";
    }
    std::cout << "unanswered manifest PUTs that had landed: " << unanswered_manifests_landed_
              << "; interrupted pushes retried whole: " << push_retries_ << "\n";
    std::cout << "acknowledged over OCI: " << acknowledged_manifests_.size() << " manifests, "
              << acknowledged_blobs_.size()
              << " blobs; every one served byte for byte after gc --grace 0s\n";
    std::cout << "retries of unanswered publishes: " << retries_[201] << " answered 201 (had not "
              << "landed), " << retries_[200] << " answered 200 (had landed)\n";
    std::cout << "most orphan blobs fsck listed after a restart: " << max_orphans_ << "\n";
    std::cout << "final fsck: " << last_line(final_fsck_) << "\n";
    std::cout << "gc --grace 0s: " << last_line(final_gc_) << "\n";
    std::cout << "fsck after gc: " << last_line(final_after_gc_) << std::endl;
  }

  static std::string last_line(const std::string& text) {
    std::string trimmed = text;
    while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
    auto at = trimmed.rfind('\n');
    return at == std::string::npos ? trimmed : trimmed.substr(at + 1);
  }

  Options options_;
  std::mt19937_64 random_;
  TempDir dir_;
  ServerProcess server_;
  std::string token_;
  std::string base_;
  double answer_micros_ = 1000;
  int round_ = -1;
  int serial_ = 0;
  int restarts_ = 0;
  double restart_seconds_ = 0;
  std::size_t max_orphans_ = 0;
  std::map<std::string, Attempt> attempts_;
  std::map<std::string, std::string> acknowledged_;  // releases: name@version -> digest
  // Blobs a push step was answered 201 for: digest -> the attempt (name@version) and the step.
  std::map<std::string, std::pair<std::string, PushStep>> acknowledged_blobs_;
  std::set<std::string> acknowledged_manifests_;  // name@version whose manifest PUT was answered
  std::map<PushStep, std::map<ClientPhase, int>> push_phases_;
  int unanswered_manifests_landed_ = 0;
  int push_retries_ = 0;
  std::map<ClientPhase, int> client_phases_;
  std::map<ServerPhase, int> server_phases_;
  std::map<int, int> retries_;
  std::string final_fsck_, final_gc_, final_after_gc_;
};

int usage(const char* message) {
  std::cerr
      << "wreg_crash_harness: " << message
      << "\nusage: wreg_crash_harness [--kills N] [--seed S] [--max-padding BYTES] [--keep]\n";
  return 2;
}

}  // namespace
}  // namespace wreg::testing

int main(int argc, char** argv) {
  using namespace wreg::testing;
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto number = [&](std::uint64_t& out) {
      if (i + 1 >= argc) return false;
      char* end = nullptr;
      out = std::strtoull(argv[++i], &end, 10);
      return end && *end == '\0';
    };
    std::uint64_t value = 0;
    if (arg == "--kills") {
      if (!number(value) || value == 0) return usage("--kills needs a positive number");
      options.kills = static_cast<int>(value);
    } else if (arg == "--seed") {
      if (!number(value)) return usage("--seed needs a number");
      options.seed = value;
      options.seed_given = true;
    } else if (arg == "--max-padding") {
      if (!number(value)) return usage("--max-padding needs a number of bytes");
      options.max_padding = static_cast<std::size_t>(value);
    } else if (arg == "--keep") {
      options.keep = true;
    } else {
      return usage(("unknown argument " + arg).c_str());
    }
  }
  if (!options.seed_given) {
    const char* from_env = std::getenv("WREG_CRASH_SEED");
    options.seed =
        from_env && *from_env ? std::strtoull(from_env, nullptr, 10) : std::random_device{}();
  }
  return Harness(options).run();
}
