#include "server/admin/commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <ostream>
#include <set>

#include "common/mapped_file.h"
#include "common/oci/artifact.h"
#include "common/text.h"
#include "common/version_req.h"
#include "server/admin/backup.h"
#include "server/admin/migrate.h"
#include "server/api/serve.h"
#include "server/auth/tokens.h"
#include "server/mirror/mirror.h"
#include "server/store/data_dir.h"
#include "server/store/metadata_rows.h"
#include "server/tlog/audit.h"
#include "server/tlog/log_key.h"

namespace wreg::admin {
namespace {

namespace fs = std::filesystem;

int report(std::ostream& err, const Error& error) {
  err << "wreg-server: " << error.message << "\n";
  return 1;
}

// Opens the data dir for an admin command: only namespace create makes a missing one.
Result<store::DataDir> open_dir(const store::StoreLocation& where, store::MissingDir missing) {
  store::DataDirOptions options;
  options.missing = missing;
  options.connections = 1;
  return store::open_data_dir(where, std::move(options));
}

// Runs a command body, so that no exception from a library escapes into CLI11 or main().
template <typename Body>
int guarded(std::ostream& err, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    err << "wreg-server: unexpected failure: " << e.what() << "\n";
    return 1;
  }
}

// fsck's checks of the stored OCI manifests (schema/0002_oci.sql), reading only: each manifest's
// bytes hash to its recorded digest and read as a Wasm artifact manifest (common/oci/artifact.h)
// whose layer is its release's blob, with the size that blob has, and whose config is the blob
// the row records, holding a Wasm config. `stored` holds the blobs on disk and their sizes;
// `damaged` the ones already reported corrupt or unreadable, and a missing blob is reported by
// the check of referenced blobs, so neither is reported again here. A row whose release is gone
// is a foreign key violation, which the database check reports. Calls `problem` once a problem.
void check_manifests(store::BlobStore& blobs, const std::vector<store::StoredManifest>& manifests,
                     const std::map<Digest, std::uint64_t>& stored, const std::set<Digest>& damaged,
                     const std::function<void(const std::string&)>& problem) {
  constexpr std::string_view kRestore = "; restore the database from a backup";
  for (const store::StoredManifest& row : manifests) {
    const store::OciManifest& manifest = row.manifest;
    const std::string subject =
        "OCI manifest " + manifest.digest.to_string() + " of " + row.release.to_string();
    if (const Digest actual = Digest::of(manifest.content); !(actual == manifest.digest)) {
      problem("corrupt " + subject + ": its bytes hash to " + actual.to_string() +
              std::string(kRestore));
      continue;
    }
    auto read = oci::read_manifest(manifest.content);
    auto artifact = read ? oci::wasm_artifact_of(*read, manifest.media_type)
                         : Result<oci::WasmArtifact>(read.error());
    if (!artifact) {
      problem(subject + " is not a Wasm artifact manifest: " + artifact.error().message +
              std::string(kRestore));
      continue;
    }
    if (!(artifact->layer == row.release_digest)) {
      problem(subject + " names the layer " + artifact->layer.to_string() +
              ", but the release's bytes are " + row.release_digest.to_string() +
              std::string(kRestore));
    } else if (const auto blob = stored.find(artifact->layer);
               blob != stored.end() && blob->second != artifact->layer_size) {
      problem(subject + " gives its layer a size of " + std::to_string(artifact->layer_size) +
              " bytes, but the blob " + artifact->layer.to_string() + " has " +
              std::to_string(blob->second) + std::string(kRestore));
    }
    if (!(artifact->config == manifest.config) || artifact->config_size != manifest.config_size) {
      problem(subject + " names the config " + artifact->config.to_string() + " (" +
              std::to_string(artifact->config_size) + " bytes), but the database records " +
              manifest.config.to_string() + " (" + std::to_string(manifest.config_size) +
              " bytes)" + std::string(kRestore));
      continue;
    }
    if (!stored.contains(manifest.config) || damaged.contains(manifest.config)) continue;
    auto file = blobs.locate(manifest.config);
    auto mapped = file ? MappedFile::open(file->path.string()) : Result<MappedFile>(file.error());
    if (!mapped) {
      problem("unreadable config blob " + manifest.config.to_string() + " of the " + subject +
              ": " + mapped.error().message);
      continue;
    }
    const auto bytes = mapped->bytes();
    if (auto config = oci::read_wasm_config(
            std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
        !config) {
      problem("config blob " + manifest.config.to_string() + " of the " + subject +
              " is not a Wasm config: " + config.error().message +
              "; restore the blob from a backup");
    }
  }
}

}  // namespace

Result<store::StoreLocation> store_location_of(const LocationFlags& flags) {
  api::ServeOptions settings;
  if (flags.config) {
    if (auto loaded = api::load_config(*flags.config, settings); !loaded) {
      return std::move(loaded).error();
    }
  }
  store::StoreLocation location(flags.data ? fs::path(*flags.data) : settings.data,
                                flags.database ? *flags.database : settings.database,
                                flags.blobs ? fs::path(*flags.blobs) : settings.blobs);
  if (auto url = store::database_url_of(location); !url) return std::move(url).error();
  return location;
}

namespace {

// The seconds in one of a duration's units: s, m, h, d or w.
std::optional<std::int64_t> seconds_per_unit(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    case 'w':
      return 7 * 86400;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  auto unit = seconds_per_unit(text.back());
  if (!unit) return std::nullopt;
  // At most 11 digits times a week stays far below the range of seconds.
  return std::chrono::seconds(static_cast<std::int64_t>(value) * *unit);
}

Result<std::chrono::sys_seconds> parse_expiry(std::string_view text, std::chrono::sys_seconds now) {
  using namespace std::chrono;
  const std::string shown = "--expires " + wreg::quoted(text);
  const std::string forms =
      "expected a duration like 90d, 12h, 30m or 2w, or a UTC time like 2027-06-30 or "
      "2027-06-30T12:00:00Z";
  const auto last = sys_days(year(9999) / December / 31) + hours(23) + minutes(59) + seconds(59);
  auto too_far = [&] {
    return fail(ErrorCode::kInvalidArgument,
                shown +
                    " is past the year 9999; leave --expires out for a token that never "
                    "expires");
  };
  std::optional<sys_seconds> when;
  if (text.size() >= 10 && text[4] == '-') {
    // A date alone is its midnight UTC.
    when = store::parse_rfc3339(text.size() == 10 ? std::string(text) + "T00:00:00Z"
                                                  : std::string(text));
    if (!when) return fail(ErrorCode::kInvalidArgument, shown + " is not a time; " + forms);
  } else {
    const std::string_view number = text.empty() ? text : text.substr(0, text.size() - 1);
    if (number.empty() ||
        !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return fail(ErrorCode::kInvalidArgument, shown + " is not a duration; " + forms);
    }
    const auto per_unit = seconds_per_unit(text.back());
    if (!per_unit) return fail(ErrorCode::kInvalidArgument, shown + " is not a duration; " + forms);
    const std::int64_t unit = *per_unit;
    // Past 12 digits (after leading zeros), even seconds reach beyond the year 9999; up to
    // there, times a week stays far inside 64 bits.
    constexpr std::size_t kMaxDigits = 12;
    const std::string_view significant =
        number.substr(std::min(number.find_first_not_of('0'), number.size()));
    if (significant.size() > kMaxDigits) return too_far();
    std::int64_t value = 0;
    for (const char c : significant) value = value * 10 + (c - '0');
    if (value == 0) {
      return fail(ErrorCode::kInvalidArgument, shown + " would expire the token at once; " + forms);
    }
    if (value > (last - now).count() / unit) return too_far();
    when = now + seconds(value * unit);
  }
  if (*when <= now) {
    return fail(ErrorCode::kInvalidArgument, shown + " has passed (it is " + store::rfc3339(now) +
                                                 " now); give a later time, or a " +
                                                 "duration like 90d");
  }
  if (*when > last) return too_far();
  return *when;
}

int namespace_create(const store::StoreLocation& where, const std::string& ns, std::ostream& out,
                     std::ostream& err) {
  return guarded(err, [&] {
    if (auto valid = check_label(ns, "namespace"); !valid) return report(err, valid.error());
    auto dir = open_dir(where, store::MissingDir::kCreate);
    if (!dir) return report(err, dir.error());
    if (auto created = dir->metadata->create_namespace(ns); !created) {
      return report(err, created.error());
    }
    out << "created namespace " << ns << "\n";
    return 0;
  });
}

int namespace_list(const store::StoreLocation& where, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kRefuse);
    if (!dir) return report(err, dir.error());
    auto names = dir->metadata->list_namespaces();
    if (!names) return report(err, names.error());
    for (const std::string& name : *names) out << name << "\n";
    return 0;
  });
}

