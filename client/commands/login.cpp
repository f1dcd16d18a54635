// `wreg login [--registry URL]` reads a token from standard input (no echo on a terminal), asks
// the registry whose it is (GET /api/v1/whoami) and stores it in credentials.toml only when the
// registry accepts it; `wreg logout` forgets it. The token is never printed.
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <string>

#include "client/commands/session.h"
#include "client/registry_client.h"
#include "common/text.h"

namespace wreg::client {
namespace {

struct LoginOptions {
  bool logout = false;
};

// One line from standard input; with echo off while reading when it is a terminal.
Result<std::string> read_token(const std::string& registry) {
  bool terminal = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::cerr << "token for " << registry << ": " << std::flush;
    if (::tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    } else {
      terminal = false;
    }
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  std::string token(trim(line));
  if (!got || token.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "no token on standard input; paste the token `wreg-server token create` printed");
  }
  for (char c : token) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      return fail(ErrorCode::kInvalidArgument,
                  "the token has a space or a character that is not printable ASCII; paste it "
                  "exactly as printed");
    }
  }
  return token;
}

// Whose `token` is, as `registry` says; the token is not stored when this fails.
Result<api::Whoami> ask_whoami(const Config& config, const std::string& registry,
                               const std::string& token) {
  RegistryClientOptions options;
  options.registry = registry;
  options.token = token;
  options.ca_file = config.ca_file();
  options.proxy = config.proxy();
  auto client = RegistryClient::create(std::move(options));
  if (!client) return std::move(client).error();
  auto whoami = (*client)->whoami();
  if (whoami) return whoami;
  if (whoami.error().code == ErrorCode::kUnauthenticated) {
    return fail(ErrorCode::kUnauthenticated,
                "registry " + registry +
                    " does not accept this token (unknown or revoked), so it was not stored; "
                    "paste the token `wreg-server token create` printed for this registry");
  }
  return fail(whoami.error().code,
              whoami.error().message + "; the token was not stored, since it could not be checked");
}

// `token 3 (admin)` or `token 3 (may publish to: pin, demo)`.
std::string whose(const api::Whoami& whoami) {
  std::string scope;
  for (const auto& ns : whoami.namespaces) scope += (scope.empty() ? "" : ", ") + ns;
  return "token " + std::to_string(whoami.token_id) +
         (whoami.admin ? " (admin)"
                       : " (may publish to: " + (scope.empty() ? "no namespace" : scope) + ")");
}

Result<void> run_login(const LoginOptions& options, const GlobalOptions& global) {
  auto env = Environment::from_process();
  if (!env) return std::move(env).error();
  auto config = Config::load(*env, global.registry);
  if (!config) return std::move(config).error();
  const auto& registry = config->default_registry();
  if (options.logout) {
    auto removed = remove_token(*env, registry);
    if (!removed) return std::move(removed).error();
    std::cout << (*removed ? "logged out of " : "no token was stored for ") << registry << "\n";
    return {};
  }
  auto token = read_token(registry);
  if (!token) return std::move(token).error();
  auto whoami = ask_whoami(*config, registry, *token);
  if (!whoami) return std::move(whoami).error();
  auto stored = store_token(*env, registry, *token);
  if (!stored) return stored;
  std::cout << "logged in to " << registry << " as " << whose(*whoami) << " (token saved in "
            << (env->config_dir / "credentials.toml").string() << ")\n";
  return {};
}

}  // namespace

void add_login_commands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  auto login = std::make_shared<LoginOptions>();
  app.add_subcommand("login", "Store a token for the registry (read from standard input)")
      ->callback([login, &global, &action] {
        action = [login, &global] { return run_login(*login, global); };
      });
  auto logout = std::make_shared<LoginOptions>();
  logout->logout = true;
  app.add_subcommand("logout", "Forget the token of the registry")
      ->callback([logout, &global, &action] {
        action = [logout, &global] { return run_login(*logout, global); };
      });
}

}  // namespace wreg::client
