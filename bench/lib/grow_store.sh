# Sourced, not run: how bench/compare.sh and bench/postgres.sh fill a store fast.

# grow_sqlite DB FIRST COUNT: adds packages grow:pFIRST .. grow:p(FIRST+COUNT-1) to the SQLite
# database DB, with 10 releases each, cloned from the real release of grow:p0 (same blob,
# details and kind), and their search rows, as publish would. The releases have no log entries:
# wreg-server logs them when it next starts.
grow_sqlite() {
  local db=$1 first=$2 count=$3
  sqlite3 "$db" <<SQL >/dev/null
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT $first UNION ALL SELECT i + 1 FROM n WHERE i < $((first + count - 1)))
INSERT INTO packages (namespace_id, name, description, latest_version, latest_kind, revision, created)
  SELECT p.namespace_id, 'grow:p' || n.i, 'seeded package ' || n.i, '1.0.9', p.latest_kind, 1, p.created
  FROM n, packages p WHERE p.name = 'grow:p0';
WITH RECURSIVE v(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM v WHERE j < 9)
INSERT INTO releases (package_id, version, version_key, digest, size, kind, yanked, published, description, details)
  SELECT pk.id, '1.0.' || v.j, '1.0.' || v.j, r.digest, r.size, r.kind, 0, r.published, pk.description, r.details
  FROM packages pk, v, releases r JOIN packages p0 ON p0.id = r.package_id AND p0.name = 'grow:p0'
  WHERE pk.id > (SELECT max(package_id) FROM releases);
INSERT INTO package_text (rowid, name, description)
  SELECT id, name, description FROM packages WHERE id NOT IN (SELECT rowid FROM package_text);
COMMIT;
SQL
}
