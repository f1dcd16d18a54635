-- 0005_witness: what this server, as a witness of other transparency logs, cosigned
-- (server/tlog/witness.h, c2sp.org/tlog-witness).
--
-- Applied in one transaction, followed by PRAGMA user_version = 5. Never edit once released.
-- One row per log, by its origin: the newest checkpoint cosigned for it. A witness cosigns a
-- later checkpoint only when a consistency proof joins it to this one, so losing or rolling back
-- this row would let the log fork unseen: backups carry it with the rest of the database.

CREATE TABLE witnessed_logs (
  origin TEXT PRIMARY KEY,
  size   INTEGER NOT NULL CHECK (size >= 0),
  note   TEXT NOT NULL,                -- the checkpoint as the log sent it (a signed note)
  cosigned TEXT NOT NULL               -- RFC 3339, when it was cosigned
);
