// WIT text both ways round the printer (common/wit/wit_text.h), with the real wreg-server and the
// real wreg: GET /api/v1/packages/{ns}/{name}/{version}/wit (its text, ETag and 304, 404s, 422,
// a mirror), `wreg info --wit` from a wreg registry, an OCI registry and a hostile one,
// `wreg inspect --wit`, and `[wit] deps = "text"` in wreg.toml: wit/deps/<ns>-<name>-<ver>/
// package.wit written, repaired, switched to binary and back, stale folders removed, and what a
// project folder or a lock may hold that must not be written through.
#include "common/wit/wit_text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/text.h"
#include "tests/cli/cli_harness.h"
#include "tests/integration/http_client.h"
#include "tests/support/registry_tampering.h"
#include "tests/unit/client/transport_testing.h"

namespace wreg::cli_test {
namespace {

namespace fs = std::filesystem;

// A WIT package fixture and the release the shared registry holds it as.
struct FixturePackage {
  std::string file;  // "packages/wasi-io@0.2.8.wasm"
  std::string ns;
  std::string name;
  std::string version;
  std::string release() const { return ns + ":" + name + "@" + version; }
  std::string wit_path() const {
    return "/api/v1/packages/" + ns + "/" + name + "/" + version + "/wit";
  }
};

// Every WIT package of tests/fixtures/packages, read from its file name
// (`wasi-http@0.2.0.upstream.wasm` is wasi:http@0.2.0).
std::vector<FixturePackage> fixture_packages() {
  std::vector<FixturePackage> packages;
  for (const auto& entry : fs::directory_iterator(fixtures() / "packages")) {
    std::string stem = entry.path().filename().string();
    if (!stem.ends_with(".wasm")) continue;
    stem.resize(stem.size() - 5);
    if (stem.ends_with(".upstream")) stem.resize(stem.size() - 9);
    const auto at = stem.find('@');
    const auto dash = stem.find('-');
    packages.push_back({"packages/" + entry.path().filename().string(), stem.substr(0, dash),
                        stem.substr(dash + 1, at - dash - 1), stem.substr(at + 1)});
  }
  return packages;
}

// What the real decoder printed for a fixture (its `.wit.txt`).
std::string decoder_text(const std::string& file) {
  return read_bytes(fixtures() / (file + ".wit.txt"));
}

// The `package.wit` file [wit] deps = "text" writes for a fixture package: that file of its
// wit_text(), checked against the decoder's text for it (the part of `.wit.txt` under
// `// ---- package.wit`, up to the next file).
std::string package_wit(const std::string& file) {
  const std::string bytes = read_bytes(fixtures() / file);
  auto text =
      wit::wit_text(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  EXPECT_TRUE(text) << file << ": " << text.error().message;
  if (!text || text->files.empty()) return "";
  EXPECT_EQ(text->files[0].path, "package.wit");
  const std::string listing = decoder_text(file);
  const std::string header = "// ---- package.wit\n";
  EXPECT_TRUE(listing.starts_with(header)) << file;
  std::string section = listing.substr(header.size(), listing.find("\n// ---- ") - header.size());
  auto trimmed = [](std::string lines) {
    while (!lines.empty() && lines.back() == '\n') lines.pop_back();
    return lines;
  };
  EXPECT_EQ(trimmed(text->files[0].text), trimmed(section)) << file;
  return text->files[0].text;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// wasi:io@0.2.8 with package docs (a `package-docs` section, version 1 and wit-parser's JSON) that
// hold terminal controls, a bidi override and a line that would forge wreg's own output.
std::string wasi_io_with_hostile_docs() {
  return testing::with_custom_section(read_bytes(fixtures() / "packages/wasi-io@0.2.8.wasm"),
                                      "\x01{\"docs\":\"ok\\u001b[2J\\u001b]0;"
                                      "TITLE\\u0007\\rover\\u202e\\npublished evil:ok@9.9.9\"}",
                                      "package-docs");
}

// How those docs are shown on a terminal: every control escaped, the printer's own line breaks
// kept (the docs' line break is a second `///` line, so nothing forges a line of wreg's).
const std::string kHostileDocsShown =
    "/// ok\\x1b[2J\\x1b]0;TITLE\\x07\\x0dover\\u{202E}\n/// published evil:ok@9.9.9\n"
    "package wasi:io@0.2.8;\n";

Registry& shared() {
  Registry* registry = shared_registry();
  if (registry == nullptr) throw std::runtime_error(shared_registry_error());
  return *registry;
}

// ---- GET /api/v1/packages/{ns}/{name}/{version}/wit ------------------------------------------

TEST(WitRouteTest, EachFixturePackageIsWhatTheDecoderPrintedAndRevalidates) {
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  const auto packages = fixture_packages();
  ASSERT_GE(packages.size(), 15u);
  for (const auto& package : packages) {
    auto answer = testing::request(shared().port(), "GET", package.wit_path());
    ASSERT_EQ(answer.status, 200) << package.release() << ": " << answer.body;
    EXPECT_EQ(answer.body, decoder_text(package.file)) << package.release();
    EXPECT_EQ(answer.header("content-type"), "text/plain; charset=utf-8");
    EXPECT_EQ(answer.header("cache-control"), "no-cache");
    const std::string etag = answer.header("etag");
    ASSERT_FALSE(etag.empty()) << package.release();

    auto again =
        testing::request(shared().port(), "GET", package.wit_path(), {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304) << package.release();
    EXPECT_EQ(again.body, "");
    EXPECT_EQ(again.header("etag"), etag);
  }
}

TEST(WitRouteTest, AMissingPackageOrVersionIsA404WithOneLineOfJson) {
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  for (const char* target :
       {"/api/v1/packages/wasi/nope/0.2.8/wit", "/api/v1/packages/wasi/io/9.9.9/wit"}) {
    auto answer = testing::request(shared().port(), "GET", target);
    EXPECT_EQ(answer.status, 404) << target;
    EXPECT_EQ(answer.header("content-type"), "application/json") << target;
    auto body = nlohmann::json::parse(answer.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << answer.body;
    EXPECT_EQ(body["error"]["code"], "not_found") << answer.body;
    EXPECT_EQ(body["error"]["message"].get<std::string>().find('\n'), std::string::npos);
  }
  auto traversal = testing::request(shared().port(), "GET", "/api/v1/packages/wasi/io/%2e%2e/wit");
  EXPECT_EQ(traversal.status, 400) << traversal.body;
}

TEST(WitRouteTest, AComponentIsTheWorldItImportsAndExports) {
  ASSERT_TRUE(shared().ensure_namespace("wit-component")) << shared().error();
  auto published =
      shared().setup_once({"publish", (fixtures() / "components/http-proxy.wasm").string(),
                           "--package", "wit-component:proxy@1.0.0"});
  ASSERT_EQ(published.exit_status, 0) << describe(published);
  auto answer =
      testing::request(shared().port(), "GET", "/api/v1/packages/wit-component/proxy/1.0.0/wit");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.body, decoder_text("components/http-proxy.wasm"));

  User user(shared().url());
  auto info = user.wreg({"info", "wit-component:proxy", "--wit"}, user.home());
  ASSERT_EQ(info.exit_status, 0) << describe(info);
  EXPECT_EQ(info.out, decoder_text("components/http-proxy.wasm"));
}

TEST(WitRouteTest, AMirrorAnswersTheTextOfWhatItHolds) {
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  Registry mirror({"--upstream", "wasi=" + shared().url()});
  ASSERT_TRUE(mirror.start()) << mirror.error();
  auto answer = testing::request(mirror.port(), "GET", "/api/v1/packages/wasi/clocks/0.2.8/wit");
  ASSERT_EQ(answer.status, 200) << answer.body << mirror.log();
  EXPECT_EQ(answer.body, decoder_text("packages/wasi-clocks@0.2.8.wasm"));
  EXPECT_NE(mirror.log().find("mirror: imported wasi:clocks@0.2.8 sha256:"), std::string::npos)
      << mirror.log();
  auto missing = testing::request(mirror.port(), "GET", "/api/v1/packages/wasi/nope/1.0.0/wit");
  EXPECT_EQ(missing.status, 404) << missing.body;
}

// A release whose bytes cannot be printed (here: damaged on disk behind the server's back; a
// release imported from elsewhere could be one): 422 and its one line, which `wreg info` shows.
TEST(WitRouteTest, ABinaryThatCannotBePrintedIs422AndInfoSaysSoInOneLine) {
  Registry registry;
  ASSERT_TRUE(registry.start() && registry.ensure_namespace("wasi")) << registry.error();
  User user(registry.url());
  const std::string file = "packages/wasi-io@0.2.8.wasm";
  auto published =
      user.wreg({"publish", (fixtures() / file).string()}, user.home(), registry.token());
  ASSERT_EQ(published.exit_status, 0) << describe(published);
  const fs::path blob =
      testing::blob_file(registry.data_dir(), Digest::of(read_bytes(fixtures() / file)));
  fs::permissions(blob, fs::perms::owner_write, fs::perm_options::add);
  write_bytes(blob, "not wasm");

  auto answer = testing::request(registry.port(), "GET", "/api/v1/packages/wasi/io/0.2.8/wit");
  ASSERT_EQ(answer.status, 422) << answer.body;
  auto body = nlohmann::json::parse(answer.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << answer.body;
  EXPECT_EQ(body["error"]["code"], "unprintable");
  const std::string message = body["error"]["message"];
  EXPECT_TRUE(message.starts_with("wasi:io@0.2.8 cannot be shown as WIT: ")) << message;

  auto info = user.wreg({"info", "wasi:io@0.2.8", "--wit"}, user.home());
  EXPECT_EQ(info.exit_status, 1) << describe(info);
  EXPECT_EQ(info.out, "");
  EXPECT_EQ(info.err, "error: " + escaped(message) + "\n");
}

TEST(WitRouteTest, DocsAreServedAsTheBinaryHoldsThemAndShownEscaped) {
  Registry registry;
  ASSERT_TRUE(registry.start() && registry.ensure_namespace("wasi")) << registry.error();
  User user(registry.url());
  const fs::path file = user.home() / "evil.wasm";
  write_bytes(file, wasi_io_with_hostile_docs());
  auto published = user.wreg({"publish", file.string()}, user.home(), registry.token());
  ASSERT_EQ(published.exit_status, 0) << describe(published);

  auto answer = testing::request(registry.port(), "GET", "/api/v1/packages/wasi/io/0.2.8/wit");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_NE(answer.body.find("/// ok\x1b[2J\x1b]0;TITLE\x07\rover\xe2\x80\xae\n"),
            std::string::npos)
      << answer.body;

  auto info = user.wreg({"info", "wasi:io@0.2.8", "--wit"}, user.home());
  ASSERT_EQ(info.exit_status, 0) << describe(info);
  EXPECT_EQ(info.out, "// ---- package.wit\n" + kHostileDocsShown +
                          answer.body.substr(answer.body.find("package wasi:io@0.2.8;\n") +
                                             std::string("package wasi:io@0.2.8;\n").size()));
}

// ---- wreg info --wit --------------------------------------------------------------------------

TEST(WitInfoTest, PrintsTheReleaseInfoWouldShow) {
  ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
  User user(shared().url());
  struct Case {
    const char* ref;
    const char* file;
  };
  for (auto [ref, file] : std::initializer_list<Case>{
           {"wasi:clocks@0.2.8", "packages/wasi-clocks@0.2.8.wasm"},
           {"wasi:io", "packages/wasi-io@0.2.8.wasm"},  // the newest that is no pre-release
           {"wasi:io@0.2.0", "packages/wasi-io@0.2.0.wasm"},
           {"wasi:io@^0.2.1", "packages/wasi-io@0.2.8.wasm"},
           {"wasi:io@0.3.0-rc.1", "packages/wasi-io@0.3.0-rc.1.wasm"},
           {"wasi:http@0.2.0", "packages/wasi-http@0.2.0.upstream.wasm"},
       }) {
    auto info = user.wreg({"info", ref, "--wit"}, user.home());
    ASSERT_EQ(info.exit_status, 0) << ref << "\n" << describe(info);
    EXPECT_EQ(info.out, decoder_text(file)) << ref;
    EXPECT_EQ(info.err, "") << ref;
  }

  auto unknown = user.wreg({"info", "wasi:nope", "--wit"}, user.home());
  EXPECT_EQ(unknown.exit_status, 1) << describe(unknown);
  EXPECT_EQ(unknown.out, "");
  auto no_match = user.wreg({"info", "wasi:io@9", "--wit"}, user.home());
  EXPECT_EQ(no_match.exit_status, 1) << describe(no_match);
  EXPECT_TRUE(no_match.err.starts_with("error: no version of wasi:io matches ^9")) << no_match.err;
  auto both = user.wreg({"info", "wasi:io", "--wit", "--json"}, user.home());
  EXPECT_EQ(both.exit_status, 2) << describe(both);
  EXPECT_EQ(both.out, "");
}

// From an OCI registry (here wreg-server's own /v2/) there is no /wit: the release's bytes are
// fetched, verified and printed locally.
TEST(WitInfoTest, FromAnOciRegistryTheReleaseIsPrintedLocally) {
  Registry registry;
  ASSERT_TRUE(registry.start() && registry.ensure_namespace("wasi")) << registry.error();
  User publisher(registry.url());
  for (const char* file : {"packages/wasi-clocks@0.2.8.wasm", "packages/wasi-io@0.2.8.wasm"}) {
    auto published = publisher.wreg({"publish", (fixtures() / file).string()}, publisher.home(),
                                    registry.token());
    ASSERT_EQ(published.exit_status, 0) << describe(published);
  }
  User user("oci+http://127.0.0.1:" + std::to_string(registry.port()));
  auto info = user.wreg({"info", "wasi:clocks", "--wit"}, user.home());
  ASSERT_EQ(info.exit_status, 0) << describe(info) << registry.log();
  EXPECT_EQ(info.out, decoder_text("packages/wasi-clocks@0.2.8.wasm"));
  EXPECT_NE(registry.log().find("GET /v2/wasi/clocks/"), std::string::npos) << registry.log();
  EXPECT_EQ(registry.log().find("/wit "), std::string::npos) << registry.log();
}

// A registry that answers GET .../wit itself: whatever its text holds is shown escaped, its line
// breaks kept and nothing else a terminal would act on; an answer that is not text is refused.
class HostileWitRegistry {
 public:
  HostileWitRegistry(std::string content_type, std::string text)
      : peer_([this](client::testing::PeerConnection& connection) { serve(connection); }),
        content_type_(std::move(content_type)),
        text_(std::move(text)) {}

  std::string url() const { return peer_.url(); }

 private:
  void serve(client::testing::PeerConnection& connection) {
    for (std::size_t count = 1; connection.read_requests(count); ++count) {
      const std::string& received = connection.received();
      const std::string request = received.substr(received.rfind("GET "));
      if (request.starts_with("GET /api/v1/packages/evil/wit/1.0.0/wit ")) {
        connection.write("HTTP/1.1 200 OK\r\nContent-Type: " + content_type_ +
                         "\r\nContent-Length: " + std::to_string(text_.size()) + "\r\n\r\n" +
                         text_);
      } else if (request.starts_with("GET /api/v1/packages/evil/wit ")) {
        connection.write(client::testing::http_answer(
            200, R"({"name":"evil:wit","description":"","versions":[{"version":"1.0.0","digest":)"
                 R"("sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525",)"
                 R"("size":1279,"kind":"wit","yanked":false,"published":"2026-11-26T01:02:03Z",)"
                 R"("dependencies":[]}]})"));
      } else {
        connection.write(client::testing::http_answer(404, R"({"error":{"code":"not_found",)"
                                                           R"("message":"no such thing"}})"));
      }
    }
  }

  client::testing::LocalPeer peer_;
  std::string content_type_;
  std::string text_;
};

TEST(WitInfoTest, AHostileRegistrysTextIsShownEscapedWithItsLineBreaks) {
  const std::string text =
      "package evil:wit@1.0.0;\n\x1b[2J\x1b]0;TITLE\x07\rinterface x {}\xe2\x80\xae\n"
      "published evil:ok@9.9.9\xc2\x9b\x33\x31m\n";
  HostileWitRegistry registry("text/plain; charset=utf-8", text);
  User user(registry.url());
  auto info = user.wreg({"info", "evil:wit", "--wit"}, user.home());
  ASSERT_EQ(info.exit_status, 0) << describe(info);
  EXPECT_EQ(info.out,
            "package evil:wit@1.0.0;\n\\x1b[2J\\x1b]0;TITLE\\x07\\x0dinterface x {}\\u{202E}\n"
            "published evil:ok@9.9.9\\u{9B}31m\n");
}

TEST(WitInfoTest, AnAnswerThatIsNotTextIsRefused) {
  HostileWitRegistry registry("application/json", "{}");
  User user(registry.url());
  auto info = user.wreg({"info", "evil:wit", "--wit"}, user.home());
  EXPECT_EQ(info.exit_status, 1) << describe(info);
  EXPECT_EQ(info.out, "");
  EXPECT_EQ(info.err, "error: registry " + registry.url() +
                          " sent the WIT of evil:wit@1.0.0 as \"application/json\", not "
                          "text/plain\n");
}

// ---- wreg inspect --wit -----------------------------------------------------------------------

TEST(InspectWitTest, EachFixtureIsWhatTheDecoderPrinted) {
  User user("http://127.0.0.1:1");  // no registry is asked
  std::size_t checked = 0;
  for (const char* folder : {"packages", "components"}) {
    for (const auto& entry : fs::directory_iterator(fixtures() / folder)) {
      if (entry.path().extension() != ".wasm") continue;
      auto inspected = user.wreg({"inspect", entry.path().string(), "--wit"}, user.home());
      ASSERT_EQ(inspected.exit_status, 0) << entry.path() << "\n" << describe(inspected);
      EXPECT_EQ(inspected.out, read_bytes(entry.path().string() + ".wit.txt")) << entry.path();
      ++checked;
    }
  }
  EXPECT_GE(checked, 20u);
}

TEST(InspectWitTest, DocsWithTerminalControlsAreShownEscaped) {
  User user("http://127.0.0.1:1");
  const fs::path file = user.home() / "evil.wasm";
  write_bytes(file, wasi_io_with_hostile_docs());
  auto inspected = user.wreg({"inspect", file.string(), "--wit"}, user.home());
  ASSERT_EQ(inspected.exit_status, 0) << describe(inspected);
  EXPECT_TRUE(inspected.out.starts_with("// ---- package.wit\n" + kHostileDocsShown))
      << inspected.out;
  EXPECT_EQ(inspected.out.find('\x1b'), std::string::npos);
}

TEST(InspectWitTest, WhatIsNoComponentIsOneLineAndNoText) {
  User user("http://127.0.0.1:1");
  for (const char* file :
       {"core/plain.core.wasm", "bad/truncated.wasm", "bad/not-wasm.wasm", "bad/empty.wasm"}) {
    const std::string path = (fixtures() / file).string();
    auto inspected = user.wreg({"inspect", path, "--wit"}, user.home());
    EXPECT_EQ(inspected.exit_status, 1) << file << "\n" << describe(inspected);
    EXPECT_EQ(inspected.out, "") << file;
    EXPECT_TRUE(inspected.err.starts_with("error: " + path + ": ")) << inspected.err;
    EXPECT_EQ(inspected.err.find('\n'), inspected.err.size() - 1) << inspected.err;
  }
  auto missing = user.wreg({"inspect", "/nonexistent/x.wasm", "--wit"}, user.home());
  EXPECT_EQ(missing.exit_status, 1) << describe(missing);
  auto both = user.wreg(
      {"inspect", (fixtures() / "packages/wasi-io@0.2.8.wasm").string(), "--wit", "--json"},
      user.home());
  EXPECT_EQ(both.exit_status, 2) << describe(both);
}

// ---- [wit] deps = "text" ----------------------------------------------------------------------

class TextDepsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(publish_shared_fixtures()) << shared_registry_error();
    user_ = std::make_unique<User>(shared().url());
    project_ = dir_.path() / "project";
    fs::create_directories(project_);
  }

  static constexpr const char* kTextDeps = "[wit]\ndeps = \"text\"\n";

  CommandResult wreg(const std::vector<std::string>& args) { return user_->wreg(args, project_); }
  // wreg.toml asking for text, then `wreg add wasi:clocks@0.2.8` (which locks wasi:io too).
  void add_clocks_as_text() {
    write_bytes(project_ / "wreg.toml", kTextDeps);
    auto added = wreg({"add", "wasi:clocks@0.2.8"});
    ASSERT_EQ(added.exit_status, 0) << describe(added);
  }
  void set_form(const std::string& form) {
    std::string text = read_bytes(project_ / "wreg.toml");
    const auto at = text.find("deps = ");
    ASSERT_NE(at, std::string::npos) << text;
    const auto end = text.find('\n', at);
    write_bytes(project_ / "wreg.toml", text.replace(at, end - at, "deps = \"" + form + "\""));
  }
  fs::path deps(const std::string& entry = "") const { return project_ / "wit" / "deps" / entry; }
  std::set<std::string> folder_files(const std::string& folder) const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(deps(folder))) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }

  TempDir dir_;
  fs::path project_;
  std::unique_ptr<User> user_;
};

TEST_F(TextDepsTest, EachLockedPackageIsItsOwnPackageWit) {
  write_bytes(project_ / "wreg.toml", kTextDeps);
  auto added = wreg({"add", "wasi:clocks@0.2.8"});
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  EXPECT_EQ(added.out,
            "wreg.toml: \"wasi:clocks\" = \"^0.2.8\"\nadded wasi:clocks 0.2.8\nadded wasi:io "
            "0.2.8\n");
  EXPECT_EQ(deps_files(project_), (std::set<std::string>{"wasi-clocks-0.2.8", "wasi-io-0.2.8"}));
  // Only the package's own file: its dependency is locked, and written, as a package of its own.
  EXPECT_EQ(folder_files("wasi-clocks-0.2.8"), (std::set<std::string>{"package.wit"}));
  EXPECT_EQ(read_bytes(deps("wasi-clocks-0.2.8/package.wit")),
            package_wit("packages/wasi-clocks@0.2.8.wasm"));
  EXPECT_EQ(read_bytes(deps("wasi-io-0.2.8/package.wit")),
            package_wit("packages/wasi-io@0.2.8.wasm"));
  EXPECT_EQ(first_line(read_bytes(deps("wasi-clocks-0.2.8/package.wit"))),
            "package wasi:clocks@0.2.8;");

  // Nothing to do a second time.
  auto again = wreg({"fetch"});
  ASSERT_EQ(again.exit_status, 0) << describe(again);
  EXPECT_EQ(again.out, "wreg.lock is up to date (2 packages)\n");
}

TEST_F(TextDepsTest, AHandEditIsRepairedAndTheUsersFilesStay) {
  ASSERT_NO_FATAL_FAILURE(add_clocks_as_text());
  write_bytes(deps("wasi-io-0.2.8/package.wit"), "package wasi:io@0.2.8;\n// edited\n");
  write_bytes(deps("notes.txt"), "mine");
  write_bytes(deps("wasi-clocks-0.2.8/extra.wit"), "mine too");

  auto fetched = wreg({"fetch"});
  ASSERT_EQ(fetched.exit_status, 0) << describe(fetched);
  EXPECT_EQ(fetched.out,
            "wit/deps/wasi-io-0.2.8/package.wit did not match what wasi:io 0.2.8 in wreg.lock "
            "prints; replaced it\n");
  EXPECT_EQ(read_bytes(deps("wasi-io-0.2.8/package.wit")),
            package_wit("packages/wasi-io@0.2.8.wasm"));
  EXPECT_EQ(read_bytes(deps("notes.txt")), "mine");
  EXPECT_EQ(read_bytes(deps("wasi-clocks-0.2.8/extra.wit")), "mine too");

  // A deleted one is written again, silently (nothing was replaced).
  fs::remove_all(deps("wasi-io-0.2.8"));
  auto restored = wreg({"fetch", "--offline"});
  ASSERT_EQ(restored.exit_status, 0) << describe(restored);
  EXPECT_EQ(restored.out, "wreg.lock is up to date (2 packages)\n");
  EXPECT_EQ(read_bytes(deps("wasi-io-0.2.8/package.wit")),
            package_wit("packages/wasi-io@0.2.8.wasm"));
}

TEST_F(TextDepsTest, SwitchingTheSettingLeavesOnlyTheChosenForm) {
  ASSERT_NO_FATAL_FAILURE(add_clocks_as_text());
  write_bytes(deps("notes.txt"), "mine");
  write_bytes(deps("wasi-clocks-0.2.8/extra.wit"), "mine too");

  ASSERT_NO_FATAL_FAILURE(set_form("binary"));
  auto binary = wreg({"fetch"});
  ASSERT_EQ(binary.exit_status, 0) << describe(binary);
  // The folder wreg wrote is gone; the one with the user's file in it keeps that file only.
  EXPECT_EQ(deps_files(project_),
            (std::set<std::string>{"notes.txt", "wasi-clocks-0.2.8", "wasi-clocks-0.2.8.wasm",
                                   "wasi-io-0.2.8.wasm"}));
  EXPECT_EQ(folder_files("wasi-clocks-0.2.8"), (std::set<std::string>{"extra.wit"}));
  EXPECT_EQ(read_bytes(deps("wasi-io-0.2.8.wasm")),
            read_bytes(fixtures() / "packages/wasi-io@0.2.8.wasm"));

  ASSERT_NO_FATAL_FAILURE(set_form("text"));
  auto text = wreg({"fetch"});
  ASSERT_EQ(text.exit_status, 0) << describe(text);
  EXPECT_EQ(deps_files(project_),
            (std::set<std::string>{"notes.txt", "wasi-clocks-0.2.8", "wasi-io-0.2.8"}));
  EXPECT_EQ(folder_files("wasi-clocks-0.2.8"), (std::set<std::string>{"extra.wit", "package.wit"}));
  EXPECT_EQ(read_bytes(deps("wasi-io-0.2.8/package.wit")),
            package_wit("packages/wasi-io@0.2.8.wasm"));
}

TEST_F(TextDepsTest, FoldersOfPackagesNoLongerLockedAreRemoved) {
  write_bytes(project_ / "wreg.toml", kTextDeps);
  ASSERT_EQ(wreg({"add", "wasi:io@=0.2.0"}).exit_status, 0);
  EXPECT_EQ(deps_files(project_), (std::set<std::string>{"wasi-io-0.2.0"}));
  auto moved = wreg({"add", "wasi:io@=0.2.8"});
  ASSERT_EQ(moved.exit_status, 0) << describe(moved);
  EXPECT_EQ(deps_files(project_), (std::set<std::string>{"wasi-io-0.2.8"}));

  // What a run killed after writing wreg.lock leaves: wreg's own name for the locked package at
  // another version, as a folder of package.wit (removed) and with the user's file in it (only
  // package.wit removed); and a link there, which wreg never makes (left alone).
  write_bytes(deps("wasi-io-0.1.0/package.wit"), "package wasi:io@0.1.0;\n");
  write_bytes(deps("wasi-io-0.1.1/package.wit"), "package wasi:io@0.1.1;\n");
  write_bytes(deps("wasi-io-0.1.1/mine.txt"), "mine");
  const fs::path outside = dir_.path() / "outside";
  write_bytes(outside / "package.wit", "outside");
  fs::create_directory_symlink(outside, deps("wasi-io-0.1.2"));
  auto fetched = wreg({"fetch"});
  ASSERT_EQ(fetched.exit_status, 0) << describe(fetched);
  EXPECT_EQ(deps_files(project_),
            (std::set<std::string>{"wasi-io-0.1.1", "wasi-io-0.1.2", "wasi-io-0.2.8"}));
  EXPECT_EQ(folder_files("wasi-io-0.1.1"), (std::set<std::string>{"mine.txt"}));
  EXPECT_EQ(read_bytes(outside / "package.wit"), "outside");

  auto removed = wreg({"remove", "wasi:io"});
  ASSERT_EQ(removed.exit_status, 0) << describe(removed);
  EXPECT_EQ(deps_files(project_), (std::set<std::string>{"wasi-io-0.1.1", "wasi-io-0.1.2"}));
}

TEST_F(TextDepsTest, ALinkOrAFileWhereAFolderGoesIsReplacedNeverWrittenThrough) {
  ASSERT_NO_FATAL_FAILURE(add_clocks_as_text());
  const fs::path outside = dir_.path() / "outside";
  write_bytes(outside / "package.wit", "outside");
  fs::remove_all(deps("wasi-io-0.2.8"));
  fs::create_directory_symlink(outside, deps("wasi-io-0.2.8"));
  fs::remove_all(deps("wasi-clocks-0.2.8"));
  write_bytes(deps("wasi-clocks-0.2.8"), "a file");

  auto fetched = wreg({"fetch"});
  ASSERT_EQ(fetched.exit_status, 0) << describe(fetched);
  EXPECT_EQ(fetched.out,
            "wit/deps/wasi-clocks-0.2.8 was not a folder of package.wit; replaced it with one\n"
            "wit/deps/wasi-io-0.2.8 was not a folder of package.wit; replaced it with one\n");
  EXPECT_EQ(read_bytes(outside / "package.wit"), "outside");
  EXPECT_FALSE(fs::is_symlink(deps("wasi-io-0.2.8")));
  EXPECT_EQ(read_bytes(deps("wasi-io-0.2.8/package.wit")),
            package_wit("packages/wasi-io@0.2.8.wasm"));
  EXPECT_EQ(read_bytes(deps("wasi-clocks-0.2.8/package.wit")),
            package_wit("packages/wasi-clocks@0.2.8.wasm"));
}

TEST_F(TextDepsTest, AComponentStaysABinary) {
  ASSERT_TRUE(shared().ensure_namespace("wit-component")) << shared().error();
  auto published =
      shared().setup_once({"publish", (fixtures() / "components/http-proxy.wasm").string(),
                           "--package", "wit-component:proxy@1.0.0"});
  ASSERT_EQ(published.exit_status, 0) << describe(published);
  write_bytes(project_ / "wreg.toml", kTextDeps);
  auto added = wreg({"add", "wit-component:proxy@1.0.0", "wasi:io@0.2.8"});
  ASSERT_EQ(added.exit_status, 0) << describe(added);
  EXPECT_EQ(deps_files(project_),
            (std::set<std::string>{"wit-component-proxy-1.0.0.wasm", "wasi-io-0.2.8"}));
  EXPECT_EQ(read_bytes(deps("wit-component-proxy-1.0.0.wasm")),
            read_bytes(fixtures() / "components/http-proxy.wasm"));
}

TEST_F(TextDepsTest, AnyOtherSettingIsOneLineAndChangesNothing) {
  struct Case {
    const char* manifest;
    const char* command;
    const char* error;
  };
  for (auto [manifest, command, error] : std::initializer_list<Case>{
           {"[wit]\ndeps = 7\n", "add",
            "error: wreg.toml: [wit] deps must be \"binary\" or \"text\", not 7\n"},
           {"[wit]\ndeps = \"both\"\n", "fetch",
            "error: wreg.toml: [wit] deps must be \"binary\" or \"text\", not \"both\"\n"},
           {"[wit]\ndeps = \"text\\u001b[2J\"\n", "update",
            "error: wreg.toml: [wit] deps must be \"binary\" or \"text\", not "
            "\"text\\x1b[2J\"\n"},
           {"wit = \"text\"\n", "add", "error: wreg.toml: [wit] must be a table\n"},
       }) {
    TempDir project;
    write_bytes(project.path() / "wreg.toml", manifest);
    std::vector<std::string> args{command};
    if (std::string(command) == "add") args.push_back("wasi:io@0.2.8");
    auto run = user_->wreg(args, project.path());
    EXPECT_EQ(run.exit_status, 1) << manifest << describe(run);
    EXPECT_EQ(run.err, error) << manifest;
    EXPECT_EQ(read_bytes(project.path() / "wreg.toml"), manifest);
    EXPECT_FALSE(fs::exists(project.path() / "wreg.lock")) << manifest;
    EXPECT_FALSE(fs::exists(project.path() / "wit")) << manifest;
  }
}

// Folder names come from the lock (and so from registries): a name or version that would leave
// wit/deps/ does not get past the lock's reader, and nothing is written anywhere.
TEST_F(TextDepsTest, ALockNamingAPathOutsideWitDepsWritesNothing) {
  for (const char* name_and_version : {"name = \"wasi:io\"\nversion = \"0.2.8/../../../escaped\"",
                                       "name = \"wasi:../../escaped\"\nversion = \"0.2.8\"",
                                       "name = \"../escaped:io\"\nversion = \"0.2.8\"",
                                       "name = \"wasi:io\"\nversion = \"0.2.8-../../escaped\""}) {
    TempDir project;
    write_bytes(project.path() / "wreg.toml",
                "[wit]\ndeps = \"text\"\n[dependencies]\n\"wasi:io\" = \"^0.2.8\"\n");
    write_bytes(project.path() / "wreg.lock",
                "version = 1\n\n[[package]]\n" + std::string(name_and_version) + "\nregistry = \"" +
                    shared().url() +
                    "\"\ndigest = "
                    "\"sha256:e085d1459bfb2d1f3209b08cef444d379588fea65736e1bf22c49e991fc21525\"\n"
                    "requirements = [\"^0.2.8\"]\n");
    auto fetched = user_->wreg({"fetch"}, project.path());
    EXPECT_EQ(fetched.exit_status, 1) << name_and_version << describe(fetched);
    EXPECT_TRUE(fetched.err.starts_with("error: wreg.lock")) << fetched.err;
    EXPECT_FALSE(fs::exists(project.path() / "wit")) << name_and_version;
    EXPECT_FALSE(fs::exists(project.path().parent_path() / "escaped")) << name_and_version;
    EXPECT_FALSE(fs::exists(project.path() / "escaped")) << name_and_version;
  }
}

}  // namespace
}  // namespace wreg::cli_test
