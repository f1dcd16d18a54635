#include "common/tlog/note.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <new>
#include <string>
#include <vector>

#include "common/base64.h"
#include "common/digest.h"
#include "common/hex.h"
#include "common/text.h"
#include "tests/unit/tlog/refusals.h"

namespace wreg::tlog {
namespace {

const std::string kDash = "\xE2\x80\x94";  // U+2014, the em dash that starts a signature line

// signed-note.md, "Verifier keys", "Example".
const char* const kSpecKey =
    "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const std::string kSpecNote =
    "This is an example message.\n"
    "\n" +
    kDash +
    " example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM="
    "\n";

// golang.org/x/mod/sumdb/note's note_test.go (TestSign, TestOpen): Go's key pair, the note it
// signs and the signature line it expects, and a second key's signature on the same text.
const char* const kGoPrivateKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const char* const kGoKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const char* const kGoOtherKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const std::string kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kGoSignature =
    kDash +
    " PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kGoOtherSignature = kDash +
                                      " EnochRoot "
                                      "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
                                      "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// RFC 8032 section 7.1, TEST 1.
Seed rfc8032_seed() {
  Seed seed{};
  auto bytes = *hex_decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  std::copy(bytes.begin(), bytes.end(), seed.begin());
  return seed;
}

// A tlog-cosignature/v1 known answer: RFC 8032's TEST 1 seed as the witness "witness.example/w1",
// cosigning tlog-checkpoint.md's example checkpoint at tlog-cosignature.md's example time. The
// key and the signature were computed with RFC 8032 section 6's reference Python code, not with
// OpenSSL.
const char* const kWitnessKey =
    "witness.example/w1+eb762cc2+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
const char* const kWitnessPrivateKey =
    "PRIVATE+KEY+witness.example/w1+eb762cc2+BJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
const std::string kCheckpointText =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr std::uint64_t kWitnessTime = 1679315147;
const std::string kWitnessSignature =
    kDash +
    " witness.example/w1 "
    "63YswgAAAABkGFDL+TPmh4BYuAjsYRoqMJCWb/gWJaeRF/kmm5tlCr9sJ57DLErur7K0yDXc2ArN+TIuotuB/"
    "HbuL3AJsp3bv/aNCQ==\n";

std::string id_hex(std::uint32_t id) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8)
    append_hex(out, static_cast<std::uint8_t>(id >> shift));
  return out;
}

VerifierKey key_of(const char* text) {
  auto key = parse_verifier_key(text);
  EXPECT_TRUE(key.has_value()) << (key ? "" : key.error().message);
  return key ? *key : VerifierKey{};
}

Note note_of(const std::string& text) {
  auto note = parse_note(text);
  EXPECT_TRUE(note.has_value()) << (note ? "" : note.error().message);
  return note ? *note : Note{};
}

// The names of the keys verify_note() found, or its error message.
std::string verified_by(const std::string& note, std::vector<VerifierKey> keys) {
  auto parsed = parse_note(note);
  if (!parsed) return "parse: " + parsed.error().message;
  auto signers = verify_note(*parsed, keys);
  if (!signers) return "verify: " + signers.error().message;
  std::string names;
  for (const NoteSigned& signer : *signers) names += (names.empty() ? "" : ",") + signer.key.name;
  return names;
}

TEST(NoteTest, SpecExampleVerifies) {
  const VerifierKey key = key_of(kSpecKey);
  EXPECT_EQ(key.name, "example.com/foo");
  EXPECT_EQ(key.id, 0x530d903au);
  EXPECT_EQ(key.type, kEd25519);
  EXPECT_EQ(key.to_string(), kSpecKey);
  EXPECT_EQ(key_id(key.name, key.type, key.public_key), key.id);

  const Note note = note_of(kSpecNote);
  EXPECT_EQ(note.text, "This is an example message.\n");
  ASSERT_EQ(note.signatures.size(), 1u);
  EXPECT_EQ(note.signatures[0].name, "example.com/foo");
  EXPECT_EQ(note.signatures[0].id, 0x530d903au);
  EXPECT_EQ(note.signatures[0].signature.size(), 64u);
  const std::vector<VerifierKey> keys = {key};
  auto signers = verify_note(note, keys);
  ASSERT_TRUE(signers.has_value()) << signers.error().message;
  ASSERT_EQ(signers->size(), 1u);
  EXPECT_EQ((*signers)[0].key, key);
  EXPECT_EQ((*signers)[0].timestamp, 0u);
}

