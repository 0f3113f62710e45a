#!/usr/bin/env node
// Runs every test/bench/*.bench.mjs against the built package (dist/), in one process, so the
// numbers of one run can be compared with each other. Each bench module exports
// `async function run(ctx)` returning rows { group, name, median_ms, ... }.
// Usage: npm run bench [-- filter] [--json out.json]
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonPath = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const filters = args.filter((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1));
const files = readdirSync(here).filter((f) => f.endsWith('.bench.mjs')).sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

const results = [];
for (const f of files) {
  process.stderr.write(`[bench] ${f} ...\n`);
  const mod = await import(pathToFileURL(join(here, f)).href);
  const rows = await mod.run({ log: (m) => process.stderr.write(`[bench] ${m}\n`) });
  for (const r of rows) results.push({ file: f, ...r });
}
const cols = ['group', 'name', 'median_ms', 'p90_ms', 'per_s', 'ns_per_px', 'ratio', 'note'];
const fmt = (v) => (v === undefined ? '' : typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4)) : String(v));
const widths = cols.map((c) => Math.max(c.length, ...results.map((r) => fmt(r[c]).length)));
const line = (vals) => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
console.log(line(cols));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of results) console.log(line(cols.map((c) => fmt(r[c]))));
const json = JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2);
if (jsonPath) writeFileSync(jsonPath, json + '\n');
console.log('\nJSON:');
console.log(json);
