-- pybatch store, schema version 9: facts in real tables, contents stored
-- once per distinct content hash.
--
--   files            one row per file of a source: where it is, its status,
--                    and (when analyzed) the content it holds
--   contents         one row per distinct content (sha256 of the bytes):
--                    encoding, line metrics, module docstring, __all__
--   content_definitions, content_imports, content_syntax_errors
--                    the facts of a content, typed columns (rowid tables:
--                    rows with docstrings spill out of the pages of a
--                    table without rowid)
--   texts            text that repeats (module names, decorator, base and
--                    return texts), stored once
--
-- The views definitions, imports, syntax_errors and file_results give the
-- facts per file, with the file's source and path, under the column names
-- the JSON Lines records use. The known-files snapshot goes: what an
-- incremental run needs is looked up in files as the walk goes. The
-- directory cache goes too: it held every listing of a tree in memory.

DROP TRIGGER files_gen_insert;
DROP TRIGGER files_gen_delete;
DROP TRIGGER files_gen_update;
DROP TRIGGER runs_gen_update;
DROP TABLE known_snapshot;
DROP TABLE files_generation;

CREATE TABLE texts (
    id   INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE -- (the index also serves "imports of module M")
);

CREATE TABLE contents (
    id              INTEGER PRIMARY KEY,
    sha256          BLOB NOT NULL UNIQUE,    -- 32 bytes
    size            INTEGER NOT NULL,
    run_id          INTEGER NOT NULL REFERENCES runs(id), -- the run that analyzed it
    report_schema   INTEGER NOT NULL,        -- analysis.SchemaVersion
    encoding        TEXT NOT NULL,
    bom             INTEGER NOT NULL,        -- 0/1
    loc             INTEGER NOT NULL,
    lloc            INTEGER NOT NULL,
    sloc            INTEGER NOT NULL,
    comments        INTEGER NOT NULL,
    single_comments INTEGER NOT NULL,
    multi           INTEGER NOT NULL,
    blank           INTEGER NOT NULL,
    lines_error     TEXT,                    -- why the line metrics are missing
    docstring       TEXT,                    -- the module docstring
    all_names       TEXT,                    -- JSON array: __all__
    definitions     INTEGER NOT NULL,        -- how many
    imports         INTEGER NOT NULL         -- how many
);

-- Classes, functions and methods in source order. id is content_id * 2^24
-- + seq (the position in the file), so that a content's definitions are
-- one range of the table and no other index is needed. kind: 0 class,
-- 1 function, 2 method, 3 async_function, 4 async_method. params is the
-- parameter list as Python writes it, with ":" after an annotated name and
-- "=" after one with a default ("self, a, /, b:=, *args, c=, **kw"). The
-- name is the last part of the qualified name and the rank follows from
-- complexity: the definitions view gives both.
CREATE TABLE content_definitions (
    id         INTEGER PRIMARY KEY,
    qualname   TEXT NOT NULL,
    kind       INTEGER NOT NULL,
    line       INTEGER NOT NULL,
    col        INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    end_col    INTEGER NOT NULL,
    decorators INTEGER REFERENCES texts(id), -- JSON array of source texts
    params     TEXT,
    returns    INTEGER REFERENCES texts(id),
    bases      INTEGER REFERENCES texts(id), -- JSON array of source texts
    docstring  TEXT,
    complexity INTEGER NOT NULL
);
CREATE INDEX content_definitions_complexity ON content_definitions(complexity);

-- Import statements in source order; id as in content_definitions. names
-- is the import list as Python writes it ("join as j, exists"); scope:
-- 0 module, 1 conditional, 2 try_import_error, 3 type_checking, 4 class,
-- 5 function.
CREATE TABLE content_imports (
    id         INTEGER PRIMARY KEY,
    module     INTEGER NOT NULL REFERENCES texts(id),
    names      TEXT NOT NULL,
    level      INTEGER NOT NULL,
    is_from    INTEGER NOT NULL,
    line       INTEGER NOT NULL,
    scope      INTEGER NOT NULL
);
CREATE INDEX content_imports_module ON content_imports(module);

