#include "common/tlog/note.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cassert>
#include <memory>
#include <optional>
#include <stdexcept>

#include "common/base64.h"
#include "common/hex.h"
#include "common/text.h"

namespace wreg::tlog {
namespace {

constexpr std::string_view kEmDash = "\xE2\x80\x94";  // U+2014
constexpr std::string_view kPrivateKeyPrefix = "PRIVATE+KEY+";
constexpr std::size_t kEd25519SignatureSize = 64;
constexpr std::size_t kTimestampSize = 8;
constexpr std::uint64_t kMaxTimestamp = (std::uint64_t{1} << 63) - 1;

using Signature = std::array<std::uint8_t, kEd25519SignatureSize>;

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Unicode's White_Space property (what Go's unicode.IsSpace tests), which signed-note.md forbids
// in key names.
bool is_unicode_space(std::uint32_t c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
         c == 0x3000;
}

bool is_known_type(std::uint8_t type) { return type == kEd25519 || type == kCosignatureV1; }

// "cosignature/v1\ntime <timestamp>\n" + text: what a tlog-cosignature/v1 Ed25519 key signs.
std::string cosigned_message(std::string_view text, std::uint64_t timestamp) {
  std::string message = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  message += text;
  return message;
}

void put_big_endian(std::string& out, std::uint64_t value, unsigned bytes) {
  for (unsigned i = bytes; i-- > 0;) out += static_cast<char>(value >> (8 * i) & 0xff);
}

std::uint64_t get_big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char c : bytes) value = value << 8 | static_cast<unsigned char>(c);
  return value;
}

std::string id_hex(std::uint32_t id) {
  std::string out;
  for (unsigned shift = 32; shift != 0;) {
    shift -= 8;
    append_hex(out, static_cast<std::uint8_t>(id >> shift));
  }
  return out;
}

// Ed25519 through OpenSSL's EVP interface (RFC 8032, "pure" Ed25519: no digest of its own).
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// OpenSSL failing to allocate or to do Ed25519 at all: no input causes it (as in digest.cpp).
[[noreturn]] void openssl_failed(const char* what) {
  throw std::runtime_error(std::string("OpenSSL cannot ") + what);
}

Pkey private_key(const Seed& seed) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key) openssl_failed("make an Ed25519 key");
  return key;
}

PublicKey public_key_of(const Seed& seed) {
  Pkey key = private_key(seed);
  PublicKey out{};
  std::size_t size = out.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), out.data(), &size) != 1 || size != out.size()) {
    openssl_failed("derive an Ed25519 public key");
  }
  return out;
}

Signature ed25519_sign(const Seed& seed, std::string_view message) {
  Pkey key = private_key(seed);
  MdCtx context(EVP_MD_CTX_new());
  Signature out{};
  std::size_t size = out.size();
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), out.data(), &size, as_bytes(message).data(), message.size()) !=
          1 ||
      size != out.size()) {
    openssl_failed("sign with Ed25519");
  }
  return out;
}

