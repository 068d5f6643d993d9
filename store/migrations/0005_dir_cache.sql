-- What the last complete walk of each source found in each directory
-- (scan.DirCache): a re-run stats a directory instead of listing it while
-- the directory's times and ignore rules are unchanged. One opaque blob per
-- source, valid for the analysis options and tool version it was made
-- with; deleting the row only makes the next walk list every directory.
CREATE TABLE dir_cache (
    source_id    INTEGER PRIMARY KEY REFERENCES sources(id),
    options_hash TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    data         BLOB NOT NULL
);
