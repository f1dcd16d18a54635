-- 0006_blob_claims: claims on blobs being installed (server/store/blob_claim.h).
--
-- A publish claims its blob's digest here before it makes the blob visible, and lets go once the
-- release that names it is committed; gc keeps a claimed blob, whatever its grace period and on
-- whichever server or replica it runs. A claim a crash left behind stops counting after an hour.
CREATE TABLE blob_claims (
  id      INTEGER PRIMARY KEY,
  digest  TEXT NOT NULL,
  claimed TEXT NOT NULL            -- RFC 3339 UTC
);
CREATE INDEX blob_claims_by_digest ON blob_claims (digest);
