-- 0003_dependents (PostgreSQL): as schema/0007_dependents.sql, the dependencies by name for a
-- package page's "used by".
CREATE INDEX dependencies_by_name ON dependencies (name);
