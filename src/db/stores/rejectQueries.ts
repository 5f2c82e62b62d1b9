import type { Knex } from 'knex';
import { Cursor, cursorFromColumns } from '../../domain/cursor';
import { BATCH_LOG_TABLE, REJECT_TABLE } from '../tables';

/**
 * Reading product_etl_reject for triage (`product-etl rejects`, docs/operations.md "Rejects"). A reject is recorded
 * once per staging row version and reason, by the first run that saw it; a later run that reads the same row again
 * counts it rejected but adds no row. So "the rejects of a run" are selected by the staging rows the run read (its
 * committed batches' cursor range in etl_batch_log), not by the reject's run_id.
 */

/** The staging rows a run read: after `from` (exclusive) up to `to` (inclusive), by (src_updated_at, id). */
export interface RunRange {
  /** The pipeline run id (etl_batch_log.run_id). */
  runId: string;
  workflowId: string;
  from: Cursor;
  to: Cursor;
  batches: number;
  rowsRead: number;
  /** When its last batch was committed (the database's clock). */
  lastCommittedAt: string;
}

export interface RejectFilter {
  /** Rejects of the staging row versions in this range (a run's). */
  range?: { from: Cursor; to: Cursor };
  /** Rejects recorded at or after this time (created_at, the database's clock). */
  createdSince?: string;
  reason?: string;
}

export interface ReasonCount {
  reason_code: string;
  rejects: number;
  /** Distinct fields the reason was given for, comma-separated. */
  fields: string;
}

export interface RejectRecord {
  id: string;
  staging_id: string;
  brand_code: string | null;
  sku: string | null;
  reason_code: string;
  field: string;
  message: string;
  src_updated_at: string;
  created_at: string;
  raw_row: string;
}

interface RangeRow {
  run_id: string;
  workflow_id: string;
  from_at: string;
  from_id: string | number;
  to_at: string;
  to_id: string | number;
  batches: string | number;
  rows_read: string | number;
  last_committed_at: string;
}

/** One run's batches as one range; the batches of a run are consecutive, so first `from` to last `to` is what it read. */
async function rangeOf(db: Knex, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<RunRange | undefined> {
  const first = (await where(db(BATCH_LOG_TABLE)).orderBy([{ column: 'from_at' }, { column: 'from_id' }]).first('run_id', 'workflow_id', 'from_at', 'from_id')) as RangeRow | undefined;
  if (!first) return undefined;
  const last = (await where(db(BATCH_LOG_TABLE)).orderBy([{ column: 'to_at', order: 'desc' }, { column: 'to_id', order: 'desc' }]).first('to_at', 'to_id')) as RangeRow;
  const totals = (await where(db(BATCH_LOG_TABLE))
    .first(db.raw('COUNT(*) AS batches'), db.raw('COALESCE(SUM(rows_read), 0) AS rows_read'), db.raw("DATE_FORMAT(MAX(committed_at), '%Y-%m-%d %H:%i:%s') AS last_committed_at"))) as RangeRow;
  return {
    runId: first.run_id,
    workflowId: first.workflow_id,
    from: cursorFromColumns(first.from_at, first.from_id),
    to: cursorFromColumns(last.to_at, last.to_id),
    batches: Number(totals.batches),
    rowsRead: Number(totals.rows_read),
    lastCommittedAt: totals.last_committed_at,
  };
}

/** Keeps rows whose (src_updated_at, staging_id) is after `from` and at or before `to`, as the staging read does. */
function applyFilter(q: Knex.QueryBuilder, f: RejectFilter): Knex.QueryBuilder {
  if (f.range) {
    const { from, to } = f.range;
    q.where((w) => w.where('src_updated_at', '>', from.at).orWhere((x) => x.where('src_updated_at', '=', from.at).andWhere('staging_id', '>', from.id)))
      .andWhere((w) => w.where('src_updated_at', '<', to.at).orWhere((x) => x.where('src_updated_at', '=', to.at).andWhere('staging_id', '<=', to.id)));
  }
  if (f.createdSince !== undefined) q.andWhere('created_at', '>=', f.createdSince);
  if (f.reason !== undefined) q.andWhere('reason_code', f.reason);
  return q;
}

export const rejectQueries = {
  /** The last run that read staging rows: the run of the most recently committed batch. */
  async lastRun(db: Knex): Promise<RunRange | undefined> {
    const latest = (await db(BATCH_LOG_TABLE).orderBy('id', 'desc').first('run_id')) as { run_id: string } | undefined;
    return latest ? rangeOf(db, (q) => q.where('run_id', latest.run_id)) : undefined;
  },

  /** A run by its pipeline run id, or by workflow id (all the batches of that workflow's runs). */
  async run(db: Knex, id: string): Promise<RunRange | undefined> {
    return (await rangeOf(db, (q) => q.where('run_id', id))) ?? rangeOf(db, (q) => q.where('workflow_id', id));
  },

  async countByReason(db: Knex, f: RejectFilter): Promise<ReasonCount[]> {
    const rows = (await applyFilter(db(REJECT_TABLE), f)
      .select('reason_code', db.raw('COUNT(*) AS rejects'), db.raw('GROUP_CONCAT(DISTINCT field ORDER BY field SEPARATOR \',\') AS fields'))
      .groupBy('reason_code')
      .orderBy([{ column: 'rejects', order: 'desc' }, { column: 'reason_code' }])) as Array<{ reason_code: string; rejects: string | number; fields: string }>;
    return rows.map((r) => ({ reason_code: r.reason_code, rejects: Number(r.rejects), fields: String(r.fields) }));
  },

  /** Up to `limit` rejects after id `afterId`, by id (the order they were recorded in): page through with the last id. */
  async page(db: Knex, f: RejectFilter, afterId: string, limit: number): Promise<RejectRecord[]> {
    const rows = (await applyFilter(db(REJECT_TABLE), f)
      .andWhere('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .select('id', 'staging_id', 'brand_code', 'sku', 'reason_code', 'field', 'message', 'src_updated_at', 'created_at', 'raw_row')) as RejectRecord[];
    return rows.map((r) => ({ ...r, id: String(r.id), staging_id: String(r.staging_id) }));
  },
};
