/**
 * Compares what the sync wrote with what an oracle of spec section 6 says it must have written. Used after every
 * injected fault (against the oracle over the rows up to the watermark: each batch commits its rows and the watermark
 * together, so any consistent read must match a prefix exactly) and at the end (against all rows).
 */
import type { Knex } from 'knex';
import { compareCursors, Cursor, normalizeDatetime6, nullableCursorFromColumns } from '../../src/domain/cursor';
import { PRODUCT_FIELDS, StagingRow } from '../../src/domain/types';
import type { ExpectedChange, ExpectedProduct, ExpectedReject, ExpectedState, Oracle } from '../oracle/oracle';
import { BATCH_LOG_TABLE, CHANGE_LOG_TABLE, PRODUCTS_TABLE, REJECT_TABLE, STAGING_TABLE, WATERMARK_TABLE } from '../../src/db/tables';

export interface TableSnapshot {
  watermark: Cursor | null;
  products: ExpectedProduct[];
  changes: ExpectedChange[];
  rejects: ExpectedReject[];
}

export interface Difference {
  table: typeof PRODUCTS_TABLE | typeof CHANGE_LOG_TABLE | typeof REJECT_TABLE | typeof WATERMARK_TABLE | typeof BATCH_LOG_TABLE | 'counts';
  key: string;
  detail: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
/** The products columns the check compares: the record and where it came from. */
const PRODUCT_COLUMNS = [...PRODUCT_FIELDS, 'data_version', 'source_id', 'src_updated_at'] as const;

export async function readStagingRows(knex: Knex): Promise<StagingRow[]> {
  const rows = (await knex(STAGING_TABLE).select('*').orderBy(['src_updated_at', 'id'])) as StagingRow[];
  return rows.map((r) => ({ ...r, id: String(r.id), src_updated_at: normalizeDatetime6(r.src_updated_at) }));
}

/** Every table the check needs, read in one REPEATABLE READ transaction: one consistent point in time. */
export async function snapshotTables(knex: Knex): Promise<TableSnapshot> {
  return knex.transaction(async (trx) => {
    const wm = (await trx(WATERMARK_TABLE).select('last_processed_at', 'last_processed_id').first()) as { last_processed_at: string | null; last_processed_id: string | null } | undefined;
    const products = (await trx(PRODUCTS_TABLE).select(...PRODUCT_COLUMNS)) as Array<Record<(typeof PRODUCT_COLUMNS)[number], unknown>>;
    const changes = (await trx(CHANGE_LOG_TABLE).select('staging_id', 'change_type', 'brand_code', 'sku', 'changed_fields', 'new_data_version')) as Array<Record<string, unknown>>;
    const rejects = (await trx(REJECT_TABLE).select('staging_id', 'reason_code')) as Array<Record<string, unknown>>;
    return {
      watermark: wm ? nullableCursorFromColumns(wm.last_processed_at, wm.last_processed_id) : null,
      products: products.map((p) => ({
        brand_code: String(p.brand_code), sku: String(p.sku), name: String(p.name),
        category: p.category === null ? null : String(p.category), price: p.price === null ? null : String(p.price), status: String(p.status),
        attributes: text(p.attributes), tags: text(p.tags), data_version: String(p.data_version),
        source_id: String(p.source_id), src_updated_at: normalizeDatetime6(String(p.src_updated_at)),
      })),
      changes: changes.map((c) => ({
        staging_id: String(c.staging_id), change_type: c.change_type as ExpectedChange['change_type'], brand_code: String(c.brand_code), sku: String(c.sku),
        changed_fields: (typeof c.changed_fields === 'string' ? JSON.parse(c.changed_fields) : c.changed_fields) as string[], new_data_version: String(c.new_data_version),
      })),
      rejects: rejects.map((r) => ({ staging_id: String(r.staging_id), reason_code: String(r.reason_code) })),
    };
  });
}

export function rowsUpTo(rows: readonly StagingRow[], cursor: Cursor | null): StagingRow[] {
  if (!cursor) return [];
  return rows.filter((r) => compareCursors({ at: r.src_updated_at, id: r.id }, cursor) <= 0);
}

/**
 * Keyed comparison of a table's rows: every expected row present once and equal, nothing else. A staging id that
 * appears twice is a duplicate (applied twice); one missing is a gap (lost).
 */
function compareKeyed<T>(table: Difference['table'], expected: readonly T[], actual: readonly T[], keyOf: (x: T) => string): Difference[] {
  const out: Difference[] = [];
  const want = new Map(expected.map((x) => [keyOf(x), x]));
  const seen = new Map<string, number>();
  for (const a of actual) {
    const key = keyOf(a);
    seen.set(key, (seen.get(key) ?? 0) + 1);
    const e = want.get(key);
    if (!e) out.push({ table, key, detail: `unexpected row ${JSON.stringify(a)}` });
    else if (JSON.stringify(e) !== JSON.stringify(a)) out.push({ table, key, detail: `differs: expected ${JSON.stringify(e)}, found ${JSON.stringify(a)}` });
  }
  for (const [key, n] of seen) if (n > 1) out.push({ table, key, detail: `duplicate: ${n} rows` });
  for (const key of want.keys()) if (!seen.has(key)) out.push({ table, key, detail: 'missing (a gap)' });
  return out;
}

/** Products keyed by (brand_code, sku); change log and rejects keyed by staging id. Field order fixed for equality. */
export function compareState(expected: ExpectedState, actual: TableSnapshot): Difference[] {
  const product = (p: ExpectedProduct): ExpectedProduct => Object.fromEntries(PRODUCT_COLUMNS.map((f) => [f, p[f]])) as unknown as ExpectedProduct;
  const change = (c: ExpectedChange): ExpectedChange => ({
    staging_id: c.staging_id, change_type: c.change_type, brand_code: c.brand_code, sku: c.sku, changed_fields: [...c.changed_fields], new_data_version: c.new_data_version,
  });
  const reject = (r: ExpectedReject): ExpectedReject => ({ staging_id: r.staging_id, reason_code: r.reason_code });
  return [
    ...compareKeyed(PRODUCTS_TABLE, expected.products.map(product), actual.products.map(product), (p) => JSON.stringify([p.brand_code, p.sku])),
    ...compareKeyed(CHANGE_LOG_TABLE, expected.changes.map(change), actual.changes.map(change), (c) => c.staging_id),
    ...compareKeyed(REJECT_TABLE, expected.rejects.map(reject), actual.rejects.map(reject), (r) => r.staging_id),
  ];
}

/** After a fault: a consistent read of the tables must equal the oracle over the rows up to the watermark it shows. */
export async function checkPrefix(knex: Knex, staging: readonly StagingRow[], oracle: Oracle): Promise<{ watermark: Cursor | null; differences: Difference[] }> {
  const actual = await snapshotTables(knex);
  return { watermark: actual.watermark, differences: compareState(oracle(rowsUpTo(staging, actual.watermark)), actual) };
}

/** At the end: the oracle over every row; the watermark at the run's end. */
export async function checkFinal(knex: Knex, staging: readonly StagingRow[], oracle: Oracle): Promise<{ expected: ExpectedState; differences: Difference[] }> {
  const actual = await snapshotTables(knex);
  const expected = oracle([...staging]);
  const differences = compareState(expected, actual);
  const last = staging.length ? { at: staging[staging.length - 1].src_updated_at, id: staging[staging.length - 1].id } : null;
  if (JSON.stringify(actual.watermark) !== JSON.stringify(last)) {
    differences.push({ table: WATERMARK_TABLE, key: STAGING_TABLE, detail: `expected ${JSON.stringify(last)}, found ${JSON.stringify(actual.watermark)}` });
  }
  return { expected, differences };
}
