/**
 * The read amplification of partitioned windows (docs/scaling.md), measured on generated staging rows: bytes of the
 * key columns every partition reads against the bytes of a whole row, and the CPU of hashing the normalised key
 * against normalising the whole row. Run: npm run build && node dist/tools/bench/readAmplification.js [rows]
 */
import { performance } from 'node:perf_hooks';
import { prepareRows } from '../../src/domain/applyPlan';
import { partitionOf } from '../../src/domain/partition';
import type { StagingRow } from '../../src/domain/types';
import { generateStagingRowsArray } from '../../src/demo/stagingGenerator';

const n = Number(process.argv[2] ?? 20_000);
const rows: StagingRow[] = generateStagingRowsArray({ rows: n }).map((r, i) => ({ ...r, id: String(i + 1) }));
const bytes = (v: string | null) => (v === null ? 0 : Buffer.byteLength(v));
const keyBytes = rows.reduce((s, r) => s + 8 + bytes(r.brand_code) + bytes(r.sku), 0);
const rowBytes = rows.reduce((s, r) => s + 8 + 8 + [r.brand_code, r.sku, r.name, r.category, r.price, r.status, r.attributes, r.tags].reduce((t, v) => t + bytes(v), 0), 0);

function timeMs(fn: () => void): number {
  fn(); // warm
  const t = performance.now();
  for (let i = 0; i < 5; i++) fn();
  return (performance.now() - t) / 5;
}
const hashMs = timeMs(() => rows.forEach((r) => partitionOf(r, 8)));
const normaliseMs = timeMs(() => prepareRows(rows));
console.log(JSON.stringify({
  rows: n,
  keyBytesPerRow: +(keyBytes / n).toFixed(1),
  rowBytesPerRow: +(rowBytes / n).toFixed(1),
  keyShareOfRow: +(keyBytes / rowBytes).toFixed(3),
  hashMsPer1000: +((hashMs * 1000) / n).toFixed(2),
  normaliseMsPer1000: +((normaliseMs * 1000) / n).toFixed(2),
}));
