-- pybatch store, schema version 7: a file is named by its source (the
-- absolute root directory) and its slash-separated path relative to it.
-- Before, sources were the roots as one list and paths were as the scanner
-- joined them to the roots as typed, so they depended on the working
-- directory. The rows are renamed by migratePaths (migrate_paths.go), from
-- the paths each run recorded in runs.options; the caches of the old names
-- are dropped (each costs one full walk to rebuild).
DELETE FROM dir_cache;
DELETE FROM known_snapshot;