// Go's key texts, key ids and signatures, byte for byte.
TEST(NoteTest, AgreesWithGoSumdbNote) {
  auto signer = NoteSigner::parse(kGoPrivateKey);
  ASSERT_TRUE(signer.has_value()) << signer.error().message;
  EXPECT_EQ(signer->private_key_text(), kGoPrivateKey);
  EXPECT_EQ(signer->verifier().to_string(), kGoKey);
  EXPECT_EQ(signer->verifier().id, 0xc74f20a3u);
  EXPECT_EQ(signer->sign(kGoText), kGoSignature);
  EXPECT_EQ(key_of(kGoKey), signer->verifier());

  const std::string note = kGoText + "\n" + kGoSignature + kGoOtherSignature;
  EXPECT_EQ(verified_by(note, {key_of(kGoKey)}), "PeterNeumann");
  EXPECT_EQ(verified_by(note, {key_of(kGoOtherKey)}), "EnochRoot");
  // In the keys' order, not the signatures'.
  EXPECT_EQ(verified_by(note, {key_of(kGoOtherKey), key_of(kGoKey)}), "EnochRoot,PeterNeumann");
}

TEST(NoteTest, Rfc8032TestOneThroughNoteSigner) {
  auto signer = NoteSigner::from_seed("rfc8032", rfc8032_seed());
  ASSERT_TRUE(signer.has_value());
  EXPECT_EQ(hex_encode(std::span<const std::uint8_t>(signer->verifier().public_key)),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const std::string line = signer->sign("");
  const std::string prefix = kDash + " rfc8032 ";
  ASSERT_TRUE(line.starts_with(prefix) && line.ends_with("\n")) << line;
  auto payload = base64_decode(line.substr(prefix.size(), line.size() - prefix.size() - 1));
  ASSERT_TRUE(payload.has_value());
  ASSERT_EQ(payload->size(), 4u + 64u);
  EXPECT_EQ(hex_encode(payload->substr(0, 4)), id_hex(signer->verifier().id));
  EXPECT_EQ(hex_encode(payload->substr(4)),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39"
            "701cf9b46bd25bf5f0595bbe24655141438e7a100b");
}

TEST(NoteTest, CosignatureKnownAnswer) {
  auto witness = NoteSigner::from_seed("witness.example/w1", rfc8032_seed(), kCosignatureV1);
  ASSERT_TRUE(witness.has_value());
  EXPECT_EQ(witness->verifier().to_string(), kWitnessKey);
  EXPECT_EQ(witness->private_key_text(), kWitnessPrivateKey);
  EXPECT_EQ(witness->sign(kCheckpointText, kWitnessTime), kWitnessSignature);
  auto parsed = NoteSigner::parse(kWitnessPrivateKey);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->verifier(), witness->verifier());

  // The log's own signature and the witness's, each checked with its key.
  auto log = NoteSigner::from_seed("example.com/behind-the-sofa", Seed{7});
  ASSERT_TRUE(log.has_value());
  const std::string note = kCheckpointText + "\n" + log->sign(kCheckpointText) + kWitnessSignature;
  const std::vector<VerifierKey> keys = {log->verifier(), key_of(kWitnessKey)};
  auto signers = verify_note(note_of(note), keys);
  ASSERT_TRUE(signers.has_value()) << signers.error().message;
  ASSERT_EQ(signers->size(), 2u);
  EXPECT_EQ((*signers)[0].timestamp, 0u);
  EXPECT_EQ((*signers)[1].key.name, "witness.example/w1");
  EXPECT_EQ((*signers)[1].timestamp, kWitnessTime);
}

