#include "client/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "client/file_io.h"
#include "common/tlog/note.h"
#include "tests/support/temp_dir.h"

namespace wreg::client {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.config_dir = root_ / "config" / "wreg";
    env_.cache_dir = root_ / "cache" / "wreg";
  }

  void write_config(const std::string& text) {
    ASSERT_TRUE(write_file_atomically(env_.config_dir / "config.toml", text).has_value());
  }

  PackageName name(std::string_view text) { return *PackageName::parse(text); }

  testing::TempDir root_;
  Environment env_;
};

TEST_F(ConfigTest, DefaultsToLocalRegistryWithoutFiles) {
  auto config = Config::load(env_, std::nullopt);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->default_registry(), "http://127.0.0.1:8080");
  EXPECT_EQ(config->registry_for(name("wasi:io")), "http://127.0.0.1:8080");
  EXPECT_FALSE(config->token_for("http://127.0.0.1:8080").has_value());
}

TEST_F(ConfigTest, FlagBeatsEnvironmentBeatsFile) {
  write_config("registry = \"https://file.example.com/\"\n");
  auto from_file = Config::load(env_, std::nullopt);
  ASSERT_TRUE(from_file.has_value()) << from_file.error().message;
  EXPECT_EQ(from_file->default_registry(), "https://file.example.com");

  env_.registry = "https://env.example.com";
  auto from_env = Config::load(env_, std::nullopt);
  ASSERT_TRUE(from_env.has_value());
  EXPECT_EQ(from_env->default_registry(), "https://env.example.com");

  auto from_flag = Config::load(env_, std::string("http://flag.example.com:9000"));
  ASSERT_TRUE(from_flag.has_value());
  EXPECT_EQ(from_flag->default_registry(), "http://flag.example.com:9000");
}

TEST_F(ConfigTest, NamespaceOverrideAppliesUnlessRegistryIsForced) {
  write_config(
      "registry = \"https://main.example.com\"\n[namespaces]\ntoolsku = "
      "\"https://internal.example.com\"\n");
  auto config = Config::load(env_, std::nullopt);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->registry_for(name("toolsku:analytics")), "https://internal.example.com");
  EXPECT_EQ(config->registry_for(name("wasi:io")), "https://main.example.com");

  auto forced = Config::load(env_, std::string("http://127.0.0.1:9"));
  ASSERT_TRUE(forced.has_value());
  EXPECT_EQ(forced->registry_for(name("toolsku:analytics")), "http://127.0.0.1:9");
}

TEST_F(ConfigTest, TokenBelongsOnlyToItsRegistry) {
  ASSERT_TRUE(store_token(env_, "https://a.example.com", "secret-a").has_value());
  ASSERT_TRUE(store_token(env_, "https://b.example.com", "secret-b").has_value());
  auto config = Config::load(env_, std::nullopt);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->token_for("https://a.example.com"), "secret-a");
  EXPECT_EQ(config->token_for("https://b.example.com"), "secret-b");
  EXPECT_FALSE(config->token_for("http://127.0.0.1:8080").has_value());

  env_.token = "from-env";
  auto with_env = Config::load(env_, std::string("https://c.example.com"));
  ASSERT_TRUE(with_env.has_value());
  EXPECT_EQ(with_env->token_for("https://c.example.com"), "from-env");
  EXPECT_EQ(with_env->token_for("https://a.example.com"), "secret-a");
}

