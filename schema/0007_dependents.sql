-- 0007_dependents: finds the packages that depend on a package (its page's "used by") by the
-- dependency's name, without reading every release's dependencies.
CREATE INDEX dependencies_by_name ON dependencies (name);