TEST(NoteTest, CosignatureCoversItsTimestampAndIsNotAnEd25519Signature) {
  auto witness = NoteSigner::from_seed("w", Seed{3}, kCosignatureV1);
  ASSERT_TRUE(witness.has_value());
  const std::string line = witness->sign(kCheckpointText, 1000);
  // The timestamp is the 8 bytes after the key id: move it by one second.
  const std::string prefix = kDash + " w ";
  auto payload = *base64_decode(line.substr(prefix.size(), line.size() - prefix.size() - 1));
  payload[11] = static_cast<char>(payload[11] + 1);
  const std::string moved = prefix + base64_encode(payload) + "\n";
  EXPECT_EQ(verified_by(kCheckpointText + "\n" + line, {witness->verifier()}), "w");
  EXPECT_NE(verified_by(kCheckpointText + "\n" + moved, {witness->verifier()}).find("verify: "),
            std::string::npos);
  // The same seed as an Ed25519 log key has another id, so the cosignature is not its signature.
  auto as_log = NoteSigner::from_seed("w", Seed{3}, kEd25519);
  ASSERT_TRUE(as_log.has_value());
  EXPECT_NE(as_log->verifier().id, witness->verifier().id);
  EXPECT_EQ(verified_by(kCheckpointText + "\n" + line, {as_log->verifier()}),
            "verify: no signature by \"w\" on the note");
  // tlog-cosignature.md: a timestamp is at most 2^63 - 1. Signatures by the known-answer key
  // over 2^63 - 1 and over 2^63 (computed like kWitnessSignature): the second is refused.
  const std::string last = kDash +
                           " witness.example/w1 "
                           "63Yswn//////////0eK5YpiZVAr8EyCe/"
                           "jzWkEgOMn79qBVLu0KCpAqvSq+5qwKzvFPxKzMT8gqUhNkLRpNplaqDz47pCv"
                           "m5yWXUAw==\n";
  const std::string past = kDash +
                           " witness.example/w1 "
                           "63YswoAAAAAAAAAAuh3AU8a1aUNbvOTb5owdYoIhbMPDg2jPah+"
                           "WlAgDjQweOxCs0hFnP0jMrGKporGZ2t/FOmCFnDaEKm"
                           "jvCOi3Ag==\n";
  const std::vector<VerifierKey> keys = {key_of(kWitnessKey)};
  auto signers = verify_note(note_of(kCheckpointText + "\n" + last), keys);
  ASSERT_TRUE(signers.has_value()) << signers.error().message;
  EXPECT_EQ((*signers)[0].timestamp, (std::uint64_t{1} << 63) - 1);
  EXPECT_NE(verified_by(kCheckpointText + "\n" + past, keys).find("does not verify"),
            std::string::npos);
}

TEST(NoteTest, SignThenVerifyRoundTrip) {
  auto signer = NoteSigner::from_seed("wreg.example/log", Seed{1, 2, 3});
  ASSERT_TRUE(signer.has_value());
  const std::string text = "wreg.example/log\n5\n" + base64_encode(std::string(32, 'x')) + "\n";
  const std::string note = text + "\n" + signer->sign(text);
  EXPECT_EQ(note_of(note).text, text);
  EXPECT_EQ(verified_by(note, {signer->verifier()}), "wreg.example/log");
  // Deterministic: the same text gives the same line.
  EXPECT_EQ(signer->sign(text), signer->sign(text));
  // A copy signs the same; the copy's key text is the original's.
  const NoteSigner copy = *signer;
  EXPECT_EQ(copy.sign(text), signer->sign(text));
  EXPECT_EQ(copy.private_key_text(), signer->private_key_text());
}

