import type { Knex } from 'knex';
import { Cursor, cursorFromColumns, normalizeDatetime6 } from '../../domain/cursor';
import { PRODUCT_FIELDS, StagingRow } from '../../domain/types';
import { ProductStagingModel } from '../models';
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

function between(q: Knex.QueryBuilder | ReturnType<typeof ProductStagingModel.query>, after: Cursor, until: Cursor) {
  return q
    .where((w) => w.where('src_updated_at', '>', after.at).orWhere((x) => x.where('src_updated_at', '=', after.at).andWhere('id', '>', after.id)))
    .andWhere((w) => w.where('src_updated_at', '<', until.at).orWhere((x) => x.where('src_updated_at', '=', until.at).andWhere('id', '<=', until.id)));
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

/**
 * The batch read, written as SQL rather than built by objection: it runs for every batch, and building the query and
 * a model instance per row took a few ms of CPU per 1000 rows (docs/benchmarks.md, 2026-12-03). Same condition as
 * between() below; the cursor values go as bindings. `rowsAsArray` spares mysql2 a keyed object per row, which
 * tupleToRow would copy anyway.
 */
const RANGE_SQL = '(src_updated_at > ? OR (src_updated_at = ? AND id > ?)) AND (src_updated_at < ? OR (src_updated_at = ? AND id <= ?))';
const rangeBindings = (after: Cursor, until: Cursor) => [after.at, after.at, after.id, until.at, until.at, until.id];

export const FETCH_BATCH_SQL = `SELECT ${COLUMNS.join(', ')} FROM ${STAGING_TABLE} WHERE ${RANGE_SQL} ORDER BY src_updated_at, id LIMIT ?`;

/** A partition's key read (partitionedWindow.ts): every row of the window, three columns, as arrays like the batch read. */
const FETCH_KEYS_SQL = `SELECT id, brand_code, sku FROM ${STAGING_TABLE} WHERE ${RANGE_SQL}`;

export const stagingRepository: StagingRepository = {
  async fetchBatch(db, after, until, limit) {
    const result = await db.raw(FETCH_BATCH_SQL, [...rangeBindings(after, until), limit]).options({ rowsAsArray: true });
    const tuples = (result as unknown as [StagingTuple[]])[0];
    const rows: StagingRow[] = new Array(tuples.length);
    for (let i = 0; i < tuples.length; i++) rows[i] = tupleToRow(tuples[i]);
    return rows;
  },

  async lastCursor(db) {
    const row = await ProductStagingModel.query(db)
      .select('src_updated_at', 'id')
      .orderBy([{ column: 'src_updated_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .first();
    return row ? cursorFromColumns(row.src_updated_at, row.id) : null;
  },

  async countBetween(db, after, until) {
    const q = db(STAGING_TABLE).count<{ n: string | number }[]>({ n: '*' });
    between(q, after, until);
    const [{ n }] = await q;
    return Number(n);
  },

  async windowEnd(db, after, until, limit) {
    const nth = ProductStagingModel.query(db).select('src_updated_at', 'id');
    between(nth, after, until);
    const row = await nth.orderBy([{ column: 'src_updated_at' }, { column: 'id' }]).offset(limit - 1).first();
    if (row) return { to: cursorFromColumns(row.src_updated_at, row.id), rows: limit };
    const last = ProductStagingModel.query(db).select('src_updated_at', 'id');
    between(last, after, until);
    const lastRow = await last.orderBy([{ column: 'src_updated_at', order: 'desc' }, { column: 'id', order: 'desc' }]).first();
    if (!lastRow) return null;
    return { to: cursorFromColumns(lastRow.src_updated_at, lastRow.id), rows: await this.countBetween(db, after, until) };
  },

  async fetchKeys(db, after, until) {
    const result = await db.raw(FETCH_KEYS_SQL, rangeBindings(after, until)).options({ rowsAsArray: true });
    const tuples = (result as unknown as [Array<[string | number, string | null, string | null]>])[0];
    const keys = new Array<{ id: string; brand_code: string | null; sku: string | null }>(tuples.length);
    for (let i = 0; i < tuples.length; i++) keys[i] = { id: String(tuples[i][0]), brand_code: tuples[i][1], sku: tuples[i][2] };
    return keys;
  },

  async fetchByIds(db, ids, after, until) {
    if (ids.length === 0) return [];
    const sql = `SELECT ${COLUMNS.join(', ')} FROM ${STAGING_TABLE} WHERE id IN (${ids.map(() => '?').join(',')}) AND ${RANGE_SQL} ORDER BY src_updated_at, id`;
    const result = await db.raw(sql, [...ids, ...rangeBindings(after, until)]).options({ rowsAsArray: true });
    const tuples = (result as unknown as [StagingTuple[]])[0];
    const rows: StagingRow[] = new Array(tuples.length);
    for (let i = 0; i < tuples.length; i++) rows[i] = tupleToRow(tuples[i]);
    return rows;
  },

  async countAll(db) {
    if (!(await db.schema.hasTable(STAGING_TABLE))) return null;
    const [{ n }] = await db(STAGING_TABLE).count<{ n: string | number }[]>({ n: '*' });
    return Number(n);
  },
};