bool ed25519_verify(const PublicKey& public_key, std::string_view message,
                    std::string_view signature) {
  if (signature.size() != kEd25519SignatureSize) return false;
  Pkey key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  MdCtx context(EVP_MD_CTX_new());
  if (!context) openssl_failed("allocate a digest context");
  if (!key) return false;
  if (EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(context.get(), as_bytes(signature).data(), signature.size(),
                          as_bytes(message).data(), message.size()) == 1;
}

// The parts of `<name>+<hex id>+<base64(type || key)>`, the shape of verifier keys and (after
// PRIVATE+KEY+) of private keys.
struct KeyText {
  std::string name;
  std::uint32_t id = 0;
  std::uint8_t type = 0;
  std::string key;  // the 32 bytes after the type
};

// Wipes a decoded secret when it goes out of scope.
struct Wiped {
  std::string& bytes;
  ~Wiped() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

// Reads `text` into `out`; otherwise what is wrong with it, without echoing any of it (the key
// may be a secret). The id is not checked against the key here: a private key's is over the
// public key its seed gives.
std::optional<std::string> key_text_problem(std::string_view text, KeyText& out) {
  const auto first = text.find('+');
  const auto second = first == std::string_view::npos ? first : text.find('+', first + 1);
  if (second == std::string_view::npos) {
    return "it is not three parts joined by '+' (name+id+key)";
  }
  const std::string_view name = text.substr(0, first);
  const std::string_view id = text.substr(first + 1, second - first - 1);
  const std::string_view key = text.substr(second + 1);
  if (!is_key_name(name)) {
    return "the name is empty or holds a space, a '+', a control character or bytes that are not "
           "UTF-8";
  }
  auto id_bytes = id.size() == 8 ? hex_decode(id) : std::nullopt;
  if (!id_bytes) return "the key id is not 8 lowercase hex digits";
  auto decoded = base64_decode(key);
  if (!decoded) return "the key is not canonical base64";
  Wiped wipe{*decoded};
  if (decoded->empty() || !is_known_type(static_cast<std::uint8_t>((*decoded)[0]))) {
    return "the key type is not 0x01 (Ed25519) or 0x04 (Ed25519 cosignature)";
  }
  if (decoded->size() != 1 + 32) return "the key is not 32 bytes";
  out.name = std::string(name);
  out.id = static_cast<std::uint32_t>(get_big_endian(*id_bytes));
  out.type = static_cast<std::uint8_t>((*decoded)[0]);
  out.key.assign(decoded->begin() + 1, decoded->end());
  return std::nullopt;
}

}  // namespace

std::uint32_t key_id(std::string_view name, std::uint8_t type, const PublicKey& key) {
  std::string input(name);
  input += '\n';
  input += static_cast<char>(type);
  input.append(reinterpret_cast<const char*>(key.data()), key.size());
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> digest{};
  SHA256(as_bytes(input).data(), input.size(), digest.data());
  return static_cast<std::uint32_t>(digest[0]) << 24 | static_cast<std::uint32_t>(digest[1]) << 16 |
         static_cast<std::uint32_t>(digest[2]) << 8 | digest[3];
}

bool is_key_name(std::string_view name) {
  const auto bytes = as_bytes(name);
  if (bytes.empty()) return false;
  for (std::size_t at = 0; at < bytes.size();) {
    const CodePoint c = code_point_at(bytes, at);
    if (c.value == kNotUtf8 || c.value == '+' || c.value < 0x20 ||
        (c.value >= 0x7f && c.value <= 0x9f) || is_unicode_space(c.value)) {
      return false;
    }
    at += c.length;
  }
  return true;
}

std::string VerifierKey::to_string() const {
  std::string key(1, static_cast<char>(type));
  key.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  return name + "+" + id_hex(id) + "+" + base64_encode(key);
}

Result<VerifierKey> parse_verifier_key(std::string_view text) {
  auto refuse = [&](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid verifier key " + wreg::quoted(text) + ": " + std::string(why) +
                    "; copy the key wreg-server log init printed, as name+id+key");
  };
  KeyText parts;
  if (auto problem = key_text_problem(text, parts)) return refuse(*problem);
  VerifierKey key;
  key.name = std::move(parts.name);
  key.id = parts.id;
  key.type = parts.type;
  std::copy(parts.key.begin(), parts.key.end(), key.public_key.begin());
  if (key.id != key_id(key.name, key.type, key.public_key)) {
    return refuse("the key id " + id_hex(key.id) + " is not the id of this name and key (" +
                  id_hex(key_id(key.name, key.type, key.public_key)) + "): a part was mistyped");
  }
  return key;
}

Result<NoteSigner> NoteSigner::from_seed(std::string name, const Seed& seed, std::uint8_t type) {
  if (!is_key_name(name)) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid key name " + wreg::quoted(name) +
                    ": a key name is non-empty UTF-8 without spaces, '+' or control characters");
  }
  if (!is_known_type(type)) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid key type " + std::to_string(type) +
                    ": a note key is 1 (Ed25519) or 4 (Ed25519 cosignature)");
  }
  NoteSigner signer;
  signer.seed_ = seed;
  signer.verifier_.name = std::move(name);
  signer.verifier_.type = type;
  signer.verifier_.public_key = public_key_of(seed);
  signer.verifier_.id = key_id(signer.verifier_.name, type, signer.verifier_.public_key);
  return signer;
}

Result<NoteSigner> NoteSigner::parse(std::string_view private_key_text) {
  auto refuse = [](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument,
                "invalid private key: " + std::string(why) +
                    "; expected PRIVATE+KEY+name+id+key, as wreg-server log init writes it");
  };
  if (!private_key_text.starts_with(kPrivateKeyPrefix)) {
    return refuse("it does not start with PRIVATE+KEY+");
  }
  KeyText parts;
  Wiped wipe{parts.key};
  if (auto problem = key_text_problem(private_key_text.substr(kPrivateKeyPrefix.size()), parts)) {
    return refuse(*problem);
  }
  Seed seed{};
  std::copy(parts.key.begin(), parts.key.end(), seed.begin());
  auto signer = from_seed(parts.name, seed, parts.type);
  OPENSSL_cleanse(seed.data(), seed.size());
  if (!signer) return signer;
  if (signer->verifier_.id != parts.id) {
    return refuse("the key id " + id_hex(parts.id) +
                  " is not the id of this name and key: a part was mistyped");
  }
  return signer;
}

NoteSigner::~NoteSigner() { OPENSSL_cleanse(seed_.data(), seed_.size()); }

std::string NoteSigner::private_key_text() const {
  std::string key(1, static_cast<char>(verifier_.type));
  key.append(reinterpret_cast<const char*>(seed_.data()), seed_.size());
  std::string text = std::string(kPrivateKeyPrefix) + verifier_.name + "+" + id_hex(verifier_.id) +
                     "+" + base64_encode(key);
  OPENSSL_cleanse(key.data(), key.size());
  return text;
}