int token_create(const store::StoreLocation& where, const auth::TokenScopes& scopes,
                 std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kRefuse);
    if (!dir) return report(err, dir.error());
    auto token = auth::create_token(*dir->tokens, scopes);
    if (!token) return report(err, token.error());
    // The only line on stdout, so that a script can capture it; shown once, never stored.
    out << token->secret << "\n" << std::flush;
    err << "created token " << token->id;
    if (scopes.expires) err << ", expiring at " << store::rfc3339(*scopes.expires);
    err << "; it is shown only once, store it now\n";
    return 0;
  });
}

int token_list(const store::StoreLocation& where, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kRefuse);
    if (!dir) return report(err, dir.error());
    auto tokens = dir->tokens->list_tokens();
    if (!tokens) return report(err, tokens.error());
    out << "id\tscope\tcreated\texpires\tlast used\tstatus\tnote\n";
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    for (const store::TokenRecord& token : *tokens) {
      std::string scope = token.admin ? "admin" : "publish:";
      if (!token.admin) {
        for (std::size_t i = 0; i < token.namespaces.size(); ++i) {
          scope += (i == 0 ? "" : ",") + token.namespaces[i];
        }
      }
      std::string status = "live";
      if (token.revoked) {
        status = "revoked " + *token.revoked;
      } else if (token.expires && now >= *token.expires) {
        status = "expired";
      }
      out << token.id << "\t" << scope << "\t" << token.created << "\t"
          << (token.expires ? store::rfc3339(*token.expires) : std::string("never")) << "\t"
          << (token.last_used ? store::rfc3339(*token.last_used) : std::string("never used"))
          << "\t" << status << "\t" << token.note << "\n";
    }
    return 0;
  });
}