// signed-note.md: unknown keys, even sharing a name or an id with a known one, are ignored; a
// known key's failing signature rejects the note; no known signature rejects it.
TEST(NoteTest, VerificationRulesOfTheSpec) {
  auto known = NoteSigner::from_seed("log.example", Seed{1});
  auto other = NoteSigner::from_seed("log.example", Seed{2});  // same name, another id
  auto stranger = NoteSigner::from_seed("stranger.example", Seed{3});
  ASSERT_TRUE(known && other && stranger);
  const std::string text = "hello\n";
  const std::string good = known->sign(text);
  const std::vector<VerifierKey> keys = {known->verifier()};

  EXPECT_EQ(verified_by(text + "\n" + other->sign(text) + good + stranger->sign(text), keys),
            "log.example");
  // The right id under another name is another key: ignored, so nothing known signed.
  std::string renamed = good;
  renamed.replace(kDash.size() + 1, std::string("log.example").size(), "log.exampl3");
  EXPECT_EQ(verified_by(text + "\n" + renamed, keys),
            "verify: no signature by \"log.example\" on the note");
  // The right name with another id (another key's signature): ignored likewise.
  EXPECT_EQ(verified_by(text + "\n" + other->sign(text), keys),
            "verify: no signature by \"log.example\" on the note");
  // The known key's name and id on a signature of other text: refused, naming the key.
  const std::string forged = known->sign("goodbye\n");
  EXPECT_EQ(verified_by(text + "\n" + good + forged, keys),
            "verify: the signature by \"log.example\" (key " +
                known->verifier().to_string().substr(12, 8) +
                ") does not verify: the note was changed, or another key signed it");
  // A known key's signature of the wrong length.
  const std::string prefix = kDash + " log.example ";
  std::string payload = *base64_decode(good.substr(prefix.size(), good.size() - prefix.size() - 1));
  EXPECT_NE(verified_by(text + "\n" + prefix + base64_encode(payload + "x") + "\n", keys)
                .find("does not verify"),
            std::string::npos);
  EXPECT_NE(verified_by(text + "\n" + prefix + base64_encode(payload.substr(0, 5)) + "\n", keys)
                .find("does not verify"),
            std::string::npos);
  // No keys at all.
  EXPECT_EQ(verified_by(text + "\n" + good, {}), "verify: no key to verify the note with");
  // A key signing twice is listed once.
  EXPECT_EQ(verified_by(text + "\n" + good + good, keys), "log.example");
  // Two different keys with one name and id are a configuration mistake, said so.
  VerifierKey twin = known->verifier();
  twin.public_key[0] ^= 1;
  EXPECT_NE(verified_by(text + "\n" + good, {known->verifier(), twin}).find("two known keys"),
            std::string::npos);
  // The same key given twice is one key.
  EXPECT_EQ(verified_by(text + "\n" + good, {known->verifier(), known->verifier()}), "log.example");
}

TEST(NoteTest, EveryFlippedBitIsCaught) {
  auto signer = NoteSigner::from_seed("log.example", Seed{9});
  ASSERT_TRUE(signer.has_value());
  const std::string text = "log.example\n12\n" + base64_encode(std::string(32, '\x01')) + "\n";
  const std::string note = text + "\n" + signer->sign(text);
  const std::vector<VerifierKey> keys = {signer->verifier()};
  ASSERT_EQ(verified_by(note, keys), "log.example");
  for (std::size_t at = 0; at < note.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = note;
      flipped[at] = static_cast<char>(flipped[at] ^ (1 << bit));
      const std::string outcome = verified_by(flipped, keys);
      EXPECT_TRUE(outcome.starts_with("parse: ") || outcome.starts_with("verify: "))
          << "byte " << at << " bit " << bit << ": " << outcome;
      EXPECT_EQ(outcome.find('\n'), std::string::npos) << outcome;
    }
  }
}

