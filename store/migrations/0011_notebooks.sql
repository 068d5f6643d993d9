-- pybatch store, schema version 11: Jupyter notebooks. A notebook's
-- content is the analysis of its code cells joined into one source; its
-- facts' lines are lines of that source. contents gets the notebook's
-- figures (NULL for a Python file), content_cells where each code cell lies
-- in the joined source, and the views of facts give each position's cell
-- and its line in that cell (NULL for a Python file).

ALTER TABLE contents ADD COLUMN nbformat INTEGER;       -- the nbformat major version; NULL: not a notebook
ALTER TABLE contents ADD COLUMN notebook_cells INTEGER; -- cells of every type
ALTER TABLE contents ADD COLUMN masked_lines INTEGER;   -- lines of IPython syntax masked

-- The code cells (with at least one line) of a notebook's content: cell is
-- 1-based among all its cells, line the cell's first line in the joined
-- source, lines how many it has.
CREATE TABLE content_cells (
    content_id INTEGER NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    line       INTEGER NOT NULL,
    cell       INTEGER NOT NULL,
    lines      INTEGER NOT NULL,
    PRIMARY KEY (content_id, line)
) WITHOUT ROWID;

-- The code cells of every notebook, with the file's source and path.
CREATE VIEW notebook_cells AS
SELECT s.name AS source, f.path, f.id AS file_id, c.content_id, c.cell, c.line, c.lines
FROM content_cells c
JOIN files f ON f.content_id = c.content_id
JOIN sources s ON s.id = f.source_id;

DROP VIEW definitions;
DROP VIEW imports;
DROP VIEW syntax_errors;

-- Every definition of every analyzed file, with the file's source and path.
-- (The join is written both ways so that either side's index serves it:
-- files by content, or a content's range of definitions.) In a notebook,
-- cell/cell_line and end_cell/end_cell_line place line and end_line.
CREATE VIEW definitions AS
SELECT s.name AS source, f.path, f.id AS file_id, d.id >> 24 AS content_id, d.id & 16777215 AS seq,
       d.qualname, substr(d.qualname, length(rtrim(d.qualname, replace(d.qualname, '.', ''))) + 1) AS name,
       CASE d.kind WHEN 0 THEN 'class' WHEN 1 THEN 'function' WHEN 2 THEN 'method'
            WHEN 3 THEN 'async_function' ELSE 'async_method' END AS kind,
       d.line, d.col, d.end_line, d.end_col, td.text AS decorators, d.params, tr.text AS returns,
       tb.text AS bases, d.docstring, d.complexity,
       CASE WHEN d.complexity <= 5 THEN 'A' WHEN d.complexity <= 10 THEN 'B' WHEN d.complexity <= 20 THEN 'C'
            WHEN d.complexity <= 30 THEN 'D' WHEN d.complexity <= 40 THEN 'E' ELSE 'F' END AS rank,
       (SELECT c.cell FROM content_cells c WHERE c.content_id = d.id >> 24 AND c.line <= d.line ORDER BY c.line DESC LIMIT 1) AS cell,
       d.line + 1 - (SELECT c.line FROM content_cells c WHERE c.content_id = d.id >> 24 AND c.line <= d.line ORDER BY c.line DESC LIMIT 1) AS cell_line,
       (SELECT c.cell FROM content_cells c WHERE c.content_id = d.id >> 24 AND c.line <= d.end_line ORDER BY c.line DESC LIMIT 1) AS end_cell,
       d.end_line + 1 - (SELECT c.line FROM content_cells c WHERE c.content_id = d.id >> 24 AND c.line <= d.end_line ORDER BY c.line DESC LIMIT 1) AS end_cell_line
FROM content_definitions d
JOIN files f ON f.content_id = d.id >> 24 AND d.id BETWEEN f.content_id << 24 AND (f.content_id << 24) + 16777215
JOIN sources s ON s.id = f.source_id
LEFT JOIN texts td ON td.id = d.decorators
LEFT JOIN texts tr ON tr.id = d.returns
LEFT JOIN texts tb ON tb.id = d.bases;

-- Every import of every analyzed file, with the file's source and path;
-- in a notebook, cell and cell_line place line.
CREATE VIEW imports AS
SELECT s.name AS source, f.path, f.id AS file_id, i.id >> 24 AS content_id, i.id & 16777215 AS seq,
       t.text AS module, i.names, i.level, i.is_from, i.line,
       CASE i.scope WHEN 0 THEN 'module' WHEN 1 THEN 'conditional' WHEN 2 THEN 'try_import_error'
            WHEN 3 THEN 'type_checking' WHEN 4 THEN 'class' ELSE 'function' END AS scope,
       (SELECT c.cell FROM content_cells c WHERE c.content_id = i.id >> 24 AND c.line <= i.line ORDER BY c.line DESC LIMIT 1) AS cell,
       i.line + 1 - (SELECT c.line FROM content_cells c WHERE c.content_id = i.id >> 24 AND c.line <= i.line ORDER BY c.line DESC LIMIT 1) AS cell_line
FROM content_imports i
JOIN files f ON f.content_id = i.id >> 24 AND i.id BETWEEN f.content_id << 24 AND (f.content_id << 24) + 16777215
JOIN sources s ON s.id = f.source_id
JOIN texts t ON t.id = i.module;

-- Every syntax error, with the file's source and path; in a notebook,
-- cell/cell_line and end_cell/end_cell_line place line and end_line.
CREATE VIEW syntax_errors AS
SELECT s.name AS source, f.path, f.id AS file_id, e.kind, e.msg, e.line, e.col, e.end_line, e.end_col,
       (SELECT c.cell FROM content_cells c WHERE c.content_id = e.content_id AND c.line <= e.line ORDER BY c.line DESC LIMIT 1) AS cell,
       e.line + 1 - (SELECT c.line FROM content_cells c WHERE c.content_id = e.content_id AND c.line <= e.line ORDER BY c.line DESC LIMIT 1) AS cell_line,
       (SELECT c.cell FROM content_cells c WHERE c.content_id = e.content_id AND c.line <= e.end_line ORDER BY c.line DESC LIMIT 1) AS end_cell,
       e.end_line + 1 - (SELECT c.line FROM content_cells c WHERE c.content_id = e.content_id AND c.line <= e.end_line ORDER BY c.line DESC LIMIT 1) AS end_cell_line
FROM content_syntax_errors e
JOIN files f ON f.content_id = e.content_id
JOIN sources s ON s.id = f.source_id;