int token_revoke(const store::StoreLocation& where, std::int64_t id, std::ostream& out,
                 std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kRefuse);
    if (!dir) return report(err, dir.error());
    if (auto revoked = dir->tokens->revoke_token(id); !revoked) {
      return report(err, revoked.error());
    }
    out << "revoked token " << id << "\n";
    return 0;
  });
}

int log_init(const store::StoreLocation& where, const std::optional<std::string>& origin,
             std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kCreate);
    if (!dir) return report(err, dir.error());
    auto key = tlog::create_log_key(where.data, origin ? *origin : tlog::default_log_origin({}));
    if (!key) return report(err, key.error());
    out << key->verifier().to_string() << "\n" << std::flush;
    err << "made the transparency log's signing key "
        << wreg::quoted((where.data / tlog::kLogKeyFile).string())
        << "; back it up, keep it secret, and give clients the verifier key above\n";
    return 0;
  });
}

int log_rotate(const fs::path& data, const std::optional<std::string>& origin, std::ostream& out,
               std::ostream& err) {
  return guarded(err, [&] {
    auto key = tlog::rotate_log_key(data, origin);
    if (!key) return report(err, key.error());
    out << key->verifier().to_string() << "\n" << std::flush;
    err << "made a new transparency log key and kept the old one beside it as retired; restart "
           "the server, and give clients the verifier key above (`wreg trust REGISTRY KEY`)\n";
    return 0;
  });
}

int log_key(const fs::path& data, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto key = tlog::load_log_key(data);
    if (!key) return report(err, key.error());
    if (!*key) {
      return report(err, fail(ErrorCode::kNotFound,
                              "no transparency log key in " + wreg::quoted(data.string()) +
                                  "; `wreg-server log init` or the first `serve` makes one"));
    }
    out << (*key)->verifier().to_string() << "\n";
    return 0;
  });
}

int log_witness_key(const store::StoreLocation& where, const std::optional<std::string>& name,
                    std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kCreate);
    if (!dir) return report(err, dir.error());
    auto key =
        tlog::load_or_create_witness_key(where.data, name ? *name : tlog::default_witness_name({}));
    if (!key) return report(err, key.error());
    if (name && key->verifier().name != *name) {
      return report(
          err, fail(ErrorCode::kAlreadyExists, "the data directory's witness key is named " +
                                                   wreg::quoted(key->verifier().name) + ", not " +
                                                   wreg::quoted(*name) +
                                                   "; it is never replaced, since logs "
                                                   "and their clients configured it"));
    }
    out << key->verifier().to_string() << "\n";
    return 0;
  });
}

