-- pybatch store, schema version 2: views that spare sqlite3 users the joins.

-- Files with their source's name.
CREATE VIEW file_results AS
SELECT s.name AS source, f.*
FROM files f JOIN sources s ON s.id = f.source_id;

-- The failed files of the latest run: what `pybatch retry` re-runs.
CREATE VIEW last_run_failures AS
SELECT s.name AS source, f.path, f.error_class, f.error, f.attempts
FROM files f JOIN sources s ON s.id = f.source_id
WHERE f.status = 'failed' AND f.run_id = (SELECT max(id) FROM runs);
