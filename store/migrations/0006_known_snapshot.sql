-- What a source's files table says, in one blob (DB.knownSnapshot): an
-- incremental run reads it instead of every row of files when it is
-- current, that is when files_generation has not moved since it was made.
-- The triggers move it on every change a skip decision depends on, whoever
-- makes it (pybatch or an UPDATE typed into the sqlite3 shell).
CREATE TABLE files_generation (gen INTEGER NOT NULL);
INSERT INTO files_generation VALUES (0);
CREATE TRIGGER files_gen_insert AFTER INSERT ON files
BEGIN UPDATE files_generation SET gen = gen + 1; END;
CREATE TRIGGER files_gen_delete AFTER DELETE ON files
BEGIN UPDATE files_generation SET gen = gen + 1; END;
CREATE TRIGGER files_gen_update AFTER UPDATE OF source_id, path, size, mtime_ns, sha256, status, run_id ON files
BEGIN UPDATE files_generation SET gen = gen + 1; END;
CREATE TRIGGER runs_gen_update AFTER UPDATE OF options_hash, tool_version ON runs
BEGIN UPDATE files_generation SET gen = gen + 1; END;
CREATE TABLE known_snapshot (
    source_id INTEGER PRIMARY KEY REFERENCES sources(id),
    gen       INTEGER NOT NULL,   -- files_generation when it was made
    data      BLOB NOT NULL
);