TEST_F(ConfigTest, CredentialsFileIsPrivate) {
  ASSERT_TRUE(store_token(env_, "http://127.0.0.1:8080", "t0ken").has_value());
  struct stat info {};
  ASSERT_EQ(::stat((env_.config_dir / "credentials.toml").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(ConfigTest, RemoveTokenKeepsOthers) {
  ASSERT_TRUE(store_token(env_, "https://a.example.com", "secret-a").has_value());
  ASSERT_TRUE(store_token(env_, "https://b.example.com", "secret-b").has_value());
  auto removed = remove_token(env_, "https://a.example.com");
  ASSERT_TRUE(removed.has_value());
  EXPECT_TRUE(*removed);
  auto again = remove_token(env_, "https://a.example.com");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(*again);
  auto config = Config::load(env_, std::nullopt);
  ASSERT_TRUE(config.has_value());
  EXPECT_FALSE(config->token_for("https://a.example.com").has_value());
  EXPECT_EQ(config->token_for("https://b.example.com"), "secret-b");
}

TEST_F(ConfigTest, BadConfigNamesFileAndKey) {
  write_config("registry = 42\n");
  auto config = Config::load(env_, std::nullopt);
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("config.toml: registry must be a URL string"),
            std::string::npos)
      << config.error().message;

  write_config("registry = \n");
  auto broken = Config::load(env_, std::nullopt);
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message.find("config.toml:1:"), std::string::npos)
      << broken.error().message;

  // toml++ quotes what it read raw (`saw 't<newline>'`): the line break must not split the
  // message, and is escaped as in the manifest's and the lock file's errors.
  write_config("registry =t\n");
  auto raw = Config::load(env_, std::nullopt);
  ASSERT_FALSE(raw.has_value());
  EXPECT_EQ(raw.error().message.find('\n'), std::string::npos) << raw.error().message;
  EXPECT_NE(raw.error().message.find("saw 't\\x0a'"), std::string::npos) << raw.error().message;
}

// A misspelled key used to be ignored, and wreg then talked to the default registry.
TEST_F(ConfigTest, UnknownKeysAreRefusedNamingKeyFileAndAllowedKeys) {
  const std::string file = (env_.config_dir / "config.toml").string();
  struct Case {
    const char* text;
    const char* message;  // after "<file>: "
  };
  const Case cases[] = {
      {"registy = \"https://wreg.example.com\"\n",
       "unknown key \"registy\"; did you mean \"registry\"? (allowed: registry, ca_file, "
       "stall_seconds, [namespaces], [log_keys], [log_witnesses])"},
      {"[namespace]\ntoolsku = \"https://internal.example.com\"\n",
       "unknown key \"namespace\"; did you mean \"[namespaces]\"? (allowed: registry, ca_file, "
       "stall_seconds, [namespaces], [log_keys], [log_witnesses])"},
      {"colour = \"blue\"\n",
       "unknown key \"colour\" (allowed: registry, ca_file, stall_seconds, [namespaces], "
       "[log_keys], [log_witnesses])"},
      {"CA_FILE = \"ca.pem\"\n",
       "unknown key \"CA_FILE\" (allowed: registry, ca_file, stall_seconds, [namespaces], "
       "[log_keys], [log_witnesses])"},
      {"\"reg\\u001bistry\" = 1\n",
       "unknown key \"reg\\x1bistry\"; did you mean \"registry\"? (allowed: registry, ca_file, "
       "stall_seconds, [namespaces], [log_keys], [log_witnesses])"},
      {"namespaces = \"https://x.example.com\"\n",
       "namespaces must be a table: [namespaces] ns = \"URL\""},
  };
  for (const auto& c : cases) {
    write_config(c.text);
    auto config = Config::load(env_, std::nullopt);
    ASSERT_FALSE(config.has_value()) << c.text;
    EXPECT_EQ(config.error().message, file + ": " + c.message) << c.text;
  }
}

TEST_F(ConfigTest, LogWitnessesAreReadAndChecked) {
  tlog::Seed seed{};
  seed.fill(7);
  const std::string witness =
      tlog::NoteSigner::from_seed("peer.example/wreg-witness", seed, tlog::kCosignatureV1)
          ->verifier()
          .to_string();
  const std::string log_key =
      tlog::NoteSigner::from_seed("registry.example/log", seed)->verifier().to_string();
  write_config("[log_witnesses.\"https://wreg.example.com/\"]\nkeys = [\"" + witness + "\"]\n");
  auto config = Config::load(env_, std::nullopt);
  ASSERT_TRUE(config) << config.error().message;
  const WitnessPolicy* policy = config->witnesses_for("https://wreg.example.com");
  ASSERT_NE(policy, nullptr);
  ASSERT_EQ(policy->keys.size(), 1u);
  EXPECT_EQ(policy->keys[0].to_string(), witness);
  EXPECT_EQ(policy->required, 1u) << "all of them by default";
  EXPECT_EQ(config->witnesses_for("https://other.example.com"), nullptr);

  const std::string file = (env_.config_dir / "config.toml").string();
  const std::string where = "[log_witnesses.\"https://wreg.example.com\"]";
  struct Case {
    std::string text;
    std::string message;  // after "<file>: "
  };
  const Case cases[] = {
      {"[log_witnesses.\"https://wreg.example.com\"]\nkeys = []\n",
       where + " needs keys = [\"WITNESS KEY\", ...]: the witnesses' verifier keys"},
      {"[log_witnesses.\"https://wreg.example.com\"]\nkeys = [\"" + log_key + "\"]\n",
       where + " keys must be witnesses' verifier keys (type 0x04, `wreg-server log witness-key` "
               "prints a wreg witness's)"},
      {"[log_witnesses.\"https://wreg.example.com\"]\nkeys = [\"" + witness + "\"]\nrequired = 2\n",
       where + " required must be from 1 to the number of keys (1)"},
      {"[log_witnesses.\"https://wreg.example.com\"]\nkeys = [\"" + witness +
           "\"]\nrequired = \"1\"\n",
       where + " required must be a whole number"},
      {"[log_witnesses.\"https://wreg.example.com\"]\nkey = [\"" + witness + "\"]\n",
       "unknown key \"key\" in " + where + "; did you mean \"keys\"? (allowed: keys, required)"},
      {"log_witnesses = 1\n", "log_witnesses must be a table of [log_witnesses.\"URL\"] entries"},
  };
  for (const auto& c : cases) {
    write_config(c.text);
    auto refused = Config::load(env_, std::nullopt);
    ASSERT_FALSE(refused.has_value()) << c.text;
    EXPECT_EQ(refused.error().message, file + ": " + c.message) << c.text;
  }
}

TEST_F(ConfigTest, UnknownKeysInCredentialsAreRefused) {
  const std::filesystem::path path = env_.config_dir / "credentials.toml";
  struct Case {
    const char* text;
    const char* message;  // after "<file>: "
  };
  const Case cases[] = {
      {"[registry.\"http://127.0.0.1:8080\"]\ntoken = \"t\"\n",
       "unknown key \"registry\"; did you mean \"[registries]\"? (allowed: [registries])"},
      {"[registries.\"http://127.0.0.1:8080\"]\ntokne = \"t\"\n",
       "unknown key \"tokne\" in [registries.\"http://127.0.0.1:8080\"]; did you mean "
       "\"token\"? (allowed: token, username)"},
      {"registries = 1\n", "registries must be a table of [registries.\"URL\"] entries"},
  };
  for (const auto& c : cases) {
    ASSERT_TRUE(write_file_atomically(path, c.text, 0600).has_value());
    auto config = Config::load(env_, std::nullopt);
    ASSERT_FALSE(config.has_value()) << c.text;
    EXPECT_EQ(config.error().message, path.string() + ": " + c.message) << c.text;
    // `wreg login` reads the file before it adds a token: it stops too, and keeps the file.
    auto stored = store_token(env_, "https://a.example.com", "secret");
    EXPECT_FALSE(stored.has_value()) << c.text;
    EXPECT_EQ(read_file(path).value(), c.text);
  }
}

TEST_F(ConfigTest, CaFileIsTakenFromTheConfigFolderAndChecked) {
  auto config = Config::load(env_, std::nullopt);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->ca_file().empty());

  write_config("ca_file = \"ca.pem\"\n");
  auto missing = Config::load(env_, std::nullopt);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message,
            (env_.config_dir / "config.toml").string() + ": cannot load ca_file " +
                (env_.config_dir / "ca.pem").string() + ": it does not exist");

  ASSERT_TRUE(write_file_atomically(env_.config_dir / "ca.pem", "not a certificate\n"));
  auto not_pem = Config::load(env_, std::nullopt);
  ASSERT_FALSE(not_pem.has_value());
  EXPECT_NE(not_pem.error().message.find("holds no PEM certificate"), std::string::npos);

  ASSERT_TRUE(write_file_atomically(env_.config_dir / "ca.pem",
                                    "-----BEGIN CERTIFICATE-----\nAA==\n-----END "
                                    "CERTIFICATE-----\n"));
  auto loaded = Config::load(env_, std::nullopt);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->ca_file(), env_.config_dir / "ca.pem");
}

