// libFuzzer target for the transparency log's text formats that come from the network
// (common/tlog): signed notes, checkpoints, verifier keys, tlog proofs, consistency proof bodies
// and private key text.
// Nothing crashes; every refusal is one line; whatever is read writes back to the same bytes,
// since each of these formats has one spelling; and verifying a note that was read gives either
// its known signers or one line. The seeds hold notes signed by the two keys below.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/base64.h"
#include "common/tlog/checkpoint.h"
#include "common/tlog/consistency.h"
#include "common/tlog/note.h"
#include "common/tlog/proof.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using wreg::fuzz::is_one_line;
namespace tlog = wreg::tlog;

// log.example (seed 32 x 0x01, Ed25519) and witness.example (seed 32 x 0x02, cosignature).
const std::vector<tlog::VerifierKey>& known_keys() {
  static const std::vector<tlog::VerifierKey> keys = [] {
    tlog::Seed log_seed;
    log_seed.fill(0x01);
    tlog::Seed witness_seed;
    witness_seed.fill(0x02);
    return std::vector<tlog::VerifierKey>{
        tlog::NoteSigner::from_seed("log.example", log_seed)->verifier(),
        tlog::NoteSigner::from_seed("witness.example", witness_seed, tlog::kCosignatureV1)
            ->verifier()};
  }();
  return keys;
}

std::string note_text(const tlog::Note& note) {
  std::string out = note.text + "\n";
  for (const tlog::NoteSignature& signature : note.signatures) {
    std::string payload;
    for (int shift = 24; shift >= 0; shift -= 8) {
      payload += static_cast<char>(signature.id >> shift & 0xff);
    }
    payload += signature.signature;
    out += "\xE2\x80\x94 " + signature.name + " " + wreg::base64_encode(payload) + "\n";
  }
  return out;
}

void check_checkpoint(std::string_view text) {
  auto checkpoint = tlog::parse_checkpoint(text);
  if (!checkpoint) {
    WREG_FUZZ_CHECK(is_one_line(checkpoint.error().message));
    return;
  }
  WREG_FUZZ_CHECK(checkpoint->text() == text);
}

void check_note(std::string_view text) {
  auto note = tlog::parse_note(text);
  if (!note) {
    WREG_FUZZ_CHECK(note.error().code == wreg::ErrorCode::kInvalidArgument);
    WREG_FUZZ_CHECK(is_one_line(note.error().message));
    return;
  }
  WREG_FUZZ_CHECK(note_text(*note) == text);
  WREG_FUZZ_CHECK(!note->signatures.empty() && note->signatures.size() <= tlog::kMaxNoteSignatures);
  auto signers = tlog::verify_note(*note, known_keys());
  if (!signers) {
    WREG_FUZZ_CHECK(is_one_line(signers.error().message));
  } else {
    WREG_FUZZ_CHECK(!signers->empty() && signers->size() <= known_keys().size());
  }
  check_checkpoint(note->text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = wreg::fuzz::as_text(data, size);
  check_note(text);
  check_checkpoint(text);

  auto key = tlog::parse_verifier_key(text);
  if (!key) {
    WREG_FUZZ_CHECK(is_one_line(key.error().message));
  } else {
    WREG_FUZZ_CHECK(key->to_string() == text);
  }

  auto signer = tlog::NoteSigner::parse(text);
  if (!signer) {
    WREG_FUZZ_CHECK(is_one_line(signer.error().message));
  } else {
    WREG_FUZZ_CHECK(signer->private_key_text() == text);
  }

  auto consistency = tlog::parse_consistency_body(text);
  if (!consistency) {
    WREG_FUZZ_CHECK(is_one_line(consistency.error().message));
  } else {
    WREG_FUZZ_CHECK(consistency->text() == text);
    WREG_FUZZ_CHECK(consistency->proof.size() <= 63);
    if (!consistency->checkpoint.empty()) check_note(consistency->checkpoint);
  }

  auto proof = tlog::parse_tlog_proof(text);
  if (!proof) {
    WREG_FUZZ_CHECK(is_one_line(proof.error().message));
    return 0;
  }
  WREG_FUZZ_CHECK(proof->text() == text);
  WREG_FUZZ_CHECK(proof->path.size() <= 63);
  check_note(proof->checkpoint);
  // The proof checked against its own checkpoint, whatever the numbers: an answer, never a crash.
  if (auto note = tlog::parse_note(proof->checkpoint)) {
    if (auto head = tlog::parse_checkpoint(note->text)) {
      const tlog::Hash leaf = tlog::leaf_hash(proof->extra);
      (void)tlog::verify_inclusion(leaf, proof->index, head->size, proof->path, head->root);
      (void)tlog::verify_consistency(proof->index, head->size, leaf, head->root, proof->path);
    }
  }
  return 0;
}
