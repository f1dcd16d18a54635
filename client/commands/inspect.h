// `wreg inspect FILE [--json | --wit]`: what a .wasm is (kind, package and version, worlds,
// interfaces, imports, exports, dependencies, producers, size, digest), read locally with the
// component reader (common/wasm/reader.h); with --wit, what it means as WIT text
// (common/wit/wit_text.h). It needs no registry.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <span>
#include <string>

#include "client/commands/command.h"
#include "common/digest.h"
#include "common/result.h"
#include "common/wasm/component_info.h"

namespace wreg::client {

struct InspectOptions {
  std::string file;
  bool json = false;  // --json: the stable shape documented in README.md
  bool wit = false;   // --wit: the WIT text
};

// What inspect found in a file.
struct Inspection {
  std::string file;
  std::uint64_t size = 0;
  Digest digest;
  wasm::ComponentInfo info;
};

// Maps `file` (never copied whole), hashes it and reads it. kNotFound or kIo when it cannot be
// read; kInvalidArgument with the reader's message (what was expected, at which offset) when
// it is not a valid component, WIT package or core module. A core module is not a failure.
Result<Inspection> inspect_file(const std::string& file);
// The same for `bytes` already in memory (the contents of `file`, or what a WIT folder built to).
Result<Inspection> inspect_bytes(const std::string& file, std::span<const std::uint8_t> bytes);

// The human-readable report: one `key: value` line per fact, lists indented below their key.
std::string render_inspection_text(const Inspection& inspection);
// The `--json` report: one object, every key always present (null or [] when empty), keys in
// a fixed order, ending with a newline. The shape is documented in README.md.
std::string render_inspection_json(const Inspection& inspection);
// For a WIT package, one line per world of the package it defines, `world NAME: N imports, M
// exports`, in the package's order, from its decoded WIT (common/wit/decoder.h); "" for anything
// else, or for bytes that cannot be decoded.
std::string render_world_counts(std::span<const std::uint8_t> bytes);

// The WIT text of `file`: listing() of common/wit/wit_text.h, escaped for a terminal (line breaks
// kept). kNotFound or kIo when it cannot be read; kInvalidArgument, naming the file, when it cannot
// be shown as WIT (not a component or WIT package, or a core module).
Result<std::string> render_wit(const std::string& file);

// Adds `inspect FILE [--json | --wit]` to `app` (see client/commands/command.h).
void add_inspect_command(CLI::App& app, CommandAction& action);

}  // namespace wreg::client
