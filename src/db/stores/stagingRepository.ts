import type { Knex } from 'knex';
import { Cursor, cursorFromColumns, normalizeDatetime6 } from '../../domain/cursor';
import { PRODUCT_FIELDS, StagingRow } from '../../domain/types';
import { ProductStagingModel } from '../models';
import { selectArrays } from '../sql/execute';
import { STAGING_TABLE } from '../tables';

const COLUMNS = ['id', ...PRODUCT_FIELDS, 'src_updated_at'];

/**
 * Keyset pagination over `products_staging` on idx_src_updated_at_id. The condition is written as
 * `a > x OR (a = x AND b > y)` rather than the row comparison `(a, b) > (x, y)`: both MySQL 8 and MariaDB turn the
 * expanded form into an index range, while MariaDB scans the whole table for the row comparison.
 */
export interface StagingRepository {
  /** The next `limit` rows strictly after `after` and at or before `until`, in (src_updated_at, id) order. */
  fetchBatch(db: Knex | Knex.Transaction, after: Cursor, until: Cursor, limit: number): Promise<StagingRow[]>;
  /** The greatest (src_updated_at, id) now in staging, or null when it is empty. */
  lastCursor(db: Knex | Knex.Transaction): Promise<Cursor | null>;
  /** How many rows lie in (after, until]: for progress, not for correctness. */
  countBetween(db: Knex | Knex.Transaction, after: Cursor, until: Cursor): Promise<number>;
  /** How many rows staging holds; null when the table does not exist yet (the stack check runs before any seeding). */
  countAll(db: Knex | Knex.Transaction): Promise<number | null>;
  /** The `limit`-th row after `after` (at or before `until`), or the last row in that range when there are fewer. */
  windowEnd(db: Knex | Knex.Transaction, after: Cursor, until: Cursor, limit: number): Promise<{ to: Cursor; rows: number } | null>;
  /** Id and raw key fields of every row in (after, until]: what a partition hashes to find its own rows. */
  fetchKeys(db: Knex | Knex.Transaction, after: Cursor, until: Cursor): Promise<Array<{ id: string; brand_code: string | null; sku: string | null }>>;
  /** The rows with these ids that still lie in (after, until], in (src_updated_at, id) order. */
  fetchByIds(db: Knex | Knex.Transaction, ids: readonly string[], after: Cursor, until: Cursor): Promise<StagingRow[]>;
}

/** A staging row as mysql2 returns it with `rowsAsArray`: the values of COLUMNS, in that order. */
export type StagingTuple = [string | number, ...Array<string | null>];

/**
 * Per row of every batch, so written out by position (test/unit/productFields.test.ts keeps it in step with COLUMNS).
 * The object's keys are in the table's column order: a reject's raw_row is this object's JSON.
 */
export function tupleToRow(t: StagingTuple): StagingRow {
  return {
    id: String(t[0]),
    brand_code: t[1] as string | null,
    sku: t[2] as string | null,
    name: t[3] as string | null,
    category: t[4] as string | null,
    price: t[5] as string | null,
    status: t[6] as string | null,
    attributes: t[7] as string | null,
    tags: t[8] as string | null,
    src_updated_at: normalizeDatetime6(t[9] as string),
  };
}

/** Rows in (after, until], in the interface's expanded keyset form; its bindings come from rangeBindings. */
const RANGE_SQL = '(src_updated_at > ? OR (src_updated_at = ? AND id > ?)) AND (src_updated_at < ? OR (src_updated_at = ? AND id <= ?))';
const rangeBindings = (after: Cursor, until: Cursor) => [after.at, after.at, after.id, until.at, until.at, until.id];

function toRows(tuples: readonly StagingTuple[]): StagingRow[] {
  const rows: StagingRow[] = new Array(tuples.length);
  for (let i = 0; i < tuples.length; i++) rows[i] = tupleToRow(tuples[i]);
  return rows;
}

/** The cursors of the rows in (after, until]: what windowEnd orders and picks from. */
const CURSORS_IN_RANGE_SQL = `SELECT src_updated_at, id FROM ${STAGING_TABLE} WHERE ${RANGE_SQL}`;
type CursorTuple = [string, string | number];

/**
 * The batch read, written as SQL rather than built by objection: it runs for every batch, and building the query and
 * a model instance per row took a few ms of CPU per 1000 rows (docs/benchmarks.md, 2026-12-03). The range is
 * RANGE_SQL; the cursor values go as bindings. `rowsAsArray` spares mysql2 a keyed object per row, which
 * tupleToRow would copy anyway.
 */
export const FETCH_BATCH_SQL = `SELECT ${COLUMNS.join(', ')} FROM ${STAGING_TABLE} WHERE ${RANGE_SQL} ORDER BY src_updated_at, id LIMIT ?`;

/** A partition's key read (partitionedWindow.ts): every row of the window, three columns, as arrays like the batch read. */
const FETCH_KEYS_SQL = `SELECT id, brand_code, sku FROM ${STAGING_TABLE} WHERE ${RANGE_SQL}`;

export const stagingRepository: StagingRepository = {
  async fetchBatch(db, after, until, limit) {
    return toRows(await selectArrays<StagingTuple>(db, FETCH_BATCH_SQL, [...rangeBindings(after, until), limit]));
  },

  async lastCursor(db) {
    const row = await ProductStagingModel.query(db)
      .select('src_updated_at', 'id')
      .orderBy([{ column: 'src_updated_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .first();
    return row ? cursorFromColumns(row.src_updated_at, row.id) : null;
  },

  async countBetween(db, after, until) {
    const [[n]] = await selectArrays<[string | number]>(db, `SELECT COUNT(*) FROM ${STAGING_TABLE} WHERE ${RANGE_SQL}`, rangeBindings(after, until));
    return Number(n);
  },

  async windowEnd(db, after, until, limit) {
    const range = rangeBindings(after, until);
    const [nth] = await selectArrays<CursorTuple>(db, `${CURSORS_IN_RANGE_SQL} ORDER BY src_updated_at, id LIMIT 1 OFFSET ?`, [...range, limit - 1]);
    if (nth) return { to: cursorFromColumns(nth[0], nth[1]), rows: limit };
    const [last] = await selectArrays<CursorTuple>(db, `${CURSORS_IN_RANGE_SQL} ORDER BY src_updated_at DESC, id DESC LIMIT 1`, range);
    if (!last) return null;
    return { to: cursorFromColumns(last[0], last[1]), rows: await this.countBetween(db, after, until) };
  },

  async fetchKeys(db, after, until) {
    const tuples = await selectArrays<[string | number, string | null, string | null]>(db, FETCH_KEYS_SQL, rangeBindings(after, until));
    const keys = new Array<{ id: string; brand_code: string | null; sku: string | null }>(tuples.length);
    for (let i = 0; i < tuples.length; i++) keys[i] = { id: String(tuples[i][0]), brand_code: tuples[i][1], sku: tuples[i][2] };
    return keys;
  },

  async fetchByIds(db, ids, after, until) {
    if (ids.length === 0) return [];
    const sql = `SELECT ${COLUMNS.join(', ')} FROM ${STAGING_TABLE} WHERE id IN (${ids.map(() => '?').join(',')}) AND ${RANGE_SQL} ORDER BY src_updated_at, id`;
    return toRows(await selectArrays<StagingTuple>(db, sql, [...ids, ...rangeBindings(after, until)]));
  },

  async countAll(db) {
    if (!(await db.schema.hasTable(STAGING_TABLE))) return null;
    const [{ n }] = await db(STAGING_TABLE).count<{ n: string | number }[]>({ n: '*' });
    return Number(n);
  },
};
