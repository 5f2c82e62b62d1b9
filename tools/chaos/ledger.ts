import type { Knex } from 'knex';
import { compareCursors, Cursor, cursorEquals, cursorFromColumns, formatCursor, START_CURSOR } from '../../src/domain/cursor';
import type { Difference } from './verify';
import { BATCH_LOG_TABLE } from '../../src/db/tables';

interface LedgerRow {
  from: Cursor;
  to: Cursor;
  rowsRead: number;
}

/**
 * The batch ledger (etl_batch_log) of the run must be one unbroken chain from the start to the end: each batch
 * starts exactly where the previous one ended, no batch twice, and the rows read add up to the staging rows. A
 * repeated attempt that applied a batch a second time, or a batch skipped over, shows up here by cursor.
 */
export async function checkLedger(knex: Knex, pipelineRunId: string, end: Cursor | null, stagingRows: number): Promise<Difference[]> {
  const raw = (await knex(BATCH_LOG_TABLE).where({ run_id: pipelineRunId }).select('from_at', 'from_id', 'to_at', 'to_id', 'rows_read')) as Array<{
    from_at: string; from_id: string | number; to_at: string; to_id: string | number; rows_read: number;
  }>;
  const rows: LedgerRow[] = raw
    .map((r) => ({ from: cursorFromColumns(r.from_at, r.from_id), to: cursorFromColumns(r.to_at, r.to_id), rowsRead: Number(r.rows_read) }))
    .sort((a, b) => compareCursors(a.from, b.from));
  const out: Difference[] = [];
  const diff = (key: string, detail: string) => out.push({ table: BATCH_LOG_TABLE, key, detail });
  let at = START_CURSOR;
  for (const r of rows) {
    if (!cursorEquals(r.from, at)) diff(formatCursor(r.from), `batch starts at ${formatCursor(r.from)} but the previous one ended at ${formatCursor(at)}`);
    at = r.to;
  }
  const total = rows.reduce((n, r) => n + r.rowsRead, 0);
  if (total !== stagingRows) diff('rows_read', `batches read ${total} rows in all; staging has ${stagingRows}`);
  if (end && !cursorEquals(at, end)) diff('end', `the last batch ends at ${formatCursor(at)}, not at the run's end ${formatCursor(end)}`);
  return out;
}
