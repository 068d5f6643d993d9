-- The README's example queries ("The results"), one a line, written
-- against the SQLite views; for DuckDB each FROM names the Parquet table
-- instead (ForParquet). Every ORDER BY is total, so that both engines
-- give the same rows in the same order. Tests and bench/parquet.sh read
-- this file; a test checks that the README shows each query.
SELECT path, line, qualname, complexity, rank FROM definitions ORDER BY complexity DESC, path, line, qualname LIMIT 20
SELECT path, line, msg FROM syntax_errors ORDER BY path
SELECT DISTINCT path FROM imports WHERE module = 'json' ORDER BY path
SELECT path, size FROM file_results ORDER BY size DESC, path LIMIT 10
SELECT path, definitions FROM file_results ORDER BY definitions DESC, path LIMIT 10
SELECT error_class, count(*) FROM file_results WHERE status = 'failed' GROUP BY 1 ORDER BY 1
SELECT module, count(*) FROM imports GROUP BY module ORDER BY 2 DESC, 1 LIMIT 10
