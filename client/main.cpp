// wreg: the command-line client. main() only wires things together; every command lives in the
// client library.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"wreg: publish, add and lock WebAssembly components and WIT packages", "wreg"};
  app.set_version_flag("--version", std::string("wreg ") + WREG_VERSION);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return 0;
}
