-- 0002_oci: the OCI manifests of releases (server/oci/, common/oci/artifact.h).
--
-- Applied in one transaction, followed by PRAGMA user_version = 2. Never edit once released.
-- A release has at most one manifest: the one pushed over OCI (kept byte for byte), or the one
-- the server synthesised the first time the release was asked for over OCI. Either way it is
-- stored once, so its digest never changes. `content` is the manifest's exact bytes (UTF-8 JSON,
-- as the manifest reader checked it); the config blob it names is in the blob store, and gc
-- keeps it as long as this row names it.

CREATE TABLE oci_manifests (
  release_id    INTEGER PRIMARY KEY REFERENCES releases (id) ON DELETE CASCADE,
  digest        TEXT NOT NULL CHECK (length(digest) = 71 AND substr(digest, 1, 7) = 'sha256:'),
  media_type    TEXT NOT NULL,
  content       TEXT NOT NULL,
  config_digest TEXT NOT NULL CHECK (length(config_digest) = 71
                                     AND substr(config_digest, 1, 7) = 'sha256:'),
  config_size   INTEGER NOT NULL CHECK (config_size >= 0),
  created       TEXT NOT NULL
);
CREATE INDEX oci_manifests_by_digest ON oci_manifests (digest);
CREATE INDEX oci_manifests_by_config ON oci_manifests (config_digest);
