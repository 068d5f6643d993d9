-- pybatch store, schema version 8: the JSON of a report names its fields as
-- the views do (analysis.SchemaVersion 2): an import's "from" and "where"
-- are now "is_from" and "scope". The stored import arrays are rewritten and
-- the imports view reads the new names.
UPDATE reports SET imports_json = (
    SELECT json_group_array(json_object(
        'module', json_extract(i.value, '$.module'),
        'names', json(json_extract(i.value, '$.names')),
        'level', json_extract(i.value, '$.level'),
        'is_from', json(CASE json_extract(i.value, '$.from') WHEN 1 THEN 'true' ELSE 'false' END),
        'line', json_extract(i.value, '$.line'),
        'scope', json_extract(i.value, '$.where')))
    FROM (SELECT value FROM json_each(reports.imports_json) ORDER BY key) i)
WHERE imports_json IS NOT NULL AND imports_json <> '[]';

DROP VIEW imports;
-- Import statements, in source order (seq).
CREATE VIEW imports AS
SELECT r.file_id,
       CAST(i.key AS INTEGER) AS seq,
       json_extract(i.value, '$.module') AS module,
       json_extract(i.value, '$.names') AS names,             -- JSON array of {name, as}
       json_extract(i.value, '$.level') AS level,
       json_extract(i.value, '$.is_from') AS is_from,         -- 0/1
       json_extract(i.value, '$.line') AS line,
       json_extract(i.value, '$.scope') AS scope
FROM reports r, json_each(r.imports_json) i;
