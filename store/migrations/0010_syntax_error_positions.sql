-- pybatch store, schema version 10: a syntax error's positions may be NULL,
-- where CPython's SyntaxError has None (analysis.SchemaVersion 3): lineno
-- and offset for a null byte in the source, end_lineno and end_offset also
-- for a source that cannot be decoded. The rows are kept as they are (0
-- where the report had no position); the next run analyzes every content
-- again, since its reports' schema changed, and writes NULL there.
DROP VIEW syntax_errors;

CREATE TABLE content_syntax_errors_10 (
    content_id INTEGER PRIMARY KEY REFERENCES contents(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    msg        TEXT NOT NULL,
    line       INTEGER,          -- CPython's lineno (NULL: None)
    col        INTEGER,          -- offset - 1: 0-based, in characters
    end_line   INTEGER,          -- end_lineno (NULL: None)
    end_col    INTEGER           -- end_offset - 1 (-1, -2: end_offset 0, -1)
);
INSERT INTO content_syntax_errors_10 SELECT content_id, kind, msg, line, col, end_line, end_col FROM content_syntax_errors;
DROP TABLE content_syntax_errors;
ALTER TABLE content_syntax_errors_10 RENAME TO content_syntax_errors;

-- Every syntax error, with the file's source and path.
CREATE VIEW syntax_errors AS
SELECT s.name AS source, f.path, f.id AS file_id, e.kind, e.msg, e.line, e.col, e.end_line, e.end_col
FROM content_syntax_errors e
JOIN files f ON f.content_id = e.content_id
JOIN sources s ON s.id = f.source_id;