int fsck(const store::StoreLocation& where, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kRefuse);
    if (!dir) return report(err, dir.error());
    std::size_t problems = 0;
    auto problem = [&](const std::string& line) {
      err << line << "\n";
      ++problems;
    };

    // PostgreSQL checks its own pages; SQLite's file is checked here.
    if (dir->sqlite) {
      auto integrity = dir->sqlite->check_integrity();
      if (!integrity) return report(err, integrity.error());
      for (const std::string& line : *integrity) problem(line);
    }

    auto referenced = dir->metadata->referenced_blobs();
    if (!referenced) return report(err, referenced.error());
    auto listing = dir->blobs->list();
    if (!listing) return report(err, listing.error());

    std::map<Digest, std::uint64_t> stored;
    for (const store::StoredBlob& blob : listing->blobs) stored.emplace(blob.digest, blob.size);
    for (const std::string& stray : listing->strays) {
      problem("stray file " + stray + " in the blob store: not named by a digest; move it away");
    }
    // Every digest a release names, with the first reference to it: a damaged blob is named
    // with a release that uses it, so the operator knows what is hit, and a blob not in here is
    // an orphan.
    std::map<Digest, const store::ReferencedBlob*> named;
    for (const store::ReferencedBlob& blob : *referenced) named.emplace(blob.digest, &blob);
    auto named_by = [&named](const Digest& digest) {
      auto found = named.find(digest);
      return found == named.end() ? std::string(" (no release names it)")
                                  : " of " + found->second->first_named.to_string();
    };
    std::set<Digest> damaged;
    for (const store::StoredBlob& blob : listing->blobs) {
      auto actual = dir->blobs->rehash(blob.digest);
      if (!actual) {
        damaged.insert(blob.digest);
        problem("unreadable blob " + blob.digest.to_string() + named_by(blob.digest) + ": " +
                actual.error().message);
      } else if (!(*actual == blob.digest)) {
        damaged.insert(blob.digest);
        problem("corrupt blob " + blob.digest.to_string() + named_by(blob.digest) +
                ": its bytes hash to " + actual->to_string() + "; restore it from a backup");
      }
    }
    auto manifests = dir->metadata->manifests();
    if (!manifests) return report(err, manifests.error());
    std::set<Digest> configs;
    for (const store::StoredManifest& row : *manifests) configs.insert(row.manifest.config);
    for (const store::ReferencedBlob& blob : *referenced) {
      const auto found = stored.find(blob.digest);
      if (found == stored.end()) {
        problem("missing blob " + blob.digest.to_string() + " of " + blob.first_named.to_string() +
                (configs.contains(blob.digest) ? " (its OCI manifest's config)" : "") +
                "; restore it from a backup");
      } else if (found->second != blob.size) {
        problem("blob " + blob.digest.to_string() + " of " + blob.first_named.to_string() +
                " has " + std::to_string(found->second) + " bytes, the release records " +
                std::to_string(blob.size) + "; restore it from a backup");
      }
    }
    check_manifests(*dir->blobs, *manifests, stored, damaged, problem);
    auto log_key = tlog::load_log_key(where.data);
    if (!log_key) problem(log_key.error().message);
    std::optional<tlog::VerifierKey> verifier;
    if (log_key && *log_key) verifier = (*log_key)->verifier();
    auto retired = tlog::retired_log_keys(where.data);
    if (!retired) problem(retired.error().message);
    auto audit = tlog::audit_log(*dir->metadata, verifier,
                                 retired ? *retired : std::vector<tlog::VerifierKey>{}, problem);
    if (!audit) return report(err, audit.error());
    std::size_t orphans = 0;
    for (const store::StoredBlob& blob : listing->blobs) {
      if (named.contains(blob.digest)) continue;
      ++orphans;
      out << "orphan blob " << blob.digest.to_string() << " (" << blob.size
          << " bytes): no release names it; `wreg-server gc` removes it\n";
    }
    out << "checked " << listing->blobs.size() << " blobs, " << referenced->size()
        << " referenced digests and " << audit->entries << " log entries under "
        << audit->checkpoints << " checkpoints: " << problems
        << (problems == 1 ? " problem, " : " problems, ") << orphans
        << (orphans == 1 ? " orphan\n" : " orphans\n");
    return problems == 0 ? 0 : 1;
  });
}