// An OCI registry's credential: its own entry, else its host's, else wkg's variable; a wreg
// registry only ever gets its own.
TEST_F(ConfigTest, OciCredentialsComeFromTheUrlTheHostOrWkgsVariable) {
  ASSERT_TRUE(
      write_file_atomically(env_.config_dir / "credentials.toml",
                            "[registries.\"oci://ghcr.io/team\"]\ntoken = \"team-token\"\n"
                            "[registries.\"ghcr.io\"]\nusername = \"me\"\ntoken = \"pat\"\n",
                            0600));
  env_.wkg_bearer_tokens["REGISTRY_EXAMPLE_COM_5000"] = "wkg-token";
  auto config = Config::load(env_, std::nullopt);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  auto own = config->credential_for("oci://ghcr.io/team");
  ASSERT_TRUE(own.has_value());
  EXPECT_EQ(own->token, "team-token");
  EXPECT_EQ(own->username, "");
  auto host = config->credential_for("oci://ghcr.io/webassembly");
  ASSERT_TRUE(host.has_value());
  EXPECT_EQ(host->token, "pat");
  EXPECT_EQ(host->username, "me");
  auto wkg = config->credential_for("oci+http://registry.example.com:5000/x");
  ASSERT_TRUE(wkg.has_value());
  EXPECT_EQ(wkg->token, "wkg-token");
  EXPECT_FALSE(config->credential_for("oci://other.example.com").has_value());
  EXPECT_FALSE(config->credential_for("https://ghcr.io").has_value());
  EXPECT_EQ(wkg_host_key("registry.example.com:5000"), "REGISTRY_EXAMPLE_COM_5000");
}

