-- pybatch store, schema version 4: the bulky part of a result moves out of
-- files into reports, one row per analysed file, where a file's
-- definitions and imports are JSON arrays (the analysis.Report JSON form);
-- the definitions and imports tables become views with one row per element.
--
-- Why: with a row per definition, writing cost about 40 B-tree inserts per
-- file and made the SQLite output several times as expensive as JSON Lines;
-- with JSON columns a file is two rows, and a query still sees one row per
-- definition or import. And files stays narrow, so that the bookkeeping of
-- an incremental run (seen_run_id, mtime) rewrites small rows, not reports.
-- syntax_errors (at most one per file, rare) stays a table.

CREATE TABLE reports (
    file_id          INTEGER PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,
    docstring        TEXT,                -- module docstring
    all_names        TEXT,                -- JSON array: __all__
    definitions_json TEXT,                -- JSON array of analysis.Definition
    imports_json     TEXT                 -- JSON array of analysis.Import
);

INSERT INTO reports (file_id, docstring, all_names, definitions_json, imports_json)
SELECT f.id, f.docstring, f.all_names,
    (SELECT json_group_array(json_object(
            'qualname', qualname, 'name', name, 'kind', kind, 'line', line, 'col', col,
            'end_line', end_line, 'end_col', end_col, 'decorators', json(decorators),
            'params', json(params), 'returns', returns, 'bases', json(bases),
            'docstring', docstring, 'complexity', complexity, 'rank', rank))
     FROM (SELECT * FROM definitions d WHERE d.file_id = f.id ORDER BY seq)),
    (SELECT json_group_array(json_object(
            'module', module, 'names', json(names), 'level', level,
            'from', json(CASE is_from WHEN 1 THEN 'true' ELSE 'false' END),
            'line', line, 'where', scope))
     FROM (SELECT * FROM imports i WHERE i.file_id = f.id ORDER BY seq))
FROM files f
WHERE f.report_schema IS NOT NULL;

DROP TABLE definitions;
DROP TABLE imports;
DROP VIEW file_results;
ALTER TABLE files DROP COLUMN docstring;
ALTER TABLE files DROP COLUMN all_names;

-- Files with their source's name.
CREATE VIEW file_results AS
SELECT s.name AS source, f.*
FROM files f JOIN sources s ON s.id = f.source_id;

-- Classes, functions and methods, in source order (seq).
CREATE VIEW definitions AS
SELECT r.file_id,
       CAST(d.key AS INTEGER) AS seq,
       json_extract(d.value, '$.qualname') AS qualname,
       json_extract(d.value, '$.name') AS name,
       json_extract(d.value, '$.kind') AS kind,
       json_extract(d.value, '$.line') AS line,
       json_extract(d.value, '$.col') AS col,
       json_extract(d.value, '$.end_line') AS end_line,
       json_extract(d.value, '$.end_col') AS end_col,
       json_extract(d.value, '$.decorators') AS decorators,  -- JSON array of source texts
       json_extract(d.value, '$.params') AS params,          -- JSON array of {name, kind, default, annotation}
       json_extract(d.value, '$.returns') AS returns,
       json_extract(d.value, '$.bases') AS bases,            -- JSON array of source texts
       json_extract(d.value, '$.docstring') AS docstring,
       json_extract(d.value, '$.complexity') AS complexity,
       json_extract(d.value, '$.rank') AS rank
FROM reports r, json_each(r.definitions_json) d;

-- Import statements, in source order (seq).
CREATE VIEW imports AS
SELECT r.file_id,
       CAST(i.key AS INTEGER) AS seq,
       json_extract(i.value, '$.module') AS module,
       json_extract(i.value, '$.names') AS names,             -- JSON array of {name, as}
       json_extract(i.value, '$.level') AS level,
       json_extract(i.value, '$.from') AS is_from,            -- 0/1
       json_extract(i.value, '$.line') AS line,
       json_extract(i.value, '$.where') AS scope
FROM reports r, json_each(r.imports_json) i;
