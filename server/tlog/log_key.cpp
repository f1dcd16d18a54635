#include "server/tlog/log_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>

#include "common/text.h"
#include "server/store/secret_file.h"

namespace wreg::tlog {
namespace {

constexpr std::string_view kWhat = "the log signing key";
constexpr std::string_view kWitnessWhat = "the witness signing key";
constexpr std::size_t kMaxKeyText = 4096;

std::string key_path_text(const std::filesystem::path& data) {
  return wreg::quoted((data / kLogKeyFile).string());
}

// The key in the secret file `file`, its text wiped once read; nullopt when there is no file.
// A file that holds no key is `not_a_key` of the NoteSigner's refusal (which never echoes the
// secret).
Result<std::optional<NoteSigner>> read_key_file(
    const std::filesystem::path& file, const std::function<Error(const Error&)>& not_a_key) {
  auto stored = store::read_secret_file(file, kWhat, kMaxKeyText);
  if (!stored) return std::move(stored).error();
  if (!*stored) return std::optional<NoteSigner>();
  std::string& text = **stored;
  std::string_view line = text;
  if (line.ends_with('\n')) line.remove_suffix(1);
  auto signer = NoteSigner::parse(line);
  OPENSSL_cleanse(text.data(), text.size());
  if (!signer) return not_a_key(signer.error());
  return std::optional<NoteSigner>(std::move(*signer));
}

// Makes a key named `name` of `type` from the system's random generator and keeps it in the
// secret file `file` (which must not exist yet; when another process made it at the same moment,
// that one is the key).
Result<NoteSigner> make_key_file(const std::filesystem::path& file, std::string_view what,
                                 const std::string& name, std::uint8_t type) {
  Seed seed{};
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    return fail(ErrorCode::kInternal,
                "the system random generator failed; no key was made for " + std::string(what));
  }
  auto signer = NoteSigner::from_seed(name, seed, type);
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!signer) return std::move(signer).error();
  std::string text = signer->private_key_text() + "\n";
  auto created = store::create_secret_file(file, what, text);
  OPENSSL_cleanse(text.data(), text.size());
  if (!created) return std::move(created).error();
  if (*created) return std::move(*signer);
  auto theirs = read_key_file(file, [&](const Error& why) { return why; });
  if (!theirs) return std::move(theirs).error();
  if (*theirs) return std::move(**theirs);
  return fail(ErrorCode::kIo, std::string(what) + " " + wreg::quoted(file.string()) +
                                  " was made but cannot be read back");
}

}  // namespace

bool is_log_key_file(std::string_view name) {
  return name == kLogKeyFile || (name.starts_with(kLogKeyFile) &&
                                 name.substr(kLogKeyFile.size()).starts_with(".retired-"));
}

bool is_key_file(std::string_view name) { return is_log_key_file(name) || name == kWitnessKeyFile; }

Result<std::optional<NoteSigner>> load_log_key(const std::filesystem::path& data) {
  return read_key_file(data / kLogKeyFile, [&](const Error& why) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(kWhat) + " " + key_path_text(data) + " does not hold a key (" +
                    why.message +
                    "); restore it from a backup: a new key would start a log no client trusts");
  });
}

Result<NoteSigner> create_log_key(const std::filesystem::path& data, const std::string& origin) {
  if (!is_key_name(origin)) {
    return fail(ErrorCode::kInvalidArgument,
                "the log's origin " + wreg::quoted(origin) +
                    " cannot name a key: use a host and path without spaces or '+', e.g. "
                    "registry.example.com/log");
  }
  if (auto existing = load_log_key(data); !existing || *existing) {
    if (!existing) return std::move(existing).error();
    return fail(ErrorCode::kAlreadyExists,
                "the data directory already has a log key, whose verifier key is " +
                    (*existing)->verifier().to_string() +
                    "; it is never replaced, since clients pinned it");
  }
  return make_key_file(data / kLogKeyFile, kWhat, origin, kEd25519);
}

Result<NoteSigner> load_or_create_witness_key(const std::filesystem::path& data,
                                              const std::string& name) {
  const std::filesystem::path file = data / kWitnessKeyFile;
  auto existing = read_key_file(file, [&](const Error& why) {
    return fail(ErrorCode::kInvalidArgument,
                std::string(kWitnessWhat) + " " + wreg::quoted(file.string()) +
                    " does not hold a key (" + why.message + "); restore it from a backup");
  });
  if (!existing) return std::move(existing).error();
  if (*existing) {
    if ((*existing)->verifier().type != kCosignatureV1) {
      return fail(ErrorCode::kInvalidArgument, std::string(kWitnessWhat) + " " +
                                                   wreg::quoted(file.string()) +
                                                   " holds a key that does not cosign");
    }
    return std::move(**existing);
  }
  if (!is_key_name(name)) {
    return fail(ErrorCode::kInvalidArgument, "the witness name " + wreg::quoted(name) +
                                                 " cannot name a key: use a host and path "
                                                 "without spaces or '+'");
  }
  return make_key_file(file, kWitnessWhat, name, kCosignatureV1);
}

Result<NoteSigner> rotate_log_key(const std::filesystem::path& data,
                                  const std::optional<std::string>& origin) {
  auto current = load_log_key(data);
  if (!current) return std::move(current).error();
  if (!*current) {
    return fail(ErrorCode::kNotFound, "there is no log key in " + wreg::quoted(data.string()) +
                                          " to rotate; `wreg-server log init` makes one");
  }
  const std::string name = origin ? *origin : (*current)->verifier().name;
  if (!is_key_name(name)) return create_log_key(data, name);  // its refusal, nothing moved
  std::filesystem::path retired = data / kLogKeyFile;
  retired += ".retired-" + std::to_string(std::time(nullptr));
  if (std::rename((data / kLogKeyFile).c_str(), retired.c_str()) != 0) {
    return fail(ErrorCode::kIo,
                "cannot retire " + key_path_text(data) + ": " + std::strerror(errno));
  }
  return create_log_key(data, name);
}

Result<std::vector<VerifierKey>> retired_log_keys(const std::filesystem::path& data) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != kLogKeyFile && is_log_key_file(name)) files.push_back(entry.path());
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return fail(ErrorCode::kIo, "cannot list " + wreg::quoted(data.string()) + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  std::vector<VerifierKey> keys;
  for (const auto& file : files) {
    auto signer = read_key_file(file, [&](const Error&) {
      return fail(ErrorCode::kInvalidArgument,
                  "the retired log key " + wreg::quoted(file.string()) + " does not hold a key");
    });
    if (!signer) return std::move(signer).error();
    if (*signer) keys.push_back((*signer)->verifier());
  }
  return keys;
}

namespace {

// "<host>/<what>": the public URL's host[:port] when one is set, else this machine's host name.
std::string host_key_name(const std::optional<std::string>& public_host, std::string_view what) {
  const std::string suffix = "/" + std::string(what);
  if (public_host && !public_host->empty()) return *public_host + suffix;
  char host[HOST_NAME_MAX + 1] = {};
  if (::gethostname(host, sizeof host) != 0 || host[0] == '\0') return "localhost" + suffix;
  host[HOST_NAME_MAX] = '\0';
  std::string name = host;
  if (!is_key_name(name + suffix)) return "localhost" + suffix;
  return name + suffix;
}

}  // namespace

std::string default_log_origin(const std::optional<std::string>& public_host) {
  return host_key_name(public_host, "wreg-log");
}

std::string default_witness_name(const std::optional<std::string>& public_host) {
  return host_key_name(public_host, "wreg-witness");
}

}  // namespace wreg::tlog