int gc(const store::StoreLocation& where, std::chrono::seconds grace, std::ostream& out,
       std::ostream& err, fs::file_time_type now) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kRefuse);
    if (!dir) return report(err, dir.error());
    if (auto forgotten = dir->metadata->forget_expired_blob_claims(); !forgotten) {
      return report(err, forgotten.error());
    }
    auto referenced = dir->metadata->referenced_blobs();
    if (!referenced) return report(err, referenced.error());
    auto listing = dir->blobs->list();
    if (!listing) return report(err, listing.error());
    std::set<Digest> named;
    for (const store::ReferencedBlob& blob : *referenced) named.insert(blob.digest);

    const fs::file_time_type cutoff = now - grace;
    std::size_t removed = 0;
    std::size_t kept = 0;
    std::uint64_t bytes = 0;
    for (const store::StoredBlob& blob : listing->blobs) {
      if (named.contains(blob.digest)) continue;
      if (blob.modified >= cutoff) {
        ++kept;
        continue;
      }
      store::MetadataStore& metadata = *dir->metadata;
      const Digest digest = blob.digest;
      auto deleted = dir->blobs->remove_orphan(digest, cutoff, [&]() -> Result<bool> {
        auto in_use = metadata.is_referenced(digest);
        if (!in_use) return std::move(in_use).error();
        return !*in_use;
      });
      if (!deleted) {
        if (deleted.error().code == ErrorCode::kNotFound) continue;  // removed meanwhile
        return report(err, deleted.error());
      }
      if (*deleted) {
        ++removed;
        bytes += blob.size;
        out << "removed orphan blob " << digest.to_string() << " (" << blob.size << " bytes)\n";
      } else {
        ++kept;
      }
    }
    auto temps = dir->blobs->remove_stale_temp_files(grace);
    if (!temps) return report(err, temps.error());
    auto sessions = dir->uploads->remove_stale(grace);
    if (!sessions) return report(err, sessions.error());
    out << "removed " << removed << " orphaned blobs (" << bytes << " bytes) and "
        << *temps + *sessions << " abandoned uploads; kept " << kept
        << " orphans younger than the grace period\n";
    return 0;
  });
}

int migrate(const std::string& from, const std::string& to, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    auto source = store::database_url_of(store::StoreLocation(fs::path(), from, fs::path()));
    if (!source || source->engine != store::DatabaseUrl::Engine::kSqlite || from.empty()) {
      return report(err, fail(ErrorCode::kInvalidArgument,
                              "--from must be the SQLite database to copy, sqlite:PATH (the "
                              "wreg.db in a data directory)"));
    }
    auto target = store::database_url_of(store::StoreLocation(fs::path(), to, fs::path()));
    if (!target || target->engine != store::DatabaseUrl::Engine::kPostgres) {
      return report(err, fail(ErrorCode::kInvalidArgument,
                              "--to must be the PostgreSQL database to copy into, "
                              "postgresql://USER@HOST:PORT/DB"));
    }
    std::error_code ec;
    if (!fs::is_regular_file(source->sqlite_file, ec)) {
      return report(err, fail(ErrorCode::kNotFound,
                              "no SQLite database at " + source->sqlite_file.string() +
                                  "; --from names the wreg.db of the registry to copy"));
    }
    store::SqliteOptions sqlite;
    sqlite.connections = 1;
    auto from_db = store::SqliteDatabase::open(source->sqlite_file, std::move(sqlite));
    if (!from_db) return report(err, from_db.error());
    auto to_db = store::PostgresDatabase::open(target->conninfo, store::PostgresOptions{1, {}, {}});
    if (!to_db) return report(err, to_db.error());
    auto migrated = migrate_metadata(**from_db, **to_db);
    if (!migrated) return report(err, migrated.error());
    std::string counts;
    for (const auto& [table, rows] : migrated->rows) {
      counts += (counts.empty() ? "" : ", ") + std::to_string(rows) + " " + table;
    }
    if (migrated->already_done) {
      out << "the PostgreSQL database already holds this registry (" << counts
          << "), every row verified; nothing was written\n";
    } else {
      out << "copied " << counts << " into PostgreSQL and verified every row; serve it with "
          << "--database and this data directory's keys and blobs\n";
    }
    return 0;
  });
}

