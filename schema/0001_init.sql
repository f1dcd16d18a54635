-- 0001_init: the first wreg schema (server/store/migrations.h says how migrations work).
--
-- Applied in one transaction, followed by PRAGMA user_version = 1. Never edit this file once
-- released: add 0002_*.sql instead. Times are RFC 3339 UTC text (2026-11-26T01:02:03Z).
-- Every query in sqlite_metadata_store.cpp is served by a primary key, a UNIQUE constraint or
-- an index below.

CREATE TABLE namespaces (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL UNIQUE,          -- a kebab-case label, validated before insert
  created TEXT NOT NULL
);

CREATE TABLE packages (
  id             INTEGER PRIMARY KEY,
  namespace_id   INTEGER NOT NULL REFERENCES namespaces (id),
  name           TEXT NOT NULL UNIQUE,   -- `ns:name`; listings page through this index
  description    TEXT NOT NULL DEFAULT '',
  latest_version TEXT NOT NULL,          -- see PackageSummary::latest
  latest_kind    TEXT NOT NULL CHECK (latest_kind IN ('wit', 'component')),
  revision       INTEGER NOT NULL DEFAULT 1,  -- bumped on every change; the ETag's source
  created        TEXT NOT NULL
);
CREATE INDEX packages_by_namespace ON packages (namespace_id);

-- Substring search on name and description (`?q=`): FTS5 with the trigram tokenizer matches any
-- substring of 3 or more characters through its index, case-insensitively. Its rowid is
-- packages.id; the store keeps it in step with packages in the same transaction.
CREATE VIRTUAL TABLE package_text USING fts5 (name, description, tokenize = 'trigram');

CREATE TABLE releases (
  id          INTEGER PRIMARY KEY,
  package_id  INTEGER NOT NULL REFERENCES packages (id),
  version     TEXT NOT NULL,             -- as published, with build metadata if any
  version_key TEXT NOT NULL,             -- without build metadata: equal precedence, equal key
  digest      TEXT NOT NULL CHECK (length(digest) = 71 AND substr(digest, 1, 7) = 'sha256:'),
  size        INTEGER NOT NULL CHECK (size >= 0),
  kind        TEXT NOT NULL CHECK (kind IN ('wit', 'component')),
  yanked      INTEGER NOT NULL DEFAULT 0 CHECK (yanked IN (0, 1)),
  published   TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  details     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details)),
  UNIQUE (package_id, version_key)       -- versions are immutable; no build-metadata twins
);
CREATE INDEX releases_by_digest ON releases (digest);

CREATE TABLE dependencies (
  release_id  INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,          -- keeps the order the handler gave
  name        TEXT NOT NULL,             -- `ns:name`
  requirement TEXT NOT NULL,             -- canonical VersionReq text, e.g. `^0.2.0`
  PRIMARY KEY (release_id, position)
) WITHOUT ROWID;

-- The interfaces a release imports or exports, for `?exports=` / `?imports=`. `interface` is
-- `ns:pkg/iface` without a version; `version` is the part after `@`, or '' when absent.
-- The primary-key columns come first: SQLite 3.40's integrity_check misreports "NULL value" in
-- a WITHOUT ROWID table whose key columns follow others, which would make fsck fail.
CREATE TABLE release_interfaces (
  release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  direction  TEXT NOT NULL CHECK (direction IN ('import', 'export')),
  position   INTEGER NOT NULL,
  interface  TEXT NOT NULL,
  version    TEXT NOT NULL,
  PRIMARY KEY (release_id, direction, position)
) WITHOUT ROWID;
CREATE INDEX release_interfaces_by_name ON release_interfaces (direction, interface, version);

CREATE TABLE tokens (
  id      INTEGER PRIMARY KEY,
  hash    BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),  -- SHA-256 of the token text
  admin   INTEGER NOT NULL CHECK (admin IN (0, 1)),
  note    TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL,
  revoked TEXT                             -- NULL while the token is live
);

CREATE TABLE token_namespaces (
  token_id     INTEGER NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
  namespace_id INTEGER NOT NULL REFERENCES namespaces (id),
  PRIMARY KEY (token_id, namespace_id)
) WITHOUT ROWID;
CREATE INDEX token_namespaces_by_namespace ON token_namespaces (namespace_id);
