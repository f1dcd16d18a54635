// WitnessClient: the log's side of c2sp.org/tlog-witness. Each checkpoint the log signs is sent
// to the configured witnesses (`--witness URL=VKEY`, `[witnesses]`), each with a consistency
// proof from the size it cosigned last, and the cosignatures they answer with are added to the
// checkpoint before it is stored and served (TransparencyLog's LogOptions::cosign), so that
// clients that require them (client/log_verifier.h) get them with every proof.
//
// A witness that does not answer, or answers with an error, is told on the server's log once
// and asked again after kRetryAfter: meanwhile the log's checkpoints go out without its
// cosignature (and the log asks again for the newest one each round), so that a witness that is
// down delays the registry's writes by at most one timeout, not by one per write.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/tlog/checkpoint.h"
#include "common/tlog/merkle.h"
#include "common/tlog/note.h"

namespace wreg::tlog {

struct WitnessSpec {
  std::string url;  // the submission prefix: http(s)://HOST[:PORT][/PATH], add-checkpoint below
  VerifierKey key;  // its cosigning key (type 0x04)
};

// `URL=VKEY`, e.g. `https://wreg.example.org/witness=wreg.example.org/wreg-witness+1a2b3c4d+BK...`.
// kInvalidArgument, one line saying what is wrong and how to write it.
Result<WitnessSpec> parse_witness_spec(std::string_view text);

class WitnessClient {
 public:
  static constexpr std::chrono::seconds kRetryAfter{10};

  // `timeout` bounds each request (connecting, then each read or write); `note` gets one line
  // per thing the operator should know. kInvalidArgument for a URL the transport refuses.
  static Result<std::unique_ptr<WitnessClient>> create(std::vector<WitnessSpec> witnesses,
                                                       std::chrono::milliseconds timeout,
                                                       std::function<void(std::string_view)> note);
  ~WitnessClient();
  WitnessClient(const WitnessClient&) = delete;
  WitnessClient& operator=(const WitnessClient&) = delete;

  // `note` (checkpoint's) with the cosignature of every witness that lacks one in it and
  // gives one now; `prove(from)` is the consistency proof from `from` entries to the
  // checkpoint, called from several threads at once (the witnesses are asked in parallel). Called
  // from one thread at a time.
  std::string cosign(const Checkpoint& checkpoint, const std::string& note,
                     const std::function<Result<std::vector<Hash>>(std::uint64_t from)>& prove);

 private:
  struct Impl;
  explicit WitnessClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace wreg::tlog