TEST(NoteTest, HostileNotesAreRefusedInOneLine) {
  auto signer = NoteSigner::from_seed("log.example", Seed{4});
  ASSERT_TRUE(signer.has_value());
  const std::string text = "hello\nworld\n";
  const std::string sig = signer->sign(text);
  const std::string good = text + "\n" + sig;
  ASSERT_TRUE(parse_note(good).has_value());
  std::string many = text + "\n";
  for (std::size_t i = 0; i < kMaxNoteSignatures + 1; ++i) many += sig;
  std::string most = text + "\n";
  for (std::size_t i = 0; i < kMaxNoteSignatures; ++i) most += sig;
  ASSERT_TRUE(parse_note(most).has_value());
  const std::string no_dash_line = "- log.example " + sig.substr(kDash.size() + 13);

  const Refusals cases = {
      {"", "no blank line before the signatures"},
      {text, "no blank line before the signatures"},
      {text + "\n", "no signature lines after the blank line"},
      {"hello\nworld\n" + sig, "no blank line before the signatures"},  // the blank line missing
      {good + "Unexpected line.\n", "is not a signature"},
      {good + "\n", "no signature lines after the blank line"},  // a blank line after them
      {good.substr(0, good.size() - 1), "does not end in a newline"},
      {good + sig.substr(0, sig.size() - 1), "does not end in a newline"},
      {"hello\r\nworld\n\n" + sig, "control character \\x0d"},
      {"hello\nworld\n\n" + sig.substr(0, sig.size() - 1) + "\r\n", "control character \\x0d"},
      {std::string("hel\0lo\n", 7) + "\n" + sig, "control character \\x00"},
      {"hello\tworld\n\n" + sig, "control character \\x09"},
      {"hello \xff world\n\n" + sig, "not UTF-8"},
      {"hello \xc0\xaf world\n\n" + sig, "not UTF-8"},  // an overlong '/'
      {text + "\n" + no_dash_line, "is not a signature"},
      {text + "\n" + kDash + "log.example " + sig.substr(kDash.size() + 13), "is not a signature"},
      {text + "\n" + kDash + "  log.example AAAAAAA=\n", "key name \"\" is not valid"},
      {text + "\n" + kDash + " log+example AAAAAAA=\n", "key name \"log+example\" is not valid"},
      {text + "\n" + kDash +
           " log\xc2\xa0"
           "example AAAAAAA=\n",
       "is not valid"},  // NBSP
      {text + "\n" + kDash + " log.example\n", "has no signature"},
      {text + "\n" + kDash + " log.example \n", "has no signature"},
      {text + "\n" + kDash + " log.example  AAAAAAA=\n", "not canonical base64"},
      {text + "\n" + kDash + " log.example AAAAAAA\n", "not canonical base64"},
      {text + "\n" + kDash + " log.example AAAAAAB=\n", "not canonical base64"},
      {text + "\n" + kDash + " log.example AAAAAA==\n", "too short"},
      {text + "\n" + kDash + " log.example AAAAAAA= \n", "not canonical base64"},
      {many, "more than 64 signatures"},
      {std::string(kMaxNoteBytes - sig.size() + 1 - 2, 'a') + "\n\n" + sig, "longer than 65536"},
  };
  expect_refused(parse_note, cases);
  // At the limit exactly, a note is read.
  EXPECT_TRUE(parse_note(std::string(kMaxNoteBytes - sig.size() - 2, 'a') + "\n\n" + sig));
}

TEST(NoteTest, TextMayHoldEmptyLinesAndEndsAtTheLastOne) {
  auto signer = NoteSigner::from_seed("log.example", Seed{5});
  ASSERT_TRUE(signer.has_value());
  const std::string text = "para one\n\npara two\n\n";
  const std::string note = text + "\n" + signer->sign(text);
  EXPECT_EQ(note_of(note).text, text);
  EXPECT_EQ(verified_by(note, {signer->verifier()}), "log.example");
  // Non-ASCII text and key names are fine when they are UTF-8 without spaces.
  auto named = NoteSigner::from_seed("caf\xc3\xa9.example/\xe6\x97\xa5", Seed{6});
  ASSERT_TRUE(named.has_value());
  const std::string unicode = "\xe2\x9c\x93 ok\n";
  EXPECT_EQ(verified_by(unicode + "\n" + named->sign(unicode), {named->verifier()}),
            named->verifier().name);
}

