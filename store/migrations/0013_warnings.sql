-- pybatch store, schema version 13: the warnings CPython 3.14's ast.parse
-- emits for each content (issue 17, item 2). contents gets warnings, how
-- many (NULL for a content written before this version),
-- content_warnings the warnings themselves (seq in CPython's order), and
-- the warnings view gives them per file, with the file's source and path
-- (and, in a notebook, the cell and the line in it).

ALTER TABLE contents ADD COLUMN warnings INTEGER;

CREATE TABLE content_warnings (
    content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    category   TEXT NOT NULL,  -- the warning class, 'SyntaxWarning'
    message    TEXT NOT NULL,  -- CPython's message
    line       INTEGER NOT NULL, -- CPython's lineno
    col        INTEGER,        -- pybatch's, 0-based in characters; NULL where the text is not on line
    PRIMARY KEY (content_id, seq)
) WITHOUT ROWID;

CREATE VIEW warnings AS
SELECT s.name AS source, f.path, f.id AS file_id, w.content_id, w.seq, w.category, w.message, w.line, w.col,
       (SELECT c.cell FROM content_cells c WHERE c.content_id = w.content_id AND c.line <= w.line ORDER BY c.line DESC LIMIT 1) AS cell,
       w.line + 1 - (SELECT c.line FROM content_cells c WHERE c.content_id = w.content_id AND c.line <= w.line ORDER BY c.line DESC LIMIT 1) AS cell_line
FROM content_warnings w
JOIN files f ON f.content_id = w.content_id
JOIN sources s ON s.id = f.source_id;

DROP VIEW file_results;
CREATE VIEW file_results AS
SELECT s.name AS source, f.id, f.source_id, f.path, f.size, f.mtime_ns, lower(hex(c.sha256)) AS sha256,
       f.status, f.skip_reason, f.error_class, f.error, f.attempts, f.duration_ns, f.run_id, f.seen_run_id,
       f.content_id, c.encoding, c.bom, c.loc, c.lloc, c.sloc, c.comments, c.single_comments, c.multi, c.blank,
       c.report_schema, c.lines_error, c.docstring, c.all_names, c.definitions, c.imports, c.lowest_version, c.warnings
FROM files f JOIN sources s ON s.id = f.source_id LEFT JOIN contents c ON c.id = f.content_id;