CREATE TABLE content_syntax_errors (
    content_id INTEGER PRIMARY KEY REFERENCES contents(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    msg        TEXT NOT NULL,
    line       INTEGER NOT NULL,
    col        INTEGER NOT NULL,
    end_line   INTEGER NOT NULL,
    end_col    INTEGER NOT NULL
);

-- The data of schema 8, one content per distinct hash (the file of the
-- latest run wins).
INSERT INTO texts (text)
SELECT DISTINCT t FROM (
    SELECT json_extract(i.value, '$.module') AS t FROM reports r, json_each(r.imports_json) i
    UNION SELECT json_extract(d.value, '$.returns') FROM reports r, json_each(r.definitions_json) d
    UNION SELECT json(json_extract(d.value, '$.decorators')) FROM reports r, json_each(r.definitions_json) d
    UNION SELECT json(json_extract(d.value, '$.bases')) FROM reports r, json_each(r.definitions_json) d
) WHERE t IS NOT NULL;

CREATE TEMP TABLE old_contents AS
SELECT f.id AS file_id, unhex(f.sha256) AS sha256, f.size, f.run_id, f.report_schema, f.encoding, f.bom,
       f.loc, f.lloc, f.sloc, f.comments, f.single_comments, f.multi, f.blank, f.lines_error,
       r.docstring, r.all_names, r.definitions_json, r.imports_json
FROM files f JOIN reports r ON r.file_id = f.id
WHERE f.sha256 IS NOT NULL AND f.report_schema IS NOT NULL
  AND f.id = (SELECT g.id FROM files g WHERE g.sha256 = f.sha256 AND g.report_schema IS NOT NULL ORDER BY g.run_id DESC, g.id DESC LIMIT 1);

INSERT INTO contents (sha256, size, run_id, report_schema, encoding, bom, loc, lloc, sloc, comments,
    single_comments, multi, blank, lines_error, docstring, all_names, definitions, imports)
SELECT sha256, size, run_id, report_schema, coalesce(encoding, 'utf-8'), coalesce(bom, 0), coalesce(loc, 0), coalesce(lloc, 0),
       coalesce(sloc, 0), coalesce(comments, 0), coalesce(single_comments, 0), coalesce(multi, 0), coalesce(blank, 0),
       lines_error, docstring, all_names,
       coalesce(json_array_length(definitions_json), 0), coalesce(json_array_length(imports_json), 0)
FROM temp.old_contents;

INSERT INTO content_definitions (id, qualname, kind, line, col, end_line, end_col,
    decorators, params, returns, bases, docstring, complexity)
SELECT c.id * 16777216 + CAST(d.key AS INTEGER), json_extract(d.value, '$.qualname'),
       CASE json_extract(d.value, '$.kind') WHEN 'class' THEN 0 WHEN 'function' THEN 1 WHEN 'method' THEN 2
            WHEN 'async_function' THEN 3 ELSE 4 END,
       json_extract(d.value, '$.line'), json_extract(d.value, '$.col'),
       json_extract(d.value, '$.end_line'), json_extract(d.value, '$.end_col'),
       (SELECT id FROM texts WHERE text = json(json_extract(d.value, '$.decorators'))),
       (SELECT group_concat(
            CASE WHEN json_extract(p.value, '$.kind') = 'keyword_only'
                     AND CAST(p.key AS INTEGER) = (SELECT min(CAST(q.key AS INTEGER)) FROM json_each(d.value, '$.params') q
                                                   WHERE json_extract(q.value, '$.kind') = 'keyword_only')
                     AND NOT EXISTS (SELECT 1 FROM json_each(d.value, '$.params') q WHERE json_extract(q.value, '$.kind') = 'var_positional')
                 THEN '*, ' ELSE '' END
            || CASE json_extract(p.value, '$.kind') WHEN 'var_positional' THEN '*' WHEN 'var_keyword' THEN '**' ELSE '' END
            || json_extract(p.value, '$.name')
            || CASE WHEN json_extract(p.value, '$.annotation') THEN ':' ELSE '' END
            || CASE WHEN json_extract(p.value, '$.default') THEN '=' ELSE '' END
            || CASE WHEN json_extract(p.value, '$.kind') = 'positional_only'
                     AND coalesce(json_extract(d.value, '$.params[' || (p.key + 1) || '].kind'), '') <> 'positional_only' THEN ', /' ELSE '' END,
            ', ')
        FROM json_each(d.value, '$.params') p),
       (SELECT id FROM texts WHERE text = json_extract(d.value, '$.returns')),
       (SELECT id FROM texts WHERE text = json(json_extract(d.value, '$.bases'))),
       json_extract(d.value, '$.docstring'), json_extract(d.value, '$.complexity')
FROM temp.old_contents o JOIN contents c ON c.sha256 = o.sha256, json_each(o.definitions_json) d;

INSERT INTO content_imports (id, module, names, level, is_from, line, scope)
SELECT c.id * 16777216 + CAST(i.key AS INTEGER),
       (SELECT id FROM texts WHERE text = json_extract(i.value, '$.module')),
       (SELECT group_concat(json_extract(n.value, '$.name') || coalesce(' as ' || json_extract(n.value, '$.as'), ''), ', ')
        FROM json_each(i.value, '$.names') n),
       json_extract(i.value, '$.level'), json_extract(i.value, '$.is_from'), json_extract(i.value, '$.line'),
       CASE json_extract(i.value, '$.scope') WHEN 'module' THEN 0 WHEN 'conditional' THEN 1 WHEN 'try_import_error' THEN 2
            WHEN 'type_checking' THEN 3 WHEN 'class' THEN 4 ELSE 5 END
FROM temp.old_contents o JOIN contents c ON c.sha256 = o.sha256, json_each(o.imports_json) i;

INSERT INTO content_syntax_errors (content_id, kind, msg, line, col, end_line, end_col)
SELECT c.id, s.kind, s.msg, s.line, s.col, s.end_line, s.end_col
FROM temp.old_contents o JOIN contents c ON c.sha256 = o.sha256 JOIN syntax_errors s ON s.file_id = o.file_id;

DROP TABLE temp.old_contents;

-- files: the content columns go to contents.
CREATE TABLE new_files (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    path        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    mtime_ns    INTEGER NOT NULL,                   -- Unix nanoseconds
    status      TEXT NOT NULL CHECK (status IN ('analyzed', 'skipped', 'failed', 'gone')),
    content_id  INTEGER REFERENCES contents(id),    -- when analyzed
    skip_reason TEXT,
    error_class TEXT,
    error       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    duration_ns INTEGER NOT NULL DEFAULT 0,
    run_id      INTEGER NOT NULL REFERENCES runs(id), -- the run that produced this result
    seen_run_id INTEGER NOT NULL REFERENCES runs(id), -- the last run that wrote or touched the row
    UNIQUE (source_id, path)
);
INSERT INTO new_files (id, source_id, path, size, mtime_ns, status, content_id, skip_reason, error_class, error,
    attempts, duration_ns, run_id, seen_run_id)
SELECT f.id, f.source_id, f.path, f.size, f.mtime_ns, f.status,
       (SELECT c.id FROM contents c WHERE c.sha256 = unhex(f.sha256) AND f.report_schema IS NOT NULL),
       f.skip_reason, f.error_class, f.error, f.attempts, f.duration_ns, f.run_id, f.seen_run_id
FROM files f;

DROP VIEW file_results;
DROP VIEW last_run_failures;
DROP VIEW definitions;
DROP VIEW imports;
DROP TABLE syntax_errors;
DROP TABLE reports;
DROP TABLE dir_cache;
DROP TABLE files;
ALTER TABLE new_files RENAME TO files;
CREATE INDEX files_status ON files(status);
CREATE INDEX files_run ON files(run_id);
CREATE INDEX files_content ON files(content_id);
CREATE INDEX files_size ON files(size);
CREATE INDEX contents_definitions ON contents(definitions);

-- Files with their source's name and their content's figures.
CREATE VIEW file_results AS
SELECT s.name AS source, f.id, f.source_id, f.path, f.size, f.mtime_ns, lower(hex(c.sha256)) AS sha256,
       f.status, f.skip_reason, f.error_class, f.error, f.attempts, f.duration_ns, f.run_id, f.seen_run_id,
       f.content_id, c.encoding, c.bom, c.loc, c.lloc, c.sloc, c.comments, c.single_comments, c.multi, c.blank,
       c.report_schema, c.lines_error, c.docstring, c.all_names, c.definitions, c.imports
FROM files f JOIN sources s ON s.id = f.source_id LEFT JOIN contents c ON c.id = f.content_id;

-- The failed files of the latest run: what `pybatch retry` re-runs.
CREATE VIEW last_run_failures AS
SELECT s.name AS source, f.path, f.error_class, f.error, f.attempts
FROM files f JOIN sources s ON s.id = f.source_id
WHERE f.status = 'failed' AND f.run_id = (SELECT max(id) FROM runs);

-- Every definition of every analyzed file, with the file's source and path.
-- (The join is written both ways so that either side's index serves it:
-- files by content, or a content's range of definitions.)
CREATE VIEW definitions AS
SELECT s.name AS source, f.path, f.id AS file_id, d.id >> 24 AS content_id, d.id & 16777215 AS seq,
       d.qualname, substr(d.qualname, length(rtrim(d.qualname, replace(d.qualname, '.', ''))) + 1) AS name,
       CASE d.kind WHEN 0 THEN 'class' WHEN 1 THEN 'function' WHEN 2 THEN 'method'
            WHEN 3 THEN 'async_function' ELSE 'async_method' END AS kind,
       d.line, d.col, d.end_line, d.end_col, td.text AS decorators, d.params, tr.text AS returns,
       tb.text AS bases, d.docstring, d.complexity,
       CASE WHEN d.complexity <= 5 THEN 'A' WHEN d.complexity <= 10 THEN 'B' WHEN d.complexity <= 20 THEN 'C'
            WHEN d.complexity <= 30 THEN 'D' WHEN d.complexity <= 40 THEN 'E' ELSE 'F' END AS rank
FROM content_definitions d
JOIN files f ON f.content_id = d.id >> 24 AND d.id BETWEEN f.content_id << 24 AND (f.content_id << 24) + 16777215
JOIN sources s ON s.id = f.source_id
LEFT JOIN texts td ON td.id = d.decorators
LEFT JOIN texts tr ON tr.id = d.returns
LEFT JOIN texts tb ON tb.id = d.bases;

-- Every import of every analyzed file, with the file's source and path.
CREATE VIEW imports AS
SELECT s.name AS source, f.path, f.id AS file_id, i.id >> 24 AS content_id, i.id & 16777215 AS seq,
       t.text AS module, i.names, i.level, i.is_from, i.line,
       CASE i.scope WHEN 0 THEN 'module' WHEN 1 THEN 'conditional' WHEN 2 THEN 'try_import_error'
            WHEN 3 THEN 'type_checking' WHEN 4 THEN 'class' ELSE 'function' END AS scope
FROM content_imports i
JOIN files f ON f.content_id = i.id >> 24 AND i.id BETWEEN f.content_id << 24 AND (f.content_id << 24) + 16777215
JOIN sources s ON s.id = f.source_id
JOIN texts t ON t.id = i.module;

-- Every syntax error, with the file's source and path.
CREATE VIEW syntax_errors AS
SELECT s.name AS source, f.path, f.id AS file_id, e.kind, e.msg, e.line, e.col, e.end_line, e.end_col
FROM content_syntax_errors e
JOIN files f ON f.content_id = e.content_id
JOIN sources s ON s.id = f.source_id;