TEST(NoteTest, ErrorsNameTheKeyQuoted) {
  auto signer = NoteSigner::from_seed(
      "log.example/\xe2\x80\xae"
      "evil",
      Seed{8});
  ASSERT_TRUE(signer.has_value());
  const std::string note = "a\n\n" + signer->sign("b\n");
  auto parsed = parse_note(note);
  ASSERT_TRUE(parsed.has_value());
  const std::vector<VerifierKey> keys = {signer->verifier()};
  auto result = verify_note(*parsed, keys);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find(wreg::quoted(signer->verifier().name)), std::string::npos)
      << result.error().message;
  EXPECT_EQ(result.error().message.find("\xe2\x80\xae"), std::string::npos);
}

TEST(NoteTest, KeyNames) {
  EXPECT_TRUE(is_key_name("example.com/foo"));
  EXPECT_TRUE(is_key_name("caf\xc3\xa9"));
  for (const char* bad : {"", "a b", "a+b", "a\tb", "a\nb", "a\x7f", "a\xc2\x85", "a\xc2\xa0",
                          "a\xe2\x80\x83", "a\xe3\x80\x80", "a\xff", "\xc0\xaf"}) {
    EXPECT_FALSE(is_key_name(bad)) << escaped(bad);
  }
}

TEST(NoteTest, VerifierKeyRoundTripsAndRefusesManglings) {
  for (const char* text : {kSpecKey, kGoKey, kGoOtherKey, kWitnessKey}) {
    auto key = parse_verifier_key(text);
    ASSERT_TRUE(key.has_value()) << text;
    EXPECT_EQ(key->to_string(), text);
  }
  // Go's TestNewVerifier: every proper substring and every byte changed by one is refused.
  const std::string key = kGoKey;
  for (std::size_t i = 0; i <= key.size(); ++i) {
    for (std::size_t j = i + 1; j <= key.size(); ++j) {
      if (i == 0 && j == key.size()) continue;
      EXPECT_FALSE(parse_verifier_key(key.substr(i, j - i)).has_value()) << key.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < key.size(); ++i) {
    std::string changed = key;
    changed[i] = static_cast<char>(changed[i] + 1);
    EXPECT_FALSE(parse_verifier_key(changed).has_value()) << changed;
  }
}

// A vkey built from parts, with the id computed so that only the rule under test fails.
std::string vkey(const std::string& name, std::uint8_t type, const std::string& key,
                 const char* id = nullptr) {
  // Unless given, the id over the bytes as they are (of any length), as the spec defines it.
  const std::string hex_id =
      id ? std::string(id)
         : Digest::of(name + "\n" + static_cast<char>(type) + key).hex().substr(0, 8);
  return name + "+" + hex_id + "+" + base64_encode(std::string(1, static_cast<char>(type)) + key);
}

TEST(NoteTest, HostileVerifierKeys) {
  const std::string key32(32, '\x42');
  ASSERT_TRUE(parse_verifier_key(vkey("good.example", 1, key32)).has_value());
  ASSERT_TRUE(parse_verifier_key(vkey("good.example", 4, key32)).has_value());
  const std::string good = vkey("good.example", 1, key32);
  const std::string upper = good.substr(0, 13) +
                            hex_encode(*hex_decode(good.substr(13, 8)), HexCase::kUpper) +
                            good.substr(21);
  const Refusals cases = {
      {"", "not three parts"},
      {"good.example", "not three parts"},
      {"good.example+530d903a", "not three parts"},
      {vkey("", 1, key32), "the name is empty"},
      {vkey("bad name", 1, key32), "the name is empty"},
      {vkey("bad\tname", 1, key32), "the name is empty"},
      {upper, "8 lowercase hex digits"},
      {vkey("good.example", 1, key32, "530d903"), "8 lowercase hex digits"},
      {vkey("good.example", 1, key32, "530d903aa"), "8 lowercase hex digits"},
      {vkey("good.example", 1, key32, "530d903g"), "8 lowercase hex digits"},
      {vkey("good.example", 1, key32, "+30d903a"), "8 lowercase hex digits"},
      {good.substr(0, good.size() - 1), "not canonical base64"},
      {good + "=", "not canonical base64"},
      {good.substr(0, good.size() - 1) + "\n", "not canonical base64"},
      {"good.example+00000000+", "type is not 0x01"},
      {vkey("good.example", 2, key32), "type is not 0x01"},
      {vkey("good.example", 5, key32), "type is not 0x01"},
      {vkey("good.example", 0xff, key32), "type is not 0x01"},
      {vkey("good.example", 1, std::string(31, 'B')), "not 32 bytes"},
      {vkey("good.example", 1, std::string(33, 'B')), "not 32 bytes"},
      {vkey("good.example", 1, ""), "not 32 bytes"},
      {vkey("good.example", 1, key32, "00000000"), "is not the id of this name and key"},
      {vkey("good.example", 1, key32, "ffffffff"), "is not the id of this name and key"},
  };
  expect_refused(parse_verifier_key, cases);
  // The id of one type is not the id of the other: a type changed in transit is caught.
  std::string retyped = vkey("good.example", 1, key32);
  const auto plus = retyped.rfind('+');
  retyped = retyped.substr(0, plus + 1) + base64_encode(std::string(1, '\x04') + key32);
  EXPECT_FALSE(parse_verifier_key(retyped).has_value());
}

TEST(NoteTest, PrivateKeyTextRefusesManglingsWithoutEchoingTheSecret) {
  const std::string text = kGoPrivateKey;
  const std::string secret = text.substr(text.rfind('+') + 1);
  auto check = [&](const std::string& mangled) {
    auto signer = NoteSigner::parse(mangled);
    ASSERT_FALSE(signer.has_value()) << mangled;
    const std::string& message = signer.error().message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    // No run of 6 characters of the secret's text appears in the message.
    for (std::size_t at = 0; at + 6 <= secret.size(); ++at) {
      EXPECT_EQ(message.find(secret.substr(at, 6)), std::string::npos) << message;
    }
    EXPECT_EQ(message.find("PeterNeumann"), std::string::npos) << message;
  };
  // Go's TestNewSigner: every proper substring and every byte changed by one.
  for (std::size_t i = 0; i <= text.size(); ++i) {
    for (std::size_t j = i + 1; j <= text.size(); ++j) {
      if (i == 0 && j == text.size()) continue;
      check(text.substr(i, j - i));
    }
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] = static_cast<char>(changed[i] + 1);
    check(changed);
  }
  check(kGoKey);  // a verifier key is not a private key
  EXPECT_EQ(NoteSigner::parse("PRIVATE+KEY+x+00000000+" + secret).error().message.find(secret),
            std::string::npos);
}

