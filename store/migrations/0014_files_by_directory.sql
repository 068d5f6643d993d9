-- pybatch store, schema version 14: an index of files by directory.
-- rtrim(path, replace(path, '/', '')) is the directory part of a path with
-- its final "/" ("a/b/" for "a/b/c.py", "" at the top): rtrim strips from
-- the right every character of the last component, and stops at the "/",
-- the one character it was not given. An incremental run reads the stored
-- files of each directory it walks with one lookup of this index (issue 18:
-- an unchanged re-run of a million files).

CREATE INDEX files_dir ON files(source_id, rtrim(path, replace(path, '/', '')));