int backup(const store::StoreLocation& where, const fs::path& to, std::ostream& out,
           std::ostream& err) {
  return guarded(err, [&] {
    auto dir = open_dir(where, store::MissingDir::kRefuse);
    if (!dir) return report(err, dir.error());
    auto done = back_up(*dir, to);
    if (!done) return report(err, done.error());
    out << "backed up " << done->releases << (done->releases == 1 ? " release" : " releases")
        << " and " << done->blobs << (done->blobs == 1 ? " blob" : " blobs") << " ("
        << done->blob_bytes << " bytes; " << done->linked << " hard-linked, " << done->copied
        << " copied, all verified) to " << to.string() << "; it is a data directory: `wreg-server "
        << "serve --data " << to.string() << "` serves it\n";
    return 0;
  });
}

int mirror_sync(const store::StoreLocation& where, const std::vector<std::string>& upstreams,
                const std::optional<fs::path>& config, const std::string& ns,
                const std::vector<std::string>& packages,
                const std::optional<std::string>& versions, std::ostream& out, std::ostream& err) {
  return guarded(err, [&] {
    api::ServeOptions settings;
    if (config) {
      if (auto loaded = api::load_config(*config, settings); !loaded) {
        return report(err, loaded.error());
      }
    }
    for (const auto& text : upstreams) {
      auto upstream = mirror::parse_upstream(text);
      if (!upstream) return report(err, upstream.error());
      std::erase_if(settings.upstreams,
                    [&](const auto& given) { return given.space == upstream->space; });
      settings.upstreams.push_back(std::move(*upstream));
    }
    std::optional<VersionReq> requirement;
    if (versions) {
      auto parsed = VersionReq::parse(*versions);
      if (!parsed) {
        return report(err,
                      fail(ErrorCode::kInvalidArgument,
                           "--versions: " + parsed.error().message + " (e.g. ^0.2 or >=0.2.3)"));
      }
      requirement = std::move(*parsed);
    }
    auto dir = open_dir(where, store::MissingDir::kCreate);
    if (!dir) return report(err, dir.error());
    auto mirrors = mirror::Mirrors::create(*dir->metadata, *dir->blobs, settings.upstreams,
                                           mirror::Mirrors::kRefreshInterval,
                                           [&out](std::string_view line) { out << line << "\n"; });
    if (!mirrors) return report(err, mirrors.error());
    if ((*mirrors)->upstream_of(ns) == nullptr) {
      return report(
          err, fail(ErrorCode::kInvalidArgument, "namespace " + wreg::quoted(ns) +
                                                     " is not mirrored; give --upstream " + ns +
                                                     "=URL or [upstreams] in the settings file"));
    }
    std::vector<PackageName> names;
    for (const auto& text : packages) {
      auto name = PackageName::parse(text.find(':') == std::string::npos ? ns + ":" + text : text);
      if (!name || name->space() != ns) {
        return report(err, fail(ErrorCode::kInvalidArgument,
                                "--package " + wreg::quoted(text) + " is not a package of " + ns));
      }
      names.push_back(*name);
    }
    if (names.empty()) {
      auto listed = (*mirrors)->upstream_packages(ns);
      if (!listed) return report(err, listed.error());
      names = std::move(*listed);
    }
    int status = 0;
    for (const auto& name : names) {
      for (const auto& failure : (*mirrors)->sync(name, requirement)) {
        err << "wreg-server: " << name.to_string() << ": " << failure << "\n";
        status = 1;
      }
      auto held = dir->metadata->package(name);
      const std::size_t count = held ? held->document.versions.size() : 0;
      out << name.to_string() << ": " << count << (count == 1 ? " version" : " versions")
          << " held\n";
    }
    return status;
  });
}

