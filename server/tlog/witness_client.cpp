#include "server/tlog/witness_client.h"

#include <optional>
#include <span>
#include <utility>

#include "client/config.h"
#include "client/parallel.h"
#include "client/transport/transport.h"
#include "common/text.h"
#include "common/tlog/consistency.h"

namespace wreg::tlog {
namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

// A witness answers with a few signature lines.
constexpr std::uint64_t kAnswerLimit = 64 * 1024;

Error witness_error(std::string what) { return fail(ErrorCode::kUnavailable, std::move(what)); }

// Whether `note` carries a signature by `key` (unverified: the log added it, after verifying).
bool signed_by(const Note& note, const VerifierKey& key) {
  for (const NoteSignature& signature : note.signatures) {
    if (signature.name == key.name && signature.id == key.id) return true;
  }
  return false;
}

// `url` (http(s)://HOST[:PORT][/PATH]) split into the part a Transport is made for and the path
// below it ("" when there is none).
std::pair<std::string, std::string> split_at_path(const std::string& url) {
  const std::size_t path = url.find('/', url.find("://") + 3);
  if (path == std::string::npos) return {url, ""};
  return {url.substr(0, path), url.substr(path)};
}

}  // namespace

Result<WitnessSpec> parse_witness_spec(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kInvalidArgument,
                "witness " + wreg::quoted(text) + ": " + why +
                    " (write URL=VKEY: the witness's submission prefix, e.g. "
                    "https://wreg.example.org/witness, and the verifier key it cosigns with)");
  };
  const std::size_t equals = text.find('=');
  if (equals == std::string_view::npos) return bad("it has no '='");
  std::string url(text.substr(0, equals));
  while (url.ends_with('/')) url.pop_back();
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return bad("the URL is not http:// or https://");
  }
  auto [origin, path] = split_at_path(url);
  auto base = client::normalize_registry_url(origin);
  if (!base) return bad(base.error().message);
  if (url.find_first_of("?# \t") != std::string::npos) {
    return bad("the URL has a query, a fragment or a space");
  }
  auto key = parse_verifier_key(text.substr(equals + 1));
  if (!key) return bad(key.error().message);
  if (key->type != kCosignatureV1) {
    return bad(
        "the key is not a witness's cosigning key (type 0x04); `wreg-server log "
        "witness-key` prints a wreg witness's");
  }
  return WitnessSpec{*base + path, *key};
}

struct WitnessClient::Impl {
  struct Witness {
    WitnessSpec spec;
    std::string target;  // the path of add-checkpoint under the transport's base URL
    std::unique_ptr<client::transport::Transport> transport;
    std::optional<std::uint64_t> cosigned_size;  // the size it cosigned last, once known
    Clock::time_point retry_at{};
    bool failing = false;
  };
  std::vector<Witness> witnesses;
  std::function<void(std::string_view)> tell;  // the operator's log

  // The cosignature lines `witness` gives `note` (checkpoint's), verified with its key.
  Result<std::string> ask(Witness& witness, const Checkpoint& checkpoint, const std::string& note,
                          const std::function<Result<std::vector<Hash>>(std::uint64_t)>& prove) {
    for (int attempt = 0;; ++attempt) {
      ConsistencyBody body;
      body.old_size = witness.cosigned_size.value_or(0);
      if (body.old_size > checkpoint.size) {
        return witness_error("it cosigned this log at " + std::to_string(body.old_size) +
                             " entries, more than the " + std::to_string(checkpoint.size) +
                             " it has now: the log went back (a restored backup?)");
      }
      if (body.old_size > 0) {
        auto proof = prove(body.old_size);
        if (!proof) return std::move(proof).error();
        body.proof = std::move(*proof);
      }
      body.checkpoint = note;
      client::transport::Request request{http::verb::post, witness.target, {}, body.text()};
      request.headers.emplace_back("User-Agent", std::string("wreg-server/") + WREG_VERSION);
      request.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
      auto answer = witness.transport->send(request, kAnswerLimit);
      if (!answer) return std::move(answer).error();
      const std::string said = wreg::quoted(answer->body);
      if (answer->status == 409 && answer->field("content-type").starts_with("text/x.tlog.size")) {
        std::uint64_t size = 0;
        std::string_view line = answer->body;
        if (line.ends_with('\n')) line.remove_suffix(1);
        if (!parse_decimal(line, size)) {
          return witness_error("it answered 409 with a size that does not read: " + said);
        }
        if (attempt == 0 && size != body.old_size) {
          witness.cosigned_size = size;  // what it cosigned before this server started
          continue;
        }
        return witness_error("it cosigned this log at " + std::to_string(size) +
                             " entries and refuses " + std::to_string(body.old_size));
      }
      if (answer->status != 200) {
        return witness_error("it answered HTTP " + std::to_string(answer->status) + ": " + said);
      }
      std::string lines;
      std::string_view rest = answer->body;
      while (!rest.empty()) {
        const std::size_t end = rest.find('\n');
        if (end == std::string_view::npos) break;
        const std::string line(rest.substr(0, end + 1));
        rest.remove_prefix(end + 1);
        auto with_line = parse_note(note + line);
        if (with_line && verify_note(*with_line, std::span(&witness.spec.key, 1))) lines += line;
      }
      if (lines.empty()) {
        return witness_error("its answer holds no cosignature by its key " +
                             witness.spec.key.to_string() + ": " + said);
      }
      witness.cosigned_size = checkpoint.size;
      return lines;
    }
  }
};

