// c2sp.org/signed-note: text signed by one or more keys, here Ed25519 (signature type 0x01) and
// the timestamped Ed25519 cosignatures of c2sp.org/tlog-cosignature (type 0x04) that witnesses
// add to a checkpoint.
//
//   <text, ending in a newline>
//   <blank line>
//   — <key name> base64(4-byte key id || signature)
//   ...
//
// A key is known by its name and id together; signatures by unknown keys are ignored, and a
// signature by a known key that does not verify rejects the whole note. Signing is
// deterministic (RFC 8032), so this code needs no randomness: the server makes the seed.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace wreg::tlog {

inline constexpr std::uint8_t kEd25519 = 0x01;
inline constexpr std::uint8_t kCosignatureV1 = 0x04;

// What parse_note() accepts at most: the spec asks for at least 16 signatures, and a
// checkpoint's text is a few hundred bytes.
inline constexpr std::size_t kMaxNoteBytes = 64 * 1024;
inline constexpr std::size_t kMaxNoteSignatures = 64;

using PublicKey = std::array<std::uint8_t, 32>;
using Seed = std::array<std::uint8_t, 32>;

// SHA-256(name || 0x0A || type || public key)[:4], big-endian: the id the spec recommends.
std::uint32_t key_id(std::string_view name, std::uint8_t type, const PublicKey& key);

// Whether `name` may name a key: non-empty, valid UTF-8, no Unicode space, no '+', no control
// character.
bool is_key_name(std::string_view name);

// A verifier key ("vkey"): `<name>+<8 lowercase hex: key id>+<base64(type || public key)>`, e.g.
// `example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k`.
struct VerifierKey {
  std::string name;
  std::uint32_t id = 0;
  std::uint8_t type = kEd25519;
  PublicKey public_key{};

  std::string to_string() const;
  bool operator==(const VerifierKey&) const = default;
};

// kInvalidArgument, one line saying which rule failed: not three '+'-separated parts, a name
// is_key_name() refuses, an id that is not 8 lowercase hex digits, base64 that is not
// canonical, a type other than 0x01 and 0x04, a key that is not 32 bytes, or an id other than
// key_id() of the rest (a typo in a pinned key is caught here, not as a failed signature).
Result<VerifierKey> parse_verifier_key(std::string_view text);

// A key that signs notes: a log's (kEd25519) or a witness's (kCosignatureV1). Copies hold the
// seed too, and each wipes its own. Its members throw std::runtime_error only when OpenSSL cannot
// allocate or do Ed25519 at all, as Sha256 does (no input causes it). Const members are safe to
// call from several threads.
class NoteSigner {
 public:
  // kInvalidArgument for a name is_key_name() refuses or another type.
  static Result<NoteSigner> from_seed(std::string name, const Seed& seed,
                                      std::uint8_t type = kEd25519);
  // The private key text of Go's golang.org/x/mod/sumdb/note, which the tools around
  // transparency logs read: `PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>`.
  // kInvalidArgument as parse_verifier_key(), without echoing the secret.
  static Result<NoteSigner> parse(std::string_view private_key_text);

  NoteSigner(const NoteSigner&) = default;
  NoteSigner& operator=(const NoteSigner&) = default;
  ~NoteSigner();  // wipes the seed

  std::string private_key_text() const;
  const VerifierKey& verifier() const { return verifier_; }

  // The signature line for `text` (a note text, ending in a newline):
  // "— <name> <base64(id || signature)>\n". A kCosignatureV1 key signs
  // "cosignature/v1\ntime <timestamp>\n" + text and puts the 8-byte big-endian timestamp before
  // the signature (requires timestamp <= 2^63 - 1, tlog-cosignature.md); a kEd25519 key ignores
  // `timestamp`.
  std::string sign(std::string_view text, std::uint64_t timestamp = 0) const;

 private:
  NoteSigner() = default;
  Seed seed_{};
  VerifierKey verifier_;
};

struct NoteSignature {
  std::string name;
  std::uint32_t id = 0;
  std::string signature;  // the bytes after the key id
};

struct Note {
  std::string text;  // up to and including its last newline, without the blank line
  std::vector<NoteSignature> signatures;
};

// Splits a signed note without verifying it. The text ends at the note's last blank line (so it
// may hold blank lines of its own). kInvalidArgument, one line naming the rule, for: more than
// kMaxNoteBytes, not UTF-8, an ASCII control character other than newline (CR, tab, NUL), no
// blank line before the signatures, no signature line, a signature line that is not
// `— <name> <base64>` ending in a newline (a name is_key_name() refuses, base64 that is not
// canonical), a signature under 5 bytes, more than kMaxNoteSignatures, or anything after the
// last signature line. Every signature is kept, in order, duplicates and unknown keys too.
Result<Note> parse_note(std::string_view note);

// A known key whose signature on the note verified, with the cosignature's timestamp (0 for a
// kEd25519 key).
struct NoteSigned {
  VerifierKey key;
  std::uint64_t timestamp = 0;
};

// The keys among `keys` that signed `note`, in `keys`' order, each once (with the timestamp of
// its first signature). Every signature whose name and id match a known key is verified (a
// cosignature's timestamp past 2^63 - 1 fails); signatures by unknown keys are ignored, even
// when they share the name or the id of a known key. kInvalidArgument, one line naming the key
// (quoted: names come from the network): "the signature by <name> (key <id>) does not verify"
// when a known key's signature fails, "no signature by <name(s)>" when no known key signed,
// "no key to verify the note with" for empty `keys`, "two known keys are named ..." when two
// different keys in `keys` share a name and an id and a signature names them.
Result<std::vector<NoteSigned>> verify_note(const Note& note, std::span<const VerifierKey> keys);

}  // namespace wreg::tlog
