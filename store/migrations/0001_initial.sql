-- pybatch store, schema version 1. Applied in one transaction by store.Open;
-- PRAGMA user_version is set to 1 afterwards.

-- One row per analysed tree (the name the command was given, e.g. the root
-- path), so that one database can hold many.
CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL              -- RFC 3339, UTC
);

-- One row per run of pybatch on this database.
CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    tool_version TEXT NOT NULL,
    options      TEXT NOT NULL,           -- JSON: the analysis and run options
    options_hash TEXT NOT NULL,           -- identifies the options that change results
    pid          INTEGER NOT NULL,
    started_at   TEXT NOT NULL,           -- RFC 3339 with ns, UTC
    ended_at     TEXT,                    -- NULL while running or after a crash
    outcome      TEXT NOT NULL DEFAULT 'running'
                 CHECK (outcome IN ('running', 'completed', 'failed', 'interrupted', 'crashed')),
    stats        TEXT                     -- JSON: counts, bytes, timings
);

-- One row per (source, path): the latest result for that file.
CREATE TABLE files (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    path          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,       -- Unix nanoseconds
    sha256        TEXT,                   -- hex; NULL unless analysed
    status        TEXT NOT NULL CHECK (status IN ('analyzed', 'skipped', 'failed', 'gone')),
    skip_reason   TEXT,
    error_class   TEXT,                   -- recovery class name when failed
    error         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    duration_ns   INTEGER NOT NULL DEFAULT 0,
    run_id        INTEGER NOT NULL REFERENCES runs(id),  -- the run that produced this result
    seen_run_id   INTEGER NOT NULL REFERENCES runs(id),  -- the last run whose walk saw the file
    encoding      TEXT,
    bom           INTEGER,                -- 0/1
    docstring     TEXT,                   -- module docstring
    all_names     TEXT,                   -- JSON array: __all__
    loc             INTEGER,
    lloc            INTEGER,
    sloc            INTEGER,
    comments        INTEGER,
    single_comments INTEGER,
    multi           INTEGER,
    blank           INTEGER,
    report_schema   INTEGER,              -- analysis.SchemaVersion of the report
    UNIQUE (source_id, path)
);
CREATE INDEX files_status ON files(status);
CREATE INDEX files_run ON files(run_id);

-- Classes, functions and methods, in source order (seq).
CREATE TABLE definitions (
    file_id    INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    qualname   TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,             -- class, function, method, async_function, async_method
    line       INTEGER NOT NULL,
    col        INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    end_col    INTEGER NOT NULL,
    decorators TEXT,                      -- JSON array of source texts
    params     TEXT,                      -- JSON array of {name, kind, default, annotation}
    returns    TEXT,
    bases      TEXT,                      -- JSON array of source texts
    docstring  TEXT,
    complexity INTEGER NOT NULL,
    rank       TEXT NOT NULL,
    PRIMARY KEY (file_id, seq)
) WITHOUT ROWID;
CREATE INDEX definitions_name ON definitions(name);

-- Import statements, in source order (seq).
CREATE TABLE imports (
    file_id  INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL,
    module   TEXT NOT NULL,               -- '' for "from . import x"
    names    TEXT NOT NULL,               -- JSON array of {name, as}
    level    INTEGER NOT NULL,
    is_from  INTEGER NOT NULL,            -- 0/1
    line     INTEGER NOT NULL,
    scope    TEXT NOT NULL,               -- module, function, class, type_checking, try_import_error, conditional
    PRIMARY KEY (file_id, seq)
) WITHOUT ROWID;
CREATE INDEX imports_module ON imports(module);

-- At most one per file: where and why it does not parse.
CREATE TABLE syntax_errors (
    file_id  INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,               -- SyntaxError, IndentationError, TabError
    msg      TEXT NOT NULL,
    line     INTEGER NOT NULL,
    col      INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    end_col  INTEGER NOT NULL
);
