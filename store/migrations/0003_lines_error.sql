-- pybatch store, schema version 3: analysis.Report gained LinesError, why
-- the line metrics could not be computed (they are then all zero).
ALTER TABLE files ADD COLUMN lines_error TEXT;