WitnessClient::WitnessClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WitnessClient::~WitnessClient() = default;

Result<std::unique_ptr<WitnessClient>> WitnessClient::create(
    std::vector<WitnessSpec> witnesses, std::chrono::milliseconds timeout,
    std::function<void(std::string_view)> note) {
  auto impl = std::make_unique<Impl>();
  impl->tell = std::move(note);
  for (WitnessSpec& spec : witnesses) {
    auto [origin, path] = split_at_path(spec.url);
    client::transport::TransportOptions options;
    options.connect_timeout = timeout;
    options.io_timeout = timeout;
    options.stall_timeout = timeout;
    options.max_attempts = 1;  // asked again next round, not here: the log's writes wait
    options.max_connections = 1;
    auto transport = client::transport::Transport::create(origin, options);
    if (!transport) return std::move(transport).error();
    Impl::Witness witness;
    witness.target = path + "/add-checkpoint";
    witness.spec = std::move(spec);
    witness.transport = std::move(*transport);
    impl->witnesses.push_back(std::move(witness));
  }
  return std::unique_ptr<WitnessClient>(new WitnessClient(std::move(impl)));
}

std::string WitnessClient::cosign(
    const Checkpoint& checkpoint, const std::string& note,
    const std::function<Result<std::vector<Hash>>(std::uint64_t from)>& prove) {
  auto parsed = parse_note(note);
  if (!parsed) return note;
  std::vector<Impl::Witness*> asked;
  for (Impl::Witness& witness : impl_->witnesses) {
    if (!signed_by(*parsed, witness.spec.key) && Clock::now() >= witness.retry_at) {
      asked.push_back(&witness);
    }
  }
  // All at once, so that the checkpoint waits for the slowest witness, not for their sum. Each
  // call touches its own witness only; `prove` reads the tree, which nothing extends meanwhile.
  std::vector<Result<std::string>> answers(asked.size(), Result<std::string>(Error{}));
  client::parallel_for(asked.size(), asked.size(), [&](std::size_t i) {
    answers[i] = impl_->ask(*asked[i], checkpoint, note, prove);
  });
  std::string cosigned = note;
  for (std::size_t i = 0; i < asked.size(); ++i) {
    Impl::Witness& witness = *asked[i];
    if (!answers[i]) {
      if (!witness.failing && impl_->tell) {
        impl_->tell("transparency log: witness " + witness.spec.url +
                    " did not cosign the checkpoint of " + std::to_string(checkpoint.size) +
                    " entries: " + answers[i].error().message +
                    "; checkpoints go out without its cosignature until it does (asked again "
                    "every " +
                    std::to_string(kRetryAfter.count()) + "s)");
      }
      witness.failing = true;
      witness.retry_at = Clock::now() + kRetryAfter;
      continue;
    }
    if (witness.failing && impl_->tell) {
      impl_->tell("transparency log: witness " + witness.spec.url + " cosigns again, from " +
                  std::to_string(checkpoint.size) + " entries");
    }
    witness.failing = false;
    cosigned += *answers[i];
  }
  return cosigned;
}

}  // namespace wreg::tlog
