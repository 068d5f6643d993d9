// Runs SQL queries with DuckDB (the npm package @duckdb/node-api) for
// pybatch's tests and benchmarks. Input on stdin: {"queries": [...],
// "repeat": N}. Output on stdout: one JSON array, per query {"columns":
// [...], "rows": [[...]], "ms": [...]}, every value as text (null as
// null), so that answers compare with SQLite's exactly; ms are the wall
// times of each of the N runs of the query.
import { DuckDBInstance } from '@duckdb/node-api';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const repeat = Math.max(1, input.repeat || 1);

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const out = [];
for (const sql of input.queries) {
  const ms = [];
  let reader;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    reader = await conn.runAndReadAll(sql);
    ms.push(performance.now() - t0);
  }
  const rows = reader.getRows().map((row) => row.map((v) => (v === null ? null : String(v))));
  out.push({ columns: reader.columnNames(), rows, ms });
}
process.stdout.write(JSON.stringify(out));