TEST(DiscoveryTest, ReadsBothShapesWkgReadsAndRefusesTheRest) {
  struct Case {
    const char* body;
    const char* expected;  // the registry, or the end of the error message
  };
  const Case cases[] = {
      {R"({"preferredProtocol":"oci","oci":{"registry":"ghcr.io","namespacePrefix":"webassembly/"}})",
       "oci://ghcr.io/webassembly"},
      {R"({"ociRegistry":"ghcr.io","ociNamespacePrefix":"bytecodealliance/"})",
       "oci://ghcr.io/bytecodealliance"},
      {R"({"oci":{"registry":"registry.example.com:5000"}})", "oci://registry.example.com:5000"},
      {R"({"preferredProtocol":"oci","oci":{"registry":"h:1","namespacePrefix":""},"wreg":{"api":"/api/v1"}})",
       "https://wasi.dev"},
      {R"({"warg":{"url":"https://warg.example.com"}})",
       "names only a warg registry, which wreg does not read"},
      {R"({"oci":{"registry":"ghcr.io","namespacePrefix":"wasm-"}})",
       "gives the namespace prefix \"wasm-\", which wreg reads only as path segments ending in /"},
      {R"({"oci":{"registry":"ghcr.io/x y"}})", "names a registry wreg cannot use"},
      {"[]", "is not a JSON object"},
      {"{}", "names no OCI registry (expected \"oci\": {\"registry\": …})"},
  };
  for (const auto& c : cases) {
    auto url = registry_from_discovery("wasi.dev", c.body);
    if (std::string_view(c.expected).find("://") != std::string_view::npos &&
        std::string_view(c.expected).find(' ') == std::string_view::npos) {
      ASSERT_TRUE(url.has_value()) << c.body << ": " << url.error().message;
      EXPECT_EQ(*url, c.expected);
    } else {
      ASSERT_FALSE(url.has_value()) << c.body;
      EXPECT_EQ(url.error().code, ErrorCode::kUnavailable);
      EXPECT_TRUE(
          url.error().message.starts_with("https://wasi.dev/.well-known/wasm-pkg/registry.json "))
          << url.error().message;
      EXPECT_NE(url.error().message.find(c.expected), std::string::npos) << url.error().message;
    }
  }
}

TEST(RegistryUrlTest, NormalizesAndRefuses) {
  struct Case {
    const char* input;
    const char* expected;  // null: refused
  };
  const Case cases[] = {
      {"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
      {"https://wreg.example.com/", "https://wreg.example.com"},
      {"https://wreg.example.com/registry/", "https://wreg.example.com/registry"},
      {"http://[::1]:8080", "http://[::1]:8080"},
      {"oci://ghcr.io/webassembly/", "oci://ghcr.io/webassembly"},
      {"oci+http://127.0.0.1:5000", "oci+http://127.0.0.1:5000"},
      {"oci+http://127.0.0.1:5000/a/b-c/", "oci+http://127.0.0.1:5000/a/b-c"},
      {"WA.dev", "wa.dev"},  // a bare host, found through wkg's discovery
      {"127.0.0.1:8080", "127.0.0.1:8080"},
      {"ftp://example.com", nullptr},
      {"oci://ghcr.io/WebAssembly", nullptr},  // OCI repository names are lower case
      {"oci://ghcr.io/a//b", nullptr},
      {"oci://", nullptr},
      {"wa.dev/path", nullptr},
      {"../etc", nullptr},
      {"wa.dev?x", nullptr},
      {"http://", nullptr},
      {"http://host:port", nullptr},
      {"http://user:pw@host", nullptr},
      {"http://host/a b", nullptr},
  };
  for (const auto& c : cases) {
    auto url = normalize_registry_url(c.input);
    if (c.expected) {
      ASSERT_TRUE(url.has_value()) << c.input << ": " << url.error().message;
      EXPECT_EQ(*url, c.expected);
    } else {
      EXPECT_FALSE(url.has_value()) << c.input;
    }
  }
}

}  // namespace
}  // namespace wreg::client
