// `wreg inspect`: the report renderers on real fixtures, and the real binary's exit statuses
// and one-line errors.
#include "client/commands/inspect.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace wreg::client {
namespace {

const std::string kFixtures = WREG_TEST_FIXTURES;

Inspection inspect_fixture(const std::string& file) {
  auto inspection = inspect_file(kFixtures + "/" + file);
  EXPECT_TRUE(inspection.has_value()) << inspection.error().message;
  return inspection.has_value() ? *inspection : Inspection{};
}

TEST(InspectTest, JsonShapeOfAWitPackage) {
  Inspection inspection = inspect_fixture("packages/wasi-clocks@0.2.8.wasm");
  inspection.file = "wasi-clocks@0.2.8.wasm";
  EXPECT_EQ(render_inspection_json(inspection), R"({
  "file": "wasi-clocks@0.2.8.wasm",
  "size": 590,
  "digest": "sha256:051b8e2c5a0d99578c5a5c113892f876c294a937c873f7661e086572c667af6d",
  "kind": "wit-package",
  "package": "wasi:clocks@0.2.8",
  "worlds": [
    "imports"
  ],
  "interfaces": [
    "monotonic-clock",
    "wall-clock"
  ],
  "dependencies": [
    "wasi:io@0.2.8"
  ],
  "imports": [],
  "exports": [],
  "packages": [],
  "producers": {
    "processed-by": [
      {
        "name": "wit-component",
        "version": "0.259.0"
      }
    ]
  },
  "name": null,
  "package_docs": false,
  "metadata": {
    "authors": null,
    "description": null,
    "licenses": null,
    "source": null,
    "homepage": null,
    "revision": null,
    "version": null
  }
}
)");
}

TEST(InspectTest, JsonOfAComponentListsImportsAndExportsWithKinds) {
  auto json = nlohmann::json::parse(
      render_inspection_json(inspect_fixture("components/stream-filter.wasm")));
  EXPECT_EQ(json["kind"], "component");
  EXPECT_TRUE(json["package"].is_null());
  ASSERT_EQ(json["imports"].size(), 3u);
  EXPECT_EQ(
      json["imports"][0],
      (nlohmann::json{{"name", "wasi:io/error@0.2.8"}, {"kind", "instance"}, {"type", nullptr}}));
  EXPECT_EQ(json["exports"][0]["name"], "toolsku:stream-tools/filter@0.1.0");
  EXPECT_EQ(json["packages"], (nlohmann::json{"toolsku:stream-tools@0.1.0", "wasi:io@0.2.8"}));
}

TEST(InspectTest, TextReportOfAComponent) {
  Inspection inspection = inspect_fixture("components/analytics-engine-producers.wasm");
  inspection.file = "analytics-engine-producers.wasm";
  EXPECT_EQ(render_inspection_text(inspection),
            "file:         analytics-engine-producers.wasm\n"
            "kind:         component\n"
            "size:         2229 bytes\n"
            "digest:       "
            "sha256:7c02e381f4e1b5d651bec6ad282dc830e12b844eaab5f830598255d268f16b67\n"
            "imports:      (none)\n"
            "exports:\n"
            "  instance toolsku:analytics/data-processor@0.1.0\n"
            "packages:     toolsku:analytics@0.1.0\n"
            "producers:\n"
            "  language: Rust\n"
            "  processed-by: wit-component 0.259.0\n"
            "  processed-by: wreg-fixtures 1.0.0\n"
            "  sdk: cargo-component 0.21.1\n");
}

TEST(InspectTest, TextReportOfACoreModuleSaysHowToMakeAComponent) {
  std::string text = render_inspection_text(inspect_fixture("core/counter.core.wasm"));
  EXPECT_NE(text.find("kind:         core-module\n"), std::string::npos) << text;
  EXPECT_NE(text.find("wasm-tools component new"), std::string::npos) << text;
}

TEST(InspectTest, ControlCharactersInNamesAreEscapedInText) {
  Inspection inspection;
  inspection.info.kind = wasm::BinaryKind::kComponent;
  inspection.info.imports.push_back({"evil\x1b[2Jname", wasm::ExternKind::kFunc, {}});
  inspection.info.imports.push_back({"log", wasm::ExternKind::kFunc, "func(msg: string)"});
  std::string text = render_inspection_text(inspection);
  EXPECT_NE(text.find("  func evil\\x1b[2Jname\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  func log: func(msg: string)\n"), std::string::npos) << text;
}

struct WregRun {
  int status = -1;
  std::string out;
};

// Runs the real `wreg` with `arguments`, stdout and stderr together.
WregRun run_wreg(const std::string& arguments) {
  WregRun run;
  std::string command = std::string(WREG_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), read);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(InspectCliTest, ValidFileExitsZero) {
  WregRun run = run_wreg("inspect --json " + kFixtures + "/packages/wasi-io@0.2.8.wasm");
  EXPECT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(nlohmann::json::parse(run.out)["package"], "wasi:io@0.2.8");
}

TEST(InspectCliTest, InvalidFileExitsOneWithAOneLineError) {
  WregRun run = run_wreg("inspect " + kFixtures + "/bad/section-overrun.wasm");
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "error: " + kFixtures +
                         "/bad/section-overrun.wasm: invalid component: type section claims "
                         "33554431 bytes but only 56 are left at offset 8\n");
}

TEST(InspectCliTest, MissingFileExitsOne) {
  WregRun run = run_wreg("inspect " + kFixtures + "/no-such.wasm");
  EXPECT_EQ(run.status, 1);
  EXPECT_TRUE(run.out.starts_with("error: cannot open ")) << run.out;
}

TEST(InspectCliTest, MissingArgumentIsBadUsage) {
  EXPECT_EQ(run_wreg("inspect").status, 2);
  EXPECT_EQ(run_wreg("inspect --no-such-flag x.wasm").status, 2);
}

}  // namespace
}  // namespace wreg::client
