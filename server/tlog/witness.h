// Witness: this server cosigning other transparency logs' checkpoints, as c2sp.org/tlog-witness
// describes a witness. A registry that witnesses its peers' logs (and has them witness its own)
// lets their clients require that more than the log's operator saw a checkpoint: a log that
// shows one history to its witnesses and another to a client is then caught by the client, not
// only by whoever compares notes later.
//
// `POST /witness/add-checkpoint` (the submission prefix is the registry's URL + "/witness")
// takes `old <size>`, a consistency proof, a blank line and a checkpoint signed by one of the
// logs this witness is configured for (`witness-for`). It cosigns the checkpoint (a timestamped
// cosignature/v1, type 0x04) when the proof joins it to the newest checkpoint it cosigned for
// that log, and keeps it (schema/0005_witness.sql) before answering. Answers, as the spec asks:
//   200  the cosignature line                    404  a log this witness does not know
//   400  a body that does not read, old > size   403  not signed by the log's key
//   409  `old` is not the size it cosigned last (the body is that size, text/x.tlog.size), or
//        the same size with another root         422  the consistency proof does not verify
// A checkpoint is recorded only in place of the one it was checked against (a compare-and-swap in
// the database, MetadataStore::record_witnessed), so that two requests, on one replica or on
// several sharing a database, cannot both pass the check from one size: the second is answered
// 409 with the size the first left, and neither a fork nor a roll-back is ever cosigned.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/tlog/note.h"
#include "server/store/metadata_store.h"

namespace wreg::tlog {

struct WitnessAnswer {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class Witness {
 public:
  // `cosigner` is a kCosignatureV1 key (load_or_create_witness_key()); `logs` the verifier keys
  // of the logs it witnesses; `now` the Unix time in seconds its cosignatures carry.
  Witness(store::MetadataStore& store, NoteSigner cosigner, std::vector<VerifierKey> logs,
          std::function<std::uint64_t()> now);

  WitnessAnswer add_checkpoint(std::string_view body);

  const VerifierKey& verifier() const { return cosigner_.verifier(); }
  const std::vector<VerifierKey>& logs() const { return logs_; }

 private:
  store::MetadataStore& store_;
  const NoteSigner cosigner_;
  const std::vector<VerifierKey> logs_;
  const std::function<std::uint64_t()> now_;
};

}  // namespace wreg::tlog
