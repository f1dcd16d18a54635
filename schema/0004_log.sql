-- 0004_log: the transparency log of release events (server/tlog/transparency_log.h).
--
-- Applied in one transaction, followed by PRAGMA user_version = 4. Never edit once released.
-- Every publish, yank and unyank appends one entry (common/tlog/release_entry.h) in the
-- transaction that makes it, so no release exists without its entry. Entries are never changed
-- or removed: `idx` is the entry's index in the log, from 0, with no gaps. The Merkle tree over
-- them is not stored; the server rebuilds it from the entries at start and checks it against the
-- newest checkpoint it signed.

CREATE TABLE log_entries (
  idx   INTEGER PRIMARY KEY CHECK (idx >= 0),
  entry TEXT NOT NULL              -- one line of ASCII, with its newline
);

-- Every checkpoint the server signed (a C2SP signed note), by tree size: one per size, since a
-- checkpoint is signed only when the log has grown. Kept so that fsck can prove each one is a
-- prefix of the log as it stands.
CREATE TABLE log_checkpoints (
  size    INTEGER PRIMARY KEY CHECK (size >= 0),
  note    TEXT NOT NULL,
  created TEXT NOT NULL
);

-- The index of the release's publish entry. NULL only for a release published before this
-- migration, until the server's start appends its entry (oldest first).
ALTER TABLE releases ADD COLUMN log_index INTEGER;
CREATE UNIQUE INDEX releases_by_log_index ON releases (log_index);