TEST(NoteTest, SignerRefusesBadNamesAndTypes) {
  EXPECT_FALSE(NoteSigner::from_seed("", Seed{}).has_value());
  EXPECT_FALSE(NoteSigner::from_seed("a b", Seed{}).has_value());
  EXPECT_FALSE(NoteSigner::from_seed("a+b", Seed{}).has_value());
  EXPECT_FALSE(NoteSigner::from_seed("ok", Seed{}, 0x02).has_value());
  EXPECT_FALSE(NoteSigner::from_seed("ok", Seed{}, 0x00).has_value());
  EXPECT_TRUE(NoteSigner::from_seed("ok", Seed{}, kCosignatureV1).has_value());
}

// The seed does not outlive its signer in memory: the destructor wipes it.
TEST(NoteTest, DestructorWipesTheSeed) {
  Seed seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(0xa0 + i);
  auto signer = NoteSigner::from_seed("wipe.example", seed);
  ASSERT_TRUE(signer.has_value());
  alignas(NoteSigner) unsigned char storage[sizeof(NoteSigner)];
  auto* placed = new (storage) NoteSigner(*signer);
  auto holds_seed = [&] {
    return std::search(std::begin(storage), std::end(storage), seed.begin(), seed.end()) !=
           std::end(storage);
  };
  ASSERT_TRUE(holds_seed());
  placed->~NoteSigner();
  EXPECT_FALSE(holds_seed());
}

}  // namespace
}  // namespace wreg::tlog
