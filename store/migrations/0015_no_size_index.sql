-- pybatch store, schema version 15: no index on files(size).
-- Its keys come in no order (each file's size), so once it outgrew the page
-- cache nearly every file written dirtied another of its pages: a first run
-- of a million files (the stdlib and site-packages 90 times) slowed from
-- about 16,000 files/s to 9,000 over the run, and took 100 s against 73 s
-- without it and files_content (76 s without it alone). The one question
-- it served, the largest files, scans the files instead: 0.4 s at a million
-- files (bench/NOTES.md, issue 18).

DROP INDEX files_size;