void add_admin_commands(CLI::App& app, int& exit_status) {
  struct Options {
    LocationFlags location;
    std::string ns;
    std::vector<std::string> namespaces;
    bool admin = false;
    std::string note;
    std::optional<std::string> expires;
    std::int64_t id = 0;
    std::string grace = "24h";
    std::string to;
    std::string migrate_from;
    std::string migrate_to;
    std::vector<std::string> upstreams;
    std::vector<std::string> packages;
    std::optional<std::string> versions;
    std::optional<std::string> origin;
  };
  // Shared by the callbacks, which CLI11 keeps as long as `app`.
  auto options = std::make_shared<Options>();
  auto add_data = [options](CLI::App* command) {
    command->add_option("--data", options->location.data,
                        "the registry's data directory (default: the config file's, else "
                        "./wreg-data)");
    command->add_option("--database", options->location.database,
                        "its database, sqlite:PATH or postgresql://USER@HOST/DB (default: the "
                        "config file's, else wreg.db in the data directory)");
    command->add_option("--blobs", options->location.blobs,
                        "its blob folder (default: the config file's, else blobs/ in the data "
                        "directory)");
    command->add_option("--config", options->location.config,
                        "the settings file of `serve` (e.g. /etc/wreg/wreg-server.toml): its data "
                        "directory, unless --data is given");
  };
  int* status = &exit_status;
  // Runs `command(data_dir)` once the flags are parsed; a config file that cannot be read is bad
  // usage, as for serve.
  auto on_data = [options, status](auto command) {
    return [options, status, command] {
      auto where = store_location_of(options->location);
      if (!where) {
        std::cerr << "wreg-server: " << where.error().message << "\n";
        *status = 2;
        return;
      }
      *status = command(*where);
    };
  };

  CLI::App* ns = app.add_subcommand("namespace", "create and list namespaces");
  ns->require_subcommand(1);
  CLI::App* ns_create = ns->add_subcommand("create", "create a namespace");
  add_data(ns_create);
  ns_create->add_option("NS", options->ns, "the namespace, a kebab-case label")->required();
  ns_create->callback(on_data([options](const store::StoreLocation& where) {
    return namespace_create(where, options->ns, std::cout, std::cerr);
  }));
  CLI::App* ns_list = ns->add_subcommand("list", "list namespaces");
  add_data(ns_list);
  ns_list->callback(on_data([](const store::StoreLocation& where) {
    return namespace_list(where, std::cout, std::cerr);
  }));

  CLI::App* token = app.add_subcommand("token", "create, list and revoke tokens");
  token->require_subcommand(1);
  CLI::App* token_new = token->add_subcommand("create", "create a token and print it once");
  add_data(token_new);
  token_new->add_option("--namespace", options->namespaces,
                        "a namespace the token may publish to (repeatable)");
  token_new->add_flag("--admin", options->admin, "the token may do everything");
  token_new->add_option("--note", options->note, "a note shown by `token list`");
  token_new->add_option("--expires", options->expires,
                        "when the token stops working: a duration from now (90d, 12h, 30m, 2w) "
                        "or a UTC time (2027-06-30, 2027-06-30T12:00:00Z); default: never");
  token_new->callback(on_data([options](const store::StoreLocation& where) {
    auth::TokenScopes scopes{
        .admin = options->admin, .namespaces = options->namespaces, .note = options->note};
    if (options->expires) {
      auto expires =
          parse_expiry(*options->expires,
                       std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
      if (!expires) {
        std::cerr << "wreg-server: " << expires.error().message << "\n";
        return 2;
      }
      scopes.expires = *expires;
    }
    return token_create(where, scopes, std::cout, std::cerr);
  }));
  CLI::App* token_ls = token->add_subcommand("list", "list tokens (never their secrets)");
  add_data(token_ls);
  token_ls->callback(on_data(
      [](const store::StoreLocation& where) { return token_list(where, std::cout, std::cerr); }));
  CLI::App* token_rm = token->add_subcommand("revoke", "revoke a token by id");
  add_data(token_rm);
  token_rm->add_option("ID", options->id, "the token's id, from `token list`")->required();
  token_rm->callback(on_data([options](const store::StoreLocation& where) {
    return token_revoke(where, options->id, std::cout, std::cerr);
  }));

  CLI::App* log = app.add_subcommand("log", "the transparency log's signing key");
  log->require_subcommand(1);
  CLI::App* log_new = log->add_subcommand("init", "make the log's key and print its verifier key");
  add_data(log_new);
  log_new->add_option("--origin", options->origin,
                      "the log's name, first line of its checkpoints (default HOST/wreg-log), "
                      "e.g. registry.example.com/log");
  log_new->callback(on_data([options](const store::StoreLocation& where) {
    return log_init(where, options->origin, std::cout, std::cerr);
  }));
  CLI::App* log_turn = log->add_subcommand(
      "rotate",
      "replace the log's key (the old one is kept, retired) and print the new verifier key");
  add_data(log_turn);
  log_turn->add_option("--origin", options->origin,
                       "the log's name from now on (default: the same name)");
  log_turn->callback(on_data([options](const store::StoreLocation& where) {
    return log_rotate(where.data, options->origin, std::cout, std::cerr);
  }));
  CLI::App* log_show = log->add_subcommand("key", "print the log's verifier key");
  add_data(log_show);
  log_show->callback(on_data(
      [](const store::StoreLocation& where) { return log_key(where.data, std::cout, std::cerr); }));

  CLI::App* witness_show = log->add_subcommand(
      "witness-key",
      "print the verifier key this server cosigns other logs' checkpoints with as their witness "
      "(`serve --witness-for`), making the key first if there is none");
  add_data(witness_show);
  witness_show->add_option("--name", options->origin,
                           "the witness's name, when the key is made (default HOST/wreg-witness)");
  witness_show->callback(on_data([options](const store::StoreLocation& where) {
    return log_witness_key(where, options->origin, std::cout, std::cerr);
  }));

  CLI::App* check = app.add_subcommand("fsck", "check every blob and release");
  add_data(check);
  check->callback(
      on_data([](const store::StoreLocation& where) { return fsck(where, std::cout, std::cerr); }));

  CLI::App* collect = app.add_subcommand("gc", "remove orphaned blobs older than a grace period");
  add_data(collect);
  collect->add_option("--grace", options->grace, "e.g. 30s, 15m, 24h, 7d")
      ->capture_default_str()
      ->check([](const std::string& text) {
        return parse_duration(text) ? std::string()
                                    : "expected a duration like 30s, 15m, 24h or 7d";
      });
  collect->callback(on_data([options](const store::StoreLocation& where) {
    return gc(where, *parse_duration(options->grace), std::cout, std::cerr);
  }));

  CLI::App* save = app.add_subcommand(
      "backup", "copy the data directory (database and the blobs it names) while it serves");
  add_data(save);
  save->add_option("--to", options->to, "the new folder to create: a data directory")->required();
  save->callback(on_data([options](const store::StoreLocation& where) {
    return backup(where, options->to, std::cout, std::cerr);
  }));

  CLI::App* move = app.add_subcommand(
      "migrate", "copy a registry's metadata from SQLite into PostgreSQL, and verify the copy");
  move->add_option("--from", options->migrate_from, "the SQLite database, sqlite:DATA/wreg.db")
      ->required();
  move->add_option("--to", options->migrate_to,
                   "the empty PostgreSQL database, postgresql://USER@HOST:PORT/DB")
      ->required();
  move->callback([options, status] {
    *status = migrate(options->migrate_from, options->migrate_to, std::cout, std::cerr);
  });

  CLI::App* mirror = app.add_subcommand("mirror", "work on mirrored namespaces");
  mirror->require_subcommand(1);
  CLI::App* sync = mirror->add_subcommand(
      "sync", "fetch a mirrored namespace's packages from its upstream now, for offline use");
  add_data(sync);
  // One value per flag, so that a repeated flag does not swallow the positional NS.
  sync->add_option("--upstream", options->upstreams,
                   "NS=URL, as for serve (else the settings file's [upstreams])")
      ->allow_extra_args(false);
  sync->add_option("NS", options->ns, "the mirrored namespace")->required();
  sync->add_option("--package", options->packages,
                   "a package to fetch, NAME or NS:NAME (repeatable; default: every one the "
                   "upstream lists)")
      ->allow_extra_args(false);
  sync->add_option("--versions", options->versions,
                   "only the versions matching this requirement, e.g. ^0.2 (default: all)");
  sync->callback(on_data([options](const store::StoreLocation& where) {
    std::optional<fs::path> config;
    if (options->location.config) config = *options->location.config;
    return mirror_sync(where, options->upstreams, config, options->ns, options->packages,
                       options->versions, std::cout, std::cerr);
  }));
}

}  // namespace wreg::admin