std::string NoteSigner::sign(std::string_view text, std::uint64_t timestamp) const {
  std::string payload;
  put_big_endian(payload, verifier_.id, 4);
  Signature signature;
  if (verifier_.type == kCosignatureV1) {
    assert(timestamp <= kMaxTimestamp);
    put_big_endian(payload, timestamp, kTimestampSize);
    signature = ed25519_sign(seed_, cosigned_message(text, timestamp));
  } else {
    signature = ed25519_sign(seed_, text);
  }
  payload.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return std::string(kEmDash) + " " + verifier_.name + " " + base64_encode(payload) + "\n";
}

Result<Note> parse_note(std::string_view note) {
  auto refuse = [](std::string_view why) {
    return fail(ErrorCode::kInvalidArgument, "invalid signed note: " + std::string(why));
  };
  if (note.size() > kMaxNoteBytes) {
    return refuse("longer than " + std::to_string(kMaxNoteBytes) + " bytes");
  }
  if (!is_valid_utf8(note)) return refuse("not UTF-8");
  for (char c : note) {
    // signed-note.md: no ASCII control character other than newline (so no CR, tab or NUL).
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') {
      return refuse("holds the control character \\x" + hex_encode(std::string_view(&c, 1)) +
                    "; only newlines are allowed");
    }
  }
  // The text ends at the last empty line: it may hold empty lines, the signatures may not.
  const auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) return refuse("no blank line before the signatures");
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view rest = note.substr(split + 2);
  if (rest.empty()) return refuse("no signature lines after the blank line");
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    if (end == std::string_view::npos)
      return refuse("the last signature line does not end in a newline");
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    if (out.signatures.size() == kMaxNoteSignatures) {
      return refuse("more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    }
    if (!line.starts_with(kEmDash) || line.substr(kEmDash.size(), 1) != " ") {
      return refuse(
          "a line after the blank line is not a signature (\xE2\x80\x94 name signature): " +
          wreg::quoted(line));
    }
    line.remove_prefix(kEmDash.size() + 1);
    const auto space = line.find(' ');
    const std::string_view name = line.substr(0, space);
    if (!is_key_name(name))
      return refuse("the signature key name " + wreg::quoted(name) + " is not valid");
    if (space == std::string_view::npos || space + 1 == line.size()) {
      return refuse("the signature line of " + wreg::quoted(name) + " has no signature");
    }
    auto bytes = base64_decode(line.substr(space + 1));
    if (!bytes) {
      return refuse("the signature of " + wreg::quoted(name) + " is not canonical base64");
    }
    if (bytes->size() < 5)
      return refuse("the signature of " + wreg::quoted(name) + " is too short");
    out.signatures.push_back(NoteSignature{
        std::string(name), static_cast<std::uint32_t>(get_big_endian(bytes->substr(0, 4))),
        bytes->substr(4)});
  }
  return out;
}

Result<std::vector<NoteSigned>> verify_note(const Note& note, std::span<const VerifierKey> keys) {
  std::vector<std::optional<std::uint64_t>> signed_at(keys.size());
  for (const NoteSignature& signature : note.signatures) {
    // The known key this signature names; a name and id no key has is someone else's.
    std::optional<std::size_t> known;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i].name != signature.name || keys[i].id != signature.id) continue;
      if (!known) {
        known = i;
      } else if (keys[*known] != keys[i]) {
        return fail(ErrorCode::kInvalidArgument,
                    "two known keys are named " + wreg::quoted(signature.name) + " with the id " +
                        id_hex(signature.id) + "; keep one of them");
      }
    }
    if (!known) continue;
    const VerifierKey& key = keys[*known];
    std::uint64_t timestamp = 0;
    bool verified = false;
    if (key.type == kCosignatureV1) {
      if (signature.signature.size() == kTimestampSize + kEd25519SignatureSize) {
        timestamp = get_big_endian(std::string_view(signature.signature).substr(0, kTimestampSize));
        verified = timestamp <= kMaxTimestamp &&
                   ed25519_verify(key.public_key, cosigned_message(note.text, timestamp),
                                  std::string_view(signature.signature).substr(kTimestampSize));
      }
    } else {
      verified = ed25519_verify(key.public_key, note.text, signature.signature);
    }
    if (!verified) {
      return fail(ErrorCode::kInvalidArgument,
                  "the signature by " + wreg::quoted(signature.name) + " (key " +
                      id_hex(signature.id) +
                      ") does not verify: the note was changed, or another key signed it");
    }
    if (!signed_at[*known]) signed_at[*known] = timestamp;
  }
  std::vector<NoteSigned> out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (signed_at[i]) out.push_back(NoteSigned{keys[i], *signed_at[i]});
  }
  if (out.empty()) {
    std::string names;
    for (const VerifierKey& key : keys) {
      if (names.find(wreg::quoted(key.name)) != std::string::npos) continue;
      names += (names.empty() ? "" : " or ") + wreg::quoted(key.name);
    }
    return fail(ErrorCode::kInvalidArgument, names.empty()
                                                 ? std::string("no key to verify the note with")
                                                 : "no signature by " + names + " on the note");
  }
  return out;
}

}  // namespace wreg::tlog
