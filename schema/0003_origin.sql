-- 0003_origin: where a release came from (server/mirror/mirror.h).
--
-- Applied in one transaction, followed by PRAGMA user_version = 3. Never edit once released.
-- '' for a release published to this registry; for one a mirror fetched, the upstream registry's
-- URL (`oci+http://…`, `https://…`) as `serve --upstream` named it. A mirrored release is
-- immutable like any other: its bytes are never replaced, whatever the upstream shows later.

ALTER TABLE releases ADD COLUMN origin TEXT NOT NULL DEFAULT '';
