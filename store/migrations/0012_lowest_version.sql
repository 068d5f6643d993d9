-- pybatch store, schema version 12: each content's lowest Python version
-- (issue 17, item 4). contents gets lowest_version, "3.0" to "3.14" for a
-- content that parses (NULL otherwise), content_version_features the
-- syntax that forces it (the first use of each kind, seq in source order),
-- and the version_features view gives them per file, with the file's
-- source and path (and, in a notebook, the cell and the line in it).

ALTER TABLE contents ADD COLUMN lowest_version TEXT;

CREATE TABLE content_version_features (
    content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    feature    TEXT NOT NULL,  -- e.g. 'match statement (PEP 634)'
    version    TEXT NOT NULL,  -- the first version whose grammar accepts it, '3.10'
    line       INTEGER NOT NULL,
    col        INTEGER NOT NULL, -- 0-based, UTF-8 bytes (ast col_offset)
    PRIMARY KEY (content_id, seq)
) WITHOUT ROWID;

CREATE VIEW version_features AS
SELECT s.name AS source, f.path, f.id AS file_id, v.content_id, v.seq, v.feature, v.version, v.line, v.col,
       (SELECT c.cell FROM content_cells c WHERE c.content_id = v.content_id AND c.line <= v.line ORDER BY c.line DESC LIMIT 1) AS cell,
       v.line + 1 - (SELECT c.line FROM content_cells c WHERE c.content_id = v.content_id AND c.line <= v.line ORDER BY c.line DESC LIMIT 1) AS cell_line
FROM content_version_features v
JOIN files f ON f.content_id = v.content_id
JOIN sources s ON s.id = f.source_id;

DROP VIEW file_results;
CREATE VIEW file_results AS
SELECT s.name AS source, f.id, f.source_id, f.path, f.size, f.mtime_ns, lower(hex(c.sha256)) AS sha256,
       f.status, f.skip_reason, f.error_class, f.error, f.attempts, f.duration_ns, f.run_id, f.seen_run_id,
       f.content_id, c.encoding, c.bom, c.loc, c.lloc, c.sloc, c.comments, c.single_comments, c.multi, c.blank,
       c.report_schema, c.lines_error, c.docstring, c.all_names, c.definitions, c.imports, c.lowest_version
FROM files f JOIN sources s ON s.id = f.source_id LEFT JOIN contents c ON c.id = f.content_id;
